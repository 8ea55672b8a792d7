"""Drafts are unmistakable in every output, and never where staff print from: one build of the mini
book with its second chapter made a draft (no review dates), every output read back."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from plainpress.commands.build import build
from plainpress.pdfua import check_pdf

from .helpers import FIXTURES, by_severity, epubcheck_messages

BANNER = "DRAFT — NOT YET REVIEWED — NOT FOR PATIENTS"
NOTICE = "Draft: a clinician has not reviewed this chapter yet. Do not give it to patients."


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("drafted")
    book = root / "book"
    shutil.copytree(FIXTURES / "mini", book)
    second = book / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("reviewed: 2026-01-02\nnext_review: 2029-01-02\n", ""))
    build(book, root / "dist")
    return root / "dist"


def _text(path: Path) -> list[tuple[str, str]]:
    """(tagged text, artifact text) of each page."""
    with pdfplumber.open(path) as pdf:
        return [
            (
                "".join(c["text"] for c in page.chars if c.get("tag") not in (None, "Artifact")),
                "".join(c["text"] for c in page.chars if c.get("tag") == "Artifact"),
            )
            for page in pdf.pages
        ]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_draft_handouts_go_to_drafts_never_to_handouts(drafted):
    handouts = {p.relative_to(drafted).as_posix() for p in drafted.rglob("*.pdf") if "second-steps" in p.name}
    assert handouts == {
        f"drafts/handouts/neutral/second-steps-{paper}-{size}.pdf"
        for paper in ("a4", "letter")
        for size in ("standard", "large-print")
    }
    assert not any(p.name.startswith("second-steps") for p in (drafted / "handouts").rglob("*"))
    assert (drafted / "handouts" / "neutral" / "first-steps-a4-standard.pdf").is_file()


def test_every_page_of_a_draft_handout_carries_the_banner(drafted):
    for path in (drafted / "drafts" / "handouts" / "neutral").glob("*.pdf"):
        pages = _text(path)
        assert _flat(BANNER) in _flat(pages[0][0]), path  # read out on the first page, not only furniture
        for number, (_, furniture) in enumerate(pages, 1):
            assert _flat(BANNER) in _flat(furniture), (path.name, number)
        with pdfplumber.open(path) as pdf:  # as big as the rest of its print size
            smallest = 17.99 if "large-print" in path.name else 11.99
            assert min(c["size"] for page in pdf.pages for c in page.chars) >= smallest, path.name
        assert check_pdf(path) == [], path.name
    for path in (drafted / "handouts" / "neutral").glob("first-steps-*.pdf"):
        assert not any(_flat(BANNER) in _flat(body + furniture) for body, furniture in _text(path)), path.name


def test_the_handouts_last_page_carries_the_trust_marks(drafted):
    for path in [*drafted.glob("handouts/neutral/first-steps-*.pdf"), *drafted.glob("drafts/handouts/*/*.pdf")]:
        last = _flat(_text(path)[-1][0])
        for words in (
            "Written by",
            "Test Editor",
            "Clinical review",
            "Test Reviewer, Test clinician",
            "Published by",
            "Funding and conflicts of interest",
            "How the sources were chosen",
            "tests@example.org",
        ):
            assert _flat(words) in last, (path.name, words)


def test_the_clinics_index_says_draft(drafted):
    for paper in ("a4", "letter"):
        body = " ".join(page for page, _ in _text(drafted / "handouts" / "neutral" / f"index-{paper}.pdf"))
        assert _flat("Draft, not reviewed") in _flat(body)
        assert _flat(f"drafts/handouts/neutral/second-steps-{paper}-standard.pdf") in _flat(body)


def test_cards_reviewed_signs_only_and_a_draft_card_with_every_sign(drafted):
    reviewed_sign, draft_sign = "You have not slept at all for several nights.", "You have chest pain."
    for variant in ("standard", "large-print", "sheet-a4", "sheet-letter"):
        card = _flat(" ".join(b for b, _ in _text(drafted / "cards" / "neutral" / f"red-flag-card-{variant}.pdf")))
        assert _flat(reviewed_sign) in card and _flat(draft_sign) not in card and "Draft:" not in card
    drafts = sorted(p.name for p in (drafted / "drafts" / "cards" / "neutral").iterdir())
    assert drafts == ["red-flag-card-large-print.pdf", "red-flag-card-standard.pdf"]  # no sheets to cut
    for variant in ("standard", "large-print"):
        draft = drafted / "drafts" / "cards" / "neutral" / f"red-flag-card-{variant}.pdf"
        text = _flat(" ".join(b for b, _ in _text(draft)))
        assert (
            _flat(reviewed_sign) in text and _flat(draft_sign) in text and "Draft:somesignsarenotreviewedyet." in text
        ), variant


def test_book_pdf_chapter_notice_and_colophon_dates_per_chapter(drafted):
    pages = [_flat(body) for body, _ in _text(next(drafted.glob("*.pdf")))]
    starts = [n for n, body in enumerate(pages) if _flat("Second stepsDraft: a clinician") in body]
    assert len(starts) == 1
    first = next(n for n, body in enumerate(pages) if "Firststeps" in body and "Sleepwell" in body)
    assert _flat(NOTICE) in pages[starts[0]] and _flat(NOTICE) not in pages[first]
    colophon = next(body for body in pages if "Chaptersandtheirreviews" in body)
    assert _flat("First steps2 Jan 20262 Jan 2029") in colophon
    assert _flat("Second stepsDraft, not yet reviewed") in colophon
    assert _flat("Clinical reviewTest Reviewer, Test clinician") in colophon


def test_epub_chapter_notice_trust_marks_and_colophon(drafted):
    epub = next(drafted.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        docs = {Path(n).name: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")}
    second, first = docs["ch02-second-steps.xhtml"], docs["ch01-first-steps.xhtml"]
    title_end = second.index("</h1>")
    assert second.index('class="draft-notice"') > title_end and second.index("Rest days") > second.index(NOTICE)
    assert "draft-notice" not in first
    for chapter in (first, second):
        trust = chapter.index('class="trust"')
        assert trust > chapter.index("red-flag") and "Test Reviewer, Test clinician" in chapter[trust:]
    colophon = re.sub(r"<[^>]+>", " ", docs["colophon.xhtml"])
    assert re.search(r"Second steps\s+Draft, not yet reviewed", colophon)
    assert re.search(r"First steps\s+2 Jan 2026\s+2 Jan 2029", colophon)
    assert by_severity(epubcheck_messages(epub), "FATAL", "ERROR", "WARNING") == []


def test_status_draft_makes_a_reviewed_article_a_draft(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    first = book / "articles" / "first-steps.md"
    first.write_text(first.read_text().replace("keywords: [sleep]", "keywords: [sleep]\nstatus: draft"))
    result = build(book, tmp_path / "dist", only="handouts")
    paths = {o.path for o in result.outputs}
    assert "drafts/handouts/neutral/first-steps-a4-standard.pdf" in paths
    assert not any(p.startswith("handouts/") and "first-steps" in p for p in paths)
