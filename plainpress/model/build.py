"""A build: the files it makes, how it renders them, what it made, and where each page of a laid-out
PDF begins (the EPUB's page list and the braille book's print page numbers are read from it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding


@dataclass
class Output:
    """One file a build makes, as bytes, with what the manifest says of it."""

    kind: str
    variant: str
    path: str  # relative to the output folder
    data: bytes
    pages: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderOptions:
    jobs: int = 1  # PDFs laid out at once (worker processes when more than 1)
    scheduler: str | None = None  # a Dask scheduler's address: lay out on that cluster instead
    cache: Path | None = None  # the cache folder, or None to lay out everything
    dump_html: Path | None = None  # write every HTML document handed to the renderer here


@dataclass
class BuildResult:
    outputs: list[Output]
    findings: list[Finding]
    laid_out: list[str] = field(default_factory=list)  # PDFs laid out by this build, not taken from the cache
    unchanged: bool = False  # nothing changed since the last build: the output folder was left as it was


@dataclass(frozen=True)
class PageStart:
    """How a page of the layout begins: the ids of the elements whose first box is
    on it (document order), and its first line of text with the id of the nearest
    element around it (for a page that begins in the middle of a paragraph).
    ``occurrence`` counts how often that line's first words were already met inside
    that element: a page that begins inside an element without an id (a glossary
    definition) is found by its words, and the same words may stand earlier in it."""

    ids: list[str]
    first_line: tuple[str, str] | None
    occurrence: int = 0


def line_pattern(line: str) -> re.Pattern[str]:
    """The first words of a line, as the EPUB's text holds them (any spacing between them)."""
    words = re.findall(r"\S+", line)[:4]
    return re.compile(r"\s+".join(re.escape(w) for w in words))
