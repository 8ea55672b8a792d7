"""Sentences of a document, for reading aloud: each becomes a ``<span>`` with an id.

Text blocks (headings, paragraphs, list items, table cells, glossary terms and
definitions, captions) are split into sentences with the same splitter the reading-level
check uses (:func:`plainpress.readability.split_sentences`); each sentence's content is
wrapped in ``<span class="sentence" id="…">``, so a reading system can highlight it while
its clip plays. A boundary never cuts an inline element (a link, a term): it moves to the
element's end. What is hidden from readers (``aria-hidden``) and citation marks stay in the
text but are not spoken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .readability import split_sentences

TEXT_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd", "caption", "figcaption"}
# Elements that end a run of inline text inside a text block (a list nested in a list item).
BLOCKS = TEXT_BLOCKS | {
    "ul",
    "ol",
    "dl",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "div",
    "section",
    "header",
    "footer",
    "aside",
    "figure",
    "blockquote",
    "nav",
    "pre",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th"}
SILENT_CLASSES = {"citation", "red-flag-icon"}
SENTENCE_CLASS = "sentence"


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str  # what is read, before the lexicon (plain text, whitespace collapsed)
    heading: bool  # a heading, term or header cell: a longer pause follows
    level: int = 0  # 1 to 6 for h1 to h6 (chapter markers), 0 otherwise
    lowercase: bool = False  # a respelling ("Say it: BOD-ee klok"): capitals mark stress, not letters


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _silent(element: etree._Element) -> bool:
    classes = set((element.get("class") or "").split())
    return (
        element.get("aria-hidden") == "true" or bool(classes & SILENT_CLASSES) or local(element) in ("script", "style")
    )


def spoken_text(element: etree._Element) -> str:
    """The text of an inline element that is read aloud (without its tail)."""
    if not isinstance(element.tag, str) or _silent(element):
        return ""
    out = [element.text or ""]
    for child in element:
        out.append(spoken_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _append_text(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _starts(text: str) -> list[int]:
    """Where each sentence of ``text`` after the first begins."""
    starts, pos = [], 0
    for n, piece in enumerate(split_sentences(text)):
        for i, token in enumerate(piece.split()):
            found = text.find(token, pos)
            if found < 0:
                break
            if i == 0 and n > 0:
                starts.append(found)
            pos = found + len(token)
    return starts


class Marker:
    """Wraps the sentences of one document; ids are ``{prefix}{n}``, counted from 1."""

    def __init__(self, prefix: str, taken: set[str]) -> None:
        self.prefix = prefix
        self.taken = taken
        self.sentences: list[Sentence] = []

    def _new_id(self) -> str:
        ident = f"{self.prefix}{len(self.sentences) + 1}"
        if ident in self.taken:
            raise ValueError(f"the id {ident} is already used in the document")  # a programming error
        return ident

    def mark(self, root: etree._Element) -> list[Sentence]:
        for block in list(_text_blocks(root)):
            self._block(block)
        return self.sentences

    def _block(self, block: etree._Element) -> None:
        items: list[str | etree._Element] = []
        if block.text:
            items.append(block.text)
        for child in list(block):
            tail, child.tail = child.tail, None
            items.append(child)
            if tail:
                items.append(tail)
            block.remove(child)
        block.text = None
        run: list[str | etree._Element] = []
        for item in items:
            if isinstance(item, str) or local(item) not in BLOCKS:
                run.append(item)
                continue
            self._run(block, run)
            run = []
            block.append(item)
            if local(item) in TEXT_BLOCKS:
                self._block(item)
            else:
                for inner in list(_text_blocks(item)):
                    self._block(inner)
        self._run(block, run)

    def _run(self, block: etree._Element, run: list[str | etree._Element]) -> None:
        """Append ``run`` (text and inline elements) to ``block``, its sentences each in a span."""
        pieces: list[tuple[str | etree._Element, int, int]] = []
        text = ""
        for item in run:
            said = item if isinstance(item, str) else spoken_text(item)
            pieces.append((item, len(text), len(text) + len(said)))
            text += said
        if not text.strip():
            for item, _, _ in pieces:
                _append_text(block, item) if isinstance(item, str) else block.append(item)
            return
        cuts = _starts(text)
        solid = [item for item, begin, end in pieces if text[begin:end].strip()]
        if cuts and len(solid) == 1 and not isinstance(solid[0], str):
            # all the run's text is in one inline element (<strong>A. B.</strong>): its sentences go inside it
            for item, _, _ in pieces:
                _append_text(block, item) if isinstance(item, str) else block.append(item)
            self._block(solid[0])
            return
        groups: list[list[str | etree._Element]] = [[]]
        for item, begin, end in pieces:
            if not isinstance(item, str):
                if cuts and cuts[0] <= begin:
                    cuts.pop(0)  # a sentence begins with this element
                    groups.append([])
                while cuts and cuts[0] < end:
                    cuts.pop(0)  # inside the element: its sentence goes on to the next boundary
                groups[-1].append(item)
                continue
            at = begin
            while cuts and begin <= cuts[0] < end:
                groups[-1].append(item[at - begin : cuts[0] - begin])
                groups.append([])
                at = cuts.pop(0)
            groups[-1].append(item[at - begin :])
        level = int(local(block)[1]) if local(block) in ("h1", "h2", "h3", "h4", "h5", "h6") else 0
        lowercase = "pronounce" in (block.get("class") or "").split()
        namespace = etree.QName(block).namespace
        for group in groups:
            said = "".join(g if isinstance(g, str) else spoken_text(g) for g in group)
            if not said.strip():
                for g in group:
                    _append_text(block, g) if isinstance(g, str) else block.append(g)
                continue
            lead = group[0] if isinstance(group[0], str) else ""
            if lead:  # whitespace before the sentence stays outside its span
                stripped = lead.lstrip()
                _append_text(block, lead[: len(lead) - len(stripped)])
                group[0] = stripped
            trail = ""
            if isinstance(group[-1], str):  # and whitespace after it too
                kept = group[-1].rstrip()
                trail, group[-1] = group[-1][len(kept) :], kept
            span = etree.SubElement(block, f"{{{namespace}}}span" if namespace else "span")
            span.set("class", SENTENCE_CLASS)
            span.set("id", self._new_id())
            for g in group:
                _append_text(span, g) if isinstance(g, str) else span.append(g)
            _append_text(block, trail)
            self.sentences.append(Sentence(span.get("id"), tidy(said), local(block) in HEADINGS, level, lowercase))


def tidy(text: str) -> str:
    """Whitespace collapsed, and none left before punctuation (where a citation mark was)."""
    return re.sub(r"\s+(?=[.,;:!?)])", "", " ".join(text.split()))


def _text_blocks(root: etree._Element) -> Iterator[etree._Element]:
    """The outermost text blocks under ``root``, in document order."""
    for element in root.iter():
        if not isinstance(element.tag, str) or local(element) not in TEXT_BLOCKS:
            continue
        parent, inside = element.getparent(), False
        while parent is not None and parent is not root:
            if local(parent) in TEXT_BLOCKS:
                inside = True
                break
            parent = parent.getparent()
        if not inside and not (root is not element and _hidden_above(element, root)):
            yield element


def _hidden_above(element: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None and node is not root:
        if node.get("aria-hidden") == "true" or node.get("hidden") is not None:
            return True
        node = node.getparent()
    return False


def mark_document(root: etree._Element, prefix: str = "say-") -> list[Sentence]:
    """Wrap every sentence under ``root`` (a parsed XHTML document or fragment) in place."""
    taken = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    return Marker(prefix, taken).mark(root)
