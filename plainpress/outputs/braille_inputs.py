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

from .. import louis
from ..markup import Parsed
from ..messages import DEFAULT_LANGUAGE, base_language, load_messages
from ..model import Article, Book, Profile
from ..stamp import code_fingerprint, library_versions
from .brf import Code


class HandoutInputs:
    """The keys of one book's braille handouts (what is the same for every article is hashed once)."""

    def __init__(self, book: Book, code: Code) -> None:
        self.book, self.code = book, code
        self.terms: dict[str, set[str]] = {}  # article -> the glossary terms it uses
        self.cited: dict[str, dict[str, None]] = {}  # article -> the keys it cites, in order

    @functools.cached_property
    def around(self) -> str:
        book = self.book
        for term, uses in book.glossary_uses.items():
            for use in uses:
                self.terms.setdefault(use.article, set()).add(term)
        for cite in book.citation_uses:
            self.cited.setdefault(cite.article, {}).setdefault(cite.key)
        parts = (
            "braille handout",
            code_fingerprint(),
            library_versions(),
            louis.version(),
            self.code.key(),
            repr(book.config),
            repr(book.glossary),
            repr([(a.slug, a.title, a.is_draft) for a in book.articles]),
            repr(sorted(book.references)),
            repr(sorted(book.contacts().items())),
            repr(sorted(load_messages(base_language(book.language)).items())),
            repr(sorted(load_messages(DEFAULT_LANGUAGE).items())),
            str(book.root),
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def key(self, article: Article, profile: Profile | None) -> str | None:
        """The key of ``article``'s braille handout for ``profile``; None when it must be made (see above)."""
        parsed = article.parsed
        if not isinstance(parsed, Parsed) or parsed.found.guard.images or parsed.found.guard.problems:
            return None
        h = hashlib.sha256(self.around.encode())
        for part in (str(article.path), article.slug, str(article.number), str(article.body_line), str(article.part)):
            h.update(part.encode() + b"\0")
        h.update(repr(article.meta).encode() + b"\0" + article.body.encode() + b"\0")
        keys = list(self.cited.get(article.slug, {}))
        h.update(repr([(k, self.book.references[k]) for k in keys if k in self.book.references]).encode())
        h.update(repr((keys, sorted(self.terms.get(article.slug, ())), profile)).encode())
        return h.hexdigest()
