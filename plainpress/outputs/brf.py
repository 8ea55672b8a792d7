"""Blocks to braille pages, and pages to a BRF file (North American ASCII braille).

Each block is translated by liblouis (web addresses, e-mail addresses and phone numbers marked
uncontracted inside grade 2 text), then wrapped at braille spaces into lines of at most
``cells`` cells and set on pages of ``lines`` lines:

- the last line of every page holds only the braille page number, at its right end;
- in the book, the first line holds only the print page number of the book PDF on which the
  page's text begins, at its right end (blank on pages with no print page);
- a heading is never the last text on a page; blank lines never open a page;
- every page is ``lines`` lines of CR LF, ended by one form feed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import louis
from .braille_blocks import CELL5, CENTRED, NEW_PAGE, Block

if TYPE_CHECKING:
    from ..cache import Memo

# What stays uncontracted in contracted text: web and e-mail addresses, phone numbers.
_URL = r"(?:https?://|www\.)[^\s<>\"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:[a-z0-9-]+\.)+(?:org|com|net|gov|edu|uk|es|io|info)(?:/[^\s<>\"]*)?"
_PHONE = r"(?<![\w.])\+?\(?\d{1,4}\)?(?:[ .\-]\(?\d{2,4}\)?){1,4}(?![\w])"
GRADE1 = re.compile(f"{_URL}|{_PHONE}", re.I)
_TRAILING = ".,;:!?)]}\u201d\u2019'\""
BRF_CHARS = set(louis.ASCII_BRAILLE)


def uncontracted_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` has a web address, e-mail address or phone number (without trailing punctuation)."""
    spans = []
    for match in GRADE1.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        digits = sum(c.isdigit() for c in text[start:end])
        if match.group(0)[:1].isdigit() or match.group(0)[:1] in "+(":
            if digits < 6:  # a number or a date, not a phone number
                continue
        spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Code:
    """The braille code of an edition: liblouis tables and the page size."""

    tables: str  # e.g. "en-us-brf.dis,en-ueb-g2.ctb"
    contracted: bool
    cells: int = 40
    lines: int = 25
    name: str = ""  # e.g. "Unified English Braille, grade 2"
    swap: tuple[tuple[str, str], ...] = ()  # print characters written as others (what the tables cannot read back)

    def key(self) -> str:
        """What the braille depends on (a table of our own by its name: its text is in this code)."""
        tables = ",".join(name.rsplit("/", 1)[-1] for name in self.tables.split(","))
        return f"{tables}|{int(self.contracted)}|{self.cells}|{self.lines}|{self.swap}"

    def prepare(self, text: str) -> str:
        for old, new in self.swap:
            text = text.replace(old, new)
        return text


def undefined(code: Code, text: str) -> list[str]:
    """The characters of ``text`` that the code's tables cannot write (left out of the braille)."""
    text = code.prepare(text)
    return sorted(c for c in set(text) if not c.isspace() and not louis.defined(code.tables, c))


