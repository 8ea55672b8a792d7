"""``build`` and ``handouts``: gather, analyse, check, then render the outputs
into a new folder and switch ``dist`` to it in one step."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..analyse import analyse
from ..check import enforce, stopping
from ..errors import Finding, Problems
from ..fonts import font_roots
from ..gather import gather
from ..model import Book, Output
from ..outputs.book_pdf import render_book_pdf
from ..outputs.cards import render_cards
from ..outputs.epub import render_epub
from ..outputs.handouts import render_handouts
from ..progress import Clock, Reporter, pages
from ..publish import Staging, lock, staging
from ..resources import check_layouts
from ..templates import DEFAULT_LAYOUTS

BOOK_KINDS = ("epub", "pdf")


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
    handouts_only: bool = False,
) -> BuildResult:
    book = gather(book_dir)  # 1. every source into typed models
    analyse(book)  # 2. resolve across the book: outline, links, citations, glossary, red flags
    findings = enforce(book, strict)  # 3. errors (and warnings under --strict) stop here
    check_layouts(layouts, [layouts, book.root, *font_roots()])  # their CSS loads nothing from elsewhere
    with lock(out), staging(out) as stage:  # 4. render into a new folder, switched in at the end
        if handouts_only and _carry_over(out, stage, progress):
            pass
        else:
            _book_outputs(book, stage, layouts, progress)

        def done(output: Output, seconds: float) -> None:
            stage.add(output)
            progress(f"{output.path} ({pages(output.pages)}, {seconds:.1f} s)")

        _, late = render_handouts(book, layouts, done)  # handouts and their indexes
        render_cards(book, layouts, done)  # and the pocket cards
        findings += late
        if stopping(late, strict):  # 5. findings only layout can make (a handout too long)
            raise Problems(findings)
        outputs = list(stage.outputs)
    return BuildResult(outputs, findings)


def _book_outputs(book: Book, stage: Staging, layouts: Path, progress: Callable[[str], None]) -> None:
    stem = book_stem(book.config.title)
    clock = Clock()
    pdf = render_book_pdf(book, layouts)  # first: its layout gives the EPUB its page list
    stage.add(Output("pdf", f"book-{book.config.paper}", f"{stem}.pdf", pdf.data, pages=pdf.pages))
    progress(f"{stem}.pdf ({pages(pdf.pages)}, {clock.lap()})")
    stage.add(Output("epub", "ebook", f"{stem}.epub", render_epub(book, layouts, pdf.page_starts)))
    progress(f"{stem}.epub ({clock.lap()})")


def _carry_over(out: Path, stage: Staging, progress: Callable[[str], None]) -> bool:
    """Copy the EPUB and book PDF of the current ``dist`` unchanged; False when there are none."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        return False
    entries = [e for e in json.loads(manifest.read_text())["outputs"] if e["kind"] in BOOK_KINDS]
    if not entries or not all((out / e["path"]).is_file() for e in entries):
        return False
    for entry in entries:
        stage.add(
            Output(
                entry["kind"], entry["variant"], entry["path"], (out / entry["path"]).read_bytes(), entry.get("pages")
            )
        )
        progress(f"{entry['path']} (carried over)")
    return True


def add_book_options(parser: argparse.ArgumentParser, out: bool = True) -> None:
    """The options every command that reads a book shares."""
    parser.add_argument("--book", type=Path, default=Path("book"), help="the book's folder (default: book)")
    if out:
        parser.add_argument("--out", type=Path, default=Path("dist"), help="the output folder (default: dist)")
        parser.add_argument(
            "--layouts", type=Path, default=DEFAULT_LAYOUTS, help="templates and CSS (default: layouts)"
        )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build",
        help="build every output into the output folder (the default command)",
        description="Read the book, check it, and build the EPUB, the book PDF, the handouts, their indexes, "
        "the red-flag cards and dist/manifest.json. The previous output folder stays as it was unless the "
        "whole build succeeds.",
    )
    add_book_options(parser)


def run(args: argparse.Namespace, handouts_only: bool = False) -> int:
    with Reporter(quiet=args.quiet) as say:  # one line per output with its time; live on a terminal
        result = build(
            args.book, args.out, strict=args.strict, layouts=args.layouts, progress=say, handouts_only=handouts_only
        )
    for finding in result.findings:
        print(finding, file=sys.stderr)
    say.finish(f"built {len(result.outputs)} outputs into {args.out}/ in {say.elapsed():.1f} s")
    return 0
