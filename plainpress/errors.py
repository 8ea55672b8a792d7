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
    """Where something comes from: a file and, when known, a line (1-based)."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        shown = _display_path(self.path)
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
            "file": str(self.location.path),
            "line": self.location.line,
            "message": self.message,
            "text": self.text,
            "hint": self.hint,
        }


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
        return [str(f) for f in self.findings]


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


class BuildLocked(PlainpressError):
    exit_code = 4
