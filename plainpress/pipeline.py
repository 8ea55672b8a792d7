"""The stages of a build, run when something changed: gather, analyse, check, then render the
outputs into a new folder and switch the output folder to it in one step."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .cache import RenderCache
from .errors import Problems, SourceError
from .fonts import font_roots
from .model import BuildResult, Output, RenderOptions
from .model.entries import Group, Scope, Selection
from .resources import check_layouts
from .safety import read_regular
from .stages.catalogue import catalogue
from .stages.enforce import stopping
from .stages.kept import Kept
from .stages.make import make_entries
from .stages.publish import Staging, lock, staging
from .stages.read import read_book
from .stages.render import Renderer
from .templates import Layouts, layout_roots


def run_stages(
    book_dir: Path,
    out: Path,
    strict: bool,
    layouts: Layouts,
    progress: Callable[[str], None],
    selection: Selection,
    options: RenderOptions,
) -> BuildResult:
    cache = RenderCache(options.cache) if options.cache else None
    renderer = Renderer(options.jobs, options.scheduler, cache, options.dump_html)
    with renderer:
        if selection.only not in (Group.EPUB, Group.AUDIO):
            renderer.warm()  # the workers start, and load the PDF renderer, while this process reads the book
        kept = Kept(options.cache) if options.cache else None  # the conversions of the last build
        book, findings = read_book(book_dir, strict, kept=kept)  # 1-3. gather, analyse, enforce: errors stop here
        check_layouts(layouts, [*layout_roots(layouts), book.root, *font_roots()])  # their CSS loads nothing else
        if book.config.audio:
            selection = replace(selection, audio=True)
        chosen = catalogue(book, layouts, selection)  # 4. the outputs selected, from the catalogue
        gc.freeze()  # the book lives to the end: spare it the collector's passes while the outputs are made
        try:
            with lock(out), staging(out) as stage:  # 5. make them into a new folder, switched in at the end
                findings += chosen.findings
                entries = chosen.entries
                book_wide = {k.name for k in chosen.kinds if k.scope is Scope.BOOK}
                if selection.carry and _carry_over(out, stage, progress, book_wide):
                    entries = [e for e in entries if e.kind.scope is not Scope.BOOK]
                late = make_entries(chosen, entries, stage, renderer, progress)
                findings += late
                if stopping(late, strict):  # 6. findings only layout can make (a handout too long)
                    raise Problems(findings)
                outputs = list(stage.outputs)
        finally:
            gc.unfreeze()
    if cache:
        with contextlib.suppress(OSError):  # a memo not written: its values are made again next time
            cache.save_memos()
    if cache and selection.everything:
        with contextlib.suppress(OSError):  # after the switch: an entry not removed is removed next time
            cache.prune()
    if kept:
        kept.prune()  # every build reads the whole book: what it did not use is of no later build
    return BuildResult(outputs, findings, renderer.laid_out)


def _carry_over(out: Path, stage: Staging, progress: Callable[[str], None], kinds: set[str]) -> bool:
    """Copy the book-wide outputs (``kinds``) of the current ``dist`` unchanged; False when there are none
    (or the manifest cannot be read: they are then built again)."""
    try:
        listed = json.loads(read_regular(out / "manifest.json"))["outputs"]
        entries = [e for e in listed if e["kind"] in kinds]
        found = [(e, read_regular(out / e["path"])) for e in entries]
    except (OSError, ValueError, TypeError, KeyError, SourceError):
        return False
    if not found:
        return False
    for entry, data in found:
        stage.add(Output(entry["kind"], entry["variant"], entry["path"], data, entry.get("pages")))
        progress(f"{entry['path']} (carried over)")
    return True
