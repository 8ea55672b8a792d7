"""A command-line fuzz test: hypothesis combines commands, flags and paths (out, book, report and into pointing
at each other, at files, at missing folders, at the repository, through links and ``..``), in this process,
with no PDF layout (``build`` always gets ``--only epub``). Every run must end with an exit code of the
README's table, print no traceback, and leave every file it does not own byte-identical."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .safety_helpers import CODES, make_world, run, state

# Paths, written as the user would, relative to the project folder (the current folder while a run runs).
PATHS = [
    "book",
    "book/",
    "book/articles",
    "book/book.yaml",
    "book/glossary.yaml",
    "book/articles/first-steps.md",
    "book/articles/../../book",
    "book/dist",
    ".",
    "..",
    "{project}",
    ".git",
    ".git/dist",
    "{documents}",
    "{documents}/letter.txt",
    "{documents}/new",
    "notes.txt",
    "missing/deeper/still",
    "dist",
    "dist/inside",
    "{layouts}",
    "{layouts}/pdf",
    "link-to-book",
    "link-to-documents",
    "dangling-link",
    "/proc/plainpress-dist",
    "reports/check.html",
    "/",
]
SOURCES = ["page.txt", "page.html", "notes.txt", "book/articles/first-steps.md", "{documents}", "missing.txt"]

_path = st.sampled_from(PATHS)


def _or_good(good: str) -> st.SearchStrategy[str]:
    """Half the time the path a user means, half the time any of PATHS: both refusals and real runs."""
    return st.one_of(st.just(good), _path)


_flag = st.sampled_from(["--strict", "--quiet", "--force", "--no-cache", "--format json", "--today 2027-02-30"])


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(["build", "check", "import", "new", "default"]))
    flags = draw(st.lists(_flag, max_size=2, unique=True))
    argv: list[str] = []
    if command in ("build", "default"):
        argv = [] if command == "default" else ["build"]
        argv += ["--book", draw(_or_good("book")), "--out", draw(_or_good("out")), "--only", "epub", "--jobs", "1"]
        if draw(st.booleans()):
            argv += ["--layouts", draw(_or_good("{layouts}"))]
        if draw(st.booleans()):
            argv += ["--dump-html", draw(_or_good("html"))]
        flags = [f for f in flags if f in ("--strict", "--quiet", "--no-cache")]
    elif command == "check":
        argv = ["check", "--book", draw(_or_good("book")), "--report", draw(_or_good("reports/check.html"))]
        flags = [f for f in flags if f != "--force" and f != "--no-cache"]
    elif command == "import":
        argv = [
            "import",
            *draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=2)),
            "--into",
            draw(_or_good("book/articles")),
        ]
        flags = [f for f in flags if f in ("--force", "--quiet")]
    else:
        argv = ["new", draw(st.sampled_from(["A new article", "First steps", "", "Ünïcode title"])), "--book"]
        argv += [draw(_or_good("book"))]
        flags = []
    for flag in flags:
        argv += flag.split()
    return argv


def _world(tmp: Path):
    world = make_world(tmp)
    (world.project / "link-to-book").symlink_to(world.book)
    (world.project / "link-to-documents").symlink_to(world.documents)
    (world.project / "dangling-link").symlink_to(tmp / "nowhere")
    (world.project / "page.txt").write_text("Resting Well\nJanuary 5, 2026\nSleep helps the body rest.\n\nRest.\n")
    (world.project / "page.html").write_text("<html><body><h1>Water</h1><p>Drink water.</p></body></html>")
    return world


def _fill(arg: str, world) -> str:
    return arg.format(project=world.project, documents=world.documents, layouts=world.layouts)


@pytest.mark.timeout(300)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_any_command_line_ends_in_a_documented_code_and_harms_nothing(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="plainpress-fuzz-") as temp:
        world = _world(Path(temp))
        argv = [_fill(a, world) for a in argv]
        others = {p: state(p) for p in (world.documents, world.layouts, world.project / ".git", world.notes)}
        book = state(world.book)
        here = os.getcwd()
        os.chdir(world.project)
        try:
            code, output = run(*argv)
        finally:
            os.chdir(here)
        event(f"{argv[0] if argv[0] in ('build', 'check', 'import', 'new') else 'default'} exit {code}")
        assert code in CODES, (argv, code, output)
        assert "Traceback" not in output, (argv, output)
        for folder, entries in others.items():  # a new file or folder may appear there; nothing else changes
            now = state(folder)
            assert all(now.get(k) == v for k, v in entries.items()), (argv, code, output)
        after = state(world.book)
        changed = {k for k in book if after.get(k) != book[k]}
        if argv[0] in ("import", "new") and code == 0:
            assert changed <= {"book.yaml"}, (argv, changed)  # articles only added; book.yaml only extended
            with contextlib.suppress(KeyError):
                old = yaml.safe_load((world.book / "book.yaml").read_text())
                assert old["chapters"][0] == "first-steps", argv
        else:
            assert not changed and after.keys() == book.keys(), (argv, code, output)  # byte-identical
