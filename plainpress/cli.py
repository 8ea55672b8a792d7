"""The command line: ``python build.py [COMMAND] [options]`` (``build`` by default).

Each command is a module of :mod:`plainpress.commands` with two functions:
``register(subparsers)`` adds its parser, ``run(args) -> int`` runs it. This is
the one place where errors become messages and exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from types import ModuleType

from .errors import PlainpressError

# Command name -> module in plainpress.commands, in the order --help lists them.
COMMANDS = {
    "build": "build",
    "handouts": "handouts",
    "check": "check",
    "import": "importing",
    "new": "new",
    "serve": "serve",
    "audit": "audit",
}


def _modules(names: list[str] | None = None) -> dict[str, ModuleType]:
    """The command modules (only those named: a command imports what it needs, and ``build`` with nothing
    to do answers before the renderer is even loaded)."""
    found = {}
    for name, module in COMMANDS.items():
        if names is not None and name not in names:
            continue
        try:
            found[name] = importlib.import_module(f"plainpress.commands.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"plainpress.commands.{module}":
                raise
    return found


def _parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="plainpress: build accessible EPUB and PDF health books from Markdown articles.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules.values():
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in COMMANDS and args_in[0] not in ("-h", "--help")):
        args_in.insert(0, "build")
    modules = _modules([args_in[0]] if args_in[0] in COMMANDS else None)
    if args_in[0] in COMMANDS and args_in[0] not in modules:  # a command whose module is not installed
        modules = _modules()
    args = _parser(modules).parse_args(args_in)
    try:
        return int(modules[args.command].run(args))
    except PlainpressError as error:
        for message in error.messages():
            print(message, file=sys.stderr)
        out = getattr(args, "out", None)
        unchanged = f"; nothing in {out} was changed" if out else ""
        print(f"{args.command} failed: {_count(error.messages())}{unchanged}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("output closed by its reader; stopped, nothing was changed", file=sys.stderr)
        return 1
    except BaseException as error:
        # WeasyPrint's fatal fetch error is a BaseException; caught by name, so that commands which never
        # render need not load the renderer.
        if type(error).__name__ != "ResourceRefused":
            raise
        print(f"error: {error}", file=sys.stderr)
        return 3


def _count(messages: list[str]) -> str:
    return "1 problem" if len(messages) == 1 else f"{len(messages)} problems"


if __name__ == "__main__":
    sys.exit(main())
