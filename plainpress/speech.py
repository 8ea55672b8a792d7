"""What the audio outputs say, and in which voice: the words a patient should hear.

- A glossary term is spoken as its "say it" respelling (capitals mark stress there, so the
  respelling is spoken in lower case: espeak-ng would spell a word in capitals letter by letter).
- An abbreviation the glossary defines (a term such as ``ALS`` with its long form among its
  forms, or a long term with the abbreviation among its forms) is read out in full.
- Phone and emergency numbers (the book's and the clinic's, and anything written like a phone
  number) are read digit by digit, their groups apart.
- The voice follows the book's language (``speech.voice`` in book.yaml overrides it), at
  ``speech.rate`` words a minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .mdext.glossary import ACRONYM
from .model import Book, GlossaryEntry
from .readability import WORD
from .sentences import Sentence
from .synth import HEADING_PAUSE_MS, PAUSE_MS, Segment

# espeak-ng voices for a language tag (lower case); a tag not listed uses its primary language's.
VOICES = {
    "en": "en-us",
    "en-us": "en-us",
    "en-gb": "en-gb",
    "en-ie": "en-gb",
    "en-au": "en-gb",
    "en-nz": "en-gb",
    "en-in": "en-gb",
    "en-ca": "en-us",
    "es": "es",
    "es-es": "es",
    "es-419": "es-419",
    "es-mx": "es-419",
    "es-us": "es-419",
    "es-ar": "es-419",
    "es-co": "es-419",
}
PHONE = re.compile(r"(?<![\w.,/])\+?\(?\d{1,4}\)?(?:[ .\u2011-]\d{2,5}){1,4}(?![\w/]|[.,]\d)")


def voice_for(book: Book) -> str:
    """The espeak-ng voice: book.yaml's ``speech.voice``, else the one for the book's language."""
    from .synth import AudioUnavailable, installed_voices

    chosen = book.config.speech.voice
    tag = book.language.lower()
    voice = chosen or VOICES.get(tag) or VOICES.get(tag.split("-")[0]) or tag.split("-")[0]
    if voice not in installed_voices():
        where = f"speech.voice {chosen!r}" if chosen else f"language {book.language!r}"
        raise AudioUnavailable(
            f"{book.root / 'book.yaml'}: {where}: espeak-ng has no voice {voice!r} on this machine; "
            "set speech.voice to one of `espeak-ng --voices` (en-gb, en-us, es, es-419 …)"
        )
    return voice


def _respelling(entry: GlossaryEntry) -> str:
    return " ".join(entry.pronunciation.lower().split())


def _abbreviation(text: str) -> bool:
    return bool(ACRONYM.fullmatch(text))  # as the glossary check sees acronyms: ALS, BFS, VIH, AINEs


def digits(number: str) -> str:
    """``0300 000-0000`` -> ``0 3 0 0, 0 0 0, 0 0 0 0``: each digit a word, each group a phrase."""
    groups = [g for g in re.split(r"[^\d+]+", number) if g]
    return ", ".join(" ".join("plus" if c == "+" else c for c in g) for g in groups)


@dataclass
class Lexicon:
    """Turns a sentence as printed into the words espeak-ng is given."""

    words: dict[str, str]  # term or form (lower case unless an abbreviation) -> what is said
    numbers: list[str]  # phone numbers known to be phone numbers, however short (911)

    def __post_init__(self) -> None:
        alternatives = []
        for key in sorted(self.words, key=len, reverse=True):
            body = re.escape(key).replace(r"\ ", r"\s+")
            alternatives.append(body if _abbreviation(key) else f"(?i:{body})")
        self._terms = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)") if alternatives else None
        known = sorted({n.strip() for n in self.numbers if n.strip()}, key=len, reverse=True)
        self._known = re.compile(rf"(?<![\w]){'|'.join(map(re.escape, known))}(?!\w)") if known else None

    def _term(self, match: re.Match[str]) -> str:
        found = match.group(0)
        key = found if found in self.words else " ".join(found.lower().split())
        return self.words.get(key, found)

    def say(self, sentence: Sentence) -> str:
        text = sentence.text
        if sentence.lowercase:
            return text.lower().replace("[", "").replace("]", "")
        if self._known:
            text = self._known.sub(lambda m: digits(m.group(0)), text)
        text = PHONE.sub(lambda m: digits(m.group(0)) if _phone_like(m.group(0)) else m.group(0), text)
        if self._terms:
            text = self._terms.sub(self._term, text)
        return text.replace("[", "").replace("]", "")  # [[ ]] would switch espeak-ng to phoneme input


def _phone_like(text: str) -> bool:
    """Seven digits or more, and not a date written as 2026-01-02."""
    return sum(c.isdigit() for c in text) >= 7 and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)


def lexicon_for(book: Book, numbers: Iterable[str] = ()) -> Lexicon:
    words: dict[str, str] = {}
    for entry in book.glossary:
        term, forms = entry.term, [f for f in entry.forms if f]
        respelled = _respelling(entry)
        if _abbreviation(term):
            long_forms = [f for f in forms if not _abbreviation(f)]
            words[term] = long_forms[0] if long_forms else (respelled or term)
            for form in long_forms:
                words.setdefault(form.lower(), form)
            continue
        said = respelled or term
        if respelled:
            words[term.lower()] = said
        for form in forms:
            if _abbreviation(form):
                words[form] = said  # BFS: the long term, as it is said
            elif respelled and form.lower() in (term.lower() + "s", term.lower() + "es"):
                words[form.lower()] = said + "s"
    contacts = book.contacts()
    known = [contacts["emergency_number"], contacts["advice_line"], *numbers]
    for profile in book.profiles:
        known += [profile.phone, profile.emergency_number, profile.out_of_hours]
    return Lexicon(words, [n for n in known if n])


def segments(sentences: list[Sentence], lexicon: Lexicon) -> tuple[Segment, ...]:
    """What espeak-ng says of each sentence (its words as the lexicon says them) and the pause after it."""
    return tuple(
        Segment(s.id, lexicon.say(s), HEADING_PAUSE_MS if s.heading else PAUSE_MS, len(WORD.findall(s.text)))
        for s in sentences
    )
