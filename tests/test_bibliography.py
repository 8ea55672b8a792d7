"""References: CSL-JSON and BibTeX loading (with findings) and formatting with citeproc-py.

All entries written here are made-up test data ("Test Author" etc.), not real works.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from lxml import etree

from plainpress.errors import Location, RenderError, Severity
from plainpress.model import Reference
from plainpress.sources.bibliography import format_entries, load_references, style_exists

from .helpers import SAMPLE_BOOK

BOOK = SAMPLE_BOOK  # the committed sample book, not the working one
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "refs"

PRETTY_JSON = """\
[
  {
    "type": "article-journal",
    "title": "A {braced} \\"id\\": title, with [brackets]",
    "custom": {"id": "not-this-one"},
    "id": "first",
    "issued": {"date-parts": [[2021]]}
  },
  {"id": "second", "type": "book", "title": "Second", "issued": {"date-parts": [[2020]]}},

  {
    "id": "third", "type": "book", "title": "Third", "issued": {"date-parts": [[2019]]}
  }
]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(findings: list) -> list[str]:
    return [f.code for f in findings]


def parse(fragment: str) -> etree._Element:
    return etree.fromstring(f"<p>{fragment}</p>")


def text_of(fragment: str) -> str:
    return "".join(parse(fragment).itertext())


def ref(key: str, **csl: object) -> Reference:
    data = {"id": key, "type": "article-journal", **csl}
    return Reference(key, Location(Path("refs.json"), 1), None, None, None, None, data)


# ---------------------------------------------------------------- loading


def test_sample_book_csl_json_loads_with_lines() -> None:
    refs, findings = load_references(BOOK)
    assert findings == []
    assert list(refs) == ["ashton2002", "taperoffbenzos2026"]
    ashton = refs["ashton2002"]
    assert ashton.location == Location(BOOK / "references.json", 2)
    assert refs["taperoffbenzos2026"].location.line == 3
    assert ashton.title is not None and ashton.title.startswith("Benzodiazepines")
    assert ashton.year == 2002
    assert ashton.csl["author"] == [{"family": "Ashton", "given": "C. Heather"}]


def test_csl_json_line_is_that_of_the_id_key(tmp_path: Path) -> None:
    write(tmp_path, "references.json", PRETTY_JSON)
    refs, findings = load_references(tmp_path)
    assert findings == []
    assert {key: r.location.line for key, r in refs.items()} == {"first": 6, "second": 9, "third": 12}


def test_bibtex_fixture_loads_and_maps_to_csl() -> None:
    refs, findings = load_references(FIXTURE)
    assert findings == []
    lines = {key: r.location.line for key, r in refs.items()}
    assert lines == {
        "author2020trial": 5,
        "writer2019book": 17,
        "testorg2024page": 25,
        "author2018talk": 33,
        "testlab2017report": 41,
    }
    article = refs["author2020trial"]
    assert article.location.path == FIXTURE / "references.bib"
    assert article.csl["type"] == "article-journal"
    assert article.csl["author"] == [
        {"family": "Author", "given": "Test"},
        {"family": "Writer", "given": "Example Q."},
        {"literal": "Test Study Group"},
    ]
    assert article.title == "A Made-Up Trial of Nothing & Something: Öne Test"
    assert article.csl["issued"] == {"date-parts": [[2020, 3]]}
    assert (article.csl["container-title"], article.csl["volume"], article.csl["issue"]) == (
        "Journal of Test Data",
        "12",
        "3",
    )
    assert article.csl["page"] == "101–110"
    assert article.doi == article.csl["DOI"] == "10.5555/test.2020.001"
    book = refs["writer2019book"]
    assert book.csl["type"] == "book"
    assert book.csl["publisher"] == "Test Press, Testville"  # @string macro and # concatenation
    assert book.csl["author"] == [
        {"family": "Writer", "given": "Example"},
        {"family": "Testhoven", "given": "Ludwig", "non-dropping-particle": "van"},
    ]
    assert book.csl["note"] == "Test fixture only"
    page = refs["testorg2024page"]
    assert page.csl["type"] == "webpage"
    assert page.url == "https://example.org/test_page?a=1&b=2"
    assert page.csl["issued"] == {"date-parts": [[2024, 5, 6]]}
    assert page.csl["accessed"] == {"date-parts": [[2024, 6, 1]]}
    talk = refs["author2018talk"]
    assert talk.csl["type"] == "paper-conference"
    assert talk.csl["author"] == [{"family": "Author", "given": "Test", "suffix": "Jr"}]
    assert talk.csl["container-title"] == "Proceedings of the Test Conference"
    report = refs["testlab2017report"]
    assert (report.csl["type"], report.csl["number"], report.csl["publisher"]) == (
        "report",
        "TR-17",
        "Test Institute",
    )


