"""The book PDF laid out in pieces and merged (plainpress.pdf.pieces, merge, stamp): the same book as one
layout, read back from the files, and an edit that lays out again only the pieces it changes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from plainpress.cache import RenderCache
from plainpress.outputs.book_pdf import book_pdf_task, render_book_pdf
from plainpress.pdf.pieces import chapter_groups
from plainpress.pdf.transcript import render, transcript
from plainpress.pdfua import check_pdf
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather
from plainpress.stages.render import Renderer

from .helpers import FIXTURES


def _book(folder: Path):
    book = gather(folder)
    analyse(book)
    return book


@pytest.fixture(scope="module")
def both() -> tuple[bytes, bytes]:
    book = _book(FIXTURES / "mini")
    return render_book_pdf(book, pieces=False).data, render_book_pdf(book, pieces=True).data


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    pages = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
    found, stack = [], [(pdf.Root.Outlines.get("/First"), 0)]
    while stack:
        item, depth = stack.pop()
        if item is None:
            continue
        found.append((depth, str(item.Title), pages[item.Dest[0].objgen]))
        stack.append((item.get("/Next"), depth))
        stack.append((item.get("/First"), depth + 1))
    return found


def _dests(pdf: pikepdf.Pdf) -> dict[str, int]:
    pages = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
    return {str(k): pages[v[0].objgen] for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}


def test_the_merged_structure_tree_reads_as_one_layout_of_the_book(both):
    one, merged = both
    # roles, text, link words (with the pages of their targets), alt texts: in reading order
    assert render(transcript(merged)) == render(transcript(one))
    assert check_pdf(merged) == []  # PDF/UA: fonts, every MCID reachable, annotations tagged


def test_one_parent_tree_unique_ids_outlines_destinations_and_labels(both):
    one, merged = both
    with pikepdf.open(io.BytesIO(one)) as a, pikepdf.open(io.BytesIO(merged)) as b:
        assert len(b.pages) == len(a.pages)
        root = b.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        nums = list(root.ParentTree.Nums)
        keys = nums[0::2]
        annotations = [x for p in b.pages for x in p.obj.get("/Annots", []) if "/StructParent" in x]
        assert keys == list(range(len(b.pages) + len(annotations)))  # renumbered, unique
        assert [int(p.obj.StructParents) for p in b.pages] == list(range(len(b.pages)))
        assert sorted(int(x.StructParent) for x in annotations) == keys[len(b.pages) :]
        ids = [str(k) for k in list(root.IDTree.Names)[0::2]]
        assert ids and len(ids) == len(set(ids))
        assert _outline(b) == _outline(a)
        # every named destination of the one layout, on the same page; no stand-in for another piece's
        assert _dests(b) == _dests(a)
        assert list(b.Root.PageLabels.Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.D)]
        fonts = {
            str(f.BaseFont): f.DescendantFonts[0].FontDescriptor.FontFile2.read_raw_bytes()
            for p in b.pages
            for f in p.Resources.Font.values()
        }
        assert len({v for v in fonts.values()}) == len(fonts)  # two subsets never share a name


def test_page_numbers_are_stamped_as_artifacts_on_every_page_but_the_first(both):
    one, merged = both
    with pdfplumber.open(io.BytesIO(merged)) as b, pdfplumber.open(io.BytesIO(one)) as a:
        total = len(b.pages)
        for n, (page, same) in enumerate(zip(b.pages, a.pages, strict=True), 1):
            footer = [c for c in page.chars if c.get("tag") == "Artifact" and c["top"] > page.height * 0.8]
            text = "".join(c["text"] for c in footer)
            assert text == ("" if n == 1 else f"Page {n} of {total}")
            assert text == "".join(
                c["text"] for c in same.chars if c.get("tag") == "Artifact" and c["top"] > same.height * 0.8
            )
            assert page.extract_text() == same.extract_text()  # the same words where the one layout has them


def test_chapter_groups_break_at_parts_and_keep_size():
    class Chapter:
        def __init__(self, part_title: str | None) -> None:
            self.part_title = part_title

    chapters = [Chapter(None), Chapter(None), Chapter("A"), Chapter(None), Chapter(None), Chapter(None)]
    groups = chapter_groups(chapters, size=2)
    assert [len(g) for g in groups] == [2, 2, 2]
    assert groups[1][0].part_title == "A"


def _lay_out(folder: Path, cache: Path) -> tuple[bytes, list[str]]:
    book = _book(folder)
    task, _ = book_pdf_task(book, pieces=True)
    renderer = Renderer(jobs=1, cache=RenderCache(cache))
    with renderer:
        (done,) = list(renderer.run([task]))
    return done.result.data, renderer.laid_out


def test_an_edit_lays_out_only_its_piece_and_matches_a_clean_build(tmp_path):
    book = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", book)
    cache = tmp_path / "cache"
    _, first = _lay_out(book, cache)
    path = first[0].split("#")[0]
    pieces = {name.split("#")[1] for name in first}
    expected = {"chapters-1", "chapters-2", "card", "glossary", "bibliography", "colophon"}
    assert pieces == expected | {"front-size", "front", "furniture"}

    # a word changed in the last chapter: its page count stays, so no page number moves
    second = book / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("Walk gently", "Walk slowly", 1))
    data, laid = _lay_out(book, cache)
    assert laid == [f"{path}#chapters-2"]
    before = len(pikepdf.open(io.BytesIO(data)).pages)
    clean, _ = _lay_out(book, tmp_path / "clean-cache")
    assert data == clean

    # the first chapter grows by pages: the sections that print page numbers follow, the last chapter does not
    first_md = book / "articles" / "first-steps.md"
    more = "\n\n".join(f"A new paragraph {n} about rest and sleep, long enough to fill lines." for n in range(60))
    first_md.write_text(first_md.read_text() + "\n\n" + more + "\n")
    data, laid = _lay_out(book, cache)
    numbered = ("glossary", "bibliography", "front", "furniture")  # the card and the colophon print no number
    assert sorted(laid) == sorted(f"{path}#{p}" for p in ("chapters-1", *numbered))
    clean, _ = _lay_out(book, tmp_path / "clean-cache-2")
    assert data == clean
    assert len(pikepdf.open(io.BytesIO(data)).pages) > before
