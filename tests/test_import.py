"""`build.py import`: text copied from a web page (or HTML) becomes a source article that builds.

The fixtures in tests/fixtures/import are written for these tests in the shape of a pasted web
article: date line, title, headings, bullet lists, a pipe table, a FAQ, the "About this content"
block, numeric citations, one malformed citation and six references by title to other articles.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml

from plainpress.cli import main
from plainpress.commands.build import build
from plainpress.commands.importing import add_chapter
from plainpress.errors import Problems
from plainpress.importer import parse, parse_date, to_markdown
from plainpress.stages.gather import load_config

from .helpers import FIXTURES

TEXT = FIXTURES / "import" / "restless-legs.txt"
HTML = FIXTURES / "import" / "calm-breathing.html"
SLUG = "restless-legs-and-night-time-jitters-during-a-taper"
TODAY = dt.date(2026, 11, 25)
# The six references by title to articles that are not in the book, as the fixture introduces them.
NOT_IN_BOOK = [
    ("see related insights on", "Sleep Debt and the Tapering Brain"),
    ("consider", "Evening Stretches for Anxious Bodies"),
    ("review", "Iron, Ferritin and Restless Nights"),
    ("details in", "Planning a Gentle Dose Reduction: A Worksheet"),
    ("see", "Warm Baths, Cool Rooms: Sleep Set-Up Basics"),
    ("as in", "Quiet Evenings: Building a Calmer Bedtime"),
]


def _split(markdown: str) -> tuple[dict, list[str]]:
    _, front, body = markdown.split("---\n", 2)
    return yaml.safe_load(front), body.split("\n")


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2)) for line in lines if (m := re.match(r"^(#{1,6}) (.*)$", line))]


def _lists(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    previous = ""
    for line in lines:
        if re.match(r"^(-|\d+\.) ", line):
            item = line.split(" ", 1)[1]
            if re.match(r"^(-|\d+\.) ", previous):
                groups[-1].append(item)
            else:
                groups.append([item])
        previous = line
    return groups


def _table(lines: list[str]) -> list[list[str]]:
    rows = [line for line in lines if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows if not set(row) <= set("|-: ")]


def test_text_import_keeps_the_structure():
    imported = parse(TEXT.read_text(), is_html=False)
    front, lines = _split(to_markdown(imported, TEXT.name, TODAY))
    assert front["title"] == "Restless Legs and Night-Time Jitters During a Taper"
    assert front["date"] == "2026-03-03" or front["date"] == dt.date(2026, 3, 3)
    assert front["summary"] is None  # left for the editor to write: the opening hook is not a summary
    assert front["citations"] == {n: None for n in range(1, 7)}  # every number used, none guessed
    assert "reviewed" not in front and "next_review" not in front
    assert _headings(lines) == [
        (2, "What Does Restless Legs Feel Like?"),
        (2, "Why It Shows Up While Tapering"),
        (2, "How Often Does It Happen?"),
        (2, "When to Worry: Warning Signs vs. Ordinary Restlessness"),
        (2, "Simple Ways to Settle Your Legs"),
        (2, "Frequently asked questions"),
        (3, "Will restless legs stop when the taper ends?"),
        (3, "Can I take a sleeping tablet to stop it?"),
        (3, "Does walking at night help?"),
        (2, "Conclusion"),
        (2, "About this content"),
    ]
    lists = _lists(lines)
    assert [len(items) for items in lists] == [4, 3, 3, 5]  # the third: the red flag proposed after the table
    assert lists[2] == ["One leg is swollen, hot or red", "Legs feel weak or give way", "Numbness that spreads upward"]
    assert "::: red-flag urgent proposed" in lines
    assert lists[0][1].startswith("Body clock shifts: The evening dip") and lists[0][1].endswith(
        "Tapering Brain.[2][web:7, source assumed]"
    )
    assert lists[1] == ["Calves and shins[2]", "Thighs and knees[2][4]", "Arms, now and then[5]"]
    lists.pop(2)
    table = _table(lines)
    assert table[0] == ["Ordinary Restlessness", "Warning Signs (Call Your Clinician)"]
    assert table[1:] == [
        ["Urge eases when you walk[2]", "One leg is swollen, hot or red[6]"],
        ["Worse in the evening[4]", "Legs feel weak or give way[6]"],
        ["Sleep is broken but you can rest[1]", "Numbness that spreads upward[6]"],
    ]
    assert "|---|---|" in lines
    text = "\n".join(lines)
    faq = text.split("## Frequently asked questions\n\n", 1)[1].split("\n\n## Conclusion", 1)[0]
    pairs = re.findall(r"^### (.+)\n\n(.+)$", faq, re.M)
    assert [question for question, _ in pairs] == [
        "Will restless legs stop when the taper ends?",
        "Can I take a sleeping tablet to stop it?",
        "Does walking at night help?",
    ]
    assert [answer for _, answer in pairs] == [
        "For most people the urge fades over the weeks after the last dose.[2][5]",
        "Talk to your prescriber first. Some sleep medicines make restless legs worse.[3]",
        "A short, slow walk can calm the urge for a while.[4]",
    ]
    about = text.split("## About this content\n\n", 1)[1]
    assert about.startswith("This page was drafted by a small volunteer writing group")
    assert "\n**\n" not in text and "MIN READ" not in text


def test_date_lines():
    assert parse_date("January 31, 2026 • 5 MIN READ") == dt.date(2026, 1, 31)
    assert parse_date("3 March 2026") == dt.date(2026, 3, 3)
    assert parse_date("14 de febrero de 2026") == dt.date(2026, 2, 14)
    assert parse_date("2026-02-14") == dt.date(2026, 2, 14)
    assert parse_date("January 31, 2026 was a cold day.") is None
    assert parse_date("February 30, 2026") is None


def test_html_import():
    imported = parse(HTML.read_text(), is_html=True)
    front, lines = _split(to_markdown(imported, HTML.name, TODAY))
    assert front["title"] == "Calm Breathing for Tense Evenings"
    assert str(front["date"]) == "2026-02-14"
    assert front["citations"] == {1: None, 2: None}
    assert _headings(lines) == [
        (2, "How to Start"),
        (3, "When It Feels Hard"),
        (2, "Frequently asked questions"),
        (3, "Can I do this at work?"),
    ]
    assert [line for line in lines if re.match(r"^\d+\. ", line)] == [
        "1. Sit or lie down.",
        "2. Breathe in through your nose for four counts.[2]",
        "3. Breathe out for six counts.",
    ]
    assert _table(lines) == [["Step", "Time"], ["In", "4 s"], ["Out", "6 s"]]
    text = "\n".join(lines)
    assert "Home" not in text and "Copyright" not in text and "tracking" not in text


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", target)
    config = target / "book.yaml"
    config.write_text("# The mini book, with a comment that import must keep.\n" + config.read_text())
    return target


def _import(book: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["import", str(TEXT), "--into", str(book / "articles"), *extra])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out + out.err


def test_import_reports_what_it_could_not_map_with_lines_in_the_new_file(book, capsys):
    code, output = _import(book, capsys)
    assert code == 0, output
    article = book / "articles" / f"{SLUG}.md"
    lines = article.read_text().split("\n")
    found = re.findall(r"^(\S+\.md):(\d+): warning (\w+): (.*)$", output, re.M)
    assert {Path(f).name for f, *_ in found} == {article.name}
    malformed = [(int(n), m) for _, n, c, m in found if c == "C002"]
    assert len(malformed) == 1 and "[web:7, source assumed]" in lines[malformed[0][0] - 1]
    titles = [(int(n), m) for _, n, c, m in found if c == "X002"]
    assert len(titles) == len(NOT_IN_BOOK)
    for (line, message), (introducer, title) in zip(titles, NOT_IN_BOOK, strict=True):
        assert f"\u201c{introducer} {title}\u201d" in message
        assert f"{introducer} {title}" in lines[line - 1]
    assert "Second Steps" not in output  # a chapter of this book: linked, not reported
    assert "6 citation numbers to map" in output
    config = (book / "book.yaml").read_text()
    assert config.startswith("# The mini book, with a comment that import must keep.\n")
    assert f"chapters: [second-steps, {SLUG}]" in config  # at the end of the last part, as `new` does
    assert load_config(book).chapters[-1].chapters[-1] == SLUG


def test_import_never_overwrites_unless_forced(book, capsys):
    assert _import(book, capsys)[0] == 0
    article = book / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text().replace("## Conclusion", "## Conclusion, edited"))
    code, output = _import(book, capsys)
    assert code == 1 and "error M002: the article exists" in output and "--force" in output
    assert "## Conclusion, edited" in article.read_text()
    code, output = _import(book, capsys, "--force")
    assert code == 0, output
    assert "## Conclusion, edited" not in article.read_text()
    assert (book / "book.yaml").read_text().count(SLUG) == 1


def test_chapter_list_in_flow_style_keeps_comments(tmp_path):
    shutil.copytree(FIXTURES / "mini", tmp_path / "book")
    config = tmp_path / "book" / "book.yaml"
    text = config.read_text().replace("chapters:\n  - first-steps\n  - part: More\n    chapters: [second-steps]\n", "")
    config.write_text(text + "chapters: [first-steps, second-steps]  # reading order\n")
    (tmp_path / "book" / "articles" / "third.md").write_text("---\ntitle: T\nsummary: S\ndate: 2026-01-02\n---\n")
    assert add_chapter(config, "third") is True
    assert config.read_text().endswith("chapters: [first-steps, second-steps, third]  # reading order\n")
    assert add_chapter(config, "third") is False


def test_a_text_with_no_date_line_gets_today_and_a_warning(book, tmp_path, capsys):
    source = tmp_path / "undated.txt"
    source.write_text("A Short Undated Note\nDrink water through the day and rest when you can.\n")
    code = main(["import", str(source), "--into", str(book / "articles")])
    output = capsys.readouterr().err
    assert code == 0
    assert re.search(r"a-short-undated-note\.md:4: warning M001: found no date line", output)


@pytest.mark.timeout(300)
def test_imported_article_builds_and_strict_refuses_it(book, capsys, tmp_path):
    assert _import(book, capsys)[0] == 0
    result = build(book, tmp_path / "dist")
    assert {"D003", "C002", "X002"} <= {f.code for f in result.findings}
    epub = next(tmp_path.glob("dist/*.epub"))
    with zipfile.ZipFile(epub) as archive:
        documents = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")]
    chapter = next(d for d in documents if "buzz and beg to move" in d)
    assert "Frequently asked questions" in chapter and "Ordinary Restlessness" in chapter
    assert "[web:7, source assumed]" in chapter  # shown as written
    assert re.search(r'<a[^>]*href="[^"]*second-steps[^"]*"[^>]*>Second Steps</a>', chapter)
    assert "Sleep Debt and the Tapering Brain" in chapter and 'href="sleep-debt' not in chapter
    handout = next(
        o for o in result.outputs if o.kind == "handout" and SLUG in o.path and o.path.endswith("standard.pdf")
    )
    with pdfplumber.open(tmp_path / "dist" / handout.path) as pdf:
        assert "Draft — not yet reviewed" in (pdf.pages[0].extract_text() or "")
    with pytest.raises(Problems) as refused:
        build(book, tmp_path / "dist-strict", strict=True)
    assert "D003" in {f.code for f in refused.value.findings}
    assert not (tmp_path / "dist-strict").exists()
