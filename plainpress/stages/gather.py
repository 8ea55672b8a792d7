"""Stage 1, gather: read book.yaml and every article into typed models.

Every problem of every file is collected; the stage raises one
:class:`Problems` holding all of them, so an editor sees them in one run.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import Finding, Location, Problems, Severity, SourceError
from ..model import SLUG, Article, ArticleMeta, Book, BookConfig, Part, PartEntry
from ..safety import kind_of
from ..sources.bibliography import load_references
from ..sources.glossary import load_glossary
from ..sources.profiles import load_profiles
from ..sources.schema import Reader
from ..sources.yamlsrc import Sequence, load_yaml, read_text, sources_inside

BOOK_FILE = "book.yaml"
ARTICLES_DIR = "articles"


def load_config(root: Path) -> BookConfig:
    path = root / BOOK_FILE
    if not root.is_dir():
        raise SourceError(Location(root), "the book folder does not exist", code="E001")
    text = read_text(path)
    if not text.strip():
        raise SourceError(Location(path, 1), "the file is empty; expected the book's settings", code="E004")
    data = load_yaml(text, path)
    reader = Reader(path)
    config = reader.build(BookConfig, data)
    if config is None or reader.problems:
        raise Problems(reader.problems)
    return config


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Split ``---`` front matter from the body: (yaml, body, first line of body)."""
    lines = text.split("\n")
    if not text.strip():
        raise SourceError(Location(path, 1), "the article is empty; expected front matter and a body", code="E005")
    if lines[0].strip() != "---":
        raise SourceError(
            Location(path, 1),
            "expected the article to start with front matter between two '---' lines",
            code="E005",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError(Location(path, 1), "the front matter has no closing '---' line", code="E005")


def load_article(path: Path, slug: str, limit: int) -> Article:
    text = read_text(path, limit=limit)
    front, body, body_line = split_front_matter(text, path)
    data = load_yaml(front, path, first_line=2)
    if data is None:
        raise SourceError(Location(path, 2), "the front matter is empty; expected title, summary, date", code="E005")
    reader = Reader(path)
    meta = reader.build(ArticleMeta, data, line=2)
    if meta is None or reader.problems:
        raise Problems(reader.problems)
    return Article(slug=slug, path=path, meta=meta, body=body, body_line=body_line)


def gather(root: Path) -> Book:
    """Read the whole book; raise :class:`Problems` listing every problem found."""
    root = root.resolve() if root.exists() else root
    with sources_inside(root) as read:  # a source that is a link to outside the book is refused, not read
        book = _gather(root)
    book.sources = read  # every file as read, for the checks of what was written (glyphs)
    return book


def _gather(root: Path) -> Book:
    config = load_config(root)
    findings: list[Finding] = []
    path = root / BOOK_FILE
    available = sorted(p.stem for p in (root / ARTICLES_DIR).glob("*.md"))
    seen: dict[str, int] = {}
    parts: list[Part] = []
    contents = config.chapters
    lines = contents.item_lines if isinstance(contents, Sequence) else []

    def take(slug: str, line: int, part: list[Article]) -> None:
        where = Location(path, line)
        if not SLUG.match(slug):
            findings.append(Finding("E006", Severity.ERROR, where, f"chapters: {slug!r} is not a slug"))
            return
        if slug in seen:
            findings.append(
                Finding(
                    "E007",
                    Severity.ERROR,
                    where,
                    f"chapters: {slug!r} is listed twice (first on line {seen[slug]})",
                )
            )
            return
        seen[slug] = line
        file = root / ARTICLES_DIR / f"{slug}.md"
        if kind_of(file) not in (None, "missing"):  # a FIFO, a folder, a link to nothing: said as it is
            findings.append(
                Finding(
                    "E001",
                    Severity.ERROR,
                    where,
                    f"chapters: {ARTICLES_DIR}/{slug}.md is {kind_of(file)}, not an article file",
                )
            )
            return
        if not file.is_file():
            close = difflib.get_close_matches(slug, available, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            findings.append(
                Finding("E006", Severity.ERROR, where, f"chapters: no article {ARTICLES_DIR}/{slug}.md{hint}")
            )
            return
        try:
            part.append(load_article(file, slug, config.limits.article_bytes))
        except Problems as problems:
            findings.extend(problems.findings)
        except SourceError as error:
            findings.append(error.finding())

    loose: list[Article] = []
    for index, entry in enumerate(contents):
        line = lines[index] if index < len(lines) else config.source_line
        if isinstance(entry, PartEntry):
            if loose:
                parts.append(Part(None, loose))
                loose = []
            articles: list[Article] = []
            entry_lines = entry.chapters.item_lines if isinstance(entry.chapters, Sequence) else []
            for j, slug in enumerate(entry.chapters):
                take(slug, entry_lines[j] if j < len(entry_lines) else line, articles)
            parts.append(Part(entry.part, articles))
        else:
            take(entry, line, loose)
    if loose:
        parts.append(Part(None, loose))
    if not seen and not findings:
        findings.append(
            Finding("E006", Severity.ERROR, Location(path, config.source_line), "chapters: the list is empty")
        )
    glossary, glossary_findings, glossary_path = load_glossary(root)
    references, reference_findings = load_references(root)
    profiles, profile_findings = load_profiles(root, config)
    findings += [f for f in glossary_findings + reference_findings if f.severity is Severity.ERROR]
    findings += profile_findings
    if findings:
        raise Problems(findings)
    number = 0
    for part in parts:
        for article in part.articles:
            number += 1
            article.number = number
            article.part = part.title
    book = Book(
        root=root,
        config=config,
        parts=parts,
        glossary=glossary,
        glossary_path=glossary_path,
        references=references,
        profiles=profiles,
    )
    book.findings += [f for f in glossary_findings + reference_findings if f.severity is not Severity.ERROR]
    return book
