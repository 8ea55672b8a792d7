"""What a PDF link says it does: the ``/Contents`` of its annotations, in the book's words.

A screen reader announces a link annotation by its ``/Contents``; WeasyPrint writes the raw
target (``term-benzodiazepine``). This reads where a link goes from the HTML it was made from:

- a glossary reference (``role="doc-glossref"``, or a target that is a ``dt``) names the list and
  the term: "Glossary: benzodiazepine" (a handout's list is "Words to know");
- a citation (``role="doc-biblioref"``, or a numbered source) is "Source 3";
- a chapter, or a place inside one (``role="doc-chapter"`` or an ``article``), is "Chapter: When to
  worry, page 5", with the page the target is printed on;
- a heading of its own (a part, a section) is its words and page: "Living with twitches, page 8";
- any other place is its section's title and page; a web address, e-mail or phone link says so.

An ``aria-label`` on the link is already words, and is used as it is. A piece of the book laid out
on its own (see :mod:`plainpress.pdf.merge`) does not know its page numbers: with ``later`` it
writes :func:`page_mark` for them, which the merge replaces, and ``known`` gives the words of
links to places in other pieces (worked out from the whole book's HTML). The words come from the
message files (``link.*`` keys), so a book in Spanish gets Spanish links.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from ..messages import Messages

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # around an id whose page the merge writes in


def page_mark(ident: str) -> str:
    """Stands for the page ``ident`` is printed on, until the pieces are merged."""
    return f"{MARK_OPEN}{ident}{MARK_CLOSE}"


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


class LinkWords:
    def __init__(
        self,
        language: str,
        root: Any,
        first_page: Mapping[str, int],
        parents: Mapping[int, Any],
        later: bool = False,
        known: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.say = Messages(language)
        self.first_page = first_page
        self.parents = parents
        self.later = later
        self.known = known or {}
        self.ids: dict[str, Any] = {}
        if root is not None:
            for element in root.iter():
                if isinstance(element.tag, str) and (ident := element.get("id")):
                    self.ids.setdefault(ident, element)

    def describe(self, link: Any) -> str:
        if label := " ".join((link.get("aria-label") or "").split()):
            return label
        href = (link.get("href") or "").strip()
        parts = urlsplit(href)
        if parts.scheme in ("mailto", "tel"):
            key = "link.email" if parts.scheme == "mailto" else "link.phone"
            return self.say(key, address=unquote(parts.path))
        if parts.scheme or parts.netloc:
            return self.say("link.web", address=(parts.netloc + parts.path).rstrip("/") or href)
        ident = unquote(parts.fragment)
        role = link.get("role") or ""
        if (ident, role) in self.known:
            return self.known[ident, role]
        target = self.ids.get(ident)
        page: int | str = self.first_page.get(ident, -1) + 1
        if page and self.later:
            page = page_mark(ident)
        if target is None:
            return self.say("link.page", page=page) if page else text_of(link)
        if role == "doc-glossref" or target.tag == "dt" or (target.tag == "dd" and role == "doc-glossref"):
            term = target.find(".//dfn")
            return self.say(
                "link.term",
                list=self.title_of(self.labelled(target)) or self.say("glossary"),
                term=text_of(term if term is not None else target),
            )
        if role == "doc-biblioref" or (target.tag == "li" and self.numbered_source(target)):
            number = target.get("value") or self.position(target)
            return self.say("link.source", number=number)
        chapter = self.ancestor(target, lambda e: e.get("role") == "doc-chapter" or e.tag == "article")
        title = self.ids.get(chapter.get("aria-labelledby") or "") if chapter is not None else None
        if target.tag in HEADINGS and target is not title:  # a heading of its own: a part, a section
            return self.say("link.place", title=text_of(target), page=page)
        if chapter is not None:
            return self.say("link.chapter", title=self.title_of(chapter) or text_of(link), page=page)
        place = self.labelled(target)
        if place is not None:
            return self.say("link.place", title=self.title_of(place), page=page)
        return self.say("link.page", page=page)

    def ancestor(self, element: Any, test: Any) -> Any:
        while element is not None:
            if isinstance(element.tag, str) and test(element):
                return element
            element = self.parents.get(id(element))
        return None

    def labelled(self, element: Any) -> Any:
        return self.ancestor(element, lambda e: e.get("aria-labelledby") in self.ids)

    def title_of(self, element: Any) -> str:
        if element is None:
            return ""
        heading = self.ids.get(element.get("aria-labelledby") or "")
        if heading is None:
            heading = next((e for e in element.iter() if e.tag in HEADINGS), None)
        return text_of(heading) if heading is not None else ""

    def numbered_source(self, item: Any) -> bool:
        holder = self.ancestor(item, lambda e: e.get("role") == "doc-bibliography")
        return holder is not None

    def position(self, item: Any) -> str:
        parent = self.parents.get(id(item))
        siblings = [c for c in parent if c.tag == "li"] if parent is not None else [item]
        return str(siblings.index(item) + 1)
