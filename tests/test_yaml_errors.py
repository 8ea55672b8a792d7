"""YAML syntax errors in our words, at the line and column of the fault, the line quoted with a caret.

PyYAML notices many faults a line late (a key without its colon, an unclosed quotation mark, a key
without the space after its colon): every kind of fault is made on every line of real files, and the
line reported must be the line that was changed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plainpress.errors import SourceError
from plainpress.sources.yamlsrc import load_yaml
from plainpress.starter import book_yaml, glossary_yaml, profile_yaml

from .helpers import ROOT, SAMPLE_BOOK

JARGON = re.compile(r"<block|<scalar|<document|scalar|token|expected <|but found|simple key", re.I)

CASES = [
    # (text, line, column, words the message must hold)
    ('title: "Muscle\nsubtitle: x\n', 1, 8, "never closed"),
    ("title: A\nsubtitle B\nlanguage: en\n", 2, 1, "colon"),
    ("title:A\npaper: a4\n", 1, 6, "space after the colon"),
    ("title: Twitches: a guide\n", 1, 16, "in quotes"),
    ("advice_line_name: 'your clinic's advice line'\npaper: a4\n", 1, 32, "apostrophe as two"),
    ('title: "A" B\n', 1, 12, "closing quotation mark"),
    ("title: A\n\tsubtitle: B\n", 2, 1, "tab"),
    ("chapters: [a, b\nlanguage: en\n", 1, 11, "not closed"),
    ("title: A\n- b\n", 2, 1, "list item"),
    ("chapters:\n  - a\n  - b\n - c\n", 4, 2, "list item"),
    ("title: @home\n", 1, 8, "in quotes"),
    ("title: *bold* text\n", 1, 8, "in quotes"),
    ('title: "Muscle\nsubtitle: "x"\n', 1, 8, "closing quotation mark is missing"),
    ("summary: This is\n  long: text\n", 2, 3, "runs on"),
    ("title: a\ntitle: b\n", 2, 1, "appears twice"),
    ("contacts:\n   emergency_number: x\n  advice_line: y\n  advice_line_name: z\n", 2, 4, "indented more"),
    ("# about\n title: T\nlanguage: en\n", 2, 2, "first key is indented"),
    ("title: a\n---\nb: 1\n", 2, 1, "second document"),
]


@pytest.mark.parametrize(("text", "line", "column", "words"), CASES)
def test_each_kind_of_fault_is_named_where_it_is(text, line, column, words):
    with pytest.raises(SourceError) as caught:
        load_yaml(text, Path("book.yaml"))
    error = caught.value
    assert (error.location.line, error.location.column) == (line, column), error.messages()
    assert words in error.message and not JARGON.search(error.message), error.message
    quoted = error.messages()[0].split("\n")[1:]
    shown = text.split("\n")[line - 1].replace("\t", " ")
    assert quoted[0] == f"  {line} | {shown}"
    assert quoted[1].index("^") - quoted[1].index("|") - 2 == column - 1  # the caret under the column


def _files() -> list[tuple[str, str]]:
    today = dt.date(2026, 11, 25)
    return [
        ("starter book.yaml", book_yaml("My book", "en", "a4", "first", today)),
        ("sample book.yaml", (SAMPLE_BOOK / "book.yaml").read_text()),
        ("sample glossary", (SAMPLE_BOOK / "glossary.yaml").read_text()),
        ("starter profile", profile_yaml("es", "letter")),
        ("starter glossary", glossary_yaml("en")),
    ]


def _faults(line: str) -> dict[str, str]:
    return {
        "colon removed": line.replace(": ", " ", 1),
        "space after colon removed": line.replace(": ", ":", 1),
        "indented one more": " " + line,
        "quote opened": line.replace(": ", ': "', 1),
    }


def test_every_fault_on_every_line_of_real_files_is_reported_on_that_line():
    wrong, reported = [], 0
    for name, text in _files():
        lines = text.split("\n")
        for number, line in enumerate(lines, 1):
            if not re.match(r"^\s*(- )?[a-z_]+: \S", line):
                continue
            for fault, changed in _faults(line).items():
                edited = "\n".join([*lines[: number - 1], changed, *lines[number:]])
                try:
                    load_yaml(edited, Path("f.yaml"))
                except SourceError as error:
                    reported += 1
                    if error.location.line != number or JARGON.search(error.message):
                        wrong.append(f"{name}:{number} {fault}: reported {error.location.line}: {error.message}")
    assert reported > 150 and wrong == []


def test_front_matter_errors_name_the_line_of_the_article(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK, book)
    article = book / "articles" / "when-to-worry.md"
    lines = article.read_text().split("\n")
    lines[3] = lines[3].replace("date: ", "date ")  # the fourth line: date: 2026-11-20
    article.write_text("\n".join(lines))
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--book", str(book), "--report", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "  4:1: error E003: YAML syntax error" in run.stdout + run.stderr


def test_the_build_quotes_the_line_with_a_caret(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK, book)
    text = (book / "book.yaml").read_text().split("\n")
    number = next(n for n, line in enumerate(text, 1) if line.startswith("  advice_line:"))
    text[number - 1] = text[number - 1].replace("advice_line:", "advice_line")
    (book / "book.yaml").write_text("\n".join(text))
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--book", str(book), "--out", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"book.yaml:{number}:3: error E003: YAML syntax error: this line is not 'key: value'" in run.stderr
    assert f'  {number} |   advice_line "555-0100"\n' in run.stderr
    assert f"  {' ' * len(str(number))} |   ^\n" in run.stderr
    assert not (tmp_path / "dist").exists()
