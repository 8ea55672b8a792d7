"""What a build prints while it runs: one line per finished output, with its time.

On a terminal, a build that takes longer than a second also gets a live line at the
bottom (a spinner, how many outputs are written, the time so far), drawn with ``rich``
and removed when the build ends. Anywhere else (a pipe, a log file, CI) the output is
plain text, one line per output, without colour or cursor movement. ``--quiet`` prints
nothing but problems.

The build reports through a plain callback, ``progress(line)``: a :class:`Reporter` is one.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

LIVE_AFTER = 1.0  # seconds: quicker builds never show the live line


class Clock:
    """Times the outputs of a build: :meth:`lap` is the time since the last lap, as text
    (``lap(count)`` gives the average of ``count`` outputs made together, marked ``~``)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def lap(self, count: int = 1) -> str:
        now = time.monotonic()
        seconds, self.last = (now - self.last) / max(count, 1), now
        return f"{seconds:.1f} s" if count <= 1 else f"~{seconds:.1f} s"


def pages(count: int | None) -> str:
    return "1 page" if count == 1 else f"{count} pages"


class Reporter:
    """The ``progress`` callback of a build, and its display (use it as a context manager)."""

    def __init__(self, quiet: bool = False, file: TextIO | None = None, live_after: float = LIVE_AFTER) -> None:
        self.quiet = quiet
        self.file = file if file is not None else sys.stdout
        self.console: Console | None = None  # rich is imported only to print (never with --quiet)
        self.fancy = False
        if not quiet:
            from rich.console import Console

            self.console = Console(file=self.file, highlight=False, soft_wrap=True)
            self.fancy = self.console.is_terminal and not self.console.is_dumb_terminal
        self.live_after = live_after
        self.written = 0
        self.started = time.monotonic()
        self._live: Live | None = None

    def __enter__(self) -> Reporter:
        self.started = time.monotonic()
        if self.fancy:
            from rich.live import Live
            from rich.spinner import Spinner

            self._spinner = Spinner("dots", style="cyan")
            self._live = Live(
                console=self.console,
                get_renderable=self._status,
                transient=True,
                refresh_per_second=8,
                redirect_stderr=False,
            )
            self._live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __call__(self, line: str) -> None:
        """One finished output: ``path (details)``."""
        self.written += 1
        if self.quiet:
            return
        if not self.fancy:
            print(f"  wrote {line}", file=self.file, flush=True)
            return
        from rich.text import Text

        assert self.console is not None
        name, paren, details = line.partition(" (")
        text = Text("  ")
        text.append("wrote ", style="green")
        text.append(name)
        if paren:
            text.append(f" ({details}", style="dim")
        self.console.print(text)

    def finish(self, line: str) -> None:
        """The closing summary line."""
        if self.quiet:
            return
        if self.fancy:
            from rich.text import Text

            assert self.console is not None
            self.console.print(Text(line, style="bold"))
        else:
            print(line, file=self.file, flush=True)

    def _status(self) -> RenderableType:
        from rich.console import Group
        from rich.text import Text

        elapsed = self.elapsed()
        if elapsed < self.live_after:
            return Group()  # nothing to draw yet
        done = "1 output" if self.written == 1 else f"{self.written} outputs"
        self._spinner.update(text=Text(f"building: {done} written, {elapsed:.0f} s so far", style="dim"))
        return self._spinner
