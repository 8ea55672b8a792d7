"""YAML syntax errors in our words: what is wrong, at the line and column where the editor must look,
with that line quoted and a caret under the place.

PyYAML says what its parser expected ("expected <block end>, but found '<scalar>'") and where it
noticed, which is often the line after the fault: a key without its colon is only found out at the
next line, an unclosed quotation mark at the end of the file. :func:`explain` picks the mark that
points at the fault (the start of the key, the opening quotation mark, the value that ran on) and
says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..errors import Finding, Location, SourceError


@dataclass(frozen=True)
class Explained:
    line: int  # 0-based, in the YAML text
    column: int  # 0-based
    message: str


def explain(error: yaml.MarkedYAMLError, text: str) -> Explained:
    """Our words for a PyYAML error in ``text``, at the place of the fault."""
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    at = error.context_mark or mark
    lines = text.split("\n")

    def line_of(m: yaml.Mark | None) -> str:
        return lines[m.line] if m is not None and m.line < len(lines) else ""

    if "could not find expected ':'" in problem and at is not None:
        return Explained(
            at.line,
            at.column,
            "this line is not 'key: value': add the colon (and a space) after the key, or indent the line "
            "further if it continues the value above",
        )
    if "quoted scalar" in context and at is not None:
        quote = line_of(at)[at.column : at.column + 1] or '"'
        if "end of stream" in problem or "end of the document" in problem:
            hint = " (inside single quotes, write an apostrophe as two: '')" if quote == "'" else ""
            return Explained(
                at.line, at.column, f"the quotation mark ({quote}) that opens this value is never closed{hint}"
            )
        if "escape" in problem and mark is not None:
            return Explained(
                mark.line,
                mark.column,
                "a backslash inside double quotes starts an escape such as \\n; write \\\\ for a backslash, "
                "or put the value in single quotes",
            )
    if problem.startswith("found character '\\t'") and mark is not None:
        return Explained(
            mark.line, mark.column, "a tab character: YAML indents with spaces only; replace it with spaces"
        )
    if "that cannot start any token" in problem and mark is not None:
        char = line_of(mark)[mark.column : mark.column + 1]
        return Explained(
            mark.line, mark.column, f"a value cannot start with {char!r} in YAML; put the whole value in quotes"
        )
    if ("while scanning an alias" in context or "while scanning an anchor" in context) and at is not None:
        char = line_of(at)[at.column : at.column + 1]
        return Explained(
            at.line,
            at.column,
            f"a value that starts with {char!r} is read as a reference to another value; put the whole value in quotes",
        )
    if problem.startswith("found undefined alias") and mark is not None:
        return Explained(
            mark.line,
            mark.column,
            "a value that starts with '*' refers to a value marked with '&', and there is none of that name; "
            "if it is text, put it in quotes",
        )
    if problem == "mapping values are not allowed here" and mark is not None:
        return _colon(mark, lines, text)
    if problem.startswith("expected <block end>") and mark is not None:
        return _block_end(error, mark, lines, text)
    if problem.startswith("expected '<document start>'") and mark is not None:
        return _document_start(mark, lines, text)
    if context.startswith("while parsing a flow") and at is not None:
        opener = line_of(at)[at.column : at.column + 1] or "["
        closer = {"[": "]", "{": "}"}.get(opener, "]")
        return Explained(
            at.line,
            at.column,
            f"the {opener} opened here is not closed with {closer} (or an item in it holds a ',' or ':': "
            "put that item in quotes)",
        )
    if "expected a single document" in context and mark is not None:
        return Explained(
            mark.line, mark.column, "a line '---' starts a second document; this file holds one: remove it"
        )
    if "found unhashable key" in problem and mark is not None:
        return Explained(mark.line, mark.column, "a key must be a plain word or number, not a list or mapping")
    # Anything else (rare): the reader's own words, at its place.
    where = mark or at
    words = problem or context or "the text is not valid YAML"
    return Explained(where.line if where else 0, where.column if where else 0, f"the YAML cannot be read: {words}")


NO_COLON = (
    "this line is not 'key: value': add the colon (and a space) after the key, or indent the line "
    "further if it continues the value above"
)
NO_SPACE = "write a space after the colon: 'key: value'"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """Where a key on this line would start: after the indentation and any list dashes ('- ')."""
    found = re.match(r"(\s*-\s+)*\s*", line)
    return found.end() if found else 0


def _key_position(token: yaml.ScalarToken, lines: list[str]) -> bool:
    """Whether the value starts its line (where a key would), rather than following a key's colon."""
    start = token.start_mark
    return start.column == _key_column(lines[start.line]) and token.style is None


