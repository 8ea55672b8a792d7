"""Per-glyph and font-program rules on the character codes text shows: a Unicode value for every code
(7.21.7), no .notdef (7.21.8), every glyph in the embedded program (7.21.4.1-t02), widths that agree
(7.21.5), TrueType cmaps (7.21.6-t01/t04), and the CharSet of subset Type 1 fonts (7.21.4.2-t01).
Composite fonts are in :mod:`.cidfonts`. Glyphs are looked up as veraPDF looks them up."""

from __future__ import annotations

import re
from collections.abc import Callable

from pikepdf import Array, Dictionary, Name

from . import cmaps, programs
from .content import FontUse
from .encodings import agl_unicode, encoding_names, glyph_names, is_dingbat, mac_code, symbolic
from .model import Document, dictionary, name_of, number, text_of

MAX_CODES = 20_000
CJK = {"GB1", "CNS1", "Japan1", "Korea1"}
SUBSET = re.compile(r"[A-Z]{6}\+")
BAD_UNICODE = ("\u0000", "\ufffe", "\ufeff")


def has_cmap(doc: Document, font: Dictionary, platform: int, encoding: int) -> bool:
    program = programs.load(font, doc.programs)  # type: ignore[arg-type]
    return program is not None and (platform, encoding) in program.cmaps


def codes_of(use: FontUse, split: Callable[[bytes], list[bytes]]) -> tuple[set[bytes], set[bytes]]:
    """The distinct codes shown visibly, and those only shown in text rendering mode 3."""
    shown: set[bytes] = set()
    hidden: set[bytes] = set()
    for target, strings in ((shown, use.strings), (hidden, use.invisible)):
        for data in strings:
            for code in split(data):
                if len(shown) + len(hidden) < MAX_CODES:
                    target.add(code)
    return shown, hidden - shown


def unicode_rules(
    doc: Document, use: FontUse, label: str, codes: set[bytes], fallback: Callable[[bytes], str | None]
) -> None:
    """7.21.7: the ToUnicode CMap (or, failing it, ``fallback``) maps every code, never to U+0000/FEFF/FFFE."""
    value = use.font.get("/ToUnicode")
    if isinstance(value, Name) and name_of(value) in ("Identity-H", "Identity-V"):
        return
    tounicode = cmaps.to_unicode(value)
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
        message = f"{len(missing)} character code(s) map to no Unicode (e.g. {missing[0].hex()})"
        doc.fail("7.21.7-t01", use.page, f"{label}: {message}")
    if bad:
        message = f"{len(bad)} code(s) map to U+0000, U+FEFF or U+FFFE (e.g. {bad[0].hex()})"
        doc.fail("7.21.7-t02", use.page, f"{label}: {message}")


def widths_differ(doc: Document, use: FontUse, label: str, widths: list[tuple[str, float, float]]) -> None:
    if widths:
        which, declared, actual = widths[0]
        message = f"{len(widths)} glyph width(s) differ from the font program ({which}: {declared:g} vs {actual:g})"
        doc.fail("7.21.5-t01", use.page, f"{label}: {message}")


