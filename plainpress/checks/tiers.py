"""Red flags that contradict the article (R006): a sign in a red-flag box of one tier that stands,
elsewhere in the same article, under a label that calls it less urgent: a table column headed "Get
checked" or "Usually harmless", a list introduced by "mention it at your next visit", or a box of a
lower tier.

Signs are paraphrased ("Trouble swallowing or breathing" against "You find it hard to breathe or to
swallow"), so they are matched on shared stemmed symptom words (Snowball stemmers, English and
Spanish), not on their wording. A label's urgency is read from its words: emergency > urgent >
routine > harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from lxml.etree import _Element

from ..errors import Finding, Severity
from ..mdext.lines import LineFinder
from ..model import TIERS, Article
from .document import HEADINGS, classes, text_of

RANKS = {"harmless": 0, "routine": 1, "urgent": 2, "emergency": 3}
# The words of a label, per language, from the most urgent down; the first that matches decides.
LABELS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "en": [
        ("routine", re.compile(r"\bnot (?:an )?(?:urgent|emergency)\b|\bnon-?urgent\b|\bcan wait\b", re.I)),
        (
            "emergency",
            re.compile(
                r"\bemergenc|\bcall (?:9\d\d|1\d\d|an ambulance)\b|\bright away\b|\bimmediately\b|\bat once\b"
                r"|\bA&E\b|\bget help now\b|\bcall now\b",
                re.I,
            ),
        ),
        (
            "urgent",
            re.compile(
                r"\burgent|\btoday\b|\bsame day\b|\bseek (?:urgent |medical |emergency )?(?:help|care|attention)"
                r"|\bget (?:it )?checked\b|\bsee (?:a|your) (?:doctor|clinician|gp)\b|\bcall your (?:doctor|clinician)"
                r"|\bserious (?:signs?|symptoms?)\b|\bwarning signs?\b|\bred[- ]flags?\b|\bneeds? (?:a doctor|help)\b",
                re.I,
            ),
        ),
        ("routine", re.compile(r"\bnext (?:visit|appointment|check-?up)\b|\broutine\b|\bmention\b", re.I)),
        ("harmless", re.compile(r"\bharmless\b|\bbenign\b|\bnormal\b|\bnot serious\b|\bnothing to worry", re.I)),
    ],
    "es": [
        ("routine", re.compile(r"\bno (?:es )?urgente\b|\bpuede esperar\b", re.I)),
        (
            "emergency",
            re.compile(
                r"\burgencias\b|\bemergencia|\bllame (?:al|a) (?:1\d\d|0\d\d|9\d\d|una ambulancia)\b"
                r"|\bde inmediato\b|\binmediatamente\b|\bahora mismo\b|\bya mismo\b",
                re.I,
            ),
        ),
        (
            "urgent",
            re.compile(
                r"\burgente|\bhoy\b|\bmismo d\u00eda\b|\bbusque (?:ayuda|atenci\u00f3n)|\bh\u00e1gase (?:revisar|ver)"
                r"|\bconsulte (?:a su|al|con su) (?:m\u00e9dic|doctor)|\bs\u00edntomas graves\b"
                r"|\b(?:se\u00f1ales|signos|s\u00edntomas) de (?:alarma|alerta|peligro)\b",
                re.I,
            ),
        ),
        ("routine", re.compile(r"\bpr\u00f3xima (?:visita|cita|consulta)\b|\brutina\b|\bcom\u00e9ntelo\b", re.I)),
        ("harmless", re.compile(r"\binofensiv|\bbenign|\bnormal(?:es)?\b|\bno (?:es|son) grave", re.I)),
    ],
}
STOP = {
    "en": set(
        "a an the and or but of to in on at by for with from into over under your you yours it its is are be been "
        "being was were that this these those which who what when where how there their they them he she his her "
        "we our us i me my not no any some more most less very much many can could may might will would should "
        "have has had do does did get gets getting got keeps keep find finds feel feels look looks seem seems "
        "thing things part body sign signs symptom symptoms hard trouble difficulty problem problems new "
        "all also just than then so if as up out".split()
    ),
    "es": set(
        "a al ante con de del el la las lo los en entre es son ser está están un una unos unas y o u pero por para "
        "su sus se le les que qué cuando cuándo como cómo muy más menos mucho mucha no sí ya hay tiene tienen "
        "tener nota notar siente sentir parece cuesta dificultad problema problemas señal señales signo signos "
        "síntoma síntomas parte cuerpo usted ustedes mi me te".split()
    ),
}
LANGUAGES = {"en": "english", "es": "spanish"}


def _language(language: str) -> str:
    primary = language.split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


@cache
def _stemmer(language: str):  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer(LANGUAGES[language])


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=8192)
def stems(text: str, language: str) -> frozenset[str]:
    """The stems of the symptom words of a sign: common and generic words left out. Remembered: each
    sign is compared with every sign placed under a label, and Snowball (pure Python) is slow."""
    lang = _language(language)
    words = [w for w in _WORD.findall(text.casefold()) if len(w) > 2 and w not in STOP[lang]]
    return frozenset(_stem(word, lang) for word in words)


@lru_cache(maxsize=16384)
def _stem(word: str, language: str) -> str:
    """One word's stem (the same words recur across a book's articles)."""
    return _stemmer(language).stemWord(word)


def same_sign(a: str, b: str, language: str) -> bool:
    """True when two texts name the same sign: two shared symptom stems, or all of a one-word sign."""
    first, second = stems(a, language), stems(b, language)
    shared = first & second
    return bool(shared) and len(shared) >= min(2, len(first), len(second))


def label_rank(text: str, language: str) -> tuple[str, int] | None:
    """The urgency a label's words give (its name and rank), or None when they say none."""
    for name, pattern in LABELS[_language(language)]:
        if pattern.search(text):
            return name, RANKS[name]
    return None


