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


def _words_section(lines):
    """The transcript's lines of the "Words to know" section: from its heading to the next one."""
    start = next(i for i, line in enumerate(lines) if line.role.startswith("H") and line.read() == "Words to know")
    depth = lines[start].depth
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].depth < depth or lines[i].role.startswith("H")), None
    )
    return lines[start + 1 : end]


def _render_dumped(folder: Path, entry: dict) -> int:
    """Lay out one document the build dumped (``--dump-html``) as the build did; its page count."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    base = str(entry["base_url"]).rstrip("/") + "/"
    css = [weasyprint.CSS(filename=str(folder / n), base_url=base, font_config=fonts) for n in entry["stylesheets"]]
    html = weasyprint.HTML(filename=str(folder / entry["html"]), base_url=base)
    return len(html.render(stylesheets=css, font_config=fonts).pages)


def _no_multicol(monkeypatch):
    """Make any multi-column layout (the run-time balancing of ``columns``) fail the render."""
    import weasyprint.layout.block

    def refuse(*args, **kwargs):
        raise AssertionError("a multi-column layout was used")

    monkeypatch.setattr(weasyprint.layout.block, "columns_layout", refuse)


@pytest.mark.timeout(600)
def test_words_to_know_are_one_list_read_column_one_then_two_laid_out_without_columns(sample, monkeypatch):
    import json

    from plainpress.pdf.transcript import transcript
    from plainpress.views import glossary_view

    book = _model(sample)
    dump = sample.dist.parent / "dump"
    renders = {r["output"]: r for r in json.loads((dump / "renders.json").read_text())}
    _no_multicol(monkeypatch)
    checked, cut = set(), False
    for entry in _pdfs(sample, "handout"):
        article = book.article(entry["article"])
        own = {t for t, uses in book.glossary_uses.items() if any(u.article == article.slug for u in uses)}
        terms = [item.term for item in glossary_view(book, lambda slug, anchor: "", only=own)]
        if not terms:
            continue
        section = _words_section(transcript(sample.dist / entry["path"]))
        # One list: one L, one LI per word, each its term (Lbl) then its meaning (LBody), in the book's order.
        assert [line.role for line in section if line.role == "L"] == ["L"], entry["path"]
        assert [line.role for line in section if line.role in ("LI", "Lbl", "LBody")] == ["LI", "Lbl", "LBody"] * len(
            terms
        ), entry["path"]
        labels = [line for line in section if line.role == "Lbl"]
        assert [line.read().split(" (")[0] for line in labels] == terms, entry["path"]
        # Where each term is printed: (page, x, top) of its first character (PDF y grows upwards).
        spots = [(c.page, c.start[0], -c.start[1]) for c in (line.pieces[0].chunks[0] for line in labels)]
        left = min(x for _, x, _ in spots)
        column = [int(x > left + 150) for _, x, _ in spots]
        assert all(abs(x - left) < 1 or x > left + 150 for _, x, _ in spots), (entry["path"], spots)
        if entry["print"] == "large-print":
            assert column == [0] * len(terms), entry["path"]
        else:
            assert 1 in column, entry["path"]
        # On each page, column 1 from top to bottom, then column 2: the printed order is the list's order.
        printed = sorted(range(len(terms)), key=lambda n: (spots[n][0], column[n], spots[n][2]))
        assert printed == list(range(len(terms))), (entry["path"], spots)
        pages = {page for page, _, _ in spots}
        cut |= len(pages) > 1 and entry["print"] == "standard"
        if len(pages) == 1 and entry["print"] == "standard":  # a grid filled down: the first half in column 1
            assert column == [0] * ((len(terms) + 1) // 2) + [1] * (len(terms) // 2), entry["path"]
        # Laid out again from the HTML the build handed WeasyPrint: no multi-column layout at all, in large
        # print and for a list on one page (a list that a page break cuts is laid out again, balanced).
        if entry["print"] not in checked and (len(pages) == 1 or entry["print"] == "large-print"):
            assert _render_dumped(dump, renders[entry["path"]]) == entry["pages"]
            checked.add(entry["print"])
    assert checked == {"standard", "large-print"}
    assert cut, "the sample book has a word list cut by a page break"


def test_the_column_check_sees_a_multi_column_layout(monkeypatch):
    import weasyprint

    _no_multicol(monkeypatch)
    html = "<dl style='columns: 2'><dt>a</dt><dd>b</dd></dl>"
    with pytest.raises(AssertionError, match="multi-column"):
        weasyprint.HTML(string=html).render()
    assert len(weasyprint.HTML(string=html.replace("columns: 2", "display: grid")).render().pages) == 1


def test_a_handouts_word_list_lists_no_chapters_and_the_books_glossary_does():
    from plainpress.views import glossary_view

    book = analyse(gather(FIXTURES / "mini"))
    link = lambda slug, anchor: f"{slug}#{anchor}"  # noqa: E731
    whole = {item.term: item for item in glossary_view(book, link)}
    used = {term for term, uses in book.glossary_uses.items() if uses}
    assert used and all(whole[term].used_in for term in used)
    # A handout's words (a subset) say nothing of where else the book uses them: no list of chapters per
    # word per handout, which grew with the square of the book.
    subset = glossary_view(book, link, only=used)
    assert [item.term for item in subset] == [term for term in whole if term in used]
    assert all(item.used_in == [] for item in subset)
    assert [(i.definition, i.see_also) for i in subset] == [
        (whole[i.term].definition, [s for s in whole[i.term].see_also if s.text in used]) for i in subset
    ]
