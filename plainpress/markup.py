"""Markdown to XHTML for one article, with the extensions of the book.

The same conversion serves every output; what differs between outputs (how a
link to another chapter is written, how citations are numbered, which contacts
a red flag names) is given by the caller as an :class:`OutputPolicy`, never
decided here.

Python-Markdown runs once per article (:func:`parse`, in the analyse stage): where an output
decides, the conversion writes a placeholder (an address ``#pp-<nonce>-<n>``, a contact's
words between private-use marks), and keeps the sanitised tree unfinished. Each output then
applies its policy to a copy of that tree (:func:`article_html`): addresses, citation numbers,
links to other chapters made text with a note, contacts, heading levels; then the last steps of
a conversion (bidirectional controls, where lines break) and the XHTML writer. The result is the
same, byte for byte, as converting again with that policy; where it could not be (a heading
whose words the policy changes: its id is made from them), the article is converted again.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import slugify_unicode

from .mdext.citations import CitationExtension, CitePolicy, CiteProblem, CiteUse
from .mdext.glossary import Acronym, GlossaryExtension, TermUse
from .mdext.guard import GuardExtension, GuardPolicy, GuardReport
from .mdext.images import ResourceProblem
from .mdext.outline import StructureExtension, StructureReport
from .mdext.prose_xrefs import ProseRef, ProseXrefExtension
from .mdext.redflags import FlagItem, FlagPolicy, FlagProblem, RedFlagExtension
from .mdext.sanitize import _NOT_XML, Fragment, HeadingIds, finish_fragment
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
    parsed: Parsed | None = field(default=None, repr=False)  # for the outputs (:func:`article_html`)


def convert(article: Article, policy: OutputPolicy | None = None) -> Converted:
    """Convert an article with one policy; what it found, its XHTML, and the parse the outputs finish."""
    policy = policy or OutputPolicy()
    parsed = parse(article, policy)
    done = _finish(parsed, policy)
    if done is None:
        return _convert(article, policy)
    html, problems = done
    report = GuardReport(parsed.found.guard.images, [*parsed.found.guard.problems, *problems])
    return dataclasses.replace(parsed.found, html=html, guard=report, parsed=parsed)


def article_html(article: Article, policy: OutputPolicy) -> str:
    """The article's XHTML for one output: its parse (kept by the analyse stage) finished with ``policy``."""
    parsed = article.parsed
    if not isinstance(parsed, Parsed):
        return convert(article, policy).html
    done = _finish(parsed, policy)
    return _convert(article, policy).html if done is None else done[0]


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class _Slots:
    """The placeholders of one conversion: where an output decides, and what about."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))  # no source can spell them
    choices: list[tuple[str, Any]] = field(default_factory=list)

    def address(self, kind: str, what: Any) -> str:
        self.choices.append((kind, what))
        return f"#pp-{self.nonce}-{len(self.choices) - 1}"

    def words(self, name: str) -> str:
        return f"\ue000{self.nonce}:{name}\ue001"


@dataclass
class Parsed:
    """An article converted once, before any output's choices (see the module's docstring)."""

    article: Article
    fragment: Fragment
    slots: _Slots
    found: Converted  # what the conversion found (its html is empty)
    headings: frozenset[str]  # ids of the headings the Markdown made (raw HTML's are not moved by an offset)


def parse(article: Article, policy: OutputPolicy) -> Parsed:
    """Run Python-Markdown once. ``policy`` decides which citations resolve (and their numbering), the
    glossary, titles and language, the limits; placeholders stand where outputs differ."""
    slots = _Slots()
    neutral = OutputPolicy(
        xrefs=XrefPolicy(href=lambda slug, fragment: slots.address("xref", (slug, fragment)), known=lambda s: True),
        cites=CitePolicy(number=policy.cites.number, href=lambda key: slots.address("cite", key)),
        flags=FlagPolicy({name: slots.words(name) for name in policy.flags.contacts}, policy.flags.messages),
        glossary=policy.glossary,
        glossary_href=lambda entry: slots.address("term", entry),
        titles=policy.titles,
        language=policy.language,
        guard=dataclasses.replace(policy.guard, image_href=lambda image: slots.address("image", image)),
    )
    kept: list[Fragment] = []
    found = _convert(article, neutral, kept.append)
    headings = frozenset(h.anchor for h in found.structure.headings)
    # a blank body never reaches the extensions (Python-Markdown returns "" at once): nothing to finish
    fragment = kept[0] if kept else Fragment(None, found.html)
    return Parsed(article, fragment, slots, found, headings)


def _finish(parsed: Parsed, policy: OutputPolicy) -> tuple[str, list[ResourceProblem]] | None:
    """The parse with ``policy`` applied, written; None when only a new conversion gives the same result."""
    if parsed.fragment.tree is None:
        return parsed.fragment.text, []
    tree = copy.deepcopy(parsed.fragment.tree)
    if not _apply(parsed, tree, policy):
        return None
    problems: list[ResourceProblem] = []
    html = finish_fragment(Fragment(tree), parsed.article.body, policy.guard.nesting, problems)
    return html, problems


def _apply(parsed: Parsed, tree: Any, policy: OutputPolicy) -> bool:
    slots = parsed.slots
    prefix = f"#pp-{slots.nonce}-"
    words = f"\ue000{slots.nonce}:([^\ue001]*)\ue001"  # compiled only where a contact's words stand
    offset = policy.heading_offset(parsed.article)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        if offset and element.tag in HEADINGS and element.get("id") in parsed.headings:
            element.tag = f"h{min(int(element.tag[1]) + offset, 6)}"
        for name in ("href", "src"):
            value = element.get(name) or ""
            if value.startswith(prefix) and value[len(prefix) :].isdigit():
                kind, what = slots.choices[int(value[len(prefix) :])]
                if not _choose(element, kind, what, policy):
                    return False
        for attribute in ("text", "tail"):
            text = getattr(element, attribute)
            if text and slots.nonce in text:
                setattr(element, attribute, re.sub(words, lambda m: _plain(policy.flags.contacts[m.group(1)]), text))
    return True


def _choose(element: Any, kind: str, what: Any, policy: OutputPolicy) -> bool:
    """Write one placeholder as ``policy`` says; False when that changes the words of a heading."""
    in_heading = any(a.tag in HEADINGS for a in element.iterancestors())
    if kind == "term":
        element.set("href", _plain(policy.glossary_href(what)))
    elif kind == "image":
        element.set("src", _plain(policy.guard.image_href(what)))
    elif kind == "cite":
        number = policy.cites.number(what)
        if number is None or (in_heading and str(number) != element.text):
            return False  # resolved differently, or a heading's words (and id) change with the number
        element.set("href", _plain(policy.cites.href(what)))
        element.text = str(number)
    else:  # a link to another chapter: a link, or text (with a note) where the output has no such link
        xrefs, (slug, fragment) = policy.xrefs, what
        href = xrefs.href(slug, fragment) if xrefs.known(slug) else None
        if href is not None:
            element.set("href", _plain(href))
            return True
        note = xrefs.note(slug) if xrefs.known(slug) else None
        if note and in_heading:
            return False
        element.tag = "span"
        element.attrib.clear()
        element.set("class", "xref-unlinked")
        if note:
            after = element.makeelement("span", {"class": "xref-note"})
            after.text = _plain(note)
            after.tail, element.tail = element.tail, None
            parent = element.getparent()
            parent.insert(parent.index(element) + 1, after)
    return True


def _plain(text: str) -> str:
    """Words an output gives, as the sanitiser would have left them (line ends, no control characters)."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _convert(article: Article, policy: OutputPolicy, keep: Callable[[Fragment], None] | None = None) -> Converted:
    """One run of Python-Markdown. ``keep``: given the sanitised tree, and the html is empty."""
    prefix = heading_prefix(article.slug)
    structure = StructureExtension(prefix=prefix, offset=policy.heading_offset(article))
    xrefs = XrefExtension(policy=policy.xrefs, article=article)
    prose_refs = ProseXrefExtension(policy.titles, article.slug, article.body, policy.language)
    cites = CitationExtension(policy.cites, prefix, article.body, article.meta.citations)
    flags = RedFlagExtension(policy.flags, prefix, article.body)
    glossary = GlossaryExtension(policy.glossary, policy.glossary_href, prefix, article.body)
    guard = GuardExtension(policy.guard, article.body, article.path, keep)
    md = markdown.Markdown(
        output_format="xhtml",
        extensions=[  # instances, not names: a name is looked up among the installed entry points
            TableExtension(),
            AttrListExtension(),
            DefListExtension(),
            SaneListExtension(),
            HeadingIds(slugify=lambda value, sep: prefix + slugify_unicode(value, sep), toc_depth="2-6"),
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
