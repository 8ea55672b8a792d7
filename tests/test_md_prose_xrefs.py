"""Whole-output snippets of the references-in-prose extension (plainpress/mdext/prose_xrefs.py) alone:
chapter titles after "see", "review", "details in"… become links to the chapter (``slug.md``, which
the cross-reference extension then writes by the output's policy); other titles are reported."""

from __future__ import annotations

from plainpress.mdext.prose_xrefs import ProseXrefExtension

from .mdsnippets import assert_renders

TITLES = {
    "When to Worry About Twitches": "when-to-worry",
    "Sleep": "sleep",
    "Magnesium and Muscles": "magnesium",
    "Magnesium": "magnesium-short",
}


def prose(slug: str = "demo", language: str = "en", titles: dict[str, str] = TITLES):
    return lambda source: ProseXrefExtension(titles, slug, source, language)


def found(ext: ProseXrefExtension) -> list[tuple[str, str | None, str, int | None]]:
    return [(r.title, r.slug, r.introducer, r.line) for r in ext.found]


def link(slug: str, text: str) -> str:
    return f'<a class="prose-xref" href="{slug}.md">{text}</a>'


def test_a_chapter_title_after_see_becomes_a_link_to_the_chapter():
    ext = assert_renders(
        "For more, see When to Worry About Twitches.",
        f"<p>For more, see {link('when-to-worry', 'When to Worry About Twitches')}.</p>",
        prose(),
    )
    assert found(ext) == [("When to Worry About Twitches", "when-to-worry", "see", 1)]


def test_titles_match_in_any_case_across_lines_longest_first_several_in_one_text():
    ext = assert_renders(
        """
        See also when to worry about
        twitches and review Magnesium and Muscles, then consider Magnesium.
        """,
        """
        <p>See also <a class="prose-xref" href="when-to-worry.md">when to worry about
        twitches</a> and review <a class="prose-xref" href="magnesium.md">Magnesium and Muscles</a>, then consider <a class="prose-xref" href="magnesium-short.md">Magnesium</a>.</p>
        """,
        prose(),
    )
    assert found(ext) == [
        ("when to worry about\ntwitches", "when-to-worry", "See also", 1),
        ("Magnesium and Muscles", "magnesium", "review", 2),
        ("Magnesium", "magnesium-short", "consider", 2),
    ]


def test_lead_in_words_quotes_and_a_colon_before_the_title():
    ext = assert_renders(
        "See the article “Sleep” tonight. Read our guide on Sleep.",
        f"<p>See the article “{link('sleep', 'Sleep')}” tonight. Read our guide on {link('sleep', 'Sleep')}.</p>",
        prose(),
    )
    assert [(title, introducer) for title, _, introducer, _ in found(ext)] == [
        ("Sleep", "See"),
        ("Sleep", "Read"),
    ]


def test_a_title_in_italics_or_bold_after_the_introducer():
    ext = assert_renders(
        "Details in *When to Worry About Twitches*. See **Not A Chapter Here**.",
        f"<p>Details in <em>{link('when-to-worry', 'When to Worry About Twitches')}</em>. "
        "See <strong>Not A Chapter Here</strong>.</p>",
        prose(),
    )
    assert found(ext) == [
        ("When to Worry About Twitches", "when-to-worry", "Details in", 1),
        ("Not A Chapter Here", None, "See", 1),
    ]


def test_titles_that_are_not_chapters_are_reported_with_their_lines_and_left_as_they_are():
    ext = assert_renders(
        """
        See Iron, Ferritin and Restless Legs for more.

        Read Dr. Smith's Notes. See 'Quoted Title Here' now. See our guide to Living With Tremor.
        """,
        """
        <p>See Iron, Ferritin and Restless Legs for more.</p>
        <p>Read Dr. Smith's Notes. See 'Quoted Title Here' now. See our guide to Living With Tremor.</p>
        """,
        prose(),
    )
    assert found(ext) == [
        ("Iron, Ferritin and Restless Legs", None, "See", 1),
        ("Dr. Smith's Notes", None, "Read", 3),
        ("Quoted Title Here", None, "See", 3),
        ("Living With Tremor", None, "See our guide to", 3),
    ]


def test_one_capitalised_word_or_a_sentence_end_is_not_a_title():
    ext = assert_renders(
        "See Dr Jones. Consider Rest. Then. See your doctor.",
        "<p>See Dr Jones. Consider Rest. Then. See your doctor.</p>",
        prose(),
    )
    assert found(ext) == [("Dr Jones", None, "See", 1)]


def test_headings_links_code_parts_of_words_and_citations_are_not_searched():
    ext = assert_renders(
        """
        ## See Sleep

        [see Sleep](other.md) `see Sleep` oversee Sleep and see Sleeping.

        Please see Sleep.
        {: .citation }
        """,
        """
        <h2>See Sleep</h2>
        <p><a href="other.md">see Sleep</a> <code>see Sleep</code> oversee Sleep and see Sleeping.</p>
        <p class="citation">Please see Sleep.</p>
        """,
        prose(),
        also=["attr_list"],
    )
    assert found(ext) == []


def test_the_article_itself_is_found_but_not_linked():
    ext = assert_renders("Also see Sleep.", "<p>Also see Sleep.</p>", prose(slug="sleep"))
    assert found(ext) == [("Sleep", "sleep", "see", 1)]


def test_spanish_introducers_and_lead_ins():
    ext = assert_renders(
        "Consulte también Sueño Profundo y Vida. Vea el artículo Sueño Profundo.",
        f"<p>Consulte también {link('sueno', 'Sueño Profundo')} y Vida. Vea el artículo {link('sueno', 'Sueño Profundo')}.</p>",
        prose(language="es-MX", titles={"Sueño Profundo": "sueno"}),
    )
    assert [(title, introducer) for title, _, introducer, _ in found(ext)] == [
        ("Sueño Profundo", "Consulte también"),
        ("Sueño Profundo", "Vea"),
    ]


def test_a_book_with_no_chapters_still_reports_titles():
    ext = assert_renders("See Living With Tremor.", "<p>See Living With Tremor.</p>", prose(titles={}))
    assert found(ext) == [("Living With Tremor", None, "See", 1)]


def test_reset_forgets_the_last_article():
    ext = assert_renders("See Sleep.", f"<p>See {link('sleep', 'Sleep')}.</p>", prose())
    ext.reset()
    assert found(ext) == []


def test_the_titles_pattern_is_made_once_per_book_not_per_article():
    from plainpress.mdext import prose_xrefs

    prose_xrefs._title_pattern.cache_clear()
    titles = {**TITLES, "Tremor at Rest": "tremor"}  # a book of its own
    for slug in ("sleep", "magnesium", "demo"):
        assert_renders(
            "See Tremor at Rest.", f"<p>See {link('tremor', 'Tremor at Rest')}.</p>", prose(slug, "en", titles)
        )
    assert prose_xrefs._title_pattern.cache_info().misses == 1
    assert_renders("See Sleep.", "<p>See Sleep.</p>", prose(titles={"Tremor at Rest": "tremor"}))  # another book
    assert prose_xrefs._title_pattern.cache_info().misses == 2
