"""Reading level (P001): each article against ``reading_level`` in book.yaml (default grade 8)."""

from __future__ import annotations

from ..errors import Finding, Location, Severity
from ..mdext.lines import LineFinder
from ..model import Article, Book
from ..readability import Reading, Sentence, measure


def article_reading(article: Article, language: str) -> Reading:
    return measure(article.prose, language)


def readings(book: Book) -> dict[str, Reading]:
    """The reading level of every article of an analysed book, by slug."""
    return {article.slug: article_reading(article, book.language) for article in book.articles}


def sentence_line(article: Article, sentence: Sentence) -> int | None:
    """The line of a sentence in the article file, found by its first words (None when markup hides it)."""
    words = sentence.text.split()
    for count in (8, 5, 3):
        line = LineFinder(article.body).line_of(" ".join(words[:count]))
        if line is not None:
            return article.at(line).line
    return None


def describe(reading: Reading) -> str:
    if reading.formula == "Fernández-Huerta":
        return f"grade {reading.grade:g} (Fernández-Huerta {reading.score:g})"
    return f"grade {reading.grade:g} (Flesch-Kincaid)"


def reading_findings(book: Book, readings: dict[str, Reading]) -> list[Finding]:
    """A warning at the hardest sentence of each article above the limit."""
    limit = book.config.reading_level
    out = []
    for article in book.articles:
        reading = readings[article.slug]
        if not reading.words or reading.grade <= limit:
            continue
        hardest = reading.hardest[0] if reading.hardest else None
        line = sentence_line(article, hardest) if hardest else None
        out.append(
            Finding(
                "P001",
                Severity.WARNING,
                Location(article.path, line or article.meta.source_line or 1),
                f"reading level {describe(reading)} is above the book's limit of grade {limit:g}; "
                f"sentences average {reading.sentence_length:.1f} words",
                hardest.text[:160] if hardest else "",
                "shorten the hardest sentences (this one first) and prefer short, common words",
            )
        )
    return out
