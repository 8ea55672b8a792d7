"""Whole-output snippets of the citation extension (plainpress/mdext/citations.py) alone."""

from __future__ import annotations

from plainpress.mdext.citations import CitationExtension, CitePolicy, expand_numbers, parse_keyed

from .mdsnippets import assert_renders

NUMBERS = {"ashton": 1, "smith": 2}  # the bibliography's numbers, as the book gives them


def cites(mapping: dict[int, str] | None = None):
    """The extension as an output makes it: numbers from the bibliography, links to its entries."""
    policy = CitePolicy(number=NUMBERS.get, href=lambda key: f"refs.xhtml#ref-{key}")
    return lambda source: CitationExtension(policy, "demo--", source, mapping or {})


def problems(ext: CitationExtension) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.text, p.line) for p in ext.state.problems]


def uses(ext: CitationExtension) -> list[tuple[str, str, int | None, str | None]]:
    return [(u.key, u.anchor, u.line, u.locator) for u in ext.state.uses]


def link(key: str, number: int, n: int) -> str:
    return f'<a class="cite" href="refs.xhtml#ref-{key}" id="demo--cite-{n}" role="doc-biblioref">{number}</a>'


def test_one_key_becomes_a_numbered_link_to_the_bibliography():
    ext = assert_renders(
        "Slow is safer [@ashton].",
        f'<p>Slow is safer <span class="citation">[{link("ashton", 1, 1)}]</span>.</p>',
        cites(),
    )
    assert uses(ext) == [("ashton", "demo--cite-1", 1, None)]
    assert problems(ext) == []


def test_several_keys_with_a_locator_keep_their_separators():
    ext = assert_renders(
        "Both [@ashton; @smith, p. 4].",
        f'<p>Both <span class="citation">[{link("ashton", 1, 1)}; {link("smith", 2, 2)}, p. 4]</span>.</p>',
        cites(),
    )
    assert uses(ext) == [("ashton", "demo--cite-1", 1, None), ("smith", "demo--cite-2", 1, "p. 4")]


def test_each_use_has_its_own_anchor_and_line():
    ext = assert_renders(
        """
        A [@ashton].

        Again [@ashton] here.
        """,
        f"""
        <p>A <span class="citation">[{link("ashton", 1, 1)}]</span>.</p>
        <p>Again <span class="citation">[{link("ashton", 1, 2)}]</span> here.</p>
        """,
        cites(),
    )
    assert uses(ext) == [("ashton", "demo--cite-1", 1, None), ("ashton", "demo--cite-2", 3, None)]


def test_an_unknown_key_stays_visible_beside_the_known_one_and_is_reported():
    ext = assert_renders(
        "Text [@ashton, pp. 3-5; @nobody].",
        f'<p>Text <span class="citation">[{link("ashton", 1, 1)}, pp. 3-5; '
        '<span class="citation-unresolved">?nobody</span>]</span>.</p>',
        cites(),
    )
    assert problems(ext) == [("C001", "[@ashton, pp. 3-5; @nobody]", 1)]
    assert [p.message for p in ext.state.problems] == ["citation key not found: nobody"]


def test_keys_without_a_semicolon_are_malformed_and_shown_as_written():
    ext = assert_renders(
        "Bad [@ashton @smith].",
        '<p>Bad <span class="citation citation-problem">[@ashton @smith]</span>.</p>',
        cites(),
    )
    assert problems(ext) == [("C002", "[@ashton @smith]", 1)]
    assert uses(ext) == []


def test_mapped_numbers_lists_and_ranges_become_links():
    ext = assert_renders(
        "Numbers [1, 3-4] and [2–1].",
        f'<p>Numbers <span class="citation">[{link("ashton", 1, 1)}; {link("smith", 2, 2)}; '
        f'{link("smith", 2, 3)}]</span> and <span class="citation">[{link("smith", 2, 4)}; '
        f"{link('ashton', 1, 5)}]</span>.</p>",
        cites({1: "ashton", 2: "smith", 3: "smith", 4: "smith"}),
    )
    assert [key for key, *_ in uses(ext)] == ["ashton", "smith", "smith", "smith", "ashton"]


def test_an_unmapped_number_is_reported_once_per_number_and_stays_visible():
    ext = assert_renders(
        """
        Pasted [3][4, 5].
        Later [3].
        """,
        """
        <p>Pasted <span class="citation citation-problem">[3]</span><span class="citation citation-problem">[4, 5]</span>.
        Later <span class="citation citation-problem">[3]</span>.</p>
        """,
        cites({4: "ashton"}),
    )
    assert problems(ext) == [("C003", "[3]", 1), ("C003", "[5]", 1), ("C003", "[3]", 2)]
    assert {p.hint for p in ext.state.problems} == {"citations: {n: key}"}


def test_pasted_web_citations_are_malformed_with_their_lines():
    ext = assert_renders(
        """
        Affects nerves.[web:14, not provided but inferred]
        Also [pubmed: 12].
        """,
        """
        <p>Affects nerves.<span class="citation citation-problem">[web:14, not provided but inferred]</span>
        Also <span class="citation citation-problem">[pubmed: 12]</span>.</p>
        """,
        cites(),
    )
    assert problems(ext) == [("C002", "[web:14, not provided but inferred]", 1), ("C002", "[pubmed: 12]", 2)]


def test_code_escapes_links_and_footnote_marks_are_not_citations():
    ext = assert_renders(
        r"`[@ashton]`, \[@ashton], [@ashton](https://example.org), [^1] and [2](https://example.org).",
        "<p><code>[@ashton]</code>, [@ashton], "
        '<a href="https://example.org">@ashton</a>, [^1] and <a href="https://example.org">2</a>.</p>',
        cites({2: "smith"}),
    )
    assert problems(ext) == [] and uses(ext) == []


def test_a_citation_before_a_colon_starts_a_link_definition_not_a_citation():
    ext = assert_renders("[@ashton]: https://example.org\n\nText.", "<p>Text.</p>", cites())
    assert uses(ext) == []


def test_reset_forgets_the_last_article():
    ext = assert_renders(
        "[@nobody]", '<p><span class="citation">[<span class="citation-unresolved">?nobody</span>]</span></p>', cites()
    )
    ext.reset()
    assert problems(ext) == [] and ext.state.count == 0


def test_parse_keyed_and_expand_numbers():
    assert parse_keyed("@a, p. 12; @b") == [("a", "p. 12"), ("b", None)]
    assert parse_keyed("@a @b") is None
    assert expand_numbers("1, 3-5") == [1, 3, 4, 5]
    assert expand_numbers("4–2") == [4, 2]  # backwards: the two numbers as written
    assert expand_numbers("1-100") == [1, 100]  # no range of a hundred links


def test_a_reference_link_with_a_number_for_label_stays_a_link():
    # Pasted Markdown often links `[the page][1]` with `[1]: https://…` at the end; a `[1]` of its own
    # is still a numbered citation (the definition is not a mapping to a reference).
    ext = assert_renders(
        """
        Read [the leaflet][1]. Sources [1].

        [1]: https://example.org/leaflet
        """,
        '<p>Read <a href="https://example.org/leaflet">the leaflet</a>. Sources <span class="citation">'
        f"[{link('ashton', 1, 1)}]</span>.</p>",
        cites({1: "ashton"}),
    )
    assert problems(ext) == []
