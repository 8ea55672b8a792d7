"""The EPUB 3 output: one XHTML document per chapter, packaged with ebooklib.

Content documents are rendered from our own templates and handed to ebooklib
verbatim (as plain items), so the markup is ours; ebooklib writes the package
document, the NCX and the container. The zip is then repacked so that the
same sources give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ebooklib import epub

from ..fonts import faces
from ..markup import OutputPolicy, article_html, policy_for
from ..messages import Messages, csl_locale
from ..model import TIERS, Article, Book, Output, PageStart, chapter_anchor, reference_anchor
from ..model.entries import Done, Early, Entry, Group, Kind, Listing, Made, Need, Plan, Product, Scope, book_stem
from ..pdf.printcss import icon_css
from ..sources.bibliography import format_entries
from ..templates import DEFAULT_LAYOUTS, read_layout, read_layout_bytes, render
from ..views import bibliography_view, build_time, card_view, chapter_view, chapter_views, glossary_view
from .cover import cover_alt, cover_png
from .epub_images import add_images, guard_package, image_href, read_image
from .epubzip import repack

if TYPE_CHECKING:
    from .pagelist import PageBreak

XHTML = "application/xhtml+xml"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# The assembled parts: (file, id of the section, landmark type).
PARTS = {
    "card": ("card.xhtml", "red-flag-card", "appendix"),
    "glossary": ("glossary.xhtml", "glossary", "glossary"),
    "bibliography": ("bibliography.xhtml", "bibliography", "bibliography"),
}


EPUB = Kind("epub", frozenset({Group.EPUB, Group.BOOK}), Scope.BOOK)


def entries(book: Book, layouts: Path) -> Listing:
    """The EPUB; with the book PDF's page starts (when the book PDF is made too) it has a page list."""
    path = f"{book_stem(book.config.title)}.epub"
    plan = partial(_plan, book, layouts, path)
    needs, early = (Need(Product.PAGE_STARTS),), {Product.UNPAGED_EPUB: partial(render_epub, book, layouts)}
    entry = Entry(path, EPUB, "The EPUB", plan, needs, (Product.EPUB,), early=early)
    return Listing([entry], (EPUB,))


def _plan(book: Book, layouts: Path, path: str, early: Early) -> Plan:
    def finish(done: Done) -> Made:
        starts = done.products.get(Product.PAGE_STARTS)
        data = render_epub(book, layouts, starts)
        made = Made([Output(EPUB.name, "ebook", path, data)], products={Product.EPUB: data})
        if starts is None:
            made.notes[path] = "no page list"
        return made

    return Plan((), finish)


def chapter_file(article: Article) -> str:
    return f"ch{article.number:02d}-{article.slug}.xhtml"


@dataclass
class NavEntry:
    title: str
    href: str
    children: list[NavEntry] = field(default_factory=list)


@dataclass
class _Doc:
    uid: str
    file_name: str  # inside text/
    title: str
    content: str
    properties: list[str] = field(default_factory=list)


def _policy(book: Book) -> OutputPolicy:
    files = {a.slug: chapter_file(a) for a in book.articles}
    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: f"{files[slug]}#{chapter_anchor(slug, fragment)}",
        term_href=lambda entry: f"glossary.xhtml#{entry.anchor}",
        ref_href=lambda key: "bibliography.xhtml#" + reference_anchor(key),
        parts=True,
    )
    policy.guard.image_href = image_href  # images are items of the package (epub_images)
    return policy


def _toc(book: Book) -> list[NavEntry]:
    def chapter(article: Article) -> NavEntry:
        href = chapter_file(article)
        entry = NavEntry(article.title, f"{href}#{article.slug}")
        stack: list[tuple[int, NavEntry]] = [(1, entry)]
        for heading in article.headings:
            if heading.level > 3 or not heading.outline:
                continue
            node = NavEntry(heading.text, f"{href}#{heading.anchor}")
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            (stack[-1][1] if stack else entry).children.append(node)
            stack.append((heading.level, node))
        return entry

    out: list[NavEntry] = []
    for part in book.parts:
        if part.title:
            first = part.articles[0]
            href = f"{chapter_file(first)}#{first.slug}"  # the part's h1 is inside its first chapter
            out.append(NavEntry(part.title, href, [chapter(a) for a in part.articles]))
        else:
            out.extend(chapter(a) for a in part.articles)
    return out


def _parts(book: Book, say: Messages) -> list[tuple[str, str]]:
    """The assembled parts this book has, in reading order: (kind, title)."""
    out = []
    if book.red_flags:
        out.append(("card", say("card")))
    if book.glossary:
        out.append(("glossary", say("glossary")))
    if book.citation_numbers:
        out.append(("bibliography", say("bibliography")))
    return out


