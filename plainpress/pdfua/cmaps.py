"""Reading CMaps: the codespace that splits a string into character codes, and ToUnicode mappings."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pikepdf

MAX_PROGRAM = 4_000_000
_HEX = rb"<([0-9A-Fa-f\s]*)>"
_TOKEN = re.compile(rb"<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]<>(){}%]+|[^\s/\[\]<>(){}%]+")


def _hex(token: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", token.strip(b"<>"))
    if len(digits) % 2:
        digits += b"0"
    try:
        return bytes.fromhex(digits.decode("ascii"))
    except ValueError:
        return b""


def _sections(program: bytes, begin: bytes, end: bytes) -> list[list[bytes]]:
    found = []
    for match in re.finditer(rb"\b" + begin + rb"\b(.*?)\b" + end + rb"\b", program, re.S):
        found.append(_TOKEN.findall(match.group(1)))
    return found


@dataclass
class Codespace:
    """Byte lengths and ranges that split a string into codes (ISO 32000-1, 9.7.6.2)."""

    ranges: list[tuple[bytes, bytes]] = field(default_factory=list)
    default_length: int = 2

    def split(self, data: bytes) -> list[bytes]:
        if not self.ranges:
            n = self.default_length
            return [data[i : i + n] for i in range(0, len(data) - n + 1, n)]
        codes, index = [], 0
        lengths = sorted({len(lo) for lo, _ in self.ranges})
        while index < len(data):
            for length in lengths:
                code = data[index : index + length]
                if len(code) == length and any(
                    len(lo) == length and all(a <= c <= b for a, b, c in zip(lo, hi, code, strict=False))
                    for lo, hi in self.ranges
                ):
                    codes.append(code)
                    index += length
                    break
            else:
                length = lengths[0]
                codes.append(data[index : index + length])
                index += length
        return codes


def codespace(program: bytes) -> Codespace:
    space = Codespace()
    for tokens in _sections(program, b"begincodespacerange", b"endcodespacerange"):
        hexes = [_hex(t) for t in tokens if t.startswith(b"<")]
        for lo, hi in zip(hexes[0::2], hexes[1::2], strict=False):
            if lo and len(lo) == len(hi):
                space.ranges.append((lo, hi))
    return space


def read_program(stream: object) -> bytes:
    if not isinstance(stream, pikepdf.Stream):
        return b""
    try:
        return stream.read_bytes()[:MAX_PROGRAM]
    except (pikepdf.PdfError, RuntimeError, ValueError):
        return b""


def _utf16(data: bytes) -> str:
    if len(data) % 2:
        data = data + b"\0"
    return data.decode("utf-16-be", errors="replace")


@dataclass
class ToUnicode:
    """A ToUnicode CMap: character code -> text. Codes are compared as numbers, as veraPDF does."""

    chars: dict[int, str] = field(default_factory=dict)
    lows: list[int] = field(default_factory=list)  # sorted lows of ``ranges``
    ranges: list[tuple[int, int, object]] = field(default_factory=list)  # (low, high, target)

    def lookup(self, code: bytes) -> str | None:
        value = int.from_bytes(code, "big") if code else 0
        if value in self.chars:
            return self.chars[value]
        index = bisect.bisect_right(self.lows, value) - 1
        for low, high, target in reversed(self.ranges[max(0, index - 16) : index + 1]):
            if low <= value <= high:
                offset = value - low
                if isinstance(target, list):
                    return _utf16(target[offset]) if offset < len(target) else None
                assert isinstance(target, bytes)
                if not target:
                    return None
                width = 2 if len(target) >= 2 else 1
                last = (int.from_bytes(target[-width:], "big") + offset) % (1 << (8 * width))
                return _utf16(target[:-width] + last.to_bytes(width, "big"))
        return None


def to_unicode(stream: object) -> ToUnicode | None:
    program = read_program(stream)
    if not program:
        return None
    cmap = ToUnicode()
    for tokens in _sections(program, b"beginbfchar", b"endbfchar"):
        items = [t for t in tokens if t.startswith((b"<", b"/"))]
        for src, dst in zip(items[0::2], items[1::2], strict=False):
            if src.startswith(b"<") and dst.startswith(b"<"):
                cmap.chars[int.from_bytes(_hex(src), "big")] = _utf16(_hex(dst))
    rows = []
    for tokens in _sections(program, b"beginbfrange", b"endbfrange"):
        index = 0
        while index + 2 < len(tokens):
            lo, hi, dst = _hex(tokens[index]), _hex(tokens[index + 1]), tokens[index + 2]
            index += 3
            target: object
            if dst == b"[":
                items = []
                while index < len(tokens) and tokens[index] != b"]":
                    items.append(_hex(tokens[index]))
                    index += 1
                index += 1
                target = items
            else:
                target = _hex(dst)
            if lo and hi:
                rows.append((int.from_bytes(lo, "big"), int.from_bytes(hi, "big"), target))
    rows.sort(key=lambda row: row[0])
    cmap.ranges = rows
    cmap.lows = [row[0] for row in rows]
    return cmap
