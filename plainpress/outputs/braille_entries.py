"""The braille edition in the catalogue: a BRF file per article and card of each clinic profile (or
``neutral``), and the book in volumes, which needs the book PDF's page starts for its print page
numbers (the book PDF is laid out for them, not written, when it is not built too). Made by
:mod:`plainpress.outputs.braille`; no layout, so no render task: each entry is made in ``finish``,
from the render cache when its document did not change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import louis
from ..cache import RenderCache
from ..errors import Location
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
    record_outputs,
)
from .braille_inputs import Chapters, HandoutInputs
from .braille_volumes import first_pages, undefined_chars, undefined_findings
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
    inputs = HandoutInputs(book, code)
    edition = _Edition(book, code, memo, inputs, Chapters(inputs))
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
                    _planner(edition, make, known=partial(edition.inputs.key, article, profile)),
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
            listed.append(Entry(path, BRAILLE_CARD, label, _planner(edition, make), profile=folder, view=view))
        make = partial(book_document, book, code, profile, book_stem(book.config.title), edition.chapters)
        path = f"braille/{folder}/{book_stem(book.config.title)}-volume"
        needs = (Need(Product.PAGE_STARTS, required=True),)
        planner = _planner(edition, make, report=False)  # its characters are reported with each article's
        listed.append(
            Entry(path, BRAILLE_BOOK, "The book in braille", planner, needs, volumes=True, profile=folder, view=view)
        )
    return Listing(listed, KINDS, findings)


Known = Callable[[], str | None]  # the key of what a document is made from


@dataclass
class _Edition:
    """What the braille entries of one build share."""

    book: Book
    code: Code
    memo: Translations
    inputs: HandoutInputs
    chapters: Chapters


def _planner(
    edition: _Edition,
    document: Callable[[], Document],
    report: bool = True,
    known: Known | None = None,
) -> Callable[[Early], Plan]:
    """``known``: the key of what the document is made from (a handout's), if it has one."""

    def plan(early: Early) -> Plan:
        return Plan((), partial(_finish, edition, document, report, known))

    return plan


def memo_key(what: str = "translations") -> str:
    """The key of a memo of the braille in the render cache: the translations (each text kept under its code),
    or the book's chapters (each under its inputs); by liblouis's version and this code."""
    return hashlib.sha256(f"braille {what}\0{code_fingerprint()}\0{louis.version()}".encode()).hexdigest()


def _remember(edition: _Edition, cache: RenderCache | None) -> None:
    if cache is not None and edition.memo.memo is None:
        edition.memo.memo = cache.memo("braille", memo_key())
        edition.chapters.memo = cache.memo("braille", memo_key("chapters"))


def _finish(edition: _Edition, document: Callable[[], Document], report: bool, known: Known | None, done: Done) -> Made:
    book, code, cache = edition.book, edition.code, done.cache
    _remember(edition, cache)
    key = known() if known is not None and cache is not None else None
    if key is not None and cache is not None:
        found = _made_before(edition, cache, key)
        if found is not None:
            return found
    doc = document()
    chars = undefined_chars(code, doc) if report else []
    made = Made(findings=undefined_findings(book, code, doc.path, doc.location, chars))
    starts = done.products.get(Product.PAGE_STARTS)
    pages = first_pages(starts) if starts is not None else {}
    for output, cached in document_outputs(doc, code, pages, cache, edition.memo):
        made.outputs.append(output)
        if cached:
            made.cached.add(output.path)
    if key is not None and cache is not None:
        at = doc.location
        where = [str(at.path), at.line, at.column] if at else None
        record = {"document": doc.key(code, pages), "kind": doc.kind, "variant": doc.variant, "path": doc.path}
        cache.put_record("braille", key, [{**record, "location": where, "undefined": chars}])
    return made


def _made_before(edition: _Edition, cache: RenderCache, key: str) -> Made | None:
    """The outputs and findings of a document whose inputs had ``key`` in the last build; None when not kept."""
    index = cache.get_record("braille", key)
    try:
        [record] = index or []
        document, kind, variant, path = (str(record[name]) for name in ("document", "kind", "variant", "path"))
        where, chars = record["location"], [str(c) for c in record["undefined"]]  # type: ignore[attr-defined]
        location = Location(Path(where[0]), where[1], where[2]) if where else None  # type: ignore[index]
        files = cache.get_record("braille", document)
        if files is None:
            return None
        made = Made(findings=undefined_findings(edition.book, edition.code, path, location, chars))
        made.outputs += record_outputs(kind, variant, edition.code, files)
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    made.cached.update(output.path for output in made.outputs)
    return made
