"""Warning signs proposed, not just noticed: import writes a proposed red flag after each table column
and list of warning signs (R005 until an editor confirms it); check reports a sign that the article
places under a less urgent label than its red-flag box (R006), matching paraphrases by their stems."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from plainpress.checks.tiers import label_rank, same_sign
from plainpress.commands.check import check
from plainpress.importer import parse, to_markdown

from .helpers import FIXTURES, SAMPLE_BOOK

TODAY = dt.date(2026, 11, 25)
SOURCE = Path("/work/shared/source-article-muscle-twitching.txt")


def _blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """(opening line, signs) of every red-flag block."""
    return [
        (m.group(1), re.findall(r"^- (.*)$", m.group(2), re.M))
        for m in re.finditer(r"^(::: red-flag [^\n]*)\n(.*?)^:::$", markdown, re.M | re.S)
    ]


TABLE_EN = """Stiff Necks
Most stiff necks settle in a few days.[1]
When to Worry
| Harmless Signs | Serious Signs (Seek Medical Help) |
|---|---|
| Stiff after sleep[1] | Fever with a stiff neck[2] |
| Better with heat | Numb or weak arm[2] |
"""
LIST_EN = """Headaches
Most headaches are not a sign of anything serious.[1]
When to seek help
Call your doctor if you notice:
- A headache that wakes you at night[2]
- Headache with a high temperature
- Confusion or trouble speaking
Other tips
- Drink enough water.
"""
TABLE_ES = """Dolor de cuello
La mayoría de los dolores de cuello pasan solos.[1]
Cuándo preocuparse
| Señales leves | Síntomas graves (busque ayuda médica) |
|---|---|
| Rigidez al despertar | Fiebre con el cuello rígido[2] |
| Mejora con calor | Brazo débil o dormido |
"""
LIST_ES = """Dolor de cabeza
Casi siempre el dolor de cabeza no es grave.[1]
Señales de alarma: busque atención urgente si tiene:
- Dolor que le despierta por la noche
- Confusión o dificultad para hablar
"""


@pytest.mark.parametrize(
    ("text", "language", "tier", "signs"),
    [
        (TABLE_EN, "en", "urgent", ["Fever with a stiff neck", "Numb or weak arm"]),
        (
            LIST_EN,
            "en",
            "urgent",
            ["A headache that wakes you at night", "Headache with a high temperature", "Confusion or trouble speaking"],
        ),
        (TABLE_ES, "es", "urgent", ["Fiebre con el cuello rígido", "Brazo débil o dormido"]),
        (LIST_ES, "es", "urgent", ["Dolor que le despierta por la noche", "Confusión o dificultad para hablar"]),
    ],
)
def test_import_proposes_a_red_flag_after_signs_in_tables_and_lists(text, language, tier, signs):
    markdown = to_markdown(parse(text, is_html=False, language=language), "x.txt", TODAY)
    assert _blocks(markdown) == [(f"::: red-flag {tier} proposed", signs)]
    body = markdown.split("---\n", 2)[2]
    before = body[: body.index("::: red-flag")].rstrip().split("\n")[-1]
    assert before.startswith("|" if "|" in text else "- ")  # right after the table or list of signs


def test_an_emergency_column_proposes_the_emergency_tier():
    text = "Chest Pain\nSome chest pain is harmless.[1]\n| Usually fine | Call 999 now |\n|---|---|\n"
    text += "| Sore ribs | Crushing pain |\n"
    markdown = to_markdown(parse(text, is_html=False), "x.txt", TODAY)
    assert _blocks(markdown) == [("::: red-flag emergency proposed", ["Crushing pain"])]


def _book(tmp_path: Path, article: str, reviewed: bool) -> Path:
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    dates = "reviewed: 2026-01-02\nnext_review: 2029-01-02\n" if reviewed else ""
    front = f"---\ntitle: First steps\nsummary: A short chapter.\ndate: 2026-01-02\n{dates}---\n\n"
    (book / "articles" / "first-steps.md").write_text(front + article)
    return book


def _codes(tmp_path: Path, article: str, reviewed: bool, code: str) -> list[tuple[str, int]]:
    _, findings = check(_book(tmp_path, article, reviewed))
    return [(f.severity.value, f.location.line) for f in findings if f.code == code]


def test_a_proposed_red_flag_warns_in_a_draft_and_stops_a_reviewed_article(tmp_path):
    article = "## Signs\n\n::: red-flag urgent proposed\n- A sudden, severe headache.\n:::\n"
    assert _codes(tmp_path / "a", article, reviewed=False, code="R005") == [("warning", 9)]
    assert _codes(tmp_path / "b", article, reviewed=True, code="R005") == [("error", 11)]
    confirmed = article.replace(" proposed", "")
    assert _codes(tmp_path / "c", confirmed, reviewed=True, code="R005") == []


def test_r004_sees_a_list_introduced_by_warning_words(tmp_path):
    article = "## Headaches\n\nSeek medical help if you notice:\n\n- A headache that wakes you.\n"
    assert _codes(tmp_path, article, reviewed=True, code="R004") == [("warning", 11)]  # body line 3


@pytest.mark.parametrize(
    ("first", "second", "language"),
    [
        ("Trouble swallowing or breathing", "You find it hard to breathe or to swallow.", "en"),
        ("A muscle that keeps getting weaker", "A muscle is getting weaker, or looks thinner.", "en"),
        ("Chest pain when you walk", "Pain in your chest while walking", "en"),
        ("Dificultad para tragar o respirar", "Le cuesta respirar o tragar.", "es"),
        ("Fiebre muy alta", "Tiene fiebre alta", "es"),
        ("Dolor en el pecho al caminar", "Le duele el pecho cuando camina", "es"),
    ],
)
def test_paraphrases_are_the_same_sign(first, second, language):
    assert same_sign(first, second, language)


@pytest.mark.parametrize(
    ("first", "second", "language"),
    [
        ("Twitches that jump from place to place", "Your twitches worry you a lot.", "en"),
        ("Twitches with numbness or loss of feeling", "You find it hard to breathe or to swallow.", "en"),
        ("Dolor de cabeza leve", "Fiebre con el cuello rígido", "es"),
    ],
)
def test_different_signs_are_not_matched(first, second, language):
    assert not same_sign(first, second, language)


def test_each_word_is_stemmed_once(monkeypatch):
    """The stems are remembered: a sign compared again, or a word met again, costs no new stemming."""
    from plainpress.checks import tiers

    tiers.stems.cache_clear()
    tiers._stem.cache_clear()
    stemmer = tiers._stemmer("en")
    seen: list[str] = []
    stem = stemmer.stemWord
    monkeypatch.setattr(stemmer, "stemWord", lambda word: seen.append(word) or stem(word))
    for _ in range(3):
        assert same_sign("Trouble swallowing or breathing", "You find it hard to breathe or to swallow.", "en")
    assert same_sign("Breathing fast", "Swallowing pain", "en") is False
    assert sorted(seen) == ["breathe", "breathing", "fast", "pain", "swallow", "swallowing"]
    tiers.stems.cache_clear()
    tiers._stem.cache_clear()


@pytest.mark.parametrize(
    ("label", "language", "urgency"),
    [
        ("Get checked", "en", "urgent"),
        ("Usually harmless", "en", "harmless"),
        ("Mention it at your next visit", "en", "routine"),
        ("Call 911 now", "en", "emergency"),
        ("Not an emergency", "en", "routine"),
        ("Síntomas graves (busque ayuda médica)", "es", "urgent"),
        ("Vaya a urgencias", "es", "emergency"),
        ("Coméntelo en su próxima visita", "es", "routine"),
        ("Normales", "es", "harmless"),
    ],
)
def test_labels_say_how_urgent(label, language, urgency):
    assert label_rank(label, language)[0] == urgency


CONTRADICTION_EN = """## Signs

