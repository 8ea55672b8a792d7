"""Import is all or nothing: when any file given to ``import`` fails (it cannot be read, it has no text, it
would make an article the build refuses, two files would become one article), nothing is written and
book.yaml is unchanged. A successful import leaves a book that builds without --strict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .safety_helpers import World, make_world, run, state

GOOD = "Resting Well\nJanuary 5, 2026\nSleep helps the body rest and heal.\n\nRest when you can, and drink water.\n"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    made = make_world(tmp_path)
    monkeypatch.chdir(made.project)
    return made


def _write(world: World, name: str, data: bytes | str) -> str:
    path = world.root / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def _limit(world: World, size: int) -> None:
    config = world.book / "book.yaml"
    config.write_text(config.read_text() + f"limits:\n  article_bytes: {size}\n")


BAD: dict[str, Callable[[World], list[str]]] = {
    "a file that is not UTF-8": lambda w: [_write(w, "latin.txt", "Caf\xe9 Notes\nDrink water.\n".encode("latin-1"))],
    "a file with no text": lambda w: [_write(w, "empty.txt", "\n\n")],
    "a missing file": lambda w: [str(w.root / "not-there.txt")],
    "a folder": lambda w: [str(w.documents)],
    "a FIFO": lambda w: [_fifo(w)],
    "a control character (E002 in the book)": lambda w: [_write(w, "bell.txt", "Bell Notes\nRing \x07 twice.\n")],
    "an article over the size limit (E010)": lambda w: (
        _limit(w, 1000),
        [_write(w, "long.txt", "Long Notes\n" + "Drink water and rest well today.\n\n" * 60)],
    )[1],
    "an article that already exists": lambda w: [_write(w, "first.txt", "First Steps\nAgain the first steps.\n")],
    "two files that become one article": lambda w: [_write(w, "a.txt", GOOD), _write(w, "b.txt", GOOD)],
}


def _fifo(world: World) -> str:
    import os

    path = world.root / "pipe.txt"
    os.mkfifo(path)
    return str(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_one_failing_file_means_nothing_is_written(world: World, case: str) -> None:
    files = BAD[case](world)
    files = [_write(world, "good.txt", GOOD), *files]  # a good file alongside: it is not written either
    before = state(world.book)
    code, output = run("import", *files, "--into", "book/articles")
    assert code == 1, output
    assert "Traceback" not in output and "nothing was written" in output and "error" in output
    assert state(world.book) == before  # no article, and book.yaml byte-identical


@pytest.mark.timeout(120)
def test_a_successful_import_leaves_a_book_that_builds(world: World) -> None:
    files = [_write(world, "good.txt", GOOD), _write(world, "water.txt", GOOD.replace("Resting Well", "Water"))]
    code, output = run("import", *files, "--into", "book/articles")
    assert code == 0, output
    assert (world.book / "articles" / "resting-well.md").is_file() and (world.book / "articles" / "water.md").is_file()
    assert "resting-well" in (world.book / "book.yaml").read_text()
    code, output = run("build", "--book", "book", "--out", "dist", "--only", "epub", "--quiet", "--jobs", "1")
    assert code == 0, output


@pytest.mark.timeout(60)
def test_force_replaces_an_article_and_a_failure_restores_nothing_lost(world: World) -> None:
    first = world.book / "articles" / "first-steps.md"
    original = first.read_bytes()
    code, output = run(
        "import",
        _write(world, "first.txt", "First Steps\nNew text.\n"),
        _write(world, "bad.txt", b"\xff\xfe"),
        "--into",
        "book/articles",
        "--force",
    )
    assert code == 1 and first.read_bytes() == original, output
    code, output = run(
        "import", _write(world, "first2.txt", "First Steps\nNew text.\n"), "--into", "book/articles", "--force"
    )
    assert code == 0 and b"New text." in first.read_bytes(), output
