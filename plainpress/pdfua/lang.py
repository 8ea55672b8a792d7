"""Language identifiers (7.2-t29) wherever ``Lang`` may stand.

A ``Lang`` must have RFC 3066 syntax: one to eight letters, then any number of ``-`` and one to
eight letters or digits. That is the rule veraPDF applies; a well-formed tag whose primary subtag is
not a known language (``xx-YY``) passes it, so it is reported as a warning only
(``lang-unregistered``). The known languages are CLDR's, through Babel; ``x`` (private use),
``i`` (IANA), ``qaa``-``qtz`` (local use) and ``und``/``mul``/``zxx`` are also accepted.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Document

LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
SPECIAL = frozenset({"x", "i", "und", "mul", "zxx", "mis"})


@functools.cache
def _known() -> frozenset[str]:
    try:
        from babel import Locale

        return frozenset(code.lower() for code in Locale("en").languages)
    except Exception:  # Babel is a dependency of ours; without its data no warning is given
        return frozenset()


def is_language_tag(value: str) -> bool:
    return LANGUAGE_TAG.fullmatch(value) is not None


def is_registered(value: str) -> bool:
    primary = value.split("-", 1)[0].lower()
    known = _known()
    if not known or primary in SPECIAL or primary in known:
        return True
    return len(primary) == 3 and "qaa" <= primary <= "qtz"


def check_lang(doc: Document, value: str, page: int | None, where: str) -> None:
    if not is_language_tag(value):
        doc.fail("7.2-t29", page, f"{where}: {value!r} is not a language tag")
    elif not is_registered(value):
        doc.warn("lang-unregistered", page, f"{where}: {value!r} is well formed but its language is not known")
