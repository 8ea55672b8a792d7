"""Snippet-to-HTML tests of the Markdown extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from plainpress.markup import OutputPolicy, article_html, convert
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


# Markdown converted once per article: each output finishes the one parse with its own policy.

_ONCE = (
    "## Why [@smith] matters\n\nSee [the other](other.md#part-two) and [gone](gone.md) [@smith; @jones].\n\n"
    "### About [other](other.md)\n\nA benzodiazepine calms nerves.\n\n<h2>Raw heading</h2>\n\n"
    "::: red-flag urgent\n- A muscle is getting weaker.\n:::\n\nCall\r\nus [@smith, p. 3].\n"
)


def _policies():
    from plainpress.mdext.citations import CitePolicy
    from plainpress.mdext.redflags import FlagPolicy
    from plainpress.model import GlossaryEntry
    from plainpress.sources.glossary import GlossaryIndex

    glossary = GlossaryIndex.build([GlossaryEntry(term="benzodiazepine", definition="A medicine.")])
    contacts = {"emergency_number": "999", "advice_line": "0100", "advice_line_name": "Line"}
    known = {"other"}.__contains__
    book = OutputPolicy(  # as the book PDF: links in the document, the book's numbers
        XrefPolicy(href=lambda s, f: f"#{s}--{f or ''}", known=known),
        CitePolicy(number={"smith": 1, "jones": 2}.get, href=lambda k: f"#ref-{k}"),
        FlagPolicy(contacts=contacts),
        glossary=glossary,
    )
    epub = OutputPolicy(  # other files, and a part: headings one level down
        XrefPolicy(href=lambda s, f: f"{s}.xhtml#{f or s}", known=known),
        CitePolicy(number={"smith": 1, "jones": 2}.get, href=lambda k: f"refs.xhtml#ref-{k}"),
        FlagPolicy(contacts=contacts),
        glossary=glossary,
        glossary_href=lambda e: f"glossary.xhtml#{e.anchor}",
        heading_offset=lambda article: 1,
    )
    handout = OutputPolicy(  # on its own: notes instead of links, its own numbers, the clinic's contacts
        XrefPolicy(href=lambda s, f: None, note=lambda s: " (see the handout Other)", known=known),
        CitePolicy(number={"smith": 2, "jones": 1}.get, href=lambda k: f"#r-{k}"),
        FlagPolicy(contacts={**contacts, "advice_line": "0200 & 3\x01", "advice_line_name": "Clinic\r\nNorth"}),
        glossary=glossary,
    )
    return book, epub, handout


def test_an_output_finishes_the_one_parse_as_its_own_conversion_would_write_it(monkeypatch):
    import markdown

    from plainpress.markup import _convert, article_html

    book, epub, handout = _policies()
    article, plain = (
        _article(_ONCE),
        _article("\n\n".join(b for b in _ONCE.split("\n\n") if b[0] != "#")),
    )  # no heading refers
    for one in (article, plain):
        one.parsed = convert(one, book).parsed
    runs = []
    real = markdown.Markdown.convert
    monkeypatch.setattr(markdown.Markdown, "convert", lambda self, source: runs.append(source) or real(self, source))
    for policy in (book, epub, handout):
        for one in (article, plain):
            assert article_html(one, policy) == _convert(one, policy).html
    runs.clear()
    for policy in (book, epub, handout):
        assert "#pp-" not in article_html(plain, policy) and "\ue000" not in article_html(plain, policy)
    assert runs == []  # finished from the tree: no new conversion
    article_html(article, handout)  # a heading whose number and note change: converted again, as it must be
    assert runs == [article.body]
    html = article_html(article, epub)
    assert '<h3 id="demo--why-1-matters">' in html and "<h2>Raw heading</h2>" in html  # raw HTML is not moved
    assert 'href="refs.xhtml#ref-smith"' in html and 'href="glossary.xhtml#' in html and "#pp-" not in html


def test_one_markdown_run_per_article_in_a_full_build(tmp_path, monkeypatch):
    import markdown

    from plainpress.commands.build import build
    from plainpress.stages.gather import gather

    from .helpers import FIXTURES

    runs: list[str] = []
    real = markdown.Markdown.convert

    def counted(self, source):
        runs.append(source)
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counted)
    build(FIXTURES / "mini", tmp_path / "dist", jobs=1)  # every output: book PDF, EPUB, handouts, braille
    articles = gather(FIXTURES / "mini").articles
    assert len(runs) == len(articles)
    assert sorted(runs) == sorted(a.body for a in articles)


@pytest.mark.parametrize("body", ["", "\n", "   \n\t\n"])
def test_a_blank_body_converts_to_nothing_for_every_output(body):
    from .test_extensions import _article, _policy

    article = _article(body)
    converted = convert(article, _policy())
    assert converted.html == "" and converted.structure.headings == []
    article.parsed = converted.parsed
    assert article_html(article, _policy()) == ""
