"""``build``: gather, analyse, check, then render every output and switch ``dist``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..analyse import analyse
from ..check import enforce
from ..errors import Finding
from ..gather import gather
from ..outputs.book_pdf import render_book_pdf
from ..outputs.epub import render_epub
from ..publish import Output, lock, staging
from ..templates import DEFAULT_LAYOUTS


@dataclass
class BuildResult:
    outputs: list[Output]
    findings: list[Finding]


def book_stem(title: str) -> str:
    """The file name of the book's outputs, from its title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "book"


def build(
    book_dir: Path,
    out: Path,
    strict: bool = False,
    layouts: Path = DEFAULT_LAYOUTS,
    progress: Callable[[str], None] = lambda line: None,
) -> BuildResult:
    book = gather(book_dir)  # 1. every source into typed models
    analyse(book)  # 2. resolve across the book: outline, links
    findings = enforce(book, strict)  # 3. errors (and warnings under --strict) stop here
    stem = book_stem(book.config.title)
    with lock(out), staging(out) as stage:  # 4. render into a new folder, switched in at the end
        stage.add(Output("epub", "ebook", f"{stem}.epub", render_epub(book, layouts)))
        progress(f"{stem}.epub")
        pdf = render_book_pdf(book, layouts)
        stage.add(Output("pdf", f"book-{book.config.paper}", f"{stem}.pdf", pdf.data, pages=pdf.pages))
        progress(f"{stem}.pdf ({pdf.pages} pages)")
        outputs = list(stage.outputs)
    return BuildResult(outputs, findings)
