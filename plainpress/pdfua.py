"""A PDF/UA-1 checker on pikepdf: the Matterhorn Protocol conditions a machine can decide.

``check_pdf`` returns one ``Failure`` per problem (an empty list means the file passes):

- ``UA-XMP``: XMP metadata with ``pdfuaid:part`` 1 (Matterhorn 06);
- ``UA-TITLE``: ``dc:title`` in the XMP; ``UA-DISPLAY-TITLE``: ``/ViewerPreferences /DisplayDocTitle true`` (06, 07);
- ``UA-MARKED``: ``/MarkInfo /Marked true``; ``UA-LANG``: a non-empty ``/Lang`` on the catalog (01, 11);
- ``UA-STRUCT``: a structure tree; ``UA-PARENT``: every element reached from the root has ``/P`` naming the
  element it was reached from; ``UA-ORPHAN``: every element the ParentTree names is reachable from the root;
- ``UA-REACH``: every marked-content sequence with an MCID, on every page and in every Form XObject, is
  referenced by an element reachable from the root by walking ``/K`` (being in the ParentTree is not enough);
- ``UA-UNTAGGED``: no text or painting outside marked content (tagged or ``/Artifact``);
  ``UA-NESTING``: no tagged content inside an artifact (01);
- ``UA-HEADING``: headings, in structure order after RoleMap resolution, start at H1 and skip no level (14);
- ``UA-FIGURE-ALT``: ``Figure`` elements have ``/Alt`` or ``/ActualText`` (13);
- ``UA-TABLE-TH``: every ``Table`` has ``TH`` cells (15);
- ``UA-LINK-TAG``: every Link annotation is the ``/OBJR`` of a reachable ``Link`` element;
  ``UA-LINK-CONTENTS``: it has ``/Contents``; ``UA-TABS``: pages with annotations have ``/Tabs /S`` (28);
- ``UA-FONT-EMBED``: every font but Type3 is embedded; ``UA-FONT-TOUNICODE``: and has a ``/ToUnicode`` map (31).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

ObjGen = tuple[int, int]
ContentKey = tuple[ObjGen, int]  # (page or Form XObject, MCID)

TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
PAINT_OPERATORS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "INLINE IMAGE"})
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
HEADINGS = {f"/H{n}": n for n in range(1, 7)}


@dataclass(frozen=True)
class Failure:
    condition: str  # e.g. "UA-LANG"
    page: int | None  # from 1, or None for the whole document
    message: str

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page is not None else ""
        return f"{self.condition}{where}: {self.message}"


@dataclass
class Structure:
    """What a walk of the structure tree from its root, down ``/K``, reaches."""

    elements: list[Dictionary] = field(default_factory=list)  # in document (pre-)order
    reached: set[ObjGen] = field(default_factory=set)
    content: dict[ContentKey, ObjGen] = field(default_factory=dict)  # marked content -> element holding it
    annotations: dict[ObjGen, str] = field(default_factory=dict)  # annotation -> role of its element
    failures: list[Failure] = field(default_factory=list)


def kids(node: Dictionary) -> list[object]:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def role_of(pdf: Pdf, element: Dictionary) -> str:
    """The element's standard type, through the RoleMap (cycles stop where they loop)."""
    rolemap = pdf.Root.StructTreeRoot.get("/RoleMap", Dictionary())
    role, seen = str(element.get("/S", "")), set()
    while role in rolemap and role not in seen:
        seen.add(role)
        role = str(rolemap[role])
    return role


def page_numbers(pdf: Pdf) -> dict[ObjGen, int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}


def walk_structure(pdf: Pdf) -> Structure:
    found = Structure()
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return found
    numbers = page_numbers(pdf)
    stack: list[tuple[object, Dictionary, ObjGen | None]] = [(kid, root, None) for kid in reversed(kids(root))]
    while stack:
        node, parent, page = stack.pop()
        if isinstance(node, int):
            if page is not None:
                found.content[page, node] = parent.objgen
            continue
        if not isinstance(node, Dictionary):
            continue
        kind = node.get("/Type")
        if kind == "/MCR":
            owner = node.get("/Stm", node.get("/Pg"))
            key = owner.objgen if owner is not None else page
            if key is not None and "/MCID" in node:
                found.content[key, int(node.MCID)] = parent.objgen
            continue
        if kind == "/OBJR":
            if "/Obj" in node:
                found.annotations[node.Obj.objgen] = role_of(pdf, parent)
            continue
        if "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in found.reached:
                continue
            found.reached.add(node.objgen)
        here = node.Pg.objgen if "/Pg" in node else page
        p = node.get("/P")
        if p is None or p.objgen != parent.objgen:
            found.failures.append(
                Failure("UA-PARENT", numbers.get(here or (0, 0)), f"{path(node)}: /P is not the element above it")
            )
        found.elements.append(node)
        stack.extend((kid, node, here) for kid in reversed(kids(node)))
    return found


