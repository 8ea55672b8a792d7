"""Missing glyphs: every character of the sources is checked against the embedded fonts (fontTools
cmaps of Atkinson Hyperlegible and the Noto Sans fallback) before rendering; one that no font has is
reported as F001 with its file and line, instead of WeasyPrint quietly drawing it with a system font."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from plainpress.commands.build import build
from plainpress.fonts import FALLBACK_FAMILY, fallback_faces, print_faces
from plainpress.glyphs import check_book, check_text, coverage
from plainpress.messages import MESSAGES_DIR, Messages
from plainpress.pdf.printcss import print_stylesheets
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather
from plainpress.templates import DEFAULT_LAYOUTS

from .robust_helpers import copy_mini

GREEK_CYRILLIC = "Μυϊκές συσπάσεις — Мышечные подёргивания — Ελληνικά, русский, українська, Ǆ ẞ ŉ"


def _add(book: Path, text: str) -> int:
    path = book / "articles" / "first-steps.md"
    lines = path.read_text().split("\n")
    path.write_text("\n".join(lines) + f"\n{text}\n")
    return len(lines) + 1


def test_latin_greek_and_cyrillic_are_covered_by_the_fonts():
    covered = coverage()
    for char in GREEK_CYRILLIC + "àéîõüçñßøåæœłđžšř€£¥©®°±×÷–—‘’“”…•·":
        assert ord(char) in covered, f"U+{ord(char):04X}"


def test_a_character_no_font_has_is_reported_with_file_and_line(tmp_path):
    book = copy_mini(tmp_path / "book")
    line = _add(book, "Some text, then \u6f22\u5b57 and a \u2713 tick and \U0001f600.")
    findings = [f for f in analyse(gather(book)).findings if f.code == "F001"]
    assert {(f.location.path.name, f.location.line) for f in findings} == {("first-steps.md", line)}
    assert {f.text for f in findings} == {"\u6f22", "\u5b57", "\u2713", "\U0001f600"}
    message = next(f for f in findings if f.text == "\u2713")
    assert "U+2713 CHECK MARK" in message.message and "Atkinson Hyperlegible" in message.message
    assert message.severity.value == "error"


def test_characters_that_are_never_drawn_are_not_reported():
    text = "soft\u00adhyphen zero\u200bwidth join\u200d bidi\u200e\u202e variation\ufe0f tab\tend"
    assert check_text(Path("x.md"), text, coverage()) == []


def test_many_missing_characters_are_summed_up(tmp_path):
    text = "".join(chr(0x4E00 + i) for i in range(60))
    findings = check_text(Path("x.md"), text, coverage())
    assert len(findings) == 21 and "40 more characters" in findings[-1].message


@pytest.mark.timeout(240)
def test_greek_and_cyrillic_are_drawn_with_the_embedded_fallback(tmp_path):
    book = copy_mini(tmp_path / "book")
    _add(book, f"\n## {GREEK_CYRILLIC}\n\n{GREEK_CYRILLIC} **{GREEK_CYRILLIC}**\n")
    result = build(book, tmp_path / "dist")
    assert not [f for f in result.findings if f.code == "F001"]
    families = set()
    for pdf_path in [next((tmp_path / "dist").glob("*.pdf")), *(tmp_path / "dist" / "handouts").rglob("*.pdf")]:
        with pikepdf.open(pdf_path) as pdf:
            for page in pdf.pages:
                for _name, font in page.get("/Resources", {}).get("/Font", {}).items():
                    base = str(font.get("/BaseFont", "")).split("+")[-1]
                    families.add(base.split("-")[0] + "-" + base.split("-")[1] if "-" in base else base)
                    descendant = font.get("/DescendantFonts", [None])[0]
                    descriptor = descendant.get("/FontDescriptor") if descendant is not None else None
                    if descriptor is not None:
                        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), base
    assert "Noto-Sans" in families
    assert families <= {"Atkinson-Hyperlegible", "Noto-Sans"}, families  # no system font crept in


def test_the_print_font_stack_embeds_the_fallback_family():
    css = print_stylesheets(DEFAULT_LAYOUTS, "a4", Messages("en"))
    fonts, base = css[0], css[1]
    assert f'font-family: "{FALLBACK_FAMILY}"' in fonts and "font-weight: 100 900" in fonts
    assert all(face.path.as_uri() in fonts for face in fallback_faces())
    assert '"Atkinson Hyperlegible", "Noto Sans"' in base
    assert len(print_faces()) == len(fallback_faces()) + 4


def test_every_word_and_symbol_the_layouts_print_is_in_the_fonts():
    """Layout words (every language's messages) and the layouts' own characters; symbols are SVG icons."""
    covered = coverage()
    sources = sorted(MESSAGES_DIR.glob("*.yaml")) + sorted(DEFAULT_LAYOUTS.rglob("*.j2"))
    sources += sorted(DEFAULT_LAYOUTS.rglob("*.css"))
    assert sources
    for path in sources:
        findings = check_text(path, path.read_text(encoding="utf-8"), covered)
        assert findings == [], [str(f) for f in findings]
    assert sorted(p.name for p in (DEFAULT_LAYOUTS / "icons").glob("*.svg")) == [
        "emergency.svg",
        "routine.svg",
        "urgent.svg",
    ]


def test_the_check_reads_the_sources_as_gathered_not_the_files_again(tmp_path):
    """A character written as an escape in each kind of source is found at its line, in the text that
    gather read: the check runs on a book whose folder is gone."""
    book = copy_mini(tmp_path / "book")
    article = book / "articles" / "first-steps.md"
    article.write_text(article.read_text().replace("title: First steps", 'title: "First steps \\u2713"', 1))
    config = book / "book.yaml"
    subtitle = "subtitle: A tiny book the tests build"
    config.write_text(config.read_text().replace(subtitle, 'subtitle: "A tiny \\u2714 book"', 1))
    (book / "profiles").mkdir()
    profile = "name: Clinic\nphone: '1'\nhours: '9 to 5'\nemergency_number: '999'\npaper: a4\naddress: \"\\u2715\"\n"
    (book / "profiles" / "clinic.yaml").write_text(profile)
    references = book / "references.json"
    references.write_text(references.read_text().replace('"Fixture Press"', '"Fixture \\u2716 Press"'))
    line = _add(book, "A body line with \u2717 in it.")
    gathered = gather(book)
    assert [s.path.name for s in gathered.sources.values()] == [
        "book.yaml",
        "first-steps.md",
        "second-steps.md",
        "glossary.yaml",
        "references.json",
        "clinic.yaml",
    ]
    shutil.rmtree(book)
    found = {(f.location.path.name, f.location.line, f.text) for f in check_book(gathered)}
    assert found == {
        ("first-steps.md", 2, "\u2713"),
        ("first-steps.md", line, "\u2717"),
        ("book.yaml", 2, "\u2714"),
        ("clinic.yaml", 6, "\u2715"),
        ("references.json", 2, "\u2716"),
    }