@dataclass
class Placed:
    text: str  # the sign as written there
    label: str  # the words that say how urgent it is
    urgency: str
    rank: int


def _placed(root: _Element, language: str) -> list[Placed]:
    """Every sign that stands under a label outside red-flag boxes, and every sign of a box."""
    out: list[Placed] = []
    for table in root.iter("table"):
        headers = [text_of(th) for th in next(table.iter("tr"), [])]
        for row in list(table.iter("tr"))[1:]:
            for index, cell in enumerate(c for c in row if c.tag in ("td", "th")):
                own = label_rank(text_of(cell), language)
                label = text_of(cell) if own else (headers[index] if index < len(headers) else "")
                rank = own or label_rank(label, language)
                if rank and text_of(cell):
                    out.append(Placed(text_of(cell), label, *rank))
    for items in root.iter("ul", "ol"):
        box = next((a for a in items.iterancestors() if "red-flag" in classes(a)), None)
        if box is not None:
            tier = next((t for t in TIERS if f"red-flag-{t}" in classes(box)), "urgent")
            out += [Placed(text_of(li), tier, tier, RANKS[tier]) for li in items.iterchildren("li")]
            continue
        intro = items.getprevious()
        if intro is None or intro.tag not in {"p"} | HEADINGS:
            continue
        rank = label_rank(text_of(intro), language)
        if rank:
            for li in items.iterchildren("li"):
                own = label_rank(text_of(li), language)
                out.append(Placed(text_of(li), text_of(li) if own else text_of(intro), *(own or rank)))
    return out


def tier_findings(article: Article, root: _Element, language: str) -> list[Finding]:
    """R006 for every sign of a red-flag box that the article also places under a less urgent label."""
    placed = _placed(root, language)
    flags = [
        (tier, text_of(li))
        for box in root.iter("section")
        if "red-flag" in classes(box)
        for tier in TIERS
        if f"red-flag-{tier}" in classes(box)
        for li in box.iter("li")
    ]
    severity = Severity.WARNING if article.is_draft else Severity.ERROR
    lines = LineFinder(article.body)
    findings = []
    for tier, sign in flags:
        for other in placed:
            if other.rank >= RANKS[tier] or not same_sign(sign, other.text, language):
                continue
            line = lines.line_of(other.text) or lines.line_of(other.text.split()[0])
            findings.append(
                Finding(
                    "R006",
                    severity,
                    article.at(line),
                    f"\u201c{other.text}\u201d stands under \u201c{other.label}\u201d ({other.urgency}), "
                    f"but the {tier} red flag \u201c{sign}\u201d names the same sign",
                    other.text,
                    "give the sign one urgency: move it, reword the label, or change the red flag's tier",
                )
            )
    return findings
