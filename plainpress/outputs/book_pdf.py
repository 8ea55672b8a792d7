"""The book PDF: title page, contents with page numbers, chapters, colophon."""

from __future__ import annotations

from pathlib import Path

from ..fonts import faces, font_roots
from ..markup import OutputPolicy, chapter_anchor, convert
from ..mdext.xrefs import XrefPolicy
from ..model import Book
from ..pdfrender import PdfResult, render_pdf
from ..templates import DEFAULT_LAYOUTS, read_layout, render
from ..views import build_time, chapter_view

PAPER = {"a4": "A4", "letter": "letter"}


def print_stylesheets(layouts: Path, paper: str, *extra: str) -> list[str]:
    fonts = render("base/fonts.css.j2", layouts, faces=faces(), font_url=lambda f: f.path.resolve().as_uri())
    sheets = [fonts, read_layout("base/base.css", layouts), read_layout("pdf/print.css", layouts)]
    sheets += [read_layout(name, layouts) for name in extra]
    sheets.append(f"@page {{ size: {PAPER[paper]}; }}")
    return sheets


def book_html(book: Book, layouts: Path = DEFAULT_LAYOUTS) -> str:
    slugs = {a.slug for a in book.articles}
    policy = OutputPolicy(
        xrefs=XrefPolicy(
            href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment), known=slugs.__contains__
        )
    )
    chapters = [chapter_view(book, a, convert(a, policy).html) for a in book.articles]
    by_slug = {c.anchor: c for c in chapters}
    toc = [{"part": p.title, "chapters": [by_slug[a.slug] for a in p.articles]} for p in book.parts]
    return render(
        "pdf/book.html.j2",
        layouts,
        lang=book.language,
        book=book.config,
        toc=toc,
        chapters=chapters,
        created=build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def render_book_pdf(book: Book, layouts: Path = DEFAULT_LAYOUTS) -> PdfResult:
    return render_pdf(
        book_html(book, layouts),
        base_url=book.root,
        stylesheets=print_stylesheets(layouts, book.config.paper, "pdf/book.css"),
        roots=[book.root, layouts, *font_roots()],
        title=f"{book.config.title} (book PDF)",
    )
