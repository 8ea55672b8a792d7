"""What a build prints: one line per output with its time; plain text off a terminal; nothing with --quiet."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plainpress.progress import Clock, Reporter, pages

from .helpers import FIXTURES, ROOT


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_the_lines_are_plain_text() -> None:
    out = io.StringIO()
    with Reporter(file=out) as say:
        say("book.pdf (8 pages, 1.2 s)")
        say("handouts/neutral/a-a4-standard.pdf (1 page, ~0.3 s)")
    say.finish("built 2 outputs into dist/ in 1.5 s")
    assert out.getvalue().splitlines() == [
        "  wrote book.pdf (8 pages, 1.2 s)",
        "  wrote handouts/neutral/a-a4-standard.pdf (1 page, ~0.3 s)",
        "built 2 outputs into dist/ in 1.5 s",
    ]


def test_quiet_prints_nothing() -> None:
    out = _Terminal()
    with Reporter(quiet=True, file=out) as say:
        say("book.pdf (8 pages, 1.2 s)")
    say.finish("built 1 output")
    assert out.getvalue() == ""
    assert say.written == 1


def test_on_a_terminal_a_live_line_shows_only_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    quick = _Terminal()
    with Reporter(file=quick, live_after=1.0) as say:
        say("book.epub (0.1 s)")
    assert "building:" not in quick.getvalue()
    assert "book.epub" in quick.getvalue()

    slow = _Terminal()
    with Reporter(file=slow, live_after=0.05) as say:
        say("book.epub (0.1 s)")
        time.sleep(0.5)
    shown = slow.getvalue()
    assert "building: 1 output written" in shown
    assert "\x1b[" in shown  # colour and cursor movement, on a terminal only


def test_clock_times_single_outputs_and_batches() -> None:
    clock = Clock()
    time.sleep(0.12)
    assert re.fullmatch(r"0\.1 s", clock.lap())
    time.sleep(0.2)
    assert re.fullmatch(r"~0\.[01] s", clock.lap(4))
    assert pages(1) == "1 page"
    assert pages(3) == "3 pages"


@pytest.mark.timeout(300)
def test_a_build_in_ci_prints_each_output_with_its_time(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    run = subprocess.run(
        [sys.executable, "build.py", "--book", str(FIXTURES / "mini"), "--out", str(tmp_path / "dist")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert "\x1b" not in run.stdout
    wrote = [line for line in lines if line.startswith("  wrote ")]
    made = [*(tmp_path / "dist").rglob("*.pdf"), *(tmp_path / "dist").rglob("*.brf")]
    assert len(wrote) == len(made) + 1  # every PDF and braille file, and the EPUB
    for line in wrote:
        assert re.search(r"\((\d+ pages?, )?~?\d+\.\d s\)$", line), line
    assert re.fullmatch(
        r"built \d+ outputs into .*/ in \d+\.\d s \(\d+ PDFs laid out, 0 unchanged from the cache\)", lines[-1]
    )
    quiet = subprocess.run(
        [sys.executable, "build.py", "--book", str(FIXTURES / "mini"), "--out", str(tmp_path / "dist"), "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=True,
    )
    assert quiet.stdout == ""


def test_quiet_does_not_import_rich() -> None:
    """--quiet prints nothing, so the build does not pay for importing rich (in a fresh interpreter)."""
    code = (
        "import sys\nfrom plainpress.progress import Reporter\n"
        "with Reporter(quiet=True) as say:\n    say('book.epub (0.1 s)')\n"
        "say.finish('built 1 output')\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout == "[]\n"
