"""Reading level of plain text, offline: a formula made for the text's language.

- English: the Flesch-Kincaid grade, ``0.39 * words/sentences + 11.8 * syllables/words - 15.59``.
- Spanish: the Fernández-Huerta reading ease, ``206.84 - 0.60 * P - 1.02 * F`` (P syllables and F
  sentences per 100 words; higher is easier), turned into a school grade with its published table
  (60-70 "normal" is grades 7-8) so that one limit, ``reading_level`` in book.yaml, serves both.

Syllables are counted without any download: English words by the larger of pyphen's hyphenation
points (its dictionaries ship inside the package) and a vowel-group count with the usual silent
endings; Spanish words by the rules of Spanish syllables (vowel nuclei, diphthongs and hiatus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import pyphen

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A sentence ends at . ! ? (and closing quotes or brackets) before a space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(¿¡]?[A-ZÁÉÍÓÚÑ0-9])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|St|vs|p|pp|approx|No|Sr|Sra|Dra|pág|p\. ej)\.$", re.I)
# (Fernández-Huerta score, grade) anchors of its table, from easiest to hardest; grades between are interpolated.
_FH_GRADES = ((100.0, 3.0), (90.0, 4.0), (80.0, 5.0), (70.0, 6.0), (60.0, 8.0), (50.0, 12.0), (30.0, 14.0), (0.0, 17.0))


MIN_HARD_WORDS = 6


@dataclass
class Sentence:
    text: str
    words: int
    syllables: int
    grade: float


@dataclass
class Reading:
    """The reading level of one text."""

    language: str
    formula: str  # "Flesch-Kincaid grade" or "Fernández-Huerta"
    score: float  # the formula's own number (a grade, or a reading ease)
    grade: float  # a US school grade, compared with the book's reading_level
    words: int
    sentences: int
    syllables: int
    hardest: list[Sentence] = field(default_factory=list)

    @property
    def sentence_length(self) -> float:
        """Average words per sentence."""
        return self.words / self.sentences if self.sentences else 0.0


def primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


@lru_cache(maxsize=8)
def _dictionary(language: str) -> pyphen.Pyphen | None:
    name = pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.Pyphen(lang=name) if name else None


@lru_cache(maxsize=65536)
def syllables(word: str, language: str = "en") -> int:
    """Syllables of one word, counted offline (each distinct word once: words repeat)."""
    if primary(language) == "es":
        return _spanish_syllables(word)
    guess = _english_syllables(word)
    dictionary = _dictionary(language)
    return max(guess, len(dictionary.positions(word)) + 1) if dictionary and word else guess


def _english_syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = w.replace("qu", "q")
    if w.endswith("ed") and w[-3] not in "td":
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] not in "sxzgc" and not w.endswith("hes"):
        w = w[:-2]
    elif w.endswith("e") and w[-2] not in "aeiouy" and not (w.endswith("le") and w[-3] not in "aeiouy"):
        w = w[:-1]
    w = w.removeprefix("y")
    count = 0
    for group in re.finditer(r"[aeiouy]+", w):
        vowels, before = group.group(0), w[group.start() - 1] if group.start() else ""
        extra = ("ia" in vowels and before not in "ctsg") + ("iu" in vowels) + ("yo" in vowels)
        extra += ("io" in vowels and before not in "ctsx") + ("ua" in vowels and before not in "gq")
        extra += w[group.start() : group.end() + 1].endswith("iet") + (vowels.endswith("ea") and group.end() == len(w))
        count += 1 + min(extra, len(vowels) - 1)
    return max(1, count)


_STRONG = set("aeoáéóíú")  # accented i and u break a diphthong like a strong vowel
_WEAK = set("iuü")


def _spanish_syllables(word: str) -> int:
    w = re.sub(r"(?<=[qg])u(?=[eéií])", "", word.lower())  # the silent u of que, qui, gue, gui
    count, previous = 0, ""
    for index, ch in enumerate(w):
        vowel = ch in _STRONG or ch in _WEAK
        if ch == "y" and previous and (index + 1 == len(w) or w[index + 1] not in _STRONG | _WEAK):
            vowel = True  # hoy, muy: y closes a diphthong
            ch = "i"
        if vowel and not (previous and (ch in _WEAK or previous in _WEAK)):
            count += 1  # a new nucleus: after a consonant, or two strong vowels in hiatus
        previous = ch if vowel else ""
    return max(1, count)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a list item or a line with no full stop is one sentence."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if pieces and _ABBREVIATIONS.search(pieces[-1]):
            pieces[-1] += " " + piece
        elif piece.strip():
            pieces.append(piece.strip())
    return pieces


def _fk(words: int, sentences: int, syllables_: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables_ / words - 15.59


def _fernandez_huerta(words: int, sentences: int, syllables_: int) -> float:
    return 206.84 - 0.60 * (100 * syllables_ / words) - 1.02 * (100 * sentences / words)


def grade_of_fernandez_huerta(score: float) -> float:
    """The school grade of a Fernández-Huerta score, from its table."""
    if score >= _FH_GRADES[0][0]:
        return _FH_GRADES[0][1]
    for (high, easy), (low, hard) in pairwise(_FH_GRADES):
        if score >= low:
            return hard + (easy - hard) * (score - low) / (high - low)
    return _FH_GRADES[-1][1]


def measure(paragraphs: list[str], language: str = "en", hardest: int = 3) -> Reading:
    """Reading level of some paragraphs (headings, tables and citations already left out)."""
    spanish = primary(language) == "es"
    score_of = _fernandez_huerta if spanish else _fk
    counted: list[Sentence] = []
    for paragraph in paragraphs:
        for text in split_sentences(paragraph):
            words = WORD.findall(text)
            if not words:
                continue
            syl = sum(syllables(w, language) for w in words)
            score = score_of(len(words), 1, syl)
            counted.append(Sentence(text, len(words), syl, grade_of_fernandez_huerta(score) if spanish else score))
    words = sum(s.words for s in counted)
    syl = sum(s.syllables for s in counted)
    formula = "Fernández-Huerta" if spanish else "Flesch-Kincaid grade"
    if not words:
        return Reading(language, formula, 0.0, 0.0, 0, 0, 0)
    score = score_of(words, len(counted), syl)
    grade = max(0.0, grade_of_fernandez_huerta(score) if spanish else score)  # a grade below 0 means nothing
    # The hardest sentences: highest grade among those long enough to matter ("Alcohol." is not hard).
    long_enough = [s for s in counted if s.words >= MIN_HARD_WORDS] or counted
    ranked = sorted(long_enough, key=lambda s: (-s.grade, -s.words))[:hardest]
    return Reading(language, formula, round(score, 1), round(grade, 1), words, len(counted), syl, ranked)
