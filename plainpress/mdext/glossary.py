"""Glossary links: the first use of each term in a chapter links to its entry.

Like Python-Markdown's ``abbr`` extension, a tree processor walks the text of
the finished tree. Matching is by whole words, case-insensitive, on every form
of every term, longest form first, in one pass over the words of each text
node (never one regular expression per term). Headings, links, code, citations
and terms already linked are left alone. Acronyms (two or more capitals) that
no term defines are recorded for the check stage.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from ..model import GlossaryEntry, term_use_anchor
from ..sources.glossary import WORD, GlossaryIndex
from .lines import LineFinder

SKIP = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp", "abbr", "script", "style"}
SKIP_CLASSES = {"citation", "red-flag-intro", "red-flag-action", "glossref"}
# Capital letters of every script up to U+1FFF (Latin with accents and Ñ, Greek, Cyrillic, …), so
# that acronyms and all-capital words of any book language are seen: VIH, EPOC, ÓRGANO, AINEs.
UPPER = "".join(c for c in map(chr, range(0x2000)) if c.isupper())
ACRONYM = re.compile(rf"(?<!\w)[{UPPER}][{UPPER}0-9]*[{UPPER}](?:s)?(?!\w)")


@dataclass
class TermUse:
    entry: int
    anchor: str


@dataclass
class Acronym:
    text: str
    line: int | None


@dataclass
class _State:
    linked: set[int] = field(default_factory=set)
    uses: list[TermUse] = field(default_factory=list)
    acronyms: dict[str, Acronym] = field(default_factory=dict)


class _Linker(Treeprocessor):
    def __init__(self, md: Markdown, ext: GlossaryExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        # Reading order, iteratively (the tree may be deep): an element's text, then each
        # child's own content, then that child's tail.
        stack: list[tuple[etree.Element, etree.Element | None]] = [(root, None)]
        while stack:
            element, before = stack.pop()
            if before is not None:  # the tail of `before`, a child of `element`
                if before.tail:
                    self._link_text(element, before)
                continue
            children = list(element)  # before the text is linked: the links made in it are not read again
            if element.text:
                self._link_text(element, None)
            for child in reversed(children):
                stack.append((element, child))
                if child.tag not in SKIP and not SKIP_CLASSES & set((child.get("class") or "").split()):
                    stack.append((child, None))

    def _link_text(self, parent: etree.Element, before: etree.Element | None) -> None:
        text = (before.tail if before is not None else parent.text) or ""
        self._acronyms(text)
        index, state = self.ext.index, self.ext.state
        matches = list(WORD.finditer(text))
        folded = [m.group(0).casefold() for m in matches]
        pieces: list[tuple[int, int, int]] = []  # (start, end, entry)
        i = 0
        first = index.first_words
        while i < len(matches):
            if folded[i] not in first:
                i += 1
                continue
            found = None
            for size in range(min(index.longest, len(matches) - i), 0, -1):
                key = tuple(folded[i : i + size])
                entry = index.forms.get(key)
                if entry is None or entry in state.linked:
                    continue
                if size > 1 and not all(
                    text[matches[j].end() : matches[j + 1].start()].isspace() for j in range(i, i + size - 1)
                ):
                    continue
                found = (matches[i].start(), matches[i + size - 1].end(), entry, size)
                break
            if found:
                start, end, entry, size = found
                state.linked.add(entry)
                pieces.append((start, end, entry))
                i += size
            else:
                i += 1
        if pieces:
            self._split(parent, before, text, pieces)

    def _split(self, parent: etree.Element, before: etree.Element | None, text: str, pieces: list) -> None:
        ext = self.ext
        head = text[: pieces[0][0]]
        if before is None:
            parent.text = head
            position = 0
        else:
            before.tail = head
            position = list(parent).index(before) + 1
        for n, (start, end, entry) in enumerate(pieces):
            anchor = term_use_anchor(ext.prefix, len(ext.state.uses) + 1)
            link = etree.Element(
                "a",
                {
                    "href": ext.href(ext.index.entries[entry]),
                    "role": "doc-glossref",
                    "class": "glossref",
                    "id": anchor,
                },
            )
            link.text = text[start:end]
            following = pieces[n + 1][0] if n + 1 < len(pieces) else len(text)
            link.tail = text[end:following]
            parent.insert(position, link)
            position += 1
            ext.state.uses.append(TermUse(entry, anchor))

    def _acronyms(self, text: str) -> None:
        ext = self.ext
        for match in ACRONYM.finditer(text):
            word = match.group(0)
            bare = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
            if (bare.casefold(),) in ext.index.forms or (word.casefold(),) in ext.index.forms:
                continue
            if bare not in ext.state.acronyms:
                ext.state.acronyms[bare] = Acronym(bare, ext.lines.line_of(bare))


class GlossaryExtension(Extension):
    def __init__(self, index: GlossaryIndex, href: Callable[[GlossaryEntry], str], prefix: str, source: str) -> None:
        super().__init__()
        self.index = index
        self.href = href
        self.prefix = prefix
        self.lines = LineFinder(source)
        self.state = _State()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        # After inline processing (20), before the outline and ids (5, 4).
        md.treeprocessors.register(_Linker(md, self), "pp_glossary", 7)

    def reset(self) -> None:
        self.state = _State()
