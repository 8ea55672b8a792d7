"""The README documents every key of the schemas and every finding code the code emits."""

from __future__ import annotations

import re

from plainpress.model import ArticleMeta, BookConfig
from plainpress.sources.schema import keys_reference

from .helpers import ROOT

README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_book_and_article_key_is_documented():
    for cls, title in ((BookConfig, "`book.yaml` keys"), (ArticleMeta, "Article front matter keys")):
        table = _section(title)
        for key, _doc, required in keys_reference(cls):
            row = re.search(rf"^\| `{re.escape(key)}` \| (yes|no) \|", table, re.M)
            assert row, f"README does not document `{key}`"
            assert row.group(1) == ("yes" if required else "no"), key


def test_every_finding_code_is_documented():
    codes = set()
    for path in (ROOT / "plainpress").rglob("*.py"):
        codes |= set(re.findall(r'"([A-Z]\d{3})"', path.read_text()))
    codes.discard("E000")
    missing = sorted(c for c in codes if not re.search(rf"^\| {c} \|", README, re.M))
    assert missing == []


def test_every_profile_key_is_documented():
    from plainpress.model import Profile

    table = _section("Clinic profiles, handouts and cards")
    for key, _doc, required in keys_reference(Profile):
        row = re.search(rf"^\| `{re.escape(key)}` \| (yes|no) \|", table, re.M)
        assert row, f"README does not document `{key}`"
        assert row.group(1) == ("yes" if required else "no"), key
