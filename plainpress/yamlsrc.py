"""Reading text and YAML sources while keeping the line of every value.

PyYAML's safe loader is extended so that every mapping is a :class:`Mapping`
that remembers the line of each key, and every list a :class:`Sequence` that
remembers the line of each item. Dates stay strings here: they are parsed by
the schema, which can then say which field and line held a bad one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, SourceError
from .resources import OUTSIDE, inside, real
from .yamlerrors import syntax_error

# Characters XML (and so an EPUB) cannot hold: C0 controls other than tab and line ends, U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# While a book is gathered: its folder. A source file whose real path is elsewhere (a symbolic
# link pointing out of the book) is refused rather than read.
_BOOK_ROOT: ContextVar[Path | None] = ContextVar("plainpress_book_root", default=None)


@contextlib.contextmanager
def sources_inside(root: Path) -> Iterator[None]:
    """Within the block, :func:`read_text` reads only files whose real path is inside ``root``."""
    token = _BOOK_ROOT.set(root)
    try:
        yield
    finally:
        _BOOK_ROOT.reset(token)


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
    root = _BOOK_ROOT.get()
    if root is not None and not inside(path, [root]):
        raise SourceError(
            location,
            f"the file is a link to {real(path)}, outside the book folder; copy the file into the book",
            code=OUTSIDE,
        )
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
    if control := _CONTROL.search(text):
        line = text[: control.start()].count("\n") + 1
        raise SourceError(
            Location(path, line),
            f"the file holds a control character (U+{ord(control.group()):04X}) that is not text; delete it",
            code="E002",
        )
    return text


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text; errors name the file and the line (offset by ``first_line``)."""
    loader = None
    try:
        loader = _Loader(text)  # it reads the text at once: a character YAML refuses stops it here
        node = loader.get_single_node()
        _check_size(node, path, first_line)  # before anything is built from it
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:  # the composer recurses once per level: far deeper than any book needs
        raise SourceError(Location(path, first_line), "the YAML is nested too deeply to be read", code="E003") from None
    except yaml.MarkedYAMLError as exc:  # in our words, at the fault, the line quoted (yamlerrors)
        raise syntax_error(exc, text, path, first_line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + first_line
        problem = f"the character U+{exc.character:04X} is not allowed in YAML"
        raise SourceError(Location(path, line), f"YAML error: {problem}", code="E003") from None
    except yaml.YAMLError as exc:
        raise SourceError(Location(path, first_line), f"YAML error: {exc}", code="E003") from None
    finally:
        if loader is not None:
            loader.dispose()
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


MAX_DEPTH = 50  # levels of mappings and lists; book.yaml needs four
MAX_VALUES = 100_000  # values once every alias is expanded (an alias of an alias of … is a "billion laughs")


def _check_size(root: yaml.Node | None, path: Path, first_line: int) -> None:
    """Refuse a YAML document nested deeper than MAX_DEPTH, whose aliases expand past
    MAX_VALUES values, or whose alias refers to a value that contains it, before it is built."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = _children(node)
        where = Location(path, node.start_mark.line + first_line)
        if not finished:
            if id(node) in sizes:
                continue
            open_nodes.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    raise SourceError(where, "an alias refers to a value that contains it", code="E003")
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        open_nodes.discard(id(node))
        sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
        depths[id(node)] = 1 + max((depths[id(c)] for c in children), default=0)
        if depths[id(node)] > MAX_DEPTH:
            raise SourceError(where, f"the YAML is nested more than {MAX_DEPTH} levels deep", code="E003")
        if sizes[id(node)] > MAX_VALUES:
            raise SourceError(
                where,
                f"the YAML holds more than {MAX_VALUES:,} values once its aliases (*name) are expanded",
                code="E003",
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


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
