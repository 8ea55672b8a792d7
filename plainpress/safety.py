"""What the command line may write, judged before anything is written; sources read only as regular
files; and the machine's refusals (``OSError``) put in words.

plainpress replaces or removes only its own files. Every path a command writes (the output folder
``--out``, the check report ``--report``, the folder of ``import --into``, the article of ``new`` and
the folder of ``--dump-html``) is judged here on its real path (symbolic links and ``..`` followed)
before the command writes anything. A refusal is a :class:`PathRefused`: exit code 2, nothing written.

Every source is read with :func:`read_regular`, which refuses a FIFO, a socket, a device or a folder
before opening it (a FIFO never blocks). :func:`machine_message` is the one place an ``OSError``
becomes a message; the command line calls it once, at its edge (exit code 5).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import Location, SourceError, UsageError

BOOK_FILE = "book.yaml"  # a folder holding one is a book: never written into
BOOK_SOURCES = {"articles", "profiles", "layouts", "images", BOOK_FILE, "glossary.yaml", "references.json"}
BOOK_SOURCES |= {"references.bib"}
MANIFEST = "manifest.json"  # in every output folder plainpress made
DUMP_INDEX = "renders.json"  # in every --dump-html folder plainpress made
REPORT_MARK = '<meta name="generator" content="plainpress check">'  # in every report plainpress wrote
_OLD_REPORT_MARK = "<title>Check report: "  # reports written before the mark
_OUR_FILE_MAX = 50_000_000  # a manifest or report larger than this is not one of ours


class PathRefused(UsageError):
    """A path the command line must not write; nothing was written."""


def real(path: Path) -> Path:
    """The real path: every symbolic link followed, ``..`` removed (the file need not exist)."""
    return Path(os.path.realpath(path))


def within(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or lies inside it (both real paths)."""
    return path == root or root in path.parents


def builds_folder(out: Path) -> Path:
    """Where the finished builds behind the output folder (a link to one of them) are kept."""
    return out.parent / f".{out.name}-builds"


# ----------------------------------------------------------------------------
# What kind of file a path is


def kind_of(path: Path) -> str | None:
    """None for a regular file (links followed); otherwise what it is, in words."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a link to nothing" if os.path.islink(path) else "missing"
    except NotADirectoryError:
        return "missing"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a loop of symbolic links"
        raise
    return _kind(mode)


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: Path, limit: int | None = None, what: str = "file") -> bytes:
    """The bytes of a regular file; a FIFO, socket, device or folder is refused before it is opened
    (and checked again on the open file, so a swap in between cannot make the read block).

    Raises :class:`SourceError` (E001) for what is not a readable file, E010 over ``limit`` bytes;
    the machine's refusals (permission, I/O) stay ``OSError``, for the command line to report."""
    location = Location(path)
    kind = kind_of(path)
    if kind == "missing" or kind == "a link to nothing":
        message = (
            "the file does not exist"
            if kind == "missing"
            else f"{path.name} is a symbolic link to {os.readlink(path)}, which does not exist"
        )
        raise SourceError(location, message, code="E001")
    if kind is not None:
        raise SourceError(location, f"expected a {what}, found {kind}; replace it with a regular file", code="E001")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SourceError(location, "the file does not exist", code="E001") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise SourceError(location, f"expected a {what}, found {kind}; replace it with a regular file", code="E001")
        if limit is not None and info.st_size > limit:
            raise SourceError(
                location,
                f"the file is {info.st_size:,} bytes, over the limit of {limit:,} bytes "
                "(limits.article_bytes in book.yaml)",
                code="E010",
            )
        return handle.read() if limit is None else handle.read(limit + 1)


# ----------------------------------------------------------------------------
# Writing whole files


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``path`` whole or not at all (a temporary file beside it, renamed over it): a full disk or a
    killed run never leaves half a file, and the error names ``path``."""
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An ``OSError`` raised in the block without a file name (a write that found the disk full) names ``path``."""
    try:
        yield
    except OSError as error:
        if error.filename is None and error.errno is not None:
            raise type(error)(error.errno, error.strerror, str(path)) from error
        raise


# ----------------------------------------------------------------------------
# The machine's refusals in words

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space, or choose a folder on another disk, and run again",
    errno.EDQUOT: "your disk quota is used up; free some space and run again",
    errno.EROFS: "the file system is read-only; choose a folder on a disk you can write to",
    errno.EACCES: "permission denied; choose a folder you may write to, or ask for access to this one",
    errno.EPERM: "the operation is not permitted here; choose another folder, or ask for access",
    errno.ENOENT: "a folder on the way does not exist or cannot be made; check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.EISDIR: "it is a folder where a file was expected; check the path",
    errno.EEXIST: "something is already there and was left as it was; choose another path",
    errno.ENOTEMPTY: "the folder is not empty and was left as it was; choose another path",
    errno.EBUSY: "it is busy (in use by another program, or a mount point); close what uses it, or choose "
    "another folder",
    errno.ETXTBSY: "it is busy (in use by another program); close what uses it and run again",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one",
    errno.ELOOP: "the path is a loop of symbolic links; check the path",
    errno.EXDEV: "it is on another disk than the folder it must join; choose a folder on one disk",
    errno.EMFILE: "too many files are open; close some programs and run again",
    errno.EIO: "the disk reported an input/output error; check the disk and run again",
    errno.EADDRINUSE: "the address is in use; choose another --port or stop what uses it",
}