| Usually harmless | Get checked |
|---|---|
| Twitches after coffee | Trouble swallowing or breathing |

::: red-flag emergency
- You find it hard to breathe or to swallow.
:::
"""
CONTRADICTION_ES = """## Señales

Coméntelo en su próxima visita:

- Le cuesta respirar o tragar.

::: red-flag emergency
- Dificultad para tragar o respirar.
:::
"""


@pytest.mark.parametrize(("article", "language", "line"), [(CONTRADICTION_EN, "en", 5), (CONTRADICTION_ES, "es", 5)])
def test_a_sign_under_a_less_urgent_label_contradicts_its_red_flag(tmp_path, article, language, line):
    book = _book(tmp_path, article, reviewed=True)
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("language: en-GB", f"language: {language}"))
    _, findings = check(book)
    found = [f for f in findings if f.code == "R006"]
    assert [(f.severity.value, f.location.line - 8) for f in found] == [("error", line)]
    assert "emergency" in found[0].message


def test_the_sample_book_contradiction_is_reported_then_fixed(tmp_path):
    """The sample book once listed "Trouble swallowing or breathing" under "Get checked" above its
    emergency box; check reports that version, and the book as it is now has no contradiction."""
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK, book)
    article = book / "articles" / "when-to-worry.md"
    fixed = "| Trouble swallowing or breathing is an emergency: see the box below |"
    assert fixed in article.read_text()
    article.write_text(article.read_text().replace(fixed, "| Trouble swallowing or breathing |"))
    _, findings = check(book)
    found = [f for f in findings if f.code == "R006"]
    assert [(f.location.path.name, f.location.line, f.text) for f in found] == [
        ("when-to-worry.md", 27, "Trouble swallowing or breathing")
    ]
    _, findings = check(SAMPLE_BOOK)
    assert [f for f in findings if f.code == "R006"] == []


@pytest.mark.skipif(not SOURCE.is_file(), reason="needs ../shared")
def test_the_source_article_gets_its_serious_signs_proposed():
    markdown = to_markdown(parse(SOURCE.read_text(), is_html=False), SOURCE.name, TODAY)
    assert _blocks(markdown) == [
        (
            "::: red-flag urgent proposed",
            [
                "Persistent weakness or atrophy",
                "Twitching with numbness/loss of sensation",
                "Progressive muscle wasting",
                "Difficulty swallowing/breathing",
            ],
        )
    ]
    front = markdown.split("---\n", 2)[1]
    assert re.search(r"^summary:$", front, re.M) and "Imagine your eyelid" not in front


@pytest.mark.parametrize(
    ("header", "language", "tier"),
    [
        ("Emergency symptoms", "en", "emergency"),
        ("Urgent signs", "en", "urgent"),
        ("When to contact your GP", "en", "urgent"),
        ("Señales graves", "es", "urgent"),
        ("Vaya a urgencias si", "es", "emergency"),
    ],
)
def test_other_ways_of_heading_a_column_of_signs(header, language, tier):
    text = f"Back Pain\nMost back pain settles.[1]\n| Usually fine | {header} |\n|---|---|\n| Stiff | Numb legs |\n"
    markdown = to_markdown(parse(text, is_html=False, language=language), "x.txt", TODAY)
    assert _blocks(markdown) == [(f"::: red-flag {tier} proposed", ["Numb legs"])]
