"""Stage 2, analyse: convert every article once, in reading order, and resolve
what crosses the book: outline, links between chapters, citation numbers (by
first citation), glossary uses, red flags. Problems become findings.

The outputs finish each article's one conversion with their own policy (markup.article_html).
"""

from __future__ import annotations

from pathlib import Path

from ..checks import inspect
from ..errors import Finding, Location, Severity
from ..glyphs import check_book as check_glyphs
from ..markup import Converted, OutputPolicy, convert, policy_for
from ..mdext.images import UNSAFE_HTML
from ..mdext.limits import LimitError
from ..mdext.lines import LineFinder
from ..model import Article, Book, CitationUse, GlossaryUse, Heading, RedFlag, chapter_anchor, reference_anchor
from .kept import Kept, KeptArticle, book_context

# Severity of the problems the extensions report.
CITE_SEVERITY = {"C001": Severity.WARNING, "C002": Severity.WARNING, "C003": Severity.WARNING}
HINTS = {
    "C001": "add the reference to references.json or references.bib, or fix the key",
    "C002": "write [@key], [@key1; @key2] or [@key, p. 12]",
    "C003": "map the number in the front matter: citations: {1: key}",
}

PROPOSED_HINT = "check its signs and tier, then remove the word proposed: ::: red-flag urgent"


def analyse(book: Book, kept: Kept | None = None) -> Book:
    """With ``kept`` (the last build's conversions), an article whose source and book around it did not change
    is not converted again: its conversion, citation numbers and checks come back as they were."""
    numbers: dict[str, int] = {}
    asked: list[str] = []  # every key a conversion asked a number for, in order

    def number(key: str) -> int | None:
        asked.append(key)
        if key not in book.references:
            return None
        return numbers.setdefault(key, len(numbers) + 1)

    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: "#" + reference_anchor(key),
        number=number,
    )
    book.glossary_uses = {entry.term: [] for entry in book.glossary}
    context = book_context(book) if kept else ""
    for article in book.articles:
        key = kept.key(context, article, numbers) if kept else ""
        hit = kept.get(key, article) if kept else None
        if hit is not None:
            for cited in hit.numbered:
                number(cited)
            result, checked, article.prose = hit.converted, hit.findings, hit.prose
            _judged(book, article, result)
        else:
            start = len(asked)
            found = _convert(book, article, policy)
            if found is None:
                continue  # refused (L002): nothing of it reaches the outputs
            result = found
            article.headings = _headings(result)  # the checks read them (the lines of S005, S006, R004)
            checked = inspect(article, result.html, bool(result.flags or result.flag_problems), book.language)
            if kept:
                kept.put(key, article, KeptArticle(result, asked[start:], checked, article.prose))
        article.parsed = result.parsed  # what the outputs finish, each with its own policy
        article.headings = _headings(result)
        _structure(book, article, result)
        _record(book, article, result)
        book.findings += checked
    book.citation_numbers = numbers
    _book_wide(book)
    book.findings += check_glyphs(book)  # before any output is rendered
    return book


def _headings(result: Converted) -> list[Heading]:
    return [Heading(h.level, h.text, h.anchor, h.line, h.outline) for h in result.structure.headings]


def _finding(
    book: Book, code: str, severity: Severity, where: Location, message: str, text: str = "", hint: str = ""
) -> None:
    book.findings.append(Finding(code, severity, where, message, text, hint))


def _structure(book: Book, article: Article, result: Converted) -> None:
    previous = 1
    for heading in article.headings:
        if heading.level == 1:
            _finding(
                book,
                "S001",
                Severity.ERROR,
                article.at(heading.line),
                "a level-1 heading in the body; the front-matter title is the article's only H1",
                heading.text,
                "start body headings at ##",
            )
        elif heading.level > previous + 1:
            _finding(
                book,
                "S002",
                Severity.WARNING,
                article.at(heading.line),
                f"heading level skipped: h{previous} is followed by h{heading.level}",
                heading.text,
            )
        previous = heading.level
    images = LineFinder(article.body)
    for src in result.structure.images_without_alt:
        line = images.line_of(f"]({src}") if src else None
        _finding(
            book,
            "S003",
            Severity.ERROR,
            article.at(line) if line else article.location,
            "an image has no alt text",
            src,
            "write ![what the image shows](file)",
        )
    limit = book.config.limits.nesting
    if result.structure.max_depth > limit:
        _finding(
            book,
            "L002",
            Severity.ERROR,
            article.location,
            f"lists or quotes nested {result.structure.max_depth} deep; the limit is {limit}",
        )


