"""The braille edition in the live preview: every BRF file page by page, as Unicode braille
(U+2800-U+28FF) beside what liblouis reads back from it, line for line.

The files are made from the preview's last good build when first asked for, and kept until the
next one. The book's volumes have no print page numbers here (those need the book PDF's layout,
which ``build`` does).
"""

from __future__ import annotations

import html
import threading
from typing import TYPE_CHECKING

from . import louis
from .errors import PlainpressError
from .model import Output
from .outputs.book_pdf import book_stem
from .outputs.braille import braille_code, braille_outputs

if TYPE_CHECKING:
    from .preview import Preview

_lock = threading.Lock()  # liblouis is not thread-safe; the preview serves from several threads
_made: dict[int, dict[str, Output]] = {}  # good build (Snapshot.model) -> path -> file


def braille_files(preview: Preview) -> dict[str, Output]:
    """The braille files of the preview's last good build, by path (as in dist/)."""
    snap = preview.snapshot
    if snap.book is None:
        return {}
    with _lock:
        if snap.model not in _made:
            book = snap.book
            code = braille_code(book)
            stem = book_stem(book.config.title)
            made = {o.path: o for o, _ in braille_outputs(book, code, stem, None, page_starts=[])}
            _made.clear()
            _made[snap.model] = made
        return _made[snap.model]


def braille_index(preview: Preview) -> str:
    """The index page's section: a link to each braille file."""
    try:
        files = braille_files(preview)
    except PlainpressError as error:
        return f"<h2>Braille edition</h2>\n<p>{html.escape(str(error))}</p>"
    items = [
        f'<li><a href="/braille/{html.escape(path)}">{html.escape(path)}</a> ({out.pages} braille pages)</li>'
        for path, out in files.items()
    ]
    return "<h2>Braille edition (BRF), page by page</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>"


def braille_pages(data: bytes, tables: str) -> list[tuple[str, str]]:
    """Each page of a BRF file as (Unicode braille, back-translation), line for line."""
    pages = []
    with _lock:
        for page in data.decode("ascii").split("\f"):
            lines = page.split("\r\n")
            if lines and lines[-1] == "":
                lines.pop()
            if not lines:
                continue
            cells = "\n".join(louis.to_unicode(line) for line in lines)
            back = "\n".join(louis.back_translate(tables, line) for line in lines)
            pages.append((cells, back))
    return pages


STYLE = """
.braille-page { display: grid; grid-template-columns: auto 1fr; gap: 1.5rem; margin: 0 0 2rem; }
.braille-page pre { margin: 0; padding: 0.5rem; border: 1px solid #888; line-height: 1.35; overflow-x: auto; }
.braille-page pre.cells { font-size: 1.3rem; }
"""


def braille_page(preview: Preview, path: str) -> str:
    """The body of the page that shows one braille file."""
    out = braille_files(preview)[path]
    assert preview.snapshot.book is not None
    code = braille_code(preview.snapshot.book)
    parts = [
        f"<style>{STYLE}</style>",
        f"<h1>{html.escape(path)}</h1>",
        f'<p><a href="/">All pages of the preview</a> · {out.pages} braille pages · {html.escape(code.name)}, '
        f"{code.lines} lines of {code.cells} cells. Left: the braille as Unicode braille; right: what liblouis "
        "reads back from each line.</p>",
    ]
    for number, (cells, back) in enumerate(braille_pages(out.data, code.tables), 1):
        parts.append(
            f'<section aria-label="Braille page {number} of {out.pages}"><h2>Page {number}</h2>\n'
            f'<div class="braille-page"><pre class="cells" aria-label="Braille">{html.escape(cells)}</pre>'
            f'<pre class="back" aria-label="Read back">{html.escape(back)}</pre></div></section>'
        )
    return "\n".join(parts)


def braille_view(preview: Preview, path: str) -> bytes:
    """The whole page (with the preview's reload script) for one braille file."""
    from .preview import _page

    snap = preview.snapshot
    lang = snap.book.language if snap.book else "en"
    return _page(f"{path}: preview", lang, braille_page(preview, path), snap.version)
