"""The book PDF as pieces laid out on their own, in parallel, then merged (:mod:`plainpress.pdf.merge`).

The pieces: the front matter (title page, contents), groups of chapters (never across a part's
start), and each part of the back matter (card, glossary, sources, colophon). A chapter group's job holds only its
own chapters' HTML, the words of its links to other pieces (from the whole book's HTML, with page
marks in place of numbers) and empty stand-ins for their targets: never a page number of another
piece, so editing one article lays out again only its group. "Page N of M" is a separate layer laid
out for the whole book (:mod:`plainpress.pdf.stamp`); running headers come from each piece's own
headings, as every piece begins a new page with a heading.

The sections that print page numbers are laid out once the chapters' page counts are known, with
the numbers written as text: the glossary ("Used in") and the sources ("Cited in") once a first
layout of the front matter with stand-in numbers gives its page count, then the front matter (the
contents, which also lists the back matter's pages). Should the real numbers change the
front matter's length, both are laid out again with the new count (the loop is bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import html as lxml_html

from ..messages import Messages
from .jobs import PdfJob, PdfResult
from .linkwords import LinkWords
from .merge import Piece, merge
from .printcss import css_string
from .stamp import stamp_css, stamp_html

GROUP = 8  # chapters per piece at most: enough pieces for the workers, few enough to keep the merge cheap
NUMBERED = frozenset({"glossary", "bibliography"})  # back matter that prints page numbers ("Used in", "Cited in")
STAND_IN_NUMBER = "000"  # the front matter's first layout, before any page number is known
Steps = Generator[list[tuple[str, PdfJob]], list[PdfResult], PdfResult]


BACK_IDS = {"red-flag-card": "card", "glossary": "glossary", "bibliography": "bibliography", "colophon": "colophon"}


def chapter_groups(chapters: list[Any], size: int = GROUP) -> list[list[Any]]:
    """Consecutive chapters, at most ``size`` in a group; a part's first chapter starts a group."""
    groups: list[list[Any]] = []
    for chapter in chapters:
        if not groups or len(groups[-1]) >= size or chapter.part_title:
            groups.append([])
        groups[-1].append(chapter)
    return groups


def piece_css(say: Messages, first_page_header: bool) -> str:
    """Page numbers as text (``data-page``) instead of counters; no "Page N of M" (stamped at the merge)."""
    page = css_string(f", {say('page')} ")
    css = (
        'nav.toc a::after { content: leader(". ") attr(data-page); }\n'
        f".used-in a.use::after, .backlinks a.use::after {{ content: {page} attr(data-page); }}\n"
    )
    if first_page_header:  # the first page of a chapter piece is not the book's title page
        css += "@page :first { @top-left { content: string(chapter); } }\n"
    return css


@dataclass
class BookPieces:
    """The pieces of one book PDF and how to lay them out; :meth:`steps` drives the layouts."""

    context: dict[str, Any]
    layouts: Path
    render: Callable[..., str]  # book_pdf.render_book
    base: PdfJob  # the one-piece job: base URL, folders, title, the shared stylesheets
    say: Messages
    path: str
    groups: list[list[Any]] = field(default_factory=list)
    laid_out: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.groups = chapter_groups(self.context["chapters"])
        self._words, self._stand_ins = _cross_links(self.base.html, self.groups, self.context["lang"])

    # What the renderer's --dump-html writes for this output: the whole book's HTML, as one piece.
    @property
    def html(self) -> str:
        return self.base.html

    @property
    def stylesheets(self) -> tuple[str, ...]:
        return self.base.stylesheets

    @property
    def base_url(self) -> Path:
        return self.base.base_url

    def _job(self, html: str, key: str, first_page_header: bool, starts: bool = True) -> PdfJob:
        sheets = (*self.base.stylesheets, piece_css(self.say, first_page_header))
        words = tuple(sorted((i, r, w) for (i, r), w in self._words.get(key, {}).items()))
        return replace(
            self.base,
            html=html,
            stylesheets=sheets,
            page_starts=starts,
            piece=True,
            link_words=words,
            stand_ins=tuple(sorted(self._stand_ins.get(key, ()))),
        )

    def _stand_in_html(self, key: str) -> list[str]:
        return sorted(self._stand_ins.get(key, ()))

    def chapter_job(self, n: int) -> PdfJob:
        key = f"chapters-{n + 1}"
        html = self.render(
            self.context, self.layouts, chapters=self.groups[n], front=False, back=(),
            stand_ins=self._stand_in_html(key),
        )  # fmt: skip
        return self._job(html, key, first_page_header=True)

    def front_job(self, pages: Callable[[str], str]) -> PdfJob:
        html = self.render(
            self.context, self.layouts, chapters=[], back=(), pages=pages, stand_ins=self._stand_in_html("front")
        )
        return self._job(html, "front", first_page_header=False)

    def back_job(self, name: str, pages: Callable[[str], str] | None = None) -> PdfJob:
        """One part of the back matter: the card, the glossary, the sources or the colophon."""
        html = self.render(
            self.context, self.layouts, chapters=[], front=False, back=(name,), pages=pages,
            stand_ins=self._stand_in_html(name),
        )  # fmt: skip
        return self._job(html, name, first_page_header=True)

    def stamp_job(self, pages: int) -> PdfJob:
        html = stamp_html(pages, escape(self.context["lang"]), escape(self.base.title))
        sheets = (*self.base.stylesheets, stamp_css(self.say))
        return replace(self.base, html=html, stylesheets=sheets, page_starts=False, furniture=True)

    def steps(self) -> Steps:
        """Yields the jobs of each round (laid out in parallel), receives their results; returns the book.
        Round one: the chapters, the back matter that prints no page number (card, colophon) and the
        front matter with stand-in numbers (its length); then the glossary and the sources with the
        chapters' pages; then the contents and the page furniture, once every page is known."""
        n = len(self.groups)
        back = [name for name in ("card", "glossary", "bibliography") if self.context[name]] + ["colophon"]
        still = [name for name in back if name not in NUMBERED]
        numbered = [name for name in back if name in NUMBERED]
        done = yield [
            *((f"{self.path}#chapters-{i + 1}", self.chapter_job(i)) for i in range(n)),
            *((f"{self.path}#{name}", self.back_job(name)) for name in still),
            (f"{self.path}#front-size", self.front_job(lambda anchor: STAND_IN_NUMBER)),
        ]
        chapters, parts = done[:n], dict(zip(still, done[n:-1], strict=True))
        front_pages = done[-1].pages
        for _ in range(4):
            starts, page = {}, front_pages
            for result in chapters:
                starts.update({i: page + p for i, p in first_pages(result).items()})
                page += result.pages
            jobs = [(f"{self.path}#{name}", self.back_job(name, _numbers(starts))) for name in numbered]
            parts.update(zip(numbered, (yield jobs), strict=True))
            for name in back:
                starts.update({i: page + p for i, p in first_pages(parts[name]).items()})
                page += parts[name].pages
            front, stamp = yield [
                (f"{self.path}#front", self.front_job(_numbers(starts))),
                (f"{self.path}#furniture", self.stamp_job(page)),
            ]
            if front.pages == front_pages:
                break
            front_pages = front.pages
        return _merged([front, *chapters], [parts[name] for name in back], stamp, self.groups)