def check_simple(doc: Document, use: FontUse, label: str, subtype: str) -> None:
    """The per-glyph and font-program rules of a simple font (Type1, MMType1, TrueType, Type3)."""
    font = use.font
    shown, hidden = codes_of(use, lambda data: [data[i : i + 1] for i in range(len(data))])
    program = programs.load(font, doc.programs) if subtype != "Type3" else None  # type: ignore[arg-type]
    names = glyph_names(font, program.builtin if program is not None else None)
    declared = encoding_names(font)

    def fallback(code: bytes) -> str | None:  # a glyph name the Adobe Glyph List knows (or a dingbat)
        name = names.get(code[0])
        if not name:
            return None
        return agl_unicode(name) or (" " if is_dingbat(name) else None)

    unicode_rules(doc, use, label, shown | hidden, fallback)
    notdef = [
        c
        for c in shown | hidden
        if declared.get(c[0]) == ".notdef" or (subtype == "TrueType" and c == b"\0" and 0 not in declared)
    ]
    if notdef:
        doc.fail("7.21.8-t01", use.page, f"{label}: text shows the .notdef glyph ({len(notdef)} code(s))")
    if subtype == "Type3":
        _type3(doc, use, label, shown, names)
        return
    if program is None:
        return
    if subtype == "TrueType":
        _truetype_cmaps(doc, use, label, program)
    absent, widths = [], []
    first, table = font.get("/FirstChar"), font.get("/Widths")
    for code in sorted(shown):
        doc.tick()
        glyph = _glyph(font, program, code[0], names)
        if glyph is None:
            if code[0] != 0:
                absent.append(code)
            continue
        if not isinstance(table, Array) or not isinstance(first, int):
            continue
        index = code[0] - int(first)
        declared = number(table[index]) if 0 <= index < len(table) else None
        actual = program.width_of(glyph)
        if declared is not None and actual is not None and abs(declared - actual) > 1:
            widths.append((f"code {code.hex()}", declared, actual))
    if absent:
        doc.fail("7.21.4.1-t02", use.page, f"{label}: {len(absent)} code(s) have no glyph in the embedded font")
    widths_differ(doc, use, label, widths)
    _charset(doc, use, label, program)


def _glyph(font: Dictionary, program: programs.Program, code: int, names: dict[int, str]) -> str | None:
    """The glyph a simple font's code selects in its program, or None when there is none."""
    if program.kind != "truetype":
        name = names.get(code)
        return name if name in program.names and name != ".notdef" else None
    order = program.glyph_order
    tables = program.cmap_tables
    if not symbolic(font) and "/Encoding" in font:
        name = names.get(code)
        if name is None or name == ".notdef":
            return None
        text = agl_unicode(name)
        if (3, 1) in tables and text and tables[3, 1].get(ord(text[0])) not in (None, order[0]):
            return tables[3, 1][ord(text[0])]
        mac = mac_code(name)
        if (1, 0) in tables and mac is not None and tables[1, 0].get(mac) not in (None, order[0]):
            return tables[1, 0][mac]
        return name if name in program.post_names and name != order[0] else None
    if (3, 0) in tables:
        sample = min(tables[3, 0], default=0) & 0xFF00
        high = sample if sample in (0x0000, 0xF000, 0xF100, 0xF200) else None
        found = tables[3, 0].get(high + code) if high is not None else None
        return found if found not in (None, order[0]) else None
    found = tables.get((1, 0), {}).get(code)
    return found if found not in (None, order[0]) else None


def _type3(doc: Document, use: FontUse, label: str, shown: set[bytes], names: dict[int, str]) -> None:
    procs = dictionary(use.font.get("/CharProcs"))
    absent = [c for c in shown if procs is None or "/" + names.get(c[0], ".notdef") not in procs]
    if absent:
        doc.fail("7.21.4.1-t02", use.page, f"{label}: {len(absent)} code(s) have no glyph procedure in the Type 3 font")


def _truetype_cmaps(doc: Document, use: FontUse, label: str, program: programs.Program) -> None:
    count = len(program.cmaps)
    has_30 = (3, 0) in program.cmaps
    if symbolic(use.font):
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
    listed = set(re.findall(r"/([^\s/]+)", text_of(descriptor.get("/CharSet")) or "")) - {".notdef"}
    present = program.names - {".notdef"}
    if listed != present:
        unlisted, extra = sorted(present - listed), sorted(listed - present)
        what = f"leaves out {len(unlisted)} glyph(s) of the font" if unlisted else f"lists {len(extra)} it lacks"
        doc.fail("7.21.4.2-t01", use.page, f"{label}: CharSet {what}, e.g. {(unlisted or extra)[0]}")
