"""The output catalogue: one typed entry per output, one Selection for build, --only, handouts and the
preview; every file a build writes is an entry of the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plainpress.commands.build import ONLY, build
from plainpress.model import Output
from plainpress.model.entries import (
    CardVariant,
    Entry,
    Group,
    Kind,
    Listing,
    Made,
    Need,
    Plan,
    Product,
    Scope,
    Selection,
)
from plainpress.stages import catalogue as catalogue_module
from plainpress.stages.catalogue import CATALOGUE, Line, catalogue
from plainpress.stages.read import read_book
from plainpress.templates import DEFAULT_LAYOUTS

from .helpers import FIXTURES

MINI = FIXTURES / "mini"

# What each --only makes, by kind (with the audio outputs on): the promise of `build --help`.
KINDS_OF = {
    None: {"pdf", "epub", "handout", "handout-index", "card", "braille-handout", "braille-card", "braille-book"},
    "epub": {"epub"},
    "book": {"pdf", "epub", "read-aloud"},
    "handouts": {"handout", "handout-index", "card", "audio", "audio-card"},
    "braille": {"braille-handout", "braille-card", "braille-book"},
    "audio": {"read-aloud", "audio", "audio-card"},
}


@pytest.fixture(scope="module")
def mini():
    return read_book(MINI)[0]


def test_every_only_value_is_a_group_and_selects_its_kinds(mini):
    assert set(ONLY) == {g.value for g in Group}
    for only, kinds in KINDS_OF.items():
        chosen = catalogue(mini, DEFAULT_LAYOUTS, Selection.of(only, audio=only is not None))
        assert {e.kind.name for e in chosen} == kinds, only
    assert "read-aloud" not in {e.kind.name for e in catalogue(mini, DEFAULT_LAYOUTS, Selection.of("book"))}


def test_a_need_no_selected_entry_meets_is_met_by_a_helper_only_when_required(mini):
    braille = catalogue(mini, DEFAULT_LAYOUTS, Selection.of("braille"))
    assert [h.kind.name for h in braille.helpers] == ["pdf"]  # laid out for the print page numbers, not written
    epub = catalogue(mini, DEFAULT_LAYOUTS, Selection.of("epub"))
    assert epub.helpers == []  # the page list is optional: --only epub lays nothing out
    assert all(not e.needs for e in catalogue(mini, DEFAULT_LAYOUTS, Selection.of("handouts")))


def test_lines_declare_the_groups_of_what_they_list(mini):
    for line in CATALOGUE:
        listing = line.listing(mini, DEFAULT_LAYOUTS)
        assert listing.kinds and {g for k in listing.kinds for g in k.groups} == set(line.groups), line.module
        assert {e.kind for e in listing.entries} <= set(listing.kinds)
        assert {p for e in listing.entries for p in e.provides} <= line.provides


def test_selection_by_path_finds_any_entry(mini):
    everything = catalogue(mini, DEFAULT_LAYOUTS, Selection.of(audio=True))
    some = [e.path for e in everything.entries[::5]]
    assert [e.path for e in catalogue(mini, DEFAULT_LAYOUTS, Selection.entries(*some))] == some


def test_card_variants_are_typed():
    assert CardVariant.sheet("letter").name == "sheet-letter" and CardVariant("large-print").name == "large-print"
    for size, paper in (("sheet", None), ("standard", "a4"), ("pocket", None)):
        with pytest.raises(ValueError):
            CardVariant(size, paper)


def test_an_entry_in_volumes_owns_its_numbered_files():
    kind = Kind("braille-book", frozenset({Group.BRAILLE}))
    entry = Entry("braille/x/book-volume", kind, "", lambda early: None, volumes=True)
    assert entry.owns("braille/x/book-volume-1.brf") and entry.owns("braille/x/book-volume-12.brf")
    assert not entry.owns("braille/x/book-volume.brf") and not entry.owns("braille/x/book-volume-one.brf")


def manifest(dist: Path) -> list[dict[str, object]]:
    return json.loads((dist / "manifest.json").read_text())["outputs"]


@pytest.mark.timeout(600)
def test_every_file_a_build_writes_is_a_catalogue_entry(tmp_path, mini):
    build(MINI, tmp_path / "dist", jobs=2)
    written = manifest(tmp_path / "dist")
    entries = catalogue(mini, DEFAULT_LAYOUTS).entries
    for output in written:
        owners = [e for e in entries if e.owns(str(output["path"]))]
        assert [e.kind.name for e in owners] == [output["kind"]], output["path"]
    assert all(any(e.owns(str(o["path"])) for o in written) for e in entries)  # and every entry is written


def entries(book, layouts):
    """A fake output for the test below, listed by its own catalogue line: the book's page count, which it
    needs the book PDF's page starts for."""
    kind = Kind("page-count", frozenset({Group.BOOK}), Scope.BOOK)

    def plan(early):
        def finish(done):
            text = f"{len(book.articles)} articles on {len(done.products[Product.PAGE_STARTS])} pages\n"
            return Made([Output(kind.name, "text", "page-count.txt", text.encode())])

        return Plan((), finish)

    needs = (Need(Product.PAGE_STARTS, required=True),)
    return Listing([Entry("page-count.txt", kind, "Page count", plan, needs)], (kind,))


@pytest.mark.timeout(600)
def test_an_output_added_by_one_catalogue_line_is_built_with_what_it_needs(tmp_path, monkeypatch):
    extra = Line("tests.test_catalogue", frozenset({Group.BOOK}))
    monkeypatch.setattr(catalogue_module, "CATALOGUE", (*CATALOGUE, extra))
    result = build(MINI, tmp_path / "dist", only="book", jobs=1)
    pdf = next(o for o in result.outputs if o.kind == "pdf")
    assert (tmp_path / "dist" / "page-count.txt").read_text() == f"2 articles on {pdf.pages} pages\n"
    assert {"path": "page-count.txt", "kind": "page-count"}.items() <= manifest(tmp_path / "dist")[-1].items()
    lean = build(MINI, tmp_path / "epub", only="epub", jobs=1)  # not in the group: neither made nor laid out for
    assert [o.path for o in lean.outputs] == ["mini-fixture-book.epub"] and lean.laid_out == []


@pytest.mark.timeout(600)
@pytest.mark.parametrize("only", ["epub", "braille"])
def test_only_writes_exactly_the_entries_it_selects(tmp_path, mini, only):
    result = build(MINI, tmp_path / "dist", only=only, jobs=1)
    chosen = catalogue(mini, DEFAULT_LAYOUTS, Selection.of(only))
    written = [str(o["path"]) for o in manifest(tmp_path / "dist")]
    assert sorted(written) == sorted(o.path for o in result.outputs)
    assert all(sum(e.owns(p) for e in chosen) == 1 for p in written)  # no helper's file (the book PDF) is written
    assert all(any(e.owns(p) for p in written) for e in chosen)
    helpers = [h.path for h in chosen.helpers]  # braille: the book PDF (or its pieces), for print page numbers
    assert bool(result.laid_out) == (only == "braille") == bool(helpers)
    assert all(name.partition("#")[0] in helpers for name in result.laid_out)
