"""The source lines the extensions report (plainpress/mdext/lines.py): successive occurrences of the
same text get successive lines."""

from __future__ import annotations

from plainpress.mdext.lines import LineFinder


def test_successive_occurrences_get_successive_lines_and_other_texts_their_own():
    lines = LineFinder("one [1]\ntwo\n\nthree [1] [1]\n[2]")
    assert [lines.line_of("[1]") for _ in range(4)] == [1, 4, 4, None]
    assert lines.line_of("[2]") == 5
    assert lines.line_of("one") == 1
    assert lines.line_of("absent") is None


def test_a_text_across_lines_has_the_line_it_starts_on():
    assert LineFinder("a\nb c\nd").line_of("c\nd") == 2
