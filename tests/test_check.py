"""`build.py check`: one finding per defect (code, file, line), exit codes, timing, the report page,
and the pieces behind it: reading level, review dates, prose references by title."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plainpress.cli import main
from plainpress.errors import Problems
from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.xrefs import XrefPolicy
from plainpress.model import Article, ArticleMeta
from plainpress.readability import grade_of_fernandez_huerta, measure, split_sentences, syllables
from plainpress.stages.analyse import analyse
from plainpress.stages.enforce import enforce, review
from plainpress.stages.gather import gather

from .helpers import CHROMIUM, CHROMIUM_ARGS, FIXTURES, ROOT, SAMPLE_BOOK, imported

DEFECTS = FIXTURES / "defects"
TODAY = "2027-03-01"

# One defect of each kind in tests/fixtures/defects: (code, severity, file, line).
EXPECTED = [
    ("D003", "warning", "hard-words.md", 2),  # no review dates
    ("P001", "warning", "hard-words.md", 9),  # reading level, at its hardest sentence
    ("D002", "warning", "sources.md", 6),  # next review within 60 days
    ("C001", "warning", "sources.md", 14),  # unknown citation key
    ("C002", "warning", "sources.md", 16),  # malformed citation
    ("C003", "warning", "sources.md", 18),  # numbered citation whose mapping is left empty
    ("X001", "warning", "sources.md", 22),  # link to an article not in the book
    ("X002", "warning", "sources.md", 24),  # reference by title to an article not in the book
    ("G002", "warning", "sources.md", 26),  # undefined acronym
    ("S001", "error", "structure.md", 9),  # a second H1
    ("S002", "warning", "structure.md", 15),  # skipped heading level
    ("S003", "error", "structure.md", 21),  # image with no alt text
    ("S004", "error", "structure.md", 23),  # table with no header row
    ("S005", "warning", "structure.md", 27),  # empty section
    ("S006", "warning", "structure.md", 29),  # two headings with one slug
    ("D001", "error", "worry.md", 6),  # review date passed
    ("R004", "warning", "worry.md", 9),  # "When to worry" with no red flag
    ("G001", "warning", "glossary.yaml", 4),  # glossary term never used
    ("C004", "warning", "references.json", 3),  # reference never cited
]


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def test_each_defect_is_reported_with_code_file_and_line(capsys, tmp_path):
    code, out, err = _check(
        capsys, "--book", str(DEFECTS), "--today", TODAY, "--format", "json", "--report", str(tmp_path / "r.html")
    )
    found = json.loads(out)
    assert code == 1, err
    assert sorted((f["code"], f["severity"], Path(f["file"]).name, f["line"]) for f in found) == sorted(EXPECTED)
    assert all(f["message"] and "hint" in f and "text" in f for f in found)
    x002 = next(f for f in found if f["code"] == "X002")
    assert x002["text"] == "Sleeping Through the Night: A Short Guide"
    assert "check failed: 4 errors, 15 warnings" in err


def test_text_output_groups_findings_by_file(capsys, tmp_path):
    code, out, _ = _check(capsys, "--book", str(DEFECTS), "--today", TODAY, "--report", str(tmp_path / "r.html"))
    assert code == 1
    lines = out.splitlines()
    files = [line for line in lines if not line.startswith("  ")]
    assert [Path(f).name for f in files] == [
        "hard-words.md",
        "sources.md",
        "structure.md",
        "worry.md",
        "glossary.yaml",
        "references.json",
    ]
    structure = lines[lines.index(files[2]) + 1 : lines.index(files[3])]
    assert structure[0].startswith("  9: error S001: a level-1 heading")
    assert any(
        line.startswith("  23: error S004: a table has no header row") and "(hint: " in line for line in structure
    )


CHECK_ARGS = ("--format", "json", "--report")


def test_sample_book_checks_clean_without_laying_anything_out(tmp_path):
    report = tmp_path / "check.html"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "build.py", "check", "--book", str(SAMPLE_BOOK), *CHECK_ARGS, str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert [f for f in json.loads(run.stdout) if f["severity"] == "error"] == []
    # What made it fast: no layout engine, no PDF library, no output was even loaded.
    loaded = imported(run.stderr)
    assert "plainpress.stages.analyse" in loaded  # (the import times were read)
    assert not {m for m in loaded if m.split(".")[0] in ("weasyprint", "pikepdf")}
    assert not {m for m in loaded if m.startswith(("plainpress.outputs", "plainpress.pdf."))}
    assert report.is_file() and not list(tmp_path.glob("*.pdf"))


def test_strict_fails_on_warnings_only(capsys, tmp_path):
    report = str(tmp_path / "r.html")
    assert _check(capsys, "--book", str(FIXTURES / "mini"), "--today", TODAY, "--report", report)[0] == 0
    code, out, _ = _check(capsys, "--book", str(FIXTURES / "mini"), "--today", TODAY, "--report", report, "--strict")
    assert code == 1 and "warning X001" in out


def test_unreadable_sources_are_findings_too(capsys, tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    (book / "book.yaml").write_text((book / "book.yaml").read_text().replace("licence:", "licnce:"))
    code, out, _ = _check(capsys, "--book", str(book), "--format", "json", "--report", str(tmp_path / "r.html"))
    assert code == 1
    assert [(f["code"], f["line"]) for f in json.loads(out)] == [("E004", 1), ("E004", 12)]  # missing, unknown
    assert "E004" in (tmp_path / "r.html").read_text()


def test_report_never_goes_into_dist(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _, err = _check(capsys, "--book", str(FIXTURES / "mini"), "--report", "dist/check.html")
    assert code == 2 and "lies inside the output folder dist" in err
    assert not (tmp_path / "dist").exists()


def test_build_applies_the_same_checks(tmp_path):
    """An overdue review (error) stops a build before anything is rendered; one due soon only warns."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    model = analyse(gather(book))
    with pytest.raises(Problems) as stopped:
        enforce(model, strict=False, today=dt.date(2029, 2, 1))
    assert [f.code for f in stopped.value.findings if f.severity.value == "error"] == ["D001", "D001", "D001"]
    soon = enforce(model, strict=False, today=dt.date(2028, 12, 1))
    assert sorted(f.code for f in soon) == ["D002", "D002", "D002", "X001"]
    with pytest.raises(Problems):
        enforce(model, strict=True, today=dt.date(2028, 12, 1))


