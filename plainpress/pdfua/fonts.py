"""Font dictionary rules (7.21.3, 7.21.4.1-t01, 7.21.6-t02/t03) on every font that text is shown with,
then the per-glyph and font-program rules of :mod:`.glyphs`."""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import cidfonts, glyphs
from .content import FontUse, Scan
from .encodings import agl_unicode
from .model import Document, dictionary, name_of, text_of

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
# ISO 32000-1, 9.7.5.2, Table 118: the predefined CMaps, with the character collection each belongs to.
_PREDEFINED = {
    "GB1": "GB-EUC-H GB-EUC-V GBpc-EUC-H GBpc-EUC-V GBK-EUC-H GBK-EUC-V GBKp-EUC-H GBKp-EUC-V GBK2K-H GBK2K-V "
    "UniGB-UCS2-H UniGB-UCS2-V UniGB-UTF16-H UniGB-UTF16-V",
    "CNS1": "B5pc-H B5pc-V HKscs-B5-H HKscs-B5-V ETen-B5-H ETen-B5-V ETenms-B5-H ETenms-B5-V CNS-EUC-H CNS-EUC-V "
    "UniCNS-UCS2-H UniCNS-UCS2-V UniCNS-UTF16-H UniCNS-UTF16-V",
    "Japan1": "83pv-RKSJ-H 90ms-RKSJ-H 90ms-RKSJ-V 90msp-RKSJ-H 90msp-RKSJ-V 90pv-RKSJ-H Add-RKSJ-H Add-RKSJ-V "
    "EUC-H EUC-V Ext-RKSJ-H Ext-RKSJ-V H V UniJIS-UCS2-H UniJIS-UCS2-V UniJIS-UCS2-HW-H UniJIS-UCS2-HW-V "
    "UniJIS-UTF16-H UniJIS-UTF16-V",
    "Korea1": "KSC-EUC-H KSC-EUC-V KSCms-UHC-H KSCms-UHC-V KSCms-UHC-HW-H KSCms-UHC-HW-V KSCpc-EUC-H "
    "UniKS-UCS2-H UniKS-UCS2-V UniKS-UTF16-H UniKS-UTF16-V",
}
ORDERING = {name: ordering for ordering, names in _PREDEFINED.items() for name in names.split()}
# The highest supplement of each collection that its predefined CMaps cover.
SUPPLEMENT = {"GB1": 5, "CNS1": 7, "Japan1": 7, "Korea1": 2}
IDENTITY = {"Identity-H", "Identity-V"}
PREDEFINED = IDENTITY | set(ORDERING)


def font_name(font: Dictionary) -> str:
    return name_of(font.get("/BaseFont")) or "(unnamed)"


def descendant(font: Dictionary) -> Dictionary | None:
    kids = font.get("/DescendantFonts")
    if isinstance(kids, Array) and len(kids):
        return dictionary(kids[0])
    return dictionary(kids)


def embedded(font: Dictionary) -> bool:
    descriptor = dictionary(font.get("/FontDescriptor"))
    return descriptor is not None and any(isinstance(descriptor.get(key), pikepdf.Stream) for key in FONT_FILES)


def check(doc: Document, scan: Scan) -> None:
    for use in scan.fonts.values():
        doc.tick(20)
        font = use.font
        subtype = name_of(font.get("/Subtype"))
        rendered = bool(use.strings)
        label = f"font {font_name(font)}"
        if subtype == "Type0":
            _type0(doc, use, label, rendered)
        elif subtype in ("Type1", "MMType1", "TrueType"):
            if rendered and not embedded(font):
                doc.fail("7.21.4.1-t01", use.page, f"{label} ({subtype}) is not embedded")
            if subtype == "TrueType":
                _truetype_encoding(doc, use, label)
        _glyphs(doc, use, label)


def _glyphs(doc: Document, use: FontUse, label: str) -> None:
    """The per-glyph and font-program rules: of a composite font (:mod:`.cidfonts`), else of a simple one."""
    subtype = name_of(use.font.get("/Subtype"))
    if subtype == "Type0":
        cidfonts.check(doc, use, label, descendant(use.font))
    elif subtype in ("Type1", "MMType1", "TrueType", "Type3"):
        glyphs.check_simple(doc, use, label, subtype)


