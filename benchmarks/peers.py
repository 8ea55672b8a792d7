"""What the benchmark measures plainpress against, in the same run: the baseline commit, built from a git
worktree with its own virtual environment, and Typst (PDF/UA-1) on the same content, by way of pandoc.

- :func:`prepare_baseline`: ``git worktree add --detach`` of :data:`BASELINE_COMMIT` (once: a later run reuses
  it, and its venv, when it is at that commit) and ``pip install -e`` into a venv of its own, so that the
  baseline runs its own code and its own layouts on the same corpus, on the same machine, minutes apart.
- :func:`typst_source`: the articles (front matter replaced by a ``# title``, as for pandoc's EPUB) converted by
  ``pandoc -t typst`` into one document: A4, 12 pt, line height 1.5, a page break before each chapter, and a
  title (``-M title=…``: Typst's ua-1 standard refuses a document without one). Citations stay text
  (``-citations``), as pandoc's EPUB leaves them: neither resolves them.
- ``typst_pdf.py`` (run as its own process, to be timed like a build) compiles it with
  ``pdf_standards=["ua-1"]``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import BenchError, Sample, capture, run_process
from report import runs_at

HERE = Path(__file__).resolve().parent

BASELINE_COMMIT = "1e822cd"  # issue 19's baseline (2026-11-26)
# A page break before each chapter (weak: none before the first, which follows the title on its page).
CHAPTER_BREAK = "#show heading.where(level: 1): it => { pagebreak(weak: true); it }"


@dataclass(frozen=True)
class Baseline:
    commit: str  # the full hash
    folder: Path  # its worktree
    python: str  # its venv's interpreter

    @property
    def build_py(self) -> Path:
        return self.folder / "build.py"


def prepare_baseline(repo: Path, where: Path, commit: str = BASELINE_COMMIT) -> Baseline:
    """The baseline's worktree at ``where`` with its venv, made (or checked and reused)."""
    full = capture(["git", "-C", str(repo), "rev-parse", "--verify", f"{commit}^{{commit}}"]).strip()
    if (where / ".git").exists():
        head = capture(["git", "-C", str(where), "rev-parse", "HEAD"]).strip()
        if head != full:
            raise BenchError(f"{where} is a worktree at {head[:10]}, not the baseline {commit}: remove it")
    else:
        where.parent.mkdir(parents=True, exist_ok=True)
        capture(["git", "-C", str(repo), "worktree", "add", "--detach", str(where), full])
    python = where / ".venv" / "bin" / "python"
    marker = where / ".venv" / ".bench-installed"
    if not marker.exists():
        print(f"baseline {commit}: installing it into {where / '.venv'} …", file=sys.stderr, flush=True)
        capture([sys.executable, "-m", "venv", str(where / ".venv")])
        capture([str(python), "-m", "pip", "install", "--quiet", "-e", str(where)], cwd=where)
        marker.touch()
    return Baseline(full, where, str(python))


def typst_source(pandoc: str, chapters: list[Path], out: Path, title: str) -> Path:
    """One Typst document of ``chapters`` (Markdown files that each begin with ``# title``), written to ``out``."""
    cmd = [pandoc, "-f", "markdown-citations", "-t", "typst", "--standalone", "-o", str(out), "-M", f"title={title}"]
    cmd += ["-M", "lang=en", "-V", "papersize=a4", "-V", "fontsize=12pt", "-V", "linestretch=1.5"]
    cmd += ["-V", f"header-includes={CHAPTER_BREAK}", *map(str, chapters)]
    capture(cmd, cwd=out.parent)
    return out


def book_pages(dist: Path) -> int | None:
    """The book PDF's pages, from the build's manifest (the PDF output at the top of ``dist``)."""
    outputs = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    return next((o.get("pages") for o in outputs if o["kind"] == "pdf" and "/" not in o["path"]), None)


def _with_pages(bench: Any, n: int, key: str, pages: int | None) -> None:
    if pages is not None:
        bench.results[n][key][-1]["pages"] = pages


def measure_book(bench: Any, n: int, folder: Path, first: bool) -> None:
    """On a size's first run: the book PDF (and its EPUB) alone, cold, and the baseline's cold full build and
    book PDF (rows ``book_only``, ``baseline_cold``, ``baseline_book``), before any edit. The baseline builds
    the corpus of the same size that its own ``corpus.py`` makes from its own sample book: its reader refuses
    keys added since (the trust marks), and its chapters are the same but for one table cell."""
    if not (first and bench.supported["only"]):
        return
    rows = [("book_only", False, "book PDF and its EPUB (--only book)")]
    if bench.baseline is not None and runs_at("baseline_cold", n, first):
        rows += [("baseline_cold", True, "baseline: cold full build"), ("baseline_book", True, "baseline: book PDF")]
        corpus = [bench.baseline.python, str(bench.baseline.folder / "benchmarks" / "corpus.py"), str(n)]
        capture([*corpus, str(folder / "baseline")], cwd=bench.baseline.folder)
    for key, baseline, label in rows:
        if not runs_at(key, n, first):
            bench.not_run.setdefault(n, []).append(key)
            continue
        extra = () if key == "baseline_cold" else ("--only", "book")
        apart = "baseline" if baseline else "book-only"
        sample = bench.build(folder, *extra, cold=True, label=label, baseline=baseline, apart=apart)
        bench.record(n, key, sample, label)
        _with_pages(bench, n, key, book_pages(folder / apart / "dist"))


def record_floor_book(bench: Any, n: int, floor: dict[str, Any]) -> None:
    """The floor's render of the book PDF alone (the outputs at the top of dist: the book, or its pieces)."""
    names = [name for name in floor.get("pages_per_output", {}) if "/" not in name]
    if not names:
        return
    seconds = sum(floor["per_output"][name] for name in names)
    cpu = sum(floor["cpu_per_output"][name] for name in names)
    bench.record(n, "floor_book", Sample(seconds, 0.0, cpu_seconds=cpu), "renderer floor, the book PDF alone")
    bench.results[n]["floor_book"][-1].pop("maxrss_mib", None)  # a part of the floor's process, no figure of its own
    _with_pages(bench, n, "floor_book", sum(floor["pages_per_output"][name] for name in names))


def measure_typst(bench: Any, n: int, folder: Path, chapters: list[Path]) -> None:
    """Typst on the same articles as pandoc's EPUB: the conversion (pandoc -t typst, not timed as Typst's) and
    the PDF/UA-1 compile as a whole process (row ``typst``, with its pages)."""
    source = typst_source(bench.pandoc_path, chapters, folder / "typst.typ", f"Benchmark corpus ({n} articles)")
    sample = run_process(
        [bench.python, str(HERE / "typst_pdf.py"), str(source), str(folder / "typst.pdf")], folder, "typst"
    )
    compiled = json.loads(sample.stdout)
    bench.record(n, "typst", sample, "Typst PDF/UA-1 (whole process)")
    bench.results[n]["typst"][-1] |= {"compile_seconds": compiled["seconds"], "pages": compiled["pages"]}
