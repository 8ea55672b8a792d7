"""Images and other resources an article refers to, judged before anything is loaded.

``![alt](path)`` is resolved relative to the article's folder and must stay
inside the book folder, judged on the real path (see :mod:`plainpress.resources`).
An accepted image is recorded (the EPUB copies it in as a manifest item) and its
``src`` is written the way the output asks (the PDFs load it from the book
folder through the guarded fetcher). A refused one is removed from the text and
reported with its line: a web address (I002), a path leading out of the book
(I001), a missing or unsupported file (I003), an unsafe SVG (I004).

Raw HTML is read with a tokenizer before it is put back into the text: what
would load a resource from the web or from outside the book is an error with
its line; what the sanitiser will remove (scripts, frames, event handlers,
``javascript:`` links, styles, images written in HTML) is a warning (U001).
Links and attributes written in Markdown are checked the same way.
"""

from __future__ import annotations

import html.parser
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from ..resources import OUTSIDE, REMOTE, Refusal, css_urls, judge_file, judge_image, scheme_of
from .lines import LineFinder

UNSAFE_HTML = "U001"
SAFE_LINK_SCHEMES = {"", "http", "https", "mailto", "tel"}
# Raw HTML elements the sanitiser removes with everything in them, or that load something.
_REMOVED = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "link",
    "meta",
    "base",
    "svg",
    "math",
    "audio",
    "video",
    "source",
    "track",
    "picture",
    "canvas",
    "template",
    "noscript",
    "img",
}
# Attributes that load a resource, by element ('*': any element).
_LOADS = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "xlink:href"}


@dataclass(frozen=True)
class ImageRef:
    """An accepted image: its real path, its path in the book (POSIX), its media type."""

    path: Path
    relative: str
    media_type: str
    line: int | None = None


@dataclass
class ResourceProblem:
    code: str
    message: str
    text: str
    line: int | None


def book_relative_href(image: ImageRef) -> str:
    """The default ``src``: the image's path in the book, as a URL (the PDFs' base is the book folder)."""
    return quote(image.relative)


@dataclass
class ImageState:
    images: list[ImageRef] = field(default_factory=list)
    problems: list[ResourceProblem] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)  # every src written, for the sanitiser


class _Images(Treeprocessor):
    """Markdown images, links and attributes (after inline parsing)."""

    def __init__(
        self,
        md: Markdown,
        state: ImageState,
        where: tuple[str, Path, Path],
        href: Callable[[ImageRef], str],
        limits: tuple[int, int] | None = None,
    ):
        super().__init__(md)
        self.state, self.href, self.limits = state, href, limits
        self.source, self.base, self.root = where

    def run(self, root: etree.Element) -> None:
        lines = LineFinder(self.source)
        state = self.state
        for parent in list(root.iter()):
            for element in list(parent):
                for name in [a for a in element.attrib if a.lower().startswith("on")]:
                    value = element.attrib.pop(name)
                    line = next(
                        (
                            found
                            for needle in (f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}", name)
                            if (found := lines.line_of(needle))
                        ),
                        None,
                    )
                    state.problems.append(
                        ResourceProblem(UNSAFE_HTML, f"an event handler attribute ({name}) was removed", name, line)
                    )
                if element.tag == "a" and (href := element.get("href")) is not None:
                    if scheme_of(href) not in SAFE_LINK_SCHEMES:
                        state.problems.append(
                            ResourceProblem(
                                UNSAFE_HTML,
                                f"a link to a {scheme_of(href)}: address was removed; links may go to web pages, "
                                "e-mail addresses, phone numbers and other articles",
                                href,
                                lines.line_of(href),
                            )
                        )
                        del element.attrib["href"]
                style = element.get("style")
                if style and element.tag not in ("td", "th"):
                    self._style(style, lines)
                if element.tag == "img":
                    self._image(parent, element, lines)

    def _style(self, style: str, lines: LineFinder) -> None:
        for url, _line in css_urls(style, declarations=True):
            refusal = _resource(url, self.base, self.root)
            if refusal:
                self.state.problems.append(ResourceProblem(refusal.code, refusal.message, url, lines.line_of(url)))

    def _image(self, parent: etree.Element, image: etree.Element, lines: LineFinder) -> None:
        src = image.get("src", "")
        line = (lines.line_of(f"]({src}") or lines.line_of(src)) if src else None
        found = judge_image(src, self.base, self.root, *(self.limits or ()))
        if isinstance(found, Refusal):
            self.state.problems.append(ResourceProblem(found.code, found.message, src, line))
            _remove(parent, image)
            return
        path, kind = found
        ref = ImageRef(path, path.relative_to(self.root.resolve()).as_posix(), kind, line)
        self.state.images.append(ref)
        href = self.href(ref)
        image.set("src", href)
        self.state.sources.add(href)


