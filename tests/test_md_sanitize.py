"""Whole-output snippets of the sanitising step (plainpress/mdext/sanitize.py) alone: the converted
fragment cut down to an allow-list and written back as XHTML."""

from __future__ import annotations

import pytest
from markdown import Markdown

from plainpress.mdext import sanitize
from plainpress.mdext.images import ResourceProblem
from plainpress.mdext.limits import LimitError

from .mdsnippets import Registered, assert_renders, convert, dedent


def sanitised(sources: set[str] = frozenset(), nesting: int = 20, problems: list[ResourceProblem] | None = None):
    found = problems if problems is not None else []
    return lambda source: Registered(sanitize.register, lambda: set(sources), nesting, source, found)


def test_clean_markdown_comes_out_as_python_markdown_writes_it():
    assert_renders(
        """
        # Title

        Some *emphasis*, a [link](https://example.org/a?b=1&c=2) and a list:

        - one
        - two<br>three
        """,
        """
        <h1>Title</h1>
        <p>Some <em>emphasis</em>, a <a href="https://example.org/a?b=1&amp;c=2">link</a> and a list:</p>
        <ul>
        <li>one</li>
        <li>two<br />three</li>
        </ul>
        """,
        sanitised(),
    )


def test_scripts_frames_comments_handlers_hiding_and_obsolete_tags_go_and_their_text_stays():
    assert_renders(
        """
        <div onclick="x()" style="color: red" hidden>Hi<script>alert(1)</script><!-- note --> <font>old</font> <iframe src="https://example.org"></iframe></div>

        A <b>bold</b> line and <span inert>inert</span>.
        """,
        """
        <div>Hi old </div>

        <p>A <b>bold</b> line and <span>inert</span>.</p>
        """,
        sanitised(),
    )


def test_entities_become_characters_and_every_ampersand_is_escaped():
    assert_renders(
        "Tom &amp; Jerry, &copy; 2026, a&nbsp;b, 1 < 2 & 3 > 2.",
        "<p>Tom &amp; Jerry, © 2026, a\u00a0b, 1 &lt; 2 &amp; 3 &gt; 2.</p>",
        sanitised(),
    )


def test_links_keep_only_web_mail_phone_and_relative_addresses():
    assert_renders(
        "[web](https://example.org) [js](javascript:alert(1)) [data](data:text/html,x) [rel](other.md#a) "
        "[mail](mailto:a@example.org) [phone](tel:999)",
        '<p><a href="https://example.org">web</a> <a>js</a> <a>data</a> <a href="other.md#a">rel</a> '
        '<a href="mailto:a@example.org">mail</a> <a href="tel:999">phone</a></p>',
        sanitised(),
    )


def test_images_keep_only_a_source_the_image_extension_wrote():
    assert_renders(
        '![Kept](images/a.png) ![Dropped](images/b.png) <img src="images/c.png" alt="raw">',
        '<p><img alt="Kept" src="images/a.png" />  </p>',
        sanitised({"images/a.png"}),
    )


def test_table_alignment_is_the_only_style_kept():
    assert_renders(
        """
        | Dose | When |
        |:--|--:|
        | <span style="color: red">5 mg</span> | night |
        """,
        """
        <table>
        <thead>
        <tr>
        <th style="text-align:left">Dose</th>
        <th style="text-align:right">When</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td style="text-align:left"><span><span class="nobreak">5 mg</span></span></td>
        <td style="text-align:right">night</td>
        </tr>
        </tbody>
        </table>
        """,
        sanitised(),
        also=["tables"],
    )


def test_characters_xml_refuses_are_dropped():
    assert_renders("A\x0bB\x1fC", "<p>ABC</p>", sanitised())


def test_raw_html_nested_deeper_than_the_limit_is_refused_with_its_line():
    # nesting 2: 2 * 2 + 10 = 14 elements at most.
    source = dedent(
        """
        Fine.

        """
        + "<div>" * 16
        + "deep words"
        + "</div>" * 16
    )
    with pytest.raises(LimitError) as refused:
        convert(source, sanitised(nesting=2)(source))
    assert (refused.value.code, refused.value.line) == ("L002", 3)
    assert (
        refused.value.message
        == "HTML elements nested 15 deep; the limit is 14 (twice limits.nesting in book.yaml, and 10)"
    )


def test_an_empty_fragment_is_left_as_it_is():
    assert_renders("", "", sanitised())


def test_headings_words_are_sanitised_once_each_and_the_unused_table_of_contents_not_at_all(monkeypatch):
    """The toc extension runs the postprocessors on each heading's words (for its id) and on the
    table of contents it writes: nh3 is asked only about words with markup in them, and never about
    the table of contents (left empty); the ids and the text are as before."""
    asked: list[str] = []
    clean = sanitize._clean
    monkeypatch.setattr(sanitize, "_clean", lambda html, sources: asked.append(html) or clean(html, sources))
    source = dedent(
        """
        ## Plain words, no fear

        ## When to call 01632 960 123

        ## Some *emphasis*

        Text.
        """
    )
    md = Markdown(
        output_format="xhtml", extensions=[sanitize.HeadingIds(), Registered(sanitize.register, set, 20, source, [])]
    )
    html = md.convert(source)
    assert html == dedent(
        """
        <h2 id="plain-words-no-fear">Plain words, no fear</h2>
        <h2 id="when-to-call-01632-960-123">When to call <span class="nobreak">01632 960 123</span></h2>
        <h2 id="some-emphasis">Some <em>emphasis</em></h2>
        <p>Text.</p>
        """
    )
    assert len(asked) == 2 and asked[0] == "Some <em>emphasis</em>"  # then the whole document
    assert asked[1].startswith('<h2 id="plain-words-no-fear">') and md.toc == ""
