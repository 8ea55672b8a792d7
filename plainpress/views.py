"""Plain data that templates read: one view per chapter, the build time.

Outputs build these from the model; templates never reach into the model
beyond them, so a template cannot depend on a field the model does not keep.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

from .errors import RenderError
from .messages import Messages
from .model import TIERS, Article, Book, RedFlag, chapter_anchor, part_anchor, reference_anchor, title_anchor
from .sources.glossary import sorted_entries
from .trust import TrustMarks


@dataclass(frozen=True)
class ChapterView:
    anchor: str
    title: str
    summary: str
    html: str
    part_title: str | None
    reviewed: dt.date | None
    next_review: dt.date | None
    draft: bool = False  # stamped with a notice at the top of the chapter
    trust: TrustMarks | None = None  # printed at the end of the chapter
    level: int = 1  # of the chapter's title: 2 inside a titled part, whose title is the h1
    part_anchor: str | None = None
    title_anchor: str = ""  # the id of the chapter's title heading


def chapter_view(book: Book, article: Article, html: str) -> ChapterView:
    first_of_part = next((p for p in book.parts if p.title and p.articles and p.articles[0] is article), None)
    return ChapterView(
        anchor=chapter_anchor(article.slug),
        title=article.title,
        summary=article.meta.summary,
        html=html,
        part_title=first_of_part.title if first_of_part else None,
        reviewed=article.meta.reviewed,
        next_review=article.meta.next_review,
        draft=article.is_draft,
        trust=book.trust_marks(article),
        level=2 if any(p.title and article in p.articles for p in book.parts) else 1,
        part_anchor=part_anchor(article.slug) if first_of_part else None,
        title_anchor=title_anchor(article.slug),
    )


def chapter_views(book: Book) -> list[ChapterView]:
    """Every chapter without its text: the colophon's review dates per chapter."""
    return [chapter_view(book, article, "") for article in book.articles]


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


# ----------------------------------------------------------------------------
# The assembled parts: glossary, bibliography, red-flag card.


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class GlossaryItem:
    term: str
    anchor: str
    pronunciation: str
    definition: str
    see_also: list[Link]
    used_in: list[Link]


def glossary_view(book: Book, use_href: Callable[[str, str], str], only: set[str] | None = None) -> list[GlossaryItem]:
    """Entries sorted by the book's language. ``only`` keeps a subset (a handout's terms): a handout's word list
    says where in the book a word is used by no link, so its items have no ``used_in`` (listing every chapter of
    every word for each handout grew with the square of the book)."""
    titles = {a.slug: a.title for a in book.articles}
    by_term = {e.term.casefold(): e for e in book.glossary}
    items = []
    for entry in sorted_entries(book.glossary, book.language):
        if only is not None and entry.term not in only:
            continue
        first_use: dict[str, str] = {}
        for use in book.glossary_uses.get(entry.term, []) if only is None else ():
            first_use.setdefault(use.article, use.anchor)
        see = [by_term[s.casefold()] for s in entry.see_also if s.casefold() in by_term]
        items.append(
            GlossaryItem(
                term=entry.term,
                anchor=entry.anchor,
                pronunciation=entry.pronunciation,
                definition=entry.definition,
                see_also=[Link(e.term, f"#{e.anchor}") for e in see if only is None or e.term in only],
                used_in=[Link(titles[slug], use_href(slug, anchor)) for slug, anchor in first_use.items()],
            )
        )
    return items


@dataclass(frozen=True)
class Backlink:
    chapter: str
    label: str
    href: str


@dataclass(frozen=True)
class BibItem:
    number: int
    key: str
    anchor: str
    html: str
    backlinks: list[Backlink]


def bibliography_view(
    book: Book,
    entries_html: dict[str, str],
    use_href: Callable[[str, str], str],
    backlink_label: Callable[..., str],
    keys: list[str] | None = None,
) -> list[BibItem]:
    titles = {a.slug: a.title for a in book.articles}
    keys = keys if keys is not None else book.cited_keys
    items = []
    for number, key in enumerate(keys, 1):
        uses = [u for u in book.citation_uses if u.key == key]
        backlinks = [
            Backlink(
                titles[u.article],
                backlink_label(number=number, index=i, chapter=titles[u.article]),
                use_href(u.article, u.anchor),
            )
            for i, u in enumerate(uses, 1)
        ]
        items.append(BibItem(number, key, reference_anchor(key), entries_html[key], backlinks))
    return items


@dataclass(frozen=True)
class CardTier:
    tier: str
    label: str
    heading: str
    action: str
    items: list[Link]


def card_view(
    book: Book,
    say: Messages,
    contacts: dict[str, str],
    flag_href: Callable[[str, str], str],
    flags: list[RedFlag] | None = None,
) -> list[CardTier]:
    """Every red flag (or those of ``flags``), deduplicated, grouped by tier with the emergency tier first."""
    tiers = []
    for tier in TIERS:
        seen: set[str] = set()
        items = []
        for flag in book.red_flags if flags is None else flags:
            key = " ".join(flag.text.casefold().split()).rstrip(".")
            if flag.tier != tier or key in seen:
                continue
            seen.add(key)
            items.append(Link(flag.text, flag_href(flag.article, flag.anchor)))
        if items:
            tiers.append(
                CardTier(
                    tier,
                    say(f"tier.{tier}.label"),
                    say(f"tier.{tier}.heading"),
                    say(f"tier.{tier}.action", **contacts),
                    items,
                )
            )
    return tiers


def check_card(
    anchors: dict[str, int], tiers: list[CardTier], where: str, overflowed: bool = False, contacts: bool = False
) -> None:
    """The one check that a red-flag card fits on one page: every sign, every tier's "what to do" (and
    with ``contacts`` the clinic's numbers) on the page of the card's heading (``card-title`` in the book;
    the first page of a card laid out alone, which must also not ``overflow`` onto a second page).
    Raises :class:`RenderError` naming each part that spilled over."""
    first = anchors.get("card-title", 1)  # a box split over pages is anchored on its last page: the heading's
    parts = []
    for tier in tiers:
        parts += [(f"card-{tier.tier}-{i}", f"{tier.tier}: {item.text}") for i, item in enumerate(tier.items, 1)]
        parts.append((f"card-{tier.tier}-action", f"{tier.tier}: what to do ({tier.action})"))
    if contacts:
        parts.append(("card-contacts", "the clinic's numbers (emergency, out of hours)"))
    spilled = [text for anchor, text in parts if anchors.get(anchor, first) != first]
    if spilled or overflowed:
        raise RenderError(
            f"{where} does not fit on one page; these overflow onto the next page: "
            + ("; ".join(spilled) or "the closing line")
            + ". Shorten or merge red flags, or mark fewer."
        )
