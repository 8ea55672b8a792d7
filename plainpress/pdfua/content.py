"""Rules on page content: tagged content and artifacts (7.1-t01/02/03), the language of text and of
Span marked content (7.2-t30/31/32/34), Form XObjects (7.20), and the fonts text is shown with.

Content is *tagged* as veraPDF decides it: the structure element that holds a marked-content
sequence (found through its MCID and the ``/StructParents`` of the page or Form XObject it is in, else
inherited from the sequence around it, or around the ``Do`` that drew the form) has a ``/P`` chain
that ends at the structure tree root. Content inside ``/Artifact`` is an artifact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from .lang import check_lang
from .model import Document, ObjKey, dictionary, key_of, name_of, text_of

TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
PAINT_OPERATORS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
MAX_DEPTH = 12
# Not a veraPDF rule (veraPDF follows /P up from the content): content whose element cannot be reached
# down /K from the root is skipped by screen readers, so it is reported as a warning.
UNREACHABLE = "content-unreachable"
MAX_CODES = 200_000


@dataclass
class FontUse:
    """A font that text is shown with, and the character strings shown."""

    font: Dictionary
    page: int | None
    strings: list[bytes] = field(default_factory=list)
    invisible: list[bytes] = field(default_factory=list)  # shown in text rendering mode 3
    size: int = 0


@dataclass
class Mark:
    tag: str
    element: Dictionary | None  # the structure element the sequence belongs to
    lang: bool  # its language is known (own Lang, its element's, or the sequence around it)


@dataclass
class Context:
    page: int
    resources: Dictionary | None
    struct_parents: object  # of the page or form: how MCIDs find their element
    element: Dictionary | None = None  # inherited from around the Do
    tags: tuple[str, ...] = ()
    semantic: bool = True  # page content and forms drawn by it; not annotation appearances
    depth: int = 0
    forms: tuple[ObjKey, ...] = ()


@dataclass
class Scan:
    """What a walk of all content found, for the font rules."""

    fonts: dict[ObjKey, FontUse] = field(default_factory=dict)
    forms_drawn: set[ObjKey] = field(default_factory=set)
    refs_reported: set[ObjKey] = field(default_factory=set)


def check(doc: Document) -> Scan:
    scan = Scan()
    for number, page in doc.pages():
        obj = page.obj
        context = Context(number, dictionary(doc.inherited(obj, "/Resources")), obj.get("/StructParents"))
        untagged: Counter[str] = Counter()
        _walk(doc, scan, obj, context, untagged)
        if untagged:
            what = ", ".join(f"{n} {kind}" for kind, n in sorted(untagged.items()))
            doc.fail("7.1-t03", number, f"content neither tagged nor an artifact: {what}")
        for annot in obj.get("/Annots", Array()) if isinstance(obj.get("/Annots"), Array) else []:
            appearance = dictionary(annot.get("/AP")) if isinstance(annot, Dictionary) else None
            if appearance is None:
                continue
            for key in ("/N", "/R", "/D"):
                for stream in _appearance_streams(appearance.get(key)):
                    inner = Context(number, dictionary(stream.get("/Resources")), None, semantic=False)
                    _walk(doc, scan, stream, inner, Counter())
    return scan


def _appearance_streams(value: object) -> list[pikepdf.Stream]:
    if isinstance(value, pikepdf.Stream):
        return [value]
    if isinstance(value, Dictionary):
        return [v for v in list(value.values())[:16] if isinstance(v, pikepdf.Stream)]
    return []


def _properties(operands: list[object], resources: Dictionary | None) -> Dictionary | None:
    if len(operands) < 2:
        return None
    props = operands[-1]
    if isinstance(props, Name) and resources is not None:
        named = dictionary(resources.get("/Properties"))
        props = named.get(props) if named is not None else None
    return dictionary(props)


def _walk(doc: Document, scan: Scan, owner: pikepdf.Object, ctx: Context, untagged: Counter[str]) -> None:
    try:
        instructions = pikepdf.parse_content_stream(owner)
    except (pikepdf.PdfError, TypeError, ValueError, RuntimeError):
        return
    marks: list[Mark] = []
    font: Dictionary | None = None
    mode = 0
    saved: list[tuple[Dictionary | None, int]] = []
    for instruction in instructions:
        doc.tick()
        try:
            op = str(instruction.operator)
        except UnicodeDecodeError:  # an operator of stray bytes: not one we act on
            continue
        operands = list(instruction.operands) if op != "INLINE IMAGE" else []
        if op in ("BDC", "BMC"):
            marks.append(_open(doc, ctx, marks, operands if op == "BDC" else [*operands[:1], None]))
        elif op == "EMC":
            if marks:
                marks.pop()
        elif op == "q":
            saved.append((font, mode))
        elif op == "Q":
            if saved:
                font, mode = saved.pop()
        elif op == "Tf" and operands:
            fonts = dictionary(ctx.resources.get("/Font")) if ctx.resources is not None else None
            font = dictionary(fonts.get(operands[0])) if fonts is not None and isinstance(operands[0], Name) else None
        elif op == "Tr" and operands and isinstance(operands[0], int):
            mode = int(operands[0])
        elif op in TEXT_OPERATORS:
            _text(doc, scan, ctx, marks, font, mode, op, operands, untagged)
        elif op in PAINT_OPERATORS or op in ("sh", "INLINE IMAGE"):
            _item(doc, ctx, marks, "image" if op == "INLINE IMAGE" else "painting", untagged)
        elif op == "Do" and operands:
            _do(doc, scan, ctx, marks, operands[0], untagged)


def _open(doc: Document, ctx: Context, marks: list[Mark], operands: list[object]) -> Mark:
    tag = (name_of(operands[0]) or "") if operands else ""
    props = _properties(operands, ctx.resources) if operands and operands[-1] is not None else None
    outer = marks[-1] if marks else None
    inherited = outer.element if outer else ctx.element
    element, own_lang, element_lang = inherited, False, False
    if props is not None:
        mcid = props.get("/MCID")
        if isinstance(mcid, int) and not isinstance(mcid, bool):
            found = doc.mcid_parent(ctx.struct_parents, int(mcid))
            if found is not None:
                element = found
                element_lang = not doc.catalog_lang and _element_lang(doc, found)
                if ctx.semantic and key_of(found) not in doc.by_key and doc.reaches_root(found):
                    doc.warn(
                        UNREACHABLE, ctx.page, f"{tag} MCID {mcid}: its element is not reached from the root by /K"
                    )
        lang = props.get("/Lang")
        if isinstance(lang, pikepdf.String):
            own_lang = True
            check_lang(doc, text_of(lang) or "", ctx.page, f"Lang of {tag} marked content")
    mark = Mark(tag, element, own_lang or element_lang or (outer.lang if outer else False))
    if not ctx.semantic:
        return mark
    tags = ctx.tags + tuple(m.tag for m in marks) + (tag,)
    tagged = doc.reaches_root(element)
    if tag == "Artifact" and tagged:
        doc.fail("7.1-t01", ctx.page, "an artifact inside tagged content")
    if tagged and "Artifact" in tags:
        doc.fail("7.1-t02", ctx.page, f"tagged {tag} content inside an artifact")
    if tag == "Span" and props is not None and not mark.lang and not doc.catalog_lang:
        for rule, key in (("7.2-t30", "/ActualText"), ("7.2-t31", "/Alt"), ("7.2-t32", "/E")):
            if isinstance(props.get(key), pikepdf.String):
                doc.fail(rule, ctx.page, f"{key[1:]} of Span marked content has no language")
    return mark


def _element_lang(doc: Document, element: Dictionary) -> bool:
    return isinstance(element.get("/Lang"), pikepdf.String) or doc.lang_above(element)


def _item(doc: Document, ctx: Context, marks: list[Mark], kind: str, untagged: Counter[str]) -> None:
    if not ctx.semantic:
        return
    element = marks[-1].element if marks else ctx.element
    if doc.reaches_root(element):
        return
    if "Artifact" in ctx.tags or any(m.tag == "Artifact" for m in marks):
        return
    untagged[kind] += 1


def _text(
    doc: Document,
    scan: Scan,
    ctx: Context,
    marks: list[Mark],
    font: Dictionary | None,
    mode: int,
    op: str,
    operands: list[object],
    untagged: Counter[str],
) -> None:
    _item(doc, ctx, marks, "text", untagged)
    if ctx.semantic and not doc.catalog_lang and not (marks and marks[-1].lang):
        doc.fail("7.2-t34", ctx.page, "text with no natural language (no Lang on it, its element or the catalog)")
    if font is None:
        return
    strings: list[bytes] = []
    for operand in (
        operands[-1:] if op != "TJ" else (list(operands[0]) if operands and isinstance(operands[0], Array) else [])
    ):
        if isinstance(operand, pikepdf.String):
            strings.append(bytes(operand))
    use = scan.fonts.get(key_of(font))
    if use is None:
        use = scan.fonts[key_of(font)] = FontUse(font, ctx.page)
    for data in strings:
        if use.size < MAX_CODES:
            (use.invisible if mode == 3 else use.strings).append(data)
            use.size += len(data)


def _do(doc: Document, scan: Scan, ctx: Context, marks: list[Mark], name: object, untagged: Counter[str]) -> None:
    xobjects = dictionary(ctx.resources.get("/XObject")) if ctx.resources is not None else None
    xobject = xobjects.get(name) if xobjects is not None and isinstance(name, Name) else None
    if not isinstance(xobject, pikepdf.Stream):
        return
    subtype = xobject.get("/Subtype")
    if subtype == Name.Image:
        _item(doc, ctx, marks, "image", untagged)
        return
    if subtype != Name.Form:
        return
    key = key_of(xobject)
    if "/Ref" in xobject and key not in scan.refs_reported:
        scan.refs_reported.add(key)
        doc.fail("7.20-t01", ctx.page, f"reference XObject {name}")
    if ctx.semantic and "/StructParents" in xobject and xobject.is_indirect:
        if key in scan.forms_drawn:
            doc.fail("7.20-t02", ctx.page, f"Form XObject {name} with StructParents is drawn more than once")
        scan.forms_drawn.add(key)
    if ctx.depth >= MAX_DEPTH or key in ctx.forms:
        return
    inner = Context(
        ctx.page,
        dictionary(xobject.get("/Resources")) or ctx.resources,
        xobject.get("/StructParents"),
        element=marks[-1].element if marks else ctx.element,
        tags=ctx.tags + tuple(m.tag for m in marks),
        semantic=ctx.semantic,
        depth=ctx.depth + 1,
        forms=(*ctx.forms, key),
    )
    _walk(doc, scan, xobject, inner, untagged)
