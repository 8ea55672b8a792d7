"""Limits checked while parsing: nesting is refused before it can hurt.

Python-Markdown's block parser recurses once per level of lists, quotes and
red-flag blocks, its ``toc`` extension recurses over the finished tree, and
WeasyPrint recurses over the boxes of the page: deep enough input ends in a
``RecursionError`` (a traceback) instead of a message. So:

- a preprocessor reads the lines *before* the block parser runs and measures
  how deep each line nests (quote markers ``>``, list markers, definition
  markers, indentation under a list, open ``::: red-flag`` blocks) and how deep
  square brackets and parentheses are left open in a paragraph (the inline
  link parser is quadratic in them);
- a tree processor, right after inline parsing and before anything else walks
  the tree recursively, measures the depth of every element (emphasis nested
  in emphasis, raw HTML).

Both raise :class:`LimitError` with the line; the analyse stage turns it into
the finding L002, so nothing deeper than ``limits.nesting`` reaches an output.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..errors import PlainpressError
from .lines import LineFinder

DEFAULT_NESTING = 20
TAB = 4
# One container marker at the start of what is left of a line: a quote, a bullet,
# an ordered item, a definition. The marker must be followed by a space or the end.
_MARKER = re.compile(r"[ ]{0,3}(?:>|[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|:(?=[ \t]))[ \t]?")
_FLAG_START = re.compile(r"^\s*:::[ \t]*red-flag\b")
_FLAG_END = re.compile(r"^\s*:::[ \t]*$")
_RULE = re.compile(r"^[ ]{0,3}(?:(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,})$")  # a horizontal rule, not a list


class LimitError(PlainpressError):
    """Input nested deeper than the book's limit (L002), or that would take too long to read
    (L003); ``line`` is a line of the article's body."""

    def __init__(self, line: int | None, message: str, code: str = "L002", text: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.code = code
        self.text = text


def element_limit(nesting: int) -> int:
    """Deepest element tree accepted: two elements per level of lists (ul, li), and room for inline markup."""
    return 2 * nesting + 10


def line_depths(lines: list[str]) -> list[tuple[int, int]]:
    """(line number, depth) of every line that opens containers, in order (a pure function, for tests)."""
    out: list[tuple[int, int]] = []
    flags = 0
    last = 0  # depth of the last line with a marker: indentation nests at most that deep
    for number, raw in enumerate(lines, start=1):
        if _FLAG_END.match(raw):
            flags = max(flags - 1, 0)
            continue
        if _FLAG_START.match(raw):
            flags += 1
            out.append((number, flags))
            continue
        text = raw.expandtabs(TAB)
        if _RULE.match(text):
            continue
        indent = len(text) - len(text.lstrip(" "))
        position, markers = indent, 0
        while (m := _MARKER.match(text, position)) and m.end() > position:
            markers += 1
            position = m.end()
        if markers:
            depth = min(indent // TAB, last) + markers
            last = depth
            out.append((number, depth + flags))
    return out


# Python-Markdown (and the HTML tokenizer it uses) does some things in time that grows with the square
# of a paragraph: a block processor that takes one line at a time off a block and puts the rest back,
# a '<' that starts a tag never closed, a run of backticks never closed. The work they would take is
# estimated before parsing (in characters scanned) and refused over this budget (about a second).
WORK_BUDGET = 30_000_000
# Inline parsing of one paragraph grows faster than its length when it holds tens of thousands of
# links or emphases: one paragraph (a table cell, a list item) is refused past this many characters.
MAX_INLINE = 100_000
_ONE_LINE_BLOCKS = re.compile(r"^(?:[ ]{0,3}#{1,6}(?:[ \t]|$)|[ ]{0,3}(?:=+|-+)[ \t]*$|[ ]{0,3}:[ \t]|\s*:::)")
_TAG_START = re.compile(r"</?[A-Za-z]")
_TICKS = re.compile(r"`+")


def work_estimates(lines: list[str]) -> list[tuple[int, str, int]]:
    """(first line, what, characters scanned) of the quadratic work each block of the text would cost."""
    out: list[tuple[int, str, int]] = []
    source = "\n".join(lines)
    # A tag never closed: the tokenizer scans to the next '>' from every '<x' (across lines).
    closers = [m.start() for m in re.finditer(">", source)]
    work, first, index = 0, None, 0
    for match in _TAG_START.finditer(source):
        while index < len(closers) and closers[index] < match.start():
            index += 1
        end = closers[index] if index < len(closers) else len(source)
        work += end - match.start()
        if end - match.start() > 200 and first is None:
            first = source.count("\n", 0, match.start()) + 1
    if work:
        what = "'<' starting tags that are never closed with '>' (write &lt; for a less-than sign)"
        out.append((first or 1, what, work))
    for number, block in _blocks(lines):
        size = sum(len(line) + 1 for line in block)
        singles = sum(1 for line in block if _ONE_LINE_BLOCKS.match(line) or _RULE.match(line))
        if singles > 1:
            what = "headings, rules, definitions or ':::' lines with no blank line between them"
            out.append((number, what, singles * size))
        text = "\n".join(block)
        runs = [(m.start(), len(m.group())) for m in _TICKS.finditer(text)]
        later: dict[int, int] = {}
        unclosed = 0
        for position, length in reversed(runs):
            if not later.get(length):  # the regex tries each backtick of the run against the rest
                unclosed += (len(text) - position) * length * length // 4
            later[length] = later.get(length, 0) + 1
        if unclosed:
            out.append((number, "runs of backticks (`) that open code spans they never close", unclosed))
    return out


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """The blocks of the text (lines between blank lines), with the number of their first line."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 1
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            out.append((first, current))
            current = []
    if current:
        out.append((first, current))
    return out


_NOT_BRACKET = re.compile(r"[^\[\]()]+")


def bracket_depths(lines: list[str]) -> list[tuple[int, int]]:
    """(line, depth) where ``[`` or ``(`` are left open deepest in each paragraph (code spans and escapes aside)."""
    out: list[tuple[int, int]] = []
    depth = deepest = 0
    deepest_line = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():  # a paragraph ends: what it left open is closed
            if deepest:
                out.append((deepest_line, deepest))
            depth = deepest = 0
            continue
        text = _without_code_spans(raw.replace("\\\\", "").replace("\\[", "").replace("\\(", ""))
        for char in _NOT_BRACKET.sub("", text):  # the brackets alone, in order
            if char in "[(":
                depth += 1
                if depth > deepest:
                    deepest, deepest_line = depth, number
            elif char in "])" and depth:
                depth -= 1
    if deepest:
        out.append((deepest_line, deepest))
    return out


def _without_code_spans(text: str) -> str:
    """The text with its code spans (a run of backticks to the next run as long) cut out, in linear time."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    if len(runs) < 2:
        return text
    later: dict[int, list[int]] = {}
    for index in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)  # each list: indexes, last first
    pieces, position, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        while same and same[-1] <= index:
            same.pop()
        if same:
            closing = same.pop()
            pieces.append(text[position:start])
            position, index = runs[closing][1], closing + 1
        else:
            index += 1
    pieces.append(text[position:])
    return "".join(pieces)


class _NestingCheck(Preprocessor):
    """Before the block parser: refuse lines that nest deeper than the limit."""

    def __init__(self, md: Markdown, limit: int) -> None:
        super().__init__(md)
        self.limit = limit

    def run(self, lines: list[str]) -> list[str]:
        for number, depth in line_depths(lines):
            if depth > self.limit:
                raise LimitError(
                    number,
                    f"lists, quotes or red-flag blocks nested {depth} deep; the limit is {self.limit} "
                    "(limits.nesting in book.yaml)",
                )
        for number, depth in bracket_depths(lines):
            if depth > self.limit:
                raise LimitError(
                    number,
                    f"square brackets or parentheses left open {depth} deep in one paragraph; "
                    f"the limit is {self.limit} (limits.nesting in book.yaml)",
                )
        total = 0
        for number, what, work in work_estimates(lines):
            total += work
            if work > WORK_BUDGET or total > WORK_BUDGET:
                raise LimitError(
                    number,
                    f"this text would take too long to read: {what} (about {work // 1_000_000 or 1} million "
                    f"characters to scan; the limit is {WORK_BUDGET // 1_000_000} million); "
                    "add blank lines between blocks, or close or escape what is left open",
                    code="L003",
                )
        return lines


class _InlineSize(Treeprocessor):
    """After the block parser, before inline parsing: refuse a paragraph too long to parse in time."""

    def __init__(self, md: Markdown, source: str) -> None:
        super().__init__(md)
        self.source = source

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.text and len(element.text) > MAX_INLINE:
                start = element.text.strip().split("\n", 1)[0][:60]
                raise LimitError(
                    LineFinder(self.source).line_of(start) if start else None,
                    f"a paragraph of {len(element.text):,} characters; the limit is {MAX_INLINE:,}: "
                    "split it with blank lines",
                    code="L003",
                )


class _DepthCheck(Treeprocessor):
    """After inline parsing, before any recursive walk: refuse an element tree deeper than the limit."""

    def __init__(self, md: Markdown, limit: int, source: str) -> None:
        super().__init__(md)
        self.limit = limit
        self.source = source

    def run(self, root: etree.Element) -> None:
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > element_limit(self.limit):
                text = " ".join("".join(node.itertext()).split())[:40]
                line = LineFinder(self.source).line_of(text) if text else None
                raise LimitError(
                    line,
                    f"markup nested {depth} elements deep (emphasis, links or HTML inside each other); "
                    f"the limit is {element_limit(self.limit)} (twice limits.nesting in book.yaml, and 10)",
                )
            stack.extend((child, depth + 1) for child in node)


def register(md: Markdown, limit: int, source: str) -> None:
    # After whitespace is normalised (30), before raw HTML is stashed (20): lines are the source's lines.
    md.preprocessors.register(_NestingCheck(md, limit), "pp_nesting_limit", 25)
    # Before inline parsing (20).
    md.treeprocessors.register(_InlineSize(md, source), "pp_inline_size", 25)
    # After inline parsing (20), before the glossary, toc and outline (7, 5, 4) walk the tree.
    md.treeprocessors.register(_DepthCheck(md, limit, source), "pp_depth_limit", 19)
