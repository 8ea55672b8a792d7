"""Shared by the robustness tests (tests/test_robust_*.py): books to spoil, snapshots of
dist/, and the one rule every bad input must follow: it fails as our own error, with a location."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plainpress.errors import PlainpressError, Problems, SourceError
from plainpress.mdext.limits import LimitError

from .helpers import FIXTURES

MINI = FIXTURES / "mini"
FRONT = "---\ntitle: {title}\nsummary: A short summary.\ndate: 2026-01-02\n---\n\n"


def copy_mini(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(MINI, target)
    return target


def article(title: str = "Test article", body: str = "") -> str:
    return FRONT.format(title=title) + body


def assert_ours(error: BaseException, where: Path | None = None) -> None:
    """The only failure allowed: a PlainpressError whose every problem names a file (and a
    line, when it is about a line), under ``where`` when given."""
    assert isinstance(error, PlainpressError), f"not our error: {type(error).__name__}: {error}"
    if isinstance(error, Problems):
        assert error.findings, "Problems without findings"
        locations = [f.location for f in error.findings]
    elif isinstance(error, SourceError):
        locations = [error.location]
    elif isinstance(error, LimitError):
        assert error.line is None or error.line >= 1
        return
    else:
        assert str(error), "an error without a message"
        return
    for location in locations:
        assert location.path, f"a problem without a file: {error}"
        assert location.line is None or location.line >= 1, f"a bad line number: {location}"
        if where is not None:
            assert Path(location.path).resolve().is_relative_to(where.resolve()), f"{location} is not under {where}"
    for message in error.messages():
        assert message.strip() and "Traceback" not in message


def snapshot(out: Path) -> dict[str, str]:
    """What ``dist`` is: where it points and the sha256 of every file in it."""
    if not out.exists():
        return {}
    files = {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    return {"->": os.readlink(out) if out.is_symlink() else "(folder)", **files}


@contextmanager
def reads_recorded() -> Iterator[list[str]]:
    """Every file opened (Python's ``open`` audit event) while the block runs."""
    opened: list[str] = []
    _RECORDERS.append(opened)
    try:
        yield opened
    finally:
        _RECORDERS.remove(opened)


_RECORDERS: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    if _RECORDERS and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0]) if not isinstance(args[0], str) else args[0]
        for recorder in _RECORDERS:
            recorder.append(path)


sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only inside reads_recorded()
