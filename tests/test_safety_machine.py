"""The machine's refusals are messages: a full disk, a read-only file system, permission denied, a path that
cannot be made, a busy folder. Each is one line naming the path and what to do, exit code 5, no traceback,
and the output folder (and the book) untouched. A real small tmpfs and a real read-only bind mount where root
may mount; injected ``OSError`` everywhere else (root ignores ``chmod``)."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from plainpress.commands import new as new_command

from .safety_helpers import World, make_world, run, state

EPUB_ONLY = ("--only", "epub", "--quiet", "--jobs", "1", "--no-cache")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    made = make_world(tmp_path)
    monkeypatch.chdir(made.project)
    return made


def _mount(args: list[str]) -> str | None:
    """Run mount; None when it worked, else why not."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return "mounting needs root and mount(8)"
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else f"cannot mount here: {done.stderr.strip()}"


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KB tmpfs: room for one EPUB-only build of the mini book (about 180 KB), not for two."""
    disk = tmp_path / "disk"
    disk.mkdir()
    why = _mount(["-t", "tmpfs", "-o", "size=300k", "tmpfs", str(disk)])
    if why:
        pytest.skip(why)
    try:
        yield disk
    finally:
        _umount(disk)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a book and a finished build, then bound read-only onto itself."""
    folder = tmp_path / "ro"
    folder.mkdir()
    why = _mount(["--bind", str(folder), str(folder)])
    if why:
        pytest.skip(why)
    try:
        yield folder
    finally:
        _umount(folder)


def _remount_read_only(folder: Path) -> None:
    why = _mount(["-o", "remount,bind,ro", str(folder)])
    if why:
        pytest.skip(why)
    assert subprocess.run(["touch", str(folder / "probe")], capture_output=True, check=False).returncode != 0


def _one_line(output: str, *words: str) -> None:
    lines = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, output
    assert all(word in lines[0] for word in words), output
    assert "Traceback" not in output


@pytest.mark.timeout(180)
def test_a_full_disk_is_a_message_and_dist_stays(world: World, small_disk: Path) -> None:
    out = small_disk / "dist"
    code, output = run("build", "--book", "book", "--out", str(out), *EPUB_ONLY)
    assert code == 0, output
    before = state(small_disk)
    (world.book / "articles" / "first-steps.md").open("a").write("\nOne more line.\n")  # something to build
    book = world.protected()
    code, output = run("build", "--book", "book", "--out", str(out), *EPUB_ONLY)
    assert code == 5, output
    _one_line(output, str(small_disk), "No space left on device", "the disk is full", "free some space")
    assert f"nothing in {out} was changed" in output
    after = state(small_disk)
    assert {k: v for k, v in after.items() if ".plainpress-cache" not in k} == {
        k: v for k, v in before.items() if ".plainpress-cache" not in k
    }  # dist, the build behind it and the lock are as they were; the half-written build is gone
    assert world.protected() == book


@pytest.mark.timeout(120)
def test_a_full_disk_while_writing_the_report_or_a_new_article(world: World, small_disk: Path) -> None:
    book = small_disk / "book"
    shutil.copytree(world.book, book)
    with open(small_disk / "filler", "wb", buffering=0) as handle:  # fill the disk to its last byte
        try:
            while True:
                handle.write(b"x" * 4096)
        except OSError:
            pass
    before = state(small_disk)
    code, output = run("check", "--book", str(book), "--report", str(small_disk / "check.html"), "--quiet")
    assert code == 5, output
    _one_line(output, "check.html", "No space left on device", "the disk is full")
    code, output = run("new", "A full disk", "--book", str(book))
    assert code == 5, output
    _one_line(output, "a-full-disk.md", "the disk is full")
    assert state(small_disk) == before  # no half report, no half article, no temporary file


@pytest.mark.timeout(180)
def test_a_read_only_file_system_is_a_message(world: World, read_only: Path) -> None:
    shutil.copytree(world.book, read_only / "book")
    code, output = run("build", "--book", str(read_only / "book"), "--out", str(read_only / "dist"), *EPUB_ONLY)
    assert code == 0, output
    _remount_read_only(read_only)
    before = state(read_only)
    attempts = [
        ("build", "--book", str(read_only / "book"), "--out", str(read_only / "dist"), *EPUB_ONLY),
        ("build", "--book", "book", "--out", str(read_only / "new-dist"), *EPUB_ONLY),
        ("check", "--book", str(read_only / "book"), "--report", str(read_only / "check.html"), "--quiet"),
        ("new", "A read-only article", "--book", str(read_only / "book")),
    ]
    source = world.root / "page.txt"
    source.write_text("Resting Well\nSleep helps the body rest.\n\nRest when you can.\n")
    attempts.append(("import", str(source), "--into", str(read_only / "book" / "articles")))
    for argv in attempts:
        code, output = run(*argv)
        assert code == 5, (argv, output)
        _one_line(output, str(read_only), "Read-only file system", "read-only")
        assert state(read_only) == before


