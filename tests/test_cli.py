"""The command line and the whole build: help, network, reproducibility, atomic dist."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from plainpress.cli import main
from plainpress.commands.build import build

from .helpers import FIXTURES, ROOT, SAMPLE_BOOK


def test_help_on_every_command():
    for args in (["--help"], ["build", "--help"]):
        run = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert (
            run.returncode == 0
            and "usage:" in run.stdout
            and "--book" in (run.stdout if args[0] == "build" else "--book")
        )


def test_build_never_touches_the_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the build tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    build(FIXTURES / "mini", tmp_path / "dist")
    assert (tmp_path / "dist" / "manifest.json").exists()


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    first = build(FIXTURES / "mini", tmp_path / "a")
    second = build(FIXTURES / "mini", tmp_path / "b")
    assert [(o.path, o.data) for o in first.outputs] == [(o.path, o.data) for o in second.outputs]
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_dist_is_switched_whole(tmp_path):
    out = tmp_path / "dist"
    build(FIXTURES / "mini", out)
    first = out.resolve()
    build(FIXTURES / "mini", out)
    assert out.is_symlink() and out.resolve() != first and not first.exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "braille",
        "cards",
        "handouts",
        "manifest.json",
        "mini-fixture-book.epub",
        "mini-fixture-book.pdf",
    ]


def test_a_real_dist_folder_of_ours_is_replaced_by_the_link(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    (out / "manifest.json").write_text('{"outputs": []}\n')  # an output folder from before dist was a link
    build(FIXTURES / "mini", out)
    assert out.is_symlink() and not (out / "old.txt").exists()


def test_cli_exit_code_and_message_for_missing_book(tmp_path, capsys):
    code = main(["--book", str(tmp_path / "nope"), "--out", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert code == 1 and "the book folder does not exist" in err and "Traceback" not in err


@pytest.mark.timeout(600)
def test_make_book_style_run_from_a_copy(tmp_path):
    """`python build.py` with its defaults, run from the project folder, builds dist/."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(SAMPLE_BOOK, project / "book")
    shutil.copy(ROOT / "build.py", project / "build.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "build.py"], cwd=project, capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    names = sorted(p.name for p in (project / "dist").iterdir())
    assert names == [
        "braille",
        "cards",
        "handouts",
        "manifest.json",
        "muscle-twitches-while-tapering.epub",
        "muscle-twitches-while-tapering.pdf",
    ]
