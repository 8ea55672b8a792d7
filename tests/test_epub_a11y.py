"""The EPUB's accessibility metadata follows what the book holds: fixture books with and without
pictures, with and without the print edition's page list."""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

from plainpress.commands.build import build

from .conftest import Built
from .helpers import FIXTURES

OPF = {"opf": "http://www.idpf.org/2007/opf"}


def _meta(epub_path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub_path) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    found: dict[str, list[str]] = defaultdict(list)
    for meta in opf.iterfind(".//opf:metadata/opf:meta", OPF):
        if (prop := meta.get("property", "")).startswith("schema:"):
            found[prop.removeprefix("schema:")].append((meta.text or "").strip())
    return found


def _epub(out: Path) -> Path:
    return next(out.glob("*.epub"))


def test_a_book_without_pictures_is_textual(tmp_path: Path) -> None:
    build(FIXTURES / "mini", tmp_path / "dist", only="epub")
    meta = _meta(_epub(tmp_path / "dist"))
    assert meta["accessMode"] == ["textual"]
    assert meta["accessModeSufficient"] == ["textual"]
    assert "alternativeText" not in meta["accessibilityFeature"]
    assert {"pageNavigation", "pageBreakMarkers"}.isdisjoint(meta["accessibilityFeature"])  # no page list
    assert meta["accessibilityHazard"] == ["none"]


def test_a_book_with_a_picture_is_visual_and_sufficient_as_text(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    shutil.copy(FIXTURES / "defects" / "articles" / "chart.png", book / "articles" / "chart.png")
    article = book / "articles" / "first-steps.md"
    article.write_text(
        article.read_text().replace(
            "Keep the room dark and cool.", "Keep the room dark and cool.\n\n![A bar chart of hours slept](chart.png)"
        )
    )
    build(book, tmp_path / "dist", only="epub")
    meta = _meta(_epub(tmp_path / "dist"))
    assert sorted(meta["accessMode"]) == ["textual", "visual"]
    assert sorted(meta["accessModeSufficient"]) == ["textual", "textual,visual"]
    assert "alternativeText" in meta["accessibilityFeature"]


def test_page_navigation_only_with_a_page_list(sample: Built) -> None:
    meta = _meta(sample.output("epub"))
    assert {"pageNavigation", "pageBreakMarkers"} <= set(meta["accessibilityFeature"])
    assert meta["accessMode"] == ["textual"]  # the sample book's only picture is its cover
