"""What must never be broken across lines, and where long words may break.

A patient who reads "01632" at the end of one line and "960 123" on the next dials the wrong
number. Phone and emergency numbers, dates, an amount with its unit ("300 mg") and a
pronunciation ("fa-sik-yoo-LAY-shun") are therefore kept on one line *by design*, in every
output:

- in HTML (articles, handouts, cards, the book, the EPUB) each is a ``span.nobreak``
  (``white-space: nowrap``): :func:`nobreak_html` for text the layouts print, and the
  :mod:`plainpress.mdext.wrapping` extension for an article's own text;
- in a page's margin boxes (the handout footer), where WeasyPrint 70 draws only a string,
  spaces become U+00A0 and hyphens U+2011 (:func:`nobreak_chars`).

Web addresses may break after ``/``, ``-`` and ``.`` (a ``<wbr>`` after each): :func:`url_parts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markupsafe import Markup, escape

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "ene|abr|ago|dic"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th|º|\.)?"
_DATE = (
    rf"{_DAY}\s+(?:de\s+)?(?:{_MONTHS})\.?(?:,?\s+(?:de\s+|del\s+)?\d{{4}})?"  # 20 Nov 2029, 2 de enero de 2026
    rf"|(?:{_MONTHS})\.?\s+{_DAY},?\s+\d{{4}}"  # November 20, 2029
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"  # November 2029
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"  # 2029-11-20, 20/11/2029
)
_UNITS = (
    r"mg/kg|mg/dl|mg/ml|mmol/l|mcg|µg|μg|mg|kg|g|ml|l|mmol|iu|units?|unidades?|micrograms?|milligrams?|grams?|"
    r"gramos?|millilit(?:re|er)s?|mililitros?|lit(?:re|er)s?|litros?|tablets?|comprimidos?|capsules?|cápsulas?|"
    r"drops?|gotas?|puffs?|inhalaciones?|sachets?|sobres?|%|°c|°f|ºc|cm|mm|m|km|kcal|cal|"
    r"hours?|hrs?|h|horas?|minutes?|mins?|minutos?|seconds?|segundos?|days?|días?|weeks?|semanas?|months?|meses?|"
    r"years?|años?|times?|veces|steps?|pasos?|bpm|mmhg"
)
_NUMBER = r"\d+(?:[.,]\d+)?"
_RATIO = rf"{_NUMBER}(?:/{_NUMBER})?"  # 120/80 mmHg
_AMOUNT = rf"{_RATIO}(?:\s*(?:-|–|to|a)\s*{_NUMBER})?(?:\s|\u00a0)*(?:{_UNITS})(?![\w])"
# A time of day: 10:30 am, 8.30 p.m., 6 pm, 14:00 h (the am/pm never alone on the next line).
_TIME = r"\d{1,2}(?:[:.]\d{2})?(?:\s|\u00a0)*(?:[ap]\.\s?m\.|[ap]m\b|h\b)|\d{1,2}:\d{2}"
_PHONE = r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[ .\-\u00a0]\d{2,5}){1,4}"
_SYLLABLE = r"[A-Za-zÀ-ÿ']+"
# A respelling: syllables joined by hyphens, the stressed one in capitals (fa-sik-yoo-LAY-shun).
_PRONUNCIATION = rf"(?=[\w'-]*\b[A-ZÀ-Þ]{{2,}}\b)(?=[\w'-]*\b[a-zß-ÿ]+\b){_SYLLABLE}(?:-{_SYLLABLE})+"

KEEP_TOGETHER = re.compile(
    rf"(?<![\w+\-/])(?:(?P<date>{_DATE})|(?P<amount>{_AMOUNT})|(?P<time>{_TIME})|(?P<phone>{_PHONE})|(?P<say>{_PRONUNCIATION}))(?![\w])",
    re.IGNORECASE,
)
# The pronunciation's own test is case-sensitive: applied to what the pattern above found.
_STRESSED = re.compile(r"\b[A-ZÀ-Þ]{2,}\b")
_UNSTRESSED = re.compile(r"\b[a-zß-ÿ]+\b")
_DIGIT = re.compile(r"\d")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]", re.IGNORECASE)
_URL_BREAK = re.compile(r"(?<=[/.\-])(?=[^/.\-])")


def may_keep(text: str) -> bool:
    """False when :func:`spans` marks nothing in ``text``, found quickly: every kind holds a digit but a
    pronunciation, which holds a hyphen and a stressed syllable. Most texts hold neither, and the full
    pattern is slow to rule them out."""
    return bool(_DIGIT.search(text)) or ("-" in text and bool(_STRESSED.search(text)))


def spans(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` in pieces: (piece, must stay on one line). Pieces with no space or hyphen inside are
    never marked (nothing to break)."""
    if not may_keep(text):
        if text:
            yield text, False
        return
    at = 0
    for match in KEEP_TOGETHER.finditer(text):
        piece = match.group(0)
        if match.lastgroup == "say" and not (_STRESSED.search(piece) and _UNSTRESSED.search(piece)):
            continue
        if not re.search(r"[\s\-–/.]", piece):
            continue
        if match.start() > at:
            yield text[at : match.start()], False
        yield piece, True
        at = match.end()
    if at < len(text):
        yield text[at:], False


def nobreak_chars(text: str) -> str:
    """For margin boxes (a CSS string): inside what must stay together, spaces become no-break
    spaces and hyphens no-break hyphens."""
    return "".join(
        piece.replace(" ", "\u00a0").replace("-", "\u2011") if keep else piece for piece, keep in spans(text)
    )


def nobreak_html(text: object) -> Markup:
    """The Jinja ``nobreak`` filter: ``text`` escaped, with each number, date, amount and
    pronunciation in a ``span.nobreak`` (Markup passed in is kept as it is)."""
    if isinstance(text, Markup):
        return text
    out = Markup("")
    for piece, keep in spans(str(text)):
        out += Markup('<span class="nobreak">{}</span>').format(piece) if keep else escape(piece)
    return out


def url_parts(url: str) -> list[str]:
    """A web address cut after each ``/``, ``-`` and ``.`` (where a ``<wbr>`` goes)."""
    return [part for part in _URL_BREAK.split(url) if part]


def breakable_url(text: object) -> Markup:
    """The Jinja ``url`` filter: a web address escaped, with a ``<wbr />`` after each ``/``, ``-``, ``.``."""
    return Markup("<wbr />").join(escape(part) for part in url_parts(str(text)))
