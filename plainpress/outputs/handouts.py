"""Patient handouts: one PDF per article, per clinic profile, paper and print size,
and per profile and paper an index of them for staff.

A handout stands on its own: its own "Words to know" and "Sources" (numbered
within the handout), links to other articles printed as plain text naming the
handout, the clinic's contact block in the body, and on every page a footer
with the clinic's name and phone, "Page N of M" and the version stamp.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import segno

from ..errors import Finding, Severity
from ..fonts import font_roots
from ..markup import article_html, cited_keys, standalone_policy
from ..messages import Messages, csl_locale
from ..model import Article, Book, Output, Profile, output_path, reference_anchor
from ..model.entries import Done, Early, Entry, Group, Kind, Listing, Made, Plan, Task
from ..nobreak import nobreak_chars
from ..pdf.jobs import PdfJob
from ..pdf.overflow import overflow_findings
from ..pdf.printcss import css_string, page_of_content, print_stylesheets
from ..sources.bibliography import format_entries
from ..templates import DEFAULT_LAYOUTS, layout_roots, render
from ..trust import TrustMarks
from ..views import BibItem, GlossaryItem, build_time, glossary_view

HANDOUT = Kind("handout", frozenset({Group.HANDOUTS}))
INDEX = Kind("handout-index", frozenset({Group.HANDOUTS}))
MAX_STANDARD_PAGES = 4  # two sheets, printed on both sides


@dataclass(frozen=True)
class HandoutView:
    title: str
    summary: str
    html: str
    size: str
    clinic: Profile
    logo_url: str
    sample: bool
    words: list[GlossaryItem]
    sources: list[BibItem]
    qr: str
    url: str
    stamp: str
    disclaimer: str
    draft: bool = False  # a banner at the top of the first page, and of every page (draft_css)
    trust: TrustMarks | None = None  # printed on the last page, in "About this handout"


def stamp(book: Book, article: Article, say: Messages) -> str:
    meta = article.meta
    if meta.reviewed and meta.next_review:
        return say(
            "handout.stamp",
            reviewed=say.short_date(meta.reviewed),
            next_review=say.short_date(meta.next_review),
            edition=book.config.edition,
        )
    return say("handout.draft", edition=book.config.edition)


def handout_path(profile: Profile, article: Article, paper: str, size: str) -> str:
    """A reviewed article's handout goes to handouts/<clinic>/, a draft's to drafts/handouts/<clinic>/."""
    return output_path("handouts", profile.slug, f"{article.slug}-{paper}-{size}.pdf", article.is_draft)


def handout_view(book: Book, article: Article, profile: Profile, size: str, entries: dict[str, str]) -> HandoutView:
    say = Messages(book.language)
    numbers = {key: n for n, key in enumerate(cited_keys(book, article), 1)}
    policy = standalone_policy(book, article, profile.contacts())
    html = article_html(article, policy)
    terms = {use_term for use_term, uses in book.glossary_uses.items() if any(u.article == article.slug for u in uses)}
    words = glossary_view(book, lambda slug, anchor: f"#{anchor}", only=terms)
    sources = [BibItem(n, key, reference_anchor(key), entries[key], []) for key, n in numbers.items()]
    qr = segno.make(article.meta.url, error="m").svg_data_uri(scale=4) if article.meta.url else ""
    return HandoutView(
        title=article.title,
        summary=article.meta.summary,
        html=html,
        size=size,
        clinic=profile,
        logo_url=Path(profile.logo).as_uri() if profile.logo else "",
        sample=book.config.sample,
        words=words,
        sources=sources,
        qr=qr,
        url=article.meta.url,
        stamp=stamp(book, article, say),
        disclaimer=book.config.disclaimer,
        draft=article.is_draft,
        trust=book.trust_marks(article),
    )


def footer_css(book: Book, article: Article, profile: Profile, say: Messages) -> str:
    clinic = nobreak_chars(f"{profile.name} \u00b7 {profile.phone}")  # a margin box: no-break characters
    stamped = nobreak_chars(stamp(book, article, say))
    return (
        f"@page {{ @bottom-left {{ content: {css_string(clinic)} '\\A' {css_string(stamped)}; }}"
        f" @bottom-right {{ content: {page_of_content(say)}; }} }}"
    )


def draft_css(say: Messages, size: str) -> str:
    """A draft's banner at the top of every page (the page's own margin: an artifact, repeated), in
    the smallest size of its print: 12 pt, or 18 pt in large print."""
    points = 18 if size == "large-print" else 12
    return (
        f"@page {{ @top-center {{ content: {css_string(say('draft.banner'))}; font-weight: 700;"
        f" font-size: {points}pt; border: 2px dashed; padding: 0 3mm; margin: 2mm 0 2mm; vertical-align: middle; }} }}"
    )


def handout_job(
    book: Book,
    article: Article,
    profile: Profile,
    paper: str,
    size: str,
    entries: dict[str, str],
    layouts: Path = DEFAULT_LAYOUTS,
    shared: Callable[[str, str], list[str]] | None = None,
) -> PdfJob:
    """``shared(paper, size)``: the stylesheets every handout of that paper and size has (made once a build)."""
    say = Messages(book.language)
    view = handout_view(book, article, profile, size, entries)
    html = render(
        "handout/handout.html.j2",
        layouts,
        lang=book.language,
        h=view,
        say=say,
        created=build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    sheets = list((shared or partial(handout_stylesheets, layouts, say))(paper, size))
    sheets.append(footer_css(book, article, profile, say))
    if article.is_draft:
        sheets.append(draft_css(say, size))
    roots = (book.root, *layout_roots(layouts), *font_roots())
    return PdfJob(html, book.root, tuple(sheets), roots, handout_path(profile, article, paper, size))


def handout_stylesheets(layouts: Path, say: Messages, paper: str, size: str) -> list[str]:
    extra = ["handout/handout.css"] + (["handout/large-print.css"] if size == "large-print" else [])
    return print_stylesheets(layouts, paper, say, *extra)


def all_entries(book: Book) -> dict[str, str]:
    keys = book.cited_keys
    refs = [book.references[k] for k in keys]
    return dict(zip(keys, format_entries(refs, book.config.citation_style, csl_locale(book.language)), strict=True))


def entries(book: Book, layouts: Path) -> Listing:
    """Per profile and paper, every article's handout in each print size, then their index."""
    listed = []
    references = cache(lambda: all_entries(book))  # formatted once, for the handouts that are made
    shared = cache(partial(handout_stylesheets, layouts, Messages(book.language)))  # once per paper and size
    for profile in book.profiles:
        for paper in profile.papers:
            for article in book.articles:
                for size in profile.sizes:
                    path = handout_path(profile, article, paper, size)
                    label = f"{article.title} ({paper}, {size})"
                    plan = partial(_plan_handout, book, article, profile, paper, size, references, layouts, shared)
                    where = {"profile": profile.slug, "article": article.slug, "paper": paper, "size": size}
                    listed.append(Entry(path, HANDOUT, label, plan, **where))
            path = index_path(profile, paper)
            plan = partial(_plan_index, book, profile, paper, layouts)
            listed.append(Entry(path, INDEX, f"Index of handouts ({paper})", plan, profile=profile.slug, paper=paper))
    return Listing(listed, (HANDOUT, INDEX))


