"""The schema reads each class's field types once (plainpress.sources.schema.type_hints): every
article's front matter is built from the same classes, and the values are the same as before."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from plainpress.model.config import ArticleMeta
from plainpress.sources import schema
from plainpress.sources.yamlsrc import load_yaml


def test_each_class_s_field_types_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    schema.type_hints.cache_clear()
    read: list[type] = []
    hints = typing.get_type_hints
    monkeypatch.setattr(typing, "get_type_hints", lambda cls: read.append(cls) or hints(cls))
    metas = []
    for n in range(3):
        reader = schema.Reader(Path(f"a{n}.md"))
        data = load_yaml(f"title: Article {n}\nsummary: What it says.\ndate: 2026-01-0{n + 1}\n", Path(f"a{n}.md"))
        metas.append(reader.build(ArticleMeta, data))
        assert reader.problems == []
    assert [m.title for m in metas] == ["Article 0", "Article 1", "Article 2"]
    assert read.count(ArticleMeta) == 1
    with pytest.raises(TypeError):
        schema.type_hints(ArticleMeta)["title"] = int  # shared by every build: read-only
    schema.type_hints.cache_clear()
