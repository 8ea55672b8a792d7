"""An article's converted XHTML read back as a tree, for the checks that need its structure.

The tree is parsed with lxml's HTML parser (never searched with regular expressions). From it:
the plain text of every paragraph and list item (citations, headings, tables and the fixed words
of red-flag boxes left out) for the reading level, and the tables in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html as lxml_html
from lxml.etree import _Element

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = {"p", "ul", "ol", "dl", "table", "blockquote", "div", "section", "pre", "figure"} | HEADINGS
TEXT_BLOCKS = {"p", "li", "dt", "dd"}
LEFT_OUT = {"citation", "red-flag-intro", "red-flag-action", "red-flag-heading", "xref-note"}
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def parse(xhtml: str) -> _Element:
    """The converted article as one ``div`` element."""
    return lxml_html.fragment_fromstring(xhtml or "<p></p>", create_parent="div")


def classes(element: _Element) -> set[str]:
    return set((element.get("class") or "").split())


def text_of(element: _Element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _inline_text(element: _Element) -> str:
    """The text of a block without the blocks nested in it and without citations."""
    out = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCKS and not classes(child) & LEFT_OUT:
            out.append(_inline_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _inside(element: _Element, tags: set[str]) -> bool:
    return any(ancestor.tag in tags or classes(ancestor) & LEFT_OUT for ancestor in element.iterancestors())


def prose(root: _Element) -> list[str]:
    """Paragraphs and list items as plain text, in reading order."""
    out = []
    for element in root.iter(*TEXT_BLOCKS):
        if classes(element) & LEFT_OUT or _inside(element, {"table"} | HEADINGS):
            continue
        text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", _inline_text(element))).strip()
        if re.search(r"\w", text):
            out.append(text)
    return out


def tables(root: _Element) -> Iterator[_Element]:
    return root.iter("table")


def has_header(table: _Element) -> bool:
    """True when the table's first row holds header cells with some text."""
    rows = list(table.iter("tr"))
    if not rows:
        return False
    cells = [c for c in rows[0] if c.tag in ("th", "td")]
    return bool(cells) and all(c.tag == "th" for c in cells) and any(text_of(c) for c in cells)


def table_lines(body: str) -> list[int]:
    """Lines (from 1) of the header row of each Markdown table, and of each raw ``<table``, in order."""
    lines = body.split("\n")
    found, fenced = [], False
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if "<table" in line.lower():
            found.append(number)
        elif "|" in line and number < len(lines) and _DELIMITER_ROW.match(lines[number]) and "-" in lines[number]:
            found.append(number)
    return found
