"""Whole-output snippets of the outline extension (plainpress/mdext/outline.py) alone: heading ids
and lines, block ids, table header scope, nesting depth, images without alt text."""

from __future__ import annotations

from plainpress.mdext.outline import StructureExtension

from .mdsnippets import assert_renders


def outline(offset: int = 0):
    return lambda source: StructureExtension(prefix="demo--", offset=offset)


def headings(ext: StructureExtension) -> list[tuple[int, str, str, int | None, bool]]:
    return [(h.level, h.text, h.anchor, h.line, h.outline) for h in ext.report.headings]


def test_headings_get_prefixed_unique_ids_and_their_lines_and_blocks_get_ids():
    ext = assert_renders(
        """
        Intro

        ## First part

        text

        ### Sub *part*

        ## First part

        ## ???
        """,
        """
        <p id="demo--b1">Intro</p>
        <h2 id="demo--first-part">First part</h2>
        <p id="demo--b2">text</p>
        <h3 id="demo--sub-part">Sub <em>part</em></h3>
        <h2 id="demo--first-part-2">First part</h2>
        <h2 id="demo--section">???</h2>
        """,
        outline(),
    )
    assert headings(ext) == [
        (2, "First part", "demo--first-part", 3, True),
        (3, "Sub part", "demo--sub-part", 7, True),
        (2, "First part", "demo--first-part-2", 9, True),
        (2, "???", "demo--section", 11, True),
    ]


def test_an_id_given_in_the_source_is_kept_and_blocks_never_take_it():
    ext = assert_renders(
        """
        ## Dose {: #demo--b1 }

        Text.
        """,
        """
        <h2 id="demo--b1">Dose</h2>
        <p id="demo--b2">Text.</p>
        """,
        outline(),
        also=["attr_list"],
    )
    assert headings(ext) == [(2, "Dose", "demo--b1", 1, True)]


def test_a_setext_heading_has_the_line_of_its_text_and_leaves_the_next_line_to_the_next_heading():
    ext = assert_renders(
        """
        Big
        ===

        Setext
        ------

        ## ATX
        """,
        """
        <h1 id="demo--big">Big</h1>
        <h2 id="demo--setext">Setext</h2>
        <h2 id="demo--atx">ATX</h2>
        """,
        outline(),
    )
    assert [(level, line) for level, _, _, line, _ in headings(ext)] == [(1, 1), (2, 4), (2, 7)]


def test_fences_are_text_without_fenced_code_so_the_lines_after_them_stay_right():
    ext = assert_renders(
        """
        ```
        ## Not code here
        ```

        ## After
        """,
        """
        <p id="demo--b1">```</p>
        <h2 id="demo--not-code-here">Not code here</h2>
        <p id="demo--b2">```</p>
        <h2 id="demo--after">After</h2>
        """,
        outline(),
    )
    assert [(text, line) for _, text, _, line, _ in headings(ext)] == [("Not code here", 2), ("After", 5)]


def test_with_fenced_code_a_heading_in_a_fence_is_code():
    ext = assert_renders(
        """
        ```
        ## In code
        ```

        ## After
        """,
        """
        <pre><code>## In code
        </code></pre>
        <h2 id="demo--after">After</h2>
        """,
        outline(),
        also=["fenced_code"],
    )
    assert [(text, line) for _, text, _, line, _ in headings(ext)] == [("After", 5)]


def test_a_raw_html_block_stays_as_written_and_the_lines_after_it_stay_right():
    # The block's paragraph gets no id, or Python-Markdown would leave empty paragraphs around it.
    ext = assert_renders(
        """
        <div class="note">
        One.

        Two.
        </div>

        ## After
        """,
        """
        <div class="note">
        One.

        Two.
        </div>

        <h2 id="demo--after">After</h2>
        """,
        outline(),
    )
    assert [(text, line) for _, text, _, line, _ in headings(ext)] == [("After", 7)]


def test_an_offset_moves_every_heading_down_to_h6_at_most_and_the_report_keeps_the_source_levels():
    ext = assert_renders(
        """
        ## A

        ###### F
        """,
        """
        <h3 id="demo--a">A</h3>
        <h6 id="demo--f">F</h6>
        """,
        outline(offset=1),
    )
    assert [(level, line) for level, _, _, line, _ in headings(ext)] == [(2, 1), (6, 3)]


def test_table_header_cells_get_a_column_scope():
    assert_renders(
        """
        | Dose | When |
        |---|---|
        | 5 mg | night |
        """,
        """
        <table id="demo--b1">
        <thead>
        <tr id="demo--b2">
        <th scope="col">Dose</th>
        <th scope="col">When</th>
        </tr>
        </thead>
        <tbody>
        <tr id="demo--b3">
        <td>5 mg</td>
        <td>night</td>
        </tr>
        </tbody>
        </table>
        """,
        outline(),
        also=["tables"],
    )


def test_nesting_depth_and_images_without_alt_text_are_measured():
    ext = assert_renders(
        """
        - a
            - b

        > quote

        ![](pic.png) ![ ](blank.png) ![A nerve](nerve.png)
        """,
        """
        <ul id="demo--b1">
        <li id="demo--b2">a<ul id="demo--b3">
        <li id="demo--b4">b</li>
        </ul>
        </li>
        </ul>
        <blockquote id="demo--b5">
        <p id="demo--b6">quote</p>
        </blockquote>
        <p id="demo--b7"><img alt="" src="pic.png" /> <img alt=" " src="blank.png" /> <img alt="A nerve" src="nerve.png" /></p>
        """,
        outline(),
    )
    assert ext.report.max_depth == 2
    assert ext.report.images_without_alt == ["pic.png", "blank.png"]


def test_decorative_images_are_not_missing_their_alt_text():
    ext = assert_renders(
        "![](rule.png){: .decorative }",
        '<p id="demo--b1"><img alt="" class="decorative" src="rule.png" /></p>',
        outline(),
        also=["attr_list"],
    )
    assert ext.report.images_without_alt == []
