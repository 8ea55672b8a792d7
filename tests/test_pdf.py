"""The book PDF, checked by facts read back from the file."""

from __future__ import annotations

import re

import pdfplumber
import pikepdf

from plainpress.stages.gather import gather


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        return [item.title for item in outline.root]


def test_pdf_ua_facts(built):
    book = gather(built.book)
    with pikepdf.open(built.output("pdf")) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
        assert str(root.Lang) == book.language
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        meta = pdf.open_metadata()
        assert meta["dc:title"] == book.config.title
        assert str(meta["pdfuaid:part"]) == "1"


def test_outline_lists_chapters_in_order(built):
    """Top-level bookmarks: each chapter outside a part, and each part with its chapters nested under it."""
    book = gather(built.book)
    with pikepdf.open(built.output("pdf")) as pdf, pdf.open_outline() as outline:
        tree = [(item.title, [child.title for child in item.children]) for item in outline.root]
    expected = []
    for part in book.parts:
        if part.title:
            expected.append((part.title, [a.title for a in part.articles]))
        else:
            expected.extend((a.title, None) for a in part.articles)
    found = [(t, [c for c in kids if c in {a.title for a in book.articles}]) for t, kids in tree]
    wanted = {title for title, _ in expected}
    assert [
        (t, k if n is not None else None)
        for (t, k), (_, n) in zip([f for f in found if f[0] in wanted], expected, strict=True)
    ] == expected


def test_every_font_embedded(built):
    with pikepdf.open(built.output("pdf")) as pdf:
        seen = 0
        for page in pdf.pages:
            for _, font in page.Resources.get("/Font", {}).items():
                seen += 1
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
                assert "Atkinson" in str(font.BaseFont)
        assert seen > 0


def test_chapter_text_can_be_extracted(built):
    book = gather(built.book)
    with pdfplumber.open(built.output("pdf")) as pdf:
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pdf.pages))
    for article in book.articles:
        assert article.title in text
        first_words = re.sub(r"\s+", " ", article.meta.summary)[:40]
        assert first_words in text


def test_page_size_and_count_in_manifest(built):
    book = gather(built.book)
    entry = next(o for o in built.manifest["outputs"] if o["kind"] == "pdf")
    with pikepdf.open(built.output("pdf")) as pdf:
        assert entry["pages"] == len(pdf.pages)
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
    expected = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}[book.config.paper]
    assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1


def test_contents_page_shows_page_numbers(built):
    book = gather(built.book)
    with pdfplumber.open(built.output("pdf")) as pdf:
        contents = pdf.pages[1].extract_text()
        for article in book.articles:
            line = next(ln for ln in contents.splitlines() if ln.startswith(article.title[:20]))
            number = int(re.search(r"(\d+)\s*$", line).group(1))
            assert article.title in (pdf.pages[number - 1].extract_text() or "").replace("\n", " ")
