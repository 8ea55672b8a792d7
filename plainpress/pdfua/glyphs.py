"""Per-glyph and font-program rules on the character codes text shows: a Unicode value for every code
(7.21.7), no .notdef (7.21.8), every glyph in the embedded program (7.21.4.1-t02), widths that agree
(7.21.5), TrueType cmaps (7.21.6-t01/t04), and CharSet/CIDSet of subset fonts (7.21.4.2)."""

from __future__ import annotations

import re

import pikepdf
from fontTools import agl
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding
from pikepdf import Array, Dictionary, Name

from . import cmaps, programs
from .content import FontUse
from .model import Document, dictionary, name_of, number, text_of

MAX_CODES = 20_000
CJK = {"GB1", "CNS1", "Japan1", "Korea1"}
SUBSET = re.compile(r"[A-Z]{6}\+")
BAD_UNICODE = ("\u0000", "\ufffe", "\ufeff")


def agl_unicode(glyph: str) -> str:
    try:
        return agl.toUnicode(glyph)
    except Exception:
        return ""


def _win_ansi(code: int) -> str | None:
    if code in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        return None
    if code < 0x20:
        return None
    character = bytes([code]).decode("cp1252", errors="ignore")
    if not character:
        return None
    return agl.UV2AGL.get(ord(character), f"uni{ord(character):04X}")


def _base_name(base: str | None, code: int) -> str | None:
    if base == "WinAnsiEncoding":
        return _win_ansi(code)
    if base == "MacRomanEncoding":
        name = MacRoman[code]
        return None if name == ".notdef" and code != 0 else name
    if base in ("StandardEncoding", None):
        name = StandardEncoding[code]
        return None if name == ".notdef" else name
    return None


def glyph_names(font: Dictionary) -> dict[int, str]:
    """Code -> glyph name from the font's Encoding (base encoding, then Differences)."""
    encoding = font.get("/Encoding")
    base = name_of(encoding) if isinstance(encoding, Name) else None
    differences: list[object] = []
    if isinstance(encoding, Dictionary):
        base = name_of(encoding.get("/BaseEncoding"))
        if isinstance(encoding.get("/Differences"), Array):
            differences = list(encoding.Differences)
    names: dict[int, str] = {}
    if base is not None or not _symbolic(font):
        for code in range(256):
            name = _base_name(base, code)
            if name:
                names[code] = name
    code = 0
    for item in differences:
        if isinstance(item, int):
            code = int(item)
        elif isinstance(item, Name):
            if 0 <= code < 256:
                names[code] = name_of(item) or ""
            code += 1
    return names


def _symbolic(font: Dictionary) -> bool:
    descriptor = dictionary(font.get("/FontDescriptor"))
    flags = descriptor.get("/Flags") if descriptor is not None else None
    return isinstance(flags, int) and bool(int(flags) & 4)


def has_cmap(doc: Document, font: Dictionary, platform: int, encoding: int) -> bool:
    program = programs.load(font, doc.programs)  # type: ignore[arg-type]
    return program is not None and (platform, encoding) in program.cmaps


def check(doc: Document, use: FontUse, label: str) -> None:
    font = use.font
    subtype = name_of(font.get("/Subtype"))
    cache = doc.programs
    if subtype == "Type0":
        _composite(doc, use, label, cache)
    elif subtype in ("Type1", "MMType1", "TrueType", "Type3"):
        _simple(doc, use, label, subtype, cache)


def _codes(use: FontUse, split) -> tuple[set[bytes], set[bytes]]:  # type: ignore[no-untyped-def]
    shown: set[bytes] = set()
    hidden: set[bytes] = set()
    for target, strings in ((shown, use.strings), (hidden, use.invisible)):
        for data in strings:
            for code in split(data):
                if len(shown) + len(hidden) < MAX_CODES:
                    target.add(code)
    return shown, hidden - shown


def _unicode_rules(doc: Document, use: FontUse, label: str, codes: set[bytes], fallback) -> None:  # type: ignore[no-untyped-def]
    tounicode = cmaps.to_unicode(use.font.get("/ToUnicode"))
    missing, bad = [], []
    for code in sorted(codes):
        doc.tick()
        text = tounicode.lookup(code) if tounicode is not None else None
        if text is None:
            text = fallback(code)
        if text is None:
            missing.append(code)
        elif any(ch in text for ch in BAD_UNICODE):
            bad.append(code)
    if missing:
        doc.fail(
            "7.21.7-t01",
            use.page,
            f"{label}: {len(missing)} character code(s) map to no Unicode (e.g. {missing[0].hex()})",
        )
    if bad:
        doc.fail(
            "7.21.7-t02", use.page, f"{label}: {len(bad)} code(s) map to U+0000, U+FEFF or U+FFFE (e.g. {bad[0].hex()})"
        )


