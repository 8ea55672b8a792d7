"""The pocket red-flag card per clinic profile: standard (A6, at least 12 pt),
large print (A5, at least 18 pt), and a sheet of standard cards with cut marks
for each paper size. A card that does not fit on one page fails the build."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import Location
from ..fonts import font_roots
from ..messages import Messages
from ..model import Book, Output, Profile, RedFlag, output_path
from ..model.entries import (
    LARGE_PRINT_CARD,
    STANDARD_CARD,
    CardVariant,
    Done,
    Early,
    Entry,
    Group,
    Kind,
    Listing,
    Made,
    Plan,
    Task,
)
from ..pdf.jobs import PdfJob
from ..pdf.overflow import overflow_findings
from ..pdf.printcss import print_stylesheets
from ..templates import layout_roots, render
from ..views import CardTier, build_time, card_view, check_card

KIND = Kind("card", frozenset({Group.HANDOUTS}))
CARD = (105.0, 148.0)  # A6, mm
SHEETS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PRINTER_MARGIN = 6.35  # a quarter inch: what most office printers cannot print
CARD_MARGIN = 6.0  # the card's own margin (its @page margin)
MARK = 4.0  # length of a cut mark


@dataclass(frozen=True)
class Slot:
    x: float
    y: float
    w: float
    h: float
    rotated: bool
    inner_x: float
    inner_y: float


def layout_sheet(paper: str) -> tuple[list[Slot], list[dict[str, float]]]:
    """As many cards as fit inside the printer's margins, upright or turned."""
    width, height = SHEETS[paper]
    room_w, room_h = width - 2 * PRINTER_MARGIN, height - 2 * PRINTER_MARGIN
    w, h = CARD
    upright = int(room_w // w) * int(room_h // h)
    turned = int(room_w // h) * int(room_h // w)
    rotated = turned > upright
    slot_w, slot_h = (h, w) if rotated else (w, h)
    cols, rows = int(room_w // slot_w), int(room_h // slot_h)
    x0, y0 = (width - cols * slot_w) / 2, (height - rows * slot_h) / 2
    inner_w, inner_h = w - 2 * CARD_MARGIN, h - 2 * CARD_MARGIN
    slots = []
    for row in range(rows):
        for col in range(cols):
            inner_x = (slot_w - inner_w) / 2
            inner_y = (slot_h - inner_h) / 2
            slots.append(
                Slot(
                    round(x0 + col * slot_w, 2),
                    round(y0 + row * slot_h, 2),
                    slot_w,
                    slot_h,
                    rotated,
                    round(inner_x, 2),
                    round(inner_y, 2),
                )
            )
    marks = []
    xs = sorted({round(x0 + c * slot_w, 2) for c in range(cols + 1)})
    ys = sorted({round(y0 + r * slot_h, 2) for r in range(rows + 1)})
    for x in xs:  # vertical marks above and below the grid
        marks += [
            {"x": x - 0.15, "y": y0 - MARK - 1, "w": 0.3, "h": MARK},
            {"x": x - 0.15, "y": ys[-1] + 1, "w": 0.3, "h": MARK},
        ]
    for y in ys:  # horizontal marks left and right of the grid
        marks += [
            {"x": x0 - MARK - 1, "y": y - 0.15, "w": MARK, "h": 0.3},
            {"x": xs[-1] + 1, "y": y - 0.15, "w": MARK, "h": 0.3},
        ]
    return slots, marks


def card_flags(book: Book, draft: bool) -> list[RedFlag]:
    """The signs a card gathers: those of reviewed articles, or (the draft card) every sign of the book."""
    drafts = {a.slug for a in book.articles if a.is_draft}
    return list(book.red_flags) if draft else [f for f in book.red_flags if f.article not in drafts]


def _tiers(book: Book, profile: Profile, draft: bool = False) -> list[CardTier]:
    say = Messages(book.language)
    return card_view(book, say, profile.contacts(), lambda slug, anchor: "", card_flags(book, draft))


def _plan(book: Book, profile: Profile, variant: CardVariant, layouts: Path, draft: bool, early: Early) -> Plan:
    """One card; ``draft``: the card with every sign, drafts' included, stamped and under drafts/cards/."""
    say = Messages(book.language)
    tiers = _tiers(book, profile, draft)
    slots, marks = layout_sheet(variant.paper) if variant.paper else ([], [])
    title = f"{say('card')} \u2014 {profile.name}"
    html = render(
        "card/card.html.j2",
        layouts,
        lang=book.language,
        title=title,
        tiers=tiers,
        clinic=profile,
        say=say,
        slots=slots,
        marks=marks,
        sample=book.config.sample,
        draft=draft,
        created=build_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    sheets = print_stylesheets(layouts, variant.paper or "a4", say, "card/card.css")
    if variant == STANDARD_CARD:
        sheets.append("@page { size: A6; }")
    elif variant == LARGE_PRINT_CARD:
        sheets += [render("card/large-print.css", layouts), "@page { size: A5; }"]
    else:
        sheets.append("@page { margin: 0; }")
    path = card_path(profile, variant, draft)
    job = PdfJob(html, book.root, tuple(sheets), (book.root, *layout_roots(layouts), *font_roots()), title)
    return Plan((Task(path, job),), partial(_finish, book, profile, variant, path, tiers, draft))


def _finish(
    book: Book, profile: Profile, variant: CardVariant, path: str, tiers: list[CardTier], draft: bool, done: Done
) -> Made:
    result = done.results[0]
    if not draft:  # the draft card is for the editors: it may run over its page
        where = f"the {variant.name} red-flag card of {profile.slug}"
        check_card(result.anchors, tiers, where, overflowed=result.pages != 1, contacts=True)
    cut = overflow_findings(result.overflows, path, book.articles, Location(book.root / "book.yaml"))
    extra: dict[str, object] = {"profile": profile.slug}
    if variant.paper:
        extra["paper"] = variant.paper
        extra["cards_per_sheet"] = len(layout_sheet(variant.paper)[0])
    variant_name = f"{profile.slug}-{variant.name}" + ("-draft" if draft else "")
    return Made([Output(KIND.name, variant_name, path, result.data, result.pages, extra)], cut)


def entries(book: Book, layouts: Path) -> Listing:
    """Every card of every profile (see :func:`variants`)."""
    listed = []
    for profile in book.profiles:
        for variant, draft in variants(book, profile):
            path = card_path(profile, variant, draft)
            label = f"Red-flag card ({variant.name})" + (" (draft)" if draft else "")
            plan = partial(_plan, book, profile, variant, layouts, draft)
            listed.append(Entry(path, KIND, label, plan, profile=profile.slug, paper=variant.paper, size=variant.name))
    return Listing(listed, (KIND,))


def variants(book: Book, profile: Profile) -> list[tuple[CardVariant, bool]]:
    """In cards/ the signs of reviewed articles (none when they have no red flags): standard, large print and a
    sheet per paper; when drafts have signs too, a card with every sign in drafts/cards/, stamped as a draft (in
    standard and large print, as many pages as it takes: no sheet to cut, it is not for patients)."""
    found = []
    if card_flags(book, False):
        found += [(v, False) for v in (STANDARD_CARD, LARGE_PRINT_CARD, *map(CardVariant.sheet, profile.papers))]
    if _drafts_have_flags(book):
        found += [(STANDARD_CARD, True), (LARGE_PRINT_CARD, True)]
    return found


def card_path(profile: Profile, variant: CardVariant, draft: bool) -> str:
    return output_path("cards", profile.slug, f"red-flag-card-{variant.name}.pdf", draft)


def _drafts_have_flags(book: Book) -> bool:
    return len(card_flags(book, True)) > len(card_flags(book, False))
