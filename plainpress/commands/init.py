"""``init DIR``: start a book of one's own in a new or empty folder.

Writes a commented ``book.yaml``, one starter article, ``glossary.yaml``, ``references.json``,
one clinic profile to fill in, a ``.gitignore`` and a short README (the texts are in
:mod:`plainpress.starter`, in the book's language). The book builds at once: its article is a
draft and its values are placeholders, which the checks report as warnings. A folder that is not
empty, or a path that is not a folder, is refused (exit 2) and nothing is written; if writing
fails half way, the files written so far are removed again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..cli import program
from ..errors import PlainpressError
from ..messages import available_languages, base_language
from ..starter import starter_files


class InitRefused(PlainpressError):
    """The folder cannot hold a new book; nothing was written."""

    exit_code = 2  # a refused path (the exit-code table in the README)


def init_book(
    folder: Path, title: str, language: str = "en", paper: str = "a4", today: dt.date | None = None
) -> list[Path]:
    """Write a new book into ``folder`` (made if missing, else it must be empty); the files written."""
    title = " ".join(title.split())
    if not title:
        raise InitRefused('the title is empty; give one with --title "My clinic\'s guide"')
    if base_language(language) not in available_languages():
        raise InitRefused(
            f"--language {language!r}: plainpress has words for {', '.join(available_languages())}; "
            "choose one of them (a tag such as en-GB or es-MX also works)"
        )
    _check_folder(folder)
    files = starter_files(title, language, paper, today or dt.date.today())
    made_folder = not folder.exists()
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite, even in a race
                out.write(text)
            written.append(path)
    except BaseException:
        _undo(folder, written, made_folder)
        raise
    return written


def _check_folder(folder: Path) -> None:
    if folder.is_symlink() and not folder.exists():
        raise InitRefused(f"{folder} is a link to nothing; nothing was written. Choose another folder")
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file, not a folder; nothing was written. Choose a new folder's name")
    if folder.is_dir():
        try:
            entries = sorted(p.name for p in folder.iterdir())
        except PermissionError:
            raise InitRefused(f"{folder}: cannot read the folder (permission denied); nothing was written") from None
        if entries:
            shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
            raise InitRefused(
                f"{folder} is not empty (it holds {shown}); nothing was written. "
                "init starts a book in a new or empty folder"
            )


def _undo(folder: Path, written: list[Path], made_folder: bool) -> None:
    """Remove the files this run wrote, and the folders it made that are empty again."""
    for path in reversed(written):
        path.unlink(missing_ok=True)
    folders = sorted({p.parent for p in written if p.parent != folder}, key=lambda p: len(p.parts), reverse=True)
    for sub in [*folders, *([folder] if made_folder else [])]:
        try:
            sub.rmdir()
        except OSError:
            pass


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "init",
        help="start a new book in a new or empty folder",
        description="Write a new book into DIR: a commented book.yaml, one starter article, glossary.yaml, "
        "references.json, one clinic profile to fill in, a .gitignore and a README. It builds at once (its "
        "placeholders and draft article are warnings). DIR must be new or empty: nothing is overwritten.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR", help="the new book's folder (made if it does not exist)")
    parser.add_argument("--title", help="the book's title (default: the folder's name)")
    parser.add_argument("--language", default="en", help="the language of the book: en or es (default: en)")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default: a4)")


def run(args: argparse.Namespace) -> int:
    title = args.title if args.title is not None else _title_from(args.folder)
    written = init_book(args.folder, title, args.language, args.paper)
    for path in written:
        print(path)
    command = "python build.py" if program() == "build.py" else "plainpress"
    print(
        f"started the book {title!r} in {args.folder}/ ({len(written)} files). Next: cd {args.folder}, then "
        f"{command} check and {command} build",
        file=sys.stderr,
    )
    return 0


def _title_from(folder: Path) -> str:
    name = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else "My book"
