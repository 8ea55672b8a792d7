"""The draft rule: which articles are drafts, and where their outputs go."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plainpress.model import Article, ArticleMeta, Profile, output_path
from plainpress.outputs.handouts import handout_path

DAY = dt.date(2026, 1, 2)
LATER = dt.date(2029, 1, 2)


def _article(**meta) -> Article:
    return Article("demo", Path("demo.md"), ArticleMeta(title="Demo", summary="S", date=DAY, **meta), "", 1)


@pytest.mark.parametrize(
    ("meta", "draft"),
    [
        ({}, True),
        ({"reviewed": DAY}, True),
        ({"next_review": LATER}, True),
        ({"reviewed": DAY, "next_review": LATER}, False),
        ({"reviewed": DAY, "next_review": LATER, "status": "reviewed"}, False),
        ({"reviewed": DAY, "next_review": LATER, "status": "draft"}, True),
        ({"status": "reviewed"}, True),
    ],
)
def test_a_draft_has_no_review_dates_or_says_so(meta, draft):
    assert _article(**meta).is_draft is draft


def test_draft_outputs_go_under_drafts_never_beside_reviewed_ones():
    assert output_path("handouts", "north", "a.pdf") == "handouts/north/a.pdf"
    assert output_path("handouts", "north", "a.pdf", draft=True) == "drafts/handouts/north/a.pdf"
    assert output_path("braille", "north", "a.brf", draft=True) == "drafts/braille/north/a.brf"
    profile = Profile(name="North", phone="1", hours="9-5", emergency_number="999", paper="a4")
    profile.slug = "north"
    reviewed = _article(reviewed=DAY, next_review=LATER)
    assert handout_path(profile, reviewed, "a4", "standard") == "handouts/north/demo-a4-standard.pdf"
    for draft in (_article(), _article(reviewed=DAY, next_review=LATER, status="draft")):
        path = handout_path(profile, draft, "a4", "standard")
        assert path == "drafts/handouts/north/demo-a4-standard.pdf"
        assert not path.startswith("handouts/")