def _part_items(book: Book, kind: str, say: Messages) -> object:
    files = {a.slug: chapter_file(a) for a in book.articles}

    def use_href(slug: str, anchor: str) -> str:
        return f"{files[slug]}#{anchor}"

    if kind == "card":
        return card_view(book, say, book.contacts(), use_href)
    if kind == "glossary":
        return glossary_view(book, use_href)
    keys = book.cited_keys
    html = format_entries([book.references[k] for k in keys], book.config.citation_style, csl_locale(book.language))
    return bibliography_view(book, dict(zip(keys, html, strict=True)), use_href, lambda **v: say("backlink", **v))


def documents(
    book: Book, layouts: Path, page_starts: list[PageStart] | None = None
) -> tuple[list[_Doc], list[NavEntry], list[PageBreak]]:
    """Every content document in spine order, the table of contents, and the page breaks
    of the print edition (when its layout, ``page_starts``, is given)."""
    config, lang, say = book.config, book.language, Messages(book.language)

    def doc(uid: str, file: str, template: str, title: str, **context: object) -> _Doc:
        content = render(template, layouts, page_title=title, lang=lang, say=say, **context)
        return _Doc(uid, file, title, content)

    cover = doc(
        "cover",
        "cover.xhtml",
        "epub/cover.xhtml.j2",
        config.title,
        cover_href="images/cover.png",
        cover_alt=cover_alt(config),
    )
    title = doc("titlepage", "title.xhtml", "epub/title.xhtml.j2", config.title, book=config)
    policy = _policy(book)
    chapters = [
        doc(
            f"ch{a.number:02d}",
            chapter_file(a),
            "epub/chapter.xhtml.j2",
            a.title,
            chapter=chapter_view(book, a, article_html(a, policy)),
        )
        for a in book.articles
    ]
    parts = _parts(book, say)
    assembled = [
        doc(kind, PARTS[kind][0], f"epub/{kind}.xhtml.j2", name, items=_part_items(book, kind, say))
        for kind, name in parts
    ]
    colophon = doc(
        "colophon",
        "colophon.xhtml",
        "epub/colophon.xhtml.j2",
        say("colophon"),
        book=config,
        trust=book.trust_marks(),
        colophon_chapters=chapter_views(book),
    )

    toc = _toc(book) + [NavEntry(name, f"{PARTS[kind][0]}#{PARTS[kind][1]}") for kind, name in parts]
    toc.append(NavEntry(say("colophon"), "colophon.xhtml#colophon"))
    landmarks = [
        {"type": "cover", "href": "cover.xhtml", "title": say("landmark.cover")},
        {"type": "titlepage", "href": "title.xhtml", "title": say("landmark.titlepage")},
        {"type": "toc", "href": "nav.xhtml#toc", "title": say("contents")},
        {"type": "bodymatter", "href": toc[0].href, "title": say("landmark.bodymatter")},
        *({"type": PARTS[k][2], "href": f"{PARTS[k][0]}#{PARTS[k][1]}", "title": name} for k, name in parts),
        {"type": "colophon", "href": "colophon.xhtml", "title": say("colophon")},
    ]
    docs = [cover, title, *chapters, *assembled, colophon]
    nav_context = {"toc": toc, "landmarks": landmarks}
    nav = doc("nav", "nav.xhtml", "epub/nav.xhtml.j2", say("contents"), page_list=[], **nav_context)
    breaks: list[PageBreak] = []
    if page_starts:
        from .pagelist import element_ids, insert_markers, locate  # only with the print edition's page list

        ids = {d.file_name: element_ids(d.content) for d in [*docs, nav]}
        breaks = locate(page_starts, ids)
        nav = doc("nav", "nav.xhtml", "epub/nav.xhtml.j2", say("contents"), page_list=breaks, **nav_context)
        for d in [*docs, nav]:
            d.content = insert_markers(d.content, [b for b in breaks if b.file == d.file_name])
    nav.properties = ["nav"]
    return [cover, title, nav, *docs[2:]], toc, breaks


