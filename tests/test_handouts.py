"""Handouts, indexes and pocket cards, read back from the PDFs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from plainpress.commands.build import build
from plainpress.markup import cited_keys
from plainpress.outputs.cards import layout_sheet
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather

from .helpers import FIXTURES

MM = 72 / 25.4
SIZES = {"a4": (595.3, 841.9), "letter": (612.0, 792.0), "a6": (297.6, 419.5), "a5": (419.5, 595.3)}


def _model(built):
    return analyse(gather(built.book))


def _pdfs(built, kind: str) -> list[dict]:
    return [o for o in built.manifest["outputs"] if o["kind"] == kind]


def _pages(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return [
            {
                "size": (float(p.width), float(p.height)),
                "chars": p.chars,
                "text": p.extract_text() or "",
                "body": "".join(c["text"] for c in p.chars if c.get("tag") not in (None, "Artifact")),
                "artifact": "".join(c["text"] for c in p.chars if c.get("tag") == "Artifact"),
            }
            for p in pdf.pages
        ]


def _font_size(char: dict) -> float:
    """The size a char is drawn at: its box's extent across the line, upright or turned."""
    return char["size"] if char["upright"] else char["x1"] - char["x0"]


def _close(size, expected) -> bool:
    return abs(size[0] - expected[0]) < 1 and abs(size[1] - expected[1]) < 1


def test_every_variant_is_built_and_listed(built):
    book = _model(built)
    listed = {o["path"] for o in built.manifest["outputs"]}
    expected = set()
    for profile in book.profiles:
        for paper in profile.papers:
            expected.add(f"handouts/{profile.slug}/index-{paper}.pdf")
            expected.add(f"cards/{profile.slug}/red-flag-card-sheet-{paper}.pdf")
            for article in book.articles:
                for size in ("standard", "large-print"):
                    expected.add(f"handouts/{profile.slug}/{article.slug}-{paper}-{size}.pdf")
        expected |= {f"cards/{profile.slug}/red-flag-card-{v}.pdf" for v in ("standard", "large-print")}
    assert expected <= listed
    for entry in _pdfs(built, "handout"):
        assert {"profile", "paper", "print", "pages"} <= set(entry)
        assert (built.dist / entry["path"]).is_file()


def test_sample_book_has_two_clinics_one_a4_one_letter(sample):
    papers = sorted(p.paper for p in _model(sample).profiles)
    assert papers == ["a4", "letter"]


@pytest.mark.timeout(600)
def test_handout_pages_fonts_footers_and_contacts(built):
    book = _model(built)
    profiles = {p.slug: p for p in book.profiles}
    for entry in _pdfs(built, "handout"):
        profile = profiles[entry["profile"]]
        article = book.article(entry["article"])
        pages = _pages(built.dist / entry["path"])
        smallest = 17.99 if entry["print"] == "large-print" else 11.99
        assert entry["pages"] == len(pages)
        for number, page in enumerate(pages, 1):
            assert _close(page["size"], SIZES[entry["paper"]]), entry["path"]
            assert min(_font_size(c) for c in page["chars"]) >= smallest, (entry["path"], number)
            footer = page["artifact"].replace("\xa0", " ").replace("\u2011", "-")  # no-break characters
            assert f"Page {number} of {len(pages)}" in footer, (entry["path"], number)
            assert f"{profile.name} · {profile.phone}" in footer
            assert "Reviewed " in footer and "Next review " in footer and book.config.edition in footer
        body = "".join(p["body"] for p in pages).replace(" ", "")
        # Read by a screen reader, not only a footer (an artifact):
        assert f"Call {profile.name} on {profile.phone}.".replace(" ", "") in body
        assert article.title.replace(" ", "") in body


def test_only_the_articles_own_words_and_sources(built):
    book = _model(built)
    for entry in _pdfs(built, "handout"):
        if entry["print"] != "standard":
            continue
        article = book.article(entry["article"])
        # The tagged text, in reading order, without spaces (lines and columns join without them).
        body = "".join(p["body"] for p in _pages(built.dist / entry["path"])).replace(" ", "")
        own = {t for t, uses in book.glossary_uses.items() if any(u.article == article.slug for u in uses)}
        words = body.split("Wordstoknow", 1)[1].split("Sources", 1)[0] if own else ""
        for term in (e.term for e in book.glossary):
            assert ((term.replace(" ", "") + "(Sayit") in words) == (term in own), (entry["path"], term)
        keys = cited_keys(book, article)
        sources = body.rsplit("Sources", 1)[1] if keys else ""
        for key, reference in book.references.items():
            title = reference.title.split(":")[0].replace(" ", "")
            assert (title in sources) == (key in keys), (entry["path"], key)


def test_red_flag_boxes_carry_their_label_and_heading_as_text(built):
    book = _model(built)
    headings = {
        "emergency": "Get help now",
        "urgent": "Call your doctor today",
        "routine": "Mention it at your next visit",
    }
    for entry in _pdfs(built, "handout"):
        tiers = {f.tier for f in book.red_flags if f.article == entry["article"]}
        body = "".join(p["body"] for p in _pages(built.dist / entry["path"]))
        for tier in tiers:
            assert f"{tier.upper()}:{headings[tier]}".replace(" ", "") in body.replace(" ", ""), (entry["path"], tier)


