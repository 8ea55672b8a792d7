"""One extension for what keeps a conversion safe: limits, images, sanitising.

- :mod:`.limits`: nesting refused before the block parser runs, and element
  depth refused right after inline parsing (raises ``LimitError``);
- :mod:`.images`: images resolved inside the book, web addresses and paths
  leading out refused, raw HTML read for what it would load or run;
- :mod:`.sanitize`: the whole fragment cut down to an allow-list with nh3 and
  written back as XHTML.

What each output decides (how an image's ``src`` is written) is in
:class:`GuardPolicy`; what a conversion found is in :class:`GuardReport`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown import Extension, Markdown

from ..resources import DEFAULT_IMAGE_BYTES, DEFAULT_IMAGE_PIXELS
from . import images, limits, sanitize
from .images import ImageRef, ImageState, ResourceProblem, book_relative_href
from .sanitize import Fragment

ARTICLES_DIR = "articles"


@dataclass
class GuardPolicy:
    """``root``: the book folder (None: the folder above the article's ``articles/``);
    ``nesting``: ``limits.nesting``; ``image_href``: how an output writes an image's ``src``."""

    root: Path | None = None
    nesting: int = limits.DEFAULT_NESTING
    image_href: Callable[[ImageRef], str] = book_relative_href
    image_limits: tuple[int, int] = (DEFAULT_IMAGE_PIXELS, DEFAULT_IMAGE_BYTES)  # limits.image_pixels, image_bytes


@dataclass
class GuardReport:
    images: list[ImageRef] = field(default_factory=list)
    problems: list[ResourceProblem] = field(default_factory=list)


class GuardExtension(Extension):
    def __init__(
        self, policy: GuardPolicy, source: str, article_path: Path, keep: Callable[[Fragment], None] | None = None
    ) -> None:
        """``keep``: given the sanitised tree, unfinished, instead of the conversion writing it."""
        super().__init__()
        self.policy = policy
        self.keep = keep
        self.source = source
        self.base = article_path.parent
        self.root = policy.root or (self.base.parent if self.base.name == ARTICLES_DIR else self.base)
        self.state = ImageState()

    @property
    def report(self) -> GuardReport:
        return GuardReport(list(self.state.images), list(self.state.problems))

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        limits.register(md, self.policy.nesting, self.source)
        images.register(
            md, self.state, self.source, self.base, self.root, self.policy.image_href, self.policy.image_limits
        )
        sanitize.register(
            md, lambda: self.state.sources, self.policy.nesting, self.source, self.state.problems, self.keep
        )

    def reset(self) -> None:
        self.state.images.clear()
        self.state.problems.clear()
        self.state.sources.clear()
