"""Markdown to XHTML for one article, with the extensions of the book.

The same conversion serves every output; what differs between outputs (how a
link to another chapter is written, how citations are numbered, which contacts
a red flag names) is given by the caller as an :class:`OutputPolicy`, never
decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
from markdown.extensions.toc import TocExtension, slugify_unicode

from .mdext.citations import CitationExtension, CitePolicy, CiteProblem, CiteUse
from .mdext.glossary import Acronym, GlossaryExtension, TermUse
from .mdext.guard import GuardExtension, GuardPolicy, GuardReport
from .mdext.outline import StructureExtension, StructureReport
from .mdext.prose_xrefs import ProseRef, ProseXrefExtension
from .mdext.redflags import FlagItem, FlagPolicy, FlagProblem, RedFlagExtension
from .mdext.xrefs import CrossRef, XrefExtension, XrefPolicy
from .messages import Messages
from .model import Article, Book, GlossaryEntry, heading_prefix, reference_anchor
from .sources.glossary import GlossaryIndex


@dataclass
class OutputPolicy:
    """What one output decides about links, numbering and contacts."""

    xrefs: XrefPolicy = field(default_factory=lambda: XrefPolicy(href=lambda slug, fragment: None))
    cites: CitePolicy = field(default_factory=CitePolicy)
    flags: FlagPolicy = field(default_factory=lambda: FlagPolicy(contacts={}))
    glossary: GlossaryIndex = field(default_factory=lambda: GlossaryIndex([]))
    glossary_href: Callable[[GlossaryEntry], str] = lambda entry: f"#{entry.anchor}"
    titles: dict[str, str] = field(default_factory=dict)  # chapter title -> slug, for references in prose
    language: str = "en"
    guard: GuardPolicy = field(default_factory=GuardPolicy)  # limits, images, sanitising
    heading_offset: Callable[[Article], int] = lambda article: 0  # 1 inside a part, when parts are headings


@dataclass
class Converted:
    html: str
    structure: StructureReport
    xrefs: list[CrossRef]
    cites: list[CiteUse]
    cite_problems: list[CiteProblem]
    flags: list[FlagItem]
    flag_problems: list[FlagProblem]
    terms: list[TermUse]
    acronyms: list[Acronym]
    prose_refs: list[ProseRef] = field(default_factory=list)
    guard: GuardReport = field(default_factory=GuardReport)


def convert(article: Article, policy: OutputPolicy | None = None) -> Converted:
    policy = policy or OutputPolicy()
    prefix = heading_prefix(article.slug)
    structure = StructureExtension(prefix=prefix, offset=policy.heading_offset(article))
    xrefs = XrefExtension(policy=policy.xrefs, article=article)
    prose_refs = ProseXrefExtension(policy.titles, article.slug, article.body, policy.language)
    cites = CitationExtension(policy.cites, prefix, article.body, article.meta.citations)
    flags = RedFlagExtension(policy.flags, prefix, article.body)
    glossary = GlossaryExtension(policy.glossary, policy.glossary_href, prefix, article.body)
    guard = GuardExtension(policy.guard, article.body, article.path)
    md = markdown.Markdown(
        output_format="xhtml",
        extensions=[
            "tables",
            "attr_list",
            "def_list",
            "sane_lists",
            TocExtension(slugify=lambda value, sep: prefix + slugify_unicode(value, sep), toc_depth="2-6"),
            structure,
            prose_refs,
            xrefs,
            cites,
            flags,
            glossary,
            guard,
        ],
    )
    html = md.convert(article.body)
    return Converted(
        html=html,
        structure=structure.report,
        xrefs=xrefs.found,
        cites=cites.state.uses,
        cite_problems=cites.state.problems,
        flags=flags.state.items,
        flag_problems=flags.state.problems,
        terms=glossary.state.uses,
        acronyms=list(glossary.state.acronyms.values()),
        prose_refs=prose_refs.found,
        guard=guard.report,
    )


def policy_for(
    book: Book,
    *,
    chapter_href: Callable[[str, str | None], str | None],
    term_href: Callable[[GlossaryEntry], str],
    ref_href: Callable[[str], str],
    number: Callable[[str], int | None] | None = None,
    contacts: dict[str, str] | None = None,
    chapter_note: Callable[[str], str | None] = lambda slug: None,
    parts: bool = False,
) -> OutputPolicy:
    """The policy of one output over the whole book. With ``parts``, a part's title is a heading
    one level above its chapters: a chapter in a titled part starts at h2."""
    slugs = {a.slug for a in book.articles}
    in_parts = {a.slug for p in book.parts if p.title for a in p.articles} if parts else set()
    return OutputPolicy(
        xrefs=XrefPolicy(href=chapter_href, note=chapter_note, known=slugs.__contains__),
        cites=CitePolicy(number=number or book.citation_number, href=ref_href),
        flags=FlagPolicy(
            contacts=contacts or book.contacts(),
            messages=Messages(book.language),
        ),
        glossary=GlossaryIndex.build(book.glossary),
        glossary_href=term_href,
        titles={a.title: a.slug for a in book.articles},
        language=book.language,
        guard=GuardPolicy(
            root=book.root,
            nesting=book.config.limits.nesting,
            image_limits=(book.config.limits.image_pixels, book.config.limits.image_bytes),
        ),
        heading_offset=lambda article: int(article.slug in in_parts),
    )


def cited_keys(book: Book, article: Article) -> list[str]:
    """The article's references in order of first citation within it."""
    return list(dict.fromkeys(u.key for u in book.citation_uses if u.article == article.slug))


def standalone_policy(book: Book, article: Article, contacts: dict[str, str]) -> OutputPolicy:
    """How an article reads on its own (a handout, its braille file): links to other chapters become
    "see the handout" notes, glossary terms and sources point within the document, and citations are
    numbered by their first use in this article."""
    say = Messages(book.language)
    titles = {a.slug: a.title for a in book.articles}
    numbers = {key: n for n, key in enumerate(cited_keys(book, article), 1)}
    return policy_for(
        book,
        chapter_href=lambda slug, fragment: None,
        chapter_note=lambda slug: say("handout.see", title=titles[slug]),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: "#" + reference_anchor(key),
        number=numbers.get,
        contacts=contacts,
    )
