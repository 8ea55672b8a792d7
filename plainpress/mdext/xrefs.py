"""Links to other articles: ``[text](other-article.md#section)``.

A tree processor finds every link whose target is a Markdown file, records
it, and asks the output's policy how to write it: as a link (EPUB, book PDF)
or as plain text with a note naming the handout (print). A link whose article
is not in the book is never left as a dead link: it becomes plain text and the
check stage reports it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from ..model import Article
from .lines import LineFinder

_MD_TARGET = re.compile(r"^(?:\./)?(?:[^/]*/)*([^/#?]+)\.md$")


@dataclass
class CrossRef:
    slug: str
    fragment: str | None
    text: str
    line: int | None


@dataclass
class XrefPolicy:
    """How an output writes a link to ``slug`` (an article of the book)."""

    href: Callable[[str, str | None], str | None]
    note: Callable[[str], str | None] = lambda slug: None
    known: Callable[[str], bool] = lambda slug: False


@dataclass
class _State:
    found: list[CrossRef] = field(default_factory=list)


def markdown_target(href: str) -> tuple[str, str | None] | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    match = _MD_TARGET.match(unquote(parts.path))
    if not match:
        return None
    return match.group(1), parts.fragment or None


class _Xrefs(Treeprocessor):
    def __init__(self, md: Markdown, ext: XrefExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        policy, article = self.ext.policy, self.ext.article
        lines = LineFinder(article.body)
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag != "a" or not (target := markdown_target(href := child.get("href", ""))):
                    continue
                slug, fragment = target
                # The address as written after "(" first: "other.md" alone is also in "another.md".
                line = lines.line_of(f"({href}") or lines.line_of(f"{slug}.md")
                self.ext.state.found.append(CrossRef(slug, fragment, "".join(child.itertext()), line))
                href = policy.href(slug, fragment) if policy.known(slug) else None
                if href is not None:
                    child.set("href", href)
                    continue
                child.tag = "span"
                child.attrib.clear()
                child.set("class", "xref-unlinked")
                note = policy.note(slug) if policy.known(slug) else None
                if note:
                    tail = etree.Element("span", {"class": "xref-note"})
                    tail.text = note
                    tail.tail, child.tail = child.tail, None
                    parent.insert(list(parent).index(child) + 1, tail)


class XrefExtension(Extension):
    def __init__(self, policy: XrefPolicy, article: Article) -> None:
        super().__init__()
        self.policy = policy
        self.article = article
        self.state = _State()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        md.treeprocessors.register(_Xrefs(md, self), "pp_xrefs", 6)

    def reset(self) -> None:
        self.state = _State()

    @property
    def found(self) -> list[CrossRef]:
        return self.state.found
