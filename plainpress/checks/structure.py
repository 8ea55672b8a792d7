"""Structure checks on the converted tree: tables without a header row (S004), empty sections
(S005) and headings of one article with the same slug (S006). S001-S003 (level-1 headings,
skipped levels, images without alt text) are found by the analyse stage itself."""

from __future__ import annotations

from markdown.extensions.toc import slugify_unicode

from ..errors import Finding, Severity
from ..model import Article
from .document import HEADINGS, classes, has_header, table_lines, tables, text_of


def structure_findings(article: Article, root: object) -> list[Finding]:
    return _tables(article, root) + _empty_sections(article, root) + _duplicate_slugs(article)


def _tables(article: Article, root: object) -> list[Finding]:
    lines = table_lines(article.body)
    out = []
    for index, table in enumerate(tables(root)):  # type: ignore[arg-type]
        if has_header(table):
            continue
        line = lines[index] if index < len(lines) else None
        first = next(iter(table.iter("tr")), None)
        out.append(
            Finding(
                "S004",
                Severity.ERROR,
                article.at(line),
                "a table has no header row: screen readers cannot say what its columns hold",
                text_of(first)[:80] if first is not None else "",
                "write a first row that names each column, then the |---| line",
            )
        )
    return out


def _empty_sections(article: Article, root: object) -> list[Finding]:
    """A heading followed by a heading of the same or a higher level, or by the end of the article."""
    lines = {h.anchor: h.line for h in article.headings}
    out: list[Finding] = []
    open_heading = None
    for element in list(root):  # type: ignore[call-overload]
        if not isinstance(element.tag, str):
            continue
        if element.tag in HEADINGS and "red-flag-heading" not in classes(element):
            level = int(element.tag[1])
            if open_heading is not None and level <= int(open_heading.tag[1]):
                out.append(_empty(article, open_heading, lines))
            open_heading = element
        elif open_heading is not None and (text_of(element) or len(element)):
            open_heading = None
    if open_heading is not None:
        out.append(_empty(article, open_heading, lines))
    return out


def _empty(article: Article, heading: object, lines: dict[str, int | None]) -> Finding:
    return Finding(
        "S005",
        Severity.WARNING,
        article.at(lines.get(heading.get("id", ""))),  # type: ignore[attr-defined]
        "an empty section: nothing under this heading before the next one",
        text_of(heading),  # type: ignore[arg-type]
        "write the section, or remove its heading",
    )


def _duplicate_slugs(article: Article) -> list[Finding]:
    seen: dict[str, int | None] = {}
    out = []
    for heading in article.headings:
        if not heading.outline:
            continue
        slug = slugify_unicode(heading.text, "-")
        if slug in seen:
            first = seen[slug]
            out.append(
                Finding(
                    "S006",
                    Severity.WARNING,
                    article.at(heading.line),
                    f"two headings with the same slug #{slug}"
                    + (f" (first on line {article.at(first).line})" if first else "")
                    + ": a link to it cannot reach the second",
                    heading.text,
                    "give each heading its own words",
                )
            )
        else:
            seen[slug] = heading.line
    return out
