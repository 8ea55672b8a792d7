"""Round trip: every word of what an output was made from reaches its PDF, in order, and every
glyph lies inside the page's trim box and clear of the page furniture.

Run on every PDF of the sample, mini and Spanish books (book, handouts in standard and large
print on A4 and Letter, cards and indexes): the HTML each PDF was laid out from (``--dump-html``)
against the words pdfplumber reads back. The generated articles of ``test_roundtrip_awkward``
check the other half: that what an article says is in that HTML at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plainpress.commands.build import build

from .helpers import FIXTURES, SAMPLE_BOOK
from .roundtrip import expected_from_html, find_in_order, glyphs, pdf_words

BOOKS = {"sample": SAMPLE_BOOK, "mini": FIXTURES / "mini", "es": FIXTURES / "es"}
EDGE = 0.5  # pt: a glyph's box may touch the trim box, not cross it


def build_dumped(book: Path, tmp: Path) -> tuple[Path, list[dict]]:
    """Build a book with every PDF's HTML dumped; (dist, the dump's index)."""
    out, dump = tmp / "dist", tmp / "dump"
    build(book, out, dump_html=dump, jobs=2)
    return out, json.loads((dump / "renders.json").read_text())


def check_pdf(pdf: Path, html: str) -> list[str]:
    """What is wrong with one PDF: a word of its HTML not found in order, a glyph off the page or on
    the furniture."""
    problems = []
    missing = find_in_order(pdf_words(pdf), expected_from_html(html))
    if missing:
        problems.append(f"{pdf.name}: {missing}")
    problems += glyph_problems(pdf)
    return problems


def glyph_problems(pdf: Path) -> list[str]:
    found, boxes = glyphs(pdf)
    problems = []
    furniture: dict[int, list] = {}
    for g in found:
        if g.artifact and g.text.strip():
            furniture.setdefault(g.page, []).append(g)
    for g in found:
        if not g.text.strip():
            continue
        x0, top, x1, bottom = boxes[g.page - 1]
        if g.x0 < x0 - EDGE or g.x1 > x1 + EDGE or g.top < top - EDGE or g.bottom > bottom + EDGE:
            problems.append(
                f"{pdf.name} page {g.page}: {g.text!r} at ({g.x0:.1f}, {g.top:.1f}) is outside the trim box"
            )
        if g.artifact:
            continue
        for f in furniture.get(g.page, []):
            if g.x0 < f.x1 - EDGE and f.x0 < g.x1 - EDGE and g.top < f.bottom - EDGE and f.top < g.bottom - EDGE:
                problems.append(f"{pdf.name} page {g.page}: {g.text!r} overlaps the page furniture ({f.text!r})")
                break
    return problems[:10]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_word_of_every_pdf_is_read_back_in_order(name, request, tmp_path):
    if name in ("sample", "mini"):  # built once for the session, with the HTML of each PDF dumped
        built = request.getfixturevalue(name)
        out, dump = built.dist, built.dist.parent / "dump"
        renders = json.loads((dump / "renders.json").read_text())
    else:
        out, renders = build_dumped(BOOKS[name], tmp_path)
        dump = tmp_path / "dump"
    kinds = set()
    problems: list[str] = []
    for entry in renders:
        pdf = out / entry["output"]
        assert pdf.is_file(), entry["output"]
        problems += check_pdf(pdf, (dump / entry["html"]).read_text())
        kinds.add(entry["output"].split("/")[0] if "/" in entry["output"] else "book")
    assert not problems, "\n".join(problems[:20])
    assert {"book", "cards"} <= kinds and kinds & {"handouts", "drafts"}, kinds
    handouts = " ".join(e["output"] for e in renders)
    for paper in {"sample": ("a4", "letter"), "mini": ("a4", "letter"), "es": ("a4",)}[name]:
        for size in ("standard", "large-print"):
            assert f"-{paper}-{size}.pdf" in handouts, (paper, size)


def test_the_comparison_finds_a_lost_word_a_lost_column_and_reversed_text():
    from .roundtrip import plain, table_alternatives

    tokens = "take 5 mg a day then rest".split()
    assert find_in_order(tokens, plain("take 5 mg a day".split())) is None
    assert find_in_order("take gm 5 a day".split(), plain("take 5 mg a day".split())) is not None
    assert find_in_order("take a day".split(), plain("take 5 mg a day".split())).word == "5"
    # a word split over lines, an address broken after "/"
    assert (
        find_in_order(["abcdef", "ghij", "httpsexampleorg", "ab"], plain(["abcdefghij", "httpsexampleorgab"])) is None
    )
    import lxml.html

    table = lxml.html.fragment_fromstring(
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>one</td><td>two</td></tr></tbody></table>"
    )
    segment = table_alternatives(table)
    assert segment == [["a", "b", "one", "two"], ["a", "one", "b", "two"]]
    assert find_in_order("a one b two".split(), [segment]) is None  # stacked
    assert find_in_order("a b one two".split(), [segment]) is None  # the grid
    assert find_in_order("a b one".split(), [segment]) is not None  # a column lost
