"""The one way every PDF is rendered: WeasyPrint's PDF/UA-1 variant, resources
only from allowed folders, then a pikepdf pass that makes the file reproducible.

Outputs (book PDF, handouts, cards) give HTML and get bytes back.
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pikepdf
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import RenderError


class ResourceRefused(FatalURLFetchingError):
    """A resource outside the allowed folders; stops WeasyPrint at once."""


@dataclass
class GuardedFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``roots`` only; records and refuses the rest."""

    roots: list[Path]
    refused: list[str] = field(default_factory=list)

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
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise ResourceRefused(f"resource refused: {url}")

    def __hash__(self) -> int:
        return id(self)


@dataclass
class PdfResult:
    data: bytes
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page number (from 1)
    page_starts: list[PageStart] = field(default_factory=list)


@dataclass(frozen=True)
class PageStart:
    """How a page of the layout begins: the ids of the elements whose first box is
    on it (document order), and its first line of text with the id of the nearest
    element around it (for a page that begins in the middle of a paragraph)."""

    ids: list[str]
    first_line: tuple[str, str] | None


def _page_starts(document: Document) -> list[PageStart]:
    """Read WeasyPrint's laid-out boxes (``Page._page_box``, stable in the pinned 70.0):
    ``Page.anchors`` alone does not tell where an element that spans pages begins."""
    seen: set[str] = set()
    parents: dict[int, object] = {}
    pages = []
    for page in document.pages:
        starts, first_line = [], None
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
            if first_line is None and isinstance(box, TextBox) and box.text.strip():
                holder = element
                while holder is not None and not holder.get("id"):
                    holder = parents.get(id(holder))
                if holder is not None:
                    first_line = (holder.get("id"), box.text.strip())
        pages.append(PageStart(starts, first_line))
    return pages


def render_pdf(html: str, base_url: Path, stylesheets: list[str], roots: list[Path], title: str) -> PdfResult:
    fetcher = GuardedFetcher(roots=[*roots, base_url])
    fonts = FontConfiguration()
    base = str(base_url) + "/"
    try:
        css = [CSS(string=s, base_url=base, url_fetcher=fetcher, font_config=fonts) for s in stylesheets]
        document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
            stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1"
        )
        raw = document.write_pdf(pdf_variant="pdf/ua-1")
    except ResourceRefused:
        pass
    if fetcher.refused:
        raise RenderError(f"{title}: refused to load resources from outside the book: {', '.join(fetcher.refused)}")
    anchors = {name: number for number, page in enumerate(document.pages, 1) for name in page.anchors}
    return PdfResult(_finish(raw), len(document.pages), anchors, _page_starts(document))


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
