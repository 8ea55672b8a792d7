"""Annotation and form rules (7.18, 7.2-t24/t25, and Lang of their elements under 7.2-t29).

An annotation's element is the one its ``/StructParent`` names in the ParentTree. Annotations that
are hidden (flag bit 2) or lie wholly outside the page's CropBox are exempt from most rules.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from .lang import check_lang
from .model import Document, Visited, dictionary, name_of, number, text_of

HIDDEN = 2
MAX_FIELDS = 50_000
MAX_ACTIONS = 200


def _box(doc: Document, page: Dictionary) -> list[float] | None:
    """The page's CropBox (inherited, else its MediaBox), as [left, bottom, right, top]."""
    for key in ("/CropBox", "/MediaBox"):
        value = doc.inherited(page, key)
        if isinstance(value, Array) and len(value) >= 4:
            values = [number(v) for v in list(value)[:4]]
            if all(v is not None for v in values):
                x0, y0, x1, y1 = values  # type: ignore[misc]
                return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    return None


def _outside(annot: Dictionary, box: list[float] | None) -> bool:
    rect = annot.get("/Rect")
    if box is None or not isinstance(rect, Array) or len(rect) < 4:
        return False
    values = [number(v) for v in list(rect)[:4]]
    if any(v is None for v in values):
        return False
    x0, y0, x1, y1 = values  # type: ignore[misc]
    return box[1] >= y1 or box[0] >= x1 or box[3] <= y0 or box[2] <= x0


def check(doc: Document) -> None:
    for page_number, page in doc.pages():
        annots = page.obj.get("/Annots")
        items = [a for a in annots if isinstance(a, Dictionary)] if isinstance(annots, Array) else []
        if items and page.obj.get("/Tabs") != Name.S:
            doc.fail("7.18.3-t01", page_number, "a page with annotations has no Tabs S")
        box = _box(doc, page.obj)
        for annot in items:
            doc.tick()
            _annotation(doc, annot, page_number, box)
    _fields(doc)


def _annotation(doc: Document, annot: Dictionary, page: int, box: list[float] | None) -> None:
    subtype = name_of(annot.get("/Subtype")) or ""
    flags = annot.get("/F")
    exempt = _outside(annot, box) or (isinstance(flags, int) and int(flags) & HIDDEN == HIDDEN)
    element = doc.struct_parent(annot.get("/StructParent"))
    std = doc.element_std(element) if element is not None else None
    alt = text_of(element.get("/Alt")) if element is not None else None
    lang = element.get("/Lang") if element is not None else None
    contents = text_of(annot.get("/Contents"))
    what = f"{subtype or 'untyped'} annotation"
    if isinstance(lang, pikepdf.String):
        check_lang(doc, text_of(lang) or "", page, f"Lang of the element of a {what}")
    if "/Contents" in annot and not isinstance(lang, pikepdf.String) and not doc.catalog_lang:
        doc.fail("7.2-t24", page, f"{what}: Contents has no language")
    _media_clips(doc, annot, page)
    if exempt:
        return
    if subtype not in ("Widget", "PrinterMark", "Link") and std != "Annot":
        doc.fail("7.18.1-t01", page, f"{what} is not in an Annot element")
    if subtype != "Widget" and not contents and not alt:
        doc.fail("7.18.1-t02", page, f"{what} has no Contents and its element no Alt")
    if subtype == "Widget":
        tu = _field_tu(annot)
        if not tu and not alt:
            doc.fail("7.18.1-t03", page, "form field has no TU and its widget's element no Alt")
        if std != "Form":
            doc.fail("7.18.4-t01", page, "Widget annotation is not in a Form element")
    elif subtype == "TrapNet":
        doc.fail("7.18.2-t01", page, "a visible TrapNet annotation")
    elif subtype == "Link":
        if std != "Link":
            doc.fail("7.18.5-t01", page, "Link annotation is not in a Link element")
        if not contents:
            doc.fail("7.18.5-t02", page, "Link annotation has no Contents")
    elif subtype == "PrinterMark" and element is not None:
        doc.fail("7.18.8-t01", page, "PrinterMark annotation is in the structure tree")


def _field_tu(widget: Dictionary) -> str | None:
    if "/FT" in widget or "/T" in widget:
        return text_of(widget.get("/TU"))
    parent = dictionary(widget.get("/Parent"))
    return text_of(parent.get("/TU")) if parent is not None else None


SKIP = frozenset({"/P", "/Parent", "/Pg", "/AP", "/IRT", "/Popup", "/Dest", "/Obj", "/StructParent", "/Resources"})


def _media_clips(doc: Document, annot: Dictionary, page: int) -> None:
    """Media clip data dictionaries reached from the annotation's actions (renditions and their selectors)."""
    stack: list[object] = [annot.get("/A"), annot.get("/AA")]
    seen = Visited()
    while stack and len(seen) < MAX_ACTIONS:
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(list(node)[:MAX_ACTIONS])
            continue
        node = dictionary(node)
        if node is None or not seen.add(node):
            continue
        if node.get("/S") == Name.MCD:
            _media_clip(doc, node, page)
            continue
        stack.extend(value for key, value in node.items() if key not in SKIP)


def _media_clip(doc: Document, clip: Dictionary, page: int) -> None:
    if "/CT" not in clip:
        doc.fail("7.18.6.2-t01", page, "media clip data has no CT (content type)")
    alt = clip.get("/Alt")
    good = isinstance(alt, Array) and len(alt) % 2 == 0
    if good:
        for index, item in enumerate(alt):
            if not isinstance(item, pikepdf.String) or (index % 2 == 1 and not bytes(item)):
                good = False
                break
    if not good:
        doc.fail("7.18.6.2-t02", page, "media clip data has no proper Alt (language and text pairs)")


def _fields(doc: Document) -> None:
    form = dictionary(doc.catalog.get("/AcroForm"))
    fields = form.get("/Fields") if form is not None else None
    if not isinstance(fields, Array):
        return
    stack, seen = list(fields), Visited()
    while stack and len(seen) < MAX_FIELDS:
        doc.tick()
        field = dictionary(stack.pop())
        if field is None or not seen.add(field):
            continue
        if isinstance(field.get("/Kids"), Array):
            stack.extend(list(field.Kids))
        element = doc.struct_parent(field.get("/StructParent"))
        lang = element.get("/Lang") if element is not None else None
        if "/TU" in field and not isinstance(lang, pikepdf.String) and not doc.catalog_lang:
            doc.fail("7.2-t25", None, f"form field {text_of(field.get('/T'))!r}: TU has no language")
