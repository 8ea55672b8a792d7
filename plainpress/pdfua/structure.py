"""Rules on structure elements: role mapping, nesting of lists, tables and TOCs, headings, notes,
alternative text and the language of Alt/ActualText/E (clauses 7.1, 7.2, 7.3, 7.4, 7.7, 7.9)."""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary

from .lang import check_lang
from .model import HEADINGS, Document, Element, text_of

TABLE_KIDS = {"TR", "THead", "TBody", "TFoot", "Caption"}
PARENTS = {  # rule -> (standard type, the parents it may have)
    "7.2-t04": ("TR", {"Table", "THead", "TBody", "TFoot"}),
    "7.2-t05": ("THead", {"Table"}),
    "7.2-t06": ("TBody", {"Table"}),
    "7.2-t07": ("TFoot", {"Table"}),
    "7.2-t08": ("TH", {"TR"}),
    "7.2-t09": ("TD", {"TR"}),
    "7.2-t17": ("LI", {"L"}),
    "7.2-t18": ("LBody", {"LI"}),
    "7.2-t26": ("TOCI", {"TOC"}),
}
ONLY = {  # rule -> (standard type, the children it may hold)
    "7.2-t03": ("Table", TABLE_KIDS),
    "7.2-t10": ("TR", {"TH", "TD"}),
    "7.2-t19": ("L", {"L", "LI", "Caption"}),
    "7.2-t20": ("LI", {"Lbl", "LBody"}),
    "7.2-t27": ("TOC", {"TOC", "TOCI", "Caption"}),
    "7.2-t36": ("THead", {"TR"}),
    "7.2-t37": ("TBody", {"TR"}),
    "7.2-t38": ("TFoot", {"TR"}),
}


def label(element: Element) -> str:
    shown = element.s or "(no type)"
    if element.std and element.std != element.s:
        shown += f" (as {element.std})"
    number = element.obj.objgen[0] if element.obj.is_indirect else None
    return f"{shown} element" + (f" {number}" if number else "")


def check(doc: Document) -> None:
    last_heading = 0
    uses_h = uses_hn = False
    note_ids: set[str] = set()
    for element in doc.elements:
        doc.tick()
        _element_rules(doc, element)
        std = element.std
        kinds = doc.kid_types(element)
        if std is None:
            continue
        for rule, (kind, allowed) in PARENTS.items():
            if std == kind:
                parent = doc.parent_std(element.obj)
                if parent not in allowed:
                    doc.fail(rule, element.page, f"{label(element)} sits in {parent or 'nothing'}")
        for rule, (kind, allowed) in ONLY.items():
            if std == kind:
                wrong = [k for k in kinds if k not in allowed]
                if wrong:
                    doc.fail(rule, element.page, f"{label(element)} holds {', '.join(sorted(set(wrong)))}")
        if std == "Table":
            _table_children(doc, element, kinds)
        elif std == "L" and "Caption" in kinds[1:]:
            doc.fail("7.2-t40", element.page, f"{label(element)}: Caption is not the first child")
        elif std == "TOC" and "Caption" in kinds[1:]:
            doc.fail("7.2-t28", element.page, f"{label(element)}: Caption is not the first child")
        elif std in HEADINGS:
            level = HEADINGS[std]
            if level > last_heading + 1:
                after = f"after H{last_heading}" if last_heading else "as the first heading"
                doc.fail("7.4.2-t01", element.page, f"{label(element)}: H{level} {after}")
            last_heading = level
            uses_hn = True
            if uses_h:
                doc.fail("7.4.4-t03", element.page, f"{label(element)}: H{level} in a document that uses H")
        elif std == "H":
            uses_h = True
            if uses_hn:
                doc.fail("7.4.4-t02", element.page, f"{label(element)}: H in a document that uses H1-H6")
        elif std in ("Figure", "Formula"):
            alt = text_of(element.obj.get("/Alt"))
            if not alt and "/ActualText" not in element.obj:
                rule = "7.3-t01" if std == "Figure" else "7.7-t01"
                doc.fail(rule, element.page, f"{label(element)} has no Alt or ActualText")
        elif std == "Note":
            note_id = text_of(element.obj.get("/ID"))
            if not note_id:
                doc.fail("7.9-t01", element.page, f"{label(element)} has no ID")
            elif note_id in note_ids:
                doc.fail("7.9-t02", element.page, f"{label(element)}: ID {note_id!r} is used by another Note")
            else:
                note_ids.add(note_id)
        elif std == "Form":
            _form(doc, element)
        if kinds.count("H") > 1:
            doc.fail("7.4.4-t01", element.page, f"{label(element)} holds {kinds.count('H')} H elements")


