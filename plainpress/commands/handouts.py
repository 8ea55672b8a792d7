"""``handouts``: only the handouts, their indexes and the cards; the EPUB and the
book PDF of the current output folder are carried over unchanged."""

from __future__ import annotations

import argparse

from . import build


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "handouts",
        help="build only the handouts, their indexes and the cards",
        description="Build the handouts, indexes and red-flag cards; the EPUB and the book PDF of the "
        "current output folder are carried over unchanged into the new one.",
    )
    build.add_book_options(parser)
    build.add_render_options(parser)


def run(args: argparse.Namespace) -> int:
    return build.run(args, handouts_only=True)
