"""Simple fonts' encodings: which glyph name a character code selects, and its Unicode value by name."""

from __future__ import annotations

import re

from fontTools import agl
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding
from pikepdf import Array, Dictionary, Name

from .model import dictionary, name_of

_DINGBAT = re.compile(r"a\d{1,3}")  # ZapfDingbats glyph names
_MAC_CODES = {name: code for code, name in enumerate(MacRoman) if name != ".notdef"}


def agl_unicode(glyph: str) -> str:
    """The Adobe Glyph List's text for a glyph name, or ''. As veraPDF reads it: the list's own names only
    (``uni0041`` is not resolved)."""
    codes = agl.LEGACY_AGL2UV.get(glyph)
    if codes is None:
        return ""
    return "".join(chr(code) for code in (codes if isinstance(codes, list) else [codes]))


def mac_code(glyph: str) -> int | None:
    return _MAC_CODES.get(glyph)


def is_dingbat(glyph: str) -> bool:
    return _DINGBAT.fullmatch(glyph) is not None


def _win_ansi() -> dict[int, str]:
    table = {code: ".notdef" for code in range(256)}
    for code in range(0x20, 256):
        if code in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D):
            continue
        character = bytes([code]).decode("cp1252", errors="ignore")
        if character:
            table[code] = agl.UV2AGL.get(ord(character), f"uni{ord(character):04X}")
    table[0xA0] = "space"  # WinAnsi maps 240 octal to space too
    table[0xAD] = "hyphen"
    return table


# Named encodings as a full 256-code table: unused codes name .notdef.
_TABLES = {
    "WinAnsiEncoding": _win_ansi(),
    "MacRomanEncoding": dict(enumerate(MacRoman)),
}
STANDARD = {code: name for code, name in enumerate(StandardEncoding) if name != ".notdef"}


def symbolic(font: Dictionary) -> bool:
    descriptor = dictionary(font.get("/FontDescriptor"))
    flags = descriptor.get("/Flags") if descriptor is not None else None
    return isinstance(flags, int) and bool(int(flags) & 4)


def encoding_names(font: Dictionary) -> dict[int, str]:
    """Code -> glyph name from the font dictionary's Encoding alone: a named table (WinAnsi, MacRoman), then
    the Differences. A code it does not name is left to the font program (veraPDF's encoding mapping)."""
    encoding = font.get("/Encoding")
    names: dict[int, str] = {}
    if isinstance(encoding, Name):
        names = dict(_TABLES.get(name_of(encoding) or "", {}))
    elif isinstance(encoding, Dictionary):
        names = dict(_TABLES.get(name_of(encoding.get("/BaseEncoding")) or "", {}))
        differences = encoding.get("/Differences")
        code = 0
        for item in list(differences)[:4096] if isinstance(differences, Array) else []:
            if isinstance(item, int):
                code = int(item)
            elif isinstance(item, Name):
                if 0 <= code < 256:
                    names[code] = name_of(item) or ""
                code += 1
    return names


def glyph_names(font: Dictionary, builtin: dict[int, str] | None = None) -> dict[int, str]:
    """Code -> glyph name, the font program's names filling what the Encoding leaves: a Type 1 font's
    own encoding (``builtin``, else StandardEncoding for a non-symbolic font), or for a non-symbolic
    TrueType font with a Differences-only Encoding, StandardEncoding."""
    subtype = name_of(font.get("/Subtype"))
    names = encoding_names(font)
    fill: dict[int, str] = {}
    if subtype in ("Type1", "MMType1"):
        fill = builtin if builtin else ({} if symbolic(font) else STANDARD)
    elif subtype == "TrueType" and isinstance(font.get("/Encoding"), Dictionary) and not symbolic(font):
        fill = STANDARD
    for code, name in fill.items():
        names.setdefault(code, name)
    return names