def test_links_to_other_articles_become_text_naming_the_handout(built):
    book = _model(built)
    for entry in _pdfs(built, "handout"):
        if entry["print"] != "standard":
            continue
        text = " ".join(p["text"] for p in _pages(built.dist / entry["path"])).replace("\n", " ")
        article = book.article(entry["article"])
        for other in book.articles:
            if other is not article and f"({other.slug}.md" in article.body:
                assert f"(see the handout “{other.title}”)" in text, (entry["path"], other.slug)


def test_cards_sizes_fonts_and_one_page(built):
    for entry in _pdfs(built, "card"):
        pages = _pages(built.dist / entry["path"])
        assert len(pages) == 1 and entry["pages"] == 1, entry["path"]
        variant = entry["variant"].removeprefix(entry["profile"] + "-")
        expected = {"standard": SIZES["a6"], "large-print": SIZES["a5"]}.get(variant) or SIZES[entry["paper"]]
        assert _close(pages[0]["size"], expected), entry["path"]
        smallest = 17.99 if variant == "large-print" else 11.99
        assert min(_font_size(c) for c in pages[0]["chars"]) >= smallest, entry["path"]
        if variant.startswith("sheet-"):
            # Every copy is printed; only the first is tagged, the others are artifacts (read once).
            tagged = pages[0]["body"].replace(" ", "").count("Redflags:whentogethelp")
            copies = tagged + pages[0]["artifact"].replace(" ", "").count("Redflags:whentogethelp")
            assert copies == entry["cards_per_sheet"] == len(layout_sheet(entry["paper"])[0]) >= 2
            assert tagged == 1


def test_two_cards_fit_a_letter_sheet():
    slots, marks = layout_sheet("letter")
    assert len(slots) == 2 and marks
    for slot in slots:
        assert slot.x >= 6.35 and slot.x + slot.w <= 215.9 - 6.35
        assert slot.y >= 6.35 and slot.y + slot.h <= 279.4 - 6.35


def test_index_lists_every_handout(built):
    book = _model(built)
    for entry in (o for o in built.manifest["outputs"] if o["kind"] == "handout-index"):
        body = "".join(p["body"] for p in _pages(built.dist / entry["path"])).replace(" ", "")
        for article in book.articles:
            assert article.title.replace(" ", "") in body
            for size in ("standard", "large-print"):
                assert f"{article.slug}-{entry['paper']}-{size}.pdf" in body


def test_qr_code_and_address_when_the_article_has_a_url(mini):
    entry = next(o for o in _pdfs(mini, "handout") if o["article"] == "first-steps" and o["print"] == "standard")
    pages = _pages(mini.dist / entry["path"])
    assert "https://example.org/sleep/first-steps" in " ".join(p["text"] for p in pages)
    import pikepdf

    with pikepdf.open(mini.dist / entry["path"]) as pdf:
        alts = [str(el.get("/Alt")) for el in _struct_elements(pdf.Root.StructTreeRoot) if el.get("/S") == "/Figure"]
    assert "QR code that opens https://example.org/sleep/first-steps" in alts


def _struct_elements(node):
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, __import__("pikepdf").Dictionary):
            yield item
            kids = item.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, __import__("pikepdf").Array) else [kids])
        elif isinstance(item, __import__("pikepdf").Array):
            stack.extend(item)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.mark.timeout(300)
def test_long_handout_warns_and_strict_fails(book, tmp_path):
    article = book / "articles" / "second-steps.md"
    filler = "\n\n".join(f"Paragraph {i}: plan a quiet rest day and walk gently, then drink water." for i in range(160))
    article.write_text(article.read_text() + "\n" + filler + "\n")
    result = build(book, tmp_path / "dist")
    long = [f for f in result.findings if f.code == "H001"]
    assert long and "second-steps" in long[0].message and re.search(r"runs to \d+ pages", long[0].message)
    from plainpress.errors import Problems

    with pytest.raises(Problems):
        build(book, tmp_path / "dist2", strict=True)
    assert not (tmp_path / "dist2").exists()


@pytest.mark.timeout(300)
def test_handouts_command_carries_the_book_over(book, tmp_path):
    out = tmp_path / "dist"
    first = build(book, out)
    before = {o.path: o.data for o in first.outputs if o.kind in ("epub", "pdf")}
    text = (book / "articles" / "second-steps.md").read_text().replace("Plan one quiet", "Plan one calm")
    (book / "articles" / "second-steps.md").write_text(text)
    second = build(book, out, handouts_only=True)
    after = {o.path: o.data for o in second.outputs if o.kind in ("epub", "pdf")}
    assert after == before
    handout = next(o for o in second.outputs if o.kind == "handout" and "second-steps" in o.path)
    assert "Plan one calm" in " ".join(p["text"] for p in _pages(out / handout.path)).replace("\n", " ")


def test_draft_stamp_without_review_dates(book, tmp_path):
    path = book / "articles" / "second-steps.md"
    path.write_text(path.read_text().replace("reviewed: 2026-01-02\nnext_review: 2029-01-02\n", ""))
    result = build(book, tmp_path / "dist")
    handout = next(o for o in result.outputs if o.kind == "handout" and "second-steps-a4-standard" in o.path)
    assert "Draft — not yet reviewed" in _pages(tmp_path / "dist" / handout.path)[0]["artifact"]
