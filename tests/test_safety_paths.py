"""Only plainpress's own files are replaced or removed: every path the command line writes (--out, --report,
import --into, new, --dump-html) is judged on its real path before anything is written. Each refusal is exit
code 2 with a message naming the option and the path, and every file we do not own is byte-identical after."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import FIXTURES
from .safety_helpers import World, make_world, run, state

EPUB_ONLY = ("--only", "epub", "--quiet", "--jobs", "1")  # no PDF layout: the judgement is what is tested


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    made = make_world(tmp_path)
    monkeypatch.chdir(made.project)
    return made


# Each case: (name, set-up returning the --out path, layouts option or None)
OUT_REFUSED: dict[str, Callable[[World], str]] = {
    "the book": lambda w: "book",
    "the book, written with ..": lambda w: "book/articles/../../book",
    "a new folder inside the book": lambda w: "book/dist",
    "a folder of the book": lambda w: "book/articles",
    "a file of the book": lambda w: "book/book.yaml",
    "the current folder": lambda w: ".",
    "the current folder, absolute": lambda w: str(w.project),
    "an ancestor of the book": lambda w: "..",
    "the root folder": lambda w: "/",
    "a folder holding .git": lambda w: str(w.project),
    "inside .git": lambda w: ".git/dist",
    "a non-empty folder we did not make": lambda w: str(w.documents),
    "a subfolder of someone's files": lambda w: str(w.documents / "photos"),
    "a file": lambda w: "notes.txt",
    "a link to the book": lambda w: _link(w, "linked", w.book),
    "a link to someone's folder": lambda w: _link(w, "linked", w.documents),
    "a link to a file": lambda w: _link(w, "linked", w.notes),
    "a dangling link elsewhere": lambda w: _link(w, "linked", w.root / "nowhere"),
    "a link to a folder that holds the book": lambda w: _link(w, "linked", w.project),
    "the layouts": lambda w: str(w.layouts),
    "inside the layouts": lambda w: str(w.layouts / "dist"),
    "a folder holding the layouts": lambda w: str(w.root),
    "a folder with a manifest that is not ours": lambda w: _fake_manifest(w, "[1, 2]"),
    "a folder with a manifest that is a FIFO": lambda w: _fifo_manifest(w),
}


def _link(world: World, name: str, target: Path) -> str:
    link = world.project / name
    link.symlink_to(target)
    return name


def _fake_manifest(world: World, text: str) -> str:
    folder = world.root / "other"
    folder.mkdir()
    (folder / "manifest.json").write_text(text)
    (folder / "thesis.odt").write_text("years of work")
    return str(folder)


def _fifo_manifest(world: World) -> str:
    folder = world.root / "other"
    folder.mkdir()
    os.mkfifo(folder / "manifest.json")
    (folder / "thesis.odt").write_text("years of work")
    return str(folder)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", OUT_REFUSED, ids=list(OUT_REFUSED))
def test_an_out_folder_that_is_not_ours_is_refused(world: World, case: str) -> None:
    out = OUT_REFUSED[case](world)
    before, around = world.protected(), state(world.root)
    code, output = run("build", "--book", "book", "--out", out, "--layouts", str(world.layouts), *EPUB_ONLY)
    assert code == 2, output
    assert f"--out {out}: " in output and "Nothing was written" in output and "Traceback" not in output
    assert world.protected() == before
    assert state(world.root) == around  # not even a lock file, a cache or a builds folder beside it


OUT_ACCEPTED: dict[str, Callable[[World], str]] = {
    "a new folder": lambda w: "dist",
    "a new folder in a new folder": lambda w: "out/dist",
    "an empty folder": lambda w: _empty(w),
    "a folder of ours from before dist was a link": lambda w: _fake_manifest(w, '{"outputs": []}'),
}


def _empty(world: World) -> str:
    (world.project / "empty").mkdir()
    return "empty"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", OUT_ACCEPTED, ids=list(OUT_ACCEPTED))
def test_an_out_folder_of_ours_builds_and_builds_again(world: World, case: str) -> None:
    out = OUT_ACCEPTED[case](world)
    before = world.protected()
    for _ in range(2):  # the second time, out is the link to our build
        code, output = run("build", "--book", "book", "--out", out, "--layouts", str(world.layouts), *EPUB_ONLY)
        assert code == 0, output
        assert Path(out).is_symlink() and (Path(out) / "manifest.json").is_file()
    assert world.protected() == before


@pytest.mark.timeout(60)
def test_earlier_builds_are_cleaned_but_a_stranger_in_the_builds_folder_stays(world: World) -> None:
    stranger = world.project / ".dist-builds" / "my-notes"
    stranger.mkdir(parents=True)
    (stranger / "keep.txt").write_text("keep")
    for _ in range(2):
        assert run("build", "--book", "book", "--out", "dist", *EPUB_ONLY)[0] == 0
    assert (stranger / "keep.txt").read_text() == "keep"
    assert len(list((world.project / ".dist-builds").glob("build-*"))) == 1


REPORT_REFUSED: dict[str, Callable[[World], str]] = {
    "the book's settings": lambda w: "book/book.yaml",
    "an article": lambda w: "book/articles/first-steps.md",
    "a new file inside the book": lambda w: "book/check.html",
    "a file of the layouts in use": lambda w: str(Path(__file__).resolve().parent.parent / "layouts/x.html"),
    "a folder": lambda w: str(w.documents),
    "the book folder": lambda w: "book",
    "someone's file": lambda w: str(w.documents / "letter.txt"),
    "a link to the book's settings": lambda w: _link(w, "report.html", w.book / "book.yaml"),
    "a link to someone's file": lambda w: _link(w, "report.html", w.documents / "letter.txt"),
    "a FIFO": lambda w: _fifo(w.project / "report.html"),
    "inside dist": lambda w: "dist/check.html",
    "inside .git": lambda w: ".git/check.html",
    "written with .. into the book": lambda w: "reports/../book/x.html",
}


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", REPORT_REFUSED, ids=list(REPORT_REFUSED))
def test_a_report_never_goes_over_a_source_a_folder_or_a_file_not_ours(world: World, case: str) -> None:
    report = REPORT_REFUSED[case](world)
    before, around = world.protected(), state(world.root)
    code, output = run("check", "--book", "book", "--report", report, "--quiet")
    assert code == 2, output
    assert f"--report {report}: " in output and "Traceback" not in output
    assert world.protected() == before and state(world.root) == around


@pytest.mark.timeout(60)
def test_a_report_of_ours_is_replaced_and_a_new_one_written(world: World) -> None:
    for _ in range(2):
        code, output = run("check", "--book", "book", "--report", "reports/check.html", "--quiet")
        assert code == 0, output
    assert '<meta name="generator" content="plainpress check">' in Path("reports/check.html").read_text()
    old = Path("reports/old.html")
    old.write_text("<!DOCTYPE html>\n<html><head><title>Check report: Mini</title></head></html>\n")
    assert run("check", "--book", "book", "--report", str(old), "--quiet")[0] == 0  # one written before the mark


INTO_REFUSED: dict[str, Callable[[World], str]] = {
    "a file": lambda w: "notes.txt",
    "a file of the book": lambda w: "book/book.yaml",
    "the current folder": lambda w: ".",
    "a folder holding .git": lambda w: str(w.project),
    "inside .git": lambda w: ".git/articles",
    "the layouts": lambda w: str(w.layouts),
    "a folder that is not a book's": lambda w: str(w.documents),
    "a new folder that is not a book's": lambda w: str(w.documents / "articles"),
    "the book folder itself": lambda w: "book",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", INTO_REFUSED, ids=list(INTO_REFUSED))
def test_import_into_a_folder_that_is_not_a_books_articles_is_refused(world: World, case: str) -> None:
    into = INTO_REFUSED[case](world)
    source = world.root / "page.txt"
    source.write_text("Resting Well\nSleep helps the body rest.\n\nRest when you can.\n")
    before, around = world.protected(), state(world.root)
    code, output = run("import", str(source), "--into", into, "--force")
    assert code == 2, output
    assert f"--into {into}: " in output and "Traceback" not in output
    assert world.protected() == before and state(world.root) == around


@pytest.mark.timeout(60)
def test_import_force_never_writes_through_a_link(world: World) -> None:
    source = world.root / "page.txt"
    source.write_text("Resting Well\nSleep helps the body rest.\n\nRest when you can.\n")
    (world.book / "articles" / "resting-well.md").symlink_to(world.documents / "letter.txt")
    before = world.protected()
    code, output = run("import", str(source), "--into", "book/articles", "--force")
    assert code == 1 and "M002" in output and "not a regular file" in output, output
    assert world.protected() == before


@pytest.mark.timeout(60)
def test_new_never_writes_outside_the_book_or_over_a_link(world: World) -> None:
    before = world.protected()
    dangling = world.book / "articles" / "a-dangling-one.md"
    dangling.symlink_to(world.documents / "not-there.md")
    code, output = run("new", "A dangling one", "--book", "book")
    assert code == 1 and "already exists" in output, output
    assert not (world.documents / "not-there.md").exists()
    dangling.unlink()
    assert world.protected() == before
    articles = world.book / "articles"
    moved = world.root / "elsewhere"
    articles.rename(moved)
    articles.symlink_to(moved)
    elsewhere = state(moved)
    code, output = run("new", "Out of the book", "--book", "book")
    assert code == 2 and "leads outside the book" in output, output
    assert state(moved) == elsewhere


DUMP_REFUSED: dict[str, Callable[[World], str]] = {
    "the book": lambda w: "book",
    "inside the book": lambda w: "book/html",
    "the current folder": lambda w: ".",
    "someone's folder": lambda w: str(w.documents),
    "the out folder": lambda w: "dist",
    "inside the out folder": lambda w: "dist/html",
    "a file": lambda w: "notes.txt",
    "the layouts": lambda w: str(w.layouts),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", DUMP_REFUSED, ids=list(DUMP_REFUSED))
def test_dump_html_goes_only_to_a_folder_of_its_own(world: World, case: str) -> None:
    dump = DUMP_REFUSED[case](world)
    before, around = world.protected(), state(world.root)
    code, output = run(
        "build", "--book", "book", "--out", "dist", "--layouts", str(world.layouts), "--dump-html", dump, *EPUB_ONLY
    )
    assert code == 2, output
    assert f"--dump-html {dump}: " in output and "Traceback" not in output
    assert world.protected() == before and state(world.root) == around


@pytest.mark.timeout(60)
def test_dump_html_into_a_new_folder_and_again(world: World) -> None:
    for _ in range(2):
        code, output = run("build", "--book", "book", "--out", "dist", "--dump-html", "html", *EPUB_ONLY)
        assert code == 0, output
    assert json.loads(Path("html/renders.json").read_text()) == []  # no PDF was planned with --only epub


INIT_REFUSED = {
    "--out articles": ("build", "--out", "articles"),
    "--out articles/dist": ("build", "--out", "articles/dist"),
    "--out profiles": ("build", "--out", "profiles"),
    "--out .": ("build", "--out", "."),
    "--out ..": ("build", "--out", ".."),
    "--report book.yaml": ("check", "--report", "book.yaml"),
    "--report articles/check.html": ("check", "--report", "articles/check.html"),
    "--report glossary.yaml": ("check", "--report", "glossary.yaml"),
}


@pytest.mark.timeout(120)
def test_a_book_started_with_init_keeps_dist_and_reports_beside_its_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the book's own folder (the init layout), dist/ and reports/ may live in it; its sources never
    become an output, and the other rules hold."""
    book = tmp_path / "mybook"
    shutil.copytree(FIXTURES / "mini", book)
    monkeypatch.chdir(book)
    for case, (command, option, path) in INIT_REFUSED.items():
        before = state(book)
        argv = [command, option, path, *(EPUB_ONLY if command == "build" else ("--quiet",))]
        code, output = run(*argv)
        assert code == 2 and f"{option} {path}: " in output, (case, output)
        assert state(book) == before, case
    sources = {k: v for k, v in state(book).items() if k.split("/")[0] in ("articles", "book.yaml", "glossary.yaml")}
    for _ in range(2):
        assert run("build", *EPUB_ONLY)[0] == 0
        assert run("check", "--quiet")[0] == 0
    assert Path("dist/manifest.json").is_file() and Path("reports/check.html").is_file()
    assert {k: v for k, v in state(book).items() if k in sources} == sources
