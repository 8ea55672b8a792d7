"""The stylesheets every PDF shares (fonts, base, print palette), and CSS text helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..fonts import print_faces
from ..messages import Messages
from ..templates import layout_file, read_layout, render

PAPER = {"a4": "A4", "letter": "letter"}


def css_string(text: str) -> str:
    """A CSS string literal (for generated content)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_of_content(say: Messages) -> str:
    """``"Page " counter(page) " of " counter(pages)`` in the book's language."""
    words = say("page.of", page="\x00page\x00", pages="\x00pages\x00").split("\x00")
    parts = [f"counter({w})" if i % 2 else css_string(w) for i, w in enumerate(words) if w or i % 2]
    return " ".join(parts)


def icon_css(url: Callable[[str], str]) -> str:
    """The tier icons, as backgrounds of the empty ``span.red-flag-icon`` beside each label."""
    return "".join(
        f'.icon-{tier} {{ background-image: url("{url(tier)}"); }}\n' for tier in ("emergency", "urgent", "routine")
    )


def print_stylesheets(layouts: Path, paper: str, say: Messages, *extra: str) -> list[str]:
    fonts = render("base/fonts.css.j2", layouts, faces=print_faces(), font_url=lambda f: f.path.resolve().as_uri())
    sheets = [fonts, read_layout("base/base.css", layouts), read_layout("pdf/print.css", layouts)]
    sheets += [read_layout(name, layouts) for name in extra]
    page = css_string(f", {say('page')} ")
    sheets.append(f"@page {{ size: {PAPER[paper]}; }}")
    sheets.append(icon_css(lambda tier: layout_file(f"icons/{tier}.svg", layouts).resolve().as_uri()))
    sheets.append(
        f".used-in a.use::after, .backlinks a.use::after {{ content: {page} target-counter(attr(href), page); }}"
    )
    return sheets
