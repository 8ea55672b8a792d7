"""What a screen reader says in the book PDF is what the EPUB says: chapter by chapter, the same
words in the same order, nothing twice, no leader dots, no page furniture.

The transcript is ``audit --transcript``'s (``plainpress.pdf.transcript``): the PDF's structure tree in
reading order. The EPUB chapter's words are its XHTML's text, with each image's alt text where the
image is (a screen reader reads a figure's Alt in both). The deliberate differences between print
and screen come from ``tests/design_differences.py`` and from nowhere else: what only one of the two
carries is left out of that side, and a table printed stacked is compared as header plus value for
each cell. List markers (the bullets and numbers CSS draws) are not words of either.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

import pytest
from lxml import etree

from plainpress.cli import main
from plainpress.pdf.transcript import Line, render, transcript
from plainpress.stages.gather import gather

from . import design_differences as dd
from .conftest import Built

XHTML = "{http://www.w3.org/1999/xhtml}"
INLINE = {"a", "span", "em", "strong", "dfn", "abbr", "b", "i", "sup", "sub", "code", "small", "q", "cite", "time"}
MARKER = re.compile(r"^[\W\d_]*$")


def sections(lines: list[Line], role: str = "Sect") -> Iterator[list[Line]]:
    """The transcript cut at each top-level element of ``role`` (a chapter of the book PDF)."""
    current: list[Line] | None = None
    for line in lines:
        if line.depth <= 1 and line.role != "Document":
            if current:
                yield current
            current = [line] if line.role == role else None
        elif current is not None:
            current.append(line)
    if current:
        yield current


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _epub_words(element: etree._Element, skip: set[str], out: list[str]) -> None:
    """Words of ``element`` in order: its text, images' alt, tables as grid and as stacked cells."""
    tag = element.tag.removeprefix(XHTML) if isinstance(element.tag, str) else ""
    if not tag or _classes(element) & skip or element.get("aria-hidden") == "true":
        return
    if tag == "img":
        out.extend(words(element.get("alt") or ""))
        return
    if tag == "table":
        out.append(("table", element))  # type: ignore[arg-type]
        return
    out.extend(words(element.text or ""))
    for child in element:
        _epub_words(child, skip, out)
        out.extend(words(child.tail or ""))


def _table_words(table: etree._Element) -> tuple[list[str], list[str]]:
    """A table's words as a grid (header row, then each row) and stacked (each cell after its header)."""
    rows = [r for r in table.iter(f"{XHTML}tr")]
    cells = [[" ".join(c.itertext()) for c in r if c.tag in (f"{XHTML}th", f"{XHTML}td")] for r in rows]
    head = next((cells[i] for i, r in enumerate(rows) if r.find(f"{XHTML}th") is not None), [])
    grid = [w for row in cells for cell in row for w in words(cell)]
    stacked: list[str] = []  # printed stacked: each cell is a row of its own, its column's header first
    for row in cells:
        if row is head:
            continue
        for i, cell in enumerate(row):
            stacked += words(head[i] if i < len(head) else "") + words(cell)
    return grid, stacked


def _pdf_words(lines: list[Line], output: str) -> list[object]:
    out: list[object] = []
    table: list[str] | None = None
    depth = 0
    for line in lines:
        if table is not None and line.depth <= depth:
            out.append(("table", table))
            table = None
        if line.role == "Lbl" and MARKER.match(line.read()):
            continue
        said = words(dd.strip_wording(line.read(), output))
        if line.role == "Table":
            table, depth = [], line.depth
        elif table is not None:
            table += said
        else:
            out += said
    if table is not None:
        out.append(("table", table))
    return out


def _same(pdf: list[object], epub: list[object]) -> None:
    """Word lists equal, a table equal as a grid or as stacked cells."""
    flat_pdf = [w for w in pdf if isinstance(w, str)]
    flat_epub = [w for w in epub if isinstance(w, str)]
    assert " ".join(flat_pdf) == " ".join(flat_epub)
    tables_pdf = [t[1] for t in pdf if isinstance(t, tuple)]
    tables_epub = [_table_words(t[1]) for t in epub if isinstance(t, tuple)]
    assert len(tables_pdf) == len(tables_epub)
    for said, (grid, stacked) in zip(tables_pdf, tables_epub, strict=True):
        assert said in (grid, stacked), " ".join(said)


def test_book_pdf_reads_each_chapter_as_the_epub_does(sample: Built) -> None:
    book = gather(sample.book)
    lines = transcript(sample.output("pdf"))
    chapters = {}
    for section in sections(lines):
        heading = next((line.read() for line in section if line.role in ("H1", "H2")), "")
        titles = [line.read() for line in section if line.role in ("H1", "H2")]
        for article in book.articles:
            if article.title in titles[:2]:
                chapters[article.slug] = section
        assert heading
    assert set(chapters) == {a.slug for a in book.articles}
    # only what one of the two carries is left out; wording both carry is compared as it is
    skip = {c for d in dd.only_in([dd.EPUB, dd.BOOK]) for c in d.classes}
    with zipfile.ZipFile(sample.output("epub")) as epub:
        for article in book.articles:
            name = next(n for n in epub.namelist() if n.endswith(f"-{article.slug}.xhtml"))
            section = etree.fromstring(epub.read(name)).find(f".//{XHTML}section")
            expected: list[object] = []
            _epub_words(section, skip, expected)
            said = _pdf_words(chapters[article.slug], dd.BOOK)
            _same(said, expected)


def test_transcript_has_no_leaders_furniture_or_repeats(sample: Built) -> None:
    text = render(transcript(sample.output("pdf")))
    assert not re.search(r"\.\s*\.\s*\.", text)  # leader dots are artifacts
    assert not re.search(r"\b(Page|page) \d+ of \d+", text)
    chapter = gather(sample.book).articles[1].title
    # the running header repeats the chapter's title on each page; only the heading is read
    assert len(re.findall(rf"H[12]: {re.escape(chapter)}\n", text)) == 1


def test_audit_transcript_command(sample: Built, capsys: pytest.CaptureFixture[str]) -> None:
    handout = sample.output("handout")
    assert main(["audit", str(handout), "--transcript"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Document\n") and "\n  Art\n    H1: " in printed
    assert re.search(r'\[Link "[^"]+: [^"]+": ', printed)
