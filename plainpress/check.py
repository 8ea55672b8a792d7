"""Stage 3, check: one policy for every command. Errors always stop a build;
warnings stop it only under ``--strict``."""

from __future__ import annotations

from .errors import Finding, Problems, Severity
from .model import Book


def stopping(findings: list[Finding], strict: bool) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)]


def enforce(book: Book, strict: bool) -> list[Finding]:
    """Raise :class:`Problems` with every finding when any must stop the build."""
    ordered = sorted(book.findings, key=lambda f: (str(f.location.path), f.location.line or 0, f.code))
    if stopping(ordered, strict):
        raise Problems(ordered)
    return ordered
