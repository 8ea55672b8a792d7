"""The live preview behind ``python build.py serve``.

A :class:`Preview` reads the book (gather, analyse, check) and renders the EPUB's
content documents and resources into memory with the EPUB's own code
(:func:`plainpress.outputs.epub.documents`), so the preview shows the same chapters,
glossary, bibliography and red-flag card as the EPUB. Handouts, their indexes, the
cards and the book PDF are rendered when first asked for, then kept until the next
change. Every rebuild, good or bad, gets a new version number; the pages of the
preview poll it and reload themselves.

A failed rebuild never stops the preview: its problems are shown on every page, over
the last good build. The reload script is added to the pages as they are served; the
EPUB never has it.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .braille_preview import braille_index
from .errors import Finding, PlainpressError, Problems, Severity
from .model import Book, Profile
from .outputs import epub
from .outputs.book_pdf import render_book_pdf
from .outputs.cards import render_card
from .outputs.handouts import MAX_STANDARD_PAGES, all_entries, handout_job, handout_path, render_index
from .pdf.layout import render_job
from .stages.analyse import analyse
from .stages.enforce import enforce
from .stages.gather import gather
from .templates import DEFAULT_LAYOUTS

MEDIA = {
    ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
SCRIPT_URL = "/__preview.js"
IMAGE_RESOLUTION = 72  # dpi of the page images of PDFs
SPINE_NAMES = {"cover": "Cover", "titlepage": "Title page"}  # in the index, for documents titled like the book


@dataclass(frozen=True)
class PdfEntry:
    """One PDF the preview can render: where it lives and how to make it."""

    path: str  # as in dist/, e.g. handouts/neutral/first-steps-a4-standard.pdf
    label: str
    kind: str  # handout, handout-index, card, pdf
    profile: str = ""
    article: str = ""
    paper: str = ""
    size: str = ""


@dataclass
class Snapshot:
    """What the preview serves: the last good build, and the state of the latest one."""

    version: int = 0
    book: Book | None = None
    model: int = 0  # counts the good builds: the PDFs rendered from one are kept until the next
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path under /book/ -> (data, media type)
    spine: list[tuple[str, str]] = field(default_factory=list)  # (file under text/, title) in reading order
    pdfs: dict[str, PdfEntry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the latest build failed: why
    seconds: float = 0.0
    built_at: float = 0.0


class _Resources:
    """Stands in for an ``ebooklib`` book: collects the EPUB's resources (CSS, fonts, icons, cover)."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[bytes, str]] = {}

    def add_item(self, item: Any) -> None:
        content = item.content if isinstance(item.content, bytes) else str(item.content).encode()
        self.items[item.file_name] = (content, MEDIA.get(Path(item.file_name).suffix, item.media_type))

    def add_metadata(self, *args: object, **kwargs: object) -> None:
        pass


def inject(document: str, version: int) -> str:
    """The document with the preview's script before its ``</body>`` (well-formed XML, so XHTML stays XHTML)."""
    tag = f'<script src="{SCRIPT_URL}" data-version="{version}"></script>\n'
    head, found, tail = document.rpartition("</body>")
    return f"{head}{tag}{found}{tail}" if found else document + tag


