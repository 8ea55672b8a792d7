"""A PDF/UA-1 checker on pikepdf that applies the machine-checkable rules of veraPDF's PDF/UA-1 profile.

``check_pdf(source)`` returns one :class:`Failure` per object that breaks a rule; an empty list means
the file passes. Each failure carries the veraPDF rule id (``7.2-t20``), from which its ISO 14289-1
clause follows. ``check_file(path)`` gives the whole :class:`Report` (failures, warnings, whether the
file could be checked at all) and never raises: a file that is not a PDF, cannot be opened, or takes
longer than the time limit is reported as not checked.

Rule groups, one module each: :mod:`.document` (header, catalog, metadata, outlines, optional content,
embedded files, XFA, encryption), :mod:`.structure` and :mod:`.tables` (the structure tree),
:mod:`.content` (tagged content and artifacts, the language of text, XObjects), :mod:`.annots`,
:mod:`.fonts` and :mod:`.glyphs`; :mod:`.model` holds what they share.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Pdf

from . import annots, content, document, fonts, structure, tables
from .content import PAINT_OPERATORS, TEXT_OPERATORS
from .model import CheckTimeout, Document
from .rules import RULES, Failure, Notice, Rule
from .walk import Structure, walk_structure, xobjects

__all__ = [
    "PAINT_OPERATORS",
    "RULES",
    "TEXT_OPERATORS",
    "Failure",
    "Notice",
    "Report",
    "Rule",
    "Structure",
    "check_file",
    "check_pdf",
    "walk_structure",
    "xobjects",
]

TIME_LIMIT = 10.0  # seconds per file


@dataclass
class Report:
    path: str
    checked: bool = True
    reason: str = ""  # why the file could not be checked
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.checked and not self.failures

    def failed_rules(self) -> list[dict[str, object]]:
        """Per failed rule: its id, clause, what it asks, how many objects break it and on which pages."""
        counts = Counter(f.rule for f in self.failures)
        rows = []
        for rule_id in sorted(counts, key=_rule_order):
            pages = sorted({f.page for f in self.failures if f.rule == rule_id and f.page is not None})
            first = next(f.message for f in self.failures if f.rule == rule_id)
            rows.append(
                {
                    "rule": rule_id,
                    "clause": RULES[rule_id].clause,
                    "summary": RULES[rule_id].summary,
                    "count": counts[rule_id],
                    "pages": pages,
                    "example": first,
                }
            )
        return rows

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.path,
            "checked": self.checked,
            "passed": self.passed,
            **({"reason": self.reason} if not self.checked else {}),
            "failed_rules": self.failed_rules(),
            "warnings": [{"code": w.code, "page": w.page, "message": w.message} for w in self.warnings],
        }


def _rule_order(rule_id: str) -> list[int]:
    clause, test = rule_id.rsplit("-t", 1)
    return [int(part) for part in clause.split(".")] + [int(test)]


def run_checks(pdf: Pdf, header: str = "%PDF-1.7", time_limit: float = TIME_LIMIT) -> Document:
    """Every rule group on an open document; raises :class:`CheckTimeout` past the time limit."""
    deadline = time.monotonic() + time_limit
    if time.monotonic() > deadline:
        raise CheckTimeout
    doc = Document.open(pdf, deadline, header)
    for group in (document, structure, tables):
        group.check(doc)
        doc.tick(10**6)  # a check of the clock between groups
    scan = content.check(doc)
    annots.check(doc)
    doc.tick(10**6)
    fonts.check(doc, scan)
    return doc


def check_pdf(source: str | Path | bytes | Pdf, time_limit: float = TIME_LIMIT) -> list[Failure]:
    """Every PDF/UA-1 failure in ``source`` (a path, the bytes, or an open Pdf). Raises on unreadable input."""
    if isinstance(source, Pdf):
        return run_checks(source, time_limit=time_limit).failures
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return run_checks(pdf, document.read_header(data), time_limit).failures


def check_file(path: str | Path, time_limit: float = TIME_LIMIT) -> Report:
    """The report for one file; never raises."""
    started = time.monotonic()
    report = Report(str(path))
    try:
        data = Path(path).read_bytes()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            doc = run_checks(pdf, document.read_header(data), time_limit)
        report.failures, report.warnings = doc.failures, doc.warnings
    except CheckTimeout:
        report.checked, report.reason = False, f"took longer than {time_limit:g} s"
    except pikepdf.PasswordError:
        report.checked, report.reason = False, "encrypted with a password"
    except (pikepdf.PdfError, OSError) as error:
        report.checked, report.reason = False, f"cannot be read as a PDF ({_short(error)})"
    except RecursionError:
        report.checked, report.reason = False, "its objects nest too deeply to check"
    except Exception as error:  # a file made elsewhere can break any assumption: report it, never crash
        report.checked, report.reason = False, f"could not be checked ({type(error).__name__}: {_short(error)})"
    report.seconds = time.monotonic() - started
    return report


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return re.sub(r"^stream <[^>]*>: ", "", first)[:200]
