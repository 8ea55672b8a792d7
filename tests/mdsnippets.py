"""Whole-output snippet tests of one Markdown extension, in the manner of Python-Markdown's
``markdown.test_tools.TestCase.assertMarkdownRenders``.

A snippet is converted by Python-Markdown with only the extension under test (and the
configuration the test gives it), and the *whole* output is compared with the expected one,
both dedented: nothing the extension adds, drops or moves can pass unseen. The extension is
returned, so that a test can compare what it reported (problems with their lines, uses) too.

Most of our extensions read the article's source to find lines, so they are made from the
dedented source: ``make`` is called with it.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from markdown import Extension, Markdown

E = TypeVar("E", bound=Extension)


def dedent(text: str) -> str:
    """Dedent a triple-quoted snippet and strip the blank lines around it (as Python-Markdown's ``dedent``)."""
    return textwrap.dedent(text).strip("\n")


def convert(source: str, *extensions: Extension | str) -> str:
    """``source`` (already dedented) as XHTML, with only ``extensions``."""
    return Markdown(output_format="xhtml", extensions=list(extensions)).convert(source)


def assert_same(output: str, expected: str) -> None:
    if output != expected:
        diff = "\n".join(
            difflib.unified_diff(expected.split("\n"), output.split("\n"), "expected", "output", lineterm="")
        )
        raise AssertionError(f"the output differs from the expected one:\n{diff}\n--- whole output ---\n{output}")


def assert_renders(source: str, expected: str, make: Callable[[str], E], *, also: Sequence[Extension | str] = ()) -> E:
    """Convert the dedented ``source`` with the extension ``make(source)`` (after the stock extensions
    in ``also``, as in the book's conversion, when the extension works on what they make) and compare
    the whole output with the dedented ``expected``. Returns the extension, for its reports."""
    source = dedent(source)
    extension = make(source)
    assert_same(convert(source, *also, extension), dedent(expected).strip())
    return extension


class Registered(Extension):
    """A module that registers its processors with a function (``register(md, *args)``) as an
    extension of its own, so that it can be tested alone."""

    def __init__(self, register: Callable[..., None], *args: Any) -> None:
        super().__init__()
        self.register = register
        self.args = args

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        self.register(md, *self.args)