def test_today_comes_from_the_environment_for_build(monkeypatch):
    model = analyse(gather(FIXTURES / "mini"))
    monkeypatch.setenv("PLAINPRESS_TODAY", "2029-02-01")
    assert "D001" in {f.code for f in review(model)}
    monkeypatch.setenv("PLAINPRESS_TODAY", "2026-06-01")
    assert {f.code for f in review(model)} == {"X001"}


# --- reading level --------------------------------------------------------------------------


def test_syllables_offline():
    counts = {"the": 1, "about": 2, "twitches": 2, "nervous": 2, "magnesium": 4, "area": 3, "tapering": 3, "people": 2}
    assert {w: syllables(w) for w in counts} == counts
    spanish = {"preocuparse": 5, "cuidado": 3, "oído": 3, "hoy": 1, "guerra": 2, "día": 2, "aire": 2, "alarma": 3}
    assert {w: syllables(w, "es") for w in spanish} == spanish


def test_flesch_kincaid_grade_and_hardest_sentences():
    easy = measure(["The cat sat on the mat. It was warm. The dog ran to the door."])
    assert easy.formula == "Flesch-Kincaid grade" and easy.grade < 2
    assert easy.sentences == 3 and easy.words == 15 and easy.sentence_length == 5.0
    hard = measure(
        [
            "Rest well. Comprehensive pharmacological evaluation necessitates interdisciplinary collaboration "
            "between practitioners. Walk a little every day if you can.",
        ]
    )
    assert hard.grade > 12
    assert hard.hardest[0].text.startswith("Comprehensive pharmacological")
    assert "Rest well." not in [s.text for s in hard.hardest]  # too short to count as hard


