"""Missing glyphs: every character of the sources is checked against the fonts
the PDFs embed, before anything is rendered.

WeasyPrint draws a character that no font of the stylesheet has with whatever
system font the machine happens to have (or a box), silently. So the cmaps of
every face of the body family and of the fallback family are read with
fontTools, and each character of each source (articles, book.yaml, the
glossary, the references, the clinic profiles), as the gather stage read it
(``Book.sources``: no file is read again), that none of them covers is
reported as F001 with its file and line. Format characters that are never
drawn (joiners, bidi marks, variation selectors, the soft hyphen) are skipped.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from .errors import Finding, Location, Severity
from .fonts import FontFace, print_faces
from .model import Book, Reference, SourceText
from .sources.yamlsrc import Mapping, Sequence

CODE = "F001"
MAX_PER_FILE = 20  # past that, one finding says how many more characters are missing
_SKIP_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


@lru_cache(maxsize=4)
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def coverage(faces: Iterable[FontFace] | None = None) -> frozenset[int]:
    """Every code point some embedded face can draw."""
    covered: set[int] = set()
    for face in faces if faces is not None else print_faces():
        covered |= _cmap(face.path)
    return frozenset(covered)


def families() -> str:
    return ", ".join(dict.fromkeys(face.family for face in print_faces()))


def drawn(char: str) -> bool:
    """Whether a character is drawn at all (not a control, format or variation character)."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(char) not in _SKIP_CATEGORIES


def missing(text: str, covered: frozenset[int]) -> set[str]:
    return {c for c in set(text) if ord(c) not in covered and drawn(c)}


def describe(char: str) -> str:
    name = unicodedata.name(char, "")
    shown = char if unicodedata.category(char)[0] not in "CZM" else ""
    return f"{shown!r} (U+{ord(char):04X}{' ' + name if name else ''})" if shown else f"U+{ord(char):04X} {name}"


def check_text(path: Path, text: str, covered: frozenset[int], first_line: int = 1) -> list[Finding]:
    """One finding per character no font has, at its first line in ``text``."""
    absent = missing(text, covered)
    if not absent:
        return []
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=first_line):
        for char in absent & set(line):
            found.setdefault(char, number)
        if len(found) == len(absent):
            break
    ordered = sorted(found.items(), key=lambda item: (item[1], item[0]))
    findings = [
        Finding(
            CODE,
            Severity.ERROR,
            Location(path, line),
            f"the character {describe(char)} is in none of the book's fonts ({families()}); "
            "a PDF would draw it with whatever font the computer has",
            char,
            "replace it (a picture for a symbol, words for an emoji) or write it in Latin, Greek or Cyrillic",
        )
        for char, line in ordered[:MAX_PER_FILE]
    ]
    if len(ordered) > MAX_PER_FILE:
        line = ordered[MAX_PER_FILE][1]
        findings.append(
            Finding(
                CODE,
                Severity.ERROR,
                Location(path, line),
                f"{len(ordered) - MAX_PER_FILE} more characters are in none of the book's fonts",
            )
        )
    return findings


def _strings(value: Any) -> Iterator[str]:
    """Every string in CSL-JSON data (objects, arrays), keys too."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _located(data: Any, line: int) -> Iterator[tuple[str, int]]:
    """Every string of located YAML data with the line of its key or item (escapes decoded)."""
    stack: list[tuple[Any, int]] = [(data, line)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            yield item, at
        elif isinstance(item, Mapping):
            for key, value in item.items():
                stack.append((str(key), item.line_of(key)))
                stack.append((value, item.line_of(key)))
        elif isinstance(item, Sequence):
            stack.extend((value, item.line_at(index)) for index, value in enumerate(item))
        elif isinstance(item, (dict, list)):
            stack.extend((value, at) for value in (item.values() if isinstance(item, dict) else item))


def check_source(source: SourceText, covered: frozenset[int]) -> list[Finding]:
    """A source file as read: its text as written, and its YAML values (a whole .yaml file, an article's
    front matter) as they are once escapes are decoded, at their lines."""
    findings = check_text(source.path, source.text, covered)
    for value, line in _located(source.data, source.data_line):
        findings += check_text(source.path, value, covered, first_line=line)
    return findings


def check_book(book: Book) -> list[Finding]:
    """F001 for every character of the sources (as gathered: no file is read again) that no embedded
    font can draw."""
    covered = coverage()
    findings: list[Finding] = []
    seen: set[tuple[Path, str]] = set()

    def add(found: list[Finding]) -> None:
        for finding in found:
            key = (finding.location.path, finding.text)
            if not finding.text or key not in seen:
                seen.add(key)
                findings.append(finding)

    entries: dict[Path, list[Reference]] = {}
    for reference in book.references.values():
        entries.setdefault(reference.location.path, []).append(reference)
    for source in book.sources.values():
        add(check_source(source, covered))
        for reference in entries.get(source.path, []):  # a JSON \u escape, a BibTeX accent: at the entry's line
            add(_at_line(source.path, reference.location.line, _strings(reference.csl), covered))
    return findings


def _at_line(path: Path, line: int | None, strings: Iterable[str], covered: frozenset[int]) -> list[Finding]:
    """Decoded values reported at the line of their entry."""
    text = " ".join(strings)
    return [dataclasses.replace(f, location=Location(path, line)) for f in check_text(path, text, covered)]
