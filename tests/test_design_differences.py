"""The list of deliberate differences stays true to the layouts it describes."""

from __future__ import annotations

from pathlib import Path

import yaml

from .design_differences import BY_NAME, DIFFERENCES, EPUB, HANDOUT, OUTPUTS, hidden_in, skipped_classes, strip_wording

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> str:
    files = [*(ROOT / "layouts").rglob("*.j2"), *(ROOT / "plainpress").rglob("*.py")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_class_named_is_made_by_the_project() -> None:
    text = _sources()
    missing = [(d.name, c) for d in DIFFERENCES for c in d.classes if c not in text]
    assert not missing, f"classes of design differences that no layout or extension makes: {missing}"


def test_every_difference_names_real_outputs_and_says_why() -> None:
    assert len(BY_NAME) == len(DIFFERENCES)
    for d in DIFFERENCES:
        assert d.shown_in and d.shown_in <= OUTPUTS, d.name
        assert len(d.why) > 40, d.name


def test_the_handout_note_is_recognised_in_every_language() -> None:
    regex = BY_NAME["handout-see-note"].regex()
    assert regex is not None
    for messages in sorted((ROOT / "layouts" / "messages").glob("*.yaml")):
        note = yaml.safe_load(messages.read_text(encoding="utf-8"))["handout.see"].format(title="Sleep (and rest)")
        assert regex.search(note), (messages.name, note)
        assert strip_wording(f"Read the second chapter{note} next.", HANDOUT).split() == [
            "Read",
            "the",
            "second",
            "chapter",
            "next.",
        ]


def test_what_the_screen_has_and_print_has_not() -> None:
    assert {d.name for d in hidden_in(HANDOUT)} >= {"epub-page-markers", "image-alt-text", "book-parts"}
    assert "handout-see-note" in {d.name for d in hidden_in(EPUB)}
    assert {"xref-note", "citation", "red-flag-action"} <= skipped_classes(EPUB, HANDOUT)
