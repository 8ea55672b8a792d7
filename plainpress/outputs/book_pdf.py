"""The book PDF: title page, contents with page numbers, chapters, the red-flag
card (one page, or the build fails), glossary and sources with page numbers of
use, colophon."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import Finding, Location
from ..fonts import font_roots
from ..markup import article_html, policy_for
from ..messages import Messages, csl_locale
from ..model import Book, Output, chapter_anchor, part_anchor, reference_anchor
from ..model.entries import Done, Early, Group, Kind, Listing, Made, Plan, Product, Scope, Task, book_stem
from ..model.entries import Entry as CatalogueEntry
from ..pdf.jobs import PdfJob, PdfResult
from ..pdf.overflow import overflow_findings
from ..pdf.printcss import page_of_content, print_stylesheets
from ..sources.bibliography import format_entries
from ..templates import DEFAULT_LAYOUTS, layout_roots, render
from ..views import (
    CardTier,
    bibliography_view,
    build_time,
    card_view,
    chapter_view,
    check_card,
    glossary_view,
)

PDF = Kind("pdf", frozenset({Group.BOOK}), Scope.BOOK)


def entries(book: Book, layouts: Path) -> Listing:
    """The book PDF; it makes the page starts the EPUB's page list and the braille book need."""
    path = f"{book_stem(book.config.title)}.pdf"
    label = f"The book PDF ({book.config.paper})"
    entry = CatalogueEntry(path, PDF, label, partial(_plan, book, layouts), provides=(Product.PAGE_STARTS,))
    return Listing([entry], (PDF,))


def _plan(book: Book, layouts: Path, early: Early) -> Plan:
    task, card = book_pdf_task(book, layouts)

    def finish(done: Done) -> Made:
        result = done.results[0]
        output, found = _finish_book(book, task.path, card, result)
        return Made([output], found, {Product.PAGE_STARTS: result.page_starts})

    return Plan((task,), finish)


BACK_MATTER = ("card", "glossary", "bibliography", "colophon")  # after the chapters, in this order


def book_html(book: Book, layouts: Path = DEFAULT_LAYOUTS) -> tuple[str, list[CardTier]]:
    context = book_context(book, layouts)
    return render_book(context, layouts), context["card"]


def book_context(book: Book, layouts: Path = DEFAULT_LAYOUTS) -> dict[str, Any]:
    """What the book PDF's template is rendered with: every chapter converted once."""
    say = Messages(book.language)
    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: "#" + reference_anchor(key),
        parts=True,
    )
    chapters = [chapter_view(book, a, article_html(a, policy)) for a in book.articles]
    by_slug = {c.anchor: c for c in chapters}
    toc = [
        {"part": p.title, "anchor": part_anchor(p.articles[0].slug), "chapters": [by_slug[a.slug] for a in p.articles]}
        for p in book.parts
        if p.articles
    ]

    def use_href(slug: str, anchor: str) -> str:
        return f"#{anchor}"

    card = card_view(book, say, book.contacts(), use_href)
    glossary = glossary_view(book, use_href)
    keys = book.cited_keys
    entries = dict(
        zip(
            keys,
            format_entries([book.references[k] for k in keys], book.config.citation_style, csl_locale(book.language)),
            strict=True,
        )
    )
    bibliography = bibliography_view(book, entries, use_href, lambda **v: say("backlink", **v))
    parts = [
        {"anchor": anchor, "title": say(key)}
        for key, anchor, present in (
            ("card", "red-flag-card", card),
            ("glossary", "glossary", glossary),
            ("bibliography", "bibliography", bibliography),
        )
        if present
    ]
    return dict(
        lang=book.language,
        book=book.config,
        toc=toc,
        chapters=chapters,
        card=card,
        glossary=glossary,
        bibliography=bibliography,
        parts=parts,
        trust=book.trust_marks(),
        colophon_chapters=chapters,
        say=say,
        created=build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def render_book(
    context: dict[str, Any],
    layouts: Path = DEFAULT_LAYOUTS,
    *,
    chapters: list[Any] | None = None,
    front: bool = True,
    back: tuple[str, ...] = BACK_MATTER,
    pages: Callable[[str], str] | None = None,
    stand_ins: list[str] | None = None,
) -> str:
    """The book's HTML, or one piece of it: the front matter, some chapters, the back matter. With
    ``pages``, the page numbers it prints are written as text (``data-page``) instead of counters.
    ``stand_ins``: empty elements with the ids of targets in other pieces (WeasyPrint then keeps
    the links to them; the merge points them at the real targets)."""

    def page_attr(anchor: str) -> Markup:
        return Markup(' data-page="{}"').format(pages(anchor)) if pages else Markup("")

    chosen = context["chapters"] if chapters is None else chapters
    return render(
        "pdf/book.html.j2",
        layouts,
        **{**context, "chapters": chosen},
        front=front,
        back=back,
        page_attr=page_attr,
        stand_ins=stand_ins or [],
    )


# Lay the book PDF out as pieces in parallel and merge them (plainpress.outputs.book_pieces); off: one layout.
IN_PIECES = True


def render_book_pdf(book: Book, layouts: Path = DEFAULT_LAYOUTS, pieces: bool | None = None) -> PdfResult:
    from ..pdf.layout import render_job  # WeasyPrint, only once a PDF is laid out
    from ..pdf.pieces import BookPieces

    task, card = book_pdf_task(book, layouts, pieces)
    if isinstance(task.job, BookPieces):
        steps, results = task.job.steps(), None
        try:
            while True:
                results = [render_job(job) for _, job in steps.send(results)]
        except StopIteration as stop:
            result = stop.value
    else:
        result = render_job(task.job)
    _finish_book(book, task.path, card, result)  # fails when the red-flag card does not fit on its page
    return result


def book_pdf_task(
    book: Book, layouts: Path = DEFAULT_LAYOUTS, pieces: bool | None = None
) -> tuple[Task, list[CardTier]]:
    """The book PDF's render task, and the card's tiers its finish checks. The job's result also
    carries where each page begins, for the EPUB's page list.
    In pieces, the job is a :class:`BookPieces`, whose steps the renderer lays out round by round."""
    context = book_context(book, layouts)
    html, card = render_book(context, layouts), context["card"]
    say = Messages(book.language)
    shared = print_stylesheets(layouts, book.config.paper, say, "pdf/book.css")
    sheets = (*shared, f"@page {{ @bottom-right {{ content: {page_of_content(say)}; }} }}")
    roots = (book.root, *layout_roots(layouts), *font_roots())
    title = f"{book.config.title} (book PDF)"
    job = PdfJob(html, book.root, sheets, roots, title, page_starts=True)
    path = f"{book_stem(book.config.title)}.pdf"
    if IN_PIECES if pieces is None else pieces:
        from ..pdf.pieces import BookPieces  # the merge's pikepdf: only for a book laid out in pieces

        base = PdfJob(html, book.root, tuple(shared), roots, title, page_starts=True)
        job = BookPieces(context, layouts, render_book, base, say, path)
    return Task(path, job), card


def _finish_book(book: Book, path: str, card: list[CardTier], result: PdfResult) -> tuple[Output, list[Finding]]:
    check_card(result.anchors, card, "the book PDF's red-flag card")
    cut = overflow_findings(result.overflows, path, book.articles, Location(book.root / "book.yaml"))
    return Output("pdf", f"book-{book.config.paper}", path, result.data, pages=result.pages), cut
