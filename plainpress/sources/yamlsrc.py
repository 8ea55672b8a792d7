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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, SourceError
from ..resources import OUTSIDE, inside, real
from ..safety import read_regular

# Characters XML (and so an EPUB) cannot hold: C0 controls other than tab and line ends, U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# While a book is gathered: its folder. A source file whose real path is elsewhere (a symbolic
# link pointing out of the book) is refused rather than read.
_BOOK_ROOT: ContextVar[Path | None] = ContextVar("plainpress_book_root", default=None)


@dataclass
class SourceText:
    """A source file as it was read while the book was gathered: its text as written (BOM dropped,
    line ends made LF) and, for YAML (a whole .yaml file, or an article's front matter), the values
    as loaded (a :class:`Mapping` or :class:`Sequence` that knows their lines) from ``data_line`` on."""

    path: Path
    text: str
    data: Any = None
    data_line: int = 1


_READ: ContextVar[dict[Path, SourceText] | None] = ContextVar("plainpress_sources_read", default=None)


@contextlib.contextmanager
def sources_inside(root: Path) -> Iterator[dict[Path, SourceText]]:
    """Within the block, :func:`read_text` reads only files whose real path is inside ``root``; the
    block gets every source read in it, in the order read (the checks of what was written use them,
    instead of reading the files again)."""
    read: dict[Path, SourceText] = {}
    token, recording = _BOOK_ROOT.set(root), _READ.set(read)
    try:
        yield read
    finally:
        _READ.reset(recording)
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

# libyaml (in C) composes a document a hundred times faster than PyYAML's own parser: the same
# resolvers and constructors on its parser. A small document it cannot read is read again by the
# pure-Python parser, for its messages (see :func:`load_yaml`).
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors


FAST_EVENTS = 5_000  # above this many values, or this many characters, libyaml composes the document
FAST_CHARACTERS = 200_000
_VALUE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


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
    raw = read_regular(path, limit)  # a FIFO, socket, device or folder is refused, never opened to block
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
    if (read := _READ.get()) is not None:
        read[path] = SourceText(path, text)
    return text


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text; errors name the file and the line (offset by ``first_line``)."""
    loader = None
    try:
        values, unmeasured = _count_values(text, path, first_line)  # cheap, before the full parse
        large = values > FAST_EVENTS or len(text) > FAST_CHARACTERS
        data = _quick(text) if _CLoader is not None and not large and not unmeasured else _FAILED
        if data is _FAILED:
            loader = (_CLoader if _CLoader is not None and large else _Loader)(text)  # type: ignore[misc]
            node = loader.get_single_node()
            if unmeasured:  # libyaml measured the document already, unless it could not read it
                _check_size(node, path, first_line)  # before anything is built from it
            data = loader.construct_document(node) if node is not None else None
    except RecursionError:  # the composer recurses once per level: far deeper than any book needs
        raise SourceError(Location(path, first_line), "the YAML is nested too deeply to be read", code="E003") from None
    except yaml.MarkedYAMLError as exc:  # in our words, at the fault, the line quoted (yamlerrors)
        from .yamlerrors import syntax_error  # only for a document that is not YAML

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
    if (read := _READ.get()) is not None and path in read:
        read[path].data, read[path].data_line = data, first_line
    return data


_FAILED = object()


def _quick(text: str) -> Any:
    """The document as libyaml composes it (the same resolvers and constructors, so the same values and
    lines), or ``_FAILED`` when it cannot: the pure-Python parser then reads it again, so that every error
    is reported in the words it always had."""
    loader = _CLoader(text)  # type: ignore[misc]
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node is not None else None
    except Exception:  # whatever it is, the reference parser says it in its own words
        return _FAILED
    finally:
        loader.dispose()


MAX_DEPTH = 50  # levels of mappings and lists; book.yaml needs four
MAX_VALUES = 50_000  # values once every alias is expanded (an alias of an alias of … is a "billion laughs")


def _count_values(text: str, path: Path, first_line: int) -> tuple[int, bool]:
    """Measure the document with libyaml's parser before anything is composed: its values once every alias
    is expanded, and its depth. Far too many, nested far too deep, or an alias of a value that holds it, is
    refused here in a fraction of a second. Where the text is not YAML, the count so far is returned and
    the full parse reports the error in its own words. Returns the values and whether a check is left for
    the composed document (only without libyaml, or when the text is not YAML)."""
    if _CLoader is None:
        return _estimate_values(text, path, first_line), True
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) of the finished value it names
    stack: list[list[Any]] = [[None, 0, 0]]  # open collections: [anchor, values inside, depth inside]
    total = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            where = event.start_mark.line + first_line if event.start_mark else first_line
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([event.anchor, 0, 0])
                if len(stack) - 1 > MAX_DEPTH:
                    raise SourceError(Location(path, where), _too_deep(), code="E003")
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, inner, deep = stack.pop()
                size, depth = inner + 1, deep + 1
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size, depth = event.anchor, 1, 1
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    if any(level[0] == event.anchor for level in stack):
                        problem = "an alias refers to a value that contains it"
                        raise SourceError(Location(path, where), problem, code="E003")
                    continue  # the full parse names the unknown alias
                anchor, (size, depth) = None, anchors[event.anchor]
                if len(stack) - 1 + depth > MAX_DEPTH:
                    raise SourceError(Location(path, where), _too_deep(), code="E003")
            else:
                continue
            if anchor is not None:
                anchors[anchor] = (size, depth)
            parent = stack[-1]
            parent[1] += size
            parent[2] = max(parent[2], depth)
            total += 1 if not isinstance(event, yaml.AliasEvent) else size
            if total > MAX_VALUES:
                raise SourceError(Location(path, where), _too_many(bool(anchors)), code="E003")
    except yaml.YAMLError as error:  # PyYAML's parser says what is wrong, in the words it always used
        if "nesting depth" in str(error):  # libyaml's own limit (1,000 levels), met while it scans ahead
            mark = getattr(error, "problem_mark", None)
            where = Location(path, (mark.line if mark else 0) + first_line)
            raise SourceError(where, _too_deep(), code="E003") from None
        return min(total, FAST_EVENTS), True
    return total, False


def _estimate_values(text: str, path: Path, first_line: int) -> int:
    """Without libyaml: an upper bound of the values from the characters that can start one."""
    estimate = sum(text.count(mark) for mark in (":", "-", ",", "[", "{", "*"))
    if estimate > 4 * MAX_VALUES:
        raise SourceError(Location(path, first_line), _too_many(False), code="E003")
    return estimate


def _too_deep() -> str:
    return f"the YAML is nested more than {MAX_DEPTH} levels deep"


def _too_many(aliases: bool) -> str:
    if aliases:
        return f"the YAML holds more than {MAX_VALUES:,} values once its aliases (*name) are expanded"
    return (
        f"the YAML holds more than {MAX_VALUES:,} values (keys, items and other values); no book needs as many: "
        "split the file or shorten its lists"
    )


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
