"""Stage 2, analyse: convert every article once and resolve what crosses the book.

This records each article's outline and cross-references in the model and
turns what is wrong into findings. Outputs later convert again with their own
link policy, from this validated model.
"""

from __future__ import annotations

from .errors import Finding, Severity
from .markup import OutputPolicy, chapter_anchor, convert
from .mdext.xrefs import XrefPolicy
from .model import Book, Heading


def analyse(book: Book) -> Book:
    slugs = {a.slug for a in book.articles}
    policy = OutputPolicy(
        xrefs=XrefPolicy(
            href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment), known=slugs.__contains__
        )
    )
    limit = book.config.limits.nesting
    for article in book.articles:
        result = convert(article, policy)
        article.headings = [Heading(h.level, h.text, h.anchor, h.line) for h in result.structure.headings]
        for heading in article.headings:
            if heading.level == 1:
                book.findings.append(
                    Finding(
                        "S001",
                        Severity.ERROR,
                        article.at(heading.line),
                        "a level-1 heading in the body; the front-matter title is the article's only H1",
                        text=heading.text,
                        hint="start body headings at ##",
                    )
                )
        previous = 1
        for heading in article.headings:
            if heading.level > previous + 1:
                book.findings.append(
                    Finding(
                        "S002",
                        Severity.WARNING,
                        article.at(heading.line),
                        f"heading level skipped: h{previous} is followed by h{heading.level}",
                        text=heading.text,
                    )
                )
            previous = heading.level
        for src in result.structure.images_without_alt:
            book.findings.append(
                Finding(
                    "S003",
                    Severity.ERROR,
                    article.location,
                    "an image has no alt text",
                    text=src,
                    hint="write ![what the image shows](file)",
                )
            )
        if result.structure.max_depth > limit:
            book.findings.append(
                Finding(
                    "L002",
                    Severity.ERROR,
                    article.location,
                    f"lists or quotes nested {result.structure.max_depth} deep; the limit is {limit}",
                )
            )
        for ref in result.xrefs:
            if ref.slug not in slugs:
                book.findings.append(
                    Finding(
                        "X001",
                        Severity.WARNING,
                        article.at(ref.line),
                        f"link to an article that is not in this book: {ref.slug}.md (shown as plain text)",
                        text=ref.text,
                    )
                )
    return book