def words_of(text: str) -> list[str]:
    """The words of a text, normalised (NFKC, case-folded, letters and digits only), in order."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def _brf(braille: str) -> str:
    # Only the 64 cells of ASCII braille: anything else (a character no table defines) is dropped.
    return "".join(c for c in braille.upper() if c in BRF_CHARS)


def translate(code: Code, text: str) -> str:
    """``text`` as BRF, uncontracted where it holds an address or a phone number.

    Contracted text is read back with liblouis: a word that does not come back as it was (a
    contraction liblouis cannot read back, such as "ALS" read as "also" + "s") is written
    uncontracted, with a grade 1 indicator when that is still not enough. So the braille reads back
    to the print words, which is what the round-trip checks (ours and others') rely on."""
    text = code.prepare(text)
    if not code.contracted:
        return _brf(louis.translate(code.tables, text))
    typeform = [0] * len(text)
    for start, end in uncontracted_spans(text):
        typeform[start:end] = [louis.NO_CONTRACT] * (end - start)
    braille = _brf(louis.translate(code.tables, text, typeform))
    if words_of(louis.back_translate(code.tables, braille)) == words_of(text):
        return braille
    # Word by word: print and braille words correspond at their spaces (else each word is translated alone).
    words, cells = text.split(" "), braille.split(" ")
    if len(cells) != len(words):
        starts = [0]
        for word in words[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        cells = [
            _brf(louis.translate(code.tables, word, typeform[start : start + len(word)]))
            for word, start in zip(words, starts, strict=True)
        ]
    for index, (word, cell) in enumerate(zip(words, cells, strict=True)):
        if word and not _reads_back(code, word, cell):
            plain = _brf(louis.translate(code.tables, word, [louis.NO_CONTRACT] * len(word)))
            for candidate in (plain, ";" + plain):
                if _reads_back(code, word, candidate):
                    cells[index] = candidate
                    break
    return " ".join(cells)


def _reads_back(code: Code, word: str, cells: str) -> bool:
    return words_of(louis.back_translate(code.tables, cells)) == words_of(word)


class Translations:
    """What :func:`translate` gives, remembered for one build: each text is sent to liblouis once, and not
    at all when the last build's memo (the render cache's, keyed by liblouis's version and this code) has
    it under its code. The memo keeps what this build used."""

    def __init__(self, memo: Memo | None = None) -> None:
        self.made: dict[tuple[Code, str], str] = {}
        self.memo = memo

    def __call__(self, code: Code, text: str) -> str:
        found = self.made.get((code, text))
        if found is None:
            stored = f"{code.key()}\0{text}"
            found = self.memo.get(stored) if self.memo is not None else None
            if found is None:
                found = translate(code, text)
                if self.memo is not None:
                    self.memo.put(stored, found)
            self.made[(code, text)] = found
        return found


@dataclass
class Body:
    """One page's text lines (without its number lines) and where in print it begins."""

    lines: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # anchors of the blocks set on it, in order


def _wrap(words: list[str], width: int, first: int, runover: int) -> list[str]:
    """Words into lines of at most ``width`` cells; a word longer than a whole line is divided."""
    lines: list[str] = []
    current, indent = "", first
    for word in words:
        while word:
            room = width - indent - (len(current) + 1 if current else 0)
            if len(word) <= room:
                current, word = (f"{current} {word}" if current else word), ""
            elif current:
                lines.append(" " * indent + current)
                current, indent = "", runover
            else:
                cut = _division(word, max(width - indent, 1))
                lines.append(" " * indent + word[:cut])
                word, indent = word[cut:], runover
    if current:
        lines.append(" " * indent + current)
    return lines


def _division(word: str, room: int) -> int:
    """Where to divide a word longer than a line (a web address): after its last slash, period or hyphen
    that fits, so that no part of the address is split; else where the line ends."""
    places = [m.end() for m in re.finditer(r"_/|4|-", word[:room])]
    good = [p for p in places if p >= room // 3]
    return good[-1] if good else room


def block_lines(code: Code, block: Block, memo: Translations | None = None) -> list[str]:
    """A block's braille lines, centred or indented."""
    braille = memo(code, block.text) if memo is not None else translate(code, block.text)
    words = braille.split(" ")
    if block.kind == CENTRED:
        # Centred headings keep at least three blank cells each side.
        lines = _wrap(words, max(code.cells - 6, 10), 0, 0)
        return [(" " * ((code.cells - len(line)) // 2) + line).rstrip() for line in lines]
    limit = code.cells // 2  # deep nesting: indents stop at half the line
    first, runover = min(block.first, limit), min(block.runover, limit)
    if not block.right:
        return _wrap(words, code.cells, first, runover)
    # A contents entry: its page number at the right end, after a space, guide dots (dots 5) and a space.
    lines = _wrap(words, code.cells - len(block.right) - 4, first, runover) or [""]
    dots = code.cells - len(lines[-1]) - len(block.right) - 2
    lines[-1] = f"{lines[-1]} {chr(34) * dots} {block.right}"
    return lines


@dataclass
class Layout:
    """Sets blocks on pages of ``text_lines`` lines each."""

    code: Code
    text_lines: int
    pages: list[Body] = field(default_factory=list)
    memo: Translations | None = None

    def _page(self) -> Body:
        if not self.pages or len(self.pages[-1].lines) >= self.text_lines:
            self.pages.append(Body())
        return self.pages[-1]

    def new_page(self) -> None:
        if self.pages and self.pages[-1].lines:
            self.pages.append(Body())

    def _room(self) -> int:
        if not self.pages:
            return self.text_lines
        return self.text_lines - len(self.pages[-1].lines)

    def _at_top(self) -> bool:
        return not self.pages or not self.pages[-1].lines

    def add(self, blocks: list[Block]) -> None:
        pending: list[tuple[Block, list[str]]] = []
        for block in blocks:
            if block.kind == NEW_PAGE:
                self._flush(pending)
                pending = []
                self.new_page()
                continue
            pending.append((block, block_lines(self.code, block, self.memo)))
            if not block.keep:
                self._flush(pending)
                pending = []
        self._flush(pending)

    def _flush(self, group: list[tuple[Block, list[str]]]) -> None:
        """Set headings with the first line of what follows them on the same page."""
        if not group:
            return
        need = 0
        for index, (block, lines) in enumerate(group):
            blank = 1 if block.kind in (CENTRED, CELL5) and (index or not self._at_top()) else 0
            if block.keep:
                need += blank + len(lines) + (1 if block.kind == CENTRED else 0)
            else:
                need += blank + min(1, len(lines))
        if not self._at_top() and self._room() < min(need, self.text_lines):
            self.new_page()
        for block, lines in group:
            self._set(block, lines)

    def _set(self, block: Block, lines: list[str]) -> None:
        if block.kind in (CENTRED, CELL5) and not self._at_top():
            if self._room() <= len(lines):
                self.new_page()
            elif self.pages[-1].lines[-1]:  # one blank line before a heading, not two
                self._page().lines.append("")
        for line in lines:
            page = self._page()
            page.lines.append(line)
            if block.anchor:
                page.anchors.append(block.anchor)
        if block.kind == CENTRED and self._room() > 1:
            self._page().lines.append("")  # a blank line after a centred heading


def lay_out(code: Code, blocks: list[Block], book: bool, memo: Translations | None = None) -> list[Body]:
    """Blocks on pages; the book keeps its first line of each page for the print page number."""
    layout = Layout(code, code.lines - (2 if book else 1), memo=memo)
    layout.add(blocks)
    pages = layout.pages or [Body()]
    for page in pages:  # a trailing blank line is not text
        while page.lines and not page.lines[-1].strip():
            page.lines.pop()
    return [p for p in pages if p.lines] or [Body()]


def number_line(code: Code, label: str) -> str:
    """A line with only ``label`` (already braille) at its right end."""
    return " " * (code.cells - len(label)) + label


def page_label(code: Code, label: str, memo: Translations | None = None) -> str:
    """A page number (``1``, ``p1``) in braille."""
    plain = Code(code.tables, False, code.cells, code.lines)
    return (memo(plain, label) if memo is not None else translate(plain, label)).replace(" ", "")


def compose(
    code: Code,
    pages: list[Body],
    labels: list[str],
    print_pages: list[str | None] | None = None,
    memo: Translations | None = None,
) -> bytes:
    """The BRF file: every page ``code.lines`` lines, numbered, each ended by a form feed; with
    ``print_pages``, each page's first line holds its print page number (or is blank)."""
    out = []
    for index, (body, label) in enumerate(zip(pages, labels, strict=True)):
        lines = list(body.lines)
        if print_pages is not None:
            number = print_pages[index]
            lines.insert(0, number_line(code, page_label(code, number, memo)) if number else "")
        lines += [""] * (code.lines - 1 - len(lines))
        lines.append(number_line(code, page_label(code, label, memo)))
        assert len(lines) == code.lines and all(len(line) <= code.cells for line in lines)
        out.append("\r\n".join(line.rstrip() for line in lines))
    return "".join(page + "\r\n\f" for page in out).encode("ascii")


@dataclass(frozen=True)
class ReadBack:
    """One page of a BRF file as a reader checks it: Unicode braille, and what liblouis reads back."""

    cells: str  # the page's lines in Unicode braille (U+2800-U+283F)
    back: str  # each line back-translated, line for line


def read_back(code: Code, data: bytes) -> list[ReadBack]:
    """Each page of the BRF file ``data`` (as :func:`compose` makes it), for the live preview."""
    pages = []
    for page in data.decode("ascii").split("\f"):
        lines = page.split("\r\n")
        if lines and lines[-1] == "":
            lines.pop()
        if lines:
            back = "\n".join(louis.back_translate(code.tables, line) for line in lines)
            pages.append(ReadBack("\n".join(louis.to_unicode(line) for line in lines), back))
    return pages