def _remove(parent: etree.Element, element: etree.Element) -> None:
    """Take an element out of the tree, keeping the text after it."""
    children = list(parent)
    index = children.index(element)
    if element.tail:
        if index:
            previous = children[index - 1]
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _resource(url: str, base: Path, root: Path) -> Refusal | None:
    """Why a resource reference is refused (web, outside the book), or None when it is a file inside."""
    url = url.strip()
    if not url or url.startswith("#") or scheme_of(url) == "data":
        return None
    found = judge_file(url, base, [root], "a file the article loads")
    return found if isinstance(found, Refusal) else None


class _RawHtmlScanner(html.parser.HTMLParser):
    """Tokenizes one piece of raw HTML and records what it would load or run."""

    def __init__(self, base: Path, root: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.base, self.root = base, root
        self.found: list[tuple[str, str, str]] = []  # (code, message, text)
        self._style_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._style_depth += 1
        if tag in _REMOVED:
            hint = "; write ![what it shows](path) for an image" if tag == "img" else ""
            self.found.append((UNSAFE_HTML, f"raw HTML <{tag}> was removed{hint}", f"<{tag}"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append((UNSAFE_HTML, f"an event handler attribute ({name}) was removed", name))
            elif name in _LOADS or (name == "href" and tag in ("link", "image", "use")):
                for url in _split_srcset(value) if name == "srcset" else [value]:
                    self._load(url)
            elif name in ("href", "action", "formaction", "cite") and scheme_of(value) not in SAFE_LINK_SCHEMES:
                self.found.append((UNSAFE_HTML, f"a link to a {scheme_of(value)}: address was removed", value))
            elif name == "style":
                for url, _line in _safe_css_urls(value, declarations=True):
                    self._load(url)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._style_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_depth:
            self._style_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._style_depth:
            for url, _line in _safe_css_urls(data):
                self._load(url)

    def _load(self, url: str) -> None:
        refusal = _resource(url, self.base, self.root)
        if refusal is not None:
            self.found.append((refusal.code, refusal.message, url))


def _split_srcset(value: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]


def _safe_css_urls(text: str, declarations: bool = False) -> list[tuple[str, int]]:
    try:
        return list(css_urls(text, declarations))
    except Exception:
        return []


class _RawHtml(Treeprocessor):
    """Once the tree is built, every piece of raw HTML is in the stash: read each one (postprocessors
    would run once per heading too, as the toc extension renders headings with them)."""

    def __init__(self, md: Markdown, state: ImageState, where: tuple[str, Path, Path]) -> None:
        super().__init__(md)
        self.state = state
        self.source, self.base, self.root = where

    def run(self, root: etree.Element) -> None:
        lines = LineFinder(self.source)
        for piece in self.md.htmlStash.rawHtmlBlocks:
            if not isinstance(piece, str) or "<" not in piece:
                continue
            scanner = _RawHtmlScanner(self.base, self.root)
            try:
                scanner.feed(piece)
                scanner.close()
            except (AssertionError, ValueError):  # the tokenizer gives up on some broken markup
                scanner.found.append((UNSAFE_HTML, "unreadable raw HTML was removed", piece[:40]))
            line = lines.line_of(piece.strip().split("\n", 1)[0])
            for code, message, found in scanner.found:
                self.state.problems.append(ResourceProblem(code, message, found, line))


def register(
    md: Markdown,
    state: ImageState,
    source: str,
    base: Path,
    root: Path,
    href: Callable[[ImageRef], str],
    limits: tuple[int, int] | None = None,
) -> None:
    """``source``: the article's body (for lines); ``base``: the article's folder; ``root``: the book folder."""
    where = (source, base, root)
    # After attr_list has set its attributes (8) and the outline has seen every image (4: alt text).
    md.treeprocessors.register(_Images(md, state, where, href, limits), "pp_images", 3)
    md.treeprocessors.register(_RawHtml(md, state, where), "pp_raw_html_scan", 2)


__all__ = ["OUTSIDE", "REMOTE", "ImageRef", "ImageState", "ResourceProblem", "book_relative_href", "register"]
