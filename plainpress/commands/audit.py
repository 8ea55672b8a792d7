"""``audit FILE.pdf...``: check PDFs against PDF/UA-1, as veraPDF's PDF/UA-1 profile does.

For PDFs made by plainpress or anywhere else. Each file is checked in a worker process with a time
limit (10 s): a file that is not a PDF, cannot be opened or takes longer is reported as not checked
and counts as failing. Exit code 0 when every file passes, 1 otherwise. ``--format json`` prints,
per file, ``passed`` and each failed rule with its veraPDF rule id, its ISO 14289-1 clause, how many
objects break it and on which pages.

``--transcript`` prints instead what a screen reader says for each file: its structure tree walked
in reading order, each element's role with its text, links with their ``/Contents`` and figures with
their ``Alt`` (see :mod:`plainpress.pdf.transcript`). A file that cannot be read counts as failing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..pdfua import TIME_LIMIT, Report
from ..pdfua.worker import check_files


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "audit",
        help="check PDF files against PDF/UA-1 (veraPDF's rules)",
        description="Check PDF files against the machine-checkable rules of PDF/UA-1 (ISO 14289-1), as "
        "veraPDF's PDF/UA-1 validation profile states them. Exit code 0 when every file passes, 1 otherwise "
        "(a file that cannot be read as a PDF, or takes longer than the time limit, is not checked and fails).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.pdf", help="the PDF files to check")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="how to print the results")
    parser.add_argument(
        "--transcript",
        action="store_true",
        help="print what a screen reader says: the structure tree in reading order, role and text",
    )
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    if args.transcript:
        return _transcripts(args.files, args.format)
    reports = []
    for report in check_files(args.files, args.time_limit):
        reports.append(report)
        if args.format == "text":
            _print(report)
    passed = all(report.passed for report in reports)
    if args.format == "json":
        json.dump({"passed": passed, "files": [r.as_json() for r in reports]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        good = sum(r.passed for r in reports)
        print(f"{good} of {len(reports)} file(s) pass PDF/UA-1")
    return 0 if passed else 1


def _print(report: Report) -> None:
    if not report.checked:
        print(f"NOT CHECKED  {report.path}: {report.reason}")
        return
    if report.passed:
        print(f"PASS  {report.path}")
    else:
        rows = report.failed_rules()
        print(f"FAIL  {report.path}: {len(rows)} rule(s) failed")
        for row in rows:
            pages = row["pages"]
            where = f" on page(s) {', '.join(map(str, pages[:12]))}{' ...' if len(pages) > 12 else ''}" if pages else ""
            print(f"  {row['rule']} (ISO 14289-1 {row['clause']}) {row['summary']}: {row['count']}x{where}")
            print(f"      e.g. {row['example']}")
    for warning in report.warnings[:20]:
        print(f"  warning {warning}")


def _transcripts(files: list[Path], form: str) -> int:
    from ..pdf.transcript import render, transcript

    failed, out = False, []
    for path in files:
        try:
            lines = transcript(path)
        except Exception as error:  # any unreadable PDF is reported, never a traceback
            failed = True
            print(f"NOT READ  {path}: {type(error).__name__}: {error}", file=sys.stderr)
            continue
        if form == "json":
            out.append({"path": str(path), "transcript": [line.as_json() for line in lines]})
            continue
        if len(files) > 1:
            print(f"== {path}")
        sys.stdout.write(render(lines))
    if form == "json":
        json.dump({"passed": not failed, "files": out}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return 1 if failed else 0
