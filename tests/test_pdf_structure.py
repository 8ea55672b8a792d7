"""The PDFs' structure trees, read back with pikepdf: one element per HTML element across pages,
links, lists, glossary, contents, parts, the card sheet, spans and annotations."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import pikepdf
import pytest

from plainpress.outputs.book_pdf import book_html
from plainpress.pdf.transcript import render, transcript
from plainpress.sources.glossary import sorted_entries
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather

from .conftest import Built

STRUCTURAL = ("/Sect", "/Art", "/L", "/LI", "/Table", "/P", "/TOC", "/TOCI", "/Link")


def _kids(node: pikepdf.Dictionary) -> list:
    k = node.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in tree order, with its parent chain as ``_path`` alongside."""
    out = []
    stack = [(kid, ()) for kid in reversed(_kids(pdf.Root.StructTreeRoot))]
    while stack:
        node, path = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append((node, path))
            stack.extend((kid, (*path, str(node.S))) for kid in reversed(_kids(node)))
    return out


def _pages_of(node: pikepdf.Dictionary, pages: dict, here: int | None = None) -> set[int]:
    here = pages.get(node.Pg.objgen, here) if "/Pg" in node else here
    found: set[int] = set()
    for kid in _kids(node):
        if isinstance(kid, int):
            found.add(here)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found.add(pages[kid.Pg.objgen])
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found |= _pages_of(kid, pages, here)
    return found


def _pdfs(built: Built) -> list[Path]:
    return sorted(built.dist.rglob("*.pdf"))


def _roles(pdf: pikepdf.Pdf) -> Counter:
    return Counter(str(node.S) for node, _ in _elements(pdf))


def test_every_element_in_the_book_is_one_element_across_pages(sample: Built) -> None:
    book = gather(sample.book)
    analyse(book)
    html = lxml.html.fromstring(book_html(book)[0])
    in_nav = set(html.xpath("//nav//*"))

    def count(*tags: str) -> int:
        return sum(1 for tag in tags for e in html.iter(tag) if e not in in_nav and "".join(e.itertext()).strip())

    with pikepdf.open(sample.output("pdf")) as pdf:
        roles = _roles(pdf)
        pages = {p.objgen: n for n, p in enumerate(pdf.pages)}
        spanning = Counter(str(n.S) for n, _ in _elements(pdf) if len(_pages_of(n, pages)) > 1)
    assert roles["/Sect"] == count("section", "nav", "aside")
    assert roles["/Table"] == count("table")
    assert roles["/L"] == count("ul", "ol", "dl")
    assert roles["/LI"] == count("li", "dt")
    assert roles["/P"] == count("p")
    assert roles["/Link"] == len(html.xpath("//a[@href]"))
    # The book has chapters, the glossary list, a glossary item and a paragraph that cross a page.
    assert spanning["/Sect"] >= 4 and spanning["/L"] >= 1 and spanning["/LI"] >= 1, spanning


def test_a_handout_is_one_article_over_its_pages(sample: Built) -> None:
    spans = []
    for path in (p for p in _pdfs(sample) if "/handouts/" in str(p) and "index" not in p.name):
        with pikepdf.open(path) as pdf:
            pages = {p.objgen: n for n, p in enumerate(pdf.pages)}
            articles = [n for n, _ in _elements(pdf) if n.S == "/Art"]
            assert len(articles) == 1, path
            spans.append(len(_pages_of(articles[0], pages)))
    assert max(spans) >= 3  # "When to worry" in large print: one Art over three pages


def test_links_one_element_each_never_nested_in_words_and_printed(built: Built) -> None:
    for path in _pdfs(built):
        with pikepdf.open(path) as pdf:
            tagged: list = []
            for node, parents in _elements(pdf):
                if node.S != "/Link":
                    continue
                assert "/Link" not in parents, path
                annotations = [k.Obj for k in _kids(node) if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
                assert len({str(a.get("/Contents")) for a in annotations}) <= 1, path
                tagged += [a.objgen for a in annotations]
            on_pages = [a for page in pdf.pages for a in page.get("/Annots", [])]
            links = [a for a in on_pages if a.get("/Subtype") == "/Link"]
            # every annotation in the tree once, every link annotation reached by exactly one Link
            assert sorted(tagged) == sorted(a.objgen for a in links), path
            for annotation in on_pages:
                assert int(annotation.get("/F", 0)) & 4, f"{path}: annotation without the Print flag"
            for annotation in links:
                contents = str(annotation.get("/Contents", ""))
                assert contents and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9-]+)?", contents), contents


