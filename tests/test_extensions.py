"""Snippet-to-HTML tests of the red-flag, citation and glossary extensions."""

from __future__ import annotations

from pathlib import Path

from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.citations import CitePolicy, expand_numbers, parse_keyed
from plainpress.mdext.redflags import FlagPolicy
from plainpress.model import Article, ArticleMeta, GlossaryEntry
from plainpress.sources.glossary import GlossaryIndex

CONTACTS = {"emergency_number": "999", "advice_line": "0300 123", "advice_line_name": "the nurse line"}


def _article(body: str, citations: dict[int, str] | None = None) -> Article:
    meta = ArticleMeta(title="Demo", summary="S", date=None, citations=citations or {})  # type: ignore[arg-type]
    return Article(slug="demo", path=Path("demo.md"), meta=meta, body=body, body_line=10)


def _policy(**kw) -> OutputPolicy:
    return OutputPolicy(flags=FlagPolicy(contacts=CONTACTS), **kw)


# --- red flags -------------------------------------------------------------


def test_red_flag_block_renders_a_labelled_notice():
    body = "## Signs\n\n::: red-flag emergency\n- You cannot breathe.\n- You choke on food.\n:::\n\nAfter.\n"
    result = convert(_article(body), _policy())
    html = result.html
    assert '<section aria-labelledby="demo--flag-1-title" class="red-flag red-flag-emergency"' in html
    assert 'epub:type="notice"' in html and 'role="doc-notice"' in html
    assert (
        '<h3 class="red-flag-heading" id="demo--flag-1-title">'
        '<span aria-hidden="true" class="red-flag-icon icon-emergency"></span>' in html
    )
    assert "Emergency: </span>Get help now</h3>" in html
    assert "Call 999 now" in html
    assert '<li id="demo--flag-1-1">You cannot breathe.</li>' in html
    assert ">After.</p>" in html
    assert [(f.tier, f.text, f.line) for f in result.flags] == [
        ("emergency", "You cannot breathe.", 3),
        ("emergency", "You choke on food.", 3),
    ]
    assert not result.flag_problems


def test_red_flag_with_blank_lines_and_paragraph_items():
    body = "::: red-flag routine\n\nYour twitches worry you.\n\nThey last after the taper.\n\n:::\n"
    result = convert(_article(body), _policy())
    assert [f.text for f in result.flags] == ["Your twitches worry you.", "They last after the taper."]
    assert "the nurse line" not in result.html  # routine names no phone
    assert "<h2" in result.html  # no heading before: the notice heading is h2


def test_red_flag_urgent_names_the_advice_line():
    result = convert(_article("::: red-flag urgent\n- Weak arm.\n:::\n"), _policy())
    assert 'You can call the nurse line on <span class="nobreak">0300 123</span>.' in result.html


def test_red_flag_problems():
    result = convert(
        _article("::: red-flag soonish\n- A sign.\n:::\n\n::: red-flag urgent\n- Never closed.\n"), _policy()
    )
    codes = sorted((p.code, p.line) for p in result.flag_problems)
    assert codes == [("R001", 1), ("R002", 5)]


def test_red_flag_headings_stay_out_of_the_outline():
    result = convert(_article("## A\n\n::: red-flag routine\n- x.\n:::\n\n### B\n"), _policy())
    assert [(h.level, h.outline, h.line) for h in result.structure.headings] == [
        (2, True, 1),
        (3, False, None),
        (3, True, 7),
    ]


# --- citations ---------------------------------------------------------------


def _cites(**kw) -> OutputPolicy:
    numbers = {"ashton": 1, "smith": 2}
    return _policy(cites=CitePolicy(number=numbers.get, href=lambda k: f"refs.xhtml#ref-{k}"), **kw)


def test_parse_keyed_and_numbers():
    assert parse_keyed("@a, p. 12; @b") == [("a", "p. 12"), ("b", None)]
    assert parse_keyed("@a @b") is None
    assert expand_numbers("1, 3-5") == [1, 3, 4, 5]


def test_keyed_citations_link_to_the_bibliography():
    result = convert(_article("Slow is safer [@ashton; @smith, p. 4].\n"), _cites())
    assert (
        '<span class="citation">[<a class="cite" href="refs.xhtml#ref-ashton" id="demo--cite-1" '
        'role="doc-biblioref">1</a>; <a class="cite" href="refs.xhtml#ref-smith" id="demo--cite-2" '
        'role="doc-biblioref">2</a>, p. 4]</span>'
    ) in result.html
    assert [(u.key, u.anchor, u.locator) for u in result.cites] == [
        ("ashton", "demo--cite-1", None),
        ("smith", "demo--cite-2", "p. 4"),
    ]


