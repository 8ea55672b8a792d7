"""Red flags (R004): an article that speaks of warning signs, by a heading such as "When to worry",
a table of serious signs or a list introduced by "Seek help if:", but marks none of them as a red
flag for the card and the handouts. ``import`` proposes a red flag for each (see importer.py)."""

from __future__ import annotations

import re

from ..errors import Finding, Severity
from ..mdext.lines import LineFinder
from ..model import Article
from .document import HEADINGS, classes, table_lines, tables, text_of

# Words that speak of warning signs, by the primary language subtag.
WARNING_WORDS = {
    "en": re.compile(
        r"\bwhen to (?:worry|seek|get|call|see)\b|\bred[- ]flags?\b|\bwarning signs?\b|\bdanger signs?\b"
        r"|\bserious (?:signs?|symptoms?)\b|\bseek (?:urgent |medical |emergency )?(?:help|care|attention)\b"
        r"|\bsigns? that needs? (?:help|a doctor|care)\b|\bget (?:medical |urgent )?help\b"
        r"|\bcall (?:your (?:doctor|clinician|gp|prescriber|nurse)|9\d\d|1\d\d|an ambulance)\b"
        r"|\bsee a doctor (?:if|when|straight away|today)\b|\bgo to (?:the )?(?:emergency|a&e|er)\b"
        r"|\b(?:emergency|urgent|alarm(?:ing)?) (?:signs?|symptoms?)\b|\bwhen to (?:contact|phone|ring)\b"
        r"|\bcontact your (?:doctor|clinician|gp|prescriber) (?:if|when|today|now)\b",
        re.I,
    ),
    "es": re.compile(
        r"\bcuándo preocuparse\b|\b(?:señales|signos|síntomas) de (?:alarma|alerta|peligro)\b"
        r"|\bsíntomas graves\b|\bbusque (?:ayuda|atención)\b|\burgencias?\b|\bcuándo (?:consultar|acudir|llamar)\b"
        r"|\bllame (?:a su (?:médic[oa]|doctor)|al \d{3})\b|\bacuda (?:a urgencias|al médico)\b"
        r"|\b(?:señales|signos|síntomas) (?:graves|de gravedad|urgentes)\b"
        r"|\bconsulte (?:a su|al) médico (?:si|cuando|hoy)\b",
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
    for intro in root.iter("p"):  # "Seek help if you notice:" introducing a list of signs
        following = intro.getnext()
        if following is not None and following.tag in ("ul", "ol") and words.search(text_of(intro)):
            line = LineFinder(article.body).line_of(text_of(intro)[:40])
            return [_finding(article, line, text_of(intro), "a list")]
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
