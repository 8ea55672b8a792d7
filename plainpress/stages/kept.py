"""Conversions kept from the last build: an article whose source and whose book around it did not change is
not converted again. Python-Markdown and the checks of each article were most of reading a large book, and
so of every rebuild after a one-article edit.

An entry is the analyse stage's result for one article (:class:`~plainpress.markup.Converted` with its parse,
the citation keys it numbered, the findings and prose of :func:`~plainpress.checks.inspect`), under
``.plainpress-cache/parsed/``. Its key hashes what a conversion reads: the article's file and place in the
book; the citation numbers given before it (numbers are given in reading order, across the book); and the
book around it: the configuration, the glossary, every article's slug and title, the references' keys, the
contacts, the words of the language, and the code and library versions. An article that shows images, or
has anything it refers to refused, is never kept (judging a file reads it, and a missing one may be added).

Entries are read back with an unpickler that builds only plainpress's own types, the parse's tree (kept as
plain values) and plain values; an entry that cannot be read is no entry. Those a build did not use are
removed after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from ..errors import Finding
from ..markup import Converted, Parsed
from ..model import Article, Book
from ..safety import read_regular
from ..stamp import book_around, clear, write_whole

FOLDER = "parsed"
SAFE_MODULES = ("builtins", "collections", "datetime", "pathlib", "enum")
SAFE_BUILTINS = frozenset({"set", "frozenset", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes"})


@dataclass
class KeptArticle:
    converted: Converted
    numbered: list[str]  # the citation keys it asked numbers for, in order
    findings: list[Finding]  # of checks.inspect
    prose: list[str]


def book_context(book: Book) -> str:
    """The digest of everything around an article that its conversion and checks read."""
    return book_around(book)


Tree = tuple[str, tuple[tuple[str, str], ...], str | None, str | None, tuple[Any, ...]]


def _encoded(element: Any) -> Tree:
    """An lxml element as plain values (tag, attributes, text, tail, children): exact, with no parser between."""
    if not isinstance(element.tag, str):
        raise TypeError("only elements are kept")  # the sanitiser leaves no comment or instruction
    children = tuple(_encoded(child) for child in element)
    return element.tag, tuple(element.attrib.items()), element.text, element.tail, children


def _tree(data: Tree, parent: Any = None) -> Any:
    tag, attrib, text, tail, children = data
    element = lxml.html.Element(tag) if parent is None else lxml.etree.SubElement(parent, tag)
    for name, value in attrib:
        element.set(name, value)
    element.text, element.tail = text, tail
    for child in children:
        _tree(child, element)
    return element


class _Writer(pickle.Pickler):
    """Writes an lxml tree as plain values; refuses the article (the parse's own reference to it is left out,
    and the reader gives its own) and anything else that is not data."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.trees = 0

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, lxml.etree._Element):
            self.trees += 1
            return _tree, (_encoded(obj),)
        if isinstance(obj, Article):
            raise TypeError("the article is the reader's")
        return NotImplemented


class _Reader(pickle.Unpickler):
    """Builds plainpress's own types, the parse's tree and plain values only."""

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_tree":
            return _tree
        if module.startswith("plainpress.") or (
            module in SAFE_MODULES and (module != "builtins" or name in SAFE_BUILTINS)
        ):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"not kept here: {module}.{name}")


@dataclass
class Kept:
    """The conversions of the last build, in ``folder`` (``.plainpress-cache/``), and those this build used."""

    folder: Path
    used: set[str] = field(default_factory=set)

    def key(self, context: str, article: Article, numbers: dict[str, int]) -> str:
        h = hashlib.sha256(context.encode())
        for part in (str(article.path), article.slug, str(article.number), str(article.body_line), str(article.part)):
            h.update(part.encode() + b"\0")
        h.update(repr(article.meta).encode() + b"\0" + article.body.encode() + b"\0")
        h.update(repr(list(numbers.items())).encode())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / FOLDER / key[:2] / f"{key}.pickle"

    def get(self, key: str, article: Article) -> KeptArticle | None:
        try:
            data = read_regular(self._path(key))
            digest, body = data[:64].decode("ascii"), data[64:]
            if hashlib.sha256(body).hexdigest() != digest:
                return None  # damaged entry: convert again
            found = _Reader(io.BytesIO(body)).load()
            if not isinstance(found, KeptArticle) or not isinstance(found.converted.parsed, Parsed):
                return None
            found.converted.parsed.article = article
        except Exception:
            return None
        self.used.add(key)
        return found

    def put(self, key: str, article: Article, kept: KeptArticle) -> None:
        """Keep one article's conversion; not one that shows images or has what it refers to refused (files are
        judged, and a missing one may be added), nor one with more than its one tree."""
        guard = kept.converted.guard
        if not isinstance(kept.converted.parsed, Parsed) or guard.images or guard.problems:
            return  # what it refers to is judged again, from the files as they are now
        out = io.BytesIO()
        writer = _Writer(out)
        parsed = kept.converted.parsed
        parsed.article = None  # type: ignore[assignment]
        try:
            writer.dump(kept)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        finally:
            parsed.article = article
        if writer.trees > 1:
            return  # an element held twice would come back as two
        body = out.getvalue()
        with contextlib.suppress(OSError):
            write_whole(self._path(key), hashlib.sha256(body).hexdigest().encode("ascii") + body)
            self.used.add(key)

    def prune(self) -> None:
        """Keep the entries this build used."""
        folder = self.folder / FOLDER
        if not folder.is_dir():
            return
        for path in folder.glob("*/*"):
            if path.stem not in self.used:
                with contextlib.suppress(OSError):
                    clear(path)