class Preview:
    def __init__(self, book_dir: Path, layouts: Path = DEFAULT_LAYOUTS, strict: bool = False) -> None:
        self.book_dir = book_dir
        self.layouts = layouts
        self.strict = strict  # warnings count as problems, as in ``build --strict``
        self.snapshot = Snapshot()
        self._build_lock = threading.Lock()
        self._render_lock = threading.Lock()  # one WeasyPrint render at a time
        self._pdf_cache: dict[tuple[int, str], tuple[bytes, int]] = {}  # (model, path) -> (data, pages)
        self._png_cache: dict[tuple[int, str, int], bytes] = {}
        self._late: dict[tuple[int, str], Finding] = {}  # findings only layout makes (H001): (model, path)
        self._pdftoppm = shutil.which("pdftoppm")

    # -- building ---------------------------------------------------------------------------------

    def rebuild(self) -> Snapshot:
        """Read and render the book again; never raises. Returns the new snapshot."""
        with self._build_lock:
            started = time.monotonic()
            old = self.snapshot
            new = Snapshot(version=old.version + 1)
            try:
                book = gather(self.book_dir)
                analyse(book)
                findings = enforce(book, strict=self.strict)
                spine = epub.documents(book, self.layouts)[0]  # (documents, contents, ...)
                resources = _Resources()
                epub._resources(resources, book, self.layouts)
            except Problems as problems:
                self._failed(new, old, problems.findings, [])
            except PlainpressError as error:
                self._failed(new, old, [], error.messages())
            except Exception as error:  # a broken layout, a bug: show it, keep serving
                lines = traceback.format_exception_only(error) + traceback.format_tb(error.__traceback__)[-3:]
                self._failed(new, old, [], ["".join(lines).strip()])
            else:
                new.book, new.model = book, old.model + 1
                new.findings = findings
                new.files = dict(resources.items)
                new.files.update({f"text/{d.file_name}": (d.content.encode(), MEDIA[".xhtml"]) for d in spine})
                new.spine = [(d.file_name, SPINE_NAMES.get(d.uid, d.title)) for d in spine]
                new.pdfs = {entry.path: entry for entry in pdf_entries(book)}
                self._pdf_cache, self._png_cache, self._late = {}, {}, {}
            new.seconds = time.monotonic() - started
            new.built_at = time.time()
            self.snapshot = new
            return new

    @staticmethod
    def _failed(new: Snapshot, old: Snapshot, findings: list[Finding], errors: list[str]) -> None:
        """Keep serving the last good build, with this build's problems."""
        new.book, new.model, new.files, new.spine, new.pdfs = old.book, old.model, old.files, old.spine, old.pdfs
        new.findings = findings
        new.errors = errors or [str(f) for f in findings if f.severity is Severity.ERROR]

    # -- what the pages show ----------------------------------------------------------------------

    def status(self) -> dict[str, object]:
        snap = self.snapshot
        late = [f for (model, _), f in list(self._late.items()) if model == snap.model and not snap.errors]
        findings = snap.findings + late
        return {
            "version": snap.version,
            "ok": not snap.errors,
            "errors": snap.errors,
            "findings": [
                {"severity": f.severity.value, "code": f.code, "where": str(f.location), "text": str(f)}
                for f in findings
            ],
            "seconds": round(snap.seconds, 3),
            "title": snap.book.config.title if snap.book else "",
        }

    def book_file(self, path: str) -> tuple[bytes, str] | None:
        snap = self.snapshot
        found = snap.files.get(path) or self._book_image(path)
        if found is None:
            return None
        data, media = found
        if media.startswith("application/xhtml+xml"):
            data = inject(data.decode(), snap.version).encode()
        return data, media

    def _book_image(self, path: str) -> tuple[bytes, str] | None:
        """A picture of the book's folder, for an article image the EPUB's resources do not name."""
        media = MEDIA.get(Path(path).suffix.lower())
        if not media or not media.startswith("image/"):
            return None
        root = self.book_dir.resolve()
        found = (root / path).resolve()
        return (found.read_bytes(), media) if found.is_relative_to(root) and found.is_file() else None

    def pdf(self, path: str) -> tuple[bytes, int]:
        """The PDF at ``path`` (as in dist/), rendered now if it was not yet; raises KeyError when unknown."""
        with self._render_lock:
            snap = self.snapshot
            entry, key = snap.pdfs[path], (snap.model, path)
            if key not in self._pdf_cache:
                self._pdf_cache[key] = self._render(snap.book, snap.model, entry)
            return self._pdf_cache[key]

    def page_image(self, path: str, page: int) -> bytes:
        model = self.snapshot.model
        data, pages = self.pdf(path)
        if not 1 <= page <= pages or not self._pdftoppm:
            raise KeyError(path)
        key = (model, path, page)
        if key not in self._png_cache:
            command = [self._pdftoppm, "-f", str(page), "-l", str(page), "-r", str(IMAGE_RESOLUTION)]
            command += ["-png", "-singlefile", "-"]  # from stdin, to stdout
            self._png_cache[key] = subprocess.run(
                command, input=data, capture_output=True, check=True, timeout=60
            ).stdout
        return self._png_cache[key]

    @property
    def page_images(self) -> bool:
        return bool(self._pdftoppm)

    def _render(self, book: Book | None, model: int, entry: PdfEntry) -> tuple[bytes, int]:
        assert book is not None
        profile = next((p for p in book.profiles if p.slug == entry.profile), None)
        if entry.kind == "handout" and profile:
            article = book.article(entry.article)
            assert article is not None
            job = handout_job(book, article, profile, entry.paper, entry.size, all_entries(book), self.layouts)
            result = render_job(job)
            if entry.size == "standard" and result.pages > MAX_STANDARD_PAGES:
                self._late[model, entry.path] = Finding(
                    "H001",
                    Severity.WARNING,
                    article.location,
                    f"the standard-print handout {entry.path} runs to {result.pages} pages; "
                    f"it should fit on two sheets ({MAX_STANDARD_PAGES} pages)",
                    article.title,
                    "shorten the article or split it in two",
                )
            return result.data, result.pages
        if entry.kind == "handout-index" and profile:
            output = render_index(book, profile, entry.paper, self.layouts)
            return output.data, output.pages or 0
        if entry.kind == "card" and profile:
            result = render_card(book, profile, entry.size, self.layouts)
            return result.data, result.pages
        result = render_book_pdf(book, self.layouts)
        return result.data, result.pages


