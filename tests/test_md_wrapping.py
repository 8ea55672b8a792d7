"""Whole-output snippets of where lines may and may not break (plainpress/mdext/wrapping.py), as the
sanitising step runs it on every converted fragment: amounts, dates and phone numbers kept on one
line, web addresses given break points, bidirectional controls reported, ``aria-hidden`` only on
what has nothing to say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from plainpress.mdext import sanitize, wrapping
from plainpress.mdext.images import ResourceProblem
from plainpress.mdext.wrapping import BIDI_CONTROLS

from .mdsnippets import Registered, assert_renders


def wrapped(problems: list[ResourceProblem]):
    return lambda source: Registered(sanitize.register, set, 20, source, problems)


def nb(text: str) -> str:
    return f'<span class="nobreak">{text}</span>'


def test_amounts_with_their_unit_dates_and_phone_numbers_stay_on_one_line():
    problems: list[ResourceProblem] = []
    assert_renders(
        "Take 5 mg, 2.5 ml or 1,000 IU from 3 June 2026. Call 0300 123 4567 or 999; 37.5 °C.",
        f"<p>Take {nb('5 mg')}, {nb('2.5 ml')} or {nb('1,000 IU')} from {nb('3 June 2026')}. "
        f"Call {nb('0300 123 4567')} or 999; {nb('37.5 °C')}.</p>",
        wrapped(problems),
    )
    assert problems == []


def test_inside_emphasis_and_links_too_but_never_in_code():
    assert_renders(
        """
        **5 mg** and `5 mg https://example.org/a`

            take 5 mg
        """,
        f"""
        <p><strong>{nb("5 mg")}</strong> and <code>5 mg https://example.org/a</code></p>
        <pre><code>take 5 mg
        </code></pre>
        """,
        wrapped([]),
    )


def test_web_addresses_may_break_after_each_slash_dot_and_hyphen():
    assert_renders(
        "See https://www.example.org/long-path/page.html now, or [https://example.org/x](https://example.org/x).",
        "<p>See https://<wbr />www.<wbr />example.<wbr />org/<wbr />long-<wbr />path/<wbr />page.<wbr />html now, "
        'or <a href="https://example.org/x">https://<wbr />example.<wbr />org/<wbr />x</a>.</p>',
        wrapped([]),
    )


def test_bidirectional_controls_outside_right_to_left_text_are_reported_with_their_lines():
    problems: list[ResourceProblem] = []
    assert_renders(
        """
        Line one.

        Take \u202e5 mg\u202c now, \u2066isolated\u2069.

        <p><span lang="ar">\u202bنص\u202c</span> <span dir="rtl">\u202bx\u202c</span> <span dir="ltr" lang="ar">\u202ey</span></p>
        """,
        f"""
        <p>Line one.</p>
        <p>Take \u202e{nb("5 mg")}\u202c now, \u2066isolated\u2069.</p>
        <p><span lang="ar">\u202bنص\u202c</span> <span dir="rtl">\u202bx\u202c</span> <span dir="ltr" lang="ar">\u202ey</span></p>
        """,
        wrapped(problems),
    )
    assert [(p.code, p.text, p.line) for p in problems] == [
        ("W001", "Take 5 mg now, isolated.", 3),
        ("W001", "y", 5),  # dir="ltr" wins over the language
    ]
    assert problems[0].message == (
        "bidirectional control characters would print the text around them in another order than it is written: "
        "U+202E (RIGHT-TO-LEFT OVERRIDE), U+202C (POP DIRECTIONAL FORMATTING), U+2066 (LEFT-TO-RIGHT ISOLATE), "
        'U+2069 (POP DIRECTIONAL ISOLATE); remove them, or mark right-to-left text with <span dir="rtl">…</span>'
    )
    assert not BIDI_CONTROLS.search(problems[0].text)


def test_aria_hidden_stays_only_on_what_has_no_text():
    assert_renders(
        '<span aria-hidden="true">Words a reader sees</span><span aria-hidden="true" class="icon"></span>',
        '<p><span>Words a reader sees</span><span aria-hidden="true" class="icon"></span></p>',
        wrapped([]),
    )


_PIECES = [*"ab Z-/.:,09", "http://", "HTTPS://", "www.", "WWW.", "://", "example.org", "LAY", "shun", "300 mg"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join))
def test_the_quick_test_skips_only_texts_with_nothing_to_wrap(text):
    """A text with no digit, no pronunciation and no web address is left as it is without the full
    patterns; every other text is wrapped as the full patterns say."""

    def written(lead: str, made: list) -> str:
        return lead + "".join(etree.tostring(e, encoding="unicode") for e in made)

    quick = written(*wrapping._pieces(text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wrapping, "may_keep", lambda text: True)  # never the quick way
        assert written(*wrapping._pieces(text)) == quick
