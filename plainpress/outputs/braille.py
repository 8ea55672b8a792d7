"""The braille edition: BRF files per clinic profile (or ``neutral`` without profiles), from the same
validated model as the print outputs, translated by liblouis (our own binding, ``plainpress.louis``).

- ``braille/<clinic>/<slug>.brf`` per article (drafts under ``drafts/braille/<clinic>/``);
- ``braille/<clinic>/red-flag-card.brf``;
- ``braille/<clinic>/<book>-volume-<n>.brf``: the whole book in volumes of at most
  :data:`MAX_VOLUME_PAGES` braille pages, split between chapters, with the print page numbers of the
  book PDF.

Every file opens with a transcriber's note page (numbered p1, p2, ... like BANA's preliminary pages);
the text pages are numbered from 1 (in the book, on through every volume). Files are cached by
content in the render cache: a file whose blocks, code and this code did not change is not
translated again. What goes in each file is made here; its translation, pages and volumes are
in :mod:`.braille_volumes`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from .. import louis
from ..cache import RenderCache
from ..errors import Finding, Location, Severity
from ..markup import article_html, cited_keys, policy_for, standalone_policy
from ..messages import Messages, base_language, csl_locale
from ..model import (
    Article,
    Book,
    Output,
    Profile,
    RedFlag,
    chapter_anchor,
    output_path,
    reference_anchor,
)
from ..sources.bibliography import format_entries
from ..views import card_view, glossary_view
from .braille_blocks import NEW_PAGE, Block, heading, html_blocks, inline_text, item, paragraph, parse_fragment
from .braille_inputs import Chapters
from .braille_volumes import MAX_VOLUME_PAGES as MAX_VOLUME_PAGES
from .braille_volumes import Document, render_document
from .brf import Code, Translations

# Language -> grade -> liblouis table; and the grade used when book.yaml names none.
TABLES = {
    "en": {1: "en-ueb-g1.ctb", 2: "en-ueb-g2.ctb", "default": 2},
    "es": {1: "es-g1.ctb", 2: "es-g2.ctb", "default": 1},
}
# Print characters a language's tables cannot write or read back, and what the braille writes instead:
# Spanish braille gives [ ] the cells of á ú, and has no bullet.
SWAPS = {"es": (("[", "("), ("]", ")"), ("\u2022", "-"))}
# liblouis 3.24's Spanish tables define the lowered digits before ? : ; . for the same cells, so
# back-translation reads "?" as "5". These lines, read first, give those cells their punctuation back
# (translation to braille is unchanged).
SPANISH_BACK = "punctuation . 3\npunctuation ? 26\npunctuation : 25\npunctuation ; 23\n"


@lru_cache(maxsize=1)
def _spanish_fix() -> str:
    """The table file liblouis reads (it takes tables from files only); removed when this process ends."""
    folder = Path(tempfile.mkdtemp(prefix="plainpress-louis-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "es-punctuation.cti"
    path.write_text(SPANISH_BACK, encoding="ascii")
    return str(path)


def braille_setup(book: Book) -> tuple[Code | None, list[Finding]]:
    """The book's braille code, or none (with a warning) for a language plainpress has no braille table for."""
    if base_language(book.language) in TABLES:
        return braille_code(book), []
    warning = Finding(
        "B002",
        Severity.WARNING,
        Location(book.root / "book.yaml", book.config.source_line or None),
        f"no braille edition: plainpress has no braille table for the language {book.language!r} "
        f"(it makes braille for {', '.join(TABLES)})",
        hint="the other outputs are built as usual",
    )
    return None, [warning]


def braille_code(book: Book) -> Code:
    """The book's braille code from its language and ``braille:`` settings; the tables are checked here."""
    settings = book.config.braille
    language = base_language(book.language)
    if language not in TABLES:
        raise ValueError(f"no braille table for {book.language}")  # callers ask braille_setup first
    grade = settings.grade or int(TABLES[language]["default"])
    table = str(TABLES[language][grade])
    tables = f"{louis.DISPLAY},{table}"
    louis.check_tables(tables)
    if language == "es":
        tables = f"{louis.DISPLAY},{_spanish_fix()},{table}"
    name = Messages(book.language)(f"braille.code.{grade}")
    return Code(tables, grade == 2, settings.cells_per_line, settings.lines_per_page, name, SWAPS.get(language, ()))


