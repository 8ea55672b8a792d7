"""Our own passes are linear in the size of the text, counted in work done rather than timed:
glossary linking looks each run of words up once per length up to the longest term (one pass
over the words of each text node, whatever the number of terms), and citation resolution asks
for each cited key's number once per citation. (How long that takes is for ``make bench``.)"""

from __future__ import annotations

import random

from markdown import Markdown

from plainpress.mdext.citations import CitationExtension, CitePolicy
from plainpress.mdext.glossary import GlossaryExtension
from plainpress.model import GlossaryEntry
from plainpress.sources.glossary import WORD, GlossaryIndex

WORDS = [f"word{i}" for i in range(1500)] + ["the", "a", "of", "muscle", "twitch", "rest", "day"]


class CountingForms(dict):
    """The index of forms, counting the look-ups made in it."""

    lookups = 0

    def get(self, key, default=None):
        self.lookups += 1
        return super().get(key, default)


def _text(paragraphs: int, terms: list[str]) -> str:
    rnd = random.Random(paragraphs)
    body = []
    for p in range(paragraphs):
        words = " ".join(rnd.choice(WORDS) for _ in range(40))
        cites = "; ".join(f"@ref{(p * 3 + k) % 300}" for k in range(3))
        body.append(f"{words} {terms[p % len(terms)]}. {words} {terms[(p * 7) % len(terms)]} [{cites}].")
    return "\n\n".join(body)


def _lookups(terms: list[str], text: str) -> tuple[int, int]:
    """(look-ups in the index of forms, terms linked) for one conversion of ``text``."""
    index = GlossaryIndex.build([GlossaryEntry(term=t, definition="d", forms=[f"{t}s"]) for t in terms])
    index.forms = CountingForms(index.forms)
    ext = GlossaryExtension(index, lambda entry: "#", "demo--", text)
    Markdown(extensions=[ext]).convert(text)
    return index.forms.lookups, len(ext.state.uses)


def test_glossary_linking_is_one_pass_over_the_words_whatever_the_number_of_terms():
    many = [f"term{i} {w}" for i, w in enumerate(random.Random(3).choices(WORDS, k=800))]  # two words each
    few = many[:8]
    text = _text(250, few)
    words = len(WORD.findall(text))  # the words as the linker reads them
    small, linked = _lookups(many, text)
    assert linked == len(few)  # each term used, linked once
    assert _lookups(few, text)[0] == small  # 100 times the terms, not one more look-up
    assert small <= 2 * words  # at most one per length of form (two words) at each word
    large, _ = _lookups(many, _text(1000, few))  # four times the text
    assert 3.5 * small < large < 4.5 * small


def test_each_citation_asks_for_its_numbers_once():
    asked: list[str] = []

    def number(key: str) -> int:
        asked.append(key)
        return int(key.removeprefix("ref")) + 1

    for paragraphs in (250, 1000):
        asked.clear()
        text = _text(paragraphs, ["nerve cell"])
        ext = CitationExtension(CitePolicy(number=number), "demo--", text, {})
        Markdown(extensions=[ext]).convert(text)
        assert len(asked) == len(ext.state.uses) == 3 * paragraphs  # a citation of three keys in each
