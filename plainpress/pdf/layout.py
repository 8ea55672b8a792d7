"""The one way every PDF is rendered: WeasyPrint's PDF/UA-1 variant, resources
only from allowed folders, then a pikepdf pass that makes the file reproducible.

Outputs (book PDF, handouts, cards) describe a render as a :class:`PdfJob`
(HTML, stylesheets, allowed folders): a pure input that :func:`render_job`
turns into bytes, in this process or in a worker (see ``plainpress.stages.render``).
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pikepdf
from cssselect2 import ElementWrapper
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import RenderError
from ..model import PageStart, line_pattern
from ..safety import read_regular
from .jobs import PdfJob, PdfResult
from .overflow import balance, overflows, split_grids, stack, wide_tables
from .tree import our_tags


class ResourceRefused(FatalURLFetchingError):
    """A resource outside the allowed folders; stops WeasyPrint at once."""


@dataclass
class GuardedFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``roots`` only; records and refuses the rest."""

    roots: list[Path]
    refused: list[str] = field(default_factory=list)
    served: dict[str, str] = field(default_factory=dict)  # file path -> sha256 of what was served

    def __post_init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = [r.resolve() for r in self.roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":  # inline data (a QR code): nothing is fetched
            with urlopen(url) as response:  # noqa: S310 - only data: URLs reach this line
                return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers.get_content_type()})
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                data = read_regular(path)  # never a FIFO, even one swapped in since is_file()
                self.served[str(path)] = hashlib.sha256(data).hexdigest()
                return URLFetcherResponse(url, data, {"Content-Type": kind})
        self.refused.append(url)
        raise ResourceRefused(f"resource refused: {url}")

    def __hash__(self) -> int:
        return id(self)


def _page_starts(document: Document) -> list[PageStart]:
    """Read WeasyPrint's laid-out boxes (``Page._page_box``, stable in the pinned 70.0):
    ``Page.anchors`` alone does not tell where an element that spans pages begins."""
    seen: set[str] = set()
    parents: dict[int, object] = {}
    text_in: dict[str, list[str]] = {}  # id -> the text of its boxes so far, in layout order
    headers: dict[int, int] = {}  # id(thead or tfoot) -> the page it is first laid out on
    pages = []
    for number, page in enumerate(document.pages):
        starts, first_line, occurrence = [], None, 0
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None:
                continue
            if not parents and element.tag == "html":
                parents = {id(child): parent for parent in element.iter() for child in parent}
            ident = element.get("id")
            if ident and ident not in seen:
                seen.add(ident)
                starts.append(ident)
            if element.tag in ("thead", "tfoot"):
                headers.setdefault(id(element), number)
            if not (isinstance(box, TextBox) and box.text.strip()):
                continue
            holders, repeated = [], False
            holder = element
            while holder is not None:
                if holder.get("id"):
                    holders.append(holder.get("id"))
                repeated = repeated or headers.get(id(holder), number) < number
                holder = parents.get(id(holder))
            if repeated:
                continue  # a table's header row printed again on a continuation page
            if first_line is None and holders:
                first_line = (holders[0], box.text.strip())
                before = " ".join(text_in.get(holders[0], []))
                occurrence = len(line_pattern(box.text.strip()).findall(before))
            if "::" in (box.element_tag or ""):
                continue  # generated text (markers, page numbers) is not in the EPUB
            for name in holders:
                text_in.setdefault(name, []).append(box.text)
        pages.append(PageStart(starts, first_line, occurrence))
    return pages