def test_both_files_at_once(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "references.bib", tmp_path / "references.bib")
    shutil.copy(BOOK / "references.json", tmp_path / "references.json")
    refs, findings = load_references(tmp_path)
    assert findings == []
    assert len(refs) == 7
    assert refs["ashton2002"].location.path.name == "references.json"
    assert refs["writer2019book"].location.path.name == "references.bib"


def test_neither_file_gives_nothing(tmp_path: Path) -> None:
    assert load_references(tmp_path) == ({}, [])


def test_b001_json_syntax_error_has_its_line(tmp_path: Path) -> None:
    write(tmp_path, "references.json", '[\n  {"id": "a",\n   "title": "x",,\n  }\n]\n')
    refs, findings = load_references(tmp_path)
    assert refs == {}
    assert codes(findings) == ["B001"]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].location == Location(tmp_path / "references.json", 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": "a"}', "expected a JSON array"),
        ("", "empty"),
        (
            '[\n  {"id": "a", "title": "T", "issued": {"date-parts": [[2000]]}},\n  "oops"\n]',
            "expected a JSON object",
        ),
    ],
)
def test_b001_bad_json_shape(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, "references.json", text)
    refs, findings = load_references(tmp_path)
    assert codes(findings) == ["B001"]
    assert expected in findings[0].message
    if "oops" in text:
        assert list(refs) == ["a"]
        assert findings[0].location.line == 3


def test_b001_bibtex_syntax_error_names_the_line_and_recovers(tmp_path: Path) -> None:
    bib = (
        "@book{good1, title={Fine}, year=2001}\n"
        "\n"
        "@article{broken, title={Unclosed, year=2002}\n"
        "\n"
        "@misc{bad2, title = {A} {B}, year = 2003}\n"
        "@book{good2, title={Also fine}, year=2004}\n"
    )
    write(tmp_path, "references.bib", bib)
    refs, findings = load_references(tmp_path)
    assert codes(findings) == ["B001", "B001"]
    assert [f.location.line for f in findings] == [3, 5]
    assert list(refs) == ["good1", "good2"]


def test_b002_duplicate_keys_name_both_places(tmp_path: Path) -> None:
    entry = '{"id": "%s", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]}}'
    write(tmp_path, "references.json", "[\n" + ",\n".join(entry % k for k in ("a", "b", "a")) + "\n]\n")
    write(tmp_path, "references.bib", "@book{b,\n  title = {T},\n  year = 2000,\n}\n")
    refs, findings = load_references(tmp_path)
    assert codes(findings) == ["B002", "B002"]
    inside, across = findings
    assert (inside.text, inside.location.line) == ("a", 4)
    assert "references.json:2" in inside.message
    assert across.location == Location(tmp_path / "references.bib", 1)
    assert "references.json:3" in across.message
    assert refs["b"].location.path.name == "references.json"  # the first one is kept


def test_b003_missing_title_or_year(tmp_path: Path) -> None:
    data = [
        {"id": "notitle", "type": "book", "issued": {"date-parts": [[2000]]}},
        {"id": "noyear", "type": "book", "title": "T"},
        {"id": "neither", "type": "book"},
        {"id": "fine", "type": "book", "title": "T", "issued": {"date-parts": [["2000"]]}},
    ]
    write(tmp_path, "references.json", json.dumps(data, indent=1))
    write(tmp_path, "references.bib", "@misc{bibnoyear, title = {T}}\n")
    refs, findings = load_references(tmp_path)
    assert len(refs) == 5
    assert codes(findings) == ["B003"] * 4
    assert all(f.severity is Severity.WARNING for f in findings)
    by_key = {f.text: f.message for f in findings}
    assert by_key == {
        "notitle": "the entry has no title",
        "noyear": "the entry has no year",
        "neither": "the entry has no title and no year",
        "bibnoyear": "the entry has no year",
    }
    assert refs["fine"].year == 2000


def test_b004_missing_or_non_string_id(tmp_path: Path) -> None:
    write(
        tmp_path,
        "references.json",
        '[\n{"title": "T"},\n{"id": 7, "title": "T"},\n{"id": "", "title": "T"}\n]',
    )
    write(tmp_path, "references.bib", "\n@book{title = {No key}, year = 2000}\n")
    refs, findings = load_references(tmp_path)
    assert refs == {}
    assert codes(findings) == ["B004"] * 4
    assert [f.location.line for f in findings] == [2, 3, 4, 2]
    assert findings[-1].location.path.name == "references.bib"


