"""The live preview behind ``serve``: the build's pipeline, made on demand. Each change reads the book once
(:func:`read_book`), lists its outputs (the catalogue) and makes the EPUB, served as a reading system opens it.
Any other entry is planned and made by the build's own code when its path is first asked for, and kept until the
next good change; a failed change is shown over the last good build. The pages are templates (layouts/preview/)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .errors import Finding, PlainpressError
from .messages import Messages
from .model import Book, Output
from .model.entries import Entry, Made, Product, Selection
from .outputs.epubzip import Unpacked, unpack
from .outputs.read_aloud import ACTIVE_CLASS, ReadAloud
from .stages.catalogue import Catalogue, catalogue
from .stages.read import read_book
from .templates import DEFAULT_LAYOUTS, Layouts, render

MEDIA = {".pdf": "application/pdf", ".epub": "application/epub+zip", ".brf": "text/plain; charset=us-ascii"}
MEDIA |= {".mp3": "audio/mpeg", ".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
IMAGE_RESOLUTION = 72  # dpi of the page images of PDFs


@dataclass
class Snapshot:
    """What the preview serves: the last good build (and what was made from it), the latest one's state."""

    version: int = 0
    book: Book | None = None
    listed: Catalogue = field(default_factory=lambda: Catalogue([]))
    epub: Unpacked = field(default_factory=lambda: Unpacked(b"", {}, []))
    aloud: dict[str, Any] = field(default_factory=dict)  # the documents read aloud, by name (made when played)
    made: dict[str, Any] = field(default_factory=dict)  # what was made from the book, by what it is
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the latest change has problems: which
    seconds: float = 0.0


