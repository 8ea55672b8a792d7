"""Starter text left in a source (N001), and an empty summary (N002): no placeholder reaches print.

The starter sentences are the ones ``new`` writes (and ``init``, which registers its own keys here):
:data:`STARTER_KEYS` names them in ``layouts/messages/<language>.yaml``, so that the command that
writes them and the check that finds them share one text. They are looked for in every language
the layouts have (an English starter left in a Spanish book is still a placeholder), in each
article's front matter and body, in ``book.yaml`` and in the clinic profiles. An error in a reviewed
article, a warning in a draft and in ``book.yaml``; in a clinic profile (printed on every handout) an
error once any article is reviewed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..errors import Finding, Location, Severity
from ..messages import Messages, available_languages
from ..model import Article, Book
from ..starter import INIT_PLACEHOLDER_KEYS

# Keys of layouts/messages of the text that a command writes for the editor to replace.
STARTER_KEYS: list[str] = ["new.summary", "new.heading", "new.body", *INIT_PLACEHOLDER_KEYS]
# Headings are short: they are starter text only when they are the whole heading.
WHOLE_LINE_KEYS = {"new.heading"}


def _normal(text: str) -> str:
    return " ".join(re.sub(r"^[#>\-*\s]+", "", text).split()).casefold().strip(" \"'")


@cache
def starter_texts() -> tuple[tuple[str, str], ...]:
    """(key, normalised text) of every starter text, in every language of the layouts."""
    out = {(key, _normal(Messages(language)(key))) for language in available_languages() for key in STARTER_KEYS}
    return tuple(sorted(out))


@cache
def _any_starter() -> re.Pattern[str]:
    """Every starter text in one pattern: a line that holds none of them is passed over at once."""
    return re.compile("|".join(re.escape(starter) for _, starter in starter_texts()))


def starter_in(line: str) -> str | None:
    """The key of the starter text a line holds, or None."""
    text = _normal(line)
    if not text or not _any_starter().search(text):
        return None
    for key, starter in starter_texts():
        if (text == starter) if key in WHOLE_LINE_KEYS else (starter in text):
            return key
    return None


def _scan(path: Path, severity: Severity) -> list[Finding]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []  # reading it is reported by gather
    findings = []
    for number, line in enumerate(lines, 1):
        value = line.split(":", 1)[1] if re.match(r"^\s*[\w-]+:\s", line) else line
        key = starter_in(value)
        if key:
            findings.append(
                Finding(
                    "N001",
                    severity,
                    Location(path, number),
                    "starter text left for the editor to replace",
                    value.strip(),
                    "write the article's own words here",
                )
            )
    return findings


def _summary_line(article: Article) -> Location:
    try:
        lines = article.path.read_text(encoding="utf-8").split("\n")[: article.body_line]
    except (OSError, UnicodeDecodeError):
        return article.location
    found = next((n for n, line in enumerate(lines, 1) if re.match(r"^summary\s*:", line)), None)
    return Location(article.path, found) if found else article.location


def _severity(article: Article) -> Severity:
    return Severity.WARNING if article.is_draft else Severity.ERROR


def placeholder_findings(book: Book) -> list[Finding]:
    findings = _scan(book.root / "book.yaml", Severity.WARNING)
    # A clinic profile is printed on every handout of the clinic: a placeholder left in it is an error
    # as soon as one article is reviewed (its handouts are for patients), a warning while all are drafts.
    printed = any(not article.is_draft for article in book.articles)
    for profile in sorted((book.root / "profiles").glob("*.yaml")):
        findings += _scan(profile, Severity.ERROR if printed else Severity.WARNING)
    for article in book.articles:
        findings += _scan(article.path, _severity(article))
        if not article.meta.summary.strip():
            findings.append(
                Finding(
                    "N002",
                    _severity(article),
                    _summary_line(article),
                    "the article has no summary",
                    "summary:",
                    "write one or two plain sentences on what the reader will learn (summary: in the front matter)",
                )
            )
    return findings
