"""The book PDF from its pieces: one tagged PDF made of PDFs laid out on their own.

No library joins structure trees (pikepdf #461 and qpdf #490 are open), so this does it. Each piece
(front matter, a group of chapters, back matter) is a whole tagged PDF from
:func:`plainpress.pdf.layout.render_job`: its own ``StructTreeRoot`` with one ``Document``, a
``ParentTree`` keyed from 0, named destinations for its ids, outlines, and links whose ``/Contents``
hold :func:`~plainpress.pdf.linkwords.page_mark` where a page number belongs. The merge makes:

- one structure tree: the sections of every piece's ``Document`` in order under the first piece's
  ``Document``; a ``ParentTree`` keyed anew (pages 0..M-1, then every annotation), ``/ID``s of table
  headers numbered as one layout of the whole book numbers them, an ``IDTree``, the ``RoleMap``s
  and ``ClassMap``s of all pieces;
- the pages of every piece, their link annotations pointing at one table of named destinations
  (a piece holds an empty stand-in for a target in another piece; its destination is dropped);
- outlines joined, a piece that continues a part nesting its bookmarks under the part's;
- page labels that run on from 1, and each link's words with the page of its target;
- the page furniture that depends on the whole book ("Page N of M"), drawn by a separate layer
  (:mod:`plainpress.pdf.stamp`) as Pagination artifacts;
- subset fonts renamed by their content, so that two pieces' subsets of one font get two names.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from .linkwords import MARK_CLOSE, MARK_OPEN

TABLE_ID = re.compile(r"^table-(\d+)-")
MARK = re.compile(re.escape(MARK_OPEN) + "(.*?)" + re.escape(MARK_CLOSE), re.S)
SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Piece:
    data: bytes
    anchors: dict[str, int]  # the ids this piece holds -> its page (from 1)
    starts: dict[str, int]  # the ids this piece holds -> the page they begin on (from 1)
    continues: bool = False  # begins inside a part: its top bookmarks nest under the last one before


@dataclass
class _Outline:
    title: str
    page: int  # in the merged book, from 0
    x: float
    y: float
    closed: bool
    children: list[_Outline]


def merge(pieces: list[Piece], stamp: bytes | None = None) -> bytes:
    """One tagged PDF of all ``pieces`` in order, with the ``stamp`` layer's pages drawn over its pages."""
    opened = [Pdf.open(io.BytesIO(piece.data)) for piece in pieces]  # each once
    offsets, total = [], 0
    for source in opened:
        offsets.append(total)
        total += len(source.pages)
    pages = {i: offsets[n] + p for n, piece in enumerate(pieces) for i, p in piece.starts.items()}
    pdf = opened[0]
    tree_root = pdf.Root.StructTreeRoot
    document = _document(tree_root)
    entries: list[Array] = []  # per page: its ParentTree array
    links: list[tuple[Dictionary, pikepdf.Object]] = []  # (annotation, its structure element)
    outlines: list[_Outline] = []
    dests: dict[str, Array] = {}
    sections: list[list[Dictionary]] = []
    role_map, class_map = Dictionary(), Dictionary()
    foreign: list[Pdf] = []
    for n, piece in enumerate(pieces):
        source = opened[n]
        foreign.append(source)
        their_root = source.Root.StructTreeRoot
        their_doc = _document(their_root)
        if n:
            del their_doc["/P"]
            with warnings.catch_warnings():  # named destinations are joined below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # type: ignore[attr-defined]
                pdf.pages.extend(source.pages)
        copy = (lambda o: o) if n == 0 else pdf.copy_foreign
        doc_copy = copy(their_doc)

        def mine(element: pikepdf.Object, doc_copy: pikepdf.Object = doc_copy) -> pikepdf.Object:
            return document if element.objgen == doc_copy.objgen else element

        for key in ("/RoleMap", "/ClassMap"):
            for name, value in their_root.get(key, Dictionary()).items():
                (role_map if key == "/RoleMap" else class_map)[name] = copy(value)
        tree = pikepdf.NumberTree(their_root.ParentTree)
        kept = _kids(doc_copy) if n else _kids(document)
        if n:
            for kid in kept:
                if isinstance(kid, Dictionary) and "/S" in kid:
                    kid.P = document
                elif isinstance(kid, int):  # content right under a piece's Document: say which page it is on
                    kid = Dictionary(Type=Name.MCR, Pg=doc_copy.Pg, MCID=kid)
                document.K.append(kid)
        sections.append([k for k in kept if isinstance(k, Dictionary) and "/S" in k])
        for index, page in enumerate(source.pages):
            merged_page = pdf.pages[offsets[n] + index]
            key = page.obj.get("/StructParents")
            on_page = tree.get(int(key)) if key is not None else None
            entries.append(Array(mine(copy(e)) for e in on_page) if isinstance(on_page, Array) else Array())
            for annotation in merged_page.obj.get("/Annots", Array()):
                if "/StructParent" in annotation:
                    links.append((annotation, mine(copy(tree[int(annotation.StructParent)]))))
        for name, dest in _named(source):
            if name in piece.anchors:
                dests[name] = Array([pdf.pages[offsets[n] + _page_index(source, dest[0])].obj, *list(dest)[1:]])
        for item in _outline(source, offsets[n]):
            if piece.continues and outlines:
                outlines[-1].children.append(item)
            else:
                outlines.append(item)
    _number_tables(sections)
    _write_parent_tree(pdf, tree_root, entries, links)
    tree_root.IDTree = _name_tree(pdf, _ids(sections))
    for key, value in (("/RoleMap", role_map), ("/ClassMap", class_map)):
        if len(value):
            tree_root[key] = value
    _write_outlines(pdf, outlines)
    names = pdf.Root.get("/Names") or Dictionary()
    names.Dests = Dictionary(Names=Array(x for name in sorted(dests) for x in (String(name), dests[name])))
    pdf.Root.Names = names
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    _fill_page_marks(pdf, pages)
    if stamp is not None:
        from .stamp import overlay

        overlay(pdf, stamp)
    _rename_subsets(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _document(tree_root: Dictionary) -> Dictionary:
    k = tree_root.K
    return k[0] if isinstance(k, Array) else k


def _kids(element: Dictionary) -> list[pikepdf.Object]:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def _page_index(pdf: Pdf, page: pikepdf.Object) -> int:
    return pdf.pages.index(pikepdf.Page(page))


def _named(pdf: Pdf) -> Iterator[tuple[str, Array]]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    for name, dest in pikepdf.NameTree(names.Dests).items():
        yield str(name), dest


def _outline(pdf: Pdf, offset: int) -> list[_Outline]:
    root = pdf.Root.get("/Outlines")
    index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}

    def read(first: pikepdf.Object | None) -> list[_Outline]:
        items, item = [], first
        while item is not None:
            dest = item.Dest
            items.append(
                _Outline(
                    str(item.Title),
                    offset + index[dest[0].objgen],
                    float(dest[2]),
                    float(dest[3]),
                    int(item.get("/Count", 0)) < 0,
                    read(item.get("/First")),
                )
            )
            item = item.get("/Next")
        return items

    return read(root.get("/First")) if root is not None else []


