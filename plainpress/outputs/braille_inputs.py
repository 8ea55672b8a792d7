"""What a braille handout is made from, as one key: when none of it changed since the last build, the
handout's file comes from the render cache without its document being built (the article's XHTML with the
braille policy, its blocks, its word list, its sources formatted by citeproc).

The key hashes everything :func:`~.braille.handout_document` reads: the article (its file, place in the
book, front matter and text); the book around it (the configuration, the glossary, every article's slug,
title and draft status, the references' keys, the contacts, the words of the language, the book's folder);
the references it cites and the terms it uses; the clinic's profile; the braille code, liblouis's version,
this code and the versions of the libraries it requires. An article whose conversion shows images or
refused something has no key (files are judged when it is converted, and a missing one may be added): its
document is built every time.

Under the key the render cache keeps the key of the document's own record (by its blocks, as for every
braille file) and the characters its code has no braille for, so the warning is given again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import TYPE_CHECKING

from .. import louis
from ..markup import Parsed
from ..model import Article, Book, Profile
from ..stamp import book_around
from .braille_blocks import Block
from .brf import Code

if TYPE_CHECKING:
    from ..cache import Memo


class HandoutInputs:
    """The keys of one book's braille handouts (what is the same for every article is hashed once)."""

    def __init__(self, book: Book, code: Code) -> None:
        self.book, self.code = book, code
        self.terms: dict[str, set[str]] = {}  # article -> the glossary terms it uses
        self.cited: dict[str, dict[str, None]] = {}  # article -> the keys it cites, in order
        for term, uses in book.glossary_uses.items():
            for use in uses:
                self.terms.setdefault(use.article, set()).add(term)
        for cite in book.citation_uses:
            self.cited.setdefault(cite.article, {}).setdefault(cite.key)

    @functools.cached_property
    def around(self) -> str:
        drafts = repr([a.is_draft for a in self.book.articles])
        return book_around(self.book, "braille handout", louis.version(), self.code.key(), drafts)

    def _article(self, article: Article, what: str) -> hashlib._Hash | None:
        parsed = article.parsed
        if not isinstance(parsed, Parsed) or parsed.found.guard.images or parsed.found.guard.problems:
            return None
        h = hashlib.sha256(f"{self.around}\0{what}\0".encode())
        for part in (str(article.path), article.slug, str(article.number), str(article.body_line), str(article.part)):
            h.update(part.encode() + b"\0")
        h.update(repr(article.meta).encode() + b"\0" + article.body.encode() + b"\0")
        keys = list(self.cited.get(article.slug, {}))
        h.update(repr([(k, self.book.references[k]) for k in keys if k in self.book.references]).encode())
        h.update(repr((keys, sorted(self.terms.get(article.slug, ())))).encode())
        return h

    def key(self, article: Article, profile: Profile | None) -> str | None:
        """The key of ``article``'s braille handout for ``profile``; None when it must be made (see above)."""
        h = self._article(article, "handout")
        if h is None:
            return None
        h.update(repr(profile).encode())
        return h.hexdigest()

    def chapter_key(self, article: Article, contacts: dict[str, str]) -> str | None:
        """The key of ``article``'s blocks in the book: its citations are numbered across the book."""
        h = self._article(article, "chapter")
        if h is None:
            return None
        numbers = [(k, self.book.citation_numbers.get(k)) for k in self.cited.get(article.slug, {})]
        h.update(repr((numbers, sorted(contacts.items()))).encode())
        return h.hexdigest()


Found = tuple[list[Block], int, int]  # a chapter's blocks, and the pictures and tables it has


class Chapters:
    """The blocks of the book's chapters (each article's XHTML with the book's braille policy, walked), kept in
    the render cache's memo from the last build under each chapter's :meth:`HandoutInputs.chapter_key`: an
    unchanged chapter's XHTML is not written again."""

    def __init__(self, inputs: HandoutInputs) -> None:
        self.inputs = inputs
        self.memo: Memo | None = None

    def get(self, article: Article, contacts: dict[str, str]) -> tuple[str | None, Found | None]:
        key = self.inputs.chapter_key(article, contacts) if self.memo is not None else None
        text = self.memo.get(key) if self.memo is not None and key is not None else None
        if text is None:
            return key, None
        try:
            pictures, tables, rows = json.loads(text)
            blocks = [_block(row) for row in rows]
        except (ValueError, TypeError):
            return key, None
        if type(pictures) is not int or type(tables) is not int:
            return key, None
        return key, (blocks, pictures, tables)

    def put(self, key: str | None, found: Found) -> None:
        if self.memo is not None and key is not None:
            blocks, pictures, tables = found
            rows = [[b.kind, b.text, b.first, b.runover, b.anchor, b.keep, b.right] for b in blocks]
            self.memo.put(key, json.dumps([pictures, tables, rows]))


def _block(row: list[object]) -> Block:
    kind, text, first, runover, anchor, keep, right = row
    types = (str, str, int, int, str, bool, str)
    if any(type(value) is not expected for value, expected in zip(row, types, strict=True)):
        raise TypeError("a block of the wrong shape")
    return Block(kind, text, first, runover, anchor, keep, right)  # type: ignore[arg-type]