def parent_tree(pdf: Pdf) -> dict[int, object]:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or "/ParentTree" not in root:
        return {}
    return dict(pikepdf.NumberTree(root.ParentTree).items())


def xobjects(resources: Dictionary | None) -> Dictionary:
    xobj = resources.get("/XObject") if resources is not None else None
    return xobj if isinstance(xobj, Dictionary) else Dictionary()


def _mcid(operands: list[object], resources: Dictionary | None) -> int | None:
    if len(operands) < 2:
        return None
    props = operands[1]
    if isinstance(props, Name) and resources is not None:
        props = resources.get("/Properties", Dictionary()).get(props)
    return int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None


def path(element: Dictionary) -> str:
    """Where an element sits, e.g. ``Document/Sect/H3/Figure``, from its ``/P`` chain."""
    names: list[str] = []
    while isinstance(element, Dictionary) and "/S" in element and len(names) < 40:
        names.append(str(element.S)[1:])
        element = element.get("/P")
    return "/".join(reversed(names))


@dataclass
class _Scan:
    structure: Structure
    tree: dict[int, object]
    page: pikepdf.Object
    number: int
    untagged: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


def _scan(scan: _Scan, owner: pikepdf.Object, resources: Dictionary | None, outer: list[str], depth: int = 0) -> None:
    """Walk one content stream; ``outer`` is the marked-content state it is drawn in."""
    stack = list(outer)
    for operands, operator in pikepdf.parse_content_stream(owner):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0]) if operands else ""
            mcid = _mcid(list(operands), resources) if op == "BDC" else None
            if tag == "/Artifact":
                stack.append("artifact")
            elif mcid is not None:
                if "artifact" in stack:
                    scan.failures.append(Failure("UA-NESTING", scan.number, f"{tag} MCID {mcid} inside an artifact"))
                _check_mcid(scan, owner, tag, mcid)
                stack.append("tagged")
            else:
                stack.append("other")
        elif op == "EMC":
            if len(stack) > len(outer):
                stack.pop()
        elif op == "Do" and operands:
            xobject = xobjects(resources).get(operands[0])
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                if depth < 12:
                    _scan(scan, xobject, xobject.get("/Resources", resources), stack, depth + 1)
            elif not {"artifact", "tagged"} & set(stack):
                scan.untagged["image"] += 1
        elif (op in TEXT_OPERATORS or op in PAINT_OPERATORS) and not {"artifact", "tagged"} & set(stack):
            scan.untagged["text" if op in TEXT_OPERATORS else "painting"] += 1


def _check_mcid(scan: _Scan, owner: pikepdf.Object, tag: str, mcid: int) -> None:
    """The sequence is held by a reachable element, and the ParentTree names that element."""
    where = "" if owner.objgen == scan.page.objgen else f" in Form XObject {owner.objgen[0]}"
    for holder in (owner, scan.page):
        element = scan.structure.content.get((holder.objgen, mcid))
        if element is not None:
            parents = scan.tree.get(int(holder.get("/StructParents", -1)))
            mapped = parents[mcid] if isinstance(parents, Array) and mcid < len(parents) else None
            if not (isinstance(mapped, Dictionary) and mapped.objgen == element):
                message = f"{tag} MCID {mcid}{where}: the ParentTree does not name the element that holds it"
                scan.failures.append(Failure("UA-PARENTTREE", scan.number, message))
            return
    message = f"{tag} MCID {mcid}{where} is not reachable from the structure root"
    scan.failures.append(Failure("UA-REACH", scan.number, message))


def _fonts(pdf: Pdf) -> Iterator[tuple[int, Name, Dictionary]]:
    seen: set[ObjGen] = set()
    for number, page in enumerate(pdf.pages, 1):
        pending, visited = [page.obj.get("/Resources")], set()
        while pending:
            resources = pending.pop()
            if not isinstance(resources, Dictionary) or resources.objgen in visited:
                continue
            if resources.is_indirect:
                visited.add(resources.objgen)
            for name, font in resources.get("/Font", Dictionary()).items():
                if isinstance(font, Dictionary) and (font.objgen not in seen or font.objgen == (0, 0)):
                    seen.add(font.objgen)
                    yield number, Name(name), font
            for xobject in xobjects(resources).values():
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                    pending.append(xobject.get("/Resources"))


