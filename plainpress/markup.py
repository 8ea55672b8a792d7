"""Markdown to XHTML for one article, with the extensions of the book.

The same conversion serves every output; what differs between outputs (how a
link to another chapter is written, how citations are numbered) is given by
the caller as an :class:`OutputPolicy`, never decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import markdown
from markdown.extensions.toc import TocExtension, slugify_unicode

from .mdext.structure import StructureExtension, StructureReport
from .mdext.xrefs import CrossRef, XrefExtension, XrefPolicy
from .model import Article


@dataclass
class OutputPolicy:
    """What one output decides about links and numbering."""

    xrefs: XrefPolicy = field(default_factory=lambda: XrefPolicy(href=lambda slug, fragment: None))


@dataclass
class Converted:
    html: str
    structure: StructureReport
    xrefs: list[CrossRef]


def anchor_prefix(article: Article) -> str:
    return f"{article.slug}--"


def chapter_anchor(slug: str, fragment: str | None = None) -> str:
    """The id of a chapter, or of a heading in it, wherever the chapter is rendered."""
    return f"{slug}--{fragment}" if fragment else slug


def convert(article: Article, policy: OutputPolicy | None = None) -> Converted:
    policy = policy or OutputPolicy()
    prefix = anchor_prefix(article)
    structure = StructureExtension(prefix=prefix)
    xrefs = XrefExtension(policy=policy.xrefs, article=article)
    md = markdown.Markdown(
        output_format="xhtml",
        extensions=[
            "tables",
            "attr_list",
            "def_list",
            "sane_lists",
            TocExtension(slugify=lambda value, sep: prefix + slugify_unicode(value, sep), toc_depth="2-6"),
            structure,
            xrefs,
        ],
    )
    html = md.convert(article.body)
    return Converted(html=html, structure=structure.report, xrefs=xrefs.found)
