"""Glossary, bibliography and red-flag card: findings, EPUB parts, PDF pages."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from plainpress.commands.build import build
from plainpress.errors import RenderError
from plainpress.model import GlossaryEntry
from plainpress.sources.glossary import sorted_entries
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather

from .helpers import FIXTURES

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def _codes(book_dir: Path) -> list[tuple[str, str, int | None]]:
    book = analyse(gather(book_dir))
    return sorted((f.code, f.location.path.name, f.location.line) for f in book.findings)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_fixture_book_has_only_its_known_warning(book):
    assert _codes(book) == [("X001", "first-steps.md", 27)]


def test_each_glossary_and_citation_code(book):
    _append(
        book / "glossary.yaml",
        "- term: nap\n  definition: A short sleep.\n- term: doze\n  forms: [nap]\n  definition: A light sleep.\n",
    )
    refs = book / "references.json"
    refs.write_text(
        refs.read_text().rstrip().rstrip("]") + ',\n  {"id": "unused2021", "type": "book", '
        '"title": "Never Cited", "issued": {"date-parts": [[2021]]}}\n]\n'
    )
    _append(
        book / "articles" / "second-steps.md",
        "\nSee [@nobody] and [2] and [web:14, not provided but inferred]. Ask about CBT.\n",
    )
    codes = _codes(book)
    assert ("G001", "glossary.yaml", 10) in codes  # nap never used
    assert ("G003", "glossary.yaml", 12) in codes  # nap is a form of doze too
    assert ("C004", "references.json", 4) in codes
    for code in ("C001", "C003", "C002", "G002"):
        assert (code, "second-steps.md", 19) in codes, code


def test_red_flag_problems_are_errors(book):
    _append(book / "articles" / "second-steps.md", "\n::: red-flag later\n- Something.\n:::\n")
    book_model = analyse(gather(book))
    problems = [(f.code, f.severity.value, f.location.line) for f in book_model.findings if f.code.startswith("R")]
    assert problems == [("R001", "error", 19)]


def test_glossary_sorts_by_the_language():
    entries = [GlossaryEntry(term=t, definition="d") for t in ("ñame", "nube", "oso", "Nada")]
    assert [e.term for e in sorted_entries(entries, "es")] == ["Nada", "nube", "ñame", "oso"]


def _epub_docs(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        return {n.removeprefix("EPUB/text/"): etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_parts_and_landmarks(built):
    docs = _epub_docs(built.output("epub"))
    landmarks = {
        a.get(EPUB_TYPE): a.get("href") for a in docs["nav.xhtml"].iterfind(".//x:nav[@id='landmarks']//x:a", NS)
    }
    assert landmarks["glossary"] == "glossary.xhtml#glossary"
    assert landmarks["bibliography"] == "bibliography.xhtml#bibliography"
    assert landmarks["appendix"] == "card.xhtml#red-flag-card"
    toc = [a.get("href") for a in docs["nav.xhtml"].iterfind(".//x:nav[@id='toc']//x:a", NS)]
    assert {"glossary.xhtml#glossary", "bibliography.xhtml#bibliography", "card.xhtml#red-flag-card"} <= set(toc)

    glossary = docs["glossary.xhtml"].find(".//x:section", NS)
    assert glossary.get(EPUB_TYPE) == "glossary" and glossary.get("role") == "doc-glossary"
    assert glossary.findall(".//x:dl/x:dt/x:dfn", NS)
    bib = docs["bibliography.xhtml"].find(".//x:section", NS)
    assert bib.get(EPUB_TYPE) == "bibliography" and bib.get("role") == "doc-bibliography"
    backs = bib.findall(".//x:a[@role='doc-backlink']", NS)
    assert backs and all(b.get("aria-label", "").startswith("Back to use ") for b in backs)
    assert "doc-biblioentry" not in etree.tostring(bib, encoding="unicode")
    card = docs["card.xhtml"].find(".//x:section", NS)
    tiers = [s.get("id") for s in card.iterfind("x:section", NS)]
    order = ["card-emergency", "card-urgent", "card-routine"]
    assert tiers == [t for t in order if t in tiers] and tiers[0] == "card-emergency"


def test_every_citation_and_glossary_link_has_a_way_back(built):
    docs = _epub_docs(built.output("epub"))
    cites = [a for name, d in docs.items() for a in d.iterfind(".//x:a[@role='doc-biblioref']", NS)]
    terms = [a for name, d in docs.items() for a in d.iterfind(".//x:a[@role='doc-glossref']", NS)]
    assert cites and terms
    backlinks = {a.get("href") for a in docs["bibliography.xhtml"].iterfind(".//x:a[@role='doc-backlink']", NS)}
    cite_ids = {
        f"{name}#{a.get('id')}" for name, d in docs.items() for a in d.iterfind(".//x:a[@role='doc-biblioref']", NS)
    }
    assert backlinks == cite_ids


def test_red_flag_notices_in_the_epub(built):
    docs = _epub_docs(built.output("epub"))
    notices = [s for d in docs.values() for s in d.iterfind(".//x:section[@role='doc-notice']", NS)]
    assert notices
    for notice in notices:
        assert notice.get(EPUB_TYPE) == "notice"
        heading = next(h for h in notice if h.tag.endswith(("h2", "h3", "h4")))
        assert heading.get("id") == notice.get("aria-labelledby")
        label = "".join(heading.itertext())
        assert re.match(r"(Emergency|Urgent|Routine): ", label)


def test_pdf_glossary_and_sources_show_page_numbers(built):
    with pdfplumber.open(built.output("pdf")) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    glossary = next(i for i, t in enumerate(pages) if t.splitlines()[1:2] == ["Glossary"])
    sources = next(i for i, t in enumerate(pages) if "Sources" in t.splitlines()[1:2])
    assert re.search(r"Used in: .+, page \d+", pages[glossary].replace("\n", " "))
    assert re.search(r"Cited in: .+, page \d+", pages[sources].replace("\n", " "))
    card = [i for i, t in enumerate(pages) if "Red flags: when to get help" in t.splitlines()[1:2]]
    assert len(card) == 1  # the card is one page


def test_card_that_does_not_fit_fails_the_build_and_names_what_overflows(book, tmp_path):
    signs = "\n".join(f"- Sign number {i} that takes up a line or two of the card to say in full." for i in range(40))
    _append(book / "articles" / "second-steps.md", f"\n::: red-flag routine\n{signs}\n:::\n")
    with pytest.raises(RenderError) as caught:
        build(book, tmp_path / "dist")
    message = str(caught.value)
    assert "red-flag card does not fit on one page" in message
    assert "routine: Sign number 39" in message and "emergency" not in message.split("overflow")[1][:40]
    assert not (tmp_path / "dist").exists()
