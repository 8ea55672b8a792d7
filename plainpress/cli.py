"""The command line: ``python build.py [build] [--book DIR] [--out DIR] [--strict]``.

This is the one place where errors become messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import PlainpressError
from .pdfrender import ResourceRefused
from .templates import DEFAULT_LAYOUTS

COMMANDS = ("build", "handouts")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="plainpress: build accessible EPUB and PDF health books from Markdown articles.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build every output into the output folder (the default command)",
        description="Read the book, check it, and build the EPUB, the book PDF and dist/manifest.json. "
        "The previous output folder stays as it was unless the whole build succeeds.",
    )
    handouts = commands.add_parser(
        "handouts",
        help="build only the handouts, their indexes and the cards",
        description="Build the handouts, indexes and red-flag cards; the EPUB and the book PDF of the "
        "current output folder are carried over unchanged into the new one.",
    )
    for command in (build, handouts):
        command.add_argument("--book", type=Path, default=Path("book"), help="the book's folder (default: book)")
        command.add_argument("--out", type=Path, default=Path("dist"), help="the output folder (default: dist)")
        command.add_argument(
            "--layouts", type=Path, default=DEFAULT_LAYOUTS, help="templates and CSS (default: layouts)"
        )
        command.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")
        command.add_argument("--quiet", action="store_true", help="print only problems")
    return parser


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in COMMANDS and args_in[0] not in ("-h", "--help")):
        args_in.insert(0, "build")
    args = _parser().parse_args(args_in)
    try:
        return _build(args)
    except PlainpressError as error:
        for message in error.messages():
            print(message, file=sys.stderr)
        print(f"build failed: {_count(error.messages())}; nothing in {args.out} was changed", file=sys.stderr)
        return error.exit_code
    except ResourceRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; nothing was changed", file=sys.stderr)
        return 130


def _count(messages: list[str]) -> str:
    return "1 problem" if len(messages) == 1 else f"{len(messages)} problems"


def _build(args: argparse.Namespace) -> int:
    from .commands.build import build

    start = time.monotonic()
    say = (lambda line: None) if args.quiet else (lambda line: print(f"  wrote {line}"))
    result = build(
        args.book,
        args.out,
        strict=args.strict,
        layouts=args.layouts,
        progress=say,
        handouts_only=args.command == "handouts",
    )
    for finding in result.findings:
        print(finding, file=sys.stderr)
    if not args.quiet:
        print(f"built {len(result.outputs)} outputs into {args.out}/ in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
