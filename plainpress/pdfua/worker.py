"""Checking many files with a hard time bound: one worker process checks the files in turn.

The checker stops itself at its deadline (checked in every loop), but a file can also hang inside
the PDF library; the worker is then ended and a new one started for the next file. Either way the
file is reported as not checked.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from . import TIME_LIMIT, Report, check_file

GRACE = 3.0  # seconds the worker gets beyond the limit before it is ended


def _serve(connection: Connection, time_limit: float) -> None:
    while True:
        try:
            path = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if path is None:
            return
        connection.send(check_file(path, time_limit))


class _Worker:
    def __init__(self, time_limit: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, time_limit), daemon=True)
        self.process.start()
        theirs.close()

    def check(self, path: str, wait: float) -> Report | None:
        self.connection.send(path)
        if not self.connection.poll(wait):
            return None
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return None

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.connection.send(None)
            except (BrokenPipeError, OSError):
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.connection.close()


def check_files(paths: Iterable[str | Path], time_limit: float = TIME_LIMIT) -> Iterator[Report]:
    """One report per path, in order; a file the worker cannot finish in time is not checked."""
    worker: _Worker | None = None
    try:
        for path in paths:
            if worker is None:
                worker = _Worker(time_limit)
            report = worker.check(str(path), time_limit + GRACE)
            if report is None:
                alive = worker.process.is_alive()
                worker.stop(kill=True)
                worker = None
                reason = f"took longer than {time_limit:g} s" if alive else "the checker stopped on this file"
                report = Report(str(path), checked=False, reason=reason, seconds=time_limit)
            yield report
    finally:
        if worker is not None:
            worker.stop()
