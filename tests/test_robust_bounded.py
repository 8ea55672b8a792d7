"""Bounded work: large but honest inputs are read (gather) and analysed (every article converted,
every extension and check run) in full, and inputs built to make Python-Markdown quadratic are
refused before the parser gets them instead of hanging. Each test's timeout fails a hang; how
long the work takes is measured by ``make bench``, and that it grows linearly is counted in
test_scaling.py."""

from __future__ import annotations

import json
import random
from pathlib import Path

import markdown.blockparser
import markdown.treeprocessors
import pytest

from plainpress.errors import Problems
from plainpress.markup import convert, policy_for
from plainpress.stages.analyse import analyse
from plainpress.stages.enforce import enforce
from plainpress.stages.gather import gather

from .robust_helpers import article, copy_mini

WORDS = [f"word{i}" for i in range(2000)] + ["the", "a", "of", "muscle", "twitch", "rest", "day"]


def _read(root: Path):
    """The book gathered and analysed (every article converted, every extension and check run)."""
    return analyse(gather(root))


def _book(tmp_path: Path, body: str, glossary: str | None = None, references: list | None = None) -> Path:
    root = copy_mini(tmp_path / "book")
    (root / "articles" / "first-steps.md").write_text(article(body=body))
    if glossary is not None:
        (root / "glossary.yaml").write_text(glossary)
    if references is not None:
        (root / "references.json").write_text(json.dumps(references))
    return root


@pytest.mark.timeout(180)
def test_five_thousand_glossary_terms_on_a_one_megabyte_article(tmp_path):
    rnd = random.Random(9)
    terms = [f"term{i} {rnd.choice(WORDS)}" for i in range(5000)]
    glossary = "".join(f"- term: {t}\n  forms: [{t}s]\n  definition: The meaning of {t}.\n" for t in terms)
    paragraphs, size, number = [], 0, 0
    while size < 1_000_000:
        sentences = []
        for _ in range(4):
            sentences.append(" ".join(rnd.choice(WORDS) for _ in range(14)) + f" {terms[number % len(terms)]}. ")
            number += 1
        paragraphs.append("".join(sentences))
        size += len(paragraphs[-1]) + 2
    root = _book(tmp_path, "\n\n".join(paragraphs), glossary=glossary)
    assert (root / "articles" / "first-steps.md").stat().st_size > 1_000_000
    book = _read(root)
    linked = sum(1 for uses in book.glossary_uses.values() if uses)
    assert linked == 5000  # each term linked at its first use in the chapter


@pytest.mark.timeout(180)
def test_ten_thousand_citations(tmp_path):
    references = [
        {"id": f"ref{i}", "type": "article-journal", "title": f"Study {i}", "issued": {"date-parts": [[2000 + i % 20]]}}
        for i in range(2000)
    ]
    paragraphs = [
        " ".join(f"Finding {p}.{s} [@ref{(p * 5 + s) % 2000}]." for s in range(5)) for p in range(2000)
    ]  # 10,000 citations
    root = _book(tmp_path, "\n\n".join(paragraphs), references=references)
    book = _read(root)
    assert len([u for u in book.citation_uses if u.article == "first-steps"]) == 10_000
    assert len(book.citation_numbers) == 2000  # every reference, numbered by first citation


@pytest.mark.timeout(120)
def test_a_two_thousand_row_table(tmp_path):
    rows = "\n".join(f"| Day {i} | {i % 7} twitches | Rest {'yes' if i % 2 else 'no'} |" for i in range(2000))
    body = "| Day | Twitches | Rest |\n|:----|:--------:|-----:|\n" + rows + "\n"
    root = _book(tmp_path, body)
    book = _read(root)
    first = book.articles[0]
    policy = policy_for(book, chapter_href=lambda s, f: None, term_href=lambda e: "", ref_href=lambda k: "")
    html = convert(first, policy).html
    assert html.count("<tr") == 2001


QUADRATIC = {
    "unclosed tags": "x<y " * 50_000,
    "web-like tags": "<http://a " * 50_000,
    "backtick runs": " ".join("`" * (i % 300 + 1) + "a" for i in range(5_000)),
    "headings without blank lines": "# h\n" * 100_000,
    "definitions without blank lines": "term\n" + ": a\n" * 100_000,
    "rules without blank lines": "***\n" * 100_000,
    "red flags without blank lines": "::: red-flag urgent\n- x\n:::\n" * 20_000,
    "open brackets": "[" * 200_000,
    "open links": "[a](" * 100_000,
    "one huge paragraph": "*a* " * 200_000,
}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The largest text Python-Markdown's block parser and its inline parsing were given."""
    largest = {"blocks": 0, "inline": 0}
    parse, inline = markdown.blockparser.BlockParser.parseDocument, markdown.treeprocessors.InlineProcessor.run

    def parse_document(self, lines):
        largest["blocks"] = max(largest["blocks"], sum(len(line) + 1 for line in lines))
        return parse(self, lines)

    def run_inline(self, tree, ancestors=None):
        largest["inline"] = max([largest["inline"], *(len(e.text or "") for e in tree.iter())])
        return inline(self, tree, ancestors)

    monkeypatch.setattr(markdown.blockparser.BlockParser, "parseDocument", parse_document)
    monkeypatch.setattr(markdown.treeprocessors.InlineProcessor, "run", run_inline)
    return largest


@pytest.mark.timeout(120)  # a hang fails; how quick it is belongs to `make bench`
@pytest.mark.parametrize("body", QUADRATIC.values(), ids=QUADRATIC.keys())
def test_inputs_that_would_be_quadratic_are_refused_before_they_are_parsed(tmp_path, body, parsed):
    root = _book(tmp_path, body)
    with pytest.raises(Problems) as caught:
        enforce(analyse(gather(root)), strict=False)
    codes = {f.code for f in caught.value.findings}
    assert codes & {"L002", "L003"}, codes
    # What keeps it quick: the parser that would be quadratic never gets the text. Only one huge
    # paragraph is block-parsed (in one linear pass), and refused before inline parsing.
    assert parsed["inline"] < len(body) / 10, parsed
    if body != QUADRATIC["one huge paragraph"]:
        assert parsed["blocks"] < len(body) / 10, parsed