def pdf_entries(book: Book) -> list[PdfEntry]:
    """Every PDF a build of ``book`` makes, with the same paths as in dist/."""
    entries = [PdfEntry("book.pdf", f"The book PDF ({book.config.paper})", "pdf")]
    for profile in book.profiles:
        entries += _profile_entries(book, profile)
    return entries


def _profile_entries(book: Book, profile: Profile) -> list[PdfEntry]:
    out = []
    for paper in profile.papers:
        for article in book.articles:
            for size in profile.sizes:
                path = handout_path(profile, article, paper, size)
                label = f"{article.title} ({paper}, {size})"
                out.append(PdfEntry(path, label, "handout", profile.slug, article.slug, paper, size))
        path = f"handouts/{profile.slug}/index-{paper}.pdf"
        out.append(PdfEntry(path, f"Index of handouts ({paper})", "handout-index", profile.slug, paper=paper))
    if book.red_flags:
        for variant in ["standard", "large-print", *(f"sheet-{paper}" for paper in profile.papers)]:
            path = f"cards/{profile.slug}/red-flag-card-{variant}.pdf"
            out.append(PdfEntry(path, f"Red-flag card ({variant})", "card", profile.slug, size=variant))
    return out


# -- the pages of the preview (HTML, not part of any output) ------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem;
       line-height: 1.5; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