class _Styles(FontConfiguration):
    """The stylesheets and the font configuration of the jobs, in this process, that may load from the same
    folders: every job of a build has the same few sheets, and parsing them was a tenth of a handout's layout.
    WeasyPrint loads a face once per configuration, so this remembers the files each face and each sheet
    loaded and tells every job that uses them; jobs with other folders get their own (never a way round them).
    """

    def __init__(self) -> None:
        super().__init__()
        self.faces: dict[str, dict[str, str]] = {}  # a face's descriptors -> the files it loaded (path -> sha256)
        self.sheets: dict[tuple[str, str], tuple[CSS, dict[str, str]]] = {}  # (sheet, base URL) -> it, its files
        self.files: dict[str, tuple[int, int] | None] = {}  # every file loaded -> its size and time then

    def fresh(self) -> bool:
        """Whether every file it loaded is as it was (a long-running preview may see a font change)."""
        return all(_stat(path) == then for path, then in self.files.items())

    def _loaded(self, served: dict[str, str]) -> None:
        for path in served:
            self.files.setdefault(path, _stat(path))

    def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
        key = str(rule_descriptors)
        if key in self.faces:
            url_fetcher.served.update(self.faces[key])
            return super().add_font_face(rule_descriptors, url_fetcher)
        before = dict(url_fetcher.served)
        found = super().add_font_face(rule_descriptors, url_fetcher)
        self.faces[key] = {k: v for k, v in url_fetcher.served.items() if before.get(k) != v}
        self._loaded(self.faces[key])
        return found

    def parsed(self, sheet: str, base: str, fetcher: GuardedFetcher) -> CSS:
        kept = self.sheets.get((sheet, base))
        if kept is None:
            own = GuardedFetcher(roots=list(fetcher.roots))
            try:
                css = CSS(string=sheet, base_url=base, url_fetcher=own, font_config=self)
            finally:
                fetcher.refused += own.refused
                fetcher.served.update(own.served)
            if len(self.sheets) >= KEPT:
                del self.sheets[next(iter(self.sheets))]
            kept = self.sheets[sheet, base] = (css, dict(own.served))
            self._loaded(own.served)
        fetcher.served.update(kept[1])
        return kept[0]


def _stat(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


_STYLES: dict[tuple[Path, ...], _Styles] = {}  # by the folders a job may load from
KEPT = 64


def _stylesheets(sheets: tuple[str, ...], base: str, fetcher: GuardedFetcher) -> tuple[list[CSS], FontConfiguration]:
    roots = tuple(fetcher.roots)
    if roots in _STYLES and not _STYLES[roots].fresh():
        del _STYLES[roots]
    if roots not in _STYLES:
        if len(_STYLES) >= KEPT:
            del _STYLES[next(iter(_STYLES))]
        _STYLES[roots] = _Styles()
    styles = _STYLES[roots]
    return [styles.parsed(sheet, base, fetcher) for sheet in sheets], styles


def render_job(job: PdfJob) -> PdfResult:
    """Lay out and write one PDF. Safe to run in a worker process: it reads only the job."""
    started = time.monotonic()
    fetcher = GuardedFetcher(roots=[*job.roots, job.base_url])
    base = str(job.base_url) + "/"
    stacked = 0
    try:
        css, fonts = _stylesheets(job.stylesheets, base, fetcher)
        html = HTML(string=job.html, base_url=base, url_fetcher=fetcher)
        if job.furniture:
            document = html.render(stylesheets=css, font_config=fonts)
            data = document.write_pdf()
            return PdfResult(data, len(document.pages), seconds=time.monotonic() - started)
        document = html.render(stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1")
        wide = wide_tables(document)
        if wide:  # too wide for the page at this print size: stacked, and laid out again
            for table in wide:
                stack(table)
            stacked = len(wide)
            html.wrapper_element = ElementWrapper.from_html_root(html.etree_element, content_language=None)
            document = html.render(stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1")
        split = split_grids(document)
        if split:  # a grid of columns cut by a page break: balanced columns instead, laid out again
            for grid in split:
                balance(grid)
            html.wrapper_element = ElementWrapper.from_html_root(html.etree_element, content_language=None)
            document = html.render(stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1")
        overflowing = overflows(document)
        known = {(ident, role): words for ident, role, words in job.link_words}
        with our_tags(job.piece, known):  # one structure element per HTML element (see pdftags)
            raw = document.write_pdf(pdf_variant="pdf/ua-1")
    except ResourceRefused:
        pass
    if fetcher.refused:
        raise RenderError(f"{job.title}: refused to load resources from outside the book: {', '.join(fetcher.refused)}")
    stand_ins = set(job.stand_ins)
    anchors = {
        name: number for number, page in enumerate(document.pages, 1) for name in page.anchors if name not in stand_ins
    }
    starts = _page_starts(document) if job.page_starts else []
    for start in starts:
        start.ids[:] = [i for i in start.ids if i not in stand_ins]
    data = _finish(raw)
    served = dict(sorted(fetcher.served.items()))
    seconds = time.monotonic() - started
    return PdfResult(data, len(document.pages), anchors, starts, served, seconds, overflowing, stacked)


def _finish(raw: bytes) -> bytes:
    """Page furniture as artifacts (see ``artifacts``), then reproducible bytes: identifiers derived
    from the content, no producer stamp."""
    from .artifacts import mark_page_furniture

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        mark_page_furniture(pdf)
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
        )
    return out.getvalue()
