"""Plain data that templates read: one view per chapter, the build time.

Outputs build these from the model; templates never reach into the model
beyond them, so a template cannot depend on a field the model does not keep.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from .model import Article, Book


@dataclass(frozen=True)
class ChapterView:
    anchor: str
    title: str
    summary: str
    html: str
    part_title: str | None
    reviewed: dt.date | None
    next_review: dt.date | None


def chapter_view(book: Book, article: Article, html: str) -> ChapterView:
    first_of_part = next((p for p in book.parts if p.title and p.articles and p.articles[0] is article), None)
    return ChapterView(
        anchor=article.slug,
        title=article.title,
        summary=article.meta.summary,
        html=html,
        part_title=first_of_part.title if first_of_part else None,
        reviewed=article.meta.reviewed,
        next_review=article.meta.next_review,
    )


def build_time(book: Book) -> dt.datetime:
    """The time stamped into outputs: SOURCE_DATE_EPOCH, else the newest source date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    dates = [book.config.published, book.config.reviewed]
    for article in book.articles:
        dates.extend(d for d in (article.meta.date, article.meta.reviewed) if d)
    newest = max(dates)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)