def folder_of(book: Book, profile: Profile | None) -> str:
    return profile.slug if profile else "neutral"


def article_path(book: Book, profile: Profile | None, article: Article) -> str:
    return output_path("braille", folder_of(book, profile), f"{article.slug}.brf", article.is_draft)


# ----------------------------------------------------------------------------
# What each file holds


def transcriber_note(book: Book, code: Code, kind: str, pictures: int, tables: int, url: bool) -> list[Block]:
    say = Messages(book.language)
    lines = [say("braille.tn.code", code=code.name, cells=code.cells, lines=code.lines)]
    lines.append(say("braille.tn.pages"))
    if kind == "book":
        lines += [say("braille.tn.print_pages"), say("braille.tn.volumes", pages=MAX_VOLUME_PAGES)]
    if code.contracted:
        lines.append(say("braille.tn.uncontracted"))
    if tables:
        lines.append(say("braille.tn.tables"))
    if pictures:
        lines.append(say("braille.tn.pictures"))
    if url:
        lines.append(say("braille.tn.qr"))
    if any(old == "[" for old, _ in code.swap):
        lines.append(say("braille.tn.brackets"))
    lines.append(say("braille.tn.print"))
    return [heading(1, say("braille.tn")), *(paragraph(text) for text in lines), Block(NEW_PAGE)]


def _entries(book: Book, keys: list[str]) -> list[str]:
    refs = [book.references[k] for k in keys]
    html = format_entries(refs, book.config.citation_style, csl_locale(book.language))
    return [inline_text(parse_fragment(entry)) for entry in html]


def _words(book: Book, terms: set[str] | None, say: Messages, anchors: bool) -> list[Block]:
    blocks = []
    for entry in glossary_view(book, lambda slug, anchor: "", only=terms):
        said = f" ({say('glossary.pronounce')}: {entry.pronunciation})" if entry.pronunciation else ""
        text = f"{entry.term}{said}: {entry.definition}"
        if entry.see_also:
            text += f" {say('glossary.see_also')}: {', '.join(link.text for link in entry.see_also)}."
        blocks.append(item(text, entry.anchor if anchors else ""))
    return blocks


def _clinic(say: Messages, profile: Profile | None, book: Book) -> list[Block]:
    if profile is None:
        contacts = book.contacts()
        text = say(
            "colophon.help_text",
            emergency_number=contacts["emergency_number"],
            advice_line_name=contacts["advice_line_name"],
            advice_line=contacts["advice_line"],
        )
        return [heading(2, say("handout.questions")), paragraph(text)]
    blocks = [heading(2, say("handout.questions"))]
    call = say("handout.call", name=profile.name, phone=profile.phone)
    if profile.hours:
        call += " " + say("handout.hours", hours=profile.hours)
    blocks.append(paragraph(call))
    if profile.out_of_hours:
        blocks.append(paragraph(say("handout.out_of_hours", phone=profile.out_of_hours)))
    blocks.append(paragraph(say("handout.emergency", number=profile.emergency_number)))
    where = ". ".join(part for part in (profile.address, profile.website) if part)
    if where:
        blocks.append(paragraph(where))
    return blocks


def _stamp(book: Book, article: Article, say: Messages) -> str:
    meta = article.meta
    if meta.reviewed and meta.next_review and not article.is_draft:  # the trust issue's draft rule
        return say(
            "handout.stamp",
            reviewed=say.short_date(meta.reviewed),
            next_review=say.short_date(meta.next_review),
            edition=book.config.edition,
        )
    return say("handout.draft", edition=book.config.edition)


