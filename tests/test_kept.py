"""Conversions kept from the last build (plainpress.stages.kept): a rebuild converts again only the articles
whose source, or book around them, changed, and reads the same book as a build from nothing."""

from __future__ import annotations

import io
import os
import pickle
import shutil
from pathlib import Path

import pytest

import plainpress.stages.analyse as analyse_stage
from plainpress.commands.build import build
from plainpress.markup import article_html, policy_for
from plainpress.model import chapter_anchor, reference_anchor
from plainpress.stages.kept import FOLDER, Kept
from plainpress.stages.read import read_book

from .helpers import SAMPLE_BOOK


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_BOOK, tmp_path / "book"))


@pytest.fixture
def converted(monkeypatch) -> list[str]:
    """The slugs of the articles converted (not read back from the cache)."""
    seen: list[str] = []
    real = analyse_stage.convert

    def convert(article, policy=None):
        seen.append(article.slug)
        return real(article, policy)

    monkeypatch.setattr(analyse_stage, "convert", convert)
    return seen


def _read(book: Path, cache: Path | None):
    kept = Kept(cache) if cache else None
    read, findings = read_book(book, stop=False, kept=kept)
    if kept:
        kept.prune()
    return read, findings


def _same(kept_book, kept_findings, fresh_book, fresh_findings) -> None:
    assert [f.as_dict() for f in kept_findings] == [f.as_dict() for f in fresh_findings]
    assert kept_book.citation_numbers == fresh_book.citation_numbers
    assert kept_book.citation_uses == fresh_book.citation_uses
    assert kept_book.glossary_uses == fresh_book.glossary_uses
    assert kept_book.red_flags == fresh_book.red_flags

    def policy(book):
        return policy_for(
            book,
            chapter_href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment),
            term_href=lambda entry: f"#{entry.anchor}",
            ref_href=lambda key: "#" + reference_anchor(key),
        )

    for kept, fresh in zip(kept_book.articles, fresh_book.articles, strict=True):
        assert (kept.headings, kept.prose) == (fresh.headings, fresh.prose), kept.slug
        assert article_html(kept, policy(kept_book)) == article_html(fresh, policy(fresh_book)), kept.slug


def _articles(book: Path) -> list[Path]:
    return sorted((book / "articles").glob("*.md"))


