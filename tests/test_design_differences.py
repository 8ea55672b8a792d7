"""The list of deliberate differences stays true to the layouts it describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .design_differences import (
    BOOK,
    BY_NAME,
    DIFFERENCES,
    EPUB,
    HANDOUT,
    OUTPUTS,
    hidden_in,
    skipped_classes,
    strip_wording,
)

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> str:
    files = [*(ROOT / "layouts").rglob("*.j2"), *(ROOT / "plainpress").rglob("*.py")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_class_named_is_made_by_the_project() -> None:
    text = _sources()
    missing = [(d.name, c) for d in DIFFERENCES for c in d.classes if c not in text]
    assert not missing, f"classes of design differences that no layout or extension makes: {missing}"


def test_every_difference_names_real_outputs_and_says_why() -> None:
    assert len(BY_NAME) == len(DIFFERENCES)
    for d in DIFFERENCES:
        assert d.shown_in and d.shown_in <= OUTPUTS, d.name
        assert len(d.why) > 40, d.name


def test_the_handout_note_is_recognised_in_every_language() -> None:
    regex = BY_NAME["handout-see-note"].regex()
    assert regex is not None
    for messages in sorted((ROOT / "layouts" / "messages").glob("*.yaml")):
        note = yaml.safe_load(messages.read_text(encoding="utf-8"))["handout.see"].format(title="Sleep (and rest)")
        assert regex.search(note), (messages.name, note)
        assert strip_wording(f"Read the second chapter{note} next.", HANDOUT).split() == [
            "Read",
            "the",
            "second",
            "chapter",
            "next.",
        ]


def test_what_the_screen_has_and_print_has_not() -> None:
    assert {d.name for d in hidden_in(HANDOUT)} >= {"epub-page-markers", "image-alt-text", "book-parts"}
    assert "handout-see-note" in {d.name for d in hidden_in(EPUB)}
    assert {"xref-note", "citation", "red-flag-action"} <= skipped_classes(EPUB, HANDOUT)


def _words(element, skip: set[str], output: str) -> list[str]:
    from .roundtrip import reading_text, words_of

    for node in list(element.iter()):
        if isinstance(node.tag, str) and skip & set((node.get("class") or "").split()):
            node.drop_tree()
    return words_of(strip_wording(reading_text(element), output))


@pytest.mark.timeout(600)
def test_each_article_says_the_same_in_the_epub_the_book_pdf_and_its_handouts(sample):
    """Anything shown in one output and hidden in another is an error, apart from this list."""
    import json
    import zipfile

    import lxml.html

    dump = sample.dist.parent / "dump"
    renders = json.loads((dump / "renders.json").read_text())
    skip = skipped_classes(EPUB, BOOK, HANDOUT)
    book_html = lxml.html.document_fromstring(
        (dump / next(r for r in renders if "/" not in r["output"])["html"]).read_text()
    )
    with zipfile.ZipFile(next(sample.dist.glob("*.epub"))) as epub:
        chapters = {n: epub.read(n) for n in epub.namelist() if "/text/ch" in n}
    compared = 0
    for data in chapters.values():
        epub_doc = lxml.html.document_fromstring(data)
        section = epub_doc.xpath("//section[contains(@class, 'chapter')]")[0]
        slug = section.get("id")
        screen = _words(section, skip, EPUB)
        printed = _words(book_html.get_element_by_id(slug), skip, BOOK)
        assert screen == printed, (slug, "book PDF")
        for entry in (r for r in renders if f"/{slug}-" in r["output"]):
            handout = lxml.html.document_fromstring((dump / entry["html"]).read_text())
            article = handout.xpath("//article[contains(@class, 'handout-article')]")[0]
            assert _words(article, skip, HANDOUT) == screen, (slug, entry["output"])
            compared += 1
    assert compared >= 4 * len(chapters)  # every article, in both sizes of both clinics