class Preview:
    def __init__(self, book_dir: Path, layouts: Path | Layouts = DEFAULT_LAYOUTS, strict: bool = False) -> None:
        self.book_dir, self.layouts, self.strict = book_dir, layouts, strict  # strict: as ``build --strict``
        self.snapshot = Snapshot()
        self._build_lock, self._lock = threading.Lock(), threading.RLock()
        self._pdftoppm = shutil.which("pdftoppm")

    def rebuild(self) -> Snapshot:
        """Read the book again, list its outputs and make its EPUB; never raises. The new snapshot."""
        with self._build_lock:
            started, old = time.monotonic(), self.snapshot
            new = Snapshot(old.version + 1, old.book, old.listed, old.epub, old.aloud, old.made)
            try:
                book, findings = read_book(self.book_dir, self.strict)
                listed = catalogue(book, self.layouts, Selection(audio=True))
                epub = unpack(listed.make(next(e for e in listed if Product.EPUB in e.provides)).products[Product.EPUB])
                aloud = {d.stem: d for d in ReadAloud.plan(book, epub.data, self.layouts).docs}
            except PlainpressError as error:  # the book has problems (Problems: the checks' findings)
                new.findings, new.errors = getattr(error, "findings", []), error.messages()
            except Exception as error:  # a broken layout, a bug: show it, keep serving
                lines = traceback.format_exception_only(error) + traceback.format_tb(error.__traceback__)[-3:]
                new.errors = ["".join(lines).strip()]
            else:
                new = Snapshot(new.version, book, listed, epub, aloud, {}, findings + listed.findings)
            new.seconds = time.monotonic() - started
            self.snapshot = new
            return new

    def _keep(self, snap: Snapshot, what: str, making: Any) -> Any:
        """What ``making()`` makes from the snapshot's book, made once."""
        with self._lock:  # one thing made at a time: the preview shares the computer with the editor
            if what not in snap.made:
                snap.made[what] = making()
            return snap.made[what]

    def _make(self, snap: Snapshot, entry: Entry) -> Made:
        """An entry planned and made as the build makes it, after the entries that make what it needs."""
        chosen = catalogue(snap.book, self.layouts, Selection.entries(entry.path))
        products: dict[Product, Any] = {Product.EPUB: snap.epub.data}
        for helper in chosen.helpers:  # the book PDF, for the braille book's print page numbers
            products |= self._keep(snap, helper.path, lambda h=helper, p=products: chosen.make(h, p)).products
        return chosen.make(entry, products)

    def made(self, path: str) -> tuple[Output, Made]:
        """The file at ``path`` (as in dist/) and all its entry made, now if not yet; KeyError when none is."""
        snap = self.snapshot
        entry = snap.listed.entry(path)
        made: Made = self._keep(snap, entry.path, lambda: self._make(snap, entry))
        return {o.path: o for o in made.outputs}[path], made  # KeyError: a volume the book does not have

    def book_file(self, path: str) -> tuple[bytes, str] | None:
        """A file of the EPUB, as a reading system opens it (its documents with the reload script)."""
        data, media = self.snapshot.epub.files.get(path, (b"", ""))
        if media == "application/xhtml+xml":
            data = data.replace(b"</body>", self.page("preview/reload.html.j2").encode() + b"</body>")
        return (data, media) if media else None

    def listen(self, stem: str) -> tuple[bytes, bytes] | None:
        """A document read aloud: (its page, its speech); None for one that is not read aloud."""
        if (doc := self.snapshot.aloud.get(stem)) is None:
            return None
        result = self._keep(self.snapshot, f"listen/{stem}", doc.job.run)
        clips = [{"id": c.id, "begin": c.begin, "end": c.end} for c in result.clips]
        page = self.page("preview/listen.html.j2", stem=stem, clips=clips, active_class=ACTIVE_CLASS)
        return doc.marked.replace(b"</body>", page.encode() + b"</body>"), result.data

    def page_image(self, path: str, page: int) -> bytes:
        output = self.made(path)[0]
        if not self._pdftoppm or not 1 <= page <= (output.pages or 0):
            raise KeyError(path)
        command = [self._pdftoppm, "-f", str(page), "-l", str(page), "-r", str(IMAGE_RESOLUTION), "-png", "-singlefile"]
        run = partial(subprocess.run, [*command, "-"], input=output.data, capture_output=True, check=True)
        return self._keep(self.snapshot, f"{path}#{page}", lambda: run().stdout)

    def status(self) -> dict[str, object]:
        """The state of the latest change, with the findings only layout makes (H001) of what was made."""
        snap = self.snapshot
        late = [f for m in list(snap.made.values()) for f in getattr(m, "findings", [])] if not snap.errors else []
        findings = [{**f.as_dict(), "text": str(f)} for f in snap.findings + late]
        return {"version": snap.version, "ok": not snap.errors, "errors": snap.errors, "findings": findings}

    def page(self, template: str, **context: object) -> str:
        """A page of the preview (``layouts/preview/…``, in the book's language) or a part of one."""
        book = self.snapshot.book
        lang = book.language if book else "en"
        return render(template, self.layouts, version=self.snapshot.version, lang=lang, book=book, **context)

    def index(self) -> bytes:
        snap, images = self.snapshot, bool(self._pdftoppm)
        listed = {"entries": list(snap.listed), "spine": snap.epub.spine, "listen": snap.aloud}
        return self.page("preview/index.html.j2", book_dir=self.book_dir, page_images=images, **listed).encode()

    def view(self, path: str) -> bytes:
        """A file shown in the browser, by the template of its kind of file (``preview/view/pdf.html.j2``…)."""
        template = f"preview/view/{path.rpartition('.')[2]}.html.j2"
        if not Layouts.of(self.layouts).find(template).is_file():
            raise KeyError(path)
        (output, made), entry = self.made(path), self.snapshot.listed.entry(path)
        view = entry.view(output.data) if entry.view else None  # what its output gives the page (braille: read back)
        files, say = [o.path for o in made.outputs], Messages(self.snapshot.book.language)
        return self.page(template, entry=entry, output=output, files=files, view=view, say=say).encode()

    def message(self, title: str, text: str) -> bytes:
        return self.page("preview/message.html.j2", title=title, text=text).encode()
