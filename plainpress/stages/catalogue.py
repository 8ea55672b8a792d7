"""The catalogue of a book's outputs: one line per output module, each listing its outputs as typed
entries (:mod:`plainpress.model.entries`). Build, ``--only``, ``handouts`` and the preview select from it
with one :class:`~plainpress.model.entries.Selection`; adding an output is one module with an
``entries(book, layouts) -> Listing`` function, and one line here.

A line names its module and the groups (``--only`` values) its outputs belong to, so that a
selection imports only the modules it can use (``--only epub`` loads no PDF renderer). An entry
that needs what no selected entry makes (the braille book needs the book PDF's page starts) gets
a helper: the entry that makes it, made but not written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Finding
from ..model import Book
from ..model.entries import Done, Entry, Group, Kind, Listing, Made, Plan, Product, Selection

BOOK, EPUB, HANDOUTS, BRAILLE, AUDIO = Group.BOOK, Group.EPUB, Group.HANDOUTS, Group.BRAILLE, Group.AUDIO


@dataclass(frozen=True)
class Line:
    module: str  # the module's full name; it has entries(book, layouts) -> Listing
    groups: frozenset[Group]  # every group of the kinds it makes
    provides: frozenset[Product] = frozenset()

    def listing(self, book: Book, layouts: Path) -> Listing:
        found: Listing = importlib.import_module(self.module).entries(book, layouts)
        return found


def line(module: str, *groups: Group, provides: tuple[Product, ...] = ()) -> Line:
    """A line for ``plainpress.outputs.<module>``."""
    return Line(f"plainpress.outputs.{module}", frozenset(groups), frozenset(provides))


# In the order their work is handed to the renderer: the longest first.
CATALOGUE: tuple[Line, ...] = (
    line("book_pdf", BOOK, provides=(Product.PAGE_STARTS,)),
    line("read_aloud", BOOK, AUDIO),
    line("handouts", HANDOUTS),
    line("cards", HANDOUTS),
    line("audio", HANDOUTS, AUDIO),
    line("epub", EPUB, BOOK, provides=(Product.EPUB, Product.UNPAGED_EPUB)),
    line("braille_entries", BRAILLE),
)


@dataclass
class Catalogue:
    """The entries a selection makes (in catalogue order), the helpers their required needs call for,
    every kind the listed modules make, and the findings of listing."""

    entries: list[Entry]
    helpers: list[Entry] = field(default_factory=list)
    kinds: list[Kind] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    providers: Callable[[Product], list[Entry]] = field(default=lambda product: [], repr=False)
    _early: dict[Product, Any] = field(default_factory=dict, repr=False)

    def plan(self, entry: Entry) -> Plan:
        """The entry's plan, given the early products it asks for."""
        return entry.plan(self.early)

    def early(self, product: Product) -> Any:
        """A product made before any layout (the EPUB without page list), made once."""
        if product not in self._early:
            maker = next(e.early[product] for e in self.providers(product) if product in e.early)
            self._early[product] = maker()
        return self._early[product]

    def make(self, entry: Entry, products: Mapping[Product, Any] | None = None, cache: Any = None) -> Made:
        """Plan and make one entry in this process (the preview, tests): its tasks one after the other."""
        from .render import run_job  # the renderer: only when something is made

        plan = self.plan(entry)
        return plan.finish(Done(tuple(run_job(t.job) for t in plan.tasks), dict(products or {}), cache))

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def entry(self, path: str) -> Entry:
        """The entry whose file (or one of whose volumes) is ``path``; KeyError when none is."""
        for entry in self.entries:
            if entry.owns(path):
                return entry
        raise KeyError(path)


def catalogue(
    book: Book, layouts: Path, selection: Selection | None = None, lines: tuple[Line, ...] | None = None
) -> Catalogue:
    """Every entry of ``book`` that ``selection`` makes (by default, a build's: every one but audio)."""
    selection = selection or Selection()
    lines = CATALOGUE if lines is None else lines
    listed: dict[Line, Listing] = {}

    def listing(item: Line) -> Listing:
        if item not in listed:
            listed[item] = item.listing(book, layouts)
        return listed[item]

    def providers(product: Product) -> list[Entry]:
        return [
            e
            for i in lines
            if product in i.provides
            for e in listing(i).entries
            if product in e.provides or product in e.early
        ]

    chosen = Catalogue([], providers=providers)
    for item in lines:
        if selection.wants_group(item.groups):
            found = listing(item)
            chosen.entries += [e for e in found.entries if selection.wants(e)]
            chosen.kinds += found.kinds
            chosen.findings += found.findings
    made = {p for e in chosen.entries for p in e.provides}
    for need in [n for e in chosen.entries for n in e.needs if n.required]:
        if need.product in made:
            continue
        helpers = providers(need.product)
        chosen.helpers += helpers
        made.update(p for e in helpers for p in e.provides)
    return chosen
