"""The braille edition in the catalogue: a BRF file per article and card of each clinic profile (or
``neutral``), and the book in volumes, which needs the book PDF's page starts for its print page
numbers (the book PDF is laid out for them, not written, when it is not built too). Made by
:mod:`plainpress.outputs.braille`; no layout, so no render task: each entry is made in ``finish``,
from the render cache when its document did not change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .. import louis
from ..cache import RenderCache
from ..model import Book, Profile, output_path
from ..model.entries import Done, Early, Entry, Group, Kind, Listing, Made, Need, Plan, Product, Scope, book_stem
from ..stamp import code_fingerprint
from .braille import (
    Code,
    Document,
    article_path,
    book_document,
    braille_setup,
    card_document,
    card_signs,
    document_outputs,
    folder_of,
    handout_document,
)
from .braille_volumes import first_pages, undefined_findings
from .brf import Translations, read_back

BRAILLE_HANDOUT = Kind("braille-handout", frozenset({Group.BRAILLE}))
BRAILLE_CARD = Kind("braille-card", frozenset({Group.BRAILLE}))
BRAILLE_BOOK = Kind("braille-book", frozenset({Group.BRAILLE}), Scope.BOOK)
KINDS = (BRAILLE_HANDOUT, BRAILLE_CARD, BRAILLE_BOOK)


def entries(book: Book, layouts: Path) -> Listing:
    code, findings = braille_setup(book)  # liblouis and its tables are checked before any layout
    if code is None:
        return Listing([], KINDS, findings)
    listed, view = [], partial(read_back, code)  # the preview's page of a file: Unicode braille, read back
    memo = Translations()  # this build's: every text translated once, and the last build's not at all
    profiles: list[Profile | None] = list(book.profiles) or [None]
    for profile in profiles:
        folder = folder_of(book, profile)
        for article in book.articles:
            make = partial(handout_document, book, code, article, profile)
            path = article_path(book, profile, article)
            label = f"{article.title} (braille)"
            listed.append(
                Entry(
                    path,
                    BRAILLE_HANDOUT,
                    label,
                    _planner(book, code, memo, make),
                    profile=folder,
                    article=article.slug,
                    view=view,
                )
            )
        reviewed, every = card_signs(book, False), card_signs(book, True)
        for draft in [
            d for d, signs in ((False, reviewed), (True, every)) if signs and (not d or len(every) > len(reviewed))
        ]:
            path = output_path("braille", folder, "red-flag-card.brf", draft)
            make = partial(card_document, book, code, profile, draft)
            label = "Red-flag card (braille" + (", draft)" if draft else ")")
            listed.append(Entry(path, BRAILLE_CARD, label, _planner(book, code, memo, make), profile=folder, view=view))
        make = partial(book_document, book, code, profile, book_stem(book.config.title))
        path = f"braille/{folder}/{book_stem(book.config.title)}-volume"
        needs = (Need(Product.PAGE_STARTS, required=True),)
        planner = _planner(book, code, memo, make, report=False)  # its characters are reported with each article's
        listed.append(
            Entry(path, BRAILLE_BOOK, "The book in braille", planner, needs, volumes=True, profile=folder, view=view)
        )
    return Listing(listed, KINDS, findings)


def _planner(
    book: Book, code: Code, memo: Translations, document: Callable[[], Document], report: bool = True
) -> Callable[[Early], Plan]:
    def plan(early: Early) -> Plan:
        return Plan((), partial(_finish, book, code, memo, document, report))

    return plan


def memo_key() -> str:
    """The key of the translations' memo in the render cache: liblouis's version and this code (each text is
    kept under its code)."""
    return hashlib.sha256(f"braille translations\0{code_fingerprint()}\0{louis.version()}".encode()).hexdigest()


def _remember(memo: Translations, cache: RenderCache | None) -> None:
    if cache is not None and memo.memo is None:
        memo.memo = cache.memo("braille", memo_key())


def _finish(
    book: Book, code: Code, memo: Translations, document: Callable[[], Document], report: bool, done: Done
) -> Made:
    _remember(memo, done.cache)
    doc = document()
    starts = done.products.get(Product.PAGE_STARTS)
    made = Made(findings=undefined_findings(book, code, doc) if report else [])
    pages = first_pages(starts) if starts is not None else {}
    for output, cached in document_outputs(doc, code, pages, done.cache, memo):
        made.outputs.append(output)
        if cached:
            made.cached.add(output.path)
    return made
