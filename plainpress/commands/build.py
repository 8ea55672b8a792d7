"""``build`` and ``handouts``: gather, analyse, check, then render the outputs
into a new folder and switch ``dist`` to it in one step."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import group_line, grouped
from ..model import BuildResult, RenderOptions
from ..model.entries import Group, Selection
from ..progress import Reporter
from ..safety import judge_dump, judge_out
from ..stages.publish import builds_folder
from ..stamp import CACHE_DIR, cache_folder, forget_stamp, inputs_digest, load_stamp, save_stamp
from ..templates import Layouts, book_layouts

# --only: the EPUB (no page list), the book PDF and EPUB, handouts and cards, the audio outputs, the braille edition
ONLY = tuple(group.value for group in Group)


def build(
    book_dir: Path,
    out: Path,
    strict: bool = False,
    layouts: Path | Layouts | None = None,
    progress: Callable[[str], None] = lambda line: None,
    handouts_only: bool = False,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    use_cache: bool = False,
    only: str | None = None,
    dump_html: Path | None = None,
    audio: bool = False,
) -> BuildResult:
    """Build the book; with ``use_cache``, PDFs whose inputs did not change are reused, and a build whose
    inputs did not change at all returns at once (``unchanged``), leaving the output folder as it is."""
    cache_dir = cache_folder(out)
    layouts = book_layouts(book_dir, layouts)
    judge_out(out, book_dir, layouts.folders)  # only our own files are replaced: judged before anything is written
    if dump_html is not None:
        judge_dump(dump_html, book_dir, layouts.folders, out)
    key = {"strict": strict, "handouts_only": handouts_only, "only": only, "layouts": [str(f) for f in layouts.folders]}
    if audio:
        key["audio"] = True
    written = (out, builds_folder(out), cache_dir, out.parent / f".{out.name}.lock", Path("reports"))
    digest = inputs_digest(book_dir, layouts, key, skip=written) if use_cache else None
    if digest:
        known = load_stamp(cache_dir, digest, out) if dump_html is None else None  # a dump must run
        if known is not None:
            return BuildResult([], known, unchanged=True)  # 0. nothing changed since the last build
        forget_stamp(cache_dir)  # a build stopped from here on must not look finished
    from ..pipeline import run_stages  # the stages load the renderer: only when there is work to do

    selection = Selection.of(only, audio, carry=handouts_only)
    options = RenderOptions(jobs, scheduler, cache_dir if use_cache else None, dump_html)
    result = run_stages(book_dir, out, strict, layouts, progress, selection, options)
    if digest:
        with contextlib.suppress(OSError):  # dist is switched already: a stamp not saved only costs a rebuild
            save_stamp(cache_dir, digest, out, result.findings)
    return result


LAYOUTS_HELP = (
    "a folder of templates and CSS that replace the package's file by file; above layouts: in book.yaml "
    "and the book's layouts/ folder"
)
BOOK_HELP = "the book's folder (default: this folder if it holds book.yaml, else book)"


def default_book() -> Path:
    """The book of a command run without --book: this folder when it is one (a book made by init), else book/."""
    return Path(".") if Path("book.yaml").is_file() else Path("book")


def add_book_options(parser: argparse.ArgumentParser, out: bool = True) -> None:
    """The options every command that reads a book shares."""
    parser.add_argument("--book", type=Path, default=default_book(), help=BOOK_HELP)
    if out:
        parser.add_argument("--out", type=Path, default=Path("dist"), help="the output folder (default: dist)")
        parser.add_argument("--layouts", type=Path, metavar="DIR", help=LAYOUTS_HELP)
    parser.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def add_render_options(parser: argparse.ArgumentParser) -> None:
    """How PDFs are laid out: in parallel, on a cluster, from the cache."""
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=default_jobs(),
        metavar="N",
        help=f"lay out N PDFs at once in worker processes (default: the number of cores, {default_jobs()})",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="lay out PDFs on a Dask cluster, e.g. tcp://host:8786 (needs the cluster extra)",
    )
    parser.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        help=f"lay out every PDF again instead of reusing unchanged ones from {CACHE_DIR}/",
    )


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return int(text)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build",
        help="build every output into the output folder (the default command)",
        description="Read the book, check it, and build the EPUB, the book PDF, the handouts, their indexes, "
        "the red-flag cards, the braille edition (BRF) and dist/manifest.json. The previous output folder stays "
        "as it was unless the "
        "whole build succeeds. PDFs whose sources did not change are reused from the cache.",
    )
    add_book_options(parser)
    add_render_options(parser)
    parser.add_argument(
        "--only",
        choices=ONLY,
        help="build only some outputs: epub (without the page list, which needs the book PDF), "
        "book (the book PDF and the EPUB), handouts (handouts, their indexes and the cards), "
        "audio (the read-aloud EPUB, without the page list, and the audio handouts), "
        "braille (the BRF files; the book PDF is laid out, not written, for their print page numbers)",
    )
    parser.add_argument(
        "--audio",
        action="store_true",
        help="also build the read-aloud EPUB and the audio handouts (as `audio: true` in book.yaml; needs espeak-ng)",
    )
    parser.add_argument(
        "--dump-html",
        type=Path,
        metavar="DIR",
        help="also write every HTML document and stylesheet handed to the PDF renderer into DIR (for debugging "
        "and the benchmark)",
    )


def run(args: argparse.Namespace, handouts_only: bool = False) -> int:
    with Reporter(quiet=args.quiet) as say:  # one line per output with its time; live on a terminal
        result = build(
            args.book,
            args.out,
            strict=args.strict,
            layouts=args.layouts,
            progress=say,
            handouts_only=handouts_only,
            jobs=args.jobs,
            scheduler=args.scheduler,
            use_cache=args.use_cache,
            only=getattr(args, "only", None),
            dump_html=getattr(args, "dump_html", None),
            audio=getattr(args, "audio", False),
        )
    for group in grouped(result.findings):
        print(group_line(group), file=sys.stderr)
    if result.unchanged:
        say.finish(f"nothing changed since the last build; {args.out}/ is up to date ({say.elapsed():.2f} s)")
    else:
        built = f"built {len(result.outputs)} outputs into {args.out}/ in {say.elapsed():.1f} s"
        if args.use_cache:
            reused = max(0, sum(o.path.endswith(".pdf") for o in result.outputs) - len(result.laid_out))
            built += f" ({len(result.laid_out)} PDFs laid out, {reused} unchanged from the cache)"
        say.finish(built)
    return 0