def _check_catalog(pdf: Pdf) -> list[Failure]:
    failures, root = [], pdf.Root
    if "/Metadata" not in root:
        failures.append(Failure("UA-XMP", None, "no XMP metadata stream"))
    else:
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        if str(meta.get("pdfuaid:part", "")).strip() != "1":
            failures.append(Failure("UA-XMP", None, "XMP pdfuaid:part is not 1"))
        if not str(meta.get("dc:title", "")).strip():
            failures.append(Failure("UA-TITLE", None, "no dc:title in the XMP metadata"))
    prefs = root.get("/ViewerPreferences", Dictionary())
    if not (isinstance(prefs, Dictionary) and prefs.get("/DisplayDocTitle") is True):
        failures.append(Failure("UA-DISPLAY-TITLE", None, "/ViewerPreferences /DisplayDocTitle is not true"))
    mark = root.get("/MarkInfo", Dictionary())
    if not (isinstance(mark, Dictionary) and mark.get("/Marked") is True):
        failures.append(Failure("UA-MARKED", None, "/MarkInfo /Marked is not true"))
    if not str(root.get("/Lang", "")).strip():
        failures.append(Failure("UA-LANG", None, "no /Lang on the catalog"))
    if not isinstance(root.get("/StructTreeRoot"), Dictionary):
        failures.append(Failure("UA-STRUCT", None, "no structure tree (/StructTreeRoot)"))
    return failures


def _check_elements(pdf: Pdf, structure: Structure) -> list[Failure]:
    failures, numbers = [], page_numbers(pdf)
    previous = 0

    def page_of(element: Dictionary) -> int | None:
        return numbers.get(element.Pg.objgen) if "/Pg" in element else None

    for element in structure.elements:
        role = role_of(pdf, element)
        if role in HEADINGS:
            level = HEADINGS[role]
            if level > previous + 1:
                after = f"follows H{previous}" if previous else "is the first heading (not H1)"
                failures.append(Failure("UA-HEADING", page_of(element), f"{path(element)}: {role[1:]} {after}"))
            previous = level
        elif role == "/Figure" and "/Alt" not in element and "/ActualText" not in element:
            failures.append(Failure("UA-FIGURE-ALT", page_of(element), f"{path(element)}: no /Alt or /ActualText"))
        elif role == "/Table":
            pending, has_th = kids(element), False
            while pending and not has_th:
                kid = pending.pop()
                if isinstance(kid, Dictionary) and "/S" in kid:
                    has_th = role_of(pdf, kid) == "/TH"
                    pending.extend(kids(kid))
            if not has_th:
                failures.append(Failure("UA-TABLE-TH", page_of(element), f"{path(element)}: no TH cells"))
    orphans: set[ObjGen] = set()
    for value in parent_tree(pdf).values():
        for element in value if isinstance(value, Array) else [value]:
            if isinstance(element, Dictionary) and element.objgen not in structure.reached | orphans:
                orphans.add(element.objgen)
                failures.append(
                    Failure("UA-ORPHAN", page_of(element), f"{path(element)}: not reachable from the structure root")
                )
    return failures


def _check_pages(pdf: Pdf, structure: Structure) -> list[Failure]:
    failures: list[Failure] = []
    tree = parent_tree(pdf)
    for number, page in enumerate(pdf.pages, 1):
        scan = _Scan(structure, tree, page.obj, number)
        _scan(scan, page.obj, page.obj.get("/Resources"), [])
        failures += scan.failures
        if scan.untagged:
            what = ", ".join(f"{count} {kind} operator(s)" for kind, count in sorted(scan.untagged.items()))
            failures.append(Failure("UA-UNTAGGED", number, f"content outside marked content: {what}"))
        annots = [a for a in page.obj.get("/Annots", Array()) if isinstance(a, Dictionary)]
        if annots and page.obj.get("/Tabs") != "/S":
            failures.append(Failure("UA-TABS", number, "page with annotations has no /Tabs /S"))
        for annot in annots:
            if annot.get("/Subtype") != "/Link":
                continue
            if structure.annotations.get(annot.objgen) != "/Link":
                failures.append(Failure("UA-LINK-TAG", number, "Link annotation not in a reachable Link element"))
            if not str(annot.get("/Contents", "")).strip():
                failures.append(Failure("UA-LINK-CONTENTS", number, "Link annotation without /Contents"))
    for number, name, font in _fonts(pdf):
        subtype = font.get("/Subtype")
        if subtype == "/Type3":
            continue
        described = font.DescendantFonts[0] if subtype == "/Type0" and "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        label = f"font {name} ({font.get('/BaseFont')})"
        if not (isinstance(descriptor, Dictionary) and any(key in descriptor for key in FONT_FILES)):
            failures.append(Failure("UA-FONT-EMBED", number, f"{label} is not embedded"))
        if "/ToUnicode" not in font:
            failures.append(Failure("UA-FONT-TOUNICODE", number, f"{label} has no /ToUnicode map"))
    return failures


def check_pdf(source: str | Path | bytes | Pdf) -> list[Failure]:
    """Every PDF/UA failure this checker can find in ``source`` (a path, the bytes, or an open Pdf)."""
    if isinstance(source, Pdf):
        return _check(source)
    with pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
        return _check(pdf)


def _check(pdf: Pdf) -> list[Failure]:
    structure = walk_structure(pdf)
    failures = _check_catalog(pdf) + structure.failures
    return failures + _check_elements(pdf, structure) + _check_pages(pdf, structure)
