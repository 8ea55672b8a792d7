"""The one small exception hierarchy, and findings with stable codes.

Every problem a user can cause is a :class:`PlainpressError`. The CLI turns it
into one message per problem and a non-zero exit code; nothing else escapes as a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Location:
    """Where something comes from: a file and, when known, a line and a column (1-based)."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        shown = _display_path(self.path)
        if self.line and self.column:
            return f"{shown}:{self.line}:{self.column}"
        return f"{shown}:{self.line}" if self.line else shown


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Finding:
    """One problem found in the sources, with a stable code (e.g. ``G001``)."""

    code: str
    severity: Severity
    location: Location
    message: str
    text: str = ""
    hint: str = ""

    def __str__(self) -> str:
        out = f"{self.location}: {self.severity.value} {self.code}: {self.message}"
        if self.text:
            out += f" [{self.text}]"
        if self.hint:
            out += f" (hint: {self.hint})"
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": _display_path(self.location.path),  # as the text output shows it
            "line": self.location.line,
            "message": self.message,
            "text": self.text,
            "hint": self.hint,
        }


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1 match``, ``3 matches``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def grouped(findings: list[Finding]) -> list[list[Finding]]:
    """Findings of the same code, value and message in one file gathered into one group (their lines
    sorted), the groups in file order, then by their first line and code."""
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for f in findings:
        key = (str(f.location.path), f.code, f.severity.value, f.message, f.text, f.hint)
        groups.setdefault(key, []).append(f)
    out = [sorted(group, key=lambda f: f.location.line or 0) for group in groups.values()]
    return sorted(out, key=lambda g: (str(g[0].location.path), g[0].location.line or 0, g[0].code, g[0].message))


def group_line(group: list[Finding], with_path: bool = True) -> str:
    """One line for a group: ``file:12: warning C003: citation 3 has no mapping (lines 12, 19, 44) [[3]]``."""
    first = group[0]
    lines = sorted({f.location.line for f in group if f.location.line})
    at = first.location
    line = f"{at.line}:{at.column}: " if at.line and at.column else f"{at.line}: " if at.line else ""
    where = str(at) if with_path else line
    out = f"{where}{': ' if with_path else ''}{first.severity.value} {first.code}: {first.message}"
    if len(lines) > 1:
        out += f" (lines {', '.join(map(str, lines))})"
    if first.text:
        out += f" [{first.text}]"
    if first.hint:
        out += f" (hint: {first.hint})"
    return out


class PlainpressError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""

    exit_code = 1

    def messages(self) -> list[str]:
        return [str(self)]


@dataclass
class Problems(PlainpressError):
    """Many problems found in one run, reported together."""

    findings: list[Finding] = field(default_factory=list)
    exit_code = 1

    def __str__(self) -> str:
        return "\n".join(self.messages())

    def messages(self) -> list[str]:
        """One line per group: the same code for the same value, with all its lines."""
        return [group_line(group) for group in grouped(self.findings)]


class SourceError(PlainpressError):
    """A single problem with an input file that stops reading it at once."""

    def __init__(self, location: Location, message: str, code: str = "E000") -> None:
        super().__init__(f"{location}: error {code}: {message}")
        self.location = location
        self.code = code
        self.message = message

    def finding(self) -> Finding:
        return Finding(self.code, Severity.ERROR, self.location, self.message)


class RenderError(PlainpressError):
    """An output could not be produced (layout overflow, refused resource)."""

    exit_code = 3


class UsageError(PlainpressError):
    """A command line that cannot be run as given: a path it must not write, a bad option."""

    exit_code = 2


class BuildLocked(PlainpressError):
    exit_code = 4
