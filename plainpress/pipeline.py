"""The stages of a build, run when something changed: gather, analyse, check, then render the
outputs into a new folder and switch the output folder to it in one step."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

from .cache import RenderCache
from .errors import Finding, Problems, SourceError
from .fonts import font_roots
from .model import Book, BuildResult, Output, RenderOptions
from .outputs.audio import plan_audio
from .outputs.book_pdf import book_stem, plan_book_pdf
from .outputs.braille import braille_outputs, braille_setup
from .outputs.cards import plan_cards
from .outputs.epub import render_epub
from .outputs.handouts import plan_handouts
from .outputs.read_aloud import ReadAloud, read_aloud_name
from .pdf.jobs import Planned
from .progress import Clock, pages
from .resources import check_layouts
from .safety import read_regular
from .stages.enforce import stopping
from .stages.publish import Staging, lock, staging
from .stages.read import read_book
from .stages.render import Renderer
from .templates import Layouts, layout_roots

BOOK_KINDS = ("epub", "pdf", "read-aloud", "braille-book")


def run_stages(
    book_dir: Path,
    out: Path,
    strict: bool,
    layouts: Layouts,
    progress: Callable[[str], None],
    handouts_only: bool,
    options: RenderOptions,
) -> BuildResult:
    book, findings = read_book(book_dir, strict)  # 1-3. gather, analyse, enforce: errors stop here
    check_layouts(layouts, [*layout_roots(layouts), book.root, *font_roots()])  # their CSS loads nothing from elsewhere
    cache = RenderCache(options.cache) if options.cache else None
    renderer = Renderer(options.jobs, options.scheduler, cache, options.dump_html)
    gc.freeze()  # the book lives to the end: spare it the collector's passes while the outputs are made
    try:
        with lock(out), staging(out) as stage:  # 4. render into a new folder, switched in at the end
            with renderer:
                audio = options.audio or book.config.audio or options.only == "audio"
                late = _render(book, stage, layouts, renderer, progress, handouts_only, options.only, out, audio)
            findings += late
            if stopping(late, strict):  # 5. findings only layout can make (a handout too long)
                raise Problems(findings)
            outputs = list(stage.outputs)
    finally:
        gc.unfreeze()
    if cache and options.only is None and not handouts_only:
        with contextlib.suppress(OSError):  # after the switch: an entry not removed is removed next time
            cache.prune()
    return BuildResult(outputs, findings, renderer.laid_out)


def _render(
    book: Book,
    stage: Staging,
    layouts: Layouts,
    renderer: Renderer,
    progress: Callable[[str], None],
    handouts_only: bool,
    only: str | None,
    out: Path,
    audio: bool = False,
) -> list[Finding]:
    """Plan every PDF (the book PDF first: it is the longest and the EPUB needs its layout), render them in
    parallel, and write each as it comes; returns the findings only layout can make."""
    clock = Clock()
    findings: list[Finding] = []
    code = None
    if only in (None, "braille") or handouts_only:  # liblouis and its tables are checked before any layout
        code, findings = braille_setup(book)
    if only == "epub":
        stage.add(Output("epub", "ebook", f"{book_stem(book.config.title)}.epub", render_epub(book, layouts)))
        progress(f"{stage.outputs[-1].path} (no page list, {clock.lap()})")
        return findings
    plans: list[Iterable[Planned]] = []
    carried = handouts_only and _carry_over(out, stage, progress)
    wanted = (None, "book", "braille") if code is not None else (None, "book")
    if not carried and only in wanted:
        plans.append([plan_book_pdf(book, layouts)])  # with --only braille, laid out for its page numbers only
    if only in (None, "handouts"):
        plans += [plan_handouts(book, layouts), plan_cards(book, layouts)]
    aloud = _plan_audio(book, layouts, plans, only, carried) if audio else None
    stem = book_stem(book.config.title)
    print_starts = None  # where each page of the book PDF begins, once it is laid out
    for done in renderer.run(chain.from_iterable(plans)):
        output, found = done.planned.finish(done.result)
        findings += found
        how = "from the cache" if done.cached else f"{done.result.seconds:.1f} s"
        if output is None:  # a chapter's speech: it goes into the read-aloud EPUB
            progress(f"{done.planned.path} ({done.result.duration:.0f} s of speech, {how})")
            continue
        if only != "braille":  # with --only braille, the book PDF is laid out for its page numbers only
            stage.add(output)
            progress(f"{output.path} ({_extent(output)}, {how})")
        if output.kind == "pdf" and only != "braille":  # the book PDF: its layout gives the EPUB its page list
            epub_clock = Clock()
            stage.add(Output("epub", "ebook", f"{stem}.epub", render_epub(book, layouts, done.result.page_starts)))
            progress(f"{stem}.epub ({epub_clock.lap()})")
        if output.kind == "pdf":  # and the braille book its print page numbers
            print_starts = done.result.page_starts
    if code is not None:  # braille needs no layout: written once the PDFs (which can fail the build) are done
        _add_braille(stage, progress, braille_outputs(book, code, stem, renderer.cache, findings=findings))
        if print_starts is not None:
            volumes = braille_outputs(book, code, stem, renderer.cache, print_starts, handouts=False)
            _add_braille(stage, progress, volumes)
    if aloud is not None:
        epub = next((o for o in stage.outputs if o.kind == "epub"), None)  # none with --only audio
        path = read_aloud_name(epub.path if epub else f"{book_stem(book.config.title)}.epub")
        stage.add(aloud.package(epub.data if epub else aloud.source, path))
        progress(f"{path} ({stage.outputs[-1].extra['duration']:.0f} s of speech)")
    return findings


def _add_braille(stage: Staging, progress: Callable[[str], None], outputs: Iterable[tuple[Output, bool]]) -> None:
    clock = Clock()
    for output, cached in outputs:
        stage.add(output)
        progress(f"{output.path} ({pages(output.pages)}, {'from the cache' if cached else clock.lap()})")


def _plan_audio(
    book: Book, layouts: Path, plans: list[Iterable[Planned]], only: str | None, carried: bool
) -> ReadAloud | None:
    """Speech for the read-aloud EPUB (planned from an EPUB without page list, so that synthesis starts
    at once) and the audio handouts, after the PDFs in ``plans``."""
    aloud = None
    if only in (None, "book", "audio") and not carried:
        aloud = ReadAloud.plan(book, render_epub(book, layouts), layouts)
        plans.insert(1 if plans and only != "audio" else 0, aloud.planned())
    if only in (None, "handouts", "audio"):
        plans.append(plan_audio(book, layouts))
    return aloud


def _extent(output: Output) -> str:
    duration = output.extra.get("duration")
    return f"{duration:.0f} s" if isinstance(duration, float) else pages(output.pages)


def _carry_over(out: Path, stage: Staging, progress: Callable[[str], None]) -> bool:
    """Copy the EPUB and book PDF of the current ``dist`` unchanged; False when there are none (or the
    manifest cannot be read: they are then built again)."""
    try:
        listed = json.loads(read_regular(out / "manifest.json"))["outputs"]
        entries = [e for e in listed if e["kind"] in BOOK_KINDS]
        found = [(e, read_regular(out / e["path"])) for e in entries]
    except (OSError, ValueError, TypeError, KeyError, SourceError):
        return False
    if not found:
        return False
    for entry, data in found:
        stage.add(Output(entry["kind"], entry["variant"], entry["path"], data, entry.get("pages")))
        progress(f"{entry['path']} (carried over)")
    return True
