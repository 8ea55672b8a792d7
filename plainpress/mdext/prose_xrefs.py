"""References to other articles by title, in prose: "see When to Worry About Twitches".

Pasted articles point to each other by title, introduced by words such as "see", "see related
insights on", "consider", "review", "details in" or "as in". A tree processor walks the text of the
finished tree (after inline processing, before the glossary links and the cross-reference links):

- a chapter title of this book after such words becomes a link ``[title](slug.md)``, which the
  cross-reference extension then writes by the output's policy, like any link to a chapter;
- a Title Case run of words (or a quoted title) after such words that is not a chapter of this
  book is recorded, with its line, for the check stage to name (the text is left as it is).

Headings, links, code and citations are never searched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import lru_cache

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .lines import LineFinder

SKIP = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp", "script", "style", "table"}
EMPHASIS = {"em", "strong", "i", "b", "cite"}
SKIP_CLASSES = {"citation", "red-flag-intro", "red-flag-action", "red-flag-heading", "xref-note"}

# Words that introduce a reference, by the primary language subtag; longest first when matched.
INTRODUCERS = {
    "en": (
        "see related insights on",
        "see related articles on",
        "see our article on",
        "see our guide to",
        "see also",
        "see",
        "consider",
        "review",
        "details in",
        "more details in",
        "read more in",
        "learn more in",
        "more in",
        "as in",
        "as described in",
        "as explained in",
        "explained in",
        "covered in",
        "refer to",
        "check out",
        "read",
    ),
    "es": (
        "consulte también",
        "consulte",
        "véase también",
        "véase",
        "vea también",
        "vea",
        "ver también",
        "ver",
        "lea",
        "considere",
        "revise",
        "más detalles en",
        "detalles en",
        "como en",
        "como se explica en",
    ),
}
SMALL = {
    "en": {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"}
    | {"vs", "vs.", "with", "without", "per", "over", "off", "up", "via", "versus", "your", "you"},
    "es": {"a", "al", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los", "o", "para", "por", "u", "y"}
    | {"un", "una", "sin", "sobre", "su", "sus", "tu", "tus"},
}
# Words between the introducer and the title: "see the article Title", "consulte el artículo Título".
LEAD_INS = {
    "en": re.compile(r"(?:(?:the|our)\s+(?:article|guide|page|chapter|section)s?\s*(?:on\s+)?)?[:\s]*", re.I),
    "es": re.compile(r"(?:(?:el|nuestro|la|nuestra)\s+(?:artículo|guía|página|capítulo|sección)\s*)?[:\s]*", re.I),
}
_TOKEN = re.compile(r"[^\W_][\w'’]*(?:-[\w'’]+)*\.?|[:,—–&-]|\s+", re.UNICODE)
# Between words of a title; a capitalised word must follow: "Iron, Ferritin and Sleep", "Rest: A Guide".
_JOINERS = frozenset(":,—–&-")
_BLANK_TO_END = re.compile(r"\s*\Z")
_TITLE_START = re.compile(r"[\"“‘']|[^\W_]", re.UNICODE)  # a quote, or a letter or digit (its case is checked after)
_ABBREVIATIONS = {"dr", "st", "mr", "mrs", "ms", "vs", "no", "sr", "sra", "dra"}
_QUOTED = re.compile(r"[\"“‘'](?P<title>[^\"”’']{3,150})[\"”’']")


@dataclass
class ProseRef:
    title: str
    slug: str | None  # None: not a chapter of this book
    introducer: str
    line: int | None


@dataclass
class _State:
    found: list[ProseRef] = field(default_factory=list)


def _words(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _title_case_run(text: str, start: int, small: set[str]) -> str | None:
    """The Title Case words at ``start`` in ``text`` (two capitalised words at least), or None."""
    end, capitals, pending_joiner = start, 0, False
    position = start
    for match in _TOKEN.finditer(text, start):
        if match.start() != position:
            break
        position = match.end()
        token = match.group(0)
        if token.isspace():
            continue
        bare = token.rstrip(".")
        if token in _JOINERS:
            if not capitals:
                break
            pending_joiner = True
            continue
        if bare[:1].isupper() or bare[:1].isdigit():
            capitals += 1
            end, pending_joiner = match.start() + len(bare), False
            if token.endswith(".") and bare.casefold() not in _ABBREVIATIONS:
                break  # the end of the sentence
            continue
        if capitals and token.lower() in small and not pending_joiner:
            continue
        break
    return text[start:end] if capitals >= 2 else None


@lru_cache(maxsize=8)
def _introducers(language: str) -> re.Pattern[str]:
    words = sorted(INTRODUCERS[language], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")\s+", re.I)


@lru_cache(maxsize=8)
def _title_pattern(titles: tuple[tuple[str, str], ...]) -> tuple[list[str], re.Pattern[str] | None]:
    """One pattern for every chapter title, longest first, and the slugs: the group that matched names
    the slug. Made once per book, not once per article (the same titles for every article)."""
    ordered = sorted(((_norm(t), s) for t, s in titles), key=lambda ts: -len(ts[0]))  # longest first
    slugs = [slug for title, slug in ordered if title]
    if not slugs:
        return slugs, None
    pattern = re.compile(
        "|".join(
            f"(?P<t{n}>" + r"\s+".join(re.escape(w) for w in title.split()) + ")"
            for n, title in enumerate(title for title, _ in ordered if title)
        )
        + r"(?![\w-])",
        re.I,
    )
    return slugs, pattern


class _ProseRefs(Treeprocessor):
    def __init__(self, md: Markdown, ext: ProseXrefExtension) -> None:
        super().__init__(md)
        self.ext = ext
        language = ext.language if ext.language in INTRODUCERS else "en"
        self.intro = _introducers(language)
        self.small = SMALL[language]
        self.lead_in = LEAD_INS[language]
        self.slugs, self.titles = _title_pattern(tuple(ext.titles.items()))

    def run(self, root: etree.Element) -> None:
        # Iterative (the tree may be deep), in reading order: an element's text, then each child
        # followed by its tail. Links made here are never searched again.
        stack: list[tuple[etree.Element, etree.Element | None]] = [(root, None)]
        while stack:
            element, tail_in = stack.pop()
            if tail_in is not None:
                self._scan(tail_in, element)
                continue
            children = list(element)
            if element.text:
                self._scan(element, None)
            for child in reversed(children):
                if child.tail:
                    stack.append((child, element))
                if child.tag not in SKIP and not SKIP_CLASSES & set((child.get("class") or "").split()):
                    stack.append((child, None))

    def _scan(self, parent: etree.Element, before: etree.Element | None) -> None:
        text = (before.tail if before is not None else parent.text) or ""
        links: list[tuple[int, int, str]] = []
        for intro in self.intro.finditer(text):
            if links and intro.start() < links[-1][1]:
                continue
            start = self.lead_in.match(text, intro.end()).end()  # type: ignore[union-attr]
            found = self._known(text, start)
            if found:
                begin, end, slug = found
                title = text[begin:end]
                self.ext.state.found.append(ProseRef(title, slug, _words(intro), self.ext.lines.line_of(title)))
                if slug != self.ext.slug:
                    links.append((begin, end, slug))
            elif _BLANK_TO_END.match(text, start):
                self._emphasised(parent, before, _words(intro))
            elif _TITLE_START.match(text, start):
                quoted = _QUOTED.match(text, start)
                title = quoted.group("title").strip() if quoted else _title_case_run(text, start, self.small)
                if title and len(title.split()) >= 2:
                    self.ext.state.found.append(ProseRef(title, None, _words(intro), self.ext.lines.line_of(title)))
        if links:
            self._link(parent, before, text, links)

    def _emphasised(self, parent: etree.Element, before: etree.Element | None, introducer: str) -> None:
        """A title set in italics or bold right after the introducer: "see *A Title*"."""
        index = 0 if before is None else list(parent).index(before) + 1
        if index >= len(parent) or parent[index].tag not in EMPHASIS or len(parent[index]):
            return
        element = parent[index]
        title = re.sub(r"\s+", " ", element.text or "").strip()
        found = self._known(title, 0)
        if found and found[:2] == (0, len(title)):
            self.ext.state.found.append(ProseRef(title, found[2], introducer, self.ext.lines.line_of(title)))
            if found[2] != self.ext.slug:
                link = etree.SubElement(element, "a", {"href": f"{found[2]}.md", "class": "prose-xref"})
                link.text, element.text = element.text, None
        elif len(title.split()) >= 2:
            self.ext.state.found.append(ProseRef(title, None, introducer, self.ext.lines.line_of(title)))

    def _known(self, text: str, start: int) -> tuple[int, int, str] | None:
        """(start, end, slug) of a chapter title at ``start`` (after an opening quote), case aside."""
        begin = start + 1 if text[start : start + 1] in ('"', "“", "‘", "'") else start
        match = self.titles.match(text, begin) if self.titles else None
        if match and match.lastgroup:
            return begin, match.end(), self.slugs[int(match.lastgroup[1:])]
        return None

    @staticmethod
    def _link(parent: etree.Element, before: etree.Element | None, text: str, links: list) -> None:
        head = text[: links[0][0]]
        if before is None:
            parent.text = head
            position = 0
        else:
            before.tail = head
            position = list(parent).index(before) + 1
        for n, (start, end, slug) in enumerate(links):
            link = etree.Element("a", {"href": f"{slug}.md", "class": "prose-xref"})
            link.text = text[start:end]
            link.tail = text[end : links[n + 1][0] if n + 1 < len(links) else len(text)]
            parent.insert(position, link)
            position += 1


class ProseXrefExtension(Extension):
    def __init__(self, titles: dict[str, str], slug: str, source: str, language: str = "en") -> None:
        super().__init__()
        self.titles = titles  # chapter title -> slug
        self.slug = slug
        self.source = source
        self.language = language.replace("_", "-").split("-")[0].lower()
        self.lines = LineFinder(source)
        self.state = _State()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        # After inline processing (20), before glossary links (7) and the links to chapters (6).
        md.treeprocessors.register(_ProseRefs(md, self), "pp_prose_xrefs", 8)

    def reset(self) -> None:
        self.state = _State()
        self.lines = LineFinder(self.source)

    @property
    def found(self) -> list[ProseRef]:
        return self.state.found