def machine_message(error: OSError, fallback: Path | None = None) -> str:
    """One line: the path, what the machine said, and what to do."""
    path = error.filename if error.filename is not None else fallback
    where = f"{os.fsdecode(path)}: " if path is not None else ""
    said = error.strerror or type(error).__name__
    advice = _ADVICE.get(error.errno or 0, "the machine refused; check the path and run again")
    return f"error: {where}{said} ({advice})"


# ----------------------------------------------------------------------------
# Paths the command line writes


def _refusal(option: str, path: Path, why: str, advice: str) -> PathRefused:
    return PathRefused(f"{option} {path}: {why}; {advice}. Nothing was written")


def _protected(book: Path | None, layouts: Path | Iterable[Path] | None) -> list[tuple[Path, str]]:
    found = [(real(book), "the book folder")] if book is not None else []
    folders = [] if layouts is None else [layouts] if isinstance(layouts, (str, os.PathLike)) else list(layouts)
    return found + [(real(Path(folder)), "the layouts folder") for folder in folders]


def _beside_the_sources(target: Path, root: Path) -> bool:
    """A book started with ``init`` and built from its own folder keeps dist/ and reports/ in it: a path
    strictly inside the book that is the current folder, beside its sources and never inside them."""
    if root != real(Path.cwd()) or target == root or not within(target, root):
        return False
    first = target.relative_to(root).parts[0]
    if first in BOOK_SOURCES or first == ".git":
        return False
    ours = first in ("reports", ".plainpress-cache") or (first.startswith(".") and first.endswith("-builds"))
    return target == root / first or ours or not os.path.lexists(root / first)


def book_around(target: Path) -> Path | None:
    """The nearest folder at or above ``target`` holding a book.yaml: a book, whichever --book was given."""
    for folder in (target, *target.parents):
        if os.path.lexists(folder / BOOK_FILE):
            return folder
    return None


def _shared_rules(
    target: Path, option: str, path: Path, protected: list[tuple[Path, str]], advice: str, books: bool = True
) -> None:
    """The book (any book, with ``books``), the layouts, the current folder and Git's folders are never an
    output folder."""
    around = book_around(target) if books else None
    if around is not None:
        protected = [*protected, (around, "a book's folder")]
    for root, name in protected:
        if target == root:
            raise _refusal(option, path, f"is {name}", advice)
        if name != "the layouts folder" and _beside_the_sources(target, root):
            continue
        if within(target, root):
            raise _refusal(option, path, f"lies inside {name} ({root})", advice)
        if within(root, target):
            raise _refusal(option, path, f"contains {name} ({root})", advice)
    here = real(Path.cwd())
    if target == here:  # (a book's own folder as the current folder: refused above, as the book)
        raise _refusal(option, path, "is the current folder", advice)
    if within(here, target):
        raise _refusal(option, path, "contains the current folder", advice)
    if ".git" in target.parts:
        raise _refusal(option, path, "lies inside a Git repository's own folder (.git)", advice)
    if os.path.lexists(target / ".git"):
        raise _refusal(option, path, "holds a Git repository (.git)", advice)


def judge_folder(
    path: Path,
    option: str,
    *,
    book: Path | None,
    layouts: Path | Iterable[Path] | None,
    ours: Callable[[Path], bool],
    example: str,
) -> None:
    """Refuse an output folder that is, lies inside or contains the book or the layouts; that is the current
    folder or contains it (so any ancestor of the book run from there); that is or lies in a Git repository's
    folder; or that exists, is not empty and is not ``ours``. Judged both on the entry that is replaced
    (its parent's real path) and on where it leads (every link followed)."""
    advice = f"choose a new folder of its own, e.g. {option} {example}"
    entry = real(path.parent) / path.name
    for target in dict.fromkeys((entry, real(path))):
        _shared_rules(target, option, path, _protected(book, layouts), advice)
    if not os.path.lexists(entry):
        return
    if entry.is_symlink():
        if not ours(path):
            raise _refusal(option, path, f"is a symbolic link to {real(path)}, which plainpress did not make", advice)
    elif not entry.is_dir():
        raise _refusal(option, path, f"exists and is {kind_of(entry) or 'a file'}, not a folder", advice)
    elif next(entry.iterdir(), None) is not None and not ours(entry):
        raise _refusal(
            option,
            path,
            "is a folder plainpress did not make (it holds files, and no manifest of ours); plainpress never "
            "replaces or removes files it did not make",
            advice + ", or empty this folder yourself",
        )