def _record(book: Book, article: Article, result: Converted) -> None:
    slugs = {a.slug for a in book.articles}
    for ref in result.xrefs:
        if ref.slug not in slugs:
            _finding(
                book,
                "X001",
                Severity.WARNING,
                article.at(ref.line),
                f"link to an article that is not in this book: {ref.slug}.md (shown as plain text)",
                ref.text,
            )
    for prose_ref in result.prose_refs:
        if prose_ref.slug is None:
            _finding(
                book,
                "X002",
                Severity.WARNING,
                article.at(prose_ref.line),
                f"\u201c{prose_ref.introducer} {prose_ref.title}\u201d names an article that is not in this book",
                prose_ref.title,
                "add that article to the book, link a chapter by its exact title, or reword the sentence",
            )
    for use in result.cites:
        book.citation_uses.append(CitationUse(article.slug, use.anchor, use.key))
    for problem in result.cite_problems:
        _finding(
            book,
            problem.code,
            CITE_SEVERITY[problem.code],
            article.at(problem.line),
            problem.message,
            problem.text,
            HINTS[problem.code],
        )
    for flag in result.flags:
        book.red_flags.append(RedFlag(flag.tier, flag.text, article.slug, flag.anchor, flag.line))  # type: ignore[arg-type]
    for problem in result.flag_problems:
        if problem.code == "R005":  # proposed by import: it builds as a draft, never as reviewed
            severity = Severity.WARNING if article.is_draft else Severity.ERROR
            _finding(book, "R005", severity, article.at(problem.line), problem.message, hint=PROPOSED_HINT)
        else:
            _finding(book, problem.code, Severity.ERROR, article.at(problem.line), problem.message)
    for use in result.terms:
        term = book.glossary[use.entry].term
        book.glossary_uses[term].append(GlossaryUse(article.slug, use.anchor))
    for acronym in result.acronyms:
        _finding(
            book,
            "G002",
            Severity.WARNING,
            article.at(acronym.line),
            f"the acronym {acronym.text} is not defined in the glossary",
            acronym.text,
            "add it to glossary.yaml as a term or a form",
        )


def _book_wide(book: Book) -> None:
    glossary = book.glossary_path or Path(book.root / "glossary.yaml")
    for entry in book.glossary:
        if not book.glossary_uses[entry.term]:
            _finding(
                book,
                "G001",
                Severity.WARNING,
                Location(glossary, entry.source_line),
                f"glossary term never used: {entry.term}",
                entry.term,
            )
    for key, reference in book.references.items():
        if key not in book.citation_numbers:
            _finding(book, "C004", Severity.WARNING, reference.location, f"reference never cited: {key}", key)


def _convert(book: Book, article: Article, policy: OutputPolicy) -> Converted | None:
    """Convert one article; a limit it exceeds (checked while parsing) is the finding L002, and
    what it refers to (images, raw HTML) is recorded or reported (I001-I004, U001)."""
    try:
        result = convert(article, policy)
    except LimitError as error:
        _finding(book, error.code, Severity.ERROR, article.at(error.line), error.message)
        return None
    except RecursionError:  # a safety net: the limits above are meant to come first
        _finding(book, "L002", Severity.ERROR, article.location, "the article nests too deeply to be read")
        return None
    _judged(book, article, result)
    return result


def _judged(book: Book, article: Article, result: Converted) -> None:
    """What the conversion found the article refers to: its images, and the problems of what it refused."""
    for image in result.guard.images:
        book.images[image.relative] = image.path
    for problem in result.guard.problems:
        severity = Severity.WARNING if problem.code == UNSAFE_HTML else Severity.ERROR
        _finding(book, problem.code, severity, article.at(problem.line), problem.message, problem.text)
