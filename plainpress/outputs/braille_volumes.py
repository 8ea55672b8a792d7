"""The braille files of one document: its blocks translated and laid out in pages, and the book in
volumes of at most :data:`MAX_VOLUME_PAGES` braille pages, split between units (chapters, card,
glossary, sources, colophon), each volume with its title page, the transcriber's note and the
contents, and the print page numbers of the book PDF.

What goes in a document (the blocks of a handout, the card, the book) is in :mod:`.braille`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .. import louis
from ..errors import Finding, Location, Severity
from ..messages import Messages
from ..model import Book, PageStart
from ..stamp import code_fingerprint
from .braille_blocks import TEXT, Block, heading
from .brf import Body, Code, Translations, compose, lay_out, page_label, undefined

MAX_VOLUME_PAGES = 80


@dataclass
class Document:
    """One braille file (or, for the book, a set of volumes) before translation."""

    path: str
    kind: str
    variant: str
    prelims: list[list[Block]]
    units: list[list[Block]]  # each begins on a new page
    extra: dict[str, object] = field(default_factory=dict)
    location: Location | None = None  # where its text comes from, for findings
    book: bool = False  # print page numbers on the first line; split into volumes
    title_page: list[Block] = field(default_factory=list)  # the book: its title page, "{volume}" filled in
    titles: list[str] = field(default_factory=list)  # the book: each unit's title, for the contents

    def key(self, code: Code, starts: dict[str, int]) -> str:
        h = hashlib.sha256(f"{code_fingerprint()}\0{louis.version()}\0{code.key()}\0{self.path}\0".encode())
        for unit in [self.title_page, *self.prelims, *self.units]:
            for block in unit:
                h.update(block.key().encode())
                h.update(f"\0{starts.get(block.anchor, '')}\0".encode())
            h.update(b"\1")
        return h.hexdigest()


def first_pages(page_starts: list[PageStart]) -> dict[str, int]:
    """Element id -> the book PDF page on which it begins."""
    pages: dict[str, int] = {}
    for number, start in enumerate(page_starts, 1):
        for ident in start.ids:
            pages.setdefault(ident, number)
    return pages


def _print_pages(bodies: list[Body], starts: dict[str, int]) -> list[str | None]:
    shown: list[str | None] = []
    last: int | None = None
    for body in bodies:
        found = next((starts[a] for a in body.anchors if a in starts), None)
        if found is not None:
            last = found
        shown.append(str(last) if last is not None else None)  # a page with no new element: still that print page
    return shown


def render_document(
    doc: Document, code: Code, starts: dict[str, int], memo: Translations | None = None
) -> list[tuple[str, bytes, int, dict[str, object]]]:
    """Translate (each text once, with ``memo``) and lay out a document: its files as (path, BRF bytes,
    braille pages, manifest extra)."""
    memo = memo if memo is not None else Translations()
    prelims = [page for unit in doc.prelims for page in lay_out(code, unit, doc.book, memo)]
    units = [lay_out(code, unit, doc.book, memo) for unit in doc.units]
    if not doc.book:
        bodies = prelims + [page for unit in units for page in unit]
        labels = [f"p{n}" for n in range(1, len(prelims) + 1)] + [
            str(n) for n in range(1, len(bodies) - len(prelims) + 1)
        ]
        return [(doc.path, compose(code, bodies, labels, None, memo), len(bodies), dict(doc.extra))]
    return _volumes(doc, code, prelims, units, starts, memo)


def _title(doc: Document, code: Code, number: int, count: int, say: Messages, memo: Translations) -> list[Body]:
    text = say("braille.volume", number=number, count=count)
    blocks = [Block(b.kind, text, b.first, b.runover) if b.text == "{volume}" else b for b in doc.title_page]
    return lay_out(code, blocks, True, memo)


def _volumes(
    doc: Document,
    code: Code,
    prelims: list[Body],
    units: list[list[Body]],
    starts: dict[str, int],
    memo: Translations,
) -> list[tuple[str, bytes, int, dict[str, object]]]:
    """The book in volumes of at most MAX_VOLUME_PAGES pages, split between units (chapters, card, glossary,
    sources, colophon); each opens with its title page, the transcriber's note and the contents."""
    say = Messages(str(doc.extra.get("language", "en")))
    title = len(_title(doc, code, 1, 1, say, memo))
    contents: list[Body] = [Body()]
    for _ in range(4):  # the contents' length and the volumes depend on each other: until they agree
        room = max(MAX_VOLUME_PAGES - title - len(prelims) - len(contents), 1)
        volumes = _pack(units, room)
        made = _contents(doc, code, volumes, say, memo)
        if len(made) == len(contents):
            contents = made
            break
        contents = made
    files = []
    first = 1
    for number, placed in enumerate(volumes, 1):
        pages = [page for _, page in placed]
        front_pages = _title(doc, code, number, len(volumes), say, memo) + prelims + contents
        bodies = front_pages + pages
        labels = [f"p{n}" for n in range(1, len(front_pages) + 1)]
        labels += [str(n) for n in range(first, first + len(pages))]
        shown: list[str | None] = [None] * len(front_pages) + _print_pages(pages, starts)
        data = compose(code, bodies, labels, shown, memo)
        extra = {**doc.extra, "volume": number, "volumes": len(volumes), "first_page": first}
        files.append((f"{doc.path}-{number}.brf", data, len(bodies), extra))
        first += len(pages)
    return files


def _pack(units: list[list[Body]], room: int) -> list[list[tuple[int, Body]]]:
    """Units into volumes of ``room`` pages: a unit that does not fit starts the next volume; one longer
    than a whole volume goes on in the next."""
    volumes: list[list[tuple[int, Body]]] = [[]]
    for index, unit in enumerate(units):
        if volumes[-1] and len(volumes[-1]) + len(unit) > room:
            volumes.append([])
        for page in unit:
            if len(volumes[-1]) >= room:
                volumes.append([])
            volumes[-1].append((index, page))
    return volumes


def _contents(
    doc: Document, code: Code, volumes: list[list[tuple[int, Body]]], say: Messages, memo: Translations
) -> list[Body]:
    """The contents: every unit's title with its braille page, by volume."""
    blocks = [heading(1, say("contents"))]
    page = 1
    seen: set[int] = set()
    for number, placed in enumerate(volumes, 1):
        if len(volumes) > 1:
            blocks.append(heading(2, say("braille.volume", number=number, count=len(volumes))))
        for index, _ in placed:
            if index not in seen and index < len(doc.titles):  # a unit where it begins
                seen.add(index)
                right = page_label(code, str(page), memo)
                blocks.append(Block(TEXT, doc.titles[index], 0, 2, right=right))
            page += 1
    return lay_out(code, blocks, True, memo)


def undefined_chars(code: Code, doc: Document) -> list[str]:
    """The characters of the document that its code has no braille for."""
    texts = [block.text for unit in [doc.title_page, *doc.prelims, *doc.units] for block in unit]
    return undefined(code, " ".join(texts))


def undefined_findings(book: Book, code: Code, path: str, location: Location | None, chars: list[str]) -> list[Finding]:
    """The warning that the file ``path`` leaves ``chars`` out."""
    if not chars:
        return []
    shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in chars)
    return [
        Finding(
            "B001",
            Severity.WARNING,
            location or Location(book.root / "book.yaml"),
            f"{path}: {code.name} has no braille for {shown}; left out of the braille",
            hint="write it in words, or use a character the braille table knows",
        )
    ]
