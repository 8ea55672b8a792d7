"""``init DIR``: a new book that builds at once, in English or Spanish, A4 or Letter; refused
folders; and the command line around it (did you mean, --version, python -m plainpress)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plainpress import __version__
from plainpress.checks.placeholders import STARTER_KEYS, starter_in
from plainpress.cli import main
from plainpress.commands.build import build
from plainpress.commands.init import init_book
from plainpress.errors import Severity
from plainpress.messages import Messages
from plainpress.stages.enforce import review
from plainpress.stages.gather import gather

from .helpers import ROOT

TODAY = dt.date(2026, 11, 25)
FILES = {"book.yaml", "glossary.yaml", "references.json", ".gitignore", "README.md"}


def test_init_writes_a_complete_commented_book(tmp_path):
    book = tmp_path / "mybook"
    written = init_book(book, "Caring for your back", "es", "letter", today=TODAY)
    names = {p.relative_to(book).as_posix() for p in written}
    assert FILES <= names
    articles = [n for n in names if n.startswith("articles/")]
    profiles = [n for n in names if n.startswith("profiles/")]
    assert len(articles) == 1 and len(profiles) == 1
    text = (book / "book.yaml").read_text()
    assert text.count("\n#") >= 5  # commented for the editor
    config = yaml.safe_load(text)
    assert config["title"] == "Caring for your back"
    assert config["language"] == "es" and config["paper"] == "letter"
    assert config["chapters"] == [Path(articles[0]).stem]
    assert yaml.safe_load((book / profiles[0]).read_text())["paper"] == "letter"
    assert json.loads((book / "references.json").read_text()) == []  # never an invented reference
    assert {"dist/", ".plainpress-cache/", "reports/"} <= set((book / ".gitignore").read_text().split())
    # The starter is in the book's language, and its words come from the message files.
    article = (book / articles[0]).read_text()
    assert Messages("es")("new.summary") in article and Messages("es")("init.red_flag_emergency") in article
    assert "Write" not in article


def test_the_starter_builds_at_once_with_warnings_not_errors(tmp_path):
    book = tmp_path / "mybook"
    init_book(book, "My clinic's guide", today=TODAY)
    found = review(gather(book), TODAY)
    assert [f for f in found if f.severity is Severity.ERROR] == []
    assert any(f.severity is Severity.WARNING for f in found)  # the draft article (and placeholders)
    result = build(book, tmp_path / "dist")
    kinds = {o.kind for o in result.outputs}
    assert {"epub", "pdf", "handout", "card"} <= kinds


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_placeholder_check_knows_every_placeholder_init_writes(tmp_path, language):
    """One place: the check (N001) finds init's starter texts in book.yaml and the article."""
    book = tmp_path / "b"
    init_book(book, "B", language, today=TODAY)
    everything = "\n".join(p.read_text() for p in book.rglob("*") if p.is_file())
    written = [key for key in STARTER_KEYS if Messages(language)(key) in everything]
    assert len(written) >= 12
    found = {f.location.path.name for f in review(gather(book), TODAY) if f.code == "N001"}
    assert {"book.yaml", *(p.name for p in (book / "articles").glob("*.md"))} <= found
    assert starter_in(Messages(language)("init.clinic_name")) == "init.clinic_name"


@pytest.mark.parametrize("occupied", ["file-inside", "hidden-file", "is-a-file"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys, occupied):
    target = tmp_path / "book"
    if occupied == "is-a-file":
        target.write_text("notes\n")
    else:
        target.mkdir()
        (target / ("notes.txt" if occupied == "file-inside" else ".keep")).write_text("mine\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_init_into_an_empty_folder_and_unknown_language(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["init", str(tmp_path / "empty"), "--title", "T"]) == 0
    assert (tmp_path / "empty" / "book.yaml").is_file()
    assert main(["init", str(tmp_path / "x"), "--language", "fr"]) == 2
    assert "en, es" in capsys.readouterr().err and not (tmp_path / "x").exists()


def test_an_unknown_command_gets_did_you_mean(capsys):
    for typed, meant in (("biuld", "build"), ("chekc", "check"), ("inti", "init"), ("serv", "serve")):
        code = main([typed, "--book", "x"])
        err = capsys.readouterr().err
        assert code == 2 and f"unknown command {typed!r}" in err and f"did you mean {meant!r}" in err, err
    assert main(["frobnicate"]) == 2 and "did you mean" not in capsys.readouterr().err


def test_an_unknown_option_gets_did_you_mean(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["build", "--bok", "book"])
    assert stop.value.code == 2 and "did you mean '--book'" in capsys.readouterr().err


def test_version_and_python_dash_m(tmp_path):
    for command in (
        [sys.executable, "-m", "plainpress", "--version"],
        [sys.executable, str(ROOT / "build.py"), "--version"],
    ):
        run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
        assert run.returncode == 0 and run.stdout.strip() == f"plainpress {__version__}", run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "plainpress", "biuld"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert run.returncode == 2 and "did you mean 'build'" in run.stderr and "usage: plainpress" in run.stderr


def test_a_reviewed_article_cannot_print_the_starter_placeholders(tmp_path):
    """Once an article is reviewed, its handouts are for patients: placeholders left in it and in the
    clinic profile printed on every handout stop the build."""
    book = tmp_path / "mybook"
    init_book(book, "T", today=TODAY)
    article = next((book / "articles").glob("*.md"))
    article.write_text(
        article.read_text().replace(
            "date: 2026-11-25\n", "date: 2026-11-25\nreviewed: 2026-11-25\nnext_review: 2027-11-25\n"
        )
    )
    errors = [f for f in review(gather(book), TODAY) if f.severity is Severity.ERROR and f.code == "N001"]
    assert {f.location.path.name for f in errors} == {article.name, "my-clinic.yaml"}
