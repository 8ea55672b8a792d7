"""Our own passes are linear in the size of the text: glossary linking (one pass over the words
of each text node, whatever the number of terms) and citation resolution. Four times the text
must take about four times as long, not sixteen."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather

from .robust_helpers import article, copy_mini

WORDS = [f"word{i}" for i in range(1500)] + ["the", "a", "of", "muscle", "twitch", "rest", "day"]
TERMS = [f"term{i} {w}" for i, w in enumerate(random.Random(3).choices(WORDS, k=800))]


def _book(root: Path, paragraphs: int) -> Path:
    """``paragraphs`` paragraphs, each with two glossary terms and three citations."""
    rnd = random.Random(paragraphs)
    copy_mini(root)
    glossary = "".join(f"- term: {t}\n  forms: [{t}s]\n  definition: The meaning of {t}.\n" for t in TERMS)
    (root / "glossary.yaml").write_text(glossary)
    references = [
        {"id": f"ref{i}", "type": "article-journal", "title": f"Study {i}", "issued": {"date-parts": [[2001]]}}
        for i in range(300)
    ]
    (root / "references.json").write_text(json.dumps(references))
    body = []
    for p in range(paragraphs):
        words = " ".join(rnd.choice(WORDS) for _ in range(40))
        cites = "; ".join(f"@ref{(p * 3 + k) % 300}" for k in range(3))
        body.append(f"{words} {TERMS[p % len(TERMS)]}. {words} {TERMS[(p * 7) % len(TERMS)]} [{cites}].")
    (root / "articles" / "first-steps.md").write_text(article(body="\n\n".join(body)))
    return root


def _seconds(root: Path) -> float:
    best = float("inf")
    for _ in range(2):  # the better of two runs: less noise from the machine
        started = time.perf_counter()
        book = analyse(gather(root))
        best = min(best, time.perf_counter() - started)
    assert book.citation_uses and book.glossary_uses
    return best


@pytest.mark.timeout(240)
def test_glossary_linking_and_citations_are_linear_in_the_text(tmp_path):
    small = _seconds(_book(tmp_path / "small", 250))  # about 100 KB
    large = _seconds(_book(tmp_path / "large", 1000))  # about 400 KB: four times the text
    assert large / small < 6, f"4x the text took {large / small:.1f}x the time ({small:.2f} s, {large:.2f} s)"