def handout_document(book: Book, code: Code, article: Article, profile: Profile | None) -> Document:
    say = Messages(book.language)
    keys = cited_keys(book, article)
    policy = standalone_policy(book, article, profile.contacts() if profile else book.contacts())
    body, walker = html_blocks(article_html(article, policy), say("braille.picture"))
    blocks = [heading(1, article.title)]
    if article.is_draft:
        blocks.append(paragraph(say("draft.banner")))
    if profile:
        blocks.append(paragraph(profile.name))
    if book.config.sample:
        blocks.append(paragraph(say("handout.sample")))
    blocks += [paragraph(article.meta.summary), *body]
    terms = {t for t, uses in book.glossary_uses.items() if any(u.article == article.slug for u in uses)}
    if terms:
        blocks += [heading(2, say("handout.words")), *_words(book, terms, say, anchors=False)]
    if keys:
        entries = _entries(book, keys)
        blocks += [heading(2, say("bibliography"))]
        blocks += [item(text, marker=f"{n}.") for n, text in enumerate(entries, 1)]
    blocks += _clinic(say, profile, book)
    if article.meta.url:
        blocks += [heading(2, say("handout.online")), paragraph(article.meta.url)]
    blocks += [heading(2, say("handout.about")), paragraph(_stamp(book, article, say))]
    blocks.append(paragraph(book.config.disclaimer))
    note = transcriber_note(book, code, "handout", walker.pictures, walker.tables, bool(article.meta.url))
    extra = {"profile": folder_of(book, profile), "article": article.slug, "draft": article.is_draft}
    return Document(
        article_path(book, profile, article),
        "braille-handout",
        folder_of(book, profile),
        [note],
        [blocks],
        extra,
        article.location,
    )


def card_signs(book: Book, draft: bool) -> list[RedFlag]:
    """The card's signs, by the print card's rule: those of reviewed articles; the draft card every sign."""
    drafts = {a.slug for a in book.articles if a.is_draft}
    return list(book.red_flags) if draft else [f for f in book.red_flags if f.article not in drafts]


def card_blocks(book: Book, profile: Profile | None, anchors: bool, draft: bool = False) -> list[Block]:
    say = Messages(book.language)
    contacts = profile.contacts() if profile else book.contacts()
    tiers = card_view(book, say, contacts, lambda slug, anchor: "", None if anchors else card_signs(book, draft))
    title = say("card") + (f" \u2014 {profile.name}" if profile else "")
    blocks = [heading(1, title, "card-title" if anchors else "")]
    if draft:
        blocks.append(paragraph(say("draft.card")))
    if book.config.sample:
        blocks.append(paragraph(say("card.sample")))
    blocks.append(paragraph(say("card.intro")))
    for tier in tiers:
        anchor = f"card-{tier.tier}-title" if anchors else ""
        blocks += [heading(2, f"{tier.label}: {tier.heading}", anchor), paragraph(say("tier.intro"))]
        for n, flag in enumerate(tier.items, 1):
            blocks.append(item(flag.text, f"card-{tier.tier}-{n}" if anchors else "", marker="\u2022"))
        blocks.append(paragraph(tier.action, f"card-{tier.tier}-action" if anchors else ""))
    return blocks


def card_document(book: Book, code: Code, profile: Profile | None, draft: bool = False) -> Document:
    """The red-flag card: under braille/ the signs of reviewed articles; with ``draft``, every sign, stamped,
    under drafts/braille/."""
    blocks = card_blocks(book, profile, anchors=False, draft=draft) + _clinic(Messages(book.language), profile, book)
    note = transcriber_note(book, code, "card", 0, 0, False)
    folder = folder_of(book, profile)
    path = output_path("braille", folder, "red-flag-card.brf", draft)
    return Document(path, "braille-card", folder + ("-draft" if draft else ""), [note], [blocks], {"profile": folder})


