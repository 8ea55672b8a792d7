"""libyaml composes every YAML source (plainpress.sources.yamlsrc): the same values and lines as
PyYAML's own parser, and the pure-Python parser's words where libyaml cannot read a document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plainpress.errors import SourceError
from plainpress.sources import yamlsrc

BOOK = Path(__file__).resolve().parent.parent / "book"
pytestmark = pytest.mark.skipif(yamlsrc._CLoader is None, reason="PyYAML without libyaml")


def _shape(value: object) -> object:
    if isinstance(value, yamlsrc.Mapping):
        return ("map", value.line, value.key_lines, [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, yamlsrc.Sequence):
        return ("seq", value.line, value.item_lines, [_shape(v) for v in value])
    return (type(value).__name__, value)


def _pure(text: str) -> object:
    loader = yamlsrc._Loader(text)
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _sources() -> list[tuple[Path, str]]:
    found = [(p, p.read_text(encoding="utf-8")) for p in sorted(BOOK.rglob("*.yaml"))]
    for path in sorted(BOOK.rglob("*.md")):
        match = re.match(r"\A---\n(.*?\n)---\n", path.read_text(encoding="utf-8"), re.S)
        if match:
            found.append((path, match.group(1)))
    return found


def test_libyaml_reads_the_sample_book_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = _sources()
    assert len(sources) > 5
    used: list[str] = []
    quick = yamlsrc._quick
    monkeypatch.setattr(yamlsrc, "_quick", lambda text: used.append(text) or quick(text))
    for path, text in sources:
        assert _shape(yamlsrc.load_yaml(text, path)) == _shape(_pure(text)), path
    assert len(used) == len(sources)  # every document went through libyaml


def test_what_libyaml_refuses_is_read_again_by_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "title: One\nsummary: a\ntitle: Two\n"
    assert yamlsrc._quick(text) is yamlsrc._FAILED
    pure: list[str] = []
    loader = yamlsrc._Loader
    monkeypatch.setattr(yamlsrc, "_Loader", lambda text: pure.append(text) or loader(text))
    with pytest.raises(SourceError) as ours:
        yamlsrc.load_yaml(text, Path("x.yaml"), first_line=2)
    assert pure == [text]
    assert "appears twice" in ours.value.message and ours.value.location.line == 4
