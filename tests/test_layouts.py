"""A book changes the layouts file by file: ``--layouts``, then ``layouts:`` in book.yaml, then the
book's ``layouts/`` folder, then the package's; an override of one stylesheet changes only the outputs
that use it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from plainpress.cli import main
from plainpress.commands.build import build
from plainpress.commands.init import init_book
from plainpress.errors import SourceError
from plainpress.paths import Layouts
from plainpress.templates import DEFAULT_LAYOUTS, book_layouts, read_layout, render

TODAY = dt.date(2026, 11, 25)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_precedence_cli_then_book_yaml_then_book_folder_then_package(tmp_path):
    book = tmp_path / "book"
    init_book(book, "T", today=TODAY)
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "layouts: theme\n")
    for folder, tag in ((tmp_path / "cli", "cli"), (book / "theme", "yaml"), (book / "layouts", "own")):
        _write(folder / "card" / "card.css", f"/* {tag} */\n")
    _write(book / "theme" / "epub" / "epub.css", "/* yaml */\n")
    _write(book / "layouts" / "epub" / "epub.css", "/* own */\n")
    _write(book / "layouts" / "pdf" / "book.css", "/* own */\n")

    stack = book_layouts(book, tmp_path / "cli")
    assert stack.folders == (
        (tmp_path / "cli").resolve(),
        (book / "theme").resolve(),
        (book / "layouts").resolve(),
        DEFAULT_LAYOUTS,
    )
    assert read_layout("card/card.css", stack) == "/* cli */\n"
    assert read_layout("epub/epub.css", stack) == "/* yaml */\n"
    assert read_layout("pdf/book.css", stack) == "/* own */\n"
    assert read_layout("handout/handout.css", stack) == (DEFAULT_LAYOUTS / "handout" / "handout.css").read_text()
    without_cli = book_layouts(book)
    assert read_layout("card/card.css", without_cli) == "/* yaml */\n"
    assert stack.files()["card/card.css"] == (tmp_path / "cli" / "card" / "card.css").resolve()


def test_a_template_override_is_used_and_the_rest_comes_from_the_package(tmp_path):
    """A book replaces one template that another includes or extends; the others stay the package's."""
    original = (DEFAULT_LAYOUTS / "base" / "parts.html.j2").read_text()
    folder = tmp_path / "mine"
    _write(folder / "base" / "parts.html.j2", "{# mine #}<!-- book override -->\n" + original)
    stack = Layouts.of(folder)
    assert stack.folders == (folder.resolve(), DEFAULT_LAYOUTS)
    assert "<!-- book override -->" in read_layout("base/parts.html.j2", stack)
    assert render("base/fonts.css.j2", stack, faces=[], font_url=str) == render(
        "base/fonts.css.j2", DEFAULT_LAYOUTS, faces=[], font_url=str
    )


def test_a_missing_layouts_folder_is_an_error_naming_the_line(tmp_path, capsys):
    book = tmp_path / "book"
    init_book(book, "T", today=TODAY)
    text = (book / "book.yaml").read_text()
    (book / "book.yaml").write_text(text + "layouts: nowhere\n")
    with pytest.raises(SourceError) as error:
        book_layouts(book)
    assert f"book.yaml:{text.count(chr(10)) + 1}" in str(error.value) and "'nowhere' is not a folder" in str(
        error.value
    )
    (book / "book.yaml").write_text(text)
    assert main(["build", "--book", str(book), "--out", str(tmp_path / "dist"), "--layouts", str(tmp_path / "no")]) == 2
    assert "--layouts" in capsys.readouterr().err and not (tmp_path / "dist").exists()


def _hashes(dist: Path) -> dict[str, tuple[str, str]]:
    return {e["path"]: (e["kind"], e["sha256"]) for e in json.loads((dist / "manifest.json").read_text())["outputs"]}


def test_overriding_one_stylesheet_changes_only_the_outputs_that_use_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    book = tmp_path / "book"
    init_book(book, "Override test", today=TODAY)
    build(book, tmp_path / "plain" / "dist", jobs=2)
    # The book's own handout stylesheet: the package's, with the headings spaced wider.
    css = (DEFAULT_LAYOUTS / "handout" / "handout.css").read_text() + "\nh1, h2 { letter-spacing: 0.08em; }\n"
    _write(book / "layouts" / "handout" / "handout.css", css)
    build(book, tmp_path / "styled" / "dist", jobs=2)
    before, after = _hashes(tmp_path / "plain" / "dist"), _hashes(tmp_path / "styled" / "dist")
    assert before.keys() == after.keys()
    changed = {path for path in before if before[path] != after[path]}
    users = {path for path, (kind, _) in before.items() if kind in ("handout", "handout-index")}
    assert users and changed == users  # the handouts and their index; not the EPUB, book PDF or cards
