"""Bad sources give one clear message per problem: file, line, field; no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plainpress.cli import main

from .helpers import FIXTURES


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def _run(book: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--book", str(book), "--out", str(book.parent / "dist"), "--quiet", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_good_fixture_builds(book, capsys):
    code, err = _run(book, capsys)
    assert code == 0, err
    assert (book.parent / "dist" / "manifest.json").exists()


def test_bad_date_in_book_yaml(book, capsys):
    _edit(book / "book.yaml", "published: 2026-01-02", "published: 2026-02-30")
    code, err = _run(book, capsys)
    assert code == 1
    assert "book.yaml:9: error E004: published: expected a date written YYYY-MM-DD, found '2026-02-30'" in err


def test_yaml_syntax_error_names_line(book, capsys):
    _edit(book / "book.yaml", "editors: [Test Editor]", "editors: [Test Editor")
    code, err = _run(book, capsys)
    assert code == 1
    assert "book.yaml:8:10: error E003: YAML syntax error" in err  # where the [ opened


def test_unknown_key_suggests_the_right_one(book, capsys):
    _edit(book / "book.yaml", "licence:", "licnce:")
    code, err = _run(book, capsys)
    assert code == 1
    assert 'book.yaml:12: error E004: licnce: unknown key; did you mean "licence"?' in err


def test_missing_title_and_bad_date_reported_together(book, capsys):
    _edit(book / "articles" / "first-steps.md", "title: First steps\n", "")
    _edit(book / "articles" / "second-steps.md", "date: 2026-01-02", "date: 2026-1-2x")
    code, err = _run(book, capsys)
    assert code == 1
    assert "first-steps.md:2: error E004: title: required key is missing" in err
    assert "second-steps.md:4: error E004: date: expected a date" in err
    assert "2 problems" in err


def test_unknown_chapter_slug(book, capsys):
    _edit(book / "book.yaml", "  - first-steps", "  - first-step")
    code, err = _run(book, capsys)
    assert code == 1
    assert 'book.yaml:19: error E006: chapters: no article articles/first-step.md; did you mean "first-steps"?' in err


def test_duplicate_chapter(book, capsys):
    _edit(book / "book.yaml", "chapters: [second-steps]", "chapters: [second-steps, first-steps]")
    code, err = _run(book, capsys)
    assert code == 1
    assert "E007" in err and "listed twice" in err


def test_bom_and_crlf_are_accepted(book, capsys):
    path = book / "articles" / "first-steps.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    code, err = _run(book, capsys)
    assert code == 0, err


def test_non_utf8_file(book, capsys):
    path = book / "articles" / "second-steps.md"
    path.write_bytes(path.read_bytes().replace(b"Plan one", b"Plan \xe9one"))
    code, err = _run(book, capsys)
    assert code == 1
    assert "second-steps.md:11: error E002: the file is not UTF-8" in err


def test_empty_article_and_missing_front_matter(book, capsys):
    (book / "articles" / "first-steps.md").write_text("")
    (book / "articles" / "second-steps.md").write_text("## No front matter\n")
    code, err = _run(book, capsys)
    assert code == 1
    assert "first-steps.md:1: error E005: the article is empty" in err
    assert "second-steps.md:1: error E005: expected the article to start with front matter" in err


def test_h1_in_body_is_an_error(book, capsys):
    _edit(book / "articles" / "second-steps.md", "## Rest days", "# Rest days")
    code, err = _run(book, capsys)
    assert code == 1
    assert "second-steps.md:9: error S001" in err


def test_failed_build_leaves_dist_unchanged(book, capsys):
    assert _run(book, capsys)[0] == 0
    dist = book.parent / "dist"
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    _edit(book / "book.yaml", "language: en-GB", "language: 'english please'")
    code, err = _run(book, capsys)
    assert code == 1 and "BCP 47" in err
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()} == before


def test_strict_fails_on_warnings(book, capsys):
    code, err = _run(book, capsys)
    assert code == 0 and "X001" in err  # the link to nowhere.md is a warning
    code, err = _run(book, capsys, "--strict")
    assert code == 1 and "first-steps.md:27: warning X001" in err
