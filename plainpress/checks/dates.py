"""Review dates (D001-D004): health content past its review date must not be printed as current.

Every article should have ``reviewed`` and ``next_review``; a ``next_review`` that has passed is
an error, one within :data:`DUE_SOON` days a warning, and no dates a warning (its handouts then read
"Draft — not yet reviewed"). The book's own ``next_review`` in book.yaml is checked the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Finding, Location, Severity, UsageError
from ..model import Article, Book

DUE_SOON = 60  # days
TODAY_VARIABLE = "PLAINPRESS_TODAY"


def today() -> dt.date:
    """Today for the date checks: ``PLAINPRESS_TODAY`` (YYYY-MM-DD) when set, else the clock's."""
    given = os.environ.get(TODAY_VARIABLE, "").strip()
    if not given:
        return clock()
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise UsageError(f"{TODAY_VARIABLE}={given!r}: expected a date written YYYY-MM-DD, or unset it") from None


def clock() -> dt.date:
    """The one place the computer's clock is read for today's date."""
    return dt.date.today()


@dataclass
class ReviewState:
    """What the report says of one article's (or the book's) review dates."""

    reviewed: dt.date | None
    next_review: dt.date | None
    status: str  # "current", "due soon", "overdue", "not reviewed", "inconsistent"
    days_left: int | None


def review_state(reviewed: dt.date | None, next_review: dt.date | None, today: dt.date) -> ReviewState:
    if reviewed is None or next_review is None:
        return ReviewState(reviewed, next_review, "not reviewed", None)
    left = (next_review - today).days
    if next_review <= reviewed:
        status = "inconsistent"
    elif left < 0:
        status = "overdue"
    elif left <= DUE_SOON:
        status = "due soon"
    else:
        status = "current"
    return ReviewState(reviewed, next_review, status, left)


def _key_line(path: Path, key: str, default: int | None) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return default
    pattern = re.compile(rf"^{key}\s*:")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), default)


def _findings(what: str, state: ReviewState, path: Path, default_line: int | None) -> list[Finding]:
    where = Location(path, _key_line(path, "next_review", default_line))
    when = state.next_review.isoformat() if state.next_review else ""
    if state.status == "not reviewed":
        missing = " and ".join(
            k for k, v in (("reviewed", state.reviewed), ("next_review", state.next_review)) if v is None
        )
        return [
            Finding(
                "D003",
                Severity.WARNING,
                Location(path, default_line),
                f"{what} has no {missing} date: its handouts read \u201cDraft \u2014 not yet reviewed\u201d",
                missing,
                "after a clinician's review, add reviewed: and next_review: (YYYY-MM-DD) to the front matter",
            )
        ]
    if state.status == "inconsistent":
        message = f"{what}'s next_review ({when}) is not after its reviewed date ({state.reviewed})"
        return [Finding("D004", Severity.ERROR, where, message, when, "next_review comes after reviewed")]
    if state.status == "overdue":
        return [
            Finding(
                "D001",
                Severity.ERROR,
                where,
                f"{what} was due for review on {when}, {-(state.days_left or 0)} days ago: "
                "it must not be printed as current",
                when,
                "review it, then update reviewed: and next_review:",
            )
        ]
    if state.status == "due soon":
        return [
            Finding(
                "D002",
                Severity.WARNING,
                where,
                f"{what} is due for review on {when}, in {state.days_left} days",
                when,
                "plan its review",
            )
        ]
    return []


def article_review(article: Article, today: dt.date) -> ReviewState:
    return review_state(article.meta.reviewed, article.meta.next_review, today)


def date_findings(book: Book, today: dt.date) -> list[Finding]:
    config = book.config
    out = _findings(
        "the book",
        review_state(config.reviewed, config.next_review, today),
        book.root / "book.yaml",
        config.source_line or 1,
    )
    for article in book.articles:
        out += _findings(
            f"the article {article.slug}", article_review(article, today), article.path, article.meta.source_line or 1
        )
    return out
