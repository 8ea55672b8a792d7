"""The braille edition's reading units: the XHTML of an article (the same conversion every output
uses) as a flat list of :class:`Block` s, each a heading, a paragraph, a list item or a line with
its indents in cells, following the basics of BANA's Braille Formats (2016):

- main headings centred, second-level headings in cell 5, lower ones in cell 7;
- paragraphs begin in cell 3 and run over to cell 1;
- list items begin with their marker in cell 1 (two cells further per nesting level), runovers two
  cells in;
- tables linearised: the column headings in one line, then each row's cells as "header: value" lines,
  the first in cell 1, the rest in cell 3;
- pictures by their text alternative; notices (red flags) by their heading, signs and action.

Indents here are counted from 0 (cell 1 is indent 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

CENTRED, CELL5, CELL7, TEXT, NEW_PAGE = "centred", "cell5", "cell7", "text", "new-page"


@dataclass(frozen=True)
class Block:
    kind: str  # CENTRED, CELL5, CELL7, TEXT or NEW_PAGE
    text: str = ""
    first: int = 0  # indent of the first line, in cells
    runover: int = 0  # indent of the other lines
    anchor: str = ""  # id of the print element it comes from (for the print page number)
    keep: bool = False  # keep with the next block on the same page (a heading, a table row's first line)
    right: str = ""  # braille set at the right end of its last line after guide dots (a contents entry's page)

    def key(self) -> str:
        return f"{self.kind}|{self.first}|{self.runover}|{self.anchor}|{int(self.keep)}|{self.right}|{self.text}"


def heading(level: int, text: str, anchor: str = "") -> Block:
    kind = CENTRED if level <= 1 else CELL5 if level == 2 else CELL7
    indent = {CENTRED: 0, CELL5: 4, CELL7: 6}[kind]
    return Block(kind, text, indent, indent, anchor, keep=True)


def paragraph(text: str, anchor: str = "", level: int = 0) -> Block:
    """A paragraph; one that ends with a colon (introducing a list) stays on the page of what follows it."""
    return Block(TEXT, text, 2 + 2 * level, 2 * level, anchor, keep=text.endswith(":"))


def item(text: str, anchor: str = "", level: int = 0, marker: str = "") -> Block:
    """A list item or entry (glossary, sources): first line in cell 1 (+2 per level), runovers 2 in."""
    shown = f"{marker} {text}" if marker else text
    return Block(TEXT, shown, 2 * level, 2 * level + 2, anchor)


def clean(text: str) -> str:
    """Whitespace collapsed, the characters print uses to keep words together made plain."""
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\u2060", "")
    text = re.sub(r"[\u2010\u2011]", "-", text)
    text = re.sub(r"[\s\u00a0\u202f\u2007]+", " ", text)
    return text.strip()


def inline_text(element: etree._Element) -> str:
    """The words of an element as a reader hears them: pictures by their alt text, breaks as spaces;
    decoration (aria-hidden) left out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str):
            if node.tail:
                parts.append(node.tail)
            return
        tag = etree.QName(node).localname
        if node.get("aria-hidden") == "true":
            pass
        elif tag == "img":
            alt = node.get("alt", "")
            if alt:
                parts.append(alt)
        elif tag == "br":
            parts.append(" ")
        else:
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node.tail:
            parts.append(node.tail)

    if element.text:
        parts.append(element.text)
    for child in element:
        walk(child)
    return clean("".join(parts))


