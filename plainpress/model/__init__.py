"""The typed model of a book: the schemas of its sources (``config``), what they become (``book``),
the anchor of each kind of target (``anchors``), what a build makes (``build``) and the catalogue's
types: output kinds, card variants, entries, plans and the selection (``entries``).

The model imports no stage, output or CLI.
"""

from .anchors import (
    chapter_anchor,
    chapter_of,
    heading_prefix,
    part_anchor,
    reference_anchor,
    term_anchor,
    title_anchor,
)
from .book import (
    Article,
    Book,
    CitationUse,
    GlossaryUse,
    Heading,
    Part,
    RedFlag,
    Reference,
    SourceText,
    output_path,
)
from .build import BuildResult, Output, PageStart, RenderOptions, line_pattern
from .config import (
    SLUG,
    TIERS,
    ArticleMeta,
    BookConfig,
    BrailleConfig,
    Contacts,
    GlossaryEntry,
    Limits,
    PartEntry,
    Profile,
    Speech,
    Tier,
    Unmapped,
)

__all__ = [
    "SLUG",
    "TIERS",
    "Article",
    "ArticleMeta",
    "Book",
    "BookConfig",
    "BrailleConfig",
    "BuildResult",
    "CitationUse",
    "Contacts",
    "GlossaryEntry",
    "GlossaryUse",
    "Heading",
    "Limits",
    "Output",
    "PageStart",
    "Part",
    "PartEntry",
    "Profile",
    "RedFlag",
    "Reference",
    "RenderOptions",
    "SourceText",
    "Speech",
    "Tier",
    "Unmapped",
    "chapter_anchor",
    "chapter_of",
    "heading_prefix",
    "line_pattern",
    "output_path",
    "part_anchor",
    "reference_anchor",
    "term_anchor",
    "title_anchor",
]