def _ran_on(token: yaml.ScalarToken, lines: list[str]) -> Explained:
    """A plain value in a key's place that ran on to a later line: a key without its colon (or its space)."""
    start = token.start_mark
    first = lines[start.line][start.column :]
    if ":" in first and ": " not in first:
        return Explained(start.line, start.column + first.index(":"), NO_SPACE)
    return Explained(start.line, start.column, NO_COLON)


def _quote_ran_on(token: yaml.ScalarToken | None, mark: yaml.Mark) -> Explained | None:
    """A quoted value that ran on to the line of the error: its closing quotation mark is missing."""
    if token is None or token.style not in ('"', "'"):
        return None
    if token.start_mark.line < token.end_mark.line and token.end_mark.line >= mark.line - 1:
        start = token.start_mark
        return Explained(
            start.line,
            start.column,
            f"the value in quotes ({token.style}) that starts here runs on to line {token.end_mark.line + 1}: "
            "its closing quotation mark is missing",
        )
    return None


def _colon(mark: yaml.Mark, lines: list[str], text: str) -> Explained:
    """A ': ' where no key can start: a value that holds a colon, a key indented too far, a key without
    its colon that ran on into the next line, or a value that did."""
    token = _last_scalar(text, mark)
    if token is not None and token.start_mark.line < mark.line:
        if _key_position(token, lines):
            if lines[mark.line].lstrip().startswith("- "):  # a list item indented further than the one above
                return Explained(
                    mark.line,
                    _indent(lines[mark.line]),
                    "this list item is indented differently from the items above it; the items of one list "
                    "start in the same column",
                )
            return _ran_on(token, lines)
        return Explained(
            mark.line,
            _indent(lines[mark.line]),
            f"the value that starts on line {token.start_mark.line + 1} runs on into this line, whose ': ' YAML "
            "reads as a new key; indent this key like the keys above it, or put that value in quotes",
        )
    before = lines[mark.line][: mark.column]
    if ": " in before or before.rstrip().endswith(":"):
        return Explained(
            mark.line,
            mark.column,
            "the value holds ': ' (a colon and a space), which YAML reads as a new key; put the whole value in "
            'quotes, e.g. title: "Twitches: a guide"',
        )
    return Explained(
        mark.line,
        _indent(before),
        "this key is indented differently from the keys above it; keys of the same mapping start in the same column",
    )


def _document_start(mark: yaml.Mark, lines: list[str], text: str) -> Explained:
    """More after what YAML took for the whole file: a first line without its colon, or a first key
    indented while the others are not."""
    first = _first_key(text)
    if first is not None and first.column > mark.column:
        return Explained(
            first.line,
            first.column,
            "the first key is indented, and the keys after it are not: keys at the top of the file start in the "
            "first column",
        )
    token = _last_scalar(text, mark)
    if token is not None and token.start_mark.line < mark.line and _key_position(token, lines):
        if token.start_mark.column == 0:
            return _ran_on(token, lines)
        return Explained(
            token.start_mark.line,
            token.start_mark.column,
            "the first key is indented, and the keys after it are not: keys at the top of the file start in the "
            "first column",
        )
    return Explained(mark.line, mark.column, "this line is indented differently from the lines above it")


def _content(lines: list[str], numbers: range) -> list[int]:
    return [n for n in numbers if lines[n].strip() and not lines[n].lstrip().startswith("#")]


def _odd_first_entry(mark: yaml.Mark, lines: list[str]) -> Explained | None:
    """The line above ``mark`` alone is indented more, and the lines after ``mark`` line up with it:
    the line above is the odd one out (the first key of a mapping indented one space too far)."""
    above = _content(lines, range(mark.line - 1, -1, -1))
    below = _content(lines, range(mark.line + 1, len(lines)))
    column = _indent(lines[mark.line])
    if not above or _key_column(lines[above[0]]) <= column:
        return None
    block = above[: next((i for i, n in enumerate(above) if _key_column(lines[n]) <= column), len(above))]
    # The file's indentation step (from the other lines): the line off that grid is the odd one out.
    others = {_indent(lines[n]) for n in _content(lines, range(len(lines))) if n not in (block[0], mark.line)}
    unit = min((i for i in others if i > 0), default=2)
    off_grid = _key_column(lines[block[0]]) % unit != 0 and column % unit == 0
    lined_up = bool(below) and _indent(lines[below[0]]) == column
    if len(block) == 1 and (lined_up or off_grid):
        n = block[0]
        return Explained(
            n,
            _indent(lines[n]),
            f"this line is indented more than the lines after it (line {mark.line + 1}); keys of the same "
            "mapping start in the same column",
        )
    return None


