"""A plain walk of the structure tree down ``/K``, for passes that rewrite tagged content
(:mod:`plainpress.pdf.artifacts`) and for tests that look at the tree."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Pdf

ObjGen = tuple[int, int]
ContentKey = tuple[ObjGen, int]  # (page or Form XObject, MCID)


@dataclass
class Structure:
    """What a walk of the structure tree from its root, down ``/K``, reaches."""

    elements: list[Dictionary] = field(default_factory=list)  # in document (pre-)order
    reached: set[ObjGen] = field(default_factory=set)
    content: dict[ContentKey, ObjGen] = field(default_factory=dict)  # marked content -> element holding it
    annotations: dict[ObjGen, str] = field(default_factory=dict)  # annotation -> role of its element
    wrong_parent: list[Dictionary] = field(default_factory=list)  # elements whose /P is not the one above


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
            found.wrong_parent.append(node)
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
