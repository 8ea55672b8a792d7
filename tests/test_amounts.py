"""Amounts need a source (A001) and so do percentages (A002): in English and Spanish, in
paragraphs, lists, tables and red flags; an error in a reviewed article, a warning in a draft."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpress.checks import amounts
from plainpress.checks.amounts import AMOUNT, PERCENT
from plainpress.commands.check import check

from .helpers import FIXTURES

REVIEWED = "reviewed: 2026-01-02\nnext_review: 2029-01-02\n"


def _book(tmp_path: Path, body: str, language: str = "en", draft: bool = False) -> Path:
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("language: en-GB", f"language: {language}"))
    dates = "" if draft else REVIEWED
    front = f"---\ntitle: First steps\nsummary: A short chapter.\ndate: 2026-01-02\n{dates}"
    front += "citations: {1: testbook2020}\n---\n\n"
    (book / "articles" / "first-steps.md").write_text(front + body)
    return book


def _amounts(tmp_path: Path, body: str, language: str = "en", draft: bool = False) -> list[tuple[str, str, int, str]]:
    """(code, severity, line in the body, text) of each A001/A002."""
    book = _book(tmp_path, body, language, draft)
    offset = (book / "articles" / "first-steps.md").read_text().count("\n") - body.count("\n")
    _, findings = check(book)
    return [
        (f.code, f.severity.value, f.location.line - offset, f.text)
        for f in findings
        if f.code in ("A001", "A002") and f.location.path.name == "first-steps.md"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "300-400mg",
        "2.5 mg",
        "250 mcg",
        "5 \u00b5g",
        "1 g",
        "10 ml",
        "5 mL",
        "2 L",
        "2-3 liters",
        "1.5 litres",
        "1000 IU",
        "10 units",
        "two tablets",
        "1 capsule",
        "3 drops",
        "3 times a day",
        "twice a day",
        "every 4 to 6 hours",
        "every 8 hours",
        "20-30 minutes daily",
        "500 miligramos",
        "2 litros",
        "dos comprimidos",
        "3 cápsulas",
        "5 gotas",
        "3 veces al día",
        "una vez al día",
        "cada 8 horas",
        "1000 UI",
    ],
)
def test_what_counts_as_an_amount(text):
    assert AMOUNT.search(f"Take {text} of it.").group(0) == text


@pytest.mark.parametrize("text", ["70%", "70 %", "70 percent", "12.5 per cent", "70 por ciento"])
def test_percentages_are_their_own_kind(text):
    assert PERCENT.search(f"Over {text} of people.").group(0) == text
    assert not AMOUNT.search(f"Over {text} of people.")


@pytest.mark.parametrize(
    "text",
    ["Step 2 of the plan.", "Chapter 3 says so.", "In 2026 we wrote it.", "B12 is a vitamin.", "A glass of water."],
)
def test_numbers_that_are_not_amounts(text):
    assert not AMOUNT.search(text) and not PERCENT.search(text)


def test_unsourced_amounts_everywhere_in_a_reviewed_article_are_errors(tmp_path):
    body = (
        "## Water\n\n"
        "Drink 2-3 liters of water daily. Most people need less.\n\n"  # line 3, paragraph
        "- Add magnesium (300-400mg glycinate).\n"  # line 5, list item
        "- Rest well.\n\n"
        "| Supplement | Amount |\n|---|---|\n| Vitamin D | 1000 IU |\n\n"  # line 10, table cell
        "::: red-flag urgent\n- You took more than 2 tablets at once.\n:::\n\n"  # line 13, red flag
        "Over 70% of people twitch at times.\n"  # line 16, percentage
    )
    found = _amounts(tmp_path, body)
    assert sorted(found) == sorted(
        [
            ("A001", "error", 3, "2-3 liters"),
            ("A001", "error", 5, "300-400mg"),
            ("A001", "error", 10, "1000 IU"),
            ("A001", "error", 13, "2 tablets"),
            ("A002", "error", 16, "70%"),
        ]
    )


def test_a_draft_gets_warnings(tmp_path):
    found = _amounts(tmp_path, "Take 2 tablets twice a day.\n", draft=True)
    assert {(code, severity) for code, severity, _, _ in found} == {("A001", "warning")}
    assert {text for *_, text in found} == {"2 tablets", "twice a day"}


def test_a_resolved_citation_in_the_same_sentence_or_item_is_a_source(tmp_path):
    body = (
        "Drink 2 litres of water a day [@testbook2020]. Take 300 mg.[1] Then 4 tablets.\n\n"
        "- Magnesium 300 mg, with food. It helps some people [1].\n"
        "- 2 drops in each eye.\n\n"
        "| Dose | Note |\n|---|---|\n| 5 ml [@testbook2020] | 10 ml |\n\n"
        "::: red-flag urgent\n- More than 8 tablets a day [@testbook2020].\n:::\n"
    )
    found = _amounts(tmp_path, body)
    assert sorted((line, text) for _, _, line, text in found) == [(1, "4 tablets"), (4, "2 drops"), (8, "10 ml")]


def test_an_unmapped_or_unknown_citation_is_not_a_source(tmp_path):
    body = "Take 300 mg [2] each night. Take 200 mg [@nowhere2020]. Take 100 mg [web:3].\n"
    found = _amounts(tmp_path, body)
    assert [text for *_, text in found] == ["300 mg", "200 mg", "100 mg"]


def test_spanish_amounts(tmp_path):
    body = (
        "Beba 2 litros de agua al día. Tome dos comprimidos cada 8 horas [@testbook2020].\n\n"
        "- Tome 500 miligramos por la noche.\n\n"
        "| Qué | Cuánto |\n|---|---|\n| Gotas | 5 gotas 3 veces al día |\n\n"
        "::: red-flag urgent\n- Ha tomado más de 6 cápsulas.\n:::\n\n"
        "El 70 por ciento de las personas lo nota.\n"
    )
    found = _amounts(tmp_path, body, language="es")
    assert sorted((code, line, text) for code, _, line, text in found) == [
        ("A001", 1, "2 litros"),
        ("A001", 3, "500 miligramos"),
        ("A001", 7, "3 veces al día"),
        ("A001", 7, "5 gotas"),
        ("A001", 10, "6 cápsulas"),
        ("A002", 13, "70 por ciento"),
    ]


def test_the_sample_book_sources_every_amount():
    from .helpers import SAMPLE_BOOK

    _, findings = check(SAMPLE_BOOK)
    assert [str(f) for f in findings if f.code in ("A001", "A002")] == []


_BITS = [*"ab Z-/.:,09%", " mg", " tablets", "once", "Twice", " a day", "una vez", " al día", "dos veces", "every "]
_BITS += ["cada ", " hours", "ten", "often", "half", "Medio", " per cent", "٣", " times", " daily"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=10).map("".join))
def test_the_quick_test_rules_out_only_text_with_no_amount(text):
    """Text with no digit and no number word is passed over before the full patterns run: what they
    find is found all the same."""
    full = [("amount", m.group(0)) for m in AMOUNT.finditer(text)]
    full += [("percentage", m.group(0)) for m in PERCENT.finditer(text)]
    assert amounts.unsourced(text) == full
