"""Safe HTML: the whole converted fragment is sanitised to an allow-list, then
written back as XHTML.

Python-Markdown passes raw HTML through, lets ``attr_list`` set any attribute
and writes any link address. The last postprocessor (after raw HTML is back in
the text) therefore hands the whole fragment to ``nh3`` (the ammonia
sanitiser): only the elements and attributes of the allow-list stay, links
keep only web, e-mail, phone and relative addresses, comments and the content
of scripts and styles go. Images keep only a ``src`` the image extension wrote
(an image written in raw HTML loses it, and then the element).

``nh3`` writes HTML (``<br>``, ``&nbsp;``), which is not XHTML; the result is
parsed with lxml's HTML parser and written again as XHTML the way Python-Markdown
writes it (``<br />``, sorted attributes, empty elements closed), but with
characters instead of named entities and every ``&`` escaped, so the EPUB's
documents stay well-formed XML and clean input comes out as Python-Markdown
alone would write it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
import nh3
from lxml import etree as lxml_etree
from markdown import Markdown
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .images import ResourceProblem
from .limits import LimitError, element_limit
from .lines import LineFinder
from .wrapping import BIDI, bidi_controls, unhide, wrap_tree

# HTML5 elements a health article may use; obsolete ones (center, font, tt, acronym) are not
# valid in EPUB 3 and lose their tags (their text stays).
TAGS = {
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
}
# Removed together with everything inside them.
CLEAN_CONTENT = {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "textarea"}
# No attribute that hides content (hidden, aria-hidden, inert, style): what an article says is shown
# in every output, or print and screen would tell a patient different things.
GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "role", "epub:type"}
ATTRIBUTES = {
    "*": GLOBAL_ATTRIBUTES,
    "a": GLOBAL_ATTRIBUTES | {"href", "hreflang"},
    "img": GLOBAL_ATTRIBUTES | {"src", "alt", "width", "height"},
    "ol": GLOBAL_ATTRIBUTES | {"start", "reversed", "type"},
    "li": GLOBAL_ATTRIBUTES | {"value"},
    "td": GLOBAL_ATTRIBUTES | {"colspan", "rowspan", "headers", "style"},
    "th": GLOBAL_ATTRIBUTES | {"colspan", "rowspan", "headers", "scope", "abbr", "style"},
    "col": GLOBAL_ATTRIBUTES | {"span"},
    "colgroup": GLOBAL_ATTRIBUTES | {"span"},
    "time": GLOBAL_ATTRIBUTES | {"datetime"},
    "del": GLOBAL_ATTRIBUTES | {"datetime"},
    "ins": GLOBAL_ATTRIBUTES | {"datetime"},
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Text with no markup and no entity (no "<", no "&"), nothing XML refuses and no line end but LF.
_PLAIN = re.compile("[^<&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")
STYLE_PROPERTIES = {"text-align"}
HIDING = {
    "hidden",
    "inert",
}  # aria-hidden: only on what has no text (see wrapping.unhide)  # the tables extension aligns columns with it


def sanitize(
    html: str,
    sources: set[str] | frozenset[str] = frozenset(),
    max_depth: int | None = None,
    transform: Callable[[lxml_etree._Element], None] | None = None,
) -> str:
    """The fragment with only the allow-list left, as XHTML; ``sources``: the image addresses to keep;
    ``transform``: run on the cleaned tree before it is written.
    Raises :class:`LimitError` when elements nest deeper than ``max_depth`` (raw HTML inside raw HTML)."""
    if not html.strip():
        return html
    return to_xhtml(_clean(html, sources), max_depth, transform)


def _clean(html: str, sources: set[str] | frozenset[str]) -> str:
    """nh3 with the allow-list: HTML text."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and value not in sources:
            return None
        if attribute in HIDING:
            return None
        return value

    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        strip_comments=True,
        link_rel=None,
        generic_attribute_prefixes={"aria-"},
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
    )


def to_xhtml(
    html: str, max_depth: int | None = None, transform: Callable[[lxml_etree._Element], None] | None = None
) -> str:
    """An HTML fragment (already sanitised) written as XHTML, the way Python-Markdown writes it
    (attributes sorted, ``<br />``, empty elements closed) but with every ``&`` escaped: only
    XML's own five entities exist in an EPUB."""
    html = _NOT_XML.sub("", html)  # the sources refuse them (E002); never let one break the XHTML
    if not html.strip():
        return html
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    holder = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    if transform is not None:
        transform(holder)
    return _write(holder, max_depth)


def _write(holder: lxml_etree._Element, max_depth: int | None) -> str:
    """The children of ``holder`` as XHTML text (iteratively), refusing a tree deeper than ``max_depth``."""
    out: list[str] = [_text(holder.text)]
    # (element, depth, closing): an element is visited twice, to open it and to close it.
    stack: list[tuple[lxml_etree._Element, int, bool]] = [(child, 1, False) for child in reversed(holder)]
    while stack:
        element, depth, closing = stack.pop()
        tag = element.tag
        if closing:
            out.append(f"</{tag}>{_text(element.tail)}")
            continue
        if not isinstance(tag, str) or (tag == "img" and not element.get("src")):
            out.append(_text(element.tail))  # a comment left by the parser; an image with no accepted source
            continue
        if max_depth is not None and depth > max_depth:
            raise _too_deep(element, depth, max_depth)
        attrib = element.attrib
        attributes = (
            "".join(f' {name}="{_attribute(str(value))}"' for name, value in sorted(attrib.items())) if attrib else ""
        )
        if tag in VOID:
            out.append(f"<{tag}{attributes} />{_text(element.tail)}")
            continue
        out.append(f"<{tag}{attributes}>{_text(element.text)}")
        stack.append((element, depth, True))
        if len(element):
            stack.extend((child, depth + 1, False) for child in reversed(element))
    return "".join(out)


