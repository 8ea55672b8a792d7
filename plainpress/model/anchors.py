"""The id of each kind of target, spelled once. Every output links to these targets and every
template writes their ids through these functions (or the views that carry their results), so a
link and its target cannot drift apart."""

from __future__ import annotations

import re

SEPARATOR = "--"  # between a chapter's slug and the rest of an id inside the chapter


def heading_prefix(slug: str) -> str:
    """What every id inside a chapter begins with: its headings, citations, red flags, blocks."""
    return f"{slug}{SEPARATOR}"


def chapter_anchor(slug: str, fragment: str | None = None) -> str:
    """The id of a chapter, or of a heading in it (``fragment``), wherever the chapter is rendered."""
    return heading_prefix(slug) + fragment if fragment else slug


def chapter_of(anchor: str) -> str:
    """The slug of the chapter an id inside a chapter belongs to (the id itself for a chapter's)."""
    return anchor.split(SEPARATOR, 1)[0]


def title_anchor(slug: str) -> str:
    """The id of a chapter's title heading."""
    return heading_prefix(slug) + "title"


def part_anchor(slug: str) -> str:
    """The id of the title of the part that the chapter ``slug`` opens."""
    return heading_prefix(slug) + "part"


def block_anchor(prefix: str, number: int) -> str:
    """The id of a chapter's ``number``-th block without an id of its own (where a page may begin)."""
    return f"{prefix}b{number}"


def citation_anchor(prefix: str, number: int) -> str:
    """The id of a chapter's ``number``-th citation mark (what a source's "Cited in" links back to)."""
    return f"{prefix}cite-{number}"


def term_use_anchor(prefix: str, number: int) -> str:
    """The id of a chapter's ``number``-th use of a glossary term (what "Used in" links back to)."""
    return f"{prefix}gloss-{number}"


def red_flag_anchor(prefix: str, number: int) -> str:
    """The id of a chapter's ``number``-th red-flag box (what the card's signs link back to)."""
    return f"{prefix}flag-{number}"


def reference_anchor(key: str) -> str:
    """The id of a reference's entry in a list of sources (the book's bibliography, a handout's)."""
    return f"ref-{key}"


def term_anchor(term: str) -> str:
    """The id of a glossary entry (its ``dt``)."""
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
