"""Stage 3, check: one policy for every command. Errors always stop a build;
warnings stop it only under ``--strict``."""

from __future__ import annotations

import datetime as dt

from ..checks import editorial
from ..errors import Finding, Problems, Severity
from ..model import Book


def stopping(findings: list[Finding], strict: bool) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)]


def review(book: Book, today: dt.date | None = None) -> list[Finding]:
    """Every finding of an analysed book, ordered by file and line: those of the analyse stage, then
    the editorial checks that need the whole book and today's date (review dates, reading level).
    ``today`` defaults to ``PLAINPRESS_TODAY`` or the clock (see :func:`plainpress.checks.today`)."""
    found = book.findings + editorial(book, today)
    return sorted(found, key=lambda f: (str(f.location.path), f.location.line or 0, f.code))


def enforce(book: Book, strict: bool, today: dt.date | None = None) -> list[Finding]:
    """Raise :class:`Problems` with every finding when any must stop the build."""
    ordered = review(book, today)
    if stopping(ordered, strict):
        raise Problems(ordered)
    return ordered
