"""Worker processes are started at the first job that needs one (plainpress.stages.render.Renderer):
a build whose outputs are all made in the build's own process (``--only epub``) starts none, not even
multiprocessing's resource tracker (a second interpreter). Nor does it import what only another
input or output needs: YAML error messages, BibTeX, the print edition's page list."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

RUN_AND_SAY_PROCESSES = """
import multiprocessing, sys
from multiprocessing import resource_tracker
from plainpress.cli import main
code = main(sys.argv[1:])
print(resource_tracker._resource_tracker._fd is None, len(multiprocessing.active_children()))
lazy = ("plainpress.sources.yamlerrors", "plainpress.sources.bibtex", "plainpress.outputs.pagelist")
print(*sorted(m for m in lazy if m in sys.modules))
sys.exit(code)
"""


def test_only_epub_starts_no_worker_process(tmp_path: Path) -> None:
    book = shutil.copytree(Path(__file__).parent / "fixtures" / "mini", tmp_path / "book")
    command = [sys.executable, "-c", RUN_AND_SAY_PROCESSES, "build", "--book", str(book), "--only", "epub"]
    done = subprocess.run(
        [*command, "--jobs", "2", "--out", str(tmp_path / "dist"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "0"]  # the mini book: references.json, no references.bib
    assert list((tmp_path / "dist").glob("*.epub"))


def test_warm_starts_every_worker_while_the_book_is_read() -> None:
    from plainpress.stages.render import Renderer

    with Renderer(jobs=2) as renderer:
        renderer.warm()  # the build calls it before reading the book: the workers load the PDF renderer meanwhile
        pool = renderer._executor
        assert pool is not None and len(pool._processes) == 2  # both started at once, before any job
    with Renderer(jobs=1) as renderer:
        renderer.warm()
        assert renderer._executor is None  # one job at a time runs in the build's own process: no worker


RUN_AND_SAY_MODULES = """
import sys
from plainpress.cli import main
code = main(sys.argv[1:])
print(code, "weasyprint" in sys.modules, "plainpress.pdf.layout" in sys.modules)
"""


def test_a_build_lays_out_in_its_workers_and_never_loads_weasyprint_itself(tmp_path: Path) -> None:
    """The build's own process plans, keys the cache (Pango's version read from the library) and merges the
    book's pieces; WeasyPrint, most of a second to load, is only in the workers."""
    book = shutil.copytree(Path(__file__).parent / "fixtures" / "mini", tmp_path / "book")
    command = [sys.executable, "-c", RUN_AND_SAY_MODULES, "build", "--book", str(book), "--jobs", "2"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "dist"), "--quiet"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False", "False"]
    assert list((tmp_path / "dist").glob("*.pdf"))
