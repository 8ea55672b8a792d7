"""Write the structure tree that :mod:`plainpress.pdf.tags` built into WeasyPrint's PDF objects.

Elements without content are dropped; an element keeps its first page as ``/Pg`` and reaches
content on later pages through marked-content references (``/MCR`` with their own ``/Pg``).
The parent tree maps every MCID of every page: content of the tree to the element that holds
it, content to be an artifact to one unreachable entry marked with its artifact type, which
:mod:`plainpress.pdf.artifacts` rewrites. Link annotations get their ``/Contents`` in words, the
Print flag and their ``/StructParent``; table cells get ``ID``/``Headers`` from the HTML table.
:func:`our_tags` puts :func:`add_tags` (walk the pages with the tagger, then write the tree) in
the place of WeasyPrint's own while a PDF is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf

from .linkwords import LinkWords
from .tags import ARTIFACT_KEY, Artifact, Node, Tagger

PRINT = 4  # annotation flag bit 3: print the annotation


KEEP_EMPTY = frozenset({"TR", "TH", "TD"})  # an empty cell still holds its place in the table's grid


def _prune(node: Node) -> bool:
    """Drop children without content (but never a table cell); whether ``node`` has content left."""
    kept: list[Node | tuple[str, int, Any]] = []
    for kid in node.kids:
        if isinstance(kid, Node):
            if _prune(kid) or kid.role in KEEP_EMPTY:
                kept.append(kid)
        else:
            kept.append(kid)
    node.kids = kept
    if node.label is not None and node.label not in kept:
        node.label = None
    if node.body is not None and node.body not in kept:
        node.body = None
    return bool(kept)


def _first_page(node: Node) -> int | None:  # None: no content (an empty cell)
    for kid in node.kids:
        page = _first_page(kid) if isinstance(kid, Node) else kid[1]
        if page is not None:
            return page
    return None


def write_tree(pdf: Any, document: Any, root: Node, tagger: Tagger, words: LinkWords) -> None:
    pages = pdf.page_references
    numbers = pydyf.Array()
    parent_tree = pydyf.Dictionary({"Nums": numbers})
    pdf.add_object(parent_tree)
    tree_root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": parent_tree.reference})
    pdf.add_object(tree_root)
    mcids: list[dict[int, Any]] = [{} for _ in pages]
    annotations: list[tuple[Any, Any]] = []  # (Link element reference, annotation)
    descriptions = {id(node): words.describe(element) for node, element in tagger.links}
    headers = _table_headers(root)

    def write(node: Node, parent_reference: Any, parent_page: int = 0) -> Any:
        page = _first_page(node)
        page = parent_page if page is None else page
        element = pydyf.Dictionary(
            {"Type": "/StructElem", "S": f"/{node.role}", "P": parent_reference, "Pg": pages[page], "K": pydyf.Array()}
        )
        if node.lang and (node.parent is None or node.lang != _language(node.parent, tagger.root_language)):
            element["Lang"] = pydyf.String(node.lang)
        for key, value in node.attributes.items():
            element[key] = value
        pdf.add_object(element)
        if id(node) in headers:
            kind, value = headers[id(node)]
            if kind == "ID":
                element["ID"] = pydyf.String(value)
            else:
                element["A"]["Headers"] = pydyf.Array(pydyf.String(h) for h in value)
        for kid in node.kids:
            if isinstance(kid, Node):
                element["K"].append(write(kid, element.reference, page))
                continue
            kind, on_page, value = kid
            if kind == "mcid":
                mcids[on_page][value] = element.reference
                if on_page == page:
                    element["K"].append(value)
                else:
                    element["K"].append(pydyf.Dictionary({"Type": "/MCR", "Pg": pages[on_page], "MCID": value}))
            else:
                annotation = value
                annotation["F"] = PRINT
                if id(node) in descriptions:
                    annotation["Contents"] = pydyf.String(descriptions[id(node)])
                reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference, "Pg": pages[on_page]})
                pdf.add_object(reference)
                element["K"].append(reference.reference)
                annotations.append((element.reference, annotation))
        return element.reference

    _prune(root)
    root.role = "Document"
    document_reference = write(root, tree_root.reference)
    tree_root["K"] = pydyf.Array([document_reference])

    for artifact in (tagger.layout, tagger.pagination):
        _orphans(pdf, artifact, mcids)
    for number, on_page in enumerate(mcids):
        numbers.append(number)
        numbers.append(pydyf.Array(on_page[m] for m in sorted(on_page)))
    for number, (reference, annotation) in enumerate(annotations, start=len(pages)):
        numbers.append(number)
        numbers.append(reference)
        annotation["StructParent"] = number
    pdf.catalog["StructTreeRoot"] = tree_root.reference
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    if "Lang" not in pdf.catalog:
        pdf.catalog["Lang"] = pydyf.String(tagger.root_language or "")


def _orphans(pdf: Any, artifact: Artifact, mcids: list[dict[int, Any]]) -> None:
    """Map the artifact's content to one element outside the tree, marked with its artifact type."""
    kind = artifact.attributes[ARTIFACT_KEY]
    entry = pydyf.Dictionary({"Type": "/StructElem", "S": "/Span", ARTIFACT_KEY: f"/{kind}"})
    pdf.add_object(entry)
    for kid in artifact.kids:
        if isinstance(kid, tuple) and kid[0] == "mcid":
            mcids[kid[1]][kid[2]] = entry.reference
        elif isinstance(kid, tuple) and kid[0] == "annot":
            kid[2]["F"] = PRINT  # an annotation in an artifact: no StructParent, the artifact pass removes it


