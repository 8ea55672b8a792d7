"""The command line: ``python build.py [COMMAND] [options]`` (``build`` by default).

Each command is a module of :mod:`plainpress.commands` with two functions:
``register(subparsers)`` adds its parser, ``run(args) -> int`` runs it. This is
the one place where errors become messages and exit codes.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

from . import __version__
from .errors import PlainpressError
from .safety import machine_message

# Command name -> module in plainpress.commands, in the order --help lists them.
COMMANDS = {
    "build": "build",
    "handouts": "handouts",
    "check": "check",
    "import": "importing",
    "new": "new",
    "init": "init",
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
        prog=program(),
        description="plainpress: build accessible EPUB and PDF health books from Markdown articles.",
    )
    parser.add_argument("--version", action="version", version=f"plainpress {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules.values():
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] not in COMMANDS and not args_in[0].startswith("-"):
        return _unknown_command(args_in[0])
    if not args_in or (args_in[0] not in COMMANDS and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "build")  # options alone (or nothing) build the book
    modules = _modules([args_in[0]] if args_in[0] in COMMANDS else None)
    if args_in[0] in COMMANDS and args_in[0] not in modules:  # a command whose module is not installed
        modules = _modules()
    parser = _parser(modules)
    args, extra = parser.parse_known_args(args_in)
    if extra:
        _unknown_options(parser, args.command, extra)
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
    except OSError as error:  # the machine refused (disk full, read-only, permission...): one line, exit 5
        out = getattr(args, "out", None)
        unchanged = f"; nothing in {out} was changed" if out else ""
        print(machine_message(error, _written(args)) + unchanged, file=sys.stderr)
        return 5
    except BaseException as error:
        # WeasyPrint's fatal fetch error is a BaseException; caught by name, so that commands which never
        # render need not load the renderer.
        if type(error).__name__ != "ResourceRefused":
            raise
        print(f"error: {error}", file=sys.stderr)
        return 3


def program() -> str:
    """The name the user typed: ``build.py`` in the repository, else ``plainpress``."""
    return "build.py" if os.path.basename(sys.argv[0]) == "build.py" else "plainpress"


def _unknown_command(word: str) -> int:
    close = difflib.get_close_matches(word, COMMANDS, n=3, cutoff=0.6)
    suggestion = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    print(f"usage: {program()} [COMMAND] [options]", file=sys.stderr)
    print(f"{program()}: error: unknown command {word!r}{suggestion}", file=sys.stderr)
    print(f"The commands are: {', '.join(COMMANDS)}. See: {program()} --help", file=sys.stderr)
    return 2


def _unknown_options(parser: argparse.ArgumentParser, command: str, extra: list[str]) -> None:
    """Stop (exit 2) on words the command does not take, suggesting the options they resemble."""
    sub = next((a.choices[command] for a in parser._actions if isinstance(a, argparse._SubParsersAction)), parser)
    known = [o for action in sub._actions for o in action.option_strings if o.startswith("--")]
    hints = []
    for word in extra:
        close = difflib.get_close_matches(word.split("=", 1)[0], known, n=1, cutoff=0.6) if word.startswith("-") else []
        if close:
            hints.append(f"{word!r}: did you mean {close[0]!r}?")
    message = f"unrecognized arguments: {' '.join(extra)}"
    sub.error(f"{message} ({'; '.join(hints)})" if hints else message)


def _written(args: argparse.Namespace) -> Path | None:
    """The path a command writes, named when the machine's refusal names none."""
    for name in ("out", "report", "into", "dump_html", "book"):
        if isinstance(getattr(args, name, None), Path):
            return getattr(args, name)
    return None


def _count(messages: list[str]) -> str:
    return "1 problem" if len(messages) == 1 else f"{len(messages)} problems"


if __name__ == "__main__":
    sys.exit(main())