def _block_end(error: yaml.MarkedYAMLError, mark: yaml.Mark, lines: list[str], text: str) -> Explained:
    found = (error.problem or "").split("but found", 1)[-1].strip()
    line = lines[mark.line] if mark.line < len(lines) else ""
    token = _last_scalar(text, mark)
    quoted = _quote_ran_on(token, mark)
    if quoted is not None:
        return quoted
    odd = _odd_first_entry(mark, lines)
    if odd is not None:
        return odd
    opened = error.context_mark
    if opened is not None and opened.line < mark.line and opened.column > mark.column:
        # The mapping (or list) began more indented than this line: if nothing else in it lines up with its
        # first entry, that first entry is the odd one out.
        between = [lines[n] for n in range(opened.line + 1, mark.line) if lines[n].strip()]
        if not any(_indent(other) == opened.column for other in between if not other.lstrip().startswith("#")):
            return Explained(
                opened.line,
                opened.column,
                f"this line is indented more than the line {mark.line + 1} that follows it at the same level; "
                "keys of the same mapping start in the same column, and the items of one list too",
            )
    if found == "'<scalar>'":
        before = line[: mark.column].rstrip()
        if before.endswith(("'", '"')):
            quote = before[-1]
            hint = " (inside single quotes, write an apostrophe as two: '')" if quote == "'" else ""
            return Explained(
                mark.line,
                mark.column,
                f"text after the closing quotation mark ({quote}): a quoted value ends at its closing quotation "
                f"mark; quote the whole value{hint}",
            )
        return Explained(
            mark.line,
            mark.column,
            "this line continues a value that has already ended; indent it like the keys above it, or join it "
            "to the value",
        )
    if found in ("'-'", "'<block sequence start>'"):
        return Explained(
            mark.line,
            mark.column,
            "a list item ('- ') where a key was expected; indent the list under its key, or line it up with "
            "the other items",
        )
    return Explained(
        mark.line,
        mark.column,
        "this line is indented differently from the lines above it; keys of the same mapping start in the "
        "same column, and the items of one list too",
    )


def _first_key(text: str) -> yaml.Mark | None:
    """Where the first key of the file starts."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.KeyToken):
                return token.start_mark
    except yaml.YAMLError:
        pass
    return None


def _last_scalar(text: str, mark: yaml.Mark) -> yaml.ScalarToken | None:
    """The last value read before ``mark`` (None when there is none)."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    return last


def excerpt(text: str, line: int, column: int, first_line: int = 1) -> str:
    """The line (0-based in ``text``) quoted with its number in the file, and a caret under the column."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return ""
    shown = lines[line].replace("\t", " ")
    number = str(line + first_line)
    return f"  {number} | {shown}\n  {' ' * len(number)} | {' ' * min(column, len(shown))}^"


class YamlSyntaxError(SourceError):
    """A YAML file that cannot be read, with the line quoted and a caret under the place."""

    def __init__(self, location: Location, message: str, quoted: str) -> None:
        super().__init__(location, message, code="E003")
        self.quoted = quoted

    def messages(self) -> list[str]:
        return [f"{self}\n{self.quoted}" if self.quoted else str(self)]

    def finding(self) -> Finding:
        return replace(super().finding(), text=self.quoted.split("\n", 1)[0].split("| ", 1)[-1].strip())


def syntax_error(error: yaml.MarkedYAMLError, text: str, path: Path, first_line: int = 1) -> YamlSyntaxError:
    """The error to raise for ``error`` in ``text``, the YAML of ``path`` that starts at ``first_line``."""
    if isinstance(error, yaml.constructor.ConstructorError) and error.context is None and error.problem_mark:
        mark = error.problem_mark  # our own constructors' words (a key twice, a key that is not a word)
        found = Explained(mark.line, mark.column, error.problem or "the YAML cannot be read")
    else:
        found = explain(error, text)
    location = Location(path, found.line + first_line, found.column + 1)
    message = f"YAML syntax error: {found.message}"
    return YamlSyntaxError(location, message, excerpt(text, found.line, found.column, first_line))