def test_link_contents_say_where_they_go(sample: Built) -> None:
    with pikepdf.open(sample.output("pdf")) as pdf:
        said = {str(a.Contents) for page in pdf.pages for a in page.get("/Annots", []) if "/Contents" in a}
    assert "Glossary: benzodiazepine" in said
    assert "Source 1" in said
    # The contents entry says the page the chapter starts on, the number the contents page prints;
    # links to places further in the chapter say their own pages.
    lines = transcript(sample.output("pdf"))
    entry = next(line for line in lines if line.role == "Link" and line.read().startswith("When to worry"))
    number = entry.read().rsplit(" ", 1)[1]
    assert entry.label == f"Chapter: When to worry about muscle twitches, page {number}"
    pages = {s.rsplit(" ", 1)[1] for s in said if s.startswith("Chapter: When to worry about muscle twitches, page ")}
    assert number in pages and len(pages) > 1


def test_lists_hold_items_and_items_hold_a_label_and_a_body(built: Built) -> None:
    for path in _pdfs(built):
        with pikepdf.open(path) as pdf:
            for node, _ in _elements(pdf):
                kinds = [str(k.S) for k in _kids(node) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
                if node.S == "/LI":
                    assert kinds and set(kinds) <= {"/Lbl", "/LBody"}, (path, kinds)
                    assert not any(isinstance(k, int) for k in _kids(node)), path
                elif node.S == "/L":
                    assert set(kinds) <= {"/L", "/LI", "/Caption"}, (path, kinds)
                elif node.S == "/TOC":
                    assert set(kinds) <= {"/TOC", "/TOCI", "/Caption"}, (path, kinds)


def test_glossary_reads_term_then_definition(sample: Built) -> None:
    lines = transcript(sample.output("pdf"))
    start = next(i for i, line in enumerate(lines) if line.role == "H1" and line.read() == "Glossary")
    items = []
    for line in lines[start + 1 :]:
        if line.role == "H1":
            break
        if line.role in ("Lbl", "LBody"):
            items.append(line.role)
    assert items and items[0] == "Lbl"
    glossary = gather(sample.book).glossary
    assert items.count("Lbl") == len(glossary)
    labels = [line.read() for line in lines[start:] if line.role == "Lbl"][: len(glossary)]
    # Every term, in the order of the book's language (as the glossary page sorts them).
    assert labels == [entry.term for entry in sorted_entries(glossary, gather(sample.book).language)]


def test_contents_page_is_a_toc_of_single_links_without_leaders(sample: Built) -> None:
    lines = transcript(sample.output("pdf"))
    items = [i for i, line in enumerate(lines) if line.role == "TOCI"]
    assert len(items) >= 5
    for i in items:
        entry = lines[i + 1]
        assert entry.role == "Link" and entry.depth == lines[i].depth + 1
        assert re.search(r"\S \d+$", entry.read()), entry.read()
        assert "." * 2 not in entry.read().replace(" ", "")
    assert not any(re.search(r"(\. ){3}", line.read()) for line in lines)


def test_parts_are_headings_above_their_chapters(sample: Built) -> None:
    book = gather(sample.book)
    part = next(p for p in book.parts if p.title)
    lines = transcript(sample.output("pdf"))
    headings = [(line.role, line.read()) for line in lines if re.fullmatch(r"H\d", line.role)]
    at = headings.index(("H1", part.title))
    assert headings[at + 1] == ("H2", part.articles[0].title)
    assert ("H2", part.articles[1].title) in headings
    assert ("H1", book.articles[0].title) in headings


def test_card_sheet_tags_one_copy(sample: Built) -> None:
    for path in (p for p in _pdfs(sample) if "sheet" in p.name):
        lines = transcript(path)
        assert [line.role for line in lines].count("H1") == 1, path
        read = Counter(line.read() for line in lines if line.role in ("H1", "H2", "LBody"))
        assert read and max(read.values()) == 1, (path, read)


def test_no_span_without_a_reason_and_no_empty_element(built: Built) -> None:
    for path in _pdfs(built):
        with pikepdf.open(path) as pdf:
            for node, _ in _elements(pdf):
                assert _kids(node) or node.S in ("/TD", "/TH"), f"{path}: empty {node.S}"
                if node.S == "/Span":
                    assert {"/Lang", "/ActualText", "/Alt", "/E"} & set(node.keys()), path


@pytest.mark.parametrize("kind", ["pdf", "handout"])
def test_page_furniture_is_not_read(sample: Built, kind: str) -> None:
    text = render(transcript(sample.output(kind)))
    assert not re.search(r"Page \d+ of \d+", text)
