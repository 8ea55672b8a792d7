"""The ONE list of the design's deliberate differences between outputs.

Everything an article says reaches every output. The only exceptions are the ones listed here:
wording that only print (or only the screen) carries, and what each output adds of its own. Tests
that compare one output's text with another's (the print round trip of issue 15, the PDF transcript
of issue 17b) take their exceptions from this list and from nowhere else, so that a new difference
is a decision written down here, not a loosened test.

Outputs are named by kind:

- ``epub``: the EPUB (the screen edition: e-readers, screen readers);
- ``book``: the book PDF;
- ``handout``: a handout PDF (standard and large print, A4 and Letter);
- ``card``: a pocket red-flag card PDF (and its sheets).

Each difference names how to find it in the HTML that an output is made from (``classes``: an
element carrying one of these classes, with everything inside it; ``elements``: elements by tag;
``attribute``: an attribute whose value is text one output gives and another does not) and, for
wording, a regular expression of the words (``pattern``) in the book's languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

EPUB, BOOK, HANDOUT, CARD = "epub", "book", "handout", "card"
OUTPUTS = frozenset({EPUB, BOOK, HANDOUT, CARD})
PRINT = frozenset({BOOK, HANDOUT, CARD})
SCREEN = frozenset({EPUB})


@dataclass(frozen=True)
class Difference:
    name: str
    shown_in: frozenset[str]  # the outputs that carry it; every other output does not
    why: str
    classes: tuple[str, ...] = ()  # HTML class of the element that carries it (with its content)
    elements: tuple[str, ...] = ()  # HTML elements that carry it
    attribute: str = ""  # an attribute whose text only some outputs show (e.g. alt: read, not printed)
    pattern: str = ""  # the words, as a regular expression (English and Spanish)
    generated: bool = False  # made by CSS generated content or by the layout, so not in the HTML's text
    varies: bool = False  # present in every output, but its words differ by output (numbers, contacts)
    flags: tuple[str, ...] = field(default=())

    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern, re.IGNORECASE) if self.pattern else None


DIFFERENCES: tuple[Difference, ...] = (
    # --- wording that only print carries
    Difference(
        "handout-see-note",
        frozenset({HANDOUT}),
        "A handout stands alone: a link to another article is printed as its words followed by the name "
        "of the handout to ask for, where the screen editions link to the chapter.",
        classes=("xref-note",),
        pattern=r"\(\s*(?:see the handout|vea la hoja informativa)\s*[“«\"].*?[”»\"]\s*\)",
    ),
    Difference(
        "page-numbers",
        frozenset({BOOK, HANDOUT}),
        "Page numbers exist only on paper: the contents' leaders and numbers, ', page N' after glossary and "
        "bibliography uses, and 'Page N of M' in the footer (CSS generated content).",
        pattern=r"(?:,\s*(?:page|página)\s+\d+|(?:page|página)\s+\d+\s+(?:of|de)\s+\d+)",
        generated=True,
    ),
    Difference(
        "running-headers-and-footers",
        frozenset({BOOK, HANDOUT}),
        "Page furniture (the chapter's title at the top of a book page; the clinic's name and phone and the "
        "review stamp at the foot of a handout page) repeats on every page as an artifact. The same words "
        "are in the body (the chapter heading, the handout's contact block and 'About this handout').",
        generated=True,
    ),
    Difference(
        "stacked-tables",
        PRINT,
        "A table too wide for the page at the print size's minimum text size is printed stacked: each row a "
        "block of 'header: value' pairs, so each column's header is printed again before every value. "
        "Same words, header words repeated; the screen editions keep the grid (an e-reader scrolls it).",
        classes=("stacked-table",),
        generated=True,
    ),
    # --- what only the screen carries
    Difference(
        "epub-page-markers",
        SCREEN,
        "The EPUB marks where each page of the print edition begins (doc-pagebreak, named by the page "
        "number in aria-label) so that a reader can follow a printed page reference; they print nothing.",
        attribute="aria-label",
        elements=("span",),
        flags=("pagebreak",),
    ),
    Difference(
        "image-alt-text",
        SCREEN,
        "An image's text alternative is read aloud, and the picture itself is printed.",
        attribute="alt",
    ),
    Difference(
        "bibliography-backlinks",
        frozenset({EPUB, BOOK}),
        "The EPUB's bibliography links back to each use of a source by number ('1, 2', each with an "
        "aria-label naming the chapter); the book PDF names each chapter once, with its page number.",
        classes=("backlinks",),
        varies=True,
    ),
    # --- present everywhere, in each output's own words
    Difference(
        "citation-numbers",
        frozenset({EPUB, BOOK, HANDOUT}),
        "Sources are numbered across the book in the EPUB and the book PDF, and within the handout in a "
        "handout: the same citation can carry different numbers.",
        classes=("citation",),
        varies=True,
    ),
    Difference(
        "red-flag-contacts",
        frozenset({EPUB, BOOK, HANDOUT, CARD}),
        "What to do about a red flag names the book's advice line in the EPUB and the book PDF, and the "
        "clinic's own numbers (name, phone, out-of-hours) in a clinic's handouts and cards.",
        classes=("red-flag-action", "card-contacts"),
        varies=True,
    ),
    Difference(
        "review-line",
        frozenset({EPUB, BOOK, HANDOUT}),
        "When an article was reviewed is said in each output's own words: a line at the end of the chapter "
        "in the EPUB and the book PDF ('Last reviewed 2 January 2026'), the stamp of 'About this handout' "
        "and of every page's footer in a handout ('Reviewed 2 Jan 2026 · Next review …').",
        classes=("reviewed",),
        varies=True,
    ),
    Difference(
        "part-title",
        frozenset({EPUB, BOOK}),
        "The first chapter of a part names the part above its title in the book (on paper and on screen); "
        "a handout stands alone and belongs to no part.",
        classes=("part-title",),
    ),
    Difference(
        "trust-marks",
        frozenset({EPUB, BOOK, HANDOUT}),
        "Who wrote and reviewed an article, and how it is funded and sourced, closes the chapter in the EPUB "
        "and the book PDF, and is part of 'About this handout' on a handout's last page (issue 16).",
        classes=("trust", "trust-marks"),
        varies=True,
    ),
    Difference(
        "draft-marks",
        frozenset({EPUB, BOOK, HANDOUT, CARD}),
        "A draft says so in every output, in each one's own place: a notice under the chapter's title in "
        "the EPUB and the book PDF, a banner on a handout's first and every page, a stamp on a card (issue 16).",
        classes=("draft-notice", "draft-banner"),
        varies=True,
    ),
    # --- what an output adds of its own
    Difference(
        "handout-parts",
        frozenset({HANDOUT}),
        "A handout adds the clinic's header and contact block, its own 'Words to know' and 'Sources' "
        "(only what the article uses), the QR code and address of the online version, and 'About this "
        "handout' (review stamp, disclaimer).",
        classes=("handout-head", "contact-block", "words", "sources", "online", "about"),
    ),
    Difference(
        "book-parts",
        frozenset({EPUB, BOOK}),
        "The book (on paper and on screen) adds a title page, contents, the red-flag card, the glossary, "
        "the bibliography and the colophon; the EPUB's contents is its navigation document.",
        classes=("titlepage", "toc", "card", "glossary", "bibliography", "colophon"),
    ),
    Difference(
        "card-sheet",
        frozenset({CARD}),
        "A sheet of cards repeats the card once per slot, with cut marks (which are drawn, not text).",
        classes=("card-slot", "cut-mark"),
    ),
    Difference(
        "decorative-icons",
        OUTPUTS,
        "The tier icons beside a red flag's label are decoration (aria-hidden, no text); the label says "
        "the tier in words in every output.",
        classes=("red-flag-icon",),
    ),
)

BY_NAME = {d.name: d for d in DIFFERENCES}


def hidden_in(output: str) -> list[Difference]:
    """The differences an output does not carry (what another output shows and this one must not be
    blamed for missing)."""
    assert output in OUTPUTS, output
    return [d for d in DIFFERENCES if output not in d.shown_in]


def only_in(outputs: Iterable[str]) -> list[Difference]:
    """The differences carried by some of ``outputs`` and not by others."""
    wanted = frozenset(outputs)
    return [d for d in DIFFERENCES if d.shown_in & wanted and not wanted <= d.shown_in]


def skipped_classes(*outputs: str) -> set[str]:
    """The classes whose elements a comparison of these outputs leaves out: shown in only some of them,
    or worded differently in each."""
    out: set[str] = set()
    for d in DIFFERENCES:
        if d.varies or not set(outputs) <= d.shown_in:
            out.update(d.classes)
    return out


def strip_wording(text: str, output: str) -> str:
    """``text`` without the words of the differences that ``output`` carries and others do not (the
    handout's "see the handout …" note, page numbers): what remains is what every output says."""
    for d in DIFFERENCES:
        regex = d.regex()
        if regex is not None and output in d.shown_in and d.shown_in != OUTPUTS:
            text = regex.sub(" ", text)
    return text
