"""The EPUB's page list, from the print edition's own layout.

The book PDF is laid out first; for every page, the first element (with an id)
that begins on that page is known from WeasyPrint's boxes. The EPUB gets a
``doc-pagebreak`` marker, named by the page number, right before that same
element, and a ``page-list`` nav links every marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..model import PageStart, line_pattern

XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
# Where a marker cannot stand before an element, it goes inside it, first.
INSIDE = {"li", "dt", "dd", "td", "th", "caption", "tr", "tbody", "thead", "tfoot"}


@dataclass(frozen=True)
class PageBreak:
    page: int
    file: str
    target: str  # the id of the element the page begins with (or, mid-paragraph, that holds its first line)
    line: str = ""  # the page's first line, when the page begins inside an element
    occurrence: int = 0  # how often its first words stand earlier inside that element

    @property
    def href(self) -> str:
        return f"{self.file}#page-{self.page}"


def locate(page_starts: list[PageStart], ids_by_file: dict[str, set[str]]) -> list[PageBreak]:
    """For each PDF page, where it begins in the EPUB: before the first element that
    begins on the page, or, on a page that begins mid-paragraph, before its first line."""
    where = {i: file for file, ids in ids_by_file.items() for i in ids}
    breaks = []
    for number, start in enumerate(page_starts, 1):
        line = start.first_line
        if line and line[0] in where and line[0] not in start.ids:  # the page begins inside an element
            breaks.append(PageBreak(number, where[line[0]], line[0], line[1], start.occurrence))
        elif target := next((i for i in start.ids if i in where), None):
            breaks.append(PageBreak(number, where[target], target))
    return breaks


def element_ids(xhtml: str) -> set[str]:
    root = etree.fromstring(xhtml.encode())
    return {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def insert_markers(xhtml: str, breaks: list[PageBreak]) -> str:
    """Put one marker per page break into this document."""
    if not breaks:
        return xhtml
    root = etree.fromstring(xhtml.encode())
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for brk in breaks:
        element = by_id[brk.target]
        marker = _marker(brk)
        if brk.line and _insert_in_text(element, brk.line, marker, brk.occurrence):
            continue
        local = etree.QName(element).localname
        while local in ("tr", "tbody", "thead", "tfoot") and len(element):
            element = element[0]  # into the first cell
            local = etree.QName(element).localname
        if local in INSIDE:
            marker.tail, element.text = element.text, None
            element.insert(0, marker)
        else:
            parent = element.getparent()
            parent.insert(parent.index(element), marker)
    return etree.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def _marker(brk: PageBreak) -> etree._Element:
    return etree.Element(
        f"{{{XHTML}}}span",
        {
            f"{{{EPUB}}}type": "pagebreak",
            "role": "doc-pagebreak",
            "id": f"page-{brk.page}",
            "aria-label": str(brk.page),
        },
    )


def _insert_in_text(element: etree._Element, line: str, marker: etree._Element, occurrence: int = 0) -> bool:
    """Put the marker right before the page's first line, inside the text that holds it: the
    ``occurrence``-th time (from 0) its first words stand in the element, counted in the text of
    the whole element, so that words repeated across a run of definitions find the right one."""
    pattern = line_pattern(line)
    texts: list[tuple[etree._Element, str]] = []  # (node, "text" or "tail") in reading order
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text:
            texts.append((node, "text"))
        if node is not element and node.tail:
            texts.append((node, "tail"))
    texts.sort(key=_reading_order(element))
    joined, spans = "", []
    for node, kind in texts:
        value = getattr(node, kind)
        spans.append((len(joined), node, kind))
        joined += value + " "
    matches = list(pattern.finditer(joined))
    if len(matches) <= occurrence:
        return False
    at = matches[occurrence].start()
    start, node, kind = max((span for span in spans if span[0] <= at), key=lambda span: span[0])
    value, offset = getattr(node, kind), at - start
    if kind == "text":
        marker.tail, node.text = value[offset:], value[:offset]
        node.insert(0, marker)
    else:
        marker.tail, node.tail = value[offset:], value[:offset]
        parent = node.getparent()
        parent.insert(parent.index(node) + 1, marker)
    return True


def _reading_order(root: etree._Element):  # returns a sort key
    """Reading order of a node's text (where it starts) and its tail (after its last descendant;
    of two tails there, the deeper node's first)."""
    position: dict[int, int] = {}
    depth: dict[int, int] = {id(root): 0}
    # lxml makes a new proxy object for an element whenever none is alive, so ids are only stable
    # while every node is held: the list keeps them for as long as the key function lives.
    nodes = list(root.iter())
    for index, node in enumerate(nodes):
        position[id(node)] = index
        for child in node:
            depth[id(child)] = depth[id(node)] + 1

    def key(item: tuple[etree._Element, str], held: list[etree._Element] = nodes) -> tuple[int, int, int]:
        node, kind = item
        if kind == "text":
            return (position[id(node)], 0, 0)
        last = node
        while len(last):
            last = last[-1]
        return (position[id(last)], 1, -depth[id(node)])

    return key
