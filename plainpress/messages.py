"""Words that layouts and outputs print, per language, and dates in that language.

Every string a reader sees that is not from the sources comes from a message
file, ``layouts/messages/<language>.yaml`` (one flat mapping of key to text,
with ``{name}`` for the values an output fills in), so a book in another
language gets its own words. A book's language tag picks the file of its base
language (``en-GB`` reads ``en.yaml``, ``es-MX`` reads ``es.yaml``); a language
with no file reads English. Dates are formatted by babel with the patterns of
the message file (``date.long``, ``date.short``) and the month names of the
book's language.

Code asks for words as ``Messages(language)(key, **values)``; templates get
that object as ``say``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .paths import PACKAGE_LAYOUTS

MESSAGES_DIR = PACKAGE_LAYOUTS / "messages"
DEFAULT_LANGUAGE = "en"


def base_language(tag: str) -> str:
    """The language of a BCP 47 tag, lower case: ``en-GB`` -> ``en``, ``es_419`` -> ``es``."""
    return tag.replace("_", "-").split("-")[0].strip().lower() or DEFAULT_LANGUAGE


def available_languages(folder: Path = MESSAGES_DIR) -> list[str]:
    """The languages that have a message file, e.g. ``['en', 'es']``."""
    return sorted(path.stem for path in folder.glob("*.yaml"))


@lru_cache(maxsize=16)
def load_messages(language: str, folder: Path = MESSAGES_DIR) -> dict[str, str]:
    """One language's message file as a dict (empty when the language has no file)."""
    path = folder / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: expected a mapping of message keys to text")
    return data


@lru_cache(maxsize=16)
def babel_locale(tag: str) -> Locale:
    """The babel locale of a language tag, else of its base language, else English."""
    for candidate in (tag.replace("_", "-"), base_language(tag), DEFAULT_LANGUAGE):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("babel has no English locale")  # pragma: no cover


@lru_cache(maxsize=16)
def csl_locale(tag: str) -> str:
    """The citeproc-py locale of a language tag, for the bibliography's terms and dates:
    the tag itself when citeproc-py has it (``en-GB``, ``es-MX``), else its language's main
    dialect (``es`` -> ``es-ES``), else ``en-US``."""
    import json

    from citeproc.frontend import LOCALES_PATH

    folder = Path(LOCALES_PATH)
    parts = tag.replace("_", "-").split("-")
    exact = "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p.title() for p in parts[1:])])
    if (folder / f"locales-{exact}.xml").is_file():
        return exact
    dialects = json.loads((folder / "locales.json").read_text(encoding="utf-8"))["primary-dialects"]
    return dialects.get(base_language(tag), "en-US")


@dataclass(frozen=True)
class Messages:
    language: str

    @property
    def table(self) -> dict[str, str]:
        return load_messages(base_language(self.language)) or load_messages(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key)
        if text is None:
            text = load_messages(DEFAULT_LANGUAGE)[key]
        return text.format(**values)

    def date(self, value: dt.date | None, style: str = "long") -> str:
        """``value`` in the book's language: ``style`` is ``long`` (book, colophon) or ``short`` (stamps)."""
        if value is None:
            return ""
        pattern = self(f"date.{style}")
        # Month names in the language of the words around them: English when the language has no file.
        tag = self.language if load_messages(base_language(self.language)) else DEFAULT_LANGUAGE
        return format_date(value, pattern, locale=babel_locale(tag))

    def long_date(self, value: dt.date | None) -> str:
        return self.date(value, "long")

    def short_date(self, value: dt.date | None) -> str:
        return self.date(value, "short")
