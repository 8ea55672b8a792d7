"""Whole-output snippets of the cross-reference extension (plainpress/mdext/xrefs.py) alone: links to
other articles (``[text](other.md#part)``) written by the output's policy."""

from __future__ import annotations

from pathlib import Path

from plainpress.mdext.xrefs import XrefExtension, XrefPolicy, markdown_target
from plainpress.model import Article, ArticleMeta

from .mdsnippets import assert_renders

KNOWN = {"other", "sleep"}.__contains__  # the articles of the book
LINKS = XrefPolicy(href=lambda slug, fragment: f"{slug}.xhtml#{fragment or slug}", known=KNOWN)  # EPUB
NOTES = XrefPolicy(
    href=lambda slug, fragment: None, note=lambda slug: f" (see the handout {slug.title()})", known=KNOWN
)


def xrefs(policy: XrefPolicy):
    def make(source: str) -> XrefExtension:
        meta = ArticleMeta(title="Demo", summary="S", date=None)  # type: ignore[arg-type]
        return XrefExtension(policy, Article(slug="demo", path=Path("demo.md"), meta=meta, body=source, body_line=5))

    return make


def found(ext: XrefExtension) -> list[tuple[str, str | None, str, int | None]]:
    return [(x.slug, x.fragment, x.text, x.line) for x in ext.found]


def test_links_to_articles_of_the_book_are_written_by_the_policy_and_others_become_text():
    ext = assert_renders(
        """
        See [the other](other.md#part-two), [gone](gone.md) and [*sleep*](../articles/sleep.md).

        [Web](https://example.org/a.md), [query](other.md?x=1), [encoded](sl%65ep.md), [page](#top).
        """,
        """
        <p>See <a href="other.xhtml#part-two">the other</a>, <span class="xref-unlinked">gone</span> and <a href="sleep.xhtml#sleep"><em>sleep</em></a>.</p>
        <p><a href="https://example.org/a.md">Web</a>, <a href="other.xhtml#other">query</a>, <a href="sleep.xhtml#sleep">encoded</a>, <a href="#top">page</a>.</p>
        """,
        xrefs(LINKS),
    )
    assert found(ext) == [
        ("other", "part-two", "the other", 1),
        ("gone", None, "gone", 1),
        ("sleep", None, "sleep", 1),
        ("other", None, "query", 3),
        ("sleep", None, "encoded", 3),
    ]


def test_print_writes_text_with_a_note_naming_the_handout_but_no_note_for_a_missing_article():
    ext = assert_renders(
        """
        Read [this](other.md) now and [that](gone.md).

        Then [sleep](./sleep.md).
        """,
        """
        <p>Read <span class="xref-unlinked">this</span><span class="xref-note"> (see the handout Other)</span> now and <span class="xref-unlinked">that</span>.</p>
        <p>Then <span class="xref-unlinked">sleep</span><span class="xref-note"> (see the handout Sleep)</span>.</p>
        """,
        xrefs(NOTES),
    )
    assert [(slug, line) for slug, _, _, line in found(ext)] == [("other", 1), ("gone", 1), ("sleep", 3)]


def test_a_policy_with_neither_link_nor_note_leaves_the_text():
    assert_renders(
        "[x](other.md) and [y](other.md)",
        '<p><span class="xref-unlinked">x</span> and <span class="xref-unlinked">y</span></p>',
        xrefs(XrefPolicy(href=lambda slug, fragment: None, known=KNOWN)),
    )


def test_each_link_gets_its_own_line_even_when_one_address_ends_another():
    ext = assert_renders(
        """
        [a](another.md)

        [b](other.md)
        """,
        """
        <p><span class="xref-unlinked">a</span></p>
        <p><a href="other.xhtml#other">b</a></p>
        """,
        xrefs(LINKS),
    )
    assert [(slug, line) for slug, _, _, line in found(ext)] == [("another", 1), ("other", 3)]


def test_a_reference_style_link_is_found_with_its_line():
    ext = assert_renders(
        """
        See [the other][o].

        [o]: other.md#part-two
        """,
        '<p>See <a href="other.xhtml#part-two">the other</a>.</p>',
        xrefs(LINKS),
    )
    assert found(ext) == [("other", "part-two", "the other", 3)]


def test_markdown_target():
    assert markdown_target("other.md#part") == ("other", "part")
    assert markdown_target("./a/b/other.md") == ("other", None)
    assert markdown_target("https://example.org/a.md") is None
    assert markdown_target("other.mdx") is None
    assert markdown_target("picture.png") is None
