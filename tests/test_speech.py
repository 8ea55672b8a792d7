"""What the audio says: sentences wrapped for media overlays, and the words espeak-ng is given."""

from __future__ import annotations

import pytest
from lxml import etree, html

from plainpress.sentences import Sentence, mark_document
from plainpress.speech import digits, lexicon_for
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather

from .helpers import SAMPLE_BOOK


def _marked(fragment: str) -> tuple[str, list[str]]:
    root = html.fragment_fromstring(fragment, create_parent="div")
    sentences = mark_document(root)
    return etree.tostring(root, encoding="unicode"), [s.text for s in sentences]


def test_each_sentence_of_a_paragraph_gets_its_own_span():
    out, said = _marked("<p>Rest today. Drink water! Is it <a href='#x'>worse. Still</a> there? Yes.</p>")
    assert said == ["Rest today.", "Drink water!", "Is it worse. Still there?", "Yes."]
    assert out.count('class="sentence"') == 4
    assert '<span class="sentence" id="say-3">Is it <a href="#x">worse. Still</a> there?</span> <span' in out


def test_headings_items_cells_and_nested_lists():
    out, said = _marked(
        "<h2>Signs</h2><ul><li>Pain. <strong>Call.</strong><ul><li>Inner item</li></ul></li></ul>"
        "<table><tr><th>Habit</th><td>Same bedtime</td></tr></table>"
    )
    assert said == ["Signs", "Pain.", "Call.", "Inner item", "Habit", "Same bedtime"]
    assert "<li>Inner item</li>" not in out and 'id="say-4">Inner item</span></li>' in out


def test_a_bold_block_of_two_sentences_is_split_inside_the_bold():
    out, said = _marked("<p><strong>Call your clinic today. You can call 555-0100.</strong></p>")
    assert said == ["Call your clinic today.", "You can call 555-0100."]
    assert out.startswith('<div><p><strong><span class="sentence" id="say-1">')


def test_citations_and_hidden_icons_are_not_spoken_but_stay():
    out, said = _marked(
        '<h4><span aria-hidden="true" class="icon"></span>Urgent</h4>'
        '<p>It helps <span class="citation">[<a href="#r">1</a>]</span>. Then sleep.</p>'
    )
    assert said == ["Urgent", "It helps.", "Then sleep."]
    assert '<span class="citation">[<a href="#r">1</a>]</span>' in out


def test_existing_ids_are_never_reused():
    root = html.fragment_fromstring('<p id="say-1">One.</p>', create_parent="div")
    with pytest.raises(ValueError, match="say-1"):
        mark_document(root)


def _lexicon():
    book = gather(SAMPLE_BOOK)
    analyse(book)
    return lexicon_for(book)


def _say(text: str, lowercase: bool = False) -> str:
    return _lexicon().say(Sentence("x", text, False, 0, lowercase))


def test_glossary_terms_are_said_as_their_respelling():
    assert _say("A fasciculation is a twitch.") == "A fa-sik-yoo-lay-shun is a twitch."
    assert _say("Fasciculations come and go.") == "fa-sik-yoo-lay-shuns come and go."
    assert _say("Ask about tapering.") == "Ask about tay-per-ing."


def test_abbreviations_the_glossary_defines_are_said_in_full():
    assert _say("ALS is rare.") == "amyotrophic lateral sclerosis is rare."
    assert _say("Most people with BFS are well.") == "Most people with bih-nine fa-sik-yoo-lay-shun sin-drohm are well."
    assert _say("It boosts GABA.") == "It boosts gab-uh."
    assert _say("Pals are fine.") == "Pals are fine."  # not the abbreviation ALS in another word


def test_phone_and_emergency_numbers_digit_by_digit_and_nothing_else():
    assert _say("Call 911 now.") == "Call 9 1 1 now."
    assert _say("Call 555-0100 today.") == "Call 5 5 5, 0 1 0 0 today."
    assert _say("Or call 0300 123 4567.") == "Or call 0 3 0 0, 1 2 3, 4 5 6 7."
    assert _say("Reviewed on 20 November 2026, for 2 weeks, at 1,500 steps.") == (
        "Reviewed on 20 November 2026, for 2 weeks, at 1,500 steps."
    )
    assert _say("Published 2026-01-02.") == "Published 2026-01-02."
    assert digits("+44 20 7946 0000") == "plus 4 4, 2 0, 7 9 4 6, 0 0 0 0"


def test_respellings_are_said_in_lower_case_and_never_as_phoneme_input():
    assert _say("Say it: fa-sik-yoo-LAY-shun", lowercase=True) == "say it: fa-sik-yoo-lay-shun"
    assert "[[" not in _say("Odd [[input]] here.")


def test_the_voice_follows_the_book_language_and_book_yaml(tmp_path):
    import shutil

    from plainpress.speech import voice_for

    from .helpers import FIXTURES

    book = gather(FIXTURES / "es")
    assert voice_for(book) == "es"
    assert voice_for(gather(FIXTURES / "mini")) == "en-gb"
    assert voice_for(gather(SAMPLE_BOOK)) == "en-us"
    copy = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", copy)
    (copy / "book.yaml").write_text((copy / "book.yaml").read_text() + "speech: {voice: en-us, rate: 140}\n")
    chosen = gather(copy)
    assert voice_for(chosen) == "en-us" and chosen.config.speech.rate == 140
