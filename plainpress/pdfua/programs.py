"""Embedded font programs, read with fontTools: which glyphs they hold, their widths and cmap tables."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.encodings.StandardEncoding import StandardEncoding
from fontTools.misc.eexec import decrypt
from fontTools.misc.psCharStrings import T2WidthExtractor
from fontTools.ttLib import TTFont

from .model import dictionary, name_of

MAX_FONT = 30_000_000
logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass
class Program:
    kind: str  # "truetype", "cff" or "type1"
    glyph_count: int = 0
    names: set[str] = field(default_factory=set)  # glyph names (CFF, Type 1, TrueType post)
    cids: set[int] | None = None  # CIDs of a CID-keyed CFF font
    cmaps: list[tuple[int, int]] = field(default_factory=list)  # TrueType (platform, encoding) subtables
    cmap_tables: dict[tuple[int, int], dict[int, str]] = field(default_factory=dict)
    glyph_order: list[str] = field(default_factory=list)
    advances: dict[str, float] = field(default_factory=dict)  # glyph name -> width in 1000ths of an em
    builtin: dict[int, str] = field(default_factory=dict)  # the program's own encoding (Type 1, CFF)
    post_names: set[str] = field(default_factory=set)  # TrueType: names in the post table
    cff: object | None = None  # the CFF top dict, for widths on demand

    def width_of(self, glyph: str) -> float | None:
        if glyph in self.advances:
            return self.advances[glyph]
        if self.cff is None:
            return None
        try:
            top = self.cff
            charstrings = top.CharStrings  # type: ignore[attr-defined]
            if glyph not in charstrings:
                return None
            cs, private = (
                charstrings.getItemAndSelector(glyph)
                if hasattr(charstrings, "getItemAndSelector")
                else (charstrings[glyph], None)
            )
            if private is not None and hasattr(top, "FDArray"):
                private = top.FDArray[private].Private
            else:
                private = getattr(top, "Private", None)
            extractor = T2WidthExtractor(
                cs.subrs if hasattr(cs, "subrs") else [],
                getattr(top, "GlobalSubrs", []),
                getattr(private, "nominalWidthX", 0),
                getattr(private, "defaultWidthX", 0),
            )
            extractor.execute(cs)
            matrix = getattr(top, "FontMatrix", [0.001])
            width = float(extractor.width) * float(matrix[0]) * 1000
        except Exception:  # a broken charstring: no width to compare
            return None
        self.advances[glyph] = width
        return width


def load(font: pikepdf.Dictionary, cache: dict[object, Program | None]) -> Program | None:
    """The embedded program of a simple font or CIDFont, or None (not embedded, or unreadable)."""
    descriptor = dictionary(font.get("/FontDescriptor"))
    if descriptor is None:
        return None
    kind, stream = "", None
    for key, candidate in (("/FontFile2", "truetype"), ("/FontFile3", "cff"), ("/FontFile", "type1")):
        if isinstance(descriptor.get(key), pikepdf.Stream):
            kind, stream = candidate, descriptor[key]
            break
    if stream is None:
        return None
    cache_key = stream.objgen if stream.is_indirect else id(stream)
    if cache_key in cache:
        return cache[cache_key]
    program: Program | None = None
    try:
        data = stream.read_bytes()[:MAX_FONT]
        subtype = name_of(stream.get("/Subtype"))
        if kind == "cff" and subtype == "OpenType":
            kind = "truetype" if not data.startswith(b"OTTO") else "opentype"
        if kind in ("truetype", "opentype"):
            program = _truetype(data)
        elif kind == "cff":
            program = _cff(data)
        else:
            program = _type1(data, stream)
    except Exception:  # fontTools raises many kinds of errors on broken fonts: treat as unreadable
        program = None
    cache[cache_key] = program
    return program


def _truetype(data: bytes) -> Program:
    font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
    program = Program("truetype")
    program.glyph_order = list(font.getGlyphOrder())
    program.glyph_count = len(program.glyph_order)
    program.names = set(program.glyph_order)
    if "post" in font and getattr(font["post"], "formatType", 3) in (1, 2):
        program.post_names = set(getattr(font["post"], "extraNames", []) or []) | set(program.glyph_order)
    if "cmap" in font:
        for table in font["cmap"].tables:
            program.cmaps.append((table.platformID, table.platEncID))
            program.cmap_tables.setdefault((table.platformID, table.platEncID), dict(table.cmap or {}))
    upem = font["head"].unitsPerEm if "head" in font else 1000
    if "hmtx" in font and upem:
        metrics = font["hmtx"].metrics
        program.advances = {name: advance * 1000.0 / upem for name, (advance, _) in metrics.items()}
    if "CFF " in font:
        cff = font["CFF "].cff
        program.cff = cff.topDictIndex[0]
    return program


def _cff(data: bytes) -> Program:
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    top = cff.topDictIndex[0]
    program = Program("cff", cff=top)
    charset = list(top.charset)
    program.glyph_order = charset
    program.glyph_count = len(charset)
    program.names = set(charset)
    encoding = getattr(top, "Encoding", "StandardEncoding")
    if isinstance(encoding, list):
        program.builtin = {code: name for code, name in enumerate(encoding[:256]) if name and name != ".notdef"}
    elif encoding == "StandardEncoding":
        program.builtin = {code: name for code, name in enumerate(StandardEncoding) if name != ".notdef"}
    if hasattr(top, "ROS"):
        program.cids = set()
        for name in charset:
            if name == ".notdef":
                program.cids.add(0)
            elif name.startswith("cid") and name[3:].isdigit():
                program.cids.add(int(name[3:]))
    return program


def _type1(data: bytes, stream: pikepdf.Stream) -> Program:
    program = Program("type1")
    clear = stream.get("/Length1")
    start = int(clear) if isinstance(clear, int) and 0 < int(clear) < len(data) else data.find(b"eexec") + 6
    head = data[:start]
    if re.search(rb"/Encoding\s+StandardEncoding\s+def", head):
        program.builtin = {code: name for code, name in enumerate(StandardEncoding) if name != ".notdef"}
    for code, name in re.findall(rb"dup\s+(\d+)\s*/([^\s/\[\]<>(){}%]+)\s+put", head):
        if int(code) < 256 and name != b".notdef":
            program.builtin[int(code)] = name.decode("latin-1")
    scale = 1000.0
    matrix = re.search(rb"/FontMatrix\s*\[\s*([-\d.eE]+)", head)
    if matrix:
        scale = float(matrix.group(1)) * 1000
    body = data[start:]
    if re.fullmatch(rb"[0-9A-Fa-f\s]+", body[:64] or b"x"):
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", body[:4_000_000])
        body = bytes.fromhex(digits[: len(digits) // 2 * 2].decode())
    plain, _ = decrypt(body, 55665)
    len_iv = re.search(rb"/lenIV\s+(\d+)", plain)
    skip = int(len_iv.group(1)) if len_iv else 4
    where = plain.find(b"/CharStrings")
    section = plain[where:] if where >= 0 else b""
    for match in re.finditer(rb"/([^\s/\[\]<>(){}%]+)\s+(\d+)\s+(?:RD|-\|)\s", section):
        name = match.group(1).decode("latin-1")
        program.names.add(name)
        if len(program.advances) < 20_000:
            charstring = section[match.end() : match.end() + int(match.group(2))]
            width = _type1_width(decrypt(charstring, 4330)[0][skip:])
            if width is not None:
                program.advances[name] = width * scale
    program.glyph_count = len(program.names)
    return program


def _type1_width(charstring: bytes) -> float | None:
    """The advance width a Type 1 charstring sets with hsbw (or sbw), its first operator."""
    stack: list[float] = []
    index = 0
    while index < len(charstring) and len(stack) < 48:
        v = charstring[index]
        if v >= 32:
            if v <= 246:
                stack.append(v - 139)
                index += 1
            elif v <= 250:
                stack.append((v - 247) * 256 + charstring[index + 1] + 108 if index + 1 < len(charstring) else 0)
                index += 2
            elif v <= 254:
                stack.append(-(v - 251) * 256 - charstring[index + 1] - 108 if index + 1 < len(charstring) else 0)
                index += 2
            else:
                stack.append(int.from_bytes(charstring[index + 1 : index + 5], "big", signed=True))
                index += 5
        elif v == 13:  # hsbw: sbx wx
            return float(stack[1]) if len(stack) >= 2 else None
        elif v == 12 and index + 1 < len(charstring) and charstring[index + 1] == 7:  # sbw: sbx sby wx wy
            return float(stack[2]) if len(stack) >= 4 else None
        elif v == 12 and index + 1 < len(charstring) and charstring[index + 1] == 12 and len(stack) >= 2:  # div
            b, a = stack.pop(), stack.pop()
            stack.append(a / b if b else 0)
            index += 2
        else:
            return None
    return None