def render_epub(book: Book, layouts: Path = DEFAULT_LAYOUTS, page_starts: list[PageStart] | None = None) -> bytes:
    """The EPUB; with the book PDF's ``page_starts``, it carries that edition's page list."""
    config = book.config
    docs, toc, breaks = documents(book, layouts, page_starts)
    package = epub.EpubBook()
    package.set_identifier(config.identifier)
    package.set_title(config.title)
    package.set_language(config.language)
    for editor in config.editors:
        package.add_author(editor)
    package.add_metadata("DC", "publisher", config.publisher)
    package.add_metadata("DC", "date", config.published.isoformat())
    package.add_metadata("DC", "rights", config.licence)
    if config.subtitle:
        package.add_metadata("DC", "description", config.subtitle)
    _accessibility_metadata(package, book, bool(breaks))
    if breaks:
        package.add_metadata("DC", "source", book.print_identifier)
        package.add_metadata(None, "meta", book.print_identifier, {"property": "pageBreakSource"})
    _resources(package, book, layouts)
    add_images(package, book)

    items = []
    for d in docs:
        item = epub.EpubItem(uid=d.uid, file_name=f"text/{d.file_name}", media_type=XHTML, content=d.content.encode())
        item.properties = list(d.properties)
        package.add_item(item)
        items.append(item)
    package.add_item(epub.EpubNcx())
    package.spine = items
    package.toc = [_ncx_link(entry, f"toc-{i}") for i, entry in enumerate(toc, 1)]

    raw = io.BytesIO()
    when = build_time(book)
    options = {"epub3_pages": False, "epub3_landmark": False, "epub2_guide": False, "mtime": when}
    options["compresslevel"] = 0  # repack compresses every file once, for good: nothing done twice
    guard_package(package)  # nothing outside the package is loaded
    epub.EpubWriter(raw, package, options).write()
    return repack(raw.getvalue(), config.language, when)


def _resources(package: epub.EpubBook, book: Book, layouts: Path) -> None:
    css = render("base/fonts.css.j2", layouts, faces=faces(), font_url=lambda f: f"../fonts/{f.file_name}")
    css += read_layout("base/base.css", layouts) + read_layout("epub/epub.css", layouts)
    css += icon_css(lambda tier: f"../images/icon-{tier}.svg")
    package.add_item(epub.EpubItem(uid="css", file_name="css/book.css", media_type="text/css", content=css.encode()))
    for face in faces():
        package.add_item(
            epub.EpubItem(
                uid=f"font-{face.weight}-{face.style}",
                file_name=f"fonts/{face.file_name}",
                media_type="font/ttf",
                content=face.path.read_bytes(),
            )
        )
    for tier in TIERS:
        package.add_item(
            epub.EpubItem(
                uid=f"icon-{tier}",
                file_name=f"images/icon-{tier}.svg",
                media_type="image/svg+xml",
                content=read_layout_bytes(f"icons/{tier}.svg", layouts),
            )
        )
    cover = epub.EpubCover(uid="cover-image", file_name="images/cover.png")
    cover.media_type = "image/png"
    cover.content = cover_png(book.config)
    package.add_item(cover)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def _ncx_link(entry: NavEntry, uid: str) -> object:
    link = epub.Link(f"text/{entry.href}", entry.title, uid)
    if not entry.children:
        return link
    return (
        epub.Section(entry.title, f"text/{entry.href}"),
        [_ncx_link(child, f"{uid}-{i}") for i, child in enumerate(entry.children, 1)],
    )


def accessibility_facts(book: Book, page_list: bool) -> list[tuple[str, str]]:
    """The schema.org accessibility metadata of this book, from what it holds: pictures (the
    articles' images, every one with a text description, or the build stops) make the book
    ``visual`` as well as ``textual``, sufficient as text alone or as text with pictures, and give
    ``alternativeText``; page navigation and page-break markers only with a page list; a moving
    picture (an animated GIF or PNG) means a flashing hazard that nobody has ruled out. The cover
    repeats the title page, so it alone does not make the book visual."""
    pictures = bool(book.images)
    modes = ["textual", "visual"] if pictures else ["textual"]
    sufficient = ["textual", "textual,visual"] if pictures else ["textual"]
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if pictures:
        features.append("alternativeText")
    if page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    moving = any(_animated(read_image(book, relative, path)) for relative, path in sorted(book.images.items()))
    hazards = ["unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"] if moving else ["none"]
    return [
        *(("schema:accessMode", m) for m in modes),
        *(("schema:accessModeSufficient", m) for m in sufficient),
        *(("schema:accessibilityFeature", f) for f in features),
        *(("schema:accessibilityHazard", h) for h in hazards),
    ]


def _animated(data: bytes) -> bool:
    """An image with more than one frame (its bytes as the EPUB copies them in: judged again, inside the book)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(getattr(image, "is_animated", False))
    except (OSError, ValueError):
        return False


def _accessibility_metadata(package: epub.EpubBook, book: Book, page_list: bool) -> None:
    say = Messages(book.language)
    pictures = say("epub.accessibility_images") if book.images else say("epub.accessibility_cover")
    summary = say("epub.accessibility_summary") + pictures + (say("epub.accessibility_pages") if page_list else "")
    meta = [*accessibility_facts(book, page_list), ("schema:accessibilitySummary", summary)]
    for prop, value in meta:
        package.add_metadata(None, "meta", value, {"property": prop})
    package.add_metadata(None, "meta", CONFORMS_TO, {"property": "dcterms:conformsTo", "id": "conformance"})
    package.add_metadata(
        None, "meta", book.config.publisher, {"property": "a11y:certifiedBy", "refines": "#conformance"}
    )
