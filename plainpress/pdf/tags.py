"""The PDF structure tree, one structure element per HTML element: our replacement for
WeasyPrint 70's ``weasyprint/pdf/tags.py``.

Why replace it rather than repair its output afterwards with pikepdf: WeasyPrint builds the
tree page by page from the laid-out boxes, so a section, list or paragraph that crosses a page
becomes one element per page, every line of text becomes an attribute-less ``Span``, a link's
``::after`` box becomes a Link inside the Link, and ``dt``/``dd`` become unrelated ``LI``s.
Once written, the PDF no longer says which of those pieces came from the same HTML element,
so a later pass could only guess (two ``P``s on two pages may be one paragraph or two). Here,
while the PDF is being written, every box still points at its HTML element: we key structure
elements by that element, so an element has exactly one structure element whatever the pages.
The pinned WeasyPrint calls ``add_tags(pdf, document, pdf_version, page_streams)`` once, after
painting every page; :func:`plainpress.pdf.tree.our_tags` puts ours in its place while a PDF is
written.

What the tree holds:

- Text is marked content of the element that holds it, never a ``Span`` per line; a ``Span``
  exists only for an inline element with its own ``lang`` (then it carries ``/Lang``).
- ``ul``/``ol`` are ``L`` > ``LI`` > ``Lbl`` (the marker) and ``LBody`` (everything else); ``dl``
  is ``L`` > ``LI`` > ``Lbl`` (the term, ``dt``) and ``LBody`` (its ``dd``), so a glossary reads
  term, then definition. Lists inside a ``nav`` are ``TOC``/``TOCI``.
- An ``a`` with ``href`` is one ``Link`` with every annotation of its boxes (a link broken over
  lines or pages has several); each annotation gets ``/Contents`` in the book's words (see
  :mod:`plainpress.pdf.linkwords`) and the Print flag.
- Content that must not be read is left out of the tree, and the artifact pass
  (:mod:`plainpress.pdf.artifacts`) rewrites it into artifacts: margin boxes (running headers,
  page numbers), ``leader()`` dots, elements with ``aria-hidden="true"`` (decorative icons, the
  extra copies of a card on a sheet), table headers repeated on a continuation page, and
  images with an empty ``alt``.
- Elements with no content left are dropped, so no empty structure element is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from .artifacts import ARTIFACT_KEY

# Phrase-level HTML elements that add no structure of their own (a Span only with a lang).
INLINE = frozenset(
    "span em strong b i u s small code dfn abbr cite q time mark sub sup kbd var samp data bdi bdo label "
    "br wbr ins del font big tt".split()
)
TRANSPARENT = frozenset({"html", "body", "header", "footer", "main", "hgroup", "picture"})
BLOCK_ROLES = {
    "p": "P",
    "section": "Sect",
    "article": "Art",
    "aside": "Sect",
    "nav": "Sect",
    "div": "Div",
    "blockquote": "BlockQuote",
    "figure": "Div",
    "figcaption": "Caption",
    "caption": "Caption",
    "table": "Table",
    "thead": "THead",
    "tbody": "TBody",
    "tfoot": "TFoot",
    "tr": "TR",
    "th": "TH",
    "td": "TD",
    "pre": "P",
    "address": "P",
    "dl": "L",
    **{f"h{n}": f"H{n}" for n in range(1, 7)},
}
SVG = "{http://www.w3.org/2000/svg}svg"


@dataclass(eq=False)
class Node:
    """One structure element while the tree is built; written out by :mod:`plainpress.pdf.tree`."""

    role: str
    parent: Node | None
    element: Any = None
    kids: list[Node | tuple[str, int, Any]] = field(default_factory=list)  # nodes, ("mcid"|"annot", page, x)
    attributes: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    body: Node | None = None  # an LI's LBody
    label: Node | None = None  # an LI's Lbl

    def add(self, child: Node) -> Node:
        self.kids.append(child)
        return child

    def target(self) -> Node:
        """Where this element's own content goes: an LI's content is its LBody."""
        if self.role == "LI":
            if self.body is None:
                self.body = self.add(Node("LBody", self))
            return self.body
        return self


class Artifact(Node):
    """Content that is not read: kept out of the tree, made an artifact by the artifact pass."""


def _artifact(kind: str) -> Artifact:
    return Artifact("Artifact", None, attributes={ARTIFACT_KEY: kind})


@dataclass
class Tagger:
    """Walks every page's boxes in order and files their content under their HTML element's node."""

    root_language: str | None = None
    tags: dict[Any, dict[str, Any]] = field(default_factory=dict)  # the page's box -> its MCID
    nodes: dict[int, Node] = field(default_factory=dict)  # id(HTML element) -> its node
    seen: dict[int, int] = field(default_factory=dict)  # id(HTML element) -> first page with a box of it
    items: dict[int, Node] = field(default_factory=dict)  # id(dt or dd) -> the LI they share
    parents: dict[int, Any] = field(default_factory=dict)  # id(HTML element) -> its parent element
    first_page: dict[str, int] = field(default_factory=dict)  # HTML id -> first page it is on (from 0)
    layout: Artifact = field(default_factory=lambda: _artifact("Layout"))
    pagination: Artifact = field(default_factory=lambda: _artifact("Pagination"))
    links: list[tuple[Node, Any]] = field(default_factory=list)  # (Link node, its HTML element)
    page: int = 0

    def walk(self, box: Any, context: Node) -> None:
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        element = box.element
        if isinstance(box, boxes.MarginBox):
            context = self.pagination
        elif element is not None and not isinstance(context, Artifact):
            context = self.node_for(box, context)
        if getattr(box, "is_leader", False):
            context = self.layout
        if element is not None and "::" not in (box.element_tag or ""):
            self.seen.setdefault(id(element), self.page)
            if ident := element.get("id"):
                self.first_page.setdefault(ident, self.page)
        if box in self.tags:
            context.target().kids.append(("mcid", self.page, self.tags.pop(box)["mcid"]))
        if box.link_annotation is not None:
            self.annotate(box, context)
        if isinstance(box, boxes.ParentBox):
            for child in box.children:
                self.walk(child, context)

    def annotate(self, box: Any, context: Node) -> None:
        """Every annotation of a link's boxes belongs to the one Link of its ``a``."""
        link: Node | None = context
        while link is not None and link.role != "Link":
            link = link.parent
        if isinstance(context, Artifact):
            link = context
        elif link is None:  # a link made by CSS on another element: a Link of its own
            holder = context.target()
            link = holder.add(Node("Link", holder, box.element))
            self.links.append((link, box.element))
        annotation = box.link_annotation
        for kind, page, other in link.kids:
            if kind == "annot" and page == self.page and _inside(annotation["Rect"], other["Rect"]):
                return  # the ::after box of a link inside its own area: left untagged, the artifact pass drops it
        link.kids.append(("annot", self.page, annotation))

    def node_for(self, box: Any, context: Node) -> Node:
        """The node of the box's HTML element (made at its first box), or where its content goes."""
        element, tag = box.element, box.element_tag or ""
        if "::" in tag:  # a pseudo-element: a list marker is its item's Lbl, the rest is the element's
            owner = self.nodes.get(id(element), context)
            if tag.endswith("::marker") and owner.role == "LI":
                if owner.label is None:
                    owner.label = Node("Lbl", owner)
                    owner.kids.insert(0, owner.label)
                return owner.label
            return owner
        known = self.nodes.get(id(element))
        if known is not None:
            if tag in ("thead", "tfoot") and self.seen.get(id(element), self.page) < self.page:
                return self.layout  # a table header repeated on a continuation page
            return known
        node = self.make(element, tag, box, context)
        self.nodes[id(element)] = node
        return node

    def make(self, element: Any, tag: str, box: Any, context: Node) -> Node:
        parent = context.target()
        if element.get("aria-hidden") == "true" or tag == "hr":
            return self.layout
        if tag == "a":
            if element.get("href") is None:
                return context
            link = parent.add(Node("Link", parent, element))
            self.links.append((link, element))
            return link
        if tag in TRANSPARENT:
            return context
        if tag == "img":
            return self.figure(element, box, parent, element.get("alt"))
        if tag == SVG:
            return self.figure(element, box, parent, element.findtext("{http://www.w3.org/2000/svg}title"))
        language = element.get("lang")
        own_language = language if language and language != self.language_of(parent) else None
        if tag in INLINE or tag.startswith("{"):
            if own_language:
                return parent.add(Node("Span", parent, element, lang=own_language))
            return context
        if tag in ("ul", "ol"):
            role = "TOC" if self.in_nav(element) else "L"
            node = parent.add(Node(role, parent, element, lang=own_language))
            if role == "L":
                numbering = "/Decimal" if tag == "ol" else "/Disc"
                node.attributes["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": numbering})
            return node
        if tag == "li":
            if parent.role not in ("L", "TOC"):
                return context
            return parent.add(Node("TOCI" if parent.role == "TOC" else "LI", parent, element, lang=own_language))
        if tag in ("dt", "dd"):
            return self.definition(element, tag, parent)
        if tag == "div" and parent.role == "L":  # a div grouping a dt and its dd inside a dl
            return context
        role = BLOCK_ROLES.get(tag)
        if role is None:
            if box.style["display"][0] == "inline":
                return context
            role = "Div"
        node = parent.add(Node(role, parent, element, lang=own_language))
        if tag in ("th", "td"):
            node.attributes["A"] = cell_attributes(element, tag)
        return node

    def definition(self, element: Any, tag: str, parent: Node) -> Node:
        """``dt`` is the Lbl of a new LI; each ``dd`` after it is an LBody of the same LI."""
        if parent.role != "L":
            return parent.add(Node("P" if tag == "dt" else "Div", parent, element))
        item = None
        if tag == "dd":
            previous = self.previous_sibling(element)
            if previous is not None and previous.tag in ("dt", "dd"):
                item = self.items.get(id(previous))
        if item is None:
            item = parent.add(Node("LI", parent))
        self.items[id(element)] = item
        return item.add(Node("Lbl" if tag == "dt" else "LBody", item, element))

    def figure(self, element: Any, box: Any, parent: Node, alt: str | None) -> Node:
        if alt is not None and not alt.strip():
            return self.layout  # an empty alt says: decoration
        node = parent.add(Node("Figure", parent, element))
        if alt:
            node.attributes["Alt"] = pydyf.String(alt)
        x, y = box.content_box_x(), box.content_box_y()
        node.attributes["A"] = pydyf.Dictionary(
            {"O": "/Layout", "BBox": pydyf.Array((x, y, x + box.width, y + box.height))}
        )
        return node

    def previous_sibling(self, element: Any) -> Any:
        previous = None
        for child in self.parents.get(id(element), ()):
            if child is element:
                return previous
            if isinstance(child.tag, str):
                previous = child
        return None

    def in_nav(self, element: Any) -> bool:
        holder = self.parents.get(id(element))
        while holder is not None:
            if holder.tag == "nav":
                return True
            holder = self.parents.get(id(holder))
        return False

    def language_of(self, node: Node | None) -> str | None:
        while node is not None:
            if node.lang:
                return node.lang
            node = node.parent
        return self.root_language


def _inside(rect: Any, outer: Any) -> bool:
    x1, y1, x2, y2 = (float(v) for v in rect)
    a1, b1, a2, b2 = (float(v) for v in outer)
    left, right, low, high = min(a1, a2), max(a1, a2), min(b1, b2), max(b1, b2)
    margin = 0.5
    return all(left - margin <= x <= right + margin for x in (x1, x2)) and all(
        low - margin <= y <= high + margin for y in (y1, y2)
    )


def cell_attributes(element: Any, tag: str) -> pydyf.Dictionary:
    attributes = pydyf.Dictionary({"O": "/Table"})
    for name, key in (("colspan", "ColSpan"), ("rowspan", "RowSpan")):
        value = element.get(name, "1")
        if value.isdigit() and int(value) > 1:
            attributes[key] = int(value)
    if tag == "th":
        attributes["Scope"] = "/Row" if element.get("scope") == "row" else "/Column"
    return attributes
