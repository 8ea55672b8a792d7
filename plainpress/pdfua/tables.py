"""Table regularity and headers (7.2-t15, 7.2-t41/42/43, 7.5-t01/02).

A table's rows are its TR children and the TR children of its THead/TBody/TFoot. The grid has as
many rows as the first cell of each row spans, and as many columns as the first row's cells span.
Cells are placed left to right in the first free slot; a cell that runs past the grid, overlaps
another, or a row with empty slots makes the table irregular. Only a regular table is checked for
headers: each TD needs a TH with Scope Column/Both above it in its columns, or Row/Both to its left
in its rows, or Headers that all name TH IDs of the table. PDF/UA-1 gives a TH without Scope none.
"""

from __future__ import annotations

import pikepdf

from .model import Document, Element, name_of, text_of
from .structure import attribute, label

Grid = list[list[Element | None]]
MAX_CELLS = 250_000


def _span(doc: Document, cell: Element, name: str) -> int:
    value = attribute(doc, cell.obj, name, "Table", int)
    return int(value) if value is not None else 1


def _rows(doc: Document, table: Element) -> list[Element]:
    rows: list[Element] = []
    for kid in doc.significant_kids(table):
        if kid.std == "TR":
            rows.append(kid)
        elif kid.std in ("THead", "TBody", "TFoot"):
            rows.extend(row for row in doc.significant_kids(kid) if row.std == "TR")
    return rows


def _cells(doc: Document, row: Element) -> list[Element]:
    return [cell for cell in doc.significant_kids(row) if cell.std in ("TH", "TD")]


def check(doc: Document) -> None:
    for element in doc.elements:
        if element.std == "Table":
            doc.tick(10)
            _table(doc, element)


def _table(doc: Document, table: Element) -> None:
    rows = _rows(doc, table)
    cells_of = [_cells(doc, row) for row in rows]
    height, index = 0, 0
    while index < len(rows):
        if cells_of[index]:
            span = max(_span(doc, cells_of[index][0], "/RowSpan"), 1)
            height += span
            index += span
        else:
            index += 1
    if height == 0:
        return
    width = sum(max(_span(doc, cell, "/ColSpan"), 0) for cell in cells_of[0])
    if height * width > MAX_CELLS or width <= 0:
        return
    grid: Grid = [[None] * width for _ in range(height)]
    origin: dict[int, tuple[int, int]] = {}
    for r, cells in enumerate(cells_of):
        doc.tick()
        column = 0
        for cell in cells:
            col_span, row_span = _span(doc, cell, "/ColSpan"), _span(doc, cell, "/RowSpan")
            while column < width and r < height and grid[r][column] is not None:
                column += 1
            if column + col_span > width or r >= height:
                doc.fail("7.2-t42", table.page, f"{label(table)}: row {r + 1} has more columns than the first row")
                return
            if r + row_span > height:
                doc.fail(
                    "7.2-t41", table.page, f"{label(table)}: column {column + 1} has a cell spanning past the last row"
                )
                return
            origin[id(cell)] = (r, column)
            for i in range(max(row_span, 1)):
                for j in range(max(col_span, 1)):
                    other = grid[r + i][column + j]
                    if other is not None:
                        for overlapping in (cell, other):
                            doc.fail("7.2-t15", overlapping.page, f"{label(overlapping)} overlaps another cell")
                        return
                    grid[r + i][column + j] = cell
            column += col_span
    for r, row in enumerate(grid):
        filled = sum(1 for slot in row if slot is not None)
        if filled != width:
            doc.fail("7.2-t43", table.page, f"{label(table)}: row {r + 1} has {filled} of {width} columns")
            return
    _headers(doc, table, grid, origin)


def _scope(doc: Document, cell: Element) -> str | None:
    value = attribute(doc, cell.obj, "/Scope", "Table", pikepdf.Name)
    return name_of(value)


def _headers(doc: Document, table: Element, grid: Grid, origin: dict[int, tuple[int, int]]) -> None:
    ids: set[str] = set()
    all_scoped = True
    for row in grid:
        for cell in row:
            if cell is not None and cell.std == "TH":
                th_id = text_of(cell.obj.get("/ID"))
                if th_id:
                    ids.add(th_id)
                if _scope(doc, cell) is None:
                    all_scoped = False
    if all_scoped:
        return
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None or cell.std != "TD" or origin.get(id(cell)) != (r, c):
                continue
            doc.tick()
            headers = attribute(doc, cell.obj, "/Headers", "Table", pikepdf.Array)
            named = [text_of(h) for h in headers if isinstance(h, pikepdf.String)] if headers is not None else []
            named_ok = bool(named) and all(h in ids for h in named)
            end_r, end_c = r + _span(doc, cell, "/RowSpan"), c + _span(doc, cell, "/ColSpan")
            if named_ok or _scoped_header(doc, grid, r, c, end_r, end_c):
                continue
            unknown = [h for h in named if h not in ids]
            if unknown:
                doc.fail(
                    "7.5-t02", cell.page, f"{label(cell)}: Headers name {', '.join(map(str, unknown))}, not TH IDs"
                )
            else:
                doc.fail("7.5-t01", cell.page, f"{label(cell)} has no header (no TH with Scope, no Headers)")
            return


def _scoped_header(doc: Document, grid: Grid, r: int, c: int, end_r: int, end_c: int) -> bool:
    def scoped(cell: Element | None, value: str) -> bool:
        return cell is not None and cell.std == "TH" and _scope(doc, cell) in ("Both", value)

    def is_th(cell: Element | None) -> bool:
        return cell is not None and cell.std == "TH"

    for column in range(c, min(end_c, len(grid[0]))):
        found = False
        for above in range(r - 1, -1, -1):
            if scoped(grid[above][column], "Column"):
                return True
            if is_th(grid[above][column]):
                found = True
            elif found:
                break
    for row in range(r, min(end_r, len(grid))):
        found = False
        for left in range(c - 1, -1, -1):
            if scoped(grid[row][left], "Row"):
                return True
            if is_th(grid[row][left]):
                found = True
            elif found:
                break
    return False
