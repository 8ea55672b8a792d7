"""What the sources become: articles with their headings, parts, the uses of glossary terms and
citations, red flags, and the book that holds them, resolved across the whole book."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Finding, Location
from ..messages import Messages
from ..sources.yamlsrc import SourceText
from ..trust import TrustMarks
from .config import ArticleMeta, BookConfig, GlossaryEntry, Profile, Tier


@dataclass
class Heading:
    level: int
    text: str
    anchor: str
    line: int | None = None
    outline: bool = True  # False for headings of notices, kept out of contents and bookmarks


@dataclass
class Article:
    slug: str
    path: Path
    meta: ArticleMeta
    body: str
    body_line: int
    part: str | None = None
    number: int = 0
    headings: list[Heading] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)  # paragraphs and list items as plain text, for the checks
    parsed: object = field(default=None, repr=False, compare=False)  # its one conversion (markup.Parsed), by analyse

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def location(self) -> Location:
        return Location(self.path, self.meta.source_line)

    @property
    def is_draft(self) -> bool:
        """A draft has no review dates (reviewed and next_review), or says `status: draft`. Every output
        stamps it, and its per-clinic files go under drafts/ (see output_path)."""
        meta = self.meta
        return meta.status == "draft" or meta.reviewed is None or meta.next_review is None

    def at(self, body_line: int | None) -> Location:
        """The location of a line of the body, counted from 1."""
        return Location(self.path, None if body_line is None else self.body_line + body_line - 1)


def output_path(kind: str, clinic: str, name: str, draft: bool = False) -> str:
    """Where a per-clinic output goes, relative to dist/: `<kind>/<clinic>/<name>`, or for a draft
    `drafts/<kind>/<clinic>/<name>`, so that staff who print `<kind>/` never print a draft.
    kind is the folder of the output: handouts, cards, braille, audio."""
    return f"drafts/{kind}/{clinic}/{name}" if draft else f"{kind}/{clinic}/{name}"


@dataclass
class GlossaryUse:
    article: str
    anchor: str


@dataclass
class CitationUse:
    article: str
    anchor: str
    key: str


@dataclass
class RedFlag:
    tier: Tier
    text: str
    article: str
    anchor: str
    line: int | None


@dataclass
class Reference:
    key: str
    location: Location  # CSL-JSON: the line of the entry's "id" (else its start); BibTeX: of "@type{key,"
    title: str | None
    year: int | None
    doi: str | None
    url: str | None
    csl: dict[str, Any]  # the entry as CSL-JSON data


@dataclass
class Part:
    title: str | None
    articles: list[Article]


@dataclass
class Book:
    root: Path
    config: BookConfig
    parts: list[Part]
    findings: list[Finding] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    glossary_path: Path | None = None
    profiles: list[Profile] = field(default_factory=list)
    references: dict[str, Reference] = field(default_factory=dict)
    sources: dict[Path, SourceText] = field(default_factory=dict)  # every file gather read, in the order read
    # Filled by the analyse stage, in reading order:
    citation_numbers: dict[str, int] = field(default_factory=dict)  # key -> number, by first citation
    citation_uses: list[CitationUse] = field(default_factory=list)
    glossary_uses: dict[str, list[GlossaryUse]] = field(default_factory=dict)
    red_flags: list[RedFlag] = field(default_factory=list)
    images: dict[str, Path] = field(default_factory=dict)  # path in the book (POSIX) -> real path, every image shown

    @property
    def print_identifier(self) -> str:
        """The print edition's identifier: given in book.yaml, or derived from the e-book's."""
        given = self.config.print_identifier
        return given or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.config.identifier + '#print')}"

    def contacts(self) -> dict[str, str]:
        """The book's own contact words, for red flags and the card of the EPUB and book PDF."""
        c = self.config.contacts
        return {
            "emergency_number": c.emergency_number,
            "advice_line": c.advice_line,
            "advice_line_name": c.advice_line_name or Messages(self.language)("contacts.advice_line_name"),
        }

    def trust_marks(self, article: Article | None = None) -> TrustMarks:
        """The trust marks of an article (its own, else the book's), or of the whole book."""
        meta, book = (article.meta if article else None), self.config
        return TrustMarks(
            authors=tuple((meta.authors if meta and meta.authors else None) or book.authors),
            clinical_reviewer=(meta.clinical_reviewer if meta else None) or book.clinical_reviewer,
            publisher=(meta.publisher if meta else "") or book.publisher,
            funding=(meta.funding if meta else "") or book.funding,
            evidence=(meta.evidence if meta else "") or book.evidence,
            feedback=(meta.feedback if meta else "") or book.feedback,
        )

    def citation_number(self, key: str) -> int | None:
        return self.citation_numbers.get(key)

    @property
    def cited_keys(self) -> list[str]:
        return sorted(self.citation_numbers, key=self.citation_numbers.__getitem__)

    @property
    def articles(self) -> list[Article]:
        return [a for part in self.parts for a in part.articles]

    @property
    def language(self) -> str:
        return self.config.language

    def article(self, slug: str) -> Article | None:
        return next((a for a in self.articles if a.slug == slug), None)