# Injected refusals: (name, what to patch, the errno, the command). The OSError carries no file name where
# the system call that refuses has none (a write that finds the disk full), so the message must find one.
def _fail(number: int, named: bool = True):
    def refuse(*args, **kwargs):
        target = next((a for a in args if isinstance(a, (str, os.PathLike))), None)
        raise OSError(number, os.strerror(number), *([os.fspath(target)] if named and target is not None else []))

    return refuse


BUILD = ("build", "--book", "book", "--out", "dist", *EPUB_ONLY)
INJECTED = {
    "disk full writing an output": (pathlib.Path, "write_bytes", errno.ENOSPC, False, BUILD, "the disk is full"),
    "quota writing an output": (pathlib.Path, "write_bytes", errno.EDQUOT, False, BUILD, "quota"),
    "permission denied making the build folder": (
        tempfile,
        "mkdtemp",
        errno.EACCES,
        False,
        BUILD,
        "permission denied",
    ),
    "busy folder at the switch": (os, "replace", errno.EBUSY, True, BUILD, "busy"),
    "link not permitted": (os, "symlink", errno.EPERM, True, BUILD, "not permitted"),
    "an input/output error": (pathlib.Path, "write_bytes", errno.EIO, False, BUILD, "input/output error"),
    "a path that cannot be made": (pathlib.Path, "mkdir", errno.ENOENT, True, BUILD, "cannot be made"),
    "read-only writing the report": (
        os,
        "replace",
        errno.EROFS,
        True,
        ("check", "--book", "book", "--report", "reports/check.html", "--quiet"),
        "read-only",
    ),
    "disk full writing a new article": (
        new_command,
        "write_atomic",
        errno.ENOSPC,
        False,
        ("new", "A full disk", "--book", "book"),
        "the disk is full",
    ),
    "too many open files reading the book": (
        os,
        "open",
        errno.EMFILE,
        True,
        ("check", "--book", "book", "--report", "reports/check.html", "--quiet"),
        "too many files",
    ),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", INJECTED, ids=list(INJECTED))
def test_an_injected_refusal_is_one_line_with_exit_code_5(
    world: World, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    where, name, number, named, argv, advice = INJECTED[case]
    if argv[0] == "build":
        assert run(*argv)[0] == 0  # a previous build that must stay as it was
    dist, before = state(world.project / "dist"), world.protected()
    monkeypatch.setattr(where, name, _fail(number, named))
    code, output = run(*argv)
    monkeypatch.undo()
    assert code == 5, output
    _one_line(output, os.strerror(number), advice)
    line = next(line for line in output.splitlines() if line.startswith("error: "))
    named_path = Path(line.removeprefix("error: ").split(": ")[0])
    assert (world.project / named_path).resolve().is_relative_to(world.root.resolve()), line  # a path of the run
    assert state(world.project / "dist") == dist and world.protected() == before
    assert not list(world.book.rglob("*.tmp")) and not list(world.book.rglob("a-full-disk*"))


@pytest.mark.timeout(120)
def test_import_stopped_by_the_machine_writes_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = []
    for number, title in enumerate(("Resting Well", "Drinking Water")):
        source = world.root / f"page{number}.txt"
        source.write_text(f"{title}\nA first sentence about it.\n\nAnd a second one.\n")
        sources.append(str(source))
    before = world.protected()
    from plainpress.commands import importing

    original = importing.add_chapter

    def full_disk_in_the_book(config_path: Path, slug: str) -> bool:
        if "plainpress-import-" in str(config_path):  # the copy the import is tried in
            return original(config_path, slug)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(importing, "add_chapter", full_disk_in_the_book)
    code, output = run("import", *sources, "--into", "book/articles")
    assert code == 5, output
    _one_line(output, "the disk is full")
    assert world.protected() == before  # the articles written before book.yaml failed are removed again


@pytest.mark.timeout(120)
def test_a_full_disk_after_the_switch_costs_only_the_stamp(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once dist points at the new build, a stamp that cannot be saved is not a failure: the build succeeded,
    and the next one simply runs again."""
    from plainpress.commands import build as build_command

    monkeypatch.setattr(build_command, "save_stamp", _fail(errno.ENOSPC, named=False))
    code, output = run("build", "--book", "book", "--out", "dist", "--only", "epub", "--quiet", "--jobs", "1")
    assert code == 0, output
    assert (world.project / "dist" / "manifest.json").is_file()
    monkeypatch.undo()
    code, output = run("build", "--book", "book", "--out", "dist", "--only", "epub", "--jobs", "1")
    assert code == 0 and "nothing changed" not in output, output