def book_document(
    book: Book, code: Code, profile: Profile | None, stem: str, chapters: Chapters | None = None
) -> Document:
    """The book in braille; ``chapters``: the blocks of its chapters kept from the last build."""
    say = Messages(book.language)
    contacts = profile.contacts() if profile else book.contacts()
    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: "#" + reference_anchor(key),
        contacts=contacts,
    )
    units, pictures, tables, titles = [], 0, 0, []
    for part in book.parts:
        for index, article in enumerate(part.articles):
            titles.append(f"{part.title}: {article.title}" if part.title and index == 0 else article.title)
            key, found = chapters.get(article, contacts) if chapters else (None, None)
            if found is None:
                body, walker = html_blocks(article_html(article, policy), say("braille.picture"))
                found = (body, walker.pictures, walker.tables)
                if chapters:
                    chapters.put(key, found)
            body = found[0]
            pictures, tables = pictures + found[1], tables + found[2]
            unit = [heading(1, part.title)] if part.title and index == 0 else []
            unit.append(heading(1, article.title, article.slug))
            if article.is_draft:
                unit.append(paragraph(say("draft.notice")))
            unit += [paragraph(article.meta.summary), *body]
            if article.meta.reviewed:
                reviewed = say.long_date(article.meta.reviewed)
                if article.meta.next_review:
                    text = say(
                        "article.reviewed_next", reviewed=reviewed, next_review=say.long_date(article.meta.next_review)
                    )
                else:
                    text = say("article.reviewed", reviewed=reviewed)
                unit.append(paragraph(text))
            units.append(unit)
    if book.red_flags:
        units.append(card_blocks(book, profile, anchors=True))
        titles.append(say("card"))
    if book.glossary:
        units.append([heading(1, say("glossary"), "glossary-title"), *_words(book, None, say, anchors=True)])
        titles.append(say("glossary"))
    if book.cited_keys:
        entries = _entries(book, book.cited_keys)
        sources = [heading(1, say("bibliography"), "bibliography-title")]
        sources += [
            item(t, reference_anchor(k), marker=f"{n}.")
            for n, (k, t) in enumerate(zip(book.cited_keys, entries, strict=True), 1)
        ]
        units.append(sources)
        titles.append(say("bibliography"))
    units.append(_colophon(book, say, profile))
    titles.append(say("colophon"))
    title = [heading(1, book.config.title)]
    if book.config.subtitle:
        title.append(paragraph(book.config.subtitle))
    if profile:
        title.append(paragraph(profile.name))
    if book.config.sample:
        title.append(paragraph(say("book.sample")))
    title += [paragraph(book.config.edition), paragraph(book.config.publisher), paragraph("{volume}")]
    note = transcriber_note(book, code, "book", pictures, tables, False)
    folder = folder_of(book, profile)
    extra = {"profile": folder, "language": book.language}
    document = Document(
        f"braille/{folder}/{stem}-volume", "braille-book", folder, [note], units, extra, None, True, title
    )
    document.titles = titles
    return document


def _colophon(book: Book, say: Messages, profile: Profile | None) -> list[Block]:
    c = book.config
    facts = [
        ("colophon.title", f"{c.title}: {c.subtitle}" if c.subtitle else c.title),
        ("colophon.edition", c.edition),
        ("colophon.publisher", c.publisher),
        ("colophon.published", say.long_date(c.published)),
        ("colophon.reviewed", say.long_date(c.reviewed)),
        ("colophon.next_review", say.long_date(c.next_review)),
        ("colophon.licence", c.licence),
    ]
    blocks = [heading(1, say("colophon"), "colophon-title")]
    blocks += [item(f"{say(key)}: {value}") for key, value in facts]
    blocks += _clinic(say, profile, book)
    blocks += [heading(2, say("colophon.disclaimer")), paragraph(c.disclaimer)]
    return blocks


def document_outputs(
    doc: Document, code: Code, starts: dict[str, int], cache: RenderCache | None, memo: Translations | None = None
) -> Iterator[tuple[Output, bool]]:
    """A document's files (the book's: a file per volume), each with whether it came from the cache; the texts
    of one that did not are translated with ``memo``."""
    key = doc.key(code, starts)
    files = cache.get_record("braille", key) if cache else None
    cached = files is not None
    if files is None:
        made = render_document(doc, code, starts, memo)
        files = [{"path": p, "text": d.decode("ascii"), "pages": n, "extra": e} for p, d, n, e in made]
        if cache:
            cache.put_record("braille", key, files)
    for output in record_outputs(doc.kind, doc.variant, code, files):
        yield output, cached


def record_outputs(kind: str, variant: str, code: Code, files: list[dict[str, object]]) -> list[Output]:
    """The outputs of a document's record (as :func:`document_outputs` keeps it in the render cache)."""
    outputs = []
    for f in files:
        extra = {k: v for k, v in dict(f["extra"]).items() if k != "language"}
        extra.update(grade=2 if code.contracted else 1, cells_per_line=code.cells, lines_per_page=code.lines)
        data = str(f["text"]).encode("ascii")
        outputs.append(Output(kind, variant, str(f["path"]), data, int(f["pages"]), extra))
    return outputs
