"""Whole-output snippets of the limits checked while parsing (plainpress/mdext/limits.py): input
within the limit converts as Python-Markdown alone writes it; deeper or slower input is refused
with its code, line and message, before the parser can fail on it."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import pytest
from markdown import Markdown

from plainpress.mdext import limits
from plainpress.mdext.limits import MAX_INLINE, LimitError, bracket_depths, line_depths

from .mdsnippets import Registered, assert_renders, convert, dedent


def limited(nesting: int):
    return lambda source: Registered(limits.register, nesting, source)


def refused(source: str, nesting: int) -> tuple[str, int | None, str]:
    source = dedent(source)
    with pytest.raises(LimitError) as error:
        convert(source, limited(nesting)(source))
    return error.value.code, error.value.line, error.value.message


def test_nesting_up_to_the_limit_converts_unchanged():
    assert_renders(
        """
        - a
            - b
                - c

        > > quote

        ***

        - - -
        """,
        """
        <ul>
        <li>a<ul>
        <li>b<ul>
        <li>c</li>
        </ul>
        </li>
        </ul>
        </li>
        </ul>
        <blockquote>
        <blockquote>
        <p>quote</p>
        </blockquote>
        </blockquote>
        <hr />
        <hr />
        """,
        limited(3),  # the rules are not lists
    )


def test_lists_quotes_and_red_flag_blocks_deeper_than_the_limit_are_refused_at_the_line():
    message = "lists, quotes or red-flag blocks nested 4 deep; the limit is 3 (limits.nesting in book.yaml)"
    assert refused("- a\n    - b\n        - c\n            - d", 3) == ("L002", 4, message)
    assert refused("Text.\n\n> > > > deep", 3) == ("L002", 3, message)
    assert refused("::: red-flag urgent\n- a\n    - b\n        - c\n:::", 3) == ("L002", 4, message)


def test_brackets_left_open_deeper_than_the_limit_are_refused_but_code_and_escapes_do_not_count():
    assert_renders(r"`[[[[` and \[\[\[\[", "<p><code>[[[[</code> and [[[[</p>", limited(3))
    assert refused("Fine.\n\nSome [[[[ brackets", 3) == (
        "L002",
        3,
        "square brackets or parentheses left open 4 deep in one paragraph; the limit is 3 (limits.nesting in book.yaml)",
    )


def test_text_that_would_take_too_long_to_read_is_refused():
    code, line, message = refused("# a\n## b\n# c\n" * 3000, 20)
    assert (code, line) == ("L003", 1)
    assert message.startswith(
        "this text would take too long to read: headings, rules, definitions or ':::' lines with no blank line "
        "between them (about 351 million characters to scan; the limit is 30 million)"
    )


def test_a_paragraph_too_long_to_parse_inline_is_refused_at_its_first_line():
    code, line, message = refused("Short.\n\n" + "x" * (MAX_INLINE + 1), 20)
    assert (code, line) == ("L003", 3)
    assert message == "a paragraph of 100,001 characters; the limit is 100,000: split it with blank lines"


def test_an_element_tree_deeper_than_twice_the_limit_and_ten_is_refused():
    # Markdown refuses most deep input by its lines first; this is the check after inline parsing.
    root = etree.Element("div")
    node = root
    for _ in range(11):
        node = etree.SubElement(node, "em")
    node.text = "deep words"
    with pytest.raises(LimitError) as error:
        limits._DepthCheck(Markdown(), 0, "intro\ndeep words\n").run(root)
    assert (error.value.code, error.value.line) == ("L002", 2)


def test_line_depths_and_bracket_depths():
    lines = ["- a", "    - b", "\t- c", "> - d", "***", "- - -", "1. x", "1) y"]
    assert line_depths(lines) == [(1, 1), (2, 2), (3, 2), (4, 2), (7, 1), (8, 1)]
    assert bracket_depths(["[a](b) [[c", "`[[[`", r"\[\[", "", "(("]) == [(1, 2), (5, 2)]
