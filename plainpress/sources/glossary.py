"""The glossary: read glossary.yaml, index every form, sort by the book's language."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import icu

from ..errors import Finding, Location, Severity, SourceError
from ..model import GlossaryEntry
from .schema import Reader
from .yamlsrc import Sequence, load_yaml, read_text

GLOSSARY_FILE = "glossary.yaml"
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def words(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in WORD.findall(text))


@dataclass
class GlossaryIndex:
    """Every form of every term, as a tuple of words, for one pass over the text."""

    entries: list[GlossaryEntry]
    forms: dict[tuple[str, ...], int] = field(default_factory=dict)
    longest: int = 0
    acronyms: set[str] = field(default_factory=set)

    @cached_property
    def first_words(self) -> frozenset[str]:
        """The first word of every form: a text's word that is none of them starts no term."""
        return frozenset(key[0] for key in self.forms)

    @classmethod
    def build(cls, entries: list[GlossaryEntry]) -> GlossaryIndex:
        index = cls(entries)
        for number, entry in enumerate(entries):
            for form in (entry.term, *entry.forms):
                key = words(form)
                if key and key not in index.forms:
                    index.forms[key] = number
                    index.longest = max(index.longest, len(key))
                if form.isupper():
                    index.acronyms.add(form)
        return index


def load_glossary(root: Path) -> tuple[list[GlossaryEntry], list[Finding], Path | None]:
    path = root / GLOSSARY_FILE
    if not os.path.lexists(path):  # a link to nothing is reported, not taken for no glossary
        return [], [], None
    findings: list[Finding] = []
    try:
        data = load_yaml(read_text(path), path)
    except SourceError as error:
        return [], [error.finding()], path
    if data is None:
        return [], [], path
    if not isinstance(data, list):
        where = Location(path, getattr(data, "line", 1))
        return [], [Finding("E004", Severity.ERROR, where, "expected a list of terms (- term: …)")], path
    reader = Reader(path)
    entries: list[GlossaryEntry] = []
    for index, item in enumerate(data):
        line = data.line_at(index) if isinstance(data, Sequence) else 1
        entry = reader.build(GlossaryEntry, item, where=f"term {index + 1}", line=line)
        if entry is not None:
            entries.append(entry)
    findings.extend(reader.problems)
    findings.extend(_duplicates(entries, path))
    known = {e.term.casefold() for e in entries}
    for entry in entries:
        for other in entry.see_also:
            if other.casefold() not in known:
                findings.append(
                    Finding(
                        "G004",
                        Severity.WARNING,
                        Location(path, entry.source_line),
                        f"see_also names {other!r}, which is not a term of the glossary",
                        text=entry.term,
                    )
                )
    return entries, findings, path


def _duplicates(entries: list[GlossaryEntry], path: Path) -> list[Finding]:
    owner: dict[tuple[str, ...], GlossaryEntry] = {}
    found = []
    for entry in entries:
        for form in dict.fromkeys((entry.term, *entry.forms)):
            key = words(form)
            first = owner.setdefault(key, entry)
            if first is not entry:
                found.append(
                    Finding(
                        "G003",
                        Severity.WARNING,
                        Location(path, entry.source_line),
                        f"{form!r} is already a term or form of {first.term!r} (line {first.source_line})",
                        text=entry.term,
                    )
                )
    return found


def collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(language.replace("-", "_")))


def sorted_entries(entries: list[GlossaryEntry], language: str) -> list[GlossaryEntry]:
    """Alphabetical by the collation rules of the book's language (ICU)."""
    key = collator(language).getSortKey
    return sorted(entries, key=lambda e: key(e.term))
