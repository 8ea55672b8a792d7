"""What every rule group reads: the document, its role map, its structure tree and a time limit.

Standard structure types are those of ISO 32000-1 (PDF 1.7), which PDF/UA-1 builds on. A type's
*standard type* is found as veraPDF finds it: a standard type not in the RoleMap is itself; else the
RoleMap is followed until the first standard type (none when the chain ends or loops first).
``Div``, ``NonStruct`` and ``Part`` group without meaning: when a rule looks at an element's children
or parent, they are looked through.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from .rules import Failure, Notice

ObjKey = tuple[int, int] | int  # an indirect object's (number, generation), or id() of a direct one

STANDARD_TYPES = frozenset(
    "Document Part Div Caption Sect NonStruct H P L LI Lbl LBody Table TR TH TD Span Link Figure Formula Form "
    "Art BlockQuote TOC TOCI Index Private Quote Note Reference BibEntry Code H1 H2 H3 H4 H5 H6 "
    "THead TBody TFoot Annot Ruby Warichu RB RT RP WT WP".split()
)
PASS_THROUGH = frozenset({"NonStruct", "Div", "Part"})
HEADINGS = {f"H{n}": n for n in range(1, 7)}
MAX_ELEMENTS = 500_000


class CheckTimeout(Exception):
    """The file took longer than its time limit."""


def key_of(obj: object) -> ObjKey:
    """An identity for an object: (number, generation) when indirect, else ``id()``, which is only
    stable while the object is kept alive (see :class:`Visited`)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return obj.objgen
    return id(obj)


class Visited:
    """Objects already seen on a walk; keeps direct objects alive so that their ``id()`` stays theirs."""

    def __init__(self, *objects: object) -> None:
        self._keys: set[ObjKey] = set()
        self._alive: list[object] = []
        for obj in objects:
            self.add(obj)

    def add(self, obj: object) -> bool:
        """Adds the object; False when it was seen before."""
        key = key_of(obj)
        if key in self._keys:
            return False
        self._keys.add(key)
        if not isinstance(key, tuple):
            self._alive.append(obj)
        return True

    def __len__(self) -> int:
        return len(self._keys)


def name_of(value: object) -> str | None:
    """A name object's text without the slash, else None."""
    if not isinstance(value, Name):
        return None
    try:
        return str(value)[1:]
    except UnicodeDecodeError:  # a name of bytes that are not UTF-8: keep them, #-escaped
        return value.unparse().decode("latin-1")[1:]


def text_of(value: object) -> str | None:
    """A string object's text (PDF text string decoding), else None."""
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except (UnicodeDecodeError, ValueError):
            return bytes(value).decode("latin-1")
    return None


def dictionary(value: object) -> Dictionary | None:
    if isinstance(value, Dictionary):
        return value
    if isinstance(value, pikepdf.Stream):
        return value.stream_dict
    return None


def as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def number(value: object) -> float | None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return None


def is_struct_elem(node: object) -> bool:
    """A ``/K`` entry that is a structure element (not an MCR or OBJR): a dictionary typed StructElem or untyped."""
    if not isinstance(node, Dictionary):
        return False
    kind = node.get("/Type")
    return kind is None or kind == Name.StructElem


@dataclass
class Element:
    obj: Dictionary
    s: str | None  # the /S name as written
    std: str | None  # its standard type
    page: int | None
    kids: list[Element] = field(default_factory=list)
    depth: int = 0


