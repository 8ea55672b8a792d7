"""The editorial checks of health content, beyond what reading the sources finds.

Two entry points, so that ``build`` and ``check`` apply one policy:

- :func:`inspect` runs in the analyse stage on each converted article: structure (S004-S006),
  warning signs with no red flag (R004), and the article's prose kept for the reading level.
- :func:`editorial` runs in the check stage on the whole book, with "today" for the dates:
  review dates (D001-D004), reading level (P001), starter text and empty summaries (N001, N002).
"""

from __future__ import annotations

import datetime as dt

from ..errors import Finding
from ..model import Article, Book
from .amounts import amount_findings
from .dates import date_findings, today
from .document import parse, prose
from .placeholders import placeholder_findings
from .reading import reading_findings, readings
from .signs import warning_sign_findings
from .structure import structure_findings
from .tiers import tier_findings
from .trust import trust_findings

__all__ = ["editorial", "inspect", "readings", "today"]


def inspect(article: Article, xhtml: str, has_flags: bool, language: str) -> list[Finding]:
    """Findings on one converted article; also keeps its prose on the article for :func:`editorial`."""
    root = parse(xhtml)
    article.prose = prose(root)
    return (
        structure_findings(article, root)
        + warning_sign_findings(article, root, has_flags, language)
        + amount_findings(article, root)
        + tier_findings(article, root, language)
    )


def editorial(book: Book, on: dt.date | None = None) -> list[Finding]:
    """Review dates, reading levels, starter text and trust marks of an analysed book, as of ``on``
    (default: :func:`today`)."""
    return (
        date_findings(book, on or today())
        + reading_findings(book, readings(book))
        + placeholder_findings(book)
        + trust_findings(book)
    )
