"""An entry of a reference file as CSL-JSON data becomes a :class:`~plainpress.model.Reference`: the
title, year, DOI and URL read from it once, for the CSL-JSON and the BibTeX reader alike."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Finding, Location, Severity
from ..model import Reference

UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ue000-\ue01f\ufffe\uffff]")


def reference_finding(code: str, path: Path, line: int | None, message: str, key: str = "") -> Finding:
    severity = Severity.WARNING if code == "B003" else Severity.ERROR
    return Finding(code, severity, Location(path, line), message, text=key)


def make_reference(key: str, location: Location, csl: dict[str, Any]) -> Reference:
    title, url, date = csl.get("title"), csl.get("URL"), clean_date(csl.get("issued"))
    return Reference(
        key=key,
        location=location,
        title=(str(title).strip() or None) if isinstance(title, (str, int, float)) else None,
        year=int(date["date-parts"][0][0]) if date and "date-parts" in date else None,
        doi=normalize_doi(csl.get("DOI")),
        url=(url.strip() or None) if isinstance(url, str) else None,
        csl=csl,
    )


def normalize_doi(doi: Any) -> str | None:
    if not isinstance(doi, str):
        return None
    return re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I) or None


def clean_date(value: Any) -> dict[str, Any] | None:
    """A CSL date that citeproc-py can take (date-parts of ints, or a literal), or None."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = {"raw": str(value)}
    if not isinstance(value, dict):
        return None
    ranges = []
    for parts in value.get("date-parts") or []:
        try:
            numbers = [int(p) for p in parts[:3]] if isinstance(parts, list) else []
        except (TypeError, ValueError):
            numbers = []
        if len(numbers) > 1 and not 1 <= numbers[1] <= 12:
            numbers = numbers[:1]  # a season (13-16) or nonsense: keep the year
        if len(numbers) > 2 and not 1 <= numbers[2] <= 31:
            numbers = numbers[:2]
        if numbers:
            ranges.append(numbers)
    if ranges:
        return {"date-parts": ranges[:2], **({"circa": True} if value.get("circa") else {})}
    raw, literal = value.get("raw"), value.get("literal")
    if isinstance(raw, str) and (found := re.fullmatch(r"\s*(-?\d{1,4})(?:-(\d\d?))?(?:-(\d\d?))?\s*", raw)):
        return clean_date({"date-parts": [[p for p in found.groups() if p]]})
    text = literal if isinstance(literal, str) and literal.strip() else raw
    return {"literal": UNSAFE.sub("", text)} if isinstance(text, str) and text.strip() else None