.pages img { display: block; margin: 1rem 0; border: 1px solid #888; box-shadow: 0 2px 6px #0003; max-width: 100%; }
code { background: #f1f1f1; padding: 0 0.2em; }
"""


def _page(title: str, lang: str, body: str, version: int) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n<style>{STYLE}</style>\n</head>\n'
        f"<body>\n<main>\n{body}\n</main>\n"
        f'<script src="{SCRIPT_URL}" data-version="{version}"></script>\n</body>\n</html>\n'
    ).encode()


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def index_page(preview: Preview) -> bytes:
    snap = preview.snapshot
    book = snap.book
    if book is None:
        body = "<h1>plainpress preview</h1>\n<p>The book could not be read yet: the problems are listed above.</p>"
        return _page("plainpress preview", "en", body, snap.version)
    e = html.escape
    parts = [f"<h1>{e(book.config.title)}: preview</h1>"]
    parts.append(
        f"<p>This preview follows your edits: save a file in <code>{e(str(preview.book_dir))}</code> or in the "
        "layouts and the open pages reload themselves. Problems the checks find are listed at the top of every "
        "page. Nothing here is written to <code>dist/</code>: run <code>python build.py</code> for that.</p>"
    )
    parts.append("<h2>The book, as in the EPUB</h2>\n<ol>")
    parts += [f"<li>{_link(f'/book/text/{file}', title)}</li>" for file, title in snap.spine]
    parts.append("</ol>")
    from .listen import Listening  # the read-aloud pages (plainpress.listen), which use this module

    heard = [_link(f"/book/listen/{file}", f"Listen: {title}") for file, title in Listening(preview).readable()]
    parts.append(f"<p>Read aloud, the sentence being read highlighted: {', '.join(heard)}</p>")
    parts.append(f"<p>{_view_links(preview, snap.pdfs['book.pdf'])} (takes a few seconds to render)</p>")
    for profile in book.profiles:
        parts.append(f"<h2>Handouts and cards: {e(profile.name)} (profile <code>{e(profile.slug)}</code>)</h2>")
        entries = [p for p in snap.pdfs.values() if p.profile == profile.slug]
        columns = [(paper, size) for paper in profile.papers for size in profile.sizes]
        head = "".join(f"<th scope='col'>{e(paper)}, {e(size)}</th>" for paper, size in columns)
        parts.append(f"<table>\n<tr><th scope='col'>Article</th>{head}</tr>")
        for article in book.articles:
            cells = []
            for paper, size in columns:
                entry = snap.pdfs[handout_path(profile, article, paper, size)]
                cells.append(f"<td>{_view_links(preview, entry, short=True)}</td>")
            parts.append(f"<tr><th scope='row'>{e(article.title)}</th>{''.join(cells)}</tr>")
        parts.append("</table>\n<ul>")
        parts += [f"<li>{_view_links(preview, p)}</li>" for p in entries if p.kind in ("handout-index", "card")]
        parts.append("</ul>")
    parts.append(braille_index(preview))
    return _page(f"Preview: {book.config.title}", book.language, "\n".join(parts), snap.version)


def _view_links(preview: Preview, entry: PdfEntry, short: bool = False) -> str:
    pdf = _link(f"/{entry.path}", "PDF" if short else f"{entry.label} (PDF)")
    if not preview.page_images:
        return pdf
    pages = _link(f"/view/{entry.path}", "pages" if short else f"{entry.label}, page by page")
    return f"{pages} · {pdf}" if short else f"{pages} ({pdf})"


def view_page(preview: Preview, path: str) -> bytes:
    """A PDF as page images, so that it too reloads itself when the sources change."""
    snap = preview.snapshot
    entry = snap.pdfs[path]
    _, pages = preview.pdf(path)
    images = "\n".join(
        f'<img src="/page/{html.escape(path)}/{n}.png?v={snap.version}" alt="Page {n} of {pages}">'
        for n in range(1, pages + 1)
    )
    body = (
        f"<h1>{html.escape(entry.label)}</h1>\n<p>{_link('/', 'All pages of the preview')} · "
        f"{_link('/' + path, 'Open the PDF')} · {pages} page{'s' if pages != 1 else ''}</p>\n"
        f'<div class="pages">\n{images}\n</div>'
    )
    lang = snap.book.language if snap.book else "en"
    return _page(f"{entry.label}: preview", lang, body, snap.version)


def message_page(preview: Preview, title: str, text: str) -> bytes:
    body = f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(text)}</p>\n<p>{_link('/', 'All pages of the preview')}</p>"
    return _page(title, "en", body, preview.snapshot.version)


# The script every page of the preview gets: it shows the state of the build at the top of the
# page (problems, findings) and reloads the page when the version changes. XHTML-safe: it
# builds its elements with the DOM, never with innerHTML.
SCRIPT = r"""
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = me ? Number(me.getAttribute("data-version")) : NaN;
  var scrollKey = "plainpress-preview-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }

  function el(name, text, css) {
    var node = document.createElement(name);
    if (text) { node.textContent = text; }
    if (css) { node.style.cssText = css; }
    return node;
  }

  function panel(status) {
    var old = document.getElementById("plainpress-preview");
    if (old) { old.parentNode.removeChild(old); }
    var warnings = status.findings.filter(function (f) { return f.severity !== "error"; });
    var bad = !status.ok;
    var colour = bad ? "#b00020" : (warnings.length ? "#8a5a00" : "#1b5e20");
    var box = el("aside", "", "font: 15px/1.4 system-ui, sans-serif; margin: 0 0 1em; padding: 0.5em 0.8em;" +
      "border: 2px solid " + colour + "; border-left-width: 8px; background: #fff; color: #1a1a1a;");
    box.id = "plainpress-preview";
    box.setAttribute("aria-label", "Preview status");
    box.setAttribute("role", "status");
    var details = el("details");
    var summary;
    if (bad) {
      summary = "Preview: the last change has problems; showing the last good build";
      details.open = true;
    } else if (warnings.length) {
      summary = "Preview: " + warnings.length + (warnings.length === 1 ? " warning" : " warnings") +
        " from the checks";
    } else {
      summary = "Preview: no problems found";
    }
    details.appendChild(el("summary", summary, "cursor: pointer; font-weight: bold; color: " + colour + ";"));
    var list = el("ul", "", "margin: 0.4em 0; padding-left: 1.2em;");
    status.errors.forEach(function (text) {
      list.appendChild(el("li", text, "white-space: pre-wrap; color: #b00020;"));
    });
    (bad ? [] : warnings).forEach(function (f) { list.appendChild(el("li", f.text)); });
    if (list.childNodes.length) { details.appendChild(list); }
    var home = el("a", "All pages of the preview");
    home.href = "/";
    details.appendChild(el("p", "", "margin: 0.3em 0;")).appendChild(home);
    box.appendChild(details);
    document.body.insertBefore(box, document.body.firstChild);
  }

  if (location.pathname.indexOf("/book/") === 0) {  // margins, as a reading system gives the book's pages
    document.documentElement.style.cssText = "max-width: 46em; margin: 0 auto; padding: 0.5em 1.5em;";
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function poll() {
    fetch("/__version", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version !== shown) { reload(); } else { setTimeout(poll, 300); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }

  fetch("/__status", { cache: "no-store" })
    .then(function (response) { return response.json(); })
    .then(function (status) {
      if (status.version !== shown) { reload(); return; }
      panel(status);
      setTimeout(poll, 300);
    })
    .catch(function () { setTimeout(poll, 2000); });
})();
"""