def test_a_rebuild_converts_only_the_edited_article_and_reads_the_same_book(book, tmp_path, converted):
    cache = tmp_path / "cache"
    _read(book, cache)
    assert len(converted) == len(_articles(book)) == 4
    edited = _articles(book)[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nRest helps most people feel better.\n")
    converted.clear()
    kept = _read(book, cache)
    assert converted == [edited.stem]
    assert len(list((cache / FOLDER).glob("*/*"))) == 4  # the edited article's old entry is gone
    _same(*kept, *_read(book, None))


def test_citation_numbers_that_move_convert_again_the_articles_after(book, tmp_path, converted):
    cache = tmp_path / "cache"
    first, _ = _read(book, cache)
    late = max(first.citation_numbers, key=first.citation_numbers.__getitem__)  # the last reference numbered
    opening = next(a for a in first.articles if a.number == 1).path
    front, body = opening.read_text(encoding="utf-8").split("\n---\n", 1)
    cited_first = f"\nMost twitches settle on their own [@{late}].\n"  # now numbered 1, before every other
    opening.write_text(front + "\n---\n" + cited_first + body, encoding="utf-8")
    converted.clear()
    kept = _read(book, cache)
    assert kept[0].citation_numbers[late] == 1 < first.citation_numbers[late]
    assert converted == [a.path.stem for a in first.articles]  # every later article's numbers moved
    _same(*kept, *_read(book, None))


def test_a_changed_glossary_converts_every_article_again(book, tmp_path, converted):
    cache = tmp_path / "cache"
    _read(book, cache)
    glossary = book / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("definition: ", "definition: Said simply, ", 1))
    converted.clear()
    kept = _read(book, cache)
    assert len(converted) == 4
    _same(*kept, *_read(book, None))


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_a_damaged_or_planted_entry_is_no_entry(book, tmp_path, converted, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    _read(book, cache)
    entries = sorted((cache / FOLDER).glob("*/*"))
    entries[0].write_bytes(entries[0].read_bytes()[:200])  # cut short
    body = pickle.dumps(_Planted())
    import hashlib

    entries[1].write_bytes(hashlib.sha256(body).hexdigest().encode() + body)  # well formed, foreign
    data = bytearray(entries[2].read_bytes())
    data[-10] ^= 0xFF  # one byte changed
    entries[2].write_bytes(bytes(data))
    converted.clear()
    kept = _read(book, cache)
    assert len(converted) == 3
    assert not (tmp_path / "planted").exists()
    _same(*kept, *_read(book, None))


def test_an_article_that_shows_an_image_is_always_converted(book, tmp_path, converted):
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(book / "articles" / "chart.png")
    shows, missing = _articles(book)[:2]
    shows.write_text(shows.read_text(encoding="utf-8") + "\n![A plain chart](chart.png)\n", encoding="utf-8")
    missing.write_text(missing.read_text(encoding="utf-8") + "\n![A later chart](later.png)\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = _read(book, cache)
    assert "I003" in {f.code for f in first[1]}
    Image.new("RGB", (40, 30), "white").save(book / "articles" / "later.png")  # added, its article unchanged
    converted.clear()
    kept = _read(book, cache)
    assert converted == [shows.stem, missing.stem]  # what they show is judged again, from the files as they are
    assert "I003" not in {f.code for f in kept[1]}
    _same(*kept, *_read(book, None))


def test_a_rebuild_with_kept_conversions_makes_the_same_epub(book, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.setenv("PLAINPRESS_TODAY", "2026-11-25")
    out = tmp_path / "site" / "dist"
    build(book, out, use_cache=True, only="epub")
    edited = _articles(book)[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAsk your clinic if you are unsure.\n")
    kept = build(book, out, use_cache=True, only="epub")
    fresh = build(book, tmp_path / "fresh" / "dist", only="epub")
    assert [o.path for o in kept.outputs] == [o.path for o in fresh.outputs]
    for a, b in zip(kept.outputs, fresh.outputs, strict=True):
        assert a.data == b.data, a.path
    assert io.BytesIO(kept.outputs[0].data).getvalue()[:2] == b"PK"


def test_the_checks_of_a_kept_or_fresh_conversion_read_the_article_s_headings(tmp_path):
    """The checks that give a heading's line (S005, S006, R004) see the article's headings, in a build
    without the cache, the first build with it and the next one (read back)."""
    from .helpers import FIXTURES

    book = Path(shutil.copytree(FIXTURES / "defects", tmp_path / "book"))
    _, fresh = _read(book, None)
    _, first = _read(book, tmp_path / "cache")
    _, again = _read(book, tmp_path / "cache")
    lines = {(f.code, f.location.line) for f in fresh if f.code in ("S005", "S006", "R004")}
    assert {code for code, _ in lines} == {"S005", "S006", "R004"} and all(line for _, line in lines)
    assert [f.as_dict() for f in first] == [f.as_dict() for f in fresh] == [f.as_dict() for f in again]


def test_the_words_of_a_regional_language_are_in_the_key(book, monkeypatch):
    """A book in es-MX is worded from es.yaml (as Messages reads it): a change there is a change of the key."""
    import dataclasses

    import plainpress.messages as messages
    import plainpress.stages.kept as kept_module

    read, _ = read_book(book, stop=False)
    read.config = dataclasses.replace(read.config, language="es-MX")
    words = {"es": {"page": "página"}}
    monkeypatch.setattr(messages, "load_messages", lambda language: words.get(language, {}))
    before = kept_module.book_context(read)
    words["es"] = {"page": "pág."}
    assert kept_module.book_context(read) != before
