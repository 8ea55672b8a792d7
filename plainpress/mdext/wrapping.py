"""Where an article's lines may and may not break, and what would print other than it is written.

Run on the sanitised fragment (an lxml tree, raw HTML included), the last step of a conversion:

- numbers, dates, amounts with their unit and pronunciations go in a ``span.nobreak``
  (see :mod:`plainpress.nobreak`), so no output ever breaks them across lines;
- web addresses get a ``<wbr />`` after each ``/``, ``-`` and ``.``, so a long one wraps there
  rather than running off the page;
- bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) make
  the printed order differ from the written one ("Take 5 mg" printed "Take gm 5"): each one
  outside text marked right-to-left (``dir="rtl"``, or a ``lang`` of a right-to-left script) is
  reported (W001) with the words around it, for the caller to find its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..nobreak import URL, may_keep, spans, url_parts

BIDI = "W001"
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "pa-arab", "ps", "sd", "ug", "ur", "yi"}
_SKIP = {"pre", "code", "kbd", "samp", "script", "style"}  # code keeps its own text (it wraps by CSS)
_NAMES = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}


@dataclass(frozen=True)
class BidiControl:
    chars: str  # the controls of one text, in order
    text: str  # the words around the first, with the controls removed

    @property
    def char(self) -> str:
        return self.chars[0]

    @property
    def message(self) -> str:
        named = ", ".join(f"U+{ord(c):04X} ({_NAMES[c]})" for c in dict.fromkeys(self.chars))
        return (
            f"bidirectional control characters would print the text around them in another order than it is "
            f'written: {named}; remove them, or mark right-to-left text with <span dir="rtl">…</span>'
        )


def right_to_left(element: etree._Element) -> bool:
    """Whether the element or one around it is marked right-to-left."""
    node: etree._Element | None = element
    while node is not None:
        direction = (node.get("dir") or "").lower()
        if direction in ("rtl", "ltr"):
            return direction == "rtl"
        lang = (node.get("lang") or "").lower()
        if lang:
            return lang in _RTL_LANGUAGES or lang.split("-")[0] in _RTL_LANGUAGES
        node = node.getparent()
    return False


def bidi_controls(holder: etree._Element) -> list[BidiControl]:
    found: list[BidiControl] = []
    for element in holder.iter():
        if not isinstance(element.tag, str):
            continue
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            if not text or owner is None or not BIDI_CONTROLS.search(text) or right_to_left(owner):
                continue
            first = BIDI_CONTROLS.search(text)
            assert first is not None
            words = BIDI_CONTROLS.sub("", text[max(0, first.start() - 30) : first.end() + 30]).strip()
            found.append(BidiControl("".join(BIDI_CONTROLS.findall(text)), words))
    return found


def unhide(holder: etree._Element) -> None:
    """``aria-hidden`` stays only on what has nothing to say (an empty icon): text a reader sees is
    never kept from a listener."""
    for element in holder.iter():
        if isinstance(element.tag, str) and "aria-hidden" in element.attrib:
            if "".join(element.itertext()).strip() or element.tag == "img":
                del element.attrib["aria-hidden"]


def wrap_tree(holder: etree._Element) -> None:
    """Put what must stay together in ``span.nobreak`` and a ``<wbr />`` after each break point of a
    web address, in every text of the tree but code."""
    for element in list(holder.iter()):
        if not isinstance(element.tag, str) or _inside(element, _SKIP) or _is_nobreak(element):
            continue
        if element.text:
            lead, made = _pieces(element.text)
            if made:
                element.text = lead
                for index, new in enumerate(made):
                    element.insert(index, new)
        if element is not holder and element.tail and not _inside(element.getparent(), _SKIP):
            lead, made = _pieces(element.tail)
            if made:
                element.tail = lead
                parent = element.getparent()
                at = parent.index(element) + 1
                for offset, new in enumerate(made):
                    parent.insert(at + offset, new)


def _inside(element: etree._Element | None, tags: set[str]) -> bool:
    while element is not None:
        if element.tag in tags or _is_nobreak(element):
            return True
        element = element.getparent()
    return False


def _is_nobreak(element: etree._Element) -> bool:
    return element.tag == "span" and "nobreak" in (element.get("class") or "").split()


def _pieces(text: str) -> tuple[str, list[etree._Element]]:
    """The text before the first piece to mark, and the elements that follow it (each with its tail)."""
    if not may_keep(text) and "://" not in text and "www." not in text.lower():
        return text, []  # nothing to keep together, no web address (most texts)
    lead = ""
    made: list[etree._Element] = []

    def add_text(value: str) -> None:
        nonlocal lead
        if not value:
            return
        if made:
            last = made[-1]
            last.tail = (last.tail or "") + value
        else:
            lead += value

    at = 0
    for match in URL.finditer(text):
        _plain(text[at : match.start()], add_text, made)
        parts = url_parts(match.group(0))
        add_text(parts[0])
        for part in parts[1:]:
            wbr = etree.Element("wbr")
            wbr.tail = part
            made.append(wbr)
        at = match.end()
    _plain(text[at:], add_text, made)
    return lead, made


def _plain(text: str, add_text: Callable[[str], None], made: list[etree._Element]) -> None:
    for piece, keep in spans(text):
        if keep:
            span = etree.Element("span", {"class": "nobreak"})
            span.text = piece
            made.append(span)
        else:
            add_text(piece)
