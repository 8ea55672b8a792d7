"""Whole-output snippets of the red-flag extension (plainpress/mdext/redflags.py) alone."""

from __future__ import annotations

from plainpress.mdext.redflags import FlagPolicy, RedFlagExtension
from plainpress.messages import Messages

from .mdsnippets import assert_renders

CONTACTS = {"emergency_number": "999", "advice_line": "0300 123", "advice_line_name": "the nurse line"}


def flags(language: str = "en"):
    policy = FlagPolicy(contacts=CONTACTS, messages=Messages(language))
    return lambda source: RedFlagExtension(policy, "demo--", source)


def items(ext: RedFlagExtension) -> list[tuple[str, str, str, int | None, bool]]:
    return [(f.tier, f.text, f.anchor, f.line, f.proposed) for f in ext.state.items]


def problems(ext: RedFlagExtension) -> list[tuple[str, int | None]]:
    return [(p.code, p.line) for p in ext.state.problems]


def box(n: int, tier: str, level: int, label: str, heading: str, signs: str, action: str) -> str:
    """The notice as the extension writes it; ``signs``: what its ``div.red-flag-signs`` holds."""
    return f"""<section aria-labelledby="demo--flag-{n}-title" class="red-flag red-flag-{tier}" epub:type="notice" id="demo--flag-{n}" role="doc-notice">
<h{level} class="red-flag-heading" id="demo--flag-{n}-title"><span aria-hidden="true" class="red-flag-icon icon-{tier}"></span><span class="red-flag-label">{label}: </span>{heading}</h{level}>
<p class="red-flag-intro">If you notice any of these signs:</p>
<div class="red-flag-signs">{signs}</div>
<p class="red-flag-action"><strong>{action}</strong></p>
</section>"""


EMERGENCY = ("Emergency", "Get help now", "Call 999 now, or go to the nearest emergency department.")
URGENT = (
    "Urgent",
    "Call your doctor today",
    "Contact your prescriber or clinician today. You can call the nurse line on 0300 123.",
)
ROUTINE = ("Routine", "Mention it at your next visit", "Tell your clinician at your next appointment.")


def test_an_emergency_block_is_a_labelled_notice_one_level_under_the_heading_before_it():
    signs = '\n<ul>\n<li id="demo--flag-1-1">You cannot breathe.</li>\n<li id="demo--flag-1-2">You choke on food.</li>\n</ul>\n'
    ext = assert_renders(
        """
        ## Signs

        ::: red-flag emergency
        - You cannot breathe.
        - You choke on food.
        :::

        After.
        """,
        "<h2>Signs</h2>\n" + box(1, "emergency", 3, *EMERGENCY[:2], signs, EMERGENCY[2]) + "\n<p>After.</p>",
        flags(),
    )
    assert items(ext) == [
        ("emergency", "You cannot breathe.", "demo--flag-1-1", 3, False),
        ("emergency", "You choke on food.", "demo--flag-1-2", 3, False),
    ]
    assert problems(ext) == []


def test_paragraphs_are_the_signs_when_there_is_no_list_and_routine_names_no_phone():
    signs = '\n<p id="demo--flag-1-1">Your twitches worry you.</p>\n<p id="demo--flag-1-2">They last.</p>\n'
    ext = assert_renders(
        """
        ::: red-flag routine

        Your twitches worry you.

        They last.

        :::
        """,
        box(1, "routine", 2, *ROUTINE[:2], signs, ROUTINE[2]),  # no heading before: h2
        flags(),
    )
    assert [text for _, text, *_ in items(ext)] == ["Your twitches worry you.", "They last."]


def test_a_proposed_flag_renders_as_its_tier_and_is_reported_for_an_editor():
    signs = '\n<ul>\n<li id="demo--flag-1-1">Weak arm.</li>\n</ul>\n'
    ext = assert_renders(
        """
        ### Deep

        ###### Deepest

        ::: red-flag urgent proposed
        - Weak arm.
        :::
        """,
        "<h3>Deep</h3>\n<h6>Deepest</h6>\n" + box(1, "urgent", 6, *URGENT[:2], signs, URGENT[2]),  # never h7
        flags(),
    )
    assert items(ext) == [("urgent", "Weak arm.", "demo--flag-1-1", 5, True)]
    assert problems(ext) == [("R005", 5)]


