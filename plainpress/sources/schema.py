"""Typed schemas: turn located YAML data into dataclasses, collecting every problem.

A schema is a plain ``@dataclass``. Each field may carry metadata:

- ``doc``: one line for the README's reference of keys;
- ``check``: a function ``value -> str | None`` returning what was expected;
- ``key``: the YAML key when it differs from the field name.

:func:`build` never stops at the first problem: it records each one (file,
line, field, what was expected) and carries on, so that one run reports all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from ..errors import Finding, Location, Severity
from .yamlsrc import Mapping, Sequence

T = TypeVar("T")


def doc(text: str, **extra: Any) -> dict[str, Any]:
    """Field metadata: ``field(metadata=doc("..."))``."""
    return {"doc": text, **extra}


def yaml_key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("key", f.name))


class Reader:
    """Builds dataclasses from YAML data for one file, gathering problems."""

    def __init__(self, path: Path, code: str = "E004") -> None:
        self.path = path
        self.code = code
        self.problems: list[Finding] = []

    def problem(self, line: int | None, where: str, expected: str) -> None:
        message = f"{where}: {expected}" if where else expected
        self.problems.append(Finding(self.code, Severity.ERROR, Location(self.path, line), message))

    def build(self, cls: type[T], data: Any, where: str = "", line: int = 1) -> T | None:
        """Build ``cls`` from a mapping; None (with problems recorded) when it cannot."""
        if not isinstance(data, dict):
            self.problem(
                getattr(data, "line", line),
                where,
                f"expected a mapping of keys (such as {_example_keys(cls)}), found {_kind(data)}",
            )
            return None
        line = getattr(data, "line", line)
        fields = {yaml_key(f): f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
        hints = type_hints(cls)
        for key in data:
            if key not in fields:
                close = difflib.get_close_matches(str(key), fields, n=1, cutoff=0.6)
                hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(fields)}"
                self.problem(_line(data, key, line), _join(where, key), f"unknown key{hint}")
        values: dict[str, Any] = {}
        ok = True
        for key, f in fields.items():
            name = _join(where, key)
            if key not in data or data[key] is None:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    self.problem(line, name, f"required key is missing ({f.metadata.get('doc', key)})")
                    ok = False
                continue
            value, good = self.convert(hints[f.name], data[key], name, _line(data, key, line))
            if good and "check" in f.metadata:
                wrong = f.metadata["check"](value)
                if wrong:
                    self.problem(_line(data, key, line), name, wrong)
                    good = False
            ok &= good
            if good:
                values[f.name] = value
        if not ok:
            return None
        if "source_line" in {f.name for f in dataclasses.fields(cls)}:  # type: ignore[arg-type]
            values["source_line"] = line
        return cls(**values)

    def convert(self, hint: Any, value: Any, where: str, line: int) -> tuple[Any, bool]:
        origin = get_origin(hint)
        args = get_args(hint)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if len(options) == 1:
                return self.convert(options[0], value, where, line)
            for option in options:  # the first that takes the value without a problem
                trial = Reader(self.path, self.code)
                converted, good = trial.convert(option, value, where, line)
                if good:
                    return converted, True
            self.problem(line, where, f"expected {_describe(hint)}, found {_kind(value)}")
            return None, False
        if origin is Literal:
            if value in args:
                return value, True
            choices = ", ".join(repr(a) for a in args)
            self.problem(line, where, f"expected one of {choices}, found {value!r}")
            return None, False
        if origin is list:
            if not isinstance(value, list):
                if args and args[0] is str and isinstance(value, str):
                    return [value], True  # a single name where a list is allowed
                self.problem(line, where, f"expected a list, found {_kind(value)}")
                return None, False
            out, ok = Sequence(), True
            out.line, out.item_lines = line, []
            for index, item in enumerate(value):
                item_line = value.line_at(index) if isinstance(value, Sequence) else line
                converted, good = self.convert(args[0], item, f"{where}[{index + 1}]", item_line)
                ok &= good
                out.append(converted)
                out.item_lines.append(item_line)
            return out, ok
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(line, where, f"expected a mapping, found {_kind(value)}")
                return None, False
            result, ok = {}, True
            for key, item in value.items():
                item_line = value.line_of(key) if isinstance(value, Mapping) else line
                k, good_k = self.convert(args[0], key, f"{where} key {key!r}", item_line)
                v, good_v = self.convert(args[1], item, _join(where, str(key)), item_line)
                ok &= good_k and good_v
                result[k] = v
            return result, ok
        if dataclasses.is_dataclass(hint):
            built = self.build(hint, value, where, line)  # type: ignore[arg-type]
            return built, built is not None
        if hint is dt.date:
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value.strip()), True
                except ValueError:
                    pass
            self.problem(line, where, f"expected a date written YYYY-MM-DD, found {value!r}")
            return None, False
        if hint is bool:
            if isinstance(value, bool):
                return value, True
            self.problem(line, where, f"expected true or false, found {value!r}")
            return None, False
        if hint is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value, True
            self.problem(line, where, f"expected a whole number, found {value!r}")
            return None, False
        if hint is float:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value), True
            self.problem(line, where, f"expected a number, found {value!r}")
            return None, False
        if hint is str:
            if isinstance(value, str):
                if not value.strip():
                    self.problem(line, where, "expected some text, found an empty value")
                    return None, False
                return value.strip(), True
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value), True  # a phone number or edition written as a number
            self.problem(line, where, f"expected text, found {_kind(value)}")
            return None, False
        if hint is Any:
            return value, True
        raise TypeError(f"schema type not supported: {hint!r}")  # a programming error


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def _line(data: Any, key: str, default: int) -> int:
    return data.line_of(key) if isinstance(data, Mapping) else default


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _describe(hint: Any) -> str:
    args = [a for a in get_args(hint) if a is not type(None)]
    names = []
    for a in args:
        if dataclasses.is_dataclass(a):
            names.append("a mapping")
        elif get_origin(a) is list:
            names.append("a list")
        else:
            names.append(getattr(a, "__name__", str(a)))
    return " or ".join(names)


def _example_keys(cls: type) -> str:
    keys = [yaml_key(f) for f in dataclasses.fields(cls)[:3] if f.init]  # type: ignore[arg-type]
    return ", ".join(keys)


@functools.cache
def type_hints(cls: type) -> types.MappingProxyType[str, Any]:
    """The field types of a schema, read once per class (``typing.get_type_hints`` evaluates every
    annotation again at each call, and every article's front matter is built from the same classes)."""
    return types.MappingProxyType(typing.get_type_hints(cls))


def keys_reference(cls: type, prefix: str = "") -> list[tuple[str, str, bool]]:
    """Every key of a schema with its documentation, for the README and its test."""
    out: list[tuple[str, str, bool]] = []
    hints = type_hints(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.name == "source_line":
            continue
        name = _join(prefix, yaml_key(f))
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((name, str(f.metadata.get("doc", "")), required))
        inner = hints[f.name]
        for candidate in (inner, *get_args(inner)):
            if dataclasses.is_dataclass(candidate):
                out.extend(keys_reference(candidate, name))  # type: ignore[arg-type]
    return out
