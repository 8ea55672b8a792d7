"""``check``: every check of a build, and nothing rendered: gather, analyse, check, then report.

The findings are the ones ``build`` stops on (one policy: an error always fails, a warning only
under ``--strict``). They are printed grouped by file (or as JSON), and written with each article's
reading level and review dates to ``reports/check.html``, a page that opens without a server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from itertools import groupby
from pathlib import Path

from ..checks import today as clock_today
from ..checks.report import write_report
from ..errors import Finding, Location, Problems, Severity, SourceError, group_line, grouped, plural
from ..model import Book
from ..safety import judge_report
from ..stages.enforce import stopping
from ..stages.read import read_book
from ..templates import DEFAULT_LAYOUTS
from .build import add_book_options

DEFAULT_REPORT = Path("reports") / "check.html"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, found {text!r}") from None


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="run every check of a build without rendering anything, and write reports/check.html",
        description="Check the book as a build would (sources, citations, links, glossary, structure, red flags, "
        "reading level, review dates) without rendering any output. Exit code 0 when there are no errors "
        "(and, with --strict, no warnings), 1 otherwise.",
    )
    add_book_options(parser, out=False)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="how to print the findings")
    parser.add_argument(
        "--today", type=_date, default=None, help="the date the review dates are checked against (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=DEFAULT_REPORT,
        help=f"where to write the report page (default: {DEFAULT_REPORT})",
    )


def check(book_dir: Path, today: dt.date | None = None) -> tuple[Book | None, list[Finding]]:
    """The book (None when its sources cannot be read) and every finding, in file and line order."""
    try:
        return read_book(book_dir, today=today, stop=False)
    except Problems as problems:
        return None, sorted(problems.findings, key=_order)
    except SourceError as error:
        return None, [error.finding()]


def _order(finding: Finding) -> tuple[str, int, str]:
    return str(finding.location.path), finding.location.line or 0, finding.code


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    report = _report_path(args.report, args.book)  # judged before anything is read or written
    today = args.today or clock_today()
    book, findings = check(args.book, today)
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        print_grouped(findings, quiet=args.quiet)
    write_report(report, args.book, book, findings, today)
    failing = stopping(findings, args.strict)
    if not args.quiet or failing:
        errors = plural(sum(f.severity is Severity.ERROR for f in findings), "error")
        warnings = plural(sum(f.severity is Severity.WARNING for f in findings), "warning")
        files = plural(len({str(f.location.path) for f in findings}), "file")
        articles = f"{plural(len(book.articles), 'article')}, " if book else ""
        verdict = "failed" if failing else "passed"
        print(
            f"check {verdict}: {errors}, {warnings} in {files} "
            f"({articles}{time.monotonic() - start:.1f} s); report: {Location(report)}",
            file=sys.stderr,
        )
    return 1 if failing else 0


def print_grouped(findings: list[Finding], quiet: bool = False) -> None:
    """Findings grouped by file, each as ``  line: severity CODE: message [text] (hint: …)``; the same
    code for the same value is one line with all its line numbers, sorted: ``(lines 12, 19, 44)``."""
    shown = [f for f in findings if not (quiet and f.severity is Severity.INFO)]
    for path, groups in groupby(grouped(shown), key=lambda g: str(Location(g[0].location.path))):
        print(path)
        for group in groups:
            print(f"  {group_line(group, with_path=False)}")


def _report_path(report: Path, book: Path) -> Path:
    """Where the report goes (its real path): a new file or a report of ours; never a folder, never among the
    sources, never inside ``dist/``, which a check must not touch."""
    return judge_report(report, book, DEFAULT_LAYOUTS, [Path("dist")])
