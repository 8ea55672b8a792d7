"""Self-healing state and today as an input. Anything unreadable, cut short or of the wrong type in
``.plainpress-cache/`` (the stamp, an entry's JSON, its PDF bytes) is ignored, rebuilt and overwritten, never
a traceback; and the nothing-changed stamp holds the date the review checks use, so an article whose review
date passes overnight stops the next build."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from plainpress.cache import RenderCache
from plainpress.checks import dates
from plainpress.commands.build import build
from plainpress.stamp import CACHE_DIR, STAMP_FILE

from .helpers import FIXTURES
from .safety_helpers import run, state

CORRUPT = {
    "null": b"null",
    "an empty list": b"[]",
    "a number": b"42",
    "an empty file": b"",
    "random bytes": bytes(random.Random(14).randrange(256) for _ in range(600)),
    "the wrong types": json.dumps(
        {"inputs": 5, "folder": [], "findings": "x", "sha256": 1, "pages": "2", "resources": [], "starts": {}}
    ).encode(),
}


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini book built once with the cache (every PDF laid out): the project each test copies."""
    project = tmp_path_factory.mktemp("cached") / "project"
    shutil.copytree(FIXTURES / "mini", project / "book")
    build(project / "book", project / "dist", use_cache=True, jobs=1)
    return project


def _copy(cached: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(cached, project, symlinks=True)  # dist stays a relative link to its build
    return project


def _entries(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIR / "pdf").glob("*/*.json"))


@pytest.mark.timeout(240)
@pytest.mark.parametrize("content", [*CORRUPT, "cut short", "a folder"], ids=[*CORRUPT, "cut short", "a folder"])
def test_a_damaged_stamp_is_ignored_and_written_again(
    cached: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    project = cached  # in place: the keys of the PDFs hold their paths (each test leaves the stamp healed)
    monkeypatch.chdir(project)
    stamp = project / CACHE_DIR / STAMP_FILE
    if content == "cut short":
        stamp.write_bytes(stamp.read_bytes()[: stamp.stat().st_size // 2])
    elif content == "a folder":
        stamp.unlink()
        (stamp / "inside").mkdir(parents=True)
    else:
        stamp.write_bytes(CORRUPT[content])
    code, output = run("build", "--book", "book", "--out", "dist", "--jobs", "1")
    assert code == 0 and "Traceback" not in output, output
    assert "0 PDFs laid out" in output  # the PDF entries were sound: every one came from the cache
    record = json.loads(stamp.read_text())
    assert isinstance(record, dict) and isinstance(record["findings"], list)
    code, output = run("build", "--book", "book", "--out", "dist", "--jobs", "1")
    assert code == 0 and "nothing changed" in output, output


@pytest.mark.parametrize("part", ["json", "pdf"])
@pytest.mark.parametrize("content", [*CORRUPT, "cut short"], ids=[*CORRUPT, "cut short"])
def test_a_damaged_entry_is_ignored_and_overwritten(cached: Path, tmp_path: Path, part: str, content: str) -> None:
    project = _copy(cached, tmp_path)
    cache = RenderCache(project / CACHE_DIR)
    entry = _entries(project)[0]
    key = entry.stem
    good = cache.get(key)
    assert good is not None
    damaged = entry.with_suffix(f".{part}")
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) // 2] if content == "cut short" else CORRUPT[content])
    assert RenderCache(project / CACHE_DIR).get(key) is None
    RenderCache(project / CACHE_DIR).put(key, good)
    again = RenderCache(project / CACHE_DIR).get(key)
    assert again is not None and again.data == good.data and again.pages == good.pages


def test_what_stands_in_the_way_inside_the_cache_is_cleared(cached: Path, tmp_path: Path) -> None:
    project = _copy(cached, tmp_path)
    cache = RenderCache(project / CACHE_DIR)
    key = _entries(project)[0].stem
    good = cache.get(key)
    assert good is not None
    shutil.rmtree(project / CACHE_DIR / "pdf")
    (project / CACHE_DIR / "pdf").write_text("a file where the folder of entries goes")
    cache.put(key, good)
    assert RenderCache(project / CACHE_DIR).get(key) is not None


@pytest.mark.timeout(600)
def test_every_entry_damaged_at_once_builds_again_without_a_traceback(
    cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = cached  # in place: it lays out every PDF again, and leaves the cache healed
    monkeypatch.chdir(project)
    kinds = list(CORRUPT.values())
    for number, entry in enumerate(_entries(project)):
        (entry if number % 2 else entry.with_suffix(".pdf")).write_bytes(kinds[number % len(kinds)])
    (project / CACHE_DIR / STAMP_FILE).write_bytes(b"[]")
    before = state(project / "book")
    code, output = run("build", "--book", "book", "--out", "dist", "--jobs", "1")
    assert code == 0 and "Traceback" not in output, output
    assert all(json.loads(e.read_text())["sha256"] for e in _entries(project))  # each overwritten whole
    assert state(project / "book") == before


@pytest.mark.timeout(180)
def test_an_article_that_expires_overnight_stops_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock moves (the one place that reads it is patched) while PLAINPRESS_TODAY is unset."""
    monkeypatch.delenv("PLAINPRESS_TODAY", raising=False)
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    article = book / "articles" / "second-steps.md"
    article.write_text(article.read_text().replace("next_review: 2029-01-02", "next_review: 2027-03-10"))
    monkeypatch.chdir(tmp_path)
    argv = ("build", "--book", "book", "--out", "dist", "--only", "epub", "--jobs", "1")
    monkeypatch.setattr(dates, "clock", lambda: dt.date(2027, 3, 10))  # the last day it is current
    code, output = run(*argv)
    assert code == 0, output
    code, output = run(*argv)
    assert code == 0 and "nothing changed" in output, output  # the same day: nothing to do
    built = os.readlink("dist")
    monkeypatch.setattr(dates, "clock", lambda: dt.date(2027, 3, 11))  # overnight
    code, output = run(*argv)
    assert code == 1, output
    assert "D001" in output and "second-steps.md" in output
    assert os.readlink("dist") == built  # the last good build stays; nothing new was published
