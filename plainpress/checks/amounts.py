"""Amounts need a source (A001, A002): patients act on what we print.

An amount is a dose, quantity or frequency: a number with a unit or a count (mg, mcg, g, ml, L,
litres, IU, units, tablets, capsules, drops, "times a day", "every 6 hours", and the Spanish
forms). A percentage ("70 % of people") is a claim of fact: it needs a source too, and is reported
as its own kind. A source is a *resolved* citation (a link to the bibliography) in the same
sentence, or anywhere in the same list item, table cell or definition; a numbered citation with no
mapping, a malformed one or an unknown key is not a source.

The check reads the converted article (paragraphs, list items, table cells, red-flag signs and
headings), never the Markdown: what it judges is what is printed. Without a source an amount is an
error in a reviewed article and a warning in a draft (``--strict`` refuses both).
"""

from __future__ import annotations

import re

from lxml.etree import _Element

from ..errors import Finding, Severity
from ..mdext.lines import LineFinder
from ..model import Article
from .document import HEADINGS, classes

SOURCE = "\ue000"  # stands for a resolved citation in the text of a block
_WHOLE = {"li", "td", "th", "dd", "dt"}  # a citation anywhere in one of these sources all of it
_SPLIT = {"p"} | HEADINGS
_BLOCKS = {"p", "ul", "ol", "dl", "table", "blockquote", "div", "section", "pre", "figure"} | HEADINGS | _WHOLE

_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half"
    r"|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|media|medio"
)
_NUM = rf"(?:\d+(?:[.,]\d+)?|\d+\s*/\s*\d+|\b(?:{_WORDS}))"
_RANGE = rf"{_NUM}(?:\s*(?:-|\u2013|\u2014|to|or|a|y|o|hasta)\s*{_NUM})?"
_UNITS = (
    r"mg|mcg|\u00b5g|\u03bcg|ug|g|kg|ml|mL|cc|l|L|dl|dL|iu|IU|UI|mmol|meq|mEq"
    r"|milligrams?|micrograms?|grams?|gramos?|miligramos?|microgramos?"
    r"|litres?|liters?|litros?|millilitres?|milliliters?|mililitros?"
    r"|international units?|units?|unidades?"
    r"|tablets?|capsules?|caps|pills?|drops?|puffs?|sachets?|patch(?:es)?|doses?|spoonfuls?"
    r"|teaspoons?|tablespoons?|tsp|tbsp|cups?|glasses?|servings?|portions?"
    r"|comprimidos?|pastillas?|tabletas?|c\u00e1psulas?|capsulas?|gotas?|sobres?|parches?|dosis"
    r"|cucharadas?|cucharaditas?|tazas?|vasos?|raciones?|porciones?|inhalaciones?"
)
_PERIOD = (
    r"(?:a|an|per|each|every|a la|al|por|cada)\s+"
    r"(?:day|days|night|week|weeks|month|hour|d\u00eda|d\u00edas|noche|semana|semanas|mes|hora)"
)
_TIME = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|minutos?|horas?|d\u00edas?|semanas?)"
AMOUNT = re.compile(
    "|".join(
        (
            rf"(?<![\w.,]){_RANGE}\s*(?:{_UNITS})(?![\w\u00b5\u03bc])(?:\s+{_PERIOD}|\s+(?:daily|diarios?|diarias?))?",
            rf"(?<![\w.,]){_RANGE}\s+(?:times|veces)\s+(?:{_PERIOD}|daily|diarias?)",
            rf"\b(?:once|twice|thrice|una vez|dos veces|tres veces)\s+(?:{_PERIOD}|daily|diarias?)",
            rf"\b(?:every|cada)\s+{_RANGE}\s*{_TIME}\b",
            rf"(?<![\w.,]){_RANGE}\s*{_TIME}\s+(?:{_PERIOD}|daily|diarios?|diarias?)",
        )
    ),
    re.I,
)
PERCENT = re.compile(rf"(?<![\w.,]){_RANGE}\s*(?:%|per\s?cent\b|percent\b|por\s+ciento\b)", re.I)
# What every amount and percentage holds (a digit, a number word, once, twice…): most text holds none,
# and the full patterns are slow to rule it out.
_MAY_COUNT = re.compile(rf"\d|\b(?:{_WORDS}|once|twice|thrice|una vez)", re.I)
_SENTENCE_END = re.compile(rf"[.!?][\"\u201d\u2019)]*{SOURCE}*(?=\s)")


def _block_text(element: _Element) -> str:
    """The text of a block as printed, each resolved citation as SOURCE, nested blocks left out."""
    out = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            out.append(child.tail or "")
            continue
        names = classes(child)
        if child.tag in _BLOCKS:
            pass  # judged on its own
        elif "citation" in names:
            resolved = any(a.get("role") == "doc-biblioref" for a in child.iter("a"))
            out.append(SOURCE if resolved else "".join(child.itertext()))
        elif child.tag == "a" and child.get("role") == "doc-biblioref":
            out.append(SOURCE)
        else:
            out.append(_block_text(child))
        out.append(child.tail or "")
    return "".join(out)


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph; citations right after the full stop belong to the sentence before."""
    out, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        out.append(text[start : end.end()].strip())
        start = end.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def units(root: _Element) -> list[str]:
    """Every unit of text a citation can source, in reading order: sentences of paragraphs and
    headings, whole list items, table cells and definitions."""
    out: list[str] = []
    for element in root.iter(*(_SPLIT | _WHOLE)):
        if element.tag in ("p", "li") and classes(element) & {"red-flag-intro", "red-flag-action"}:
            continue
        if any("red-flag-heading" in classes(a) for a in [element, *element.iterancestors()]):
            continue
        text = re.sub(r"\s+", " ", _block_text(element)).strip()
        if not text:
            continue
        out += sentences(text) if element.tag in _SPLIT else [text]
    return out


def unsourced(text: str) -> list[tuple[str, str]]:
    """The amounts and percentages of one unit of text that has no resolved citation: (kind, text)."""
    if SOURCE in text or not _MAY_COUNT.search(text):
        return []
    found = [("amount", m.group(0)) for m in AMOUNT.finditer(text)]
    found += [("percentage", m.group(0)) for m in PERCENT.finditer(text)]
    return found


MESSAGES = {
    "amount": (
        "A001",
        "a dose, quantity or frequency with no source",
        "cite a source for it in the same sentence or list item ([@key], or a mapped [1]), or take it out; "
        "do not change your dose without your prescriber",
    ),
    "percentage": (
        "A002",
        "a percentage with no source",
        "cite a source for it in the same sentence or list item ([@key], or a mapped [1]), or take it out",
    ),
}


def amount_findings(article: Article, root: _Element) -> list[Finding]:
    """A001/A002 for every unsourced amount of the article, its summary included."""
    severity = Severity.WARNING if article.is_draft else Severity.ERROR
    lines = LineFinder(article.body)
    findings = []
    for kind, text in unsourced(re.sub(r"\s+", " ", article.meta.summary)):
        code, message, hint = MESSAGES[kind]
        findings.append(Finding(code, severity, article.location, f"{message} (in the summary)", text, hint))
    for unit in units(root):
        for kind, text in unsourced(unit):
            code, message, hint = MESSAGES[kind]
            line = lines.line_of(text) or lines.line_of(re.split(r"\s", text)[0])
            findings.append(Finding(code, severity, article.at(line), message, text, hint))
    return findings