def _our_json(path: Path, key: str) -> bool:
    """Whether ``path`` is a regular JSON file of ours: an object holding the list ``key``."""
    try:
        if kind_of(path) is not None or path.stat().st_size > _OUR_FILE_MAX:
            return False
        data = json.loads(read_regular(path))
    except (OSError, ValueError, SourceError):
        return False
    return isinstance(data, dict) and isinstance(data.get(key), list)


def output_is_ours(out: Path) -> bool:
    """An output folder holding our manifest, or a link into the builds folder beside it."""
    if out.is_symlink() and within(real(out), real(builds_folder(out))) and real(out) != real(builds_folder(out)):
        return True
    return _our_json(real(out) / MANIFEST, "outputs")


def dump_is_ours(folder: Path) -> bool:
    """A ``--dump-html`` folder that a build wrote (it holds our renders.json)."""
    path = real(folder) / DUMP_INDEX
    try:
        if kind_of(path) is not None or path.stat().st_size > _OUR_FILE_MAX:
            return False
        data = json.loads(read_regular(path))
    except (OSError, ValueError, SourceError):
        return False
    return isinstance(data, list) and all(isinstance(d, dict) and "output" in d for d in data)


def judge_out(out: Path, book: Path, layouts: Path | Iterable[Path] | None) -> None:
    judge_folder(out, "--out", book=book, layouts=layouts, ours=output_is_ours, example="dist")


def judge_dump(folder: Path, book: Path, layouts: Path | Iterable[Path] | None, out: Path) -> None:
    judge_folder(folder, "--dump-html", book=book, layouts=layouts, ours=dump_is_ours, example="dumped-html")
    for target in (real(folder.parent) / folder.name, real(folder)):
        for other in (real(out.parent) / out.name, real(out), real(builds_folder(out))):
            if within(target, other) or within(other, target):
                raise _refusal("--dump-html", folder, f"overlaps the output folder {out}", "choose a folder of its own")


def _report_is_ours(path: Path) -> bool:
    try:
        if kind_of(path) is not None:
            return False
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return REPORT_MARK in head or _OLD_REPORT_MARK in head


def judge_report(report: Path, book: Path, layouts: Path | Iterable[Path] | None, outputs: list[Path]) -> Path:
    """Where the report is written (its real path): a new file, or a report of ours; never a folder, never
    among the sources (under the book or the layouts), never inside an output folder or a Git folder."""
    advice = "give the report a file name of its own, e.g. --report reports/check.html"
    target = real(report)
    if os.path.isdir(target):
        raise _refusal("--report", report, "is a folder", advice)
    around = book_around(target.parent)
    for root, name in [*_protected(book, layouts), *([(around, "a book's folder")] if around else [])]:
        if name != "the layouts folder" and _beside_the_sources(target, root):
            continue
        if within(target, root):
            raise _refusal("--report", report, f"lies inside {name} ({root}), among the sources", advice)
        if within(root, target):
            raise _refusal("--report", report, f"contains {name} ({root})", advice)
    for out in outputs:
        for folder in (real(out), real(out.parent) / out.name, real(builds_folder(out))):
            if within(target, folder):
                raise _refusal("--report", report, f"lies inside the output folder {out}", advice)
    if ".git" in target.parts:
        raise _refusal("--report", report, "lies inside a Git repository's own folder (.git)", advice)
    if os.path.lexists(target):
        kind = kind_of(target)
        if kind is not None:
            raise _refusal("--report", report, f"is {kind}, not a report", advice)
        if not _report_is_ours(target):
            raise _refusal("--report", report, "exists and is not a report plainpress wrote", advice)
    return target


def judge_into(into: Path, layouts: Path | None, book_file: str) -> None:
    """``import --into``: the articles folder of a book (its real parent holds book.yaml), and nothing else."""
    advice = "import into a book's articles folder, e.g. --into book/articles"
    target = real(into)
    if os.path.lexists(target) and not os.path.isdir(target):
        raise _refusal("--into", into, f"exists and is {kind_of(target) or 'a file'}, not a folder", advice)
    _shared_rules(target, "--into", into, _protected(None, layouts), advice, books=False)
    if kind_of(target.parent / book_file) is not None:
        raise _refusal("--into", into, f"is not the articles folder of a book (no {book_file} beside it)", advice)


def judge_new_file(path: Path, root: Path, option: str) -> None:
    """A file a command creates inside the book (``new``): it must not exist, even as a link, and its real
    folder must be inside the book's real folder."""
    if os.path.lexists(path):
        what = "a symbolic link" if os.path.islink(path) else (kind_of(path) or "a file")
        raise _refusal(option, path, f"already exists ({what})", "choose another title, or a file name with --slug")
    if not within(real(path.parent), real(root)):
        raise _refusal(
            option,
            path,
            f"its folder leads outside the book ({real(path.parent)})",
            "make the articles folder a real folder inside the book",
        )