def first_pages(result: PdfResult) -> dict[str, int]:
    """The page (from 1) each id begins on: WeasyPrint's anchors give a split element's last page."""
    found: dict[str, int] = {}
    for number, start in enumerate(result.page_starts, 1):
        for ident in start.ids:
            found.setdefault(ident, number)
    return found


def _numbers(starts: dict[str, int]) -> Callable[[str], str]:
    return lambda anchor: str(starts.get(anchor, ""))


def _merged(results: list[PdfResult], back: list[PdfResult], stamp: PdfResult, groups: list[list[Any]]) -> PdfResult:
    results = [*results, *back]
    continues = [False, *(bool(g[0].level > 1 and not g[0].part_title) for g in groups)] + [False] * len(back)
    pieces = [Piece(r.data, r.anchors, first_pages(r), c) for r, c in zip(results, continues, strict=True)]
    data = merge(pieces, stamp.data)
    merged = PdfResult(data, 0)
    for result in results:
        offset = merged.pages
        merged.anchors.update({i: offset + p for i, p in result.anchors.items()})
        merged.page_starts += result.page_starts
        merged.resources.update(result.resources)
        merged.overflows += [replace(o, page=o.page + offset) for o in result.overflows]
        merged.stacked += result.stacked
        merged.seconds += result.seconds
        merged.pages += result.pages
    merged.resources = dict(sorted(merged.resources.items()))
    return merged


def _cross_links(
    whole: str, groups: list[list[Any]], language: str
) -> tuple[dict[str, dict[tuple[str, str], str]], dict[str, set[str]]]:
    """For each piece: the words of its links to places in other pieces, and the ids of those places."""
    root = lxml_html.document_fromstring(whole)
    nodes = list(root.iter())  # held, so that id() of each proxy stays the element's
    parents = {id(child): parent for parent in nodes for child in parent}
    slug_piece = {c.anchor: f"chapters-{n + 1}" for n, group in enumerate(groups) for c in group}
    owner: dict[str, str] = {}
    body = root.find("body")
    for top in body if body is not None else ():
        if not isinstance(top.tag, str):
            continue
        ident = top.get("id")
        key = slug_piece.get(ident) or ("front" if ident in ("titlepage", "toc") else BACK_IDS.get(ident, "colophon"))
        for element in top.iter():
            if isinstance(element.tag, str) and (ident := element.get("id")):
                owner.setdefault(ident, key)
                owner.setdefault(f"\0{id(element)}", key)
    words = LinkWords(language, root, dict.fromkeys(owner, 0), parents, later=True)
    found: dict[str, dict[tuple[str, str], str]] = {}
    targets: dict[str, set[str]] = {}
    for link in root.iter("a"):
        href = link.get("href") or ""
        if not href.startswith("#"):
            continue
        ident = unquote(href[1:])
        holder = link
        while holder is not None and f"\0{id(holder)}" not in owner:
            holder = parents.get(id(holder))
        here = owner.get(f"\0{id(holder)}") if holder is not None else None
        there = owner.get(ident)
        if here is None or there is None or here == there:
            continue
        found.setdefault(here, {})[ident, link.get("role") or ""] = words.describe(link)
        targets.setdefault(here, set()).add(ident)
    return found, targets
