"""The EPUB's page list, from the print edition's own layout.

The book PDF is laid out first; for every page, the first element (with an id)
that begins on that page is known from WeasyPrint's boxes. The EPUB gets a
``doc-pagebreak`` marker, named by the page number, right before that same
element, and a ``page-list`` nav links every marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..pdfrender import PageStart

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
            breaks.append(PageBreak(number, where[line[0]], line[0], line[1]))
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
        if brk.line and _insert_in_text(element, brk.line, marker):
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


def _insert_in_text(element: etree._Element, line: str, marker: etree._Element) -> bool:
    """Put the marker right before the page's first line, inside the text that holds it."""
    words = re.findall(r"\S+", line)[:4]
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text and (found := pattern.search(node.text)):
            marker.tail, node.text = node.text[found.start() :], node.text[: found.start()]
            node.insert(0, marker)
            return True
        if node is not element and node.tail and (found := pattern.search(node.tail)):
            marker.tail, node.tail = node.tail[found.start() :], node.tail[: found.start()]
            parent = node.getparent()
            parent.insert(parent.index(node) + 1, marker)
            return True
    return False
