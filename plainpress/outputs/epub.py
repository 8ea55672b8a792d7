"""The EPUB 3 output: one XHTML document per chapter, packaged with ebooklib.

Content documents are rendered from our own templates and handed to ebooklib
verbatim (as plain items), so the markup is ours; ebooklib writes the package
document, the NCX and the container. The zip is then repacked so that the
same sources give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ebooklib import epub

from ..fonts import faces
from ..markup import OutputPolicy, chapter_anchor, convert
from ..mdext.xrefs import XrefPolicy
from ..model import Article, Book
from ..templates import DEFAULT_LAYOUTS, read_layout, render
from ..views import build_time, chapter_view
from .cover import cover_alt, cover_png
from .epubzip import repack

XHTML = "application/xhtml+xml"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def chapter_file(article: Article) -> str:
    return f"text/ch{article.number:02d}-{article.slug}.xhtml"


@dataclass
class NavEntry:
    title: str
    href: str
    children: list[NavEntry] = field(default_factory=list)


@dataclass
class _Doc:
    uid: str
    file_name: str
    title: str
    content: str
    properties: list[str] = field(default_factory=list)


def _policy(book: Book) -> OutputPolicy:
    files = {a.slug: chapter_file(a).removeprefix("text/") for a in book.articles}
    return OutputPolicy(
        xrefs=XrefPolicy(
            href=lambda slug, fragment: f"{files[slug]}#{chapter_anchor(slug, fragment)}",
            known=files.__contains__,
        )
    )


def _toc(book: Book) -> list[NavEntry]:
    def chapter(article: Article) -> NavEntry:
        href = chapter_file(article).removeprefix("text/")
        entry = NavEntry(article.title, f"{href}#{article.slug}")
        stack: list[tuple[int, NavEntry]] = [(1, entry)]
        for heading in article.headings:
            if heading.level > 3:
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
            first = chapter_file(part.articles[0]).removeprefix("text/")
            out.append(
                NavEntry(part.title, f"{first}#{part.articles[0].slug}", [chapter(a) for a in part.articles])
            )
        else:
            out.extend(chapter(a) for a in part.articles)
    return out


def render_epub(book: Book, layouts: Path = DEFAULT_LAYOUTS) -> bytes:
    config = book.config
    lang = config.language
    policy = _policy(book)

    def doc(template: str, title: str, **context: object) -> str:
        return render(template, layouts, page_title=title, lang=lang, **context)

    docs: list[_Doc] = [
        _Doc(
            "cover",
            "text/cover.xhtml",
            "Cover",
            doc(
                "epub/cover.xhtml.j2",
                config.title,
                cover_href="images/cover.png",
                cover_alt=cover_alt(config),
            ),
        ),
        _Doc(
            "titlepage",
            "text/title.xhtml",
            config.title,
            doc("epub/title.xhtml.j2", config.title, book=config),
        ),
    ]
    toc = _toc(book)
    landmarks = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "titlepage", "href": "title.xhtml", "title": "Title page"},
        {"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"},
        {"type": "bodymatter", "href": toc[0].href, "title": "Start of content"},
        {"type": "colophon", "href": "colophon.xhtml", "title": "About this book"},
    ]
    nav = _Doc(
        "nav",
        "text/nav.xhtml",
        "Contents",
        doc("epub/nav.xhtml.j2", "Contents", toc=toc, landmarks=landmarks),
        ["nav"],
    )
    docs.append(nav)
    for article in book.articles:
        html = convert(article, policy).html
        view = chapter_view(book, article, html)
        docs.append(
            _Doc(
                f"ch{article.number:02d}",
                chapter_file(article),
                article.title,
                doc("epub/chapter.xhtml.j2", article.title, chapter=view),
            )
        )
    docs.append(
        _Doc(
            "colophon",
            "text/colophon.xhtml",
            "About this book",
            doc("epub/colophon.xhtml.j2", "About this book", book=config),
        )
    )

    package = epub.EpubBook()
    package.set_identifier(config.identifier)
    package.set_title(config.title)
    package.set_language(lang)
    for editor in config.editors:
        package.add_author(editor)
    package.add_metadata("DC", "publisher", config.publisher)
    package.add_metadata("DC", "date", config.published.isoformat())
    package.add_metadata("DC", "rights", config.licence)
    if config.subtitle:
        package.add_metadata("DC", "description", config.subtitle)
    _accessibility_metadata(package, book)

    css = render("base/fonts.css.j2", layouts, faces=faces(), font_url=lambda f: f"../fonts/{f.file_name}")
    css += read_layout("base/base.css", layouts) + read_layout("epub/epub.css", layouts)
    package.add_item(
        epub.EpubItem(uid="css", file_name="css/book.css", media_type="text/css", content=css.encode())
    )
    for face in faces():
        package.add_item(
            epub.EpubItem(
                uid=f"font-{face.weight}-{face.style}",
                file_name=f"fonts/{face.file_name}",
                media_type="font/ttf",
                content=face.path.read_bytes(),
            )
        )
    cover = epub.EpubCover(uid="cover-image", file_name="images/cover.png")
    cover.media_type = "image/png"
    cover.content = cover_png(config)
    package.add_item(cover)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    items = []
    for d in docs:
        item = epub.EpubItem(uid=d.uid, file_name=d.file_name, media_type=XHTML, content=d.content.encode())
        item.properties = list(d.properties)
        package.add_item(item)
        items.append(item)
    package.add_item(epub.EpubNcx())
    package.spine = items
    package.toc = [_ncx_link(entry, f"toc-{i}") for i, entry in enumerate(toc, 1)]

    raw = io.BytesIO()
    when = build_time(book)
    epub.EpubWriter(
        raw, package, {"epub3_pages": False, "epub3_landmark": False, "epub2_guide": False, "mtime": when}
    ).write()
    return repack(raw.getvalue(), lang, when)


def _ncx_link(entry: NavEntry, uid: str) -> object:
    link = epub.Link(f"text/{entry.href}", entry.title, uid)
    if not entry.children:
        return link
    return (
        epub.Section(entry.title, f"text/{entry.href}"),
        [_ncx_link(child, f"{uid}-{i}") for i, child in enumerate(entry.children, 1)],
    )


def _accessibility_metadata(package: epub.EpubBook, book: Book) -> None:
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
        "alternativeText",
    ]
    meta = [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", f) for f in features),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "This book is text with headings, lists and tables marked up for structure, "
            "a table of contents and landmarks. The only image is the cover, which has a "
            "text description. Text can be resized and restyled.",
        ),
    ]
    for prop, value in meta:
        package.add_metadata(None, "meta", value, {"property": prop})
    package.add_metadata(None, "meta", CONFORMS_TO, {"property": "dcterms:conformsTo", "id": "conformance"})
    package.add_metadata(
        None, "meta", book.config.publisher, {"property": "a11y:certifiedBy", "refines": "#conformance"}
    )