def one_sign(n: int, text: str) -> str:
    return f'\n<ul>\n<li id="demo--flag-{n}-1">{text}</li>\n</ul>\n'


def test_unknown_or_missing_tiers_are_reported_and_shown_as_urgent():
    ext = assert_renders(
        """
        ::: red-flag soonish
        - A sign.
        :::

        ::: red-flag
        - Another.
        :::
        """,
        box(1, "urgent", 2, *URGENT[:2], one_sign(1, "A sign."), URGENT[2])
        + "\n"
        + box(2, "urgent", 2, *URGENT[:2], one_sign(2, "Another."), URGENT[2]),
        flags(),
    )
    assert problems(ext) == [("R001", 1), ("R001", 5)]
    assert [p.message for p in ext.state.problems] == [
        "unknown red-flag tier 'soonish'; expected one of emergency, urgent, routine",
        "unknown red-flag tier ''; expected one of emergency, urgent, routine",
    ]


def test_an_unclosed_block_takes_the_rest_of_the_article_and_is_reported_at_its_line():
    signs = one_sign(1, "Never closed.") + "<p>Swallowed by it.</p>\n"
    ext = assert_renders(
        """
        Before.

        ::: red-flag urgent
        - Never closed.

        Swallowed by it.
        """,
        "<p>Before.</p>\n" + box(1, "urgent", 2, *URGENT[:2], signs, URGENT[2]),
        flags(),
    )
    assert problems(ext) == [("R002", 3)]
    assert [p.message for p in ext.state.problems] == ["a red-flag block has no closing ':::' line"]


def test_an_unclosed_block_ends_where_the_next_block_starts():
    # Not nested in it: the next block's closing line is its own, and the unclosed one is reported.
    ext = assert_renders(
        """
        ::: red-flag urgent
        - Never closed.

        ::: red-flag emergency
        - You cannot breathe.
        :::
        """,
        box(1, "urgent", 2, *URGENT[:2], one_sign(1, "Never closed."), URGENT[2])
        + "\n"
        + box(2, "emergency", 2, *EMERGENCY[:2], one_sign(2, "You cannot breathe."), EMERGENCY[2]),
        flags(),
    )
    assert problems(ext) == [("R002", 1)]
    assert [(tier, line) for tier, _, _, line, _ in items(ext)] == [("urgent", 1), ("emergency", 4)]


def test_a_block_with_no_signs_is_reported_and_text_right_after_the_closing_line_follows_it():
    ext = assert_renders(
        """
        ::: red-flag urgent
        :::
        Text after.
        """,
        box(1, "urgent", 2, *URGENT[:2], "", URGENT[2]) + "\n<p>Text after.</p>",
        flags(),
    )
    assert problems(ext) == [("R003", 1)] and items(ext) == []


def test_the_card_gets_each_sign_as_read_not_as_written_in_markdown():
    signs = (
        '\n<ul>\n<li id="demo--flag-1-1">A <em>weak</em>\n  arm, <code>code</code> &amp; <b>bold</b>.</li>\n'
        '<li id="demo--flag-1-2">Two.</li>\n</ul>\n'
    )
    ext = assert_renders(
        """
        ::: red-flag urgent
        - A *weak*
          arm, `code` &amp; <b>bold</b>.
        - Two.
        :::
        """,
        box(1, "urgent", 2, *URGENT[:2], signs, URGENT[2]),
        flags(),
    )
    assert [text for _, text, *_ in items(ext)] == ["A weak arm, code & bold.", "Two."]


def test_the_wording_follows_the_book_language():
    assert_renders(
        """
        ::: red-flag emergency
        - No puede respirar.
        :::
        """,
        box(
            1,
            "emergency",
            2,
            "Emergencia",
            "Pida ayuda ahora",
            one_sign(1, "No puede respirar."),
            "Llame ahora al 999 o vaya al servicio de urgencias más cercano.",
        ).replace("If you notice any of these signs:", "Si nota alguna de estas señales:"),
        flags("es"),
    )


def test_reset_forgets_the_last_article():
    ext = assert_renders(
        "::: red-flag odd\n- x\n:::", box(1, "urgent", 2, *URGENT[:2], one_sign(1, "x"), URGENT[2]), flags()
    )
    ext.reset()
    assert items(ext) == [] and problems(ext) == [] and ext.state.blocks == 0