def _type0(doc: Document, use: FontUse, label: str, rendered: bool) -> None:
    font, page = use.font, use.page
    cid_font = descendant(font)
    encoding = font.get("/Encoding")
    if cid_font is not None:
        if rendered and not embedded(cid_font):
            doc.fail("7.21.4.1-t01", page, f"{label}: its CIDFont is not embedded")
        gid_map = cid_font.get("/CIDToGIDMap")
        valid = isinstance(gid_map, pikepdf.Stream) or gid_map == Name.Identity
        if cid_font.get("/Subtype") == Name.CIDFontType2 and embedded(cid_font) and not valid:
            doc.fail("7.21.3.2-t01", page, f"{label}: embedded CIDFontType2 without CIDToGIDMap")
    cmap_name = name_of(encoding)
    if isinstance(encoding, pikepdf.Stream):
        cmap_name = name_of(encoding.get("/CMapName")) or ""
        _embedded_cmap(doc, encoding, page, label)
    elif cmap_name not in PREDEFINED:
        doc.fail("7.21.3.3-t01", page, f"{label}: CMap {cmap_name or '(none)'} is neither predefined nor embedded")
    if cmap_name in IDENTITY:
        return
    font_info = _system_info(cid_font.get("/CIDSystemInfo")) if cid_font is not None else None
    if isinstance(encoding, pikepdf.Stream):
        cmap_info = _system_info(encoding.get("/CIDSystemInfo"))
    elif cmap_name in ORDERING:
        cmap_info = ("Adobe", ORDERING[cmap_name], SUPPLEMENT[ORDERING[cmap_name]])
    else:
        cmap_info = None
    agree = (
        font_info is not None
        and cmap_info is not None
        and None not in font_info
        and None not in cmap_info
        and font_info[:2] == cmap_info[:2]
        and font_info[2] <= cmap_info[2]  # type: ignore[operator]
    )
    if not agree:
        doc.fail(
            "7.21.3.1-t01",
            page,
            f"{label}: the CIDFont's CIDSystemInfo {font_info} disagrees with the CMap's {cmap_info}",
        )


def _system_info(value: object) -> tuple[str | None, str | None, int | None] | None:
    if isinstance(value, Array) and len(value):
        value = value[0]
    info = dictionary(value)
    if info is None:
        return None
    supplement = info.get("/Supplement")
    return (
        text_of(info.get("/Registry")),
        text_of(info.get("/Ordering")),
        int(supplement) if isinstance(supplement, int) else None,
    )


def _embedded_cmap(doc: Document, cmap: pikepdf.Stream, page: int | None, label: str) -> None:
    try:
        program = cmap.read_bytes()[:2_000_000]
    except pikepdf.PdfError:
        program = b""
    declared = cmap.get("/WMode")
    found = re.search(rb"/WMode\s+(\d+)\s+def", program)
    if (int(declared) if isinstance(declared, int) else 0) != (int(found.group(1)) if found else 0):
        doc.fail("7.21.3.3-t02", page, f"{label}: the CMap's WMode differs from its dictionary's")
    used = cmap.get("/UseCMap")
    referenced: list[str] = []
    if isinstance(used, Name):
        referenced.append(name_of(used) or "")
    elif isinstance(used, pikepdf.Stream):
        referenced.append(name_of(used.get("/CMapName")) or "(embedded CMap)")
    referenced += [m.decode("latin-1") for m in re.findall(rb"/([^\s/\[\]<>(){}%]+)\s+usecmap", program)]
    for name in referenced:
        if name not in PREDEFINED:
            doc.fail("7.21.3.3-t03", page, f"{label}: the CMap uses CMap {name}, which is not predefined")


def is_symbolic(font: Dictionary) -> bool:
    descriptor = dictionary(font.get("/FontDescriptor"))
    flags = descriptor.get("/Flags") if descriptor is not None else None
    return isinstance(flags, int) and bool(int(flags) & 4)


def _truetype_encoding(doc: Document, use: FontUse, label: str) -> None:
    font, page = use.font, use.page
    encoding = font.get("/Encoding")
    if is_symbolic(font):
        if encoding is not None:
            doc.fail("7.21.6-t03", page, f"{label}: a symbolic TrueType font with an Encoding")
        return
    base = name_of(encoding) if isinstance(encoding, Name) else None
    differences = None
    if isinstance(encoding, Dictionary):
        base = name_of(encoding.get("/BaseEncoding"))
        differences = encoding.get("/Differences")
    if base not in ("MacRomanEncoding", "WinAnsiEncoding"):
        doc.fail("7.21.6-t02", page, f"{label}: non-symbolic TrueType font with encoding {base or '(none)'}")
    elif isinstance(differences, Array) and len(differences):
        names = [name_of(item) for item in differences if isinstance(item, Name)]
        if not all(agl_unicode(n) for n in names if n) or not glyphs.has_cmap(doc, font, 3, 1):
            doc.fail(
                "7.21.6-t02", page, f"{label}: Differences with names outside the Adobe Glyph List or no (3,1) cmap"
            )
