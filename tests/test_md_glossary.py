"""Whole-output snippets of the glossary extension (plainpress/mdext/glossary.py) alone."""

from __future__ import annotations

from plainpress.mdext.glossary import GlossaryExtension
from plainpress.model import GlossaryEntry
from plainpress.sources.glossary import GlossaryIndex

from .mdsnippets import assert_renders

ENTRIES = [
    GlossaryEntry(term="nervous system", definition="d"),
    GlossaryEntry(term="fasciculation", definition="d", forms=["fasciculations"]),
    GlossaryEntry(term="GABA", definition="d"),
    GlossaryEntry(term="nerve", definition="d", forms=["nerves"]),
    GlossaryEntry(term="B12", definition="d"),
]


def glossary(source: str) -> GlossaryExtension:
    index = GlossaryIndex.build(ENTRIES)
    return GlossaryExtension(index, lambda entry: f"glossary.xhtml#{entry.anchor}", "demo--", source)


def ref(anchor: str, n: int, text: str) -> str:
    return (
        f'<a class="glossref" href="glossary.xhtml#term-{anchor}" id="demo--gloss-{n}" role="doc-glossref">{text}</a>'
    )


def linked(ext: GlossaryExtension) -> list[tuple[str, str]]:
    return [(ENTRIES[u.entry].term, u.anchor) for u in ext.state.uses]


def acronyms(ext: GlossaryExtension) -> list[tuple[str, int | None]]:
    return [(a.text, a.line) for a in ext.state.acronyms.values()]


def test_the_first_use_of_each_term_is_linked_once_in_any_case_and_form():
    ext = assert_renders(
        "Your Nervous  System and nerves. More nerves, a nerve and the nervous system.",
        f"<p>Your {ref('nervous-system', 1, 'Nervous  System')} and {ref('nerve', 2, 'nerves')}. "
        "More nerves, a nerve and the nervous system.</p>",
        glossary,
    )
    assert linked(ext) == [("nervous system", "demo--gloss-1"), ("nerve", "demo--gloss-2")]


def test_a_term_of_several_words_may_break_across_lines_but_not_across_punctuation():
    ext = assert_renders(
        """
        The nervous, system.

        Your nervous
        system.
        """,
        """
        <p>The nervous, system.</p>
        <p>Your <a class="glossref" href="glossary.xhtml#term-nervous-system" id="demo--gloss-1" role="doc-glossref">nervous
        system</a>.</p>
        """,
        glossary,
    )
    assert len(linked(ext)) == 1


def test_headings_links_code_and_parts_of_words_are_left_alone():
    assert_renders(
        """
        ## Nerves

        A nerve-ending, nervously. [nerve link](https://example.org) `GABA` then GABA.
        """,
        f"""
        <h2>Nerves</h2>
        <p>A nerve-ending, nervously. <a href="https://example.org">nerve link</a> <code>GABA</code> then {ref("gaba", 1, "GABA")}.</p>
        """,
        glossary,
    )


def test_citations_and_red_flag_wording_are_not_searched():
    # The classes the citation and red-flag extensions give their elements (set here with attr_list).
    assert_renders(
        """
        A nerve.
        {: .red-flag-intro }

        The nerve.
        """,
        f"""
        <p class="red-flag-intro">A nerve.</p>
        <p>The {ref("nerve", 1, "nerve")}.</p>
        """,
        glossary,
        also=["attr_list"],
    )


def test_the_first_use_is_the_first_in_reading_order():
    # The text after an element (its tail) comes after the element's own text.
    assert_renders(
        "Read *about the* nerve, one *fasciculation* then fasciculations.",
        f"<p>Read <em>about the</em> {ref('nerve', 1, 'nerve')}, one <em>{ref('fasciculation', 2, 'fasciculation')}</em> "
        "then fasciculations.</p>",
        glossary,
    )


def test_undefined_acronyms_are_recorded_once_with_their_first_line():
    ext = assert_renders(
        """
        BFS is common.

        BFS again. ALS, NSAIDs, GABAs, B12 and CT2.
        """,
        f"""
        <p>BFS is common.</p>
        <p>BFS again. ALS, NSAIDs, GABAs, {ref("b12", 1, "B12")} and CT2.</p>
        """,
        glossary,
    )
    # A plural 's' is not part of the acronym; GABA(s) and B12 are terms; CT2 ends in a digit.
    assert acronyms(ext) == [("BFS", 1), ("ALS", 3), ("NSAID", 3)]


def test_table_cells_are_searched_in_reading_order():
    assert_renders(
        """
        | Word | Where |
        |---|---|
        | nerve | nerve and GABA |
        """,
        f"""
        <table>
        <thead>
        <tr>
        <th>Word</th>
        <th>Where</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td>{ref("nerve", 1, "nerve")}</td>
        <td>nerve and {ref("gaba", 2, "GABA")}</td>
        </tr>
        </tbody>
        </table>
        """,
        glossary,
        also=["tables"],
    )


def test_reset_links_each_term_again_in_the_next_article():
    ext = assert_renders("A nerve.", f"<p>A {ref('nerve', 1, 'nerve')}.</p>", glossary)
    ext.reset()
    assert linked(ext) == [] and acronyms(ext) == []