def _simple(doc: Document, use: FontUse, label: str, subtype: str, cache: dict) -> None:  # type: ignore[type-arg]
    font = use.font
    shown, hidden = _codes(use, lambda data: [data[i : i + 1] for i in range(len(data))])
    names = glyph_names(font)

    def fallback(code: bytes) -> str | None:
        name = names.get(code[0])
        text = agl_unicode(name) if name else ""
        return text or None

    _unicode_rules(doc, use, label, shown | hidden, fallback)
    notdef = [
        c
        for c in shown | hidden
        if names.get(c[0]) == ".notdef" or (subtype == "TrueType" and c[0] == 0 and c[0] not in names)
    ]
    if notdef:
        doc.fail("7.21.8-t01", use.page, f"{label}: text shows the .notdef glyph ({len(notdef)} code(s))")
    if subtype == "Type3":
        return
    program = programs.load(font, cache)
    if program is None:
        return
    if subtype == "TrueType":
        _truetype_cmaps(doc, use, label, program)
    absent, widths = [], []
    first = font.get("/FirstChar")
    table = font.get("/Widths")
    for code in sorted(shown):
        doc.tick()
        glyph = _simple_glyph(font, program, code[0], names)
        if code[0] != 0 and glyph is None:
            absent.append(code)
            continue
        if glyph is None or not isinstance(table, Array) or not isinstance(first, int):
            continue
        index = code[0] - int(first)
        declared = number(table[index]) if 0 <= index < len(table) else None
        actual = program.width_of(glyph)
        if declared is not None and actual is not None and abs(declared - actual) > 1:
            widths.append((code, declared, actual))
    if absent:
        doc.fail("7.21.4.1-t02", use.page, f"{label}: {len(absent)} code(s) have no glyph in the embedded font")
    _widths_differ(doc, use, label, [(f"code {code.hex()}", d, a) for code, d, a in widths])
    _charset(doc, use, label, program)


def _widths_differ(doc: Document, use: FontUse, label: str, widths: list[tuple[str, float, float]]) -> None:
    if widths:
        which, declared, actual = widths[0]
        message = f"{len(widths)} glyph width(s) differ from the font program ({which}: {declared:g} vs {actual:g})"
        doc.fail("7.21.5-t01", use.page, f"{label}: {message}")


def _simple_glyph(font: Dictionary, program: programs.Program, code: int, names: dict[int, str]) -> str | None:
    """The glyph a simple font's code selects in its program (ISO 32000-1, 9.6.6.4 for TrueType)."""
    if program.kind != "truetype":
        name = names.get(code)
        if name is None and program.glyph_order and code < 256:  # a built-in encoding: no name to look up
            return None
        return name if name in program.names else None
    tables = program.cmap_tables
    if not _symbolic(font) and (3, 1) in tables:
        name = names.get(code)
        text = agl_unicode(name) if name else ""
        if text and ord(text[0]) in tables[3, 1]:
            return tables[3, 1][ord(text[0])]
        if name in program.names and name != ".notdef":
            return name
    if (3, 0) in tables:
        for candidate in (code, 0xF000 + code, 0xF100 + code, 0xF200 + code):
            if candidate in tables[3, 0]:
                return tables[3, 0][candidate]
    if (1, 0) in tables and code in tables[1, 0]:
        return tables[1, 0][code]
    if (3, 1) in tables and _symbolic(font):
        for candidate in (code, 0xF000 + code):
            if candidate in tables[3, 1]:
                return tables[3, 1][candidate]
    return None


def _truetype_cmaps(doc: Document, use: FontUse, label: str, program: programs.Program) -> None:
    count = len(program.cmaps)
    has_30 = (3, 0) in program.cmaps
    if _symbolic(use.font):
        if not (count == 1 or has_30):
            doc.fail("7.21.6-t04", use.page, f"{label}: symbolic TrueType font with {count} cmaps and no (3,0) cmap")
    elif not (count > 1 if has_30 else count > 0):
        doc.fail("7.21.6-t01", use.page, f"{label}: non-symbolic TrueType font without a non-symbolic cmap")


def _charset(doc: Document, use: FontUse, label: str, program: programs.Program) -> None:
    font = use.font
    descriptor = dictionary(font.get("/FontDescriptor"))
    if descriptor is None or name_of(font.get("/Subtype")) not in ("Type1", "MMType1"):
        return
    if not SUBSET.match(name_of(font.get("/BaseFont")) or "") or "/CharSet" not in descriptor:
        return
    listed = set(re.findall(r"/([^\s/]+)", text_of(descriptor.get("/CharSet")) or ""))
    missing = {name for name in program.names if name != ".notdef"} - listed
    if missing:
        doc.fail(
            "7.21.4.2-t01",
            use.page,
            f"{label}: CharSet does not list {len(missing)} glyph(s) of the font, e.g. {sorted(missing)[0]}",
        )


def _composite(doc: Document, use: FontUse, label: str, cache: dict) -> None:  # type: ignore[type-arg]
    from .fonts import descendant

    font = use.font
    cid_font = descendant(font)
    encoding = font.get("/Encoding")
    ordering = None
    if cid_font is not None:
        info = dictionary(cid_font.get("/CIDSystemInfo"))
        if info is not None and text_of(info.get("/Registry")) == "Adobe":
            ordering = text_of(info.get("/Ordering"))
    identity = name_of(encoding) in ("Identity-H", "Identity-V")
    program_cmap = cmaps.read_program(encoding) if isinstance(encoding, pikepdf.Stream) else b""
    space = cmaps.codespace(program_cmap) if program_cmap else cmaps.Codespace()
    shown, hidden = _codes(use, space.split)
    predefined_cjk = isinstance(encoding, Name) and not identity

    def fallback(code: bytes) -> str | None:
        return "?" if ordering in CJK or predefined_cjk else None

    _unicode_rules(doc, use, label, shown | hidden, fallback)
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
    _widths_differ(doc, use, label, [(f"CID {cid}", d, a) for cid, d, a in wrong])
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
    listed = {i * 8 + j for i, byte in enumerate(bits) for j in range(8) if byte & (0x80 >> j)}
    if program.cids is not None:
        present = set(program.cids)
    elif gid_map is None:
        present = set(range(program.glyph_count))
    else:
        present = {
            cid
            for cid in range(len(gid_map) // 2)
            if 0 < int.from_bytes(gid_map[2 * cid : 2 * cid + 2], "big") < program.glyph_count
        }
        present.add(0)
    if present - listed:
        doc.fail("7.21.4.2-t02", use.page, f"{label}: CIDSet does not list {len(present - listed)} CID(s) of the font")