def _write_outlines(pdf: Pdf, outlines: list[_Outline]) -> None:
    """Outline items as WeasyPrint writes them: a closed item's count is negative."""

    def write(items: list[_Outline], parent: Dictionary) -> tuple[list[Dictionary], int]:
        made: list[Dictionary] = []
        count = len(items)
        for item in items:
            dest = Array([pdf.pages[item.page].obj, Name.XYZ, item.x, item.y, 0])
            entry = pdf.make_indirect(Dictionary(Title=String(item.title), Dest=dest, Parent=parent))
            children, inner = write(item.children, entry)
            entry.Count = -inner if item.closed else inner
            if not item.closed:
                count += inner
            if made:
                entry.Prev = made[-1]
                made[-1].Next = entry
            if children:
                entry.First, entry.Last = children[0], children[-1]
            made.append(entry)
        return made, count

    if not outlines:
        if "/Outlines" in pdf.Root:
            del pdf.Root["/Outlines"]
        return
    root = pdf.make_indirect(Dictionary())
    made, count = write(outlines, root)
    root.Count, root.First, root.Last = count, made[0], made[-1]
    pdf.Root.Outlines = root


def _walk(element: Dictionary) -> Iterator[Dictionary]:
    stack = [element]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(k for k in reversed(_kids(node)) if isinstance(k, Dictionary) and "/S" in k)


