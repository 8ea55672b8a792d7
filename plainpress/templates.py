"""The Jinja2 environment shared by every output: strict, autoescaping, layouts/."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .messages import Messages
from .paths import PACKAGE_LAYOUTS

DEFAULT_LAYOUTS = PACKAGE_LAYOUTS  # the package's layouts (plainpress.paths): in a wheel or the checkout


@lru_cache(maxsize=8)
def environment(layouts: Path = DEFAULT_LAYOUTS) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(layouts)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xhtml", "xml", "j2"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = long_date
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.filters["markup"] = Markup
    return env


def long_date(value: dt.date | None, language: str = "en") -> str:
    """A date written out in the book's language (babel), e.g. 20 November 2026, 20 de noviembre de 2026.

    Templates write ``{{ say.long_date(d) }}`` (``say`` knows the language) or ``{{ d | longdate(lang) }}``."""
    return Messages(language).long_date(value)


def render(template: str, layouts: Path = DEFAULT_LAYOUTS, **context: object) -> str:
    return environment(layouts).get_template(template).render(**context)


def read_layout(name: str, layouts: Path = DEFAULT_LAYOUTS) -> str:
    return (layouts / name).read_text(encoding="utf-8")