@dataclass
class Document:
    pdf: Pdf
    deadline: float
    header: str = ""
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    rolemap: dict[str, str] = field(default_factory=dict)
    page_numbers: dict[tuple[int, int], int] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)  # reachable from the root, in document order
    by_key: dict[ObjKey, Element] = field(default_factory=dict)
    programs: dict[object, object] = field(default_factory=dict)  # embedded font programs, read once
    _parent_tree: dict[int, object] | None = None
    _rooted: dict[tuple[int, int], bool] = field(default_factory=dict)
    _ticks: int = 0

    @classmethod
    def open(cls, pdf: Pdf, deadline: float, header: str = "") -> Document:
        doc = cls(pdf, deadline, header)
        root = doc.struct_root
        rolemap = dictionary(root.get("/RoleMap")) if root is not None else None
        if rolemap is not None:
            for key, value in rolemap.items():
                target = name_of(value)
                if target is not None:
                    doc.rolemap[key[1:]] = target
        doc.page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages, 1)}
        doc._walk()
        return doc

    # -- bookkeeping --------------------------------------------------------------------------------

    def tick(self, weight: int = 1) -> None:
        """Called in every loop: stops the check once the deadline has passed."""
        self._ticks += weight
        if self._ticks >= 2000:
            self._ticks = 0
            if time.monotonic() > self.deadline:
                raise CheckTimeout

    def fail(self, rule: str, page: int | None, message: str) -> None:
        self.failures.append(Failure(rule, page, message))

    def warn(self, code: str, page: int | None, message: str) -> None:
        self.warnings.append(Notice(code, page, message))

    # -- the catalog --------------------------------------------------------------------------------

    @property
    def catalog(self) -> Dictionary:
        return self.pdf.Root

    @property
    def struct_root(self) -> Dictionary | None:
        return dictionary(self.catalog.get("/StructTreeRoot"))

    @property
    def catalog_lang(self) -> bool:
        """veraPDF's containsLang of the document: the catalog has a Lang string (even an empty one)."""
        return isinstance(self.catalog.get("/Lang"), pikepdf.String)

    def inherited(self, page: Dictionary, key: str) -> object:
        """A page attribute, inherited from the page tree when the page does not have it."""
        node, depth = page, 0
        while node is not None and depth < 64:
            if key in node:
                return node.get(key)
            node, depth = dictionary(node.get("/Parent")), depth + 1
        return None

    def page_of(self, page: object) -> int | None:
        return self.page_numbers.get(page.objgen) if isinstance(page, pikepdf.Object) and page.is_indirect else None

    # -- role map -----------------------------------------------------------------------------------

    def standard_type(self, s: str | None) -> str | None:
        if s is None:
            return None
        target = self.rolemap.get(s)
        if s in STANDARD_TYPES and (target is None or target == s):
            return s
        seen = {s}
        while target is not None and target not in seen:
            if target in STANDARD_TYPES:
                return target
            seen.add(target)
            target = self.rolemap.get(target)
        return None

    def circular(self, s: str | None) -> bool:
        if s is None:
            return False
        seen, target = {s}, self.rolemap.get(s)
        while target is not None:
            if target in seen:
                return True
            seen.add(target)
            target = self.rolemap.get(target)
        return False

    def remapped(self, s: str | None) -> bool:
        """A standard type given another meaning in the RoleMap (directly, or the first standard type reached)."""
        if s is None:
            return False
        std = self.standard_type(s)
        if s in STANDARD_TYPES:
            return std != s
        return std is not None and self.standard_type(std) != std

    # -- the structure tree -------------------------------------------------------------------------

    def element_std(self, obj: object) -> str | None:
        node = dictionary(obj)
        return self.standard_type(name_of(node.get("/S"))) if node is not None else None

    def parent_std(self, obj: Dictionary) -> str | None:
        """veraPDF's parentStandardType: up the ``/P`` chain, looking through Div/NonStruct/Part."""
        parent, seen = dictionary(obj.get("/P")), Visited(obj)
        while parent is not None:
            if not seen.add(parent):
                return None
            std = self.element_std(parent)
            if std not in PASS_THROUGH:
                if parent.get("/Type") == Name.StructTreeRoot:
                    return "StructTreeRoot"
                return std
            parent = dictionary(parent.get("/P"))
        return None

    def reaches_root(self, obj: object) -> bool:
        """Whether an element's ``/P`` chain ends at the structure tree root (veraPDF's isTaggedContent)."""
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            known = self._rooted.get(obj.objgen)
            if known is None:
                known = self._rooted[obj.objgen] = self._reaches_root(obj)
            return known
        return self._reaches_root(obj)

    def _reaches_root(self, obj: object) -> bool:
        node, seen = dictionary(obj), Visited()
        while node is not None:
            if node.get("/Type") == Name.StructTreeRoot:
                return True
            if not seen.add(node) or len(seen) > 10_000:
                return False
            node = dictionary(node.get("/P"))
        return False

    def lang_above(self, obj: Dictionary) -> bool:
        """Some element above this one (by ``/P``) has a Lang string."""
        parent, seen = dictionary(obj.get("/P")), Visited(obj)
        while parent is not None and seen.add(parent) and len(seen) < 10_000:
            if isinstance(parent.get("/Lang"), pikepdf.String):
                return True
            parent = dictionary(parent.get("/P"))
        return False

    def kid_types(self, element: Element) -> list[str]:
        """veraPDF's kidsStandardTypes: the children's standard types, Div/NonStruct/Part looked through."""
        found: list[str] = []
        stack = list(reversed(element.kids))
        while stack:
            kid = stack.pop()
            if kid.std in PASS_THROUGH:
                stack.extend(reversed(kid.kids))
            elif kid.std is not None:
                found.append(kid.std)
        return found

    def significant_kids(self, element: Element) -> list[Element]:
        found: list[Element] = []
        stack = list(reversed(element.kids))
        while stack:
            kid = stack.pop()
            if kid.std in PASS_THROUGH:
                stack.extend(reversed(kid.kids))
            else:
                found.append(kid)
        return found

    def _walk(self) -> None:
        root = self.struct_root
        if root is None:
            return
        seen = Visited()
        top: list[Element] = []
        stack: list[tuple[object, list[Element], int | None, int]] = [
            (kid, top, None, 0) for kid in reversed(as_list(root.get("/K")))
        ]
        while stack:
            self.tick()
            node, siblings, page, depth = stack.pop()
            if not is_struct_elem(node) or len(self.elements) >= MAX_ELEMENTS or not seen.add(node):
                continue
            here = self.page_of(node.get("/Pg")) or page
            s = name_of(node.get("/S"))
            element = Element(node, s, self.standard_type(s), here, depth=depth)
            siblings.append(element)
            self.elements.append(element)
            self.by_key[key_of(node)] = element
            stack.extend((kid, element.kids, here, depth + 1) for kid in reversed(as_list(node.get("/K"))))
        for element in self.elements:  # an element's page: its own, else its first child's
            if element.page is None:
                element.page = self._first_page(element)

    def _first_page(self, element: Element) -> int | None:
        for kid in as_list(element.obj.get("/K")):
            if isinstance(kid, Dictionary) and "/Pg" in kid:
                return self.page_of(kid.Pg)
        for kid in element.kids[:8]:
            if kid.page is not None:
                return kid.page
        return None

    # -- the parent tree ----------------------------------------------------------------------------

    @property
    def parent_tree(self) -> dict[int, object]:
        if self._parent_tree is None:
            self._parent_tree = {}
            root = self.struct_root
            tree = dictionary(root.get("/ParentTree")) if root is not None else None
            if tree is not None:
                self._read_number_tree(tree, 0)
        return self._parent_tree

    def _read_number_tree(self, node: Dictionary, depth: int) -> None:
        assert self._parent_tree is not None
        nums = node.get("/Nums")
        if isinstance(nums, Array):
            items = list(nums)
            for index in range(0, len(items) - 1, 2):
                self.tick()
                if isinstance(items[index], int):
                    self._parent_tree.setdefault(int(items[index]), items[index + 1])
        if depth < 32:
            for kid in as_list(node.get("/Kids")):
                kid = dictionary(kid)
                if kid is not None:
                    self._read_number_tree(kid, depth + 1)

    def struct_parent(self, index: object) -> Dictionary | None:
        """The element a ``/StructParent`` number names."""
        if not isinstance(index, int):
            return None
        return dictionary(self.parent_tree.get(int(index)))

    def mcid_parent(self, struct_parents: object, mcid: int) -> Dictionary | None:
        """The element that holds marked content ``mcid`` of a page or form with this ``/StructParents``."""
        if not isinstance(struct_parents, int):
            return None
        parents = self.parent_tree.get(int(struct_parents))
        if isinstance(parents, Array) and 0 <= mcid < len(parents):
            return dictionary(parents[mcid])
        return None

    def pages(self) -> Iterator[tuple[int, pikepdf.Page]]:
        for n, page in enumerate(self.pdf.pages, 1):
            self.tick()
            yield n, page
