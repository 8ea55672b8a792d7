"""Citations: ``[@key]``, ``[@a; @b]``, ``[@key, p. 12]`` and mapped numbers ``[1]``.

An inline processor turns each citation into numbered links to the
bibliography (``role="doc-biblioref"``), each with an id that the
bibliography links back to. What cannot be resolved stays visible in the text
and is recorded for the check stage: unknown keys, numbers with no mapping in
the front matter, and malformed citations such as ``[web:14, not provided]``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from ..model import citation_anchor, reference_anchor
from .lines import LineFinder

_KEY = r"[A-Za-z0-9_][\w:.#$%&+?<>~/-]*"
_PART = re.compile(rf"^\s*@(?P<key>{_KEY})\s*(?:,\s*(?P<locator>[^;]+?))?\s*$")
CITATION = r"\[(?:@[^\[\]\n]*|\d+(?:\s*[,\u2013-]\s*\d+)*|[A-Za-z]+:\s*\d+[^\[\]\n]*)\](?![(:])"


@dataclass
class CiteUse:
    key: str
    anchor: str
    line: int | None
    locator: str | None = None


@dataclass
class CiteProblem:
    code: str
    message: str
    text: str
    line: int | None
    hint: str = ""


@dataclass
class CitePolicy:
    """How an output numbers and links citations."""

    number: Callable[[str], int | None] = lambda key: None
    href: Callable[[str], str] = lambda key: "#" + reference_anchor(key)


@dataclass
class _State:
    uses: list[CiteUse] = field(default_factory=list)
    problems: list[CiteProblem] = field(default_factory=list)
    count: int = 0


def parse_keyed(inner: str) -> list[tuple[str, str | None]] | None:
    """``@a, p. 3; @b`` -> [(a, 'p. 3'), (b, None)]; None when malformed."""
    out = []
    for part in inner.split(";"):
        match = _PART.match(part)
        if not match:
            return None
        out.append((match.group("key"), match.group("locator")))
    return out


def expand_numbers(inner: str) -> list[int]:
    """``1, 3-5`` -> [1, 3, 4, 5]."""
    numbers: list[int] = []
    for piece in re.split(r"\s*,\s*", inner.strip()):
        bounds = re.split(r"\s*[\u2013-]\s*", piece)
        if len(bounds) == 2:
            low, high = int(bounds[0]), int(bounds[1])
            numbers.extend(range(low, high + 1) if 0 < high - low < 50 else (low, high))
        else:
            numbers.append(int(bounds[0]))
    return numbers


class _CitationProcessor(InlineProcessor):
    def __init__(self, ext: CitationExtension, md: Markdown) -> None:
        super().__init__(CITATION, md)
        self.ext = ext

    def handleMatch(  # noqa: N802
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int] | tuple[None, None, None]:
        ext = self.ext
        raw = m.group(0)
        inner = raw[1:-1]
        line = ext.lines.line_of(raw)
        if inner.startswith("@"):
            parsed = parse_keyed(inner)
            if parsed is None:
                return self._visible(
                    raw, "C002", "malformed citation; expected [@key] or [@key, p. 12]", line
                ), *m.span()
        elif inner[0].isdigit():
            if data[m.start() - 1 : m.start()] == "]" and inner.lower() in self.md.references:
                return None, None, None  # `[text][1]` with `[1]: address` defined: a reference link's label
            numbers = expand_numbers(inner)
            unmapped = [n for n in numbers if n not in ext.mapping]
            if unmapped:  # one problem per number, so that the same number is reported once with its lines
                for n in unmapped[1:]:
                    message = f"numbered citation {n} has no mapping in the front matter"
                    ext.state.problems.append(CiteProblem("C003", message, f"[{n}]", line, "citations: {n: key}"))
                message = f"numbered citation {unmapped[0]} has no mapping in the front matter"
                return self._visible(raw, "C003", message, line, "citations: {n: key}", f"[{unmapped[0]}]"), *m.span()
            parsed = [(ext.mapping[n], None) for n in numbers]
        else:
            return self._visible(raw, "C002", "malformed citation; expected [@key] or a mapped [1]", line), *m.span()
        return self._render(parsed, raw, line), *m.span()

    def _visible(
        self, raw: str, code: str, message: str, line: int | None, hint: str = "", text: str = ""
    ) -> etree.Element:
        self.ext.state.problems.append(CiteProblem(code, message, text or raw, line, hint))
        span = etree.Element("span", {"class": "citation citation-problem"})
        span.text = raw
        return span

    def _render(self, parsed: list[tuple[str, str | None]], raw: str, line: int | None) -> etree.Element:
        ext, policy = self.ext, self.ext.policy
        span = etree.Element("span", {"class": "citation"})
        span.text = "["
        last: etree.Element | None = None
        for index, (key, locator) in enumerate(parsed):
            if index:
                _append_text(span, last, "; ")
            number = policy.number(key)
            if number is None:
                ext.state.problems.append(CiteProblem("C001", f"citation key not found: {key}", raw, line))
                last = etree.SubElement(span, "span", {"class": "citation-unresolved"})
                last.text = f"?{key}"
            else:
                ext.state.count += 1
                anchor = citation_anchor(ext.prefix, ext.state.count)
                last = etree.SubElement(
                    span,
                    "a",
                    {"href": policy.href(key), "role": "doc-biblioref", "id": anchor, "class": "cite"},
                )
                last.text = str(number)
                ext.state.uses.append(CiteUse(key, anchor, line, locator))
            if locator:
                _append_text(span, last, f", {locator}")
        _append_text(span, last, "]")
        return span


def _append_text(parent: etree.Element, last: etree.Element | None, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


class CitationExtension(Extension):
    def __init__(self, policy: CitePolicy, prefix: str, source: str, mapping: dict[int, str]) -> None:
        super().__init__()
        self.policy = policy
        self.prefix = prefix
        self.mapping = mapping
        self.lines = LineFinder(source)
        self.state = _State()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        # After code spans and escapes (190, 180), before reference links (170).
        md.inlinePatterns.register(_CitationProcessor(self, md), "pp_citation", 175)

    def reset(self) -> None:
        self.state = _State()
