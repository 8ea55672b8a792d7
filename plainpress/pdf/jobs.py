"""What a PDF is made from and what laying it out gives, without the renderer: a :class:`PdfJob`
(HTML, stylesheets, allowed folders) is a pure input that :func:`plainpress.pdf.layout.render_job`
turns into a :class:`PdfResult`, in this process or in a worker. Planning outputs, caching results
and an EPUB-only build import this module, never WeasyPrint or pikepdf."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import PageStart
from .overflow import Overflow


@dataclass
class PdfResult:
    data: bytes
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page number (from 1)
    page_starts: list[PageStart] = field(default_factory=list)
    resources: dict[str, str] = field(default_factory=dict)  # every file it loaded -> its sha256
    seconds: float = 0.0  # how long it took to lay out and write
    overflows: list[Overflow] = field(default_factory=list)  # boxes past their page's content area
    stacked: int = 0  # tables set stacked because they were too wide for the page


@dataclass(frozen=True)
class PdfJob:
    """Everything one PDF is made from; rendering it is a pure function of these fields."""

    html: str
    base_url: Path
    stylesheets: tuple[str, ...]
    roots: tuple[Path, ...]
    title: str
    page_starts: bool = False  # read where each page begins (the book PDF's page list needs it)
    # A piece of the book PDF (plainpress.pdf.merge): links write their pages as marks the merge
    # fills in, ``link_words`` are (id, role, words) of links to other pieces, ``stand_ins`` the ids
    # of empty elements that stand for those targets (left out of anchors and page starts).
    piece: bool = False
    link_words: tuple[tuple[str, str, str], ...] = ()
    stand_ins: tuple[str, ...] = ()
    furniture: bool = False  # a layer of page furniture only (plainpress.pdf.stamp): untagged, as laid out

    def digest(self) -> str:
        """A hash of the job's own text; the files it loads are checked by the cache separately."""
        h = hashlib.sha256()
        for part in (self.html, str(self.base_url), *self.stylesheets, *map(str, self.roots), self.title):
            h.update(part.encode())
            h.update(b"\0")
        h.update(b"starts" if self.page_starts else b"")
        h.update(b"furniture" if self.furniture else b"")
        if self.piece:
            h.update(b"piece\0")
            for part in (*(x for w in self.link_words for x in w), "\0", *self.stand_ins):
                h.update(part.encode())
                h.update(b"\0")
        return h.hexdigest()
