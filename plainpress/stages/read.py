"""Stages 1 to 3 as one step, the one way every command gets a checked book: gather (every source
into typed models), analyse (resolve across the book), enforce (errors stop here; warnings too
under ``--strict``). ``build``, ``handouts``, ``check``, ``import`` and the preview all read a book
with :func:`read_book`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Finding
from ..model import Book
from .analyse import analyse
from .enforce import enforce, review
from .gather import gather
from .kept import Kept


def read_book(
    book_dir: Path, strict: bool = False, today: dt.date | None = None, *, stop: bool = True, kept: Kept | None = None
) -> tuple[Book, list[Finding]]:
    """The analysed book and every finding, ordered by file and line (see :func:`review`).

    Sources that cannot be read raise (:class:`~plainpress.errors.SourceError`, or
    :class:`Problems` from the analyse stage). With ``stop`` (a build), findings that must stop it
    (errors, and warnings under ``strict``) raise :class:`~plainpress.errors.Problems` with every finding; without
    (``check``, ``import``), they are returned for the caller to report. ``kept``: the last build's conversions
    (:mod:`plainpress.stages.kept`), of the articles that did not change."""
    book = analyse(gather(book_dir), kept)
    return book, enforce(book, strict, today) if stop else review(book, today)
