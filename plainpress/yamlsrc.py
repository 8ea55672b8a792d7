"""Reading text and YAML sources while keeping the line of every value.

PyYAML's safe loader is extended so that every mapping is a :class:`Mapping`
that remembers the line of each key, and every list a :class:`Sequence` that
remembers the line of each item. Dates stay strings here: they are parsed by
the schema, which can then say which field and line held a bad one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, SourceError


class Mapping(dict[str, Any]):
    """A YAML mapping with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list[Any]):
    """A YAML list with the line of the list and of each item."""

    line: int = 0
    item_lines: list[int]

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


# Leave dates (and only dates) as plain strings for the schema to parse.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain word or number", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_text(path: Path, limit: int | None = None) -> str:
    """Read a UTF-8 source file: BOM dropped, CRLF and CR made LF, NUL refused."""
    location = Location(path)
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise SourceError(
                location,
                f"the file is {size:,} bytes, over the limit of {limit:,} bytes (limits.article_bytes in book.yaml)",
                code="E010",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(location, "the file does not exist", code="E001") from None
    except IsADirectoryError:
        raise SourceError(location, "expected a file, found a folder", code="E001") from None
    except OSError as exc:
        raise SourceError(location, f"cannot read the file ({exc.strerror})", code="E001") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            Location(path, line),
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            code="E002",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(Location(path, line), "the file holds binary data (a NUL byte), not text", code="E002")
    return text


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text; errors name the file and the line (offset by ``first_line``)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(Location(path, line), f"YAML syntax error: {problem}", code="E003") from None
    except yaml.YAMLError as exc:
        raise SourceError(Location(path, first_line), f"YAML error: {exc}", code="E003") from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(value: Any, by: int) -> None:
    if isinstance(value, Mapping):
        value.line += by
        value.key_lines = {k: v + by for k, v in value.key_lines.items()}
        for item in value.values():
            _shift_lines(item, by)
    elif isinstance(value, Sequence):
        value.line += by
        value.item_lines = [v + by for v in value.item_lines]
        for item in value:
            _shift_lines(item, by)
