"""Headings and structure: collect the outline, give headings stable ids.

A preprocessor notes the line of every ATX heading (outside fenced code); a
tree processor then walks the finished tree in order, gives each heading an id
prefixed with the article's slug (ids must be unique in the one-document book
PDF) and records it, with its line, for the outline and for the checks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.extensions.toc import slugify_unicode
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from ..model.anchors import block_anchor

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")
_SETEXT = re.compile(r"^([=-])\1*[ ]*$")  # as Python-Markdown's setext heading: = for h1, - for h2


@dataclass
class HeadingInfo:
    level: int
    text: str
    anchor: str
    line: int | None
    outline: bool = True


@dataclass
class StructureReport:
    headings: list[HeadingInfo] = field(default_factory=list)
    max_depth: int = 0
    images_without_alt: list[str] = field(default_factory=list)


def text_of(element: etree.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


class _HeadingLines(Preprocessor):
    def __init__(self, md: Markdown, ext: StructureExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        in_fence = False
        fences = "fenced_code_block" in self.md.preprocessors  # without fenced_code, ``` is text
        found: list[tuple[int, int]] = []
        for number, line in enumerate(lines, start=1):
            if fences and _FENCE.match(line):
                in_fence = not in_fence
            elif not in_fence and (m := _ATX.match(line)):
                found.append((len(m.group(1)), number))
            elif not in_fence and line.strip() and number < len(lines) and (u := _SETEXT.match(lines[number])):
                found.append((1 if u.group(1) == "=" else 2, number))  # its text's line, underlined on the next
        self.ext.heading_lines = found
        return lines


class _Outline(Treeprocessor):
    def __init__(self, md: Markdown, ext: StructureExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        report = StructureReport()
        used: set[str] = set()
        pending = list(self.ext.heading_lines)
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                level = int(element.tag[1])
                text = text_of(element)
                anchor = element.get("id") or self._anchor(text, used)
                used.add(anchor)
                element.set("id", anchor)
                line = None
                outline = "red-flag-heading" not in (element.get("class") or "")
                for i, (lvl, ln) in enumerate(pending if outline else []):
                    if lvl == level:
                        line = ln
                        del pending[: i + 1]
                        break
                report.headings.append(HeadingInfo(level, text, anchor, line, outline))
            elif element.tag == "img" and not element.get("alt", "").strip() and not _decorative(element):
                report.images_without_alt.append(element.get("src", ""))
            elif element.tag == "th" and element.get("scope") is None:
                element.set("scope", "col")
        report.max_depth = _depth(root)
        self.ext.report = report  # the source's own levels, for the checks
        offset = int(self.ext.getConfig("offset"))
        if offset:
            for element in root.iter():
                if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    element.tag = f"h{min(int(element.tag[1]) + offset, 6)}"
        _block_ids(root, self.ext.getConfig("prefix"))

    def _anchor(self, text: str, used: set[str]) -> str:
        base = f"{self.ext.getConfig('prefix')}{slugify_unicode(text, '-') or 'section'}"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        return anchor


_NESTING = {"ul", "ol", "blockquote", "dl"}
_BLOCKS = {"p", "li", "dt", "dd", "table", "blockquote", "pre", "ul", "ol", "dl", "tr"}


def _block_ids(root: etree.Element, prefix: str) -> None:
    """Every block gets an id, the same in every output: the EPUB's page-break markers
    are placed before the block each page of the book PDF begins with."""
    used = {el.get("id") for el in root.iter() if el.get("id")}
    number = 0
    for element in root.iter():
        if element.tag in _BLOCKS and not element.get("id") and not _raw_html_holder(element):
            number += 1
            while block_anchor(prefix, number) in used:
                number += 1
            element.set("id", block_anchor(prefix, number))


def _raw_html_holder(element: etree.Element) -> bool:
    """A paragraph that only holds a block of raw HTML: Python-Markdown puts the HTML in its place
    (and drops the paragraph) only when the paragraph has no attributes."""
    return element.tag == "p" and not len(element) and bool(HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip()))


def _decorative(image: etree.Element) -> bool:
    """Our own icons beside a text label (and images an editor marks decorative)."""
    return bool({"red-flag-icon", "decorative"} & set((image.get("class") or "").split()))


def _depth(element: etree.Element) -> int:
    """Deepest nesting of lists and quotes, iteratively (input may be hostile)."""
    deepest = 0
    stack = [(element, 0)]
    while stack:
        node, depth = stack.pop()
        depth += node.tag in _NESTING
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node)
    return deepest


class StructureExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "prefix": ["", "Prefix of every heading id"],
            "offset": [0, "Levels added to every heading (1 for a chapter inside a part, whose title is an h2)"],
        }
        super().__init__(**kwargs)
        self.heading_lines: list[tuple[int, int]] = []
        self.report = StructureReport()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        # Before anything stashes lines away (raw HTML 20, fenced code 25): the lines are the source's.
        md.preprocessors.register(_HeadingLines(md, self), "pp_heading_lines", 35)
        # After inline processing (20) and the toc extension's ids (5).
        md.treeprocessors.register(_Outline(md, self), "pp_outline", 4)

    def reset(self) -> None:
        self.heading_lines = []
        self.report = StructureReport()
