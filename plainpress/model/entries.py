"""The catalogue's types: what a book's outputs are, what each needs, how it is planned, and which
of them a command selects.

An output module (``plainpress.outputs.*``) lists its outputs as :class:`Entry` values: a path in
``dist/``, a :class:`Kind`, a label, the :class:`Need` of anything another output makes (the
EPUB needs the book PDF's page starts), and ``plan``, which returns a :class:`Plan`: zero or more
render :class:`Task` values (PDFs laid out, audio synthesised, in parallel workers) and a
``finish`` step that turns their results into the files (:class:`Made`). Every command selects
entries with one :class:`Selection`. The catalogue itself (which modules list outputs) is
``plainpress.stages.catalogue``; these types import nothing of the outputs or the renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from ..errors import Finding
from .build import Output


class Group(StrEnum):
    """What ``--only`` names: a group of outputs."""

    EPUB = "epub"
    BOOK = "book"
    HANDOUTS = "handouts"
    BRAILLE = "braille"
    AUDIO = "audio"


class Scope(Enum):
    BOOK = "book"  # one per book (the EPUB, the book PDF...): `handouts` carries them over from the last build
    CLINIC = "clinic"  # per clinic profile (handouts, cards, their braille and audio)


@dataclass(frozen=True)
class Kind:
    """A kind of output, as the manifest names it, and which selections build it."""

    name: str
    groups: frozenset[Group]
    scope: Scope = Scope.CLINIC
    audio: bool = False  # built only with --audio (or `audio: true` in book.yaml, or --only audio)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class CardVariant:
    """A red-flag card: ``standard`` (A6), ``large-print`` (A5), or a sheet of standard cards to cut
    (``sheet``, on ``paper``)."""

    size: str  # "standard", "large-print" or "sheet"
    paper: str | None = None  # the sheet's paper

    def __post_init__(self) -> None:
        if (self.size == "sheet") != (self.paper is not None) or self.size not in ("standard", "large-print", "sheet"):
            raise ValueError(f"not a card variant: {self.size!r} on {self.paper!r}")

    @classmethod
    def sheet(cls, paper: str) -> CardVariant:
        return cls("sheet", paper)

    @property
    def is_sheet(self) -> bool:
        return self.paper is not None

    @property
    def name(self) -> str:
        """As file names and the manifest spell it: standard, large-print, sheet-a4."""
        return f"sheet-{self.paper}" if self.paper else self.size


STANDARD_CARD = CardVariant("standard")
LARGE_PRINT_CARD = CardVariant("large-print")


class Product(Enum):
    """What one output makes that another needs."""

    PAGE_STARTS = "where each page of the book PDF begins"  # a list of PageStart
    EPUB = "the EPUB"  # its bytes
    UNPAGED_EPUB = "the EPUB without page list"  # its bytes, made before any layout (an early product)


@dataclass(frozen=True)
class Need:
    product: Product
    required: bool = False  # True: made (not written) when no selected output provides it; else done without


@dataclass(frozen=True)
class Task:
    """One render job of a plan: laid out or synthesised in a worker, from the cache when unchanged.
    ``path`` names it in progress lines and the renderer's record (an output's path, or a piece's)."""

    path: str
    job: Any  # a PdfJob or an AudioJob


@dataclass(frozen=True)
class Done:
    """What a plan's ``finish`` gets: its tasks' results (in order), the products of its needs (an
    optional need not met is absent), and the build's render cache (or None) for outputs that keep
    their own records in it."""

    results: tuple[Any, ...] = ()
    products: Mapping[Product, Any] = field(default_factory=dict)
    cache: Any = None


@dataclass
class Made:
    """What a plan's ``finish`` makes: the files, findings only layout can make, products for others."""

    outputs: list[Output] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    products: dict[Product, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # path -> what its progress line says of it
    cached: set[str] = field(default_factory=set)  # paths taken from the cache by ``finish`` itself


@dataclass(frozen=True)
class Plan:
    """How an entry is made: its tasks (none, one, or pieces laid out in parallel), then ``finish`` in
    the main process once every task and need is in."""

    tasks: tuple[Task, ...]
    finish: Callable[[Done], Made]


Early = Callable[[Product], Any]  # gives a product another entry can make before any layout


@dataclass(frozen=True)
class Entry:
    """One output of a book in the catalogue. ``plan`` is called only when the entry is made, with a
    function that gives the early products it needs (see :meth:`Catalogue.plan`)."""

    path: str  # in dist/; an output in volumes: the start of their names (``…-volume`` -> ``…-volume-1.brf``)
    kind: Kind
    label: str
    plan: Callable[[Early], Plan] = field(compare=False, repr=False)
    needs: tuple[Need, ...] = ()  # products of other entries' finish (``Done.products``)
    provides: tuple[Product, ...] = ()  # what its finish makes for others (``Made.products``)
    early: Mapping[Product, Callable[[], Any]] = field(default_factory=dict, compare=False, repr=False)
    volumes: bool = False  # several files, numbered after ``path``
    profile: str | None = None  # the clinic profile's slug, for per-clinic outputs
    article: str | None = None  # the article's slug, for per-article outputs
    paper: str | None = None
    size: str | None = None  # a handout's print size
    view: Callable[[bytes], Any] | None = field(default=None, compare=False, repr=False)  # for the preview's page

    def owns(self, path: str) -> bool:
        """Whether a file of this path is (one of) this entry's."""
        if self.volumes:
            number = path.removeprefix(self.path + "-").partition(".")[0]
            return path.startswith(self.path + "-") and number.isdigit()
        return path == self.path


@dataclass
class Listing:
    """What an output module lists for a book: its entries, the kinds it makes (also when it lists no
    entry), and findings of listing them (braille without liblouis)."""

    entries: list[Entry]
    kinds: tuple[Kind, ...]
    findings: list[Finding] = field(default_factory=list)


def book_stem(title: str) -> str:
    """The file name of the book-wide outputs (``<stem>.pdf``, ``<stem>.epub``...), from the title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "book"


@dataclass(frozen=True)
class Selection:
    """Which entries a command makes: every one (``build``), a group (``--only``), every one with the
    book-wide outputs carried over from the last build (``handouts``), or given paths (the preview)."""

    only: Group | None = None
    audio: bool = False  # the audio outputs too
    carry: bool = False  # book-wide outputs carried over from the output folder when it holds them
    paths: frozenset[str] | None = None  # exactly these entries (any kind, audio or not)

    @classmethod
    def of(cls, only: str | None = None, audio: bool = False, carry: bool = False) -> Selection:
        group = Group(only) if only else None
        return cls(group, audio or group is Group.AUDIO, carry)

    @classmethod
    def entries(cls, *paths: str) -> Selection:
        return cls(paths=frozenset(paths))

    @property
    def everything(self) -> bool:
        """Every output is made fresh (the cache may then forget what no output uses)."""
        return self.only is None and not self.carry and self.paths is None

    def wants_group(self, groups: frozenset[Group]) -> bool:
        """Whether outputs of these groups can be selected (the catalogue skips modules that cannot)."""
        return self.paths is not None or self.only is None or self.only in groups

    def wants(self, entry: Entry) -> bool:
        if self.paths is not None:
            return entry.path in self.paths
        if self.only is not None and self.only not in entry.kind.groups:
            return False
        return self.audio or not entry.kind.audio
