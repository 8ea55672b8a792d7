"""The report page of ``check``: findings, reading level per article and review dates, at a glance.

One self-contained HTML file (its CSS inline, no script, no request), so it opens from disk in any
browser. It is written next to the project (``reports/check.html`` by default), never in ``dist/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from ..errors import Finding, Location, Severity
from ..model import Article, Book
from ..readability import Reading
from ..safety import write_atomic
from ..templates import DEFAULT_LAYOUTS, read_layout, render
from .dates import ReviewState, article_review, review_state
from .reading import describe, readings, sentence_line


@dataclass
class ArticleRow:
    article: Article
    file: str
    reading: Reading
    level: str
    over: bool
    hardest: list[tuple[str, float, int | None]]
    review: ReviewState
    findings: int


@dataclass
class FileGroup:
    file: str
    findings: list[Finding]


def rows(book: Book, findings: list[Finding], today: dt.date) -> list[ArticleRow]:
    measured = readings(book)
    out = []
    for article in book.articles:
        reading = measured[article.slug]
        out.append(
            ArticleRow(
                article=article,
                file=str(Location(article.path)),
                reading=reading,
                level=describe(reading) if reading.words else "no text",
                over=reading.grade > book.config.reading_level,
                hardest=[(s.text, round(s.grade, 1), sentence_line(article, s)) for s in reading.hardest],
                review=article_review(article, today),
                findings=sum(f.location.path == article.path for f in findings),
            )
        )
    return out


def write_report(
    path: Path,
    book_dir: Path,
    book: Book | None,
    findings: list[Finding],
    today: dt.date,
    layouts: Path = DEFAULT_LAYOUTS,
) -> Path:
    groups = [
        FileGroup(file, list(group)) for file, group in groupby(findings, key=lambda f: str(Location(f.location.path)))
    ]
    counts = {s.value: sum(f.severity is s for f in findings) for s in Severity}
    page = render(
        "report/check.html.j2",
        layouts,
        css=read_layout("report/report.css", layouts),
        title=book.config.title if book else str(book_dir),
        language=book.language if book else "en",
        book_dir=str(Location(book_dir)),
        book=book,
        book_review=review_state(book.config.reviewed, book.config.next_review, today) if book else None,
        limit=book.config.reading_level if book else None,
        today=today,
        counts=counts,
        groups=groups,
        articles=rows(book, findings, today) if book else [],
    )
    write_atomic(path, page.encode("utf-8"))  # whole or not at all, and a full disk names the report
    return path
