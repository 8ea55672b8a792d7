"""The EPUB's images, and the guard of everything the EPUB refers to.

Every image an article shows (``book.images``, filled by the analyse stage) is
read again through the same judgement as the PDFs' URL fetcher (its real path
inside the book folder; an SVG must stand alone) and added as a manifest item
with its media type; chapters refer to it as ``../images/book/<name>``.

Before the EPUB is written, :func:`guard_package` reads every content document,
stylesheet and SVG of the package: a reference that would load something
(``src``, a stylesheet link, ``url()``, an SVG ``href``) must name an item of the
package or be ``data:``; anything else (a web address, a path leaving the
package, a file that is not in it) fails the build, naming the document and line.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ebooklib import epub
from lxml import etree

from ..errors import RenderError
from ..mdext.images import ImageRef
from ..model import Book
from ..resources import (
    IMAGE_TYPES,
    Refusal,
    css_urls,
    decode_problem,
    image_problem,
    inside,
    scheme_of,
    svg_problems,
)
from ..safety import read_regular

FOLDER = "images/book"
_LOADING = {"src", "poster", "data", "srcset"}
_HREF_LOADS = {"link", "image", "use", "feImage"}
XLINK = "{http://www.w3.org/1999/xlink}href"


def image_name(relative: str) -> str:
    """The image's file name in the EPUB: readable, unique, safe in a URL and a zip."""
    path = PurePosixPath(relative)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")[:40] or "image"
    digest = hashlib.sha256(relative.encode()).hexdigest()[:8]
    return f"{FOLDER}/{digest}-{stem}{path.suffix.lower()}"


def image_href(image: ImageRef) -> str:
    """How a chapter (in ``text/``) refers to an image."""
    return f"../{image_name(image.relative)}"


def read_image(book: Book, relative: str, path: Path) -> bytes:
    """An image's bytes, judged again as the PDF fetcher judges: inside the book, and what it says it is."""
    if not inside(path, [book.root]):
        raise RenderError(f"the EPUB refused to copy in {relative}: it is outside the book folder")
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        raise RenderError(f"the EPUB refused to copy in {relative}: not an image file of the book")
    data = read_regular(path)  # never a FIFO, even one swapped in since it was judged
    limits = book.config.limits
    wrong = (
        image_problem(data, kind)
        or decode_problem(data, kind, limits.image_pixels, limits.image_bytes)
        or next(iter(svg_problems(data, path.parent, [book.root]) if kind == "image/svg+xml" else []), None)
    )
    if wrong:
        raise RenderError(f"the EPUB refused to copy in {relative}: {wrong.message}")
    return data


def add_images(package: epub.EpubBook, book: Book) -> None:
    """Every image of the articles as a manifest item (the metadata they imply: ``epub.accessibility_facts``)."""
    for relative, path in sorted(book.images.items()):
        name = image_name(relative)
        package.add_item(
            epub.EpubItem(
                uid=f"img-{name.split('/')[-1].split('-')[0]}",
                file_name=name,
                media_type=IMAGE_TYPES[path.suffix.lower()],
                content=read_image(book, relative, path),
            )
        )


def guard_package(package: epub.EpubBook) -> None:
    """Refuse an EPUB whose documents, stylesheets or SVGs load anything that is not one of its items."""
    names = {item.file_name for item in package.get_items()}
    refused: list[str] = []
    for item in package.get_items():
        content = item.get_content() if hasattr(item, "get_content") else item.content
        if not content:
            continue
        media = getattr(item, "media_type", "")
        if media == "application/xhtml+xml":
            refused += _document(item.file_name, content, names)
        elif media == "text/css":
            text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
            refused += [
                f"{item.file_name}:{line}: {why}"
                for url, line in css_urls(text)
                if (why := _target(item.file_name, url, names))
            ]
        elif media == "image/svg+xml":
            refused += [f"{item.file_name}: {r.message}" for r in _svg(content)]
    if refused:
        raise RenderError("the EPUB would load resources that are not in it: " + "; ".join(refused))


def _svg(content: bytes | str) -> list[Refusal]:
    data = content.encode() if isinstance(content, str) else content
    return svg_problems(data, Path("/nonexistent-epub-folder"), [])


def _document(file_name: str, content: bytes | str, names: set[str]) -> list[str]:
    data = content.encode() if isinstance(content, str) else content
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return [f"{file_name}:{error.lineno}: the document is not well-formed XHTML ({error.msg})"]
    out: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rpartition("}")[2]  # as etree.QName(…).localname, without making one per name
        for attribute, value in element.attrib.items():
            name = attribute.rpartition("}")[2]
            loads = name in _LOADING or (name == "href" and local in _HREF_LOADS) or attribute == XLINK
            if loads:
                urls = [p.strip().split(" ")[0] for p in value.split(",")] if name == "srcset" else [value]
                out += [
                    f"{file_name}:{element.sourceline}: {why}" for u in urls if (why := _target(file_name, u, names))
                ]
            elif name == "style":
                out += [
                    f"{file_name}:{element.sourceline}: {why}"
                    for url, _ in _quiet_css(value, True)
                    if (why := _target(file_name, url, names))
                ]
        if local == "style" and element.text:
            out += [
                f"{file_name}:{element.sourceline}: {why}"
                for url, _ in _quiet_css(element.text, False)
                if (why := _target(file_name, url, names))
            ]
    return out


def _quiet_css(text: str, declarations: bool) -> list[tuple[str, int]]:
    try:
        return list(css_urls(text, declarations))
    except Exception:
        return []


def _target(file_name: str, url: str, names: set[str]) -> str | None:
    """Why a reference from ``file_name`` is refused, or None when it names an item (or is data:/#)."""
    url = url.strip()
    if not url or url.startswith("#") or scheme_of(url) == "data":
        return None
    if scheme_of(url) or url.startswith("//"):
        return f"{url!r} is an address outside the EPUB"
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        return f"{url!r} is an absolute path"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(file_name), path))
    if target.startswith("../") or target == "..":
        return f"{url!r} leads outside the EPUB"
    if target not in names and unquote(target) not in names:
        return f"{url!r} is not a file of the EPUB"
    return None