def test_unknown_key_stays_visible():
    result = convert(_article("Text [@nobody].\n"), _cites())
    assert '<span class="citation-unresolved">?nobody</span>' in result.html
    assert [(p.code, p.text, p.line) for p in result.cite_problems] == [("C001", "[@nobody]", 1)]


def test_numeric_citations_with_and_without_mapping():
    result = convert(_article("One [1][2]. Two [3].\n", citations={1: "ashton", 2: "smith"}), _cites())
    assert result.html.count('role="doc-biblioref"') == 2
    assert '<span class="citation citation-problem">[3]</span>' in result.html
    assert [p.code for p in result.cite_problems] == ["C003"]


def test_malformed_citation_from_a_pasted_article():
    result = convert(_article("Line one.\n\nAffects nerves.[3][web:14, not provided but inferred]\n"), _cites())
    assert "[web:14, not provided but inferred]" in result.html
    assert [(p.code, p.line) for p in result.cite_problems] == [("C003", 3), ("C002", 3)]


def test_citations_in_code_and_links_are_not_citations():
    result = convert(_article("`[@ashton]` and [link](http://x.org) and [text][1]\n\n[1]: http://y.org\n"), _cites())
    assert result.html == (  # the whole paragraph: `[1]` of a reference link is not a citation either
        '<p id="demo--b1"><code>[@ashton]</code> and <a href="http://x.org">link</a> and '
        '<a href="http://y.org">text</a></p>'
    )
    assert result.cites == [] and result.cite_problems == []


# --- glossary ----------------------------------------------------------------


ENTRIES = [
    GlossaryEntry(term="nervous system", definition="d"),
    GlossaryEntry(term="fasciculation", definition="d", forms=["fasciculations"]),
    GlossaryEntry(term="GABA", definition="d"),
    GlossaryEntry(term="nerve", definition="d", forms=["nerves"]),
]


def _gloss() -> OutputPolicy:
    return _policy(glossary=GlossaryIndex.build(ENTRIES), glossary_href=lambda e: f"glossary.xhtml#{e.anchor}")


def test_first_use_of_each_term_is_linked_once():
    body = "## Fasciculations here\n\nYour Nervous  System and nerves. Fasciculations happen. More fasciculations.\n"
    result = convert(_article(body), _gloss())
    html = result.html
    assert "<h2" in html and "Fasciculations here</h2>" in html  # never in headings
    assert (
        '<a class="glossref" href="glossary.xhtml#term-nervous-system" id="demo--gloss-1" '
        'role="doc-glossref">Nervous  System</a>'
    ) in html
    assert (
        '<a class="glossref" href="glossary.xhtml#term-nerve" id="demo--gloss-2" role="doc-glossref">nerves</a>' in html
    )
    assert html.count("term-fasciculation") == 1
    assert [ENTRIES[u.entry].term for u in result.terms] == ["nervous system", "nerve", "fasciculation"]


def test_terms_not_linked_inside_links_code_or_parts_of_words():
    body = "[nerve link](http://x.org) `GABA` nervously. Then GABA.\n"
    result = convert(_article(body), _gloss())
    assert [ENTRIES[u.entry].term for u in result.terms] == ["GABA"]
    assert "<code>GABA</code>" in result.html


def test_undefined_acronyms_are_recorded_once():
    body = "BFS is common. BFS again. ALS too. GABA is defined.\n"
    result = convert(_article(body), _gloss())
    assert [(a.text, a.line) for a in result.acronyms] == [("BFS", 1), ("ALS", 1)]


def test_first_use_is_the_first_in_reading_order():
    body = "A nerve here.\n\nThen **nerves** and nerve.\n\nLast nerve.\n"
    result = convert(_article(body), _gloss())
    assert result.html.count('role="doc-glossref"') == 1
    assert '<p id="demo--b1">A <a class="glossref"' in result.html


def test_tail_text_comes_after_the_element_in_reading_order():
    result = convert(_article("Read *about the* nerve.\n"), _gloss())
    html = result.html
    assert html.index("about the") < html.index('role="doc-glossref"')
    result = convert(_article("One *nerve* then nerve.\n"), _gloss())
    assert "<em><a" in result.html  # the first use, inside the emphasis, is the one linked