def _language(node: Node | None, default: str | None) -> str | None:
    while node is not None:
        if node.lang:
            return node.lang
        node = node.parent
    return default


def _table_headers(root: Node) -> dict[int, tuple[str, Any]]:
    """``ID`` for every TH and ``Headers`` for every TD, from each table's grid of cells."""
    found: dict[int, tuple[str, Any]] = {}
    tables = [root]
    count = 0
    while tables:
        node = tables.pop()
        if node.role == "Table":
            count += 1
            found.update(_grid(node, count))
        tables.extend(kid for kid in node.kids if isinstance(kid, Node))
    return found


def _grid(table: Node, number: int) -> dict[int, tuple[str, Any]]:
    rows = _rows_in_order(table)
    taken: dict[tuple[int, int], Node] = {}
    column_headers: dict[int, list[str]] = {}
    row_headers: dict[int, list[str]] = {}
    found: dict[int, tuple[str, Any]] = {}
    placed: list[tuple[Node, int, int, int, int]] = []
    for i, row in enumerate(rows):
        j = 0
        for cell in (k for k in row.kids if isinstance(k, Node) and k.role in ("TH", "TD")):
            while (i, j) in taken:
                j += 1
            spans = cell.attributes.get("A", {})
            colspan = int(spans.get("ColSpan", 1)) if hasattr(spans, "get") else 1
            rowspan = int(spans.get("RowSpan", 1)) if hasattr(spans, "get") else 1
            for di in range(rowspan):
                for dj in range(colspan):
                    taken[i + di, j + dj] = cell
            placed.append((cell, i, j, rowspan, colspan))
            if cell.role == "TH":
                ident = f"table-{number}-{i}-{j}"
                found[id(cell)] = ("ID", ident)
                scope_row = cell.element is not None and cell.element.get("scope") == "row"
                for d in range(rowspan if scope_row else colspan):
                    (row_headers if scope_row else column_headers).setdefault((i if scope_row else j) + d, []).append(
                        ident
                    )
            j += colspan
    for cell, i, j, rowspan, colspan in placed:
        if cell.role == "TD":
            names = [h for d in range(rowspan) for h in row_headers.get(i + d, [])]
            names += [h for d in range(colspan) for h in column_headers.get(j + d, [])]
            found[id(cell)] = ("Headers", names)
    return found


def _rows_in_order(node: Node) -> list[Node]:
    rows: list[Node] = []
    for kid in node.kids:
        if isinstance(kid, Node):
            if kid.role == "TR":
                rows.append(kid)
            elif kid.role in ("THead", "TBody", "TFoot"):
                rows.extend(_rows_in_order(kid))
    return rows


def add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: list[Any]) -> None:
    """Build the structure tree of ``document`` into ``pdf`` (WeasyPrint's ``add_tags`` signature)."""
    root_element = _html_element(document)
    tagger = Tagger(root_language=root_element.get("lang") if root_element is not None else None)
    if root_element is not None:
        tagger.parents = {id(child): parent for parent in root_element.iter() for child in parent}
    document_node = Node("Document", None, lang=tagger.root_language)
    for number, (page, stream) in enumerate(zip(document.pages, page_streams, strict=True)):
        tagger.page = number
        tagger.tags = stream._tags
        tagger.walk(page._page_box, document_node)
        for kid in tagger.tags.values():  # content of boxes the walk did not reach
            tagger.layout.kids.append(("mcid", number, kid["mcid"]))
        tagger.tags.clear()
    later, known = _WORDS.get("later", False), _WORDS.get("known", {})
    words = LinkWords(tagger.root_language or "en", root_element, tagger.first_page, tagger.parents, later, known)
    write_tree(pdf, document, document_node, tagger, words)


def _html_element(document: Any) -> Any:
    for page in document.pages:
        for child in page._page_box.children:
            if getattr(child, "element", None) is not None and child.element.tag == "html":
                return child.element
    return None


_LOCK = threading.Lock()
_WORDS: dict[str, Any] = {}  # how links say their pages while the block of our_tags runs


@contextmanager
def our_tags(later: bool = False, known: dict[tuple[str, str], str] | None = None) -> Iterator[None]:
    """While the block runs, the pinned WeasyPrint writes our structure tree; afterwards its own
    again (other code in the process, the checker's tests, may want WeasyPrint's raw output).
    ``later`` and ``known``: a piece of the book, whose links' pages the merge writes in."""
    import weasyprint.pdf

    with _LOCK:
        theirs = weasyprint.pdf.add_tags
        weasyprint.pdf.add_tags = add_tags
        _WORDS.update(later=later, known=known or {})
        try:
            yield
        finally:
            weasyprint.pdf.add_tags = theirs
            _WORDS.clear()
