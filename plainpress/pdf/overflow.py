"""After layout: what runs past its page's content area, and the tables set stacked to avoid it.

WeasyPrint 70 draws a box that is wider than its page past the page's edge and says nothing: a
12-column table loses its last columns, a long word its end. This module reads the laid-out boxes
(``Page._page_box``, stable in the pinned 70.0) and measures:

- :func:`wide_tables`: the tables whose box is wider than the content area (at the print size's
  own type size: decided by measured width, not by counting columns);
- :func:`stack`: such a table rebuilt as a *stacked table*: each of its rows a block of
  "header: value" pairs, a two-column table with one row per cell whose row header (``th
  scope="row"``) is the column's header, so a screen reader still hears each value with its
  header; the layout is then run again;
- :func:`split_grids`: the grids of columns filled down (class ``grid-columns``, the handouts' word
  list) that a page break cuts: column 1 would run on to the next page before column 2 begins, on
  the page and in the tags; :func:`balance` sets such a grid as balanced columns
  (``balanced-columns``), and the layout is run again. A list on one page is never balanced;
- :func:`overflows`: every text and image that still runs past the content area (left, right or below), with
  the id of the element around it and its first words, for the output to report (H002).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from ..errors import Finding, Location, Severity
from ..mdext.lines import LineFinder
from ..model import Article, chapter_of

if TYPE_CHECKING:  # WeasyPrint is imported by the functions that read boxes: findings need none of it
    from weasyprint.document import Document
    from weasyprint.formatting_structure import boxes

TOLERANCE = 1.0  # CSS px (0.75 pt): rounding, and a border's half-pixel
STACKED = "stacked-table"
GRID_COLUMNS = "grid-columns"  # a grid filled down its columns, laid out without balancing
BALANCED = "balanced-columns"  # the same, as balanced columns: for one that a page break cuts


@dataclass(frozen=True)
class Overflow:
    page: int  # from 1
    tag: str
    anchor: str  # the id of the nearest element around it that has one ("" when none)
    text: str  # its first words
    by_mm: float  # how far past the content area

    def describe(self) -> str:
        what = f"<{self.tag}>" + (f" “{self.text}”" if self.text else "")
        return f"{what} on page {self.page} runs {self.by_mm:.1f} mm past the page's content area"


def _content_area(page_box: boxes.PageBox) -> tuple[float, float, float, float]:
    left, top = page_box.content_box_x(), page_box.content_box_y()
    return left, top, left + page_box.width, top + page_box.height


def _walk(box: boxes.Box, transformed: bool = False) -> Iterator[tuple[boxes.Box, bool]]:
    """Every box of the page's content (margin boxes left out), with whether a CSS transform moves it
    (its coordinates are then not where it is drawn: the card sheet's turned cards)."""
    from weasyprint.formatting_structure import boxes

    stack = [(box, transformed)]
    while stack:
        current, moved = stack.pop()
        if isinstance(current, boxes.MarginBox):
            continue
        moved = moved or bool(current.style["transform"])
        yield current, moved
        stack.extend((child, moved) for child in reversed(getattr(current, "children", ())))


def _past(box: boxes.Box, area: tuple[float, float, float, float]) -> float:
    """How far the box's border box runs past the area, in CSS px (0 when inside)."""
    left, _top, right, bottom = area
    x, y = box.border_box_x(), box.border_box_y()
    return max(0.0, left - x, x + box.border_width() - right, y + box.border_height() - bottom)


def wide_tables(document: Document) -> list[ElementTree.Element]:
    """The table elements whose box runs past the content area, each once, in document order."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, ElementTree.Element] = {}
    for page in document.pages:
        area = _content_area(page._page_box)
        for box, moved in _walk(page._page_box):
            if moved or not isinstance(box, boxes.TableBox) or box.element is None:
                continue
            if box.element_tag == "table" and _past(box, area) > TOLERANCE:
                found.setdefault(id(box.element), box.element)
    return list(found.values())


def split_grids(document: Document) -> list[ElementTree.Element]:
    """The ``grid-columns`` grids laid out on more than one page, each once, in document order."""
    from weasyprint.formatting_structure import boxes

    pages: dict[int, set[int]] = {}
    found: dict[int, ElementTree.Element] = {}
    for number, page in enumerate(document.pages):
        for box, _moved in _walk(page._page_box):
            element = box.element
            if isinstance(box, boxes.GridContainerBox) and element is not None and _has_class(element, GRID_COLUMNS):
                pages.setdefault(id(element), set()).add(number)
                found.setdefault(id(element), element)
    return [element for key, element in found.items() if len(pages[key]) > 1]


def balance(grid: ElementTree.Element) -> None:
    grid.set("class", f"{grid.get('class', '')} {BALANCED}".strip())


def _has_class(element: ElementTree.Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def overflows(document: Document) -> list[Overflow]:
    """Every piece of text and every image past its page's content area, once per element."""
    from weasyprint.formatting_structure import boxes

    out: list[Overflow] = []
    parents: dict[int, ElementTree.Element] = {}
    for number, page in enumerate(document.pages, 1):
        area = _content_area(page._page_box)
        reported: set[int] = set()
        for box, moved in _walk(page._page_box):
            element = box.element
            if moved or element is None or not isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
                continue  # what is drawn: text and images (an empty block past the end loses nothing)
            if isinstance(box, boxes.TextBox) and not box.text.strip():
                continue
            if not parents and page._page_box.element is not None:
                root = page._page_box.element
                parents = {id(child): parent for parent in root.iter() for child in parent}
            by = _past(box, area)
            if by <= TOLERANCE or _reported_above(element, reported, parents):
                continue
            reported.add(id(element))
            out.append(Overflow(number, box.element_tag, _anchor(element, parents), _words(box), by * 0.2646))
    return out


def _reported_above(element: ElementTree.Element, reported: set[int], parents: dict[int, ElementTree.Element]) -> bool:
    node: ElementTree.Element | None = element
    while node is not None:
        if id(node) in reported:
            return True
        node = parents.get(id(node))
    return False


def _anchor(element: ElementTree.Element, parents: dict[int, ElementTree.Element]) -> str:
    node: ElementTree.Element | None = element
    while node is not None:
        if node.get("id"):
            return node.get("id") or ""
        node = parents.get(id(node))
    return ""


def _words(box: boxes.Box) -> str:
    from weasyprint.formatting_structure import boxes

    texts = [b.text for b in box.descendants() if isinstance(b, boxes.TextBox)] if hasattr(box, "descendants") else []
    if isinstance(box, boxes.TextBox):
        texts = [box.text]
    return " ".join(" ".join(texts).split())[:60]


# ---------------------------------------------------------------- stacked tables


def _cells(row: ElementTree.Element) -> list[ElementTree.Element]:
    return [cell for cell in row if cell.tag in ("th", "td")]


def _rows(table: ElementTree.Element) -> tuple[list[ElementTree.Element], list[ElementTree.Element]]:
    """The header row (the last row of thead, or a first row of only th) and the data rows."""
    head: list[ElementTree.Element] = []
    body: list[ElementTree.Element] = []
    for part in table:
        if part.tag == "tr":
            body.append(part)
        elif part.tag in ("thead", "tbody", "tfoot"):
            (head if part.tag == "thead" else body).extend(row for row in part if row.tag == "tr")
    if not head and body and all(c.tag == "th" for c in _cells(body[0])):
        head = [body.pop(0)]
    return head, body


def stack(table: ElementTree.Element) -> None:
    """Rebuild a table, in place, as a stacked table: one ``tbody`` per data row, one row per cell,
    the column's header as its row header. Nothing is dropped: a header row that is not the last
    in ``thead`` becomes a row of its own, and a row with more cells than headers keeps them
    (their header is empty)."""
    head, body = _rows(table)
    headers = [_copy_content(cell) for cell in _cells(head[-1])] if head else []
    caption = next((child for child in table if child.tag == "caption"), None)
    keep = {k: v for k, v in table.attrib.items() if k in ("id", "lang", "dir")}
    table.clear()
    table.attrib.update(keep)
    table.set("class", STACKED)
    if caption is not None:
        caption.tail = None
        table.append(caption)
    for extra in head[:-1]:  # a header row above the one that names the columns
        group = ElementTree.SubElement(table, "tbody", {"class": "stacked-row"})
        for cell in _cells(extra):
            row = ElementTree.SubElement(group, "tr")
            _moved(cell, row, "th", {"scope": "row", "colspan": "2"})
    for source in body:
        group = ElementTree.SubElement(table, "tbody", {"class": "stacked-row"})
        if source.get("id"):
            group.set("id", source.get("id") or "")
        column = 0
        for cell in _cells(source):
            span = int(cell.get("colspan") or 1) if (cell.get("colspan") or "1").isdigit() else 1
            row = ElementTree.SubElement(group, "tr")
            header = ElementTree.SubElement(row, "th", {"scope": "row"})
            label = headers[column] if column < len(headers) else None
            if label is not None:
                header.text = label.text
                header.extend(list(label))
                _append_text(header, ":")
            column += max(1, min(span, 1000))
            _moved(cell, row, "td", {})


def _copy_content(cell: ElementTree.Element) -> ElementTree.Element:
    holder = ElementTree.Element("span")
    holder.text = cell.text
    for child in cell:
        holder.append(copy.deepcopy(child))
    if len(holder):
        holder[-1].tail = (holder[-1].tail or "").rstrip()
    else:
        holder.text = (holder.text or "").rstrip()
    return holder


def _moved(cell: ElementTree.Element, row: ElementTree.Element, tag: str, attributes: dict[str, str]) -> None:
    new = ElementTree.SubElement(row, tag, attributes)
    for name in ("id", "lang", "dir", "style"):
        if cell.get(name):
            new.set(name, cell.get(name) or "")
    new.text = cell.text
    new.extend(list(cell))


def _append_text(element: ElementTree.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


# ---------------------------------------------------------------- findings

OVERFLOW = "H002"


def overflow_findings(found: list[Overflow], output: str, articles: list[Article], fallback: Location) -> list[Finding]:
    """H002 (an error) per box past the content area, at the line of the article it comes from (the
    article whose anchors hold it, or the only one), naming the output."""
    by_slug = {a.slug: a for a in articles}
    out = []
    for item in found:
        slug = chapter_of(item.anchor)
        article = by_slug.get(slug) or (articles[0] if len(articles) == 1 else None)
        if article is None:  # a card, the glossary: the article whose text it is
            article = next((a for a in articles if _line_of(a, item.text) != a.location), None)
        where = _line_of(article, item.text) if article else fallback
        out.append(
            Finding(
                OVERFLOW,
                Severity.ERROR,
                where,
                f"{output}: {item.describe()}; it would be cut off on paper",
                item.text,
                "break the content up (shorter lines, a smaller image, fewer columns), or report it as a layout bug",
            )
        )
    return out


def _line_of(article: Article, text: str) -> Location:
    words = text.split()
    lines = LineFinder(article.body)
    for needle in (" ".join(words[:5]), " ".join(words[:2]), max(words, key=len, default="")):
        if needle and (line := lines.line_of(needle)):
            return article.at(line)
    return article.location
