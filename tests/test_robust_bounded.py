"""Bounded work: large but honest inputs are read (gather) and analysed (every article converted,
every extension and check run) within a time limit asserted here, and inputs built to make
Python-Markdown quadratic are refused quickly instead of hanging. The PDF rendering of such
books is not timed: that is WeasyPrint laying out hundreds of pages."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from plainpress.errors import Problems
from plainpress.markup import convert, policy_for
from plainpress.stages.analyse import analyse
from plainpress.stages.enforce import enforce
from plainpress.stages.gather import gather

from .robust_helpers import article, copy_mini

WORDS = [f"word{i}" for i in range(2000)] + ["the", "a", "of", "muscle", "twitch", "rest", "day"]


def _timed(root: Path) -> tuple[object, float]:
    start = time.perf_counter()
    book = analyse(gather(root))
    return book, time.perf_counter() - start


def _book(tmp_path: Path, body: str, glossary: str | None = None, references: list | None = None) -> Path:
    root = copy_mini(tmp_path / "book")
    (root / "articles" / "first-steps.md").write_text(article(body=body))
    if glossary is not None:
        (root / "glossary.yaml").write_text(glossary)
    if references is not None:
        (root / "references.json").write_text(json.dumps(references))
    return root


@pytest.mark.timeout(180)
def test_five_thousand_glossary_terms_on_a_one_megabyte_article(tmp_path):
    rnd = random.Random(9)
    terms = [f"term{i} {rnd.choice(WORDS)}" for i in range(5000)]
    glossary = "".join(f"- term: {t}\n  forms: [{t}s]\n  definition: The meaning of {t}.\n" for t in terms)
    paragraphs, size, number = [], 0, 0
    while size < 1_000_000:
        sentences = []
        for _ in range(4):
            sentences.append(" ".join(rnd.choice(WORDS) for _ in range(14)) + f" {terms[number % len(terms)]}. ")
            number += 1
        paragraphs.append("".join(sentences))
        size += len(paragraphs[-1]) + 2
    root = _book(tmp_path, "\n\n".join(paragraphs), glossary=glossary)
    assert (root / "articles" / "first-steps.md").stat().st_size > 1_000_000
    book, seconds = _timed(root)
    linked = sum(1 for uses in book.glossary_uses.values() if uses)
    assert linked == 5000  # each term linked at its first use in the chapter
    assert seconds < 60, f"{seconds:.1f} s"


@pytest.mark.timeout(180)
def test_ten_thousand_citations(tmp_path):
    references = [
        {"id": f"ref{i}", "type": "article-journal", "title": f"Study {i}", "issued": {"date-parts": [[2000 + i % 20]]}}
        for i in range(2000)
    ]
    paragraphs = [
        " ".join(f"Finding {p}.{s} [@ref{(p * 5 + s) % 2000}]." for s in range(5)) for p in range(2000)
    ]  # 10,000 citations
    root = _book(tmp_path, "\n\n".join(paragraphs), references=references)
    book, seconds = _timed(root)
    assert len([u for u in book.citation_uses if u.article == "first-steps"]) == 10_000
    assert len(book.citation_numbers) == 2000  # every reference, numbered by first citation
    assert seconds < 60, f"{seconds:.1f} s"


@pytest.mark.timeout(120)
def test_a_two_thousand_row_table(tmp_path):
    rows = "\n".join(f"| Day {i} | {i % 7} twitches | Rest {'yes' if i % 2 else 'no'} |" for i in range(2000))
    body = "| Day | Twitches | Rest |\n|:----|:--------:|-----:|\n" + rows + "\n"
    root = _book(tmp_path, body)
    book, seconds = _timed(root)
    assert seconds < 20, f"{seconds:.1f} s"
    first = book.articles[0]
    policy = policy_for(book, chapter_href=lambda s, f: None, term_href=lambda e: "", ref_href=lambda k: "")
    start = time.perf_counter()
    html = convert(first, policy).html
    assert html.count("<tr") == 2001
    assert time.perf_counter() - start < 10


QUADRATIC = {
    "unclosed tags": "x<y " * 50_000,
    "web-like tags": "<http://a " * 50_000,
    "backtick runs": " ".join("`" * (i % 300 + 1) + "a" for i in range(5_000)),
    "headings without blank lines": "# h\n" * 100_000,
    "definitions without blank lines": "term\n" + ": a\n" * 100_000,
    "rules without blank lines": "***\n" * 100_000,
    "red flags without blank lines": "::: red-flag urgent\n- x\n:::\n" * 20_000,
    "open brackets": "[" * 200_000,
    "open links": "[a](" * 100_000,
    "one huge paragraph": "*a* " * 200_000,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("body", QUADRATIC.values(), ids=QUADRATIC.keys())
def test_inputs_that_would_be_quadratic_are_refused_quickly(tmp_path, body):
    root = _book(tmp_path, body)
    start = time.perf_counter()
    with pytest.raises(Problems) as caught:
        enforce(analyse(gather(root)), strict=False)
    seconds = time.perf_counter() - start
    codes = {f.code for f in caught.value.findings}
    assert codes & {"L002", "L003"}, codes
    assert seconds < 15, f"{seconds:.1f} s"
