"""Reading a PDF back, word by word, to check that what was written reached the paper in order.

- :func:`pdf_words`: the words of a PDF as pdfplumber reads its characters, in the order they
  are drawn (the content stream: a table is read cell by cell, not across its columns), split at
  spaces and wherever the next character is not beside the previous one (a new line, a new box);
- :func:`normal`: a word as the comparison sees it (NFKC, case-folded, letters and digits only),
  so punctuation, no-break characters, a line-end hyphen and a stacked table's "header:" colon
  never count;
- :func:`expected_from_html`: the words of the HTML a PDF was laid out from, in document order;
  a table is either its grid (cells in order) or, stacked, each row's cells each after its
  column's header;
- :func:`find_in_order`: whether every expected word is found, in order, allowing a word to be
  split over several pieces (broken at the end of a line, hyphenated, a web address broken after
  ``/``); returns the first word missing, with what came before it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pdfplumber

Segment = list[list[str]]  # alternatives, each a list of normalised words


def normal(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", word).casefold() if c.isalnum())


def words_of(text: str) -> list[str]:
    return [w for w in (normal(part) for part in text.split()) if w]


@dataclass(frozen=True)
class Glyph:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    artifact: bool


def glyphs(path: Path) -> tuple[list[Glyph], list[tuple[float, float, float, float]]]:
    """Every character drawn, in stream order, and each page's box (trim box) as (x0, top, x1, bottom)."""
    out: list[Glyph] = []
    boxes = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            x0, top, x1, bottom = page.trimbox if getattr(page, "trimbox", None) else page.bbox
            boxes.append((x0, top, x1, bottom))
            for c in page.chars:
                out.append(
                    Glyph(
                        number,
                        c["text"],
                        c["x0"],
                        c["x1"],
                        c["top"],
                        c["bottom"],
                        c["size"],
                        c.get("tag") == "Artifact",
                    )
                )
    return out, boxes


def pdf_words(path: Path, furniture: bool = False) -> list[str]:
    """The words drawn, in order; without the page furniture (running headers and footers, artifacts
    that no HTML element says), unless ``furniture``, so that a word broken over a page runs on."""
    words: list[str] = []
    current = ""
    previous: Glyph | None = None
    for glyph in glyphs(path)[0]:
        if glyph.artifact and not furniture:
            continue
        apart = previous is not None and (
            glyph.page != previous.page
            or abs(glyph.top - previous.top) > 0.4 * max(glyph.size, 1)
            or glyph.x0 < previous.x0 - 0.5
            or glyph.x0 - previous.x1 > 0.25 * max(glyph.size, 1)
        )
        if glyph.text.isspace() or apart:
            if normal(current):
                words.append(normal(current))
            current = ""
        if not glyph.text.isspace():
            current += glyph.text
        previous = glyph
    if normal(current):
        words.append(normal(current))
    return words


# ---------------------------------------------------------------- what the HTML says

_UNPRINTED = {"head", "script", "style", "title", "img"}  # an image prints its picture; its alt is read


def expected_from_html(html: str) -> list[Segment]:
    """The body's words in document order; each table a segment of two alternatives (grid, stacked).
    What ``aria-hidden`` hides is printed as an artifact, not read (the extra copies of a card on a
    sheet, see design_differences' card-sheet): it is not among the words read back."""
    root = lxml.html.document_fromstring(html)
    for hidden in root.xpath('//*[@aria-hidden="true"]'):
        tail, parent = hidden.tail, hidden.getparent()
        if parent is not None:
            previous = hidden.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (tail or "")
            else:
                parent.text = (parent.text or "") + (tail or "")
            parent.remove(hidden)
    body = root.find("body")
    segments: list[Segment] = []
    _collect(body if body is not None else root, segments)
    return segments


_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
}  # fmt: skip


def reading_text(element: lxml.html.HtmlElement) -> str:
    """The element's text as it reads: inline elements run on (``<wbr>`` breaks no word), blocks apart."""
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _UNPRINTED:
            parts.append(node.tail or "")
            return
        block = node.tag not in _INLINE
        parts.append((" " if block else "") + (node.text or ""))
        for child in node:
            walk(child)
        parts.append((" " if block else "") + (node.tail or ""))

    parts.append(element.text or "")
    for child in element:
        walk(child)
    return "".join(parts)