def _text(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;")


def _too_deep(element: lxml_etree._Element, depth: int, limit: int) -> LimitError:
    return LimitError(
        None,
        f"HTML elements nested {depth} deep; the limit is {limit} (twice limits.nesting in book.yaml, and 10)",
        text=" ".join("".join(element.itertext()).split())[:40],  # for the caller to find the line
    )


@dataclass
class Fragment:
    """A converted fragment, sanitised and parsed, before it is finished and written: ``tree`` (lxml, a
    ``div`` holding it), or None when there is nothing to parse and ``text`` is the whole result."""

    tree: lxml_etree._Element | None
    text: str = ""


def clean_fragment(html: str, sources: set[str] | frozenset[str] = frozenset()) -> Fragment:
    """The fragment cut down to the allow-list and parsed, as :func:`sanitize` does before it writes."""
    if not html.strip():
        return Fragment(None, html)
    if _PLAIN.fullmatch(html):  # a heading's words: nh3 gives such text back as it is, so not asked
        holder = lxml.html.Element("div")
        holder.text = html
        return Fragment(holder)
    html = _NOT_XML.sub("", _clean(html, sources))
    if not html.strip():
        return Fragment(None, html)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    return Fragment(lxml.html.fragment_fromstring(html, create_parent="div", parser=parser))


def finish_fragment(fragment: Fragment, source: str, nesting: int, problems: list[ResourceProblem]) -> str:
    """Bidirectional controls reported with their line (into ``problems``), then where lines may and may
    not break; written as XHTML. Raises :class:`LimitError` (with its line) for elements nested too deep."""
    holder = fragment.tree
    if holder is None:
        return fragment.text
    lines = LineFinder(source)
    for control in bidi_controls(holder):
        problems.append(ResourceProblem(BIDI, control.message, control.text, lines.line_of(control.char)))
    unhide(holder)
    wrap_tree(holder)
    try:
        return _write(holder, element_limit(nesting))
    except LimitError as error:
        error.line = lines.line_of(error.text) if error.text else None
        raise


class _Sanitize(Postprocessor):
    def __init__(
        self,
        md: Markdown,
        sources: Callable[[], set[str]],
        nesting: int,
        source: str,
        problems: list[ResourceProblem],
        keep: Callable[[Fragment], None] | None = None,
    ) -> None:
        super().__init__(md)
        self.sources, self.nesting, self.source, self.problems = sources, nesting, source, problems
        self.keep = keep
        self.document = False  # set once the tree processors are done: the text is then the whole document

    def run(self, text: str) -> str:
        if getattr(self.md, "pp_toc_unused", False):  # the table of contents (HeadingIds)
            self.md.pp_toc_unused = False  # type: ignore[attr-defined]
            return ""
        fragment = clean_fragment(text, self.sources())
        if self.keep is not None and self.document:  # the caller finishes it (plainpress.markup: once per output)
            self.keep(fragment)
            return ""
        # Also a heading's own words, which the toc extension runs the postprocessors on for its name.
        return finish_fragment(fragment, self.source, self.nesting, self.problems)


class HeadingIds(TocExtension):
    """Python-Markdown's toc extension, for the headings' ids (made from their words as the sanitiser
    writes them). The table of contents it also writes to ``md.toc`` is never used: it is left empty,
    not sanitised and written for nothing once per article."""

    class TreeProcessorClass(TocTreeprocessor):
        def build_toc_div(self, toc_list: list) -> etree.Element:
            self.md.pp_toc_unused = True  # type: ignore[attr-defined]  # what the postprocessors get next
            return super().build_toc_div(toc_list)


class _Document(Treeprocessor):
    """The last tree processor: what the sanitiser is given next is the whole document."""

    def __init__(self, md: Markdown, sanitizer: _Sanitize) -> None:
        super().__init__(md)
        self.sanitizer = sanitizer

    def run(self, root: object) -> None:
        self.sanitizer.document = True


def register(
    md: Markdown,
    sources: Callable[[], set[str]],
    nesting: int,
    source: str,
    problems: list[ResourceProblem],
    keep: Callable[[Fragment], None] | None = None,
) -> None:
    """``keep``: given the sanitised tree instead of the text being written (the conversion returns "")."""
    # The very last step: after raw HTML is back (30) and ampersands are restored (20).
    sanitizer = _Sanitize(md, sources, nesting, source, problems, keep)
    md.postprocessors.register(sanitizer, "pp_sanitize", 1)
    if keep is not None:
        md.treeprocessors.register(_Document(md, sanitizer), "pp_document", -100)
