"""A build: the files it makes, how it renders them, and what it made."""

from __future__ import annotations

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
    only: str | None = None  # "epub", "book", "handouts" or "braille": build only those outputs
    dump_html: Path | None = None  # write every HTML document handed to the renderer here
    audio: bool = False  # also the read-aloud EPUB and the audio handouts (--audio; or audio: true in book.yaml)


@dataclass
class BuildResult:
    outputs: list[Output]
    findings: list[Finding]
    laid_out: list[str] = field(default_factory=list)  # PDFs laid out by this build, not taken from the cache
    unchanged: bool = False  # nothing changed since the last build: the output folder was left as it was