def _collect(element: lxml.html.HtmlElement, segments: list[Segment]) -> None:
    """Words in document order, flushed around each table (a segment of its own)."""
    if not isinstance(element.tag, str) or element.tag in _UNPRINTED:
        return
    if element.tag == "table":
        segments.append(table_alternatives(element))
        return
    if not element.xpath(".//table"):
        segments.extend([[w]] for w in words_of(reading_text(element)))
        return
    if element.text:
        segments.extend([[w]] for w in words_of(element.text))
    for child in element:
        _collect(child, segments)
        if child.tail:
            segments.extend([[w]] for w in words_of(child.tail))


def _cell_words(cell: lxml.html.HtmlElement) -> list[str]:
    return words_of(reading_text(cell))


def table_alternatives(table: lxml.html.HtmlElement) -> Segment:
    rows = table.xpath("./caption | ./tr | ./*/tr")
    caption = [w for r in rows if r.tag == "caption" for w in _cell_words(r)]
    rows = [r for r in rows if r.tag == "tr"]
    grid = caption + [w for r in rows for c in r if c.tag in ("th", "td") for w in _cell_words(c)]
    head_rows = table.xpath("./thead/tr")
    header = head_rows[-1] if head_rows else None
    if header is None and rows and all(c.tag == "th" for c in rows[0] if isinstance(c.tag, str)):
        header = rows[0]
    labels = [_cell_words(c) for c in header if c.tag in ("th", "td")] if header is not None else []
    stacked = list(caption)
    for extra in head_rows[:-1]:
        stacked += [w for c in extra if c.tag in ("th", "td") for w in _cell_words(c)]
    for row in rows:
        if (header is not None and row is header) or row in head_rows:
            continue
        column = 0
        for cell in (c for c in row if c.tag in ("th", "td")):
            stacked += (labels[column] if column < len(labels) else []) + _cell_words(cell)
            span = cell.get("colspan", "1")
            column += int(span) if span.isdigit() else 1
    return [grid, stacked]


def plain(words: list[str]) -> list[Segment]:
    """Words that must appear in this order, as segments."""
    return [[[w]] for w in words if w]


# ---------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class Missing:
    word: str
    before: list[str]  # the expected words just before it (all found)
    near: list[str]  # the PDF's words where the search stood

    def __str__(self) -> str:
        return f"missing {self.word!r} after {' '.join(self.before)!r}; the PDF has there: {' '.join(self.near)!r}"


def _match(tokens: list[str], word: str, start: int) -> int | None:
    """The position after ``word`` found at or after ``start`` (whole, or split over consecutive pieces)."""
    i = start
    while i < len(tokens):
        token = tokens[i]
        if token == word:
            return i + 1
        if token and word.startswith(token):
            j, joined = i, ""
            while j < len(tokens) and len(joined) < len(word) and word.startswith(joined + tokens[j]):
                joined += tokens[j]
                j += 1
            if joined == word:
                return j
        i += 1
    return None


def _run(tokens: list[str], words: list[str], start: int) -> tuple[int | None, int]:
    """Find ``words`` in order from ``start``: (end, -1) or (None, index of the first word not found)."""
    at = start
    for index, word in enumerate(words):
        found = _match(tokens, word, at)
        if found is None:
            return None, index
        at = found
    return at, -1


def find_in_order(tokens: list[str], segments: list[Segment]) -> Missing | None:
    at = 0
    done: list[str] = []
    for segment in segments:
        best: int | None = None
        first_failure: tuple[int, int] | None = None
        for alternative in segment:
            end, failed = _run(tokens, alternative, at)
            if end is not None and (best is None or end < best):
                best = end
            elif end is None and first_failure is None:
                first_failure = (failed, at)
        if best is None:
            failed, where = first_failure or (0, at)
            word = segment[0][failed] if segment[0] else ""
            return Missing(word, done[-8:] + segment[0][:failed][-8:], tokens[where : where + 12])
        done += segment[0]
        at = best
    return None