def _number_tables(sections: list[list[Dictionary]]) -> None:
    """Each piece numbers its tables from 1, walking its tree from the end (as ``tree._table_headers``
    does); in one layout of the whole book the last piece's tables come first. Renumber to match."""
    found: list[list[Dictionary]] = []
    counts: list[int] = []
    for kept in sections:
        mine = [e for section in kept for e in _walk(section) if "/ID" in e or ("/A" in e and "/Headers" in e.A)]
        numbers = [int(m.group(1)) for e in mine if "/ID" in e and (m := TABLE_ID.match(str(e.ID)))]
        found.append(mine)
        counts.append(max(numbers, default=0))
    for n, mine in enumerate(found):
        shift = sum(counts[n + 1 :])
        if not shift:
            continue
        for element in mine:
            if "/ID" in element:
                element.ID = String(_shifted(str(element.ID), shift))
            if "/A" in element and "/Headers" in element.A:
                element.A.Headers = Array(String(_shifted(str(h), shift)) for h in element.A.Headers)


def _shifted(ident: str, shift: int) -> str:
    return TABLE_ID.sub(lambda m: f"table-{int(m.group(1)) + shift}-", ident, count=1)


def _ids(sections: list[list[Dictionary]]) -> dict[str, Dictionary]:
    return {str(e.ID): e for kept in sections for section in kept for e in _walk(section) if "/ID" in e}


def _name_tree(pdf: Pdf, entries: dict[str, Dictionary]) -> Dictionary:
    return pdf.make_indirect(Dictionary(Names=Array(x for k in sorted(entries) for x in (String(k), entries[k]))))


def _write_parent_tree(
    pdf: Pdf, tree_root: Dictionary, entries: list[Array], links: list[tuple[Dictionary, pikepdf.Object]]
) -> None:
    numbers = Array()
    for key, (page, on_page) in enumerate(zip(pdf.pages, entries, strict=True)):
        page.obj.StructParents = key
        numbers.append(key)
        numbers.append(on_page)
    for key, (annotation, element) in enumerate(links, start=len(entries)):
        annotation.StructParent = key
        numbers.append(key)
        numbers.append(element)
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
    tree_root.ParentTreeNextKey = len(entries) + len(links)


def _fill_page_marks(pdf: Pdf, pages: dict[str, int]) -> None:
    """A link's words say the page of its target: now that it is known, write it in."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            contents = annotation.get("/Contents")
            if contents is None:
                continue
            text = str(contents)
            if MARK_OPEN in text:
                annotation.Contents = String(MARK.sub(lambda m: str(pages.get(m.group(1), 0)), text))


def _rename_subsets(pdf: Pdf) -> None:
    """A subset's tag from its own glyphs: every piece embeds its own subset of the same font, and
    WeasyPrint tags a subset by the font alone, so two different subsets would share one name."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts(page.obj.get("/Resources")):
            if font.objgen in seen or "/BaseFont" not in font:
                continue
            seen.add(font.objgen)
            descendants = list(font.get("/DescendantFonts", Array()))
            described = [d.FontDescriptor for d in [font, *descendants] if "/FontDescriptor" in d]
            files = [d[k] for d in described for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in d]
            if not files or not SUBSET.match(str(font.BaseFont)):
                continue
            digest = hashlib.sha256(b"".join(f.read_raw_bytes() for f in files)).digest()
            tag = "".join(chr(65 + b % 26) for b in digest[:6])
            for holder, key in [(font, "/BaseFont"), *((d, "/BaseFont") for d in descendants)] + [
                (d, "/FontName") for d in described
            ]:
                if key in holder and SUBSET.match(str(holder[key])):
                    holder[key] = Name("/" + tag + "+" + str(holder[key])[8:])


def _fonts(resources: pikepdf.Object | None, depth: int = 0) -> Iterator[Dictionary]:
    if not isinstance(resources, Dictionary) or depth > 8:
        return
    for font in resources.get("/Font", Dictionary()).values():
        if isinstance(font, Dictionary):
            yield font
    for xobject in resources.get("/XObject", Dictionary()).values():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), depth + 1)
