"""Red flags (R004): an article that speaks of warning signs, by a heading such as "When to worry"
or a table of serious signs, but marks none of them as a red flag for the card and the handouts."""

from __future__ import annotations

import re

from ..errors import Finding, Severity
from ..model import Article
from .document import HEADINGS, classes, table_lines, tables, text_of

# Words that speak of warning signs, by the primary language subtag.
WARNING_WORDS = {
    "en": re.compile(
        r"\bwhen to (?:worry|seek|get|call|see)\b|\bred[- ]flags?\b|\bwarning signs?\b|\bdanger signs?\b"
        r"|\bserious (?:signs?|symptoms?)\b|\bseek (?:urgent |medical |emergency )?(?:help|care|attention)\b"
        r"|\bsigns? that needs? (?:help|a doctor|care)\b|\bget (?:medical |urgent )?help\b",
        re.I,
    ),
    "es": re.compile(
        r"\bcuándo preocuparse\b|\b(?:señales|signos|síntomas) de (?:alarma|alerta|peligro)\b"
        r"|\bsíntomas graves\b|\bbusque (?:ayuda|atención)\b|\burgencias?\b|\bcuándo (?:consultar|acudir|llamar)\b",
        re.I,
    ),
}


def warning_sign_findings(article: Article, root: object, has_flags: bool, language: str) -> list[Finding]:
    if has_flags:
        return []
    words = WARNING_WORDS.get(language.split("-")[0].lower(), WARNING_WORDS["en"])
    lines = {h.anchor: h.line for h in article.headings}
    for element in root.iter(*HEADINGS):  # type: ignore[attr-defined]
        if "red-flag-heading" not in classes(element) and words.search(text_of(element)):
            return [_finding(article, lines.get(element.get("id", "")), text_of(element), "a heading")]
    starts = table_lines(article.body)
    for index, table in enumerate(tables(root)):  # type: ignore[arg-type]
        header = " | ".join(text_of(cell) for cell in table.iter("th"))
        if words.search(header):
            return [_finding(article, starts[index] if index < len(starts) else None, header, "a table")]
    return []


def _finding(article: Article, line: int | None, text: str, where: str) -> Finding:
    return Finding(
        "R004",
        Severity.WARNING,
        article.at(line),
        f"{where} speaks of warning signs, but the article marks no red flag",
        text,
        "mark each sign in a ::: red-flag emergency|urgent|routine block so it reaches the card and handouts",
    )
