"""What the cache keeps besides PDFs, and what every part of it shares.

``.plainpress-cache/`` sits beside the output folder. ``last-build.json`` remembers the
inputs of the last successful build (every file of the book and the layouts, this code,
the options and the clock variables) and its findings: when nothing at all changed,
the build has nothing to do, and says so without loading the renderer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import platform
import re
import shutil
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import dates
from .errors import Finding, Location, Severity, SourceError
from .paths import Layouts
from .safety import read_regular, write_atomic

if TYPE_CHECKING:
    from .model import Book

CACHE_DIR = ".plainpress-cache"
STAMP_FILE = "last-build.json"
RENDERER_PACKAGES = ("weasyprint", "pydyf", "pikepdf", "tinycss2", "cssselect2", "fonttools", "pyphen", "pillow")
PACKAGE_ROOT = Path(__file__).resolve().parent


def cache_folder(out: Path) -> Path:
    return out.parent / CACHE_DIR


@functools.cache
def code_fingerprint() -> str:
    """This package's source, the renderer's versions and Python's: a change to any invalidates every entry."""
    h = hashlib.sha256(platform.python_version().encode())
    for name in RENDERER_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{name}={metadata.version(name)}".encode())
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def library_versions() -> str:
    """The version of every library plainpress requires (Python-Markdown, lxml, nh3, PyYAML...)."""
    try:
        required = [r for r in metadata.requires("plainpress") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:  # run from a folder, not installed: the libraries it most depends on
        required = ["markdown", "lxml", "nh3", "pyyaml", "babel", "snowballstemmer", "pyphen"]
    names = {re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0] for req in required}
    found = []
    for name in sorted(n for n in names if n):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append((name, metadata.version(name)))
    return repr(found)


def book_around(book: Book, *extra: str) -> str:
    """The digest of what an article's conversion, and each output made from one article, read of the book
    besides the article itself: the configuration, the glossary, every article's slug and title, the
    references' keys, the contacts, the words of the language, the book's folder, this code and the
    libraries' versions; ``extra``, what one kind of output reads besides."""
    from .messages import DEFAULT_LANGUAGE, base_language, load_messages  # Babel: not for a build with nothing to do

    parts = (
        code_fingerprint(),
        library_versions(),
        repr(book.config),
        repr(book.glossary),
        repr([(a.slug, a.title) for a in book.articles]),
        repr(sorted(book.references)),
        repr(sorted(book.contacts().items())),
        repr(sorted(load_messages(base_language(book.language)).items())),  # as Messages reads them
        repr(sorted(load_messages(DEFAULT_LANGUAGE).items())),
        str(book.root),
        *extra,
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class FileHashes:
    """sha256 of files, each read once per build (keyed by size and modification time)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int, int], str] = {}

    def __call__(self, path: str) -> str | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self._seen:
            try:
                self._seen[key] = hashlib.sha256(read_regular(Path(path))).hexdigest()
            except (OSError, SourceError):  # gone, or not a regular file (a FIFO is never opened): changed
                return None
        return self._seen[key]


def write_whole(path: Path, data: bytes) -> None:
    """Whole or not at all: a killed build never leaves half an entry. Whatever stands in the way inside the
    cache (a file where a folder goes, a folder where a file goes) is ours, and is removed first."""
    for parent in reversed(path.parents):
        if CACHE_DIR not in parent.parts:
            continue  # only what is inside the cache is ours (asked first: no file system call)
        if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
            clear(parent)
    if path.is_dir() and not path.is_symlink():
        clear(path)
    write_atomic(path, data)


def inputs_digest(
    book_dir: Path, layouts: Path | Layouts, options: dict[str, object], skip: tuple[Path, ...] = ()
) -> str:
    """Every file of the book and the layouts, this code, the options and the environment the build reads;
    not the folders in ``skip`` (what the build itself writes, when it lies inside the book's folder)."""
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    for name in ("SOURCE_DATE_EPOCH", "PLAINPRESS_TODAY"):
        h.update(f"{name}={os.environ.get(name, '')}\0".encode())
    h.update(f"today={dates.today().isoformat()}\0".encode())  # a review date passed overnight stops the build
    skipped = {p.resolve() for p in skip}
    for root in (book_dir, *Layouts.of(layouts).folders):
        for path in _files(Path(root), skipped):
            h.update(str(path.relative_to(root)).encode() + b"\0")
            try:
                h.update(hashlib.sha256(read_regular(path)).digest())
            except SourceError:  # not a regular file (any more): the build reports it, if it reads it
                h.update(b"not a file\0")
    return h.hexdigest()


def _files(root: Path, skipped: set[Path]) -> list[Path]:
    """The files under ``root`` (not following links to folders), leaving out the ``skipped`` folders."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if (here / d).resolve() not in skipped]
        found += [here / f for f in files if (here / f).is_file() and (here / f).resolve() not in skipped]
    return sorted(found)


def load_stamp(folder: Path, digest: str, out: Path) -> list[Finding] | None:
    """The findings of the last build when its inputs were ``digest`` and ``out`` is still what it wrote.

    A stamp that cannot be read, is cut short or holds the wrong types is no stamp: the build runs
    and writes a new one."""
    try:
        record = json.loads(read_regular(folder / STAMP_FILE))
        if not isinstance(record, dict) or record.get("inputs") != digest or not out.is_symlink():
            return None
        target = out.resolve()
        if str(target) != record.get("folder"):
            return None
        listed = json.loads(read_regular(target / "manifest.json"))["outputs"]
        hashes = FileHashes()
        if any(hashes(str(target / entry["path"])) != entry["sha256"] for entry in listed):
            return None  # someone changed a file in dist: build again
        return [
            Finding(
                f["code"],
                Severity(f["severity"]),
                Location(Path(f["file"]), f["line"]),
                f["message"],
                f["text"],
                f["hint"],
            )
            for f in record["findings"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError, SourceError):
        return None


def save_stamp(folder: Path, digest: str, out: Path, findings: list[Finding]) -> None:
    record = {"inputs": digest, "folder": str(out.resolve()), "findings": [f.as_dict() for f in findings]}
    write_whole(folder / STAMP_FILE, json.dumps(record, indent=1).encode())


def forget_stamp(folder: Path) -> None:
    clear(folder / STAMP_FILE)


def clear(path: Path) -> None:
    """Remove whatever is at ``path`` inside the cache (a file, a link, a folder): the cache is ours."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
