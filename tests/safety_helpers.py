"""Shared by the safety tests (tests/test_safety_*.py): a small world of folders to point the command line
at, and snapshots that prove a run left every file it does not own byte-identical."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from plainpress.cli import main

from .helpers import FIXTURES, ROOT

CODES = {0, 1, 2, 3, 4, 5}  # the exit codes of the README's table


def state(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (``root`` itself too): a file's sha256 and mode, a link's target, a folder."""
    found: dict[str, str] = {}
    if not os.path.lexists(root):
        return found
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files, ""] if folder == str(root) else [*dirs, *files]:
            path = Path(folder) / name if name else Path(folder)
            key = str(path.relative_to(root))
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[key] = f"link {os.readlink(path)}"
            elif stat.S_ISREG(info.st_mode):
                found[key] = f"file {oct(info.st_mode)} {hashlib.sha256(path.read_bytes()).hexdigest()}"
            elif stat.S_ISDIR(info.st_mode):
                found[key] = "folder"
            else:
                found[key] = f"special {oct(info.st_mode)}"
    return found


@dataclass
class World:
    """A project folder (a Git repository holding the book), the user's Documents beside it, a copy of the
    layouts, and a file of notes: everything a mistyped path could point at."""

    root: Path
    project: Path
    book: Path
    documents: Path
    layouts: Path
    notes: Path

    def protected(self) -> dict[str, dict[str, str]]:
        """What no run may change: the book, the layouts, the Git folder, Documents and the notes."""
        return {str(p): state(p) for p in (self.book, self.layouts, self.project / ".git", self.documents, self.notes)}


def make_world(tmp: Path) -> World:
    project = tmp / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    book = project / "book"
    shutil.copytree(FIXTURES / "mini", book)
    documents = tmp / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("Dear clinic,\n")
    (documents / "photos").mkdir()
    (documents / "photos" / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    layouts = tmp / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    notes = project / "notes.txt"
    notes.write_text("my notes\n")
    return World(tmp, project, book, documents, layouts, notes)


def run(*argv: str) -> tuple[int, str]:
    """``build.py ARGV`` in this process: its exit code (argparse's usage errors included) and its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as stop:  # argparse: a bad option
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue() + err.getvalue()
