"""Glyph rules for composite (Type0) fonts: codes through the CMap to CIDs, CIDs to glyphs of the
CIDFont's program (CIDToGIDMap for TrueType, the charset of a CID-keyed CFF font), and the CIDSet."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import cmaps, programs
from .content import FontUse
from .glyphs import CJK, SUBSET, codes_of, unicode_rules, widths_differ
from .model import Document, dictionary, name_of, number, text_of


def check(doc: Document, use: FontUse, label: str, cid_font: Dictionary | None) -> None:
    font = use.font
    cache = doc.programs
    encoding = font.get("/Encoding")
    ordering = None
    if cid_font is not None:
        info = dictionary(cid_font.get("/CIDSystemInfo"))
        if info is not None and text_of(info.get("/Registry")) == "Adobe":
            ordering = text_of(info.get("/Ordering"))
    identity = name_of(encoding) in ("Identity-H", "Identity-V")
    program_cmap = cmaps.read_program(encoding) if isinstance(encoding, pikepdf.Stream) else b""
    space = cmaps.codespace(program_cmap) if program_cmap else cmaps.Codespace()
    shown, hidden = codes_of(use, space.split)
    if isinstance(encoding, Name) and not identity:
        ordering = "predefined"  # every predefined CMap but Identity is of an Adobe CJK collection
    elif isinstance(encoding, pikepdf.Stream):
        info = dictionary(encoding.get("/CIDSystemInfo"))
        registry = text_of(info.get("/Registry")) if info is not None else None
        ordering = text_of(info.get("/Ordering")) if info is not None and registry == "Adobe" else None
    mapped_by_collection = ordering in CJK or ordering == "predefined"

    def fallback(code: bytes) -> str | None:  # the collection's UCS2 CMap gives the text
        return "?" if mapped_by_collection else None

    unicode_rules(doc, use, label, shown | hidden, fallback)
    if cid_font is None or not (identity or program_cmap):
        return
    cid_of = _cid_map(program_cmap) if program_cmap else None
    program = programs.load(cid_font, cache)
    if program is None:
        return
    gid_map = _gid_map(cid_font)
    widths = _cid_widths(cid_font)
    default = number(cid_font.get("/DW"))
    notdef, absent, wrong = 0, 0, []
    for code in sorted(shown | hidden):
        doc.tick()
        value = int.from_bytes(code, "big")
        cid = cid_of(value) if cid_of is not None else value
        glyph = _cid_glyph(program, gid_map, cid)
        if glyph is None:
            notdef += 1
            if code in shown and value != 0:
                absent += 1
            continue
        if code in shown:
            declared = widths.get(cid, default if default is not None else 1000.0)
            actual = program.width_of(glyph)
            if actual is not None and abs(declared - actual) > 1:
                wrong.append((cid, declared, actual))
    if notdef:
        doc.fail("7.21.8-t01", use.page, f"{label}: text shows the .notdef glyph ({notdef} code(s))")
    if absent:
        doc.fail("7.21.4.1-t02", use.page, f"{label}: {absent} CID(s) have no glyph in the embedded font")
    widths_differ(doc, use, label, [(f"CID {cid}", d, a) for cid, d, a in wrong])
    _cidset(doc, use, label, cid_font, program, gid_map)


def _cid_map(program: bytes):  # type: ignore[no-untyped-def]
    """code -> CID from an embedded CMap's cidchar and cidrange sections."""
    chars: dict[int, int] = {}
    ranges: list[tuple[int, int, int]] = []
    for tokens in cmaps._sections(program, b"begincidchar", b"endcidchar"):
        for src, dst in zip(tokens[0::2], tokens[1::2], strict=False):
            if src.startswith(b"<") and dst.isdigit():
                chars[int.from_bytes(cmaps._hex(src), "big")] = int(dst)
    for tokens in cmaps._sections(program, b"begincidrange", b"endcidrange"):
        for lo, hi, dst in zip(tokens[0::3], tokens[1::3], tokens[2::3], strict=False):
            if lo.startswith(b"<") and hi.startswith(b"<") and dst.isdigit():
                ranges.append((int.from_bytes(cmaps._hex(lo), "big"), int.from_bytes(cmaps._hex(hi), "big"), int(dst)))

    def lookup(code: int) -> int:
        if code in chars:
            return chars[code]
        for lo, hi, dst in ranges:
            if lo <= code <= hi:
                return dst + code - lo
        return 0

    return lookup


def _gid_map(cid_font: Dictionary) -> bytes | None:
    value = cid_font.get("/CIDToGIDMap")
    return cmaps.read_program(value) if isinstance(value, pikepdf.Stream) else None


def _cid_glyph(program: programs.Program, gid_map: bytes | None, cid: int) -> str | None:
    if program.cids is not None:  # CID-keyed CFF
        return f"cid{cid:05d}" if cid in program.cids and cid != 0 else None
    gid = cid
    if gid_map is not None:
        gid = int.from_bytes(gid_map[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(gid_map) else 0
    if 0 < gid < program.glyph_count and program.glyph_order:
        return program.glyph_order[gid]
    return None


def _cid_widths(cid_font: Dictionary) -> dict[int, float]:
    found: dict[int, float] = {}
    items = list(cid_font.get("/W")) if isinstance(cid_font.get("/W"), Array) else []
    index = 0
    while index < len(items) - 1 and len(found) < 200_000:
        first = items[index]
        if not isinstance(first, int):
            break
        nxt = items[index + 1]
        if isinstance(nxt, Array):
            for offset, width in enumerate(list(nxt)[:65536]):
                value = number(width)
                if value is not None:
                    found[int(first) + offset] = value
            index += 2
        elif index + 2 < len(items):
            last, width = number(nxt), number(items[index + 2])
            if last is not None and width is not None:
                for cid in range(int(first), min(int(last), int(first) + 65536) + 1):
                    found[cid] = width
            index += 3
        else:
            break
    return found


def _cidset(
    doc: Document, use: FontUse, label: str, cid_font: Dictionary, program: programs.Program, gid_map: bytes | None
) -> None:
    descriptor = dictionary(cid_font.get("/FontDescriptor"))
    if descriptor is None or not isinstance(descriptor.get("/CIDSet"), pikepdf.Stream):
        return
    if not SUBSET.match(name_of(cid_font.get("/BaseFont")) or ""):
        return
    bits = cmaps.read_program(descriptor.CIDSet)
    listed = {i * 8 + j for i, byte in enumerate(bits) for j in range(8) if byte & (0x80 >> j)} - {0}
    if program.cids is not None:
        present = set(program.cids)
    elif gid_map is None:
        present = set(range(program.glyph_count))
    else:
        count = len(gid_map) // 2
        present = {
            cid for cid in range(count) if int.from_bytes(gid_map[2 * cid : 2 * cid + 2], "big") < program.glyph_count
        }
    present.discard(0)
    if present != listed:
        unlisted, extra = len(present - listed), len(listed - present)
        what = f"leaves out {unlisted} CID(s) of the font" if unlisted else f"lists {extra} CID(s) the font lacks"
        doc.fail("7.21.4.2-t02", use.page, f"{label}: CIDSet {what}")