def test_unreadable_file_becomes_a_finding_and_loading_goes_on(tmp_path: Path) -> None:
    (tmp_path / "references.json").write_bytes(b'[{"id": "a", "title": "caf\xe9"}]')
    shutil.copy(FIXTURE / "references.bib", tmp_path / "references.bib")
    refs, findings = load_references(tmp_path)
    assert codes(findings) == ["E002"]
    assert len(refs) == 5


def test_bibtex_names_and_latex(tmp_path: Path) -> None:
    bib = r"""@article{names,
  author = {de la Test, Jean and Test A. van der Example and Plain and {\'E}mile T{\"e}st and others},
  title = {Na\"{\i}ve {DNA} \emph{in vitro} 5\,\% -- ok},
  year = {2001}, month = {June},
}"""
    write(tmp_path, "references.bib", bib)
    refs, findings = load_references(tmp_path)
    assert findings == []
    csl = refs["names"].csl
    assert csl["author"] == [
        {"family": "Test", "given": "Jean", "non-dropping-particle": "de la"},
        {"family": "Example", "given": "Test A.", "non-dropping-particle": "van der"},
        {"family": "Plain"},
        {"family": "Tëst", "given": "Émile"},
    ]
    assert csl["title"] == "Naïve DNA in vitro 5 % – ok"
    assert csl["issued"] == {"date-parts": [[2001, 6]]}


# ---------------------------------------------------------------- formatting


def test_sample_book_in_ama() -> None:
    refs, _ = load_references(BOOK)
    fragments = format_entries(list(refs.values()))
    assert len(fragments) == 2
    ashton, page = fragments
    for fragment in fragments:
        parse(fragment)
        assert not fragment[:1].isdigit()
    assert "Ashton" in ashton
    assert "Benzodiazepines: How They Work and How to Withdraw" in text_of(ashton)
    assert parse(ashton).find("i") is not None  # book titles are italic in AMA
    assert text_of(page).startswith("TaperOffBenzos editorial team.")
    # the order is ours, not the style's
    assert format_entries(list(reversed(refs.values())))[0] == page


def test_doi_and_url_become_links_and_text_is_escaped() -> None:
    article = ref(
        "t1",
        title="Test & <Trial>",
        author=[{"family": "Author", "given": "Test"}],
        issued={"date-parts": [[2020]]},
        DOI="https://doi.org/10.5555/Test.1",
    )
    page = ref("t2", type="webpage", title="Page", URL="https://example.org/?a=1&b=2")
    article.doi, page.url = "10.5555/Test.1", "https://example.org/?a=1&b=2"
    first, second = format_entries([article, page])
    root = parse(first)
    assert "Test & <Trial>" in text_of(first)
    links = root.findall(".//a")
    assert [a.get("href") for a in links] == ["https://doi.org/10.5555/Test.1"]
    assert "10.5555/Test.1" in links[0].text
    (link,) = parse(second).findall(".//a")
    assert link.get("href") == link.text == "https://example.org/?a=1&b=2"


def test_unsafe_url_is_not_linked_and_rich_text_is_kept() -> None:
    entry = ref("t", title="A <i>Testus exampli</i> study", URL="javascript:alert(1)", author=["Test Group"])
    entry.url = "javascript:alert(1)"
    (fragment,) = format_entries([entry])
    root = parse(fragment)
    assert root.find(".//a") is None
    assert [i.text for i in root.iter("i")] == ["Testus exampli"]


@pytest.mark.parametrize("style", ["american-medical-association-brackets", "apa", "ieee"])
def test_other_styles(style: str) -> None:
    refs, _ = load_references(FIXTURE)
    fragments = format_entries(list(refs.values()), style)
    assert len(fragments) == 5
    for fragment in fragments:
        parse(fragment)
        assert not fragment.startswith(("[", "1", "("))
    assert "Placeholder Text" in fragments[1]
    assert parse(fragments[0]).find(".//a").get("href") == "https://doi.org/10.5555/test.2020.001"


def test_style_exists() -> None:
    assert style_exists("american-medical-association")
    assert style_exists("apa")
    assert not style_exists("no-such-style")
    assert not style_exists("../styles/apa")
    with pytest.raises(RenderError):
        format_entries([ref("x", title="T")], "no-such-style")
    assert format_entries([], "no-such-style") == []


def test_formatting_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    refs, _ = load_references(FIXTURE)
    assert len(format_entries(list(refs.values()), "nature")) == 5


def test_odd_csl_shapes_still_format() -> None:
    entry = ref(
        "odd",
        type=None,
        title=42,
        author=["Test Literal", {"given": "Only"}, 5, {"family": "Author", "sequence": "first"}],
        issued="2001-02-03",
        accessed={"raw": "not a date"},
        volume=True,
        page=12,
    )
    (fragment,) = format_entries([entry])
    assert "Test Literal" in text_of(fragment)
    assert format_entries([ref("empty")]) != [""]
