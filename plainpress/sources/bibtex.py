"""A small BibTeX reader for the reference files editors export (Zotero and similar).

Entries become CSL-JSON data: braced and quoted values, ``@string`` macros and
``#`` joins, month names, LaTeX accents, and the usual name forms.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import Finding, Location
from ..model import Reference
from .csl import make_reference, reference_finding


def _pairs(text: str) -> dict[str, str]:
    return dict(pair.split("=") for pair in text.split())


_MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_BIB_TYPES = _pairs(
    "article=article-journal book=book booklet=pamphlet inbook=chapter incollection=chapter "
    "inproceedings=paper-conference conference=paper-conference proceedings=book manual=report "
    "mastersthesis=thesis phdthesis=thesis thesis=thesis techreport=report report=report misc=webpage "
    "online=webpage electronic=webpage www=webpage unpublished=manuscript dataset=dataset"
)
_BIB_FIELDS = _pairs(
    "title=title shorttitle=title-short journal=container-title journaltitle=container-title "
    "booktitle=container-title volume=volume pages=page publisher=publisher address=publisher-place "
    "location=publisher-place note=note edition=edition isbn=ISBN issn=ISSN series=collection-title "
    "chapter=chapter-number language=language type=genre pmid=PMID pmcid=PMCID howpublished=medium "
    "institution=publisher organization=publisher school=publisher"
)
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
_NEXT_ENTRY = re.compile(r"\n[ \t]*@")
_WORD = r"[A-Za-z][\w:.+/-]*"
MAX_VALUE = 100_000  # characters in one value once @string names are expanded; no field needs a tenth of it


class _BibError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos


class _BibStop(_BibError):
    """An error after which the rest of the file is not read."""


class _Bib:
    """A small BibTeX reader: entries, @string macros and month names; @comment and @preamble skipped."""

    def __init__(self, text: str, path: Path) -> None:
        self.text, self.path, self.pos, self.macros = text, path, 0, dict(_MONTHS)
        self.expanded, self.budget = 0, 10 * len(text) + MAX_VALUE  # characters of every value, once expanded
        self.refs: list[Reference] = []
        self.findings: list[Finding] = []
        while head := _ENTRY_HEAD.search(text, self.pos):
            self.pos = head.end()
            try:
                self._entry(head.group(1).lower(), "}" if head.group(2) == "{" else ")", head.start())
            except _BibStop as exc:
                self.findings.append(reference_finding("B001", path, self.line(exc.pos), f"BibTeX error: {exc}"))
                break
            except _BibError as exc:
                line_start = text.rfind("\n", 0, exc.pos) + 1
                if text.startswith("@", exc.pos) and not text[line_start : exc.pos].strip():
                    where, message, self.pos = head.start(), f"the entry is not closed ({exc})", exc.pos
                else:
                    resume = _NEXT_ENTRY.search(text, exc.pos)
                    where, message, self.pos = exc.pos, str(exc), resume.start() + 1 if resume else len(text)
                self.findings.append(
                    reference_finding("B001", path, self.line(where), f"BibTeX syntax error: {message}")
                )

    def line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def _eat(self, pattern: str, what: str = "") -> str | None:
        """Skip spaces and match pattern; if it does not match, None, or an error naming `what`."""
        match = re.compile(rf"\s*({pattern})").match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return match.group(1)
        if what:
            at = re.compile(r"\s*").match(self.text, self.pos).end()  # type: ignore[union-attr]
            found = repr(self.text[at]) if at < len(self.text) else "the end of the file"
            raise _BibError(at, f"expected {what}, found {found}")
        return None

    def _entry(self, kind: str, close: str, at: int) -> None:
        if kind in ("comment", "preamble"):
            self.pos -= 1
            self._delimited(close)
            return
        if kind == "string":
            name = self._eat(_WORD, "a @string name") or ""
            self._eat("=", "'='")
            self.macros[name.lower()] = self._value()
            self._eat(re.escape(close), repr(close))
            return
        key = self._eat(rf"[^\s,{{}}()=\"#%]+(?=\s*[,{re.escape(close)}])") or ""
        self._eat(",")
        fields: dict[str, str] = {}
        while self._eat(re.escape(close)) is None:
            name = self._eat(_WORD, f"a field name or {close!r}") or ""
            self._eat("=", f"'=' after {name!r}")
            fields[name.lower()] = self._value()
            if self._eat(",") is None:
                self._eat(re.escape(close), f"',' or {close!r} after the field {name!r}")
                break
        if not key:
            message = f"the @{kind} entry has no key; write @{kind}{{key, ...}}"
            self.findings.append(reference_finding("B004", self.path, self.line(at), message))
        else:
            location = Location(self.path, self.line(at))
            self.refs.append(make_reference(key, location, _bib_to_csl(key, kind, fields)))

    def _value(self) -> str:
        parts, size, start = [], 0, self.pos
        while True:
            if self._eat(r'(?=[{"])') is not None:
                parts.append(self._delimited("}" if self.text[self.pos] == "{" else '"'))
            else:
                word = self._eat(rf"\d+|{_WORD}", 'a value: {...}, "...", a number or a @string name') or ""
                parts.append(self.macros.get(word.lower(), word))
            size += len(parts[-1])
            self.expanded += len(parts[-1])
            if (size > MAX_VALUE and size > len(self.text)) or self.expanded > self.budget:
                # @strings that join each other grow without end: stop reading the file here
                raise _BibStop(
                    start,
                    f"the values grow past {max(MAX_VALUE, len(self.text)):,} characters once @string names "
                    "are expanded (@strings that join each other, doubling); write the values out",
                )
            if self._eat("#") is None:
                return "".join(parts)

    def _delimited(self, close: str) -> str:
        """The text between the opening character at pos and its close, braces nesting inside."""
        start, depth, i = self.pos, 0, self.pos + 1
        while i < len(self.text):
            char = self.text[i]
            if char == close and depth == 0:
                self.pos = i + 1
                return self.text[start + 1 : i]
            depth += (char == "{") - (char == "}")
            if depth < 0:
                raise _BibError(i, "a '}' closes nothing")
            i += 2 if char == "\\" else 1
        raise _BibError(start, f"the value starting here is never closed (no matching {close!r})")


def load_bibtex(text: str, path: Path) -> tuple[list[Reference], list[Finding]]:
    parser = _Bib(text, path)
    return parser.refs, parser.findings


_ACCENT_MARKS = "\u0301\u0300\u0302\u0308\u0303\u0304\u0307\u0327\u030c\u0306\u030b\u030a"
_ACCENTS = dict(zip("'`^\"~=.cvuHr", _ACCENT_MARKS, strict=True))  # \' \` \^ \" ... \c \v \u \H \r
_LATEX_WORDS = _pairs(
    "ss=ß o=ø O=Ø ae=æ AE=Æ oe=œ OE=Œ aa=å AA=Å l=ł L=Ł i=ı textendash=– textemdash=— ldots=… TeX=TeX LaTeX=LaTeX"
)


def _delatex(value: str) -> str:
    """Plain text from a BibTeX value: accents, escapes and dashes converted, braces dropped."""
    text = re.sub(r"(?<!\\)\$", "", value).replace("\\{", "\ue010").replace("\\}", "\ue011")
    accent = r"\\([\'`^\"~=.]|[cvuHr](?=[\s{]))\s*(?:\{\s*\\?([A-Za-z])\s*\}|\\?([A-Za-z]))"
    text = re.sub(accent, lambda m: unicodedata.normalize("NFC", (m[2] or m[3]) + _ACCENTS[m[1]]), text)
    text = re.sub(r"\\([&%$#_])", r"\1", re.sub(r"\\[,;:! ]", " ", text))
    text = re.sub(r"\\([A-Za-z]+)\s*", lambda m: _LATEX_WORDS.get(m[1], ""), text)
    text = text.replace("---", "—").replace("--", "–").replace("~", " ").replace("\\", " ")
    text = text.replace("{", "").replace("}", "").replace("\ue010", "{").replace("\ue011", "}")
    return re.sub(r"\s+", " ", text).strip()


def _split_top(text: str, separator: str) -> list[str]:
    """Split text at a separator pattern found outside braces."""
    parts, start = [], 0
    for match in re.finditer(separator, text):
        before = text[: match.start()]
        if before.count("{") - before.count("\\{") == before.count("}") - before.count("\\}"):
            parts.append(text[start : match.start()])
            start = match.end()
    return [*parts, text[start:]]


def _bib_names(raw: str) -> list[dict[str, str]]:
    """ "Last, First", "Last, Jr, First", "First von Last" and {Corporate Name} (a literal)."""
    names = []
    for name in (n.strip() for n in _split_top(raw.strip(), r"\s+and\s+")):
        if not name or name.lower() == "others":
            continue
        if name.startswith("{") and name.endswith("}") and len(_split_top(name[1:-1], "}")) == 1:
            names.append({"literal": _delatex(name)})
            continue
        parts = [p.strip() for p in _split_top(name, ",")]
        words = _split_top(parts[0], r"\s+")
        if len(parts) == 1:  # First von Last: von is the run of lower-case words before the last
            low = [i for i, w in enumerate(words[:-1]) if i > 0 and w[:1].islower()]
            first, last = (low[0], low[-1] + 1) if low else (len(words) - 1, len(words) - 1)
            given, von, family = words[:first], words[first:last], words[last:]
        else:  # von Last, [Jr,] First
            cut = max([i + 1 for i, w in enumerate(words[:-1]) if w[:1].islower()], default=0)
            given, von, family = parts[-1].split(), words[:cut], words[cut:]
        suffix = [parts[1]] if len(parts) > 2 else []
        fields = {"family": family, "given": given, "non-dropping-particle": von, "suffix": suffix}
        names.append({k: text for k, v in fields.items() if (text := _delatex(" ".join(v)))})
    return names


def _bib_date(date: str | None, year: str | None = None, month: str | None = None) -> dict[str, Any] | None:
    if date and (found := re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date)):
        return {"date-parts": [[int(p) for p in found.groups() if p]]}
    if not year or not (found := re.search(r"\d{4}", year)):
        return {"literal": _delatex(year)} if year and _delatex(year) else None
    name = _delatex(month or "").lower()
    number = int(name) if name.isdigit() else int(_MONTHS.get(name[:3], 0))
    return {"date-parts": [[int(found.group()), number] if 1 <= number <= 12 else [int(found.group())]]}


def _bib_link(value: str) -> str:
    value = re.sub(r"\\(?:url|href)\s*\{([^}]*)\}.*", r"\1", value.strip())
    return re.sub(r"\\([&%#_~$])", r"\1", value).replace("{", "").replace("}", "").strip()


def _bib_to_csl(key: str, kind: str, fields: dict[str, str]) -> dict[str, Any]:
    csl: dict[str, Any] = {"id": key, "type": _BIB_TYPES.get(kind, "document")}
    for field, value in fields.items():
        if field in ("author", "editor", "translator"):
            if names := _bib_names(value):
                csl[field] = names
        elif field == "number":
            csl["number" if csl["type"] == "report" else "issue"] = _delatex(value)
        elif field in ("doi", "url") or (field == "howpublished" and "\\url" in value):
            csl.setdefault("DOI" if field == "doi" else "URL", _bib_link(value))
        elif field == "urldate":
            if accessed := _bib_date(value):
                csl["accessed"] = accessed
        elif (target := _BIB_FIELDS.get(field)) and (text := _delatex(value)):
            csl.setdefault(target, text)
    if kind in ("mastersthesis", "phdthesis"):
        csl.setdefault("genre", "Master's thesis" if kind == "mastersthesis" else "PhD thesis")
    if issued := _bib_date(fields.get("date"), fields.get("year"), fields.get("month")):
        csl["issued"] = issued
    return csl