def _element_rules(doc: Document, element: Element) -> None:
    obj, page = element.obj, element.page
    if element.std is None:
        if doc.circular(element.s):
            pass  # reported by 7.1-t06 below
        else:
            doc.fail("7.1-t05", page, f"{label(element)}: type not mapped to a standard type")
    if doc.circular(element.s):
        doc.fail("7.1-t06", page, f"{label(element)}: the RoleMap maps {element.s} in a circle")
    if doc.remapped(element.s):
        doc.fail("7.1-t07", page, f"{label(element)}: a standard type is remapped in the RoleMap")
    if "/P" not in obj:
        doc.fail("7.1-t12", page, f"{label(element)} has no parent (P)")
    has_lang = isinstance(obj.get("/Lang"), pikepdf.String)
    if has_lang:
        check_lang(doc, text_of(obj.get("/Lang")) or "", page, f"Lang of {label(element)}")
    if not (has_lang or doc.catalog_lang):
        for rule, key in (("7.2-t21", "/ActualText"), ("7.2-t22", "/Alt"), ("7.2-t23", "/E")):
            if isinstance(obj.get(key), pikepdf.String) and not doc.lang_above(obj):
                doc.fail(
                    rule, page, f"{label(element)}: {key[1:]} has no language (no Lang here, above or in the catalog)"
                )


def _table_children(doc: Document, element: Element, kinds: list[str]) -> None:
    page = element.page
    if kinds.count("THead") > 1:
        doc.fail("7.2-t11", page, f"{label(element)} has {kinds.count('THead')} THead")
    if kinds.count("TFoot") > 1:
        doc.fail("7.2-t12", page, f"{label(element)} has {kinds.count('TFoot')} TFoot")
    if "TFoot" in kinds and "TBody" not in kinds:
        doc.fail("7.2-t13", page, f"{label(element)} has TFoot but no TBody")
    if "THead" in kinds and "TBody" not in kinds:
        doc.fail("7.2-t14", page, f"{label(element)} has THead but no TBody")
    if "Caption" in kinds[1:-1]:
        doc.fail("7.2-t16", page, f"{label(element)}: Caption is neither the first nor the last child")
    if kinds.count("Caption") > 1:
        doc.fail("7.2-t39", page, f"{label(element)} has {kinds.count('Caption')} Captions")


def _form(doc: Document, element: Element) -> None:
    """7.18.4-t02: a Form element without a PrintField Role holds exactly one thing: its widget's OBJR."""
    if _role_attribute(doc, element.obj):
        return
    kids = [kid for kid in _all_kids(element.obj)]
    ok = False
    if len(kids) == 1 and isinstance(kids[0], Dictionary) and kids[0].get("/Type") == pikepdf.Name.OBJR:
        target = kids[0].get("/Obj")
        ok = isinstance(target, Dictionary) and target.get("/Subtype") == pikepdf.Name.Widget
    if not ok:
        doc.fail("7.18.4-t02", element.page, f"{label(element)}: no Role and not exactly one widget annotation")


def _all_kids(obj: Dictionary) -> list[object]:
    value = obj.get("/K")
    items = list(value) if isinstance(value, pikepdf.Array) else ([] if value is None else [value])
    return [k for k in items if isinstance(k, (int, Dictionary))]


def attribute(doc: Document, obj: Dictionary, name: str, owner: str, kind: type) -> object | None:
    """A structure attribute of type ``kind`` from ``/A`` (a dictionary or array of them, owner ``owner``),
    else from the ``/C`` classes."""
    found = _from_attributes(obj.get("/A"), name, owner, kind)
    if found is not None:
        return found
    classes = obj.get("/C")
    root = doc.struct_root
    class_map = root.get("/ClassMap") if root is not None else None
    if classes is None or not isinstance(class_map, Dictionary):
        return None
    for cls in classes if isinstance(classes, pikepdf.Array) else [classes]:
        if isinstance(cls, pikepdf.Name) and cls in class_map:
            found = _from_attributes(class_map[cls], name, owner, kind)
            if found is not None:
                return found
    return None


def _from_attributes(value: object, name: str, owner: str, kind: type) -> object | None:
    if isinstance(value, pikepdf.Stream):
        value = value.stream_dict
    items = list(value) if isinstance(value, pikepdf.Array) else [value]
    for item in items[:64]:
        if isinstance(item, pikepdf.Stream):
            item = item.stream_dict
        if isinstance(item, Dictionary) and item.get("/O") == pikepdf.Name("/" + owner):
            value = item.get(name)
            if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
                return value
    return None


def _role_attribute(doc: Document, obj: Dictionary) -> bool:
    return attribute(doc, obj, "/Role", "PrintField", pikepdf.Name) is not None