def parse_fragment(html: str) -> etree._Element:
    """An XHTML fragment (as :func:`plainpress.markup.convert` returns it) inside one root element."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    wrapped = f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{html}</div>'
    root = etree.fromstring(wrapped.encode(), parser)
    if root is None:  # pragma: no cover - convert() always writes well-formed XHTML
        raise ValueError("not XHTML")
    return root


@dataclass
class Walker:
    """Turns the block elements of an article into :class:`Block` s."""

    picture: str = "Picture"  # the word before a picture's description
    blocks: list[Block] | None = None
    anchor: str = ""
    pictures: int = 0
    tables: int = 0

    def run(self, root: etree._Element, level_shift: int = 0) -> list[Block]:
        self.blocks = []
        self.shift = level_shift
        for child in root:
            self.block(child, 0)
        return self.blocks

    def _add(self, block: Block) -> None:
        assert self.blocks is not None
        if block.kind != TEXT or block.text:
            self.blocks.append(block)

    def _anchor(self, element: etree._Element) -> str:
        if element.get("id"):
            self.anchor = element.get("id")
        return self.anchor

    def block(self, element: etree._Element, level: int) -> None:
        if not isinstance(element.tag, str):
            return
        tag = etree.QName(element).localname
        anchor = self._anchor(element)
        if re.fullmatch(r"h[1-6]", tag):
            self._add(heading(int(tag[1]) + self.shift, inline_text(element), anchor))
        elif tag == "p":
            self._add(paragraph(inline_text(element), anchor, level))
        elif tag in ("ul", "ol"):
            self.list(element, level, ordered=tag == "ol")
        elif tag == "table":
            self.table(element)
        elif tag == "dl":
            for child in element:
                if isinstance(child.tag, str):
                    local = etree.QName(child).localname
                    self._anchor(child)
                    text = inline_text(child)
                    self._add(item(text, self.anchor, level) if local == "dt" else paragraph(text, self.anchor, level))
        elif tag == "figure":
            self.pictures += len(element.findall(".//{*}img"))
            caption = element.find("{*}figcaption")
            alt = " ".join(clean(img.get("alt", "")) for img in element.iter("{*}img") if img.get("alt"))
            words = " ".join(w for w in (alt, inline_text(caption) if caption is not None else "") if w)
            if words:
                self._add(paragraph(f"{self.picture}: {words}", anchor, level))
        elif tag == "img":
            self.pictures += 1
            if element.get("alt"):
                self._add(paragraph(f"{self.picture}: {clean(element.get('alt', ''))}", anchor, level))
        elif tag == "hr":
            return
        elif tag in ("pre",):
            for line in "".join(element.itertext()).splitlines():
                self._add(item(clean(line), anchor, level))
        elif tag in ("section", "div", "blockquote", "aside", "nav", "article", "header", "footer", "details"):
            inner = level + (1 if tag == "blockquote" else 0)
            if element.text and element.text.strip():
                self._add(paragraph(clean(element.text), anchor, inner))
            for child in element:
                self.block(child, inner)
                if isinstance(child.tag, str) and child.tail and child.tail.strip():
                    self._add(paragraph(clean(child.tail), self.anchor, inner))
        else:  # inline content standing alone
            self._add(paragraph(inline_text(element), anchor, level))

    def list(self, element: etree._Element, level: int, ordered: bool) -> None:
        number = int(element.get("start", "1") or 1) if ordered else 1
        for li in element:
            if not isinstance(li.tag, str) or etree.QName(li).localname != "li":
                continue
            anchor = self._anchor(li)
            marker = f"{number}." if ordered else "\u2022"
            number += 1
            nested = [c for c in li if isinstance(c.tag, str) and etree.QName(c).localname in ("ul", "ol", "p")]
            if any(etree.QName(c).localname == "p" for c in nested):
                paras = [c for c in li if isinstance(c.tag, str)]
                first = True
                for child in paras:
                    local = etree.QName(child).localname
                    if local in ("ul", "ol"):
                        self.list(child, level + 1, local == "ol")
                    elif first:
                        self._add(item(inline_text(child), anchor, level, marker))
                        first = False
                    else:
                        self._add(paragraph(inline_text(child), anchor, level + 1))
                continue
            own = _without(li, ("ul", "ol"))
            self._add(item(inline_text(own), anchor, level, marker))
            for child in li:
                if isinstance(child.tag, str) and etree.QName(child).localname in ("ul", "ol"):
                    self.list(child, level + 1, etree.QName(child).localname == "ol")

    def table(self, element: etree._Element) -> None:
        """Each body row as header-value lines: the first cell in cell 1, the others in cell 3."""
        self.tables += 1
        rows = [r for r in element.iter("{*}tr")]
        head_rows = [r for r in rows if r.getparent() is not None and etree.QName(r.getparent()).localname == "thead"]
        if not head_rows and rows and all(etree.QName(c).localname == "th" for c in rows[0] if isinstance(c.tag, str)):
            head_rows = rows[:1]
        headers = [inline_text(c) for c in head_rows[-1] if isinstance(c.tag, str)] if head_rows else []
        caption = element.find("{*}caption")
        if caption is not None and inline_text(caption):
            self._add(paragraph(inline_text(caption), self._anchor(element)))
        if headers:  # the column headings first, in print order (BANA's linear tables)
            self._add(Block(TEXT, "; ".join(headers), 0, 2, self._anchor(element), keep=True))
        for row in rows:
            if row in head_rows:
                continue
            anchor = self._anchor(row)
            cells = [inline_text(c) for c in row if isinstance(c.tag, str)]
            for index, value in enumerate(cells):
                name = headers[index] if index < len(headers) else ""
                text = f"{name}: {value}" if name else value
                indent = 0 if index == 0 else 2
                self._add(Block(TEXT, text, indent, indent + 2, anchor, keep=index == 0 and len(cells) > 1))


def _without(element: etree._Element, tags: tuple[str, ...]) -> etree._Element:
    """A copy of ``element`` without its children of ``tags`` (a list item's own words)."""
    copy = etree.fromstring(etree.tostring(element))
    for child in list(copy):
        if isinstance(child.tag, str) and etree.QName(child).localname in tags:
            if child.tail:
                previous = child.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + child.tail
                else:
                    copy.text = (copy.text or "") + child.tail
            copy.remove(child)
    return copy


def html_blocks(html: str, picture: str = "Picture", level_shift: int = 0) -> tuple[list[Block], Walker]:
    """The blocks of an article's XHTML, and the walker (what it met: pictures, tables)."""
    walker = Walker(picture=picture)
    return walker.run(parse_fragment(html), level_shift), walker