def _plan_handout(
    book: Book,
    article: Article,
    profile: Profile,
    paper: str,
    size: str,
    references: Callable[[], dict[str, str]],
    layouts: Path,
    shared: Callable[[str, str], list[str]],
    early: Early,
) -> Plan:
    path = handout_path(profile, article, paper, size)
    job = handout_job(book, article, profile, paper, size, references(), layouts, shared)
    return Plan((Task(path, job),), partial(_finish_handout, article, profile, paper, size))


def index_path(profile: Profile, paper: str) -> str:
    return f"handouts/{profile.slug}/index-{paper}.pdf"


def _finish_handout(article: Article, profile: Profile, paper: str, size: str, done: Done) -> Made:
    """The handout, and the one check of its length (H001) beside what layout cut (H002)."""
    result = done.results[0]
    path = handout_path(profile, article, paper, size)
    extra = {"profile": profile.slug, "paper": paper, "print": size, "article": article.slug}
    output = Output(HANDOUT.name, f"{profile.slug}-{paper}-{size}", path, result.data, result.pages, extra)
    cut = overflow_findings(result.overflows, path, [article], article.location)
    if size != "standard" or result.pages <= MAX_STANDARD_PAGES:
        return Made([output], cut)
    too_long = Finding(
        "H001",
        Severity.WARNING,
        article.location,
        f"the standard-print handout {path} runs to {result.pages} pages; "
        f"it should fit on two sheets ({MAX_STANDARD_PAGES} pages)",
        article.title,
        "shorten the article or split it in two",
    )
    return Made([output], [*cut, too_long])


def _plan_index(book: Book, profile: Profile, paper: str, layouts: Path, early: Early) -> Plan:
    say = Messages(book.language)
    rows = [
        {
            "title": a.title,
            "draft": a.is_draft,
            "reviewed": say.short_date(a.meta.reviewed) if a.meta.reviewed and not a.is_draft else say("index.draft"),
            "next_review": say.short_date(a.meta.next_review) if a.meta.next_review and not a.is_draft else "",
            "files": [_index_file(profile, a, paper, size) for size in profile.sizes],
        }
        for a in book.articles
    ]
    title = say("index.title", clinic=profile.name)
    html = render(
        "handout/index.html.j2",
        layouts,
        lang=book.language,
        title=title,
        rows=rows,
        say=say,
        book=book.config,
        clinic=profile,
        created=build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    sheets = print_stylesheets(layouts, paper, say, "handout/handout.css")
    clinic = nobreak_chars(f"{profile.name} \u00b7 {profile.phone}")
    sheets.append(
        f"@page {{ @bottom-left {{ content: {css_string(clinic)}; }}"
        f" @bottom-right {{ content: {page_of_content(say)}; }} }}"
    )
    path = index_path(profile, paper)
    job = PdfJob(
        html, book.root, tuple(sheets), (book.root, *layout_roots(layouts), *font_roots()), f"index {profile.slug}"
    )
    return Plan((Task(path, job),), partial(_finish_index, profile, paper, path))


def _index_file(profile: Profile, article: Article, paper: str, size: str) -> str:
    """The file as the index names it: its name beside the index, or a draft's path from dist/."""
    path = handout_path(profile, article, paper, size)
    return path if article.is_draft else Path(path).name


def _finish_index(profile: Profile, paper: str, path: str, done: Done) -> Made:
    result = done.results[0]
    extra = {"profile": profile.slug, "paper": paper}
    return Made([Output(INDEX.name, f"{profile.slug}-{paper}", path, result.data, result.pages, extra)])