def test_spanish_uses_fernandez_huerta():
    reading = measure(["El sol quema la piel. Use crema y un sombrero."], "es-ES")
    assert reading.formula == "Fernández-Huerta" and reading.score > 80
    assert grade_of_fernandez_huerta(65) == 7.0 and grade_of_fernandez_huerta(95) == 3.5


def test_sentences_keep_abbreviations():
    assert split_sentences("See Dr. Smith today. Then rest, e.g. on the sofa. Done!") == [
        "See Dr. Smith today.",
        "Then rest, e.g. on the sofa.",
        "Done!",
    ]


def test_reading_level_limit_comes_from_book_yaml(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "reading_level: 0.5\n")
    codes = [(f.code, f.location.path.name) for f in review(analyse(gather(book)), dt.date(2026, 6, 1))]
    assert ("P001", "first-steps.md") in codes


# --- prose references by title ----------------------------------------------------------------


def _article(body: str) -> Article:
    meta = ArticleMeta(title="Demo", summary="S", date=None)  # type: ignore[arg-type]
    return Article(slug="demo", path=Path("demo.md"), meta=meta, body=body, body_line=1)


def _titles_policy() -> OutputPolicy:
    known = {"when-to-worry"}
    return OutputPolicy(
        xrefs=XrefPolicy(href=lambda slug, fragment: f"#{slug}", known=known.__contains__),
        titles={"When to worry about twitches": "when-to-worry"},
    )


def test_each_way_of_introducing_a_title_is_found():
    body = (
        "- Calm: see related insights on Night Terrors and the Tapering Mind.[2]\n"
        "- Food: consider Eating Well: A Plan for Hard Weeks.[1]\n"
        "- Sleep: review How Caffeine Changes Deep Sleep and REM.[3]\n"
        "- Pace: details in Step-by-Step: Writing Your Own Taper Diary.[4]\n\n"
        "For speed, see Why Short-Acting Pills Feel Different. Make a nook as in Quiet Corners: A Room to Rest.\n"
    )
    result = convert(_article(body), _titles_policy())
    found = [(r.introducer.lower(), r.title, r.line) for r in result.prose_refs]
    assert found == [
        ("see related insights on", "Night Terrors and the Tapering Mind", 1),
        ("consider", "Eating Well: A Plan for Hard Weeks", 2),
        ("review", "How Caffeine Changes Deep Sleep and REM", 3),
        ("details in", "Step-by-Step: Writing Your Own Taper Diary", 4),
        ("see", "Why Short-Acting Pills Feel Different", 6),
        ("as in", "Quiet Corners: A Room to Rest", 6),
    ]
    assert all(r.slug is None for r in result.prose_refs)
    assert "<a" not in result.html  # unknown titles stay plain text, never a dead link


def test_a_chapter_title_is_linked_by_the_output_policy():
    body = "Some signs need a doctor: see When to Worry About Twitches. Or see *when to worry about twitches*.\n"
    result = convert(_article(body), _titles_policy())
    assert [(r.title, r.slug) for r in result.prose_refs] == [
        ("When to Worry About Twitches", "when-to-worry"),
        ("when to worry about twitches", "when-to-worry"),
    ]
    assert result.html.count('href="#when-to-worry"') == 2
    assert '<a class="prose-xref" href="#when-to-worry">When to Worry About Twitches</a>. Or' in result.html


def test_plain_prose_is_not_a_title():
    body = "See your doctor. Consider a walk, or review the plan with Dr. Lee. Read across each row.\n"
    result = convert(_article(body), _titles_policy())
    assert result.prose_refs == []


# --- the report page ------------------------------------------------------------------------------


@pytest.mark.timeout(180)
def test_report_opens_in_headless_chromium_without_console_errors(capsys, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    report = tmp_path / "reports" / "check.html"
    _check(capsys, "--book", str(DEFECTS), "--today", TODAY, "--report", str(report))
    html = report.read_text()
    for text in ("Defects Fixture Book", "grade", "overdue", "due soon", "not reviewed", "S004", "X002"):
        assert text in html
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.goto(report.as_uri(), wait_until="load")
            assert page.title() == "Check report: Defects Fixture Book"
            assert page.locator("table").count() >= 2
            page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    shot = (tmp_path / "check.png").read_bytes()
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
