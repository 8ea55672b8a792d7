"""Snippet-to-HTML tests of the Markdown extensions."""

from __future__ import annotations

from pathlib import Path

from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.xrefs import XrefPolicy
from plainpress.model import Article, ArticleMeta


def _article(body: str, slug: str = "demo") -> Article:
    meta = ArticleMeta(title="Demo", summary="S", date=None)  # type: ignore[arg-type]
    return Article(slug=slug, path=Path("demo.md"), meta=meta, body=body, body_line=5)


def test_headings_get_prefixed_ids_and_lines():
    result = convert(_article("Intro\n\n## First part\n\ntext\n\n### Sub\n\n## First part\n"))
    assert [(h.level, h.anchor, h.line) for h in result.structure.headings] == [
        (2, "demo--first-part", 3),
        (3, "demo--sub", 7),
        (2, "demo--first-part_1", 9),
    ]
    assert '<h2 id="demo--first-part">First part</h2>' in result.html


def test_table_header_cells_have_scope():
    html = convert(_article("| A | B |\n|---|---|\n| 1 | 2 |\n")).html
    assert '<th scope="col">A</th>' in html and "<td>1</td>" in html


def test_nesting_depth_is_measured():
    body = "\n".join("    " * i + "- item" for i in range(5))
    assert convert(_article(body)).structure.max_depth == 5


def test_image_without_alt_is_recorded():
    assert convert(_article("![](pic.png)\n")).structure.images_without_alt == ["pic.png"]


def test_xref_to_known_article_becomes_policy_link():
    policy = OutputPolicy(XrefPolicy(href=lambda s, f: f"{s}.xhtml#{f or s}", known={"other"}.__contains__))
    result = convert(_article("See [the other](other.md#part-two) and [gone](gone.md).\n"), policy)
    assert '<a href="other.xhtml#part-two">the other</a>' in result.html
    assert '<span class="xref-unlinked">gone</span>' in result.html
    assert [(x.slug, x.fragment, x.line) for x in result.xrefs] == [
        ("other", "part-two", 1),
        ("gone", None, 1),
    ]


def test_xref_policy_may_turn_links_into_text_with_a_note():
    policy = OutputPolicy(
        XrefPolicy(href=lambda s, f: None, note=lambda s: " (see the handout Other)", known={"other"}.__contains__)
    )
    html = convert(_article("Read [this](other.md) now.\n"), policy).html
    assert '<span class="xref-unlinked">this</span><span class="xref-note"> (see the handout Other)</span> now.' in html


def test_web_links_are_left_alone():
    html = convert(_article("[site](https://example.org/a.md)\n")).html
    assert '<a href="https://example.org/a.md">site</a>' in html
