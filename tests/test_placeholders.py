"""No placeholder reaches print: the starter text of `new` (and of `init`, through STARTER_KEYS) is
flagged by check (N001), and an empty summary, as import leaves it, too (N002)."""

from __future__ import annotations

import json
import shutil

from plainpress.checks.placeholders import STARTER_KEYS, starter_in
from plainpress.cli import main
from plainpress.commands.check import check
from plainpress.messages import Messages

from .helpers import FIXTURES


def test_every_starter_text_in_every_language_is_recognised():
    for language in ("en", "es"):
        say = Messages(language)
        for key in STARTER_KEYS:
            assert starter_in(f"## {say(key)}" if key == "new.heading" else say(key)) == key
    assert starter_in("What this is about, and more") is None  # a heading only when it is all of it
    assert starter_in("Sleep well every night.") is None
    body = Messages("en")("new.body")
    assert starter_in(f"Before it: {body.upper()} and after it") == "new.body"  # inside a line, any case


def test_check_flags_what_new_left(tmp_path, capsys):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    assert main(["new", "Sleeping in the heat", "--book", str(book)]) == 0
    capsys.readouterr()
    _, findings = check(book)
    mine = [
        (f.code, f.severity.value, f.location.line)
        for f in findings
        if f.location.path.name == "sleeping-in-the-heat.md"
    ]
    assert ("N001", "warning", 3) in mine  # the summary
    assert {line for code, _, line in mine if code == "N001"} >= {3, 10, 12}  # summary, heading, body
    # Reviewed with the starter text still there: errors.
    article = book / "articles" / "sleeping-in-the-heat.md"
    article.write_text(article.read_text().replace("authors: []", "reviewed: 2026-01-02\nnext_review: 2029-01-02"))
    _, findings = check(book)
    assert {f.severity.value for f in findings if f.code == "N001" and f.location.path == article} == {"error"}


def test_an_empty_summary_is_reported(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    article = book / "articles" / "first-steps.md"
    article.write_text(article.read_text().replace("summary: A short first chapter about sleep.", "summary:"))
    _, findings = check(book)
    assert [(f.code, f.severity.value, f.location.line) for f in findings if f.code == "N002"] == [("N002", "error", 3)]


def test_findings_are_grouped_sorted_and_counted_right(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths are shown relative to where the command runs
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    article = book / "articles" / "first-steps.md"
    text = article.read_text().replace("citations: {1: testbook2020}", "citations: {1: testbook2020, 3:}")
    text += "\nAgain [3] and [2][3].\n\nOnce more [2].\n"
    article.write_text(text)
    code = main(["check", "--book", str(book), "--report", str(tmp_path / "r.html")])
    out = capsys.readouterr()
    lines = [line for line in out.out.split("\n") if " C003: " in line]
    start = len(text.split("\n")) - 3  # the line of "Again"
    assert lines == [
        f"  {start}: warning C003: numbered citation 2 has no mapping in the front matter (lines {start}, {start + 2})"
        " [[2]] (hint: map the number in the front matter: citations: {1: key})",
        f"  {start}: warning C003: numbered citation 3 has no mapping in the front matter [[3]]"
        " (hint: map the number in the front matter: citations: {1: key})",
    ]
    assert code == 0 and "0 errors, 5 warnings in 1 file (2 articles" in out.err
    assert main(["check", "--book", str(book), "--format", "json", "--report", str(tmp_path / "r.html")]) == 0
    found = json.loads(capsys.readouterr().out)
    c003 = sorted((f["line"], f["text"]) for f in found if f["code"] == "C003")
    assert c003 == [(start, "[2]"), (start, "[3]"), (start, "[3]"), (start + 2, "[2]")]  # one per occurrence
    headers = [line for line in out.out.split("\n") if line and not line.startswith(" ")]
    assert headers == ["book/articles/first-steps.md"]
    assert {f["file"] for f in found} == {"book/articles/first-steps.md"}  # the same relative paths
