"""The PDF/UA checker on WeasyPrint output with one defect added, the page-furniture pass, and every PDF a
build makes. The checker against veraPDF's own test files is in test_pdfua_corpus.py."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from weasyprint import HTML

from plainpress.commands.build import build
from plainpress.fonts import faces
from plainpress.pdf.artifacts import mark_page_furniture
from plainpress.pdf.layout import _finish
from plainpress.pdfua import Failure, check_file, check_pdf, walk_structure

from .helpers import FIXTURES, SAMPLE_BOOK, assert_pdfua

DOT = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>'
RICH = """
<h1>Muscle twitches</h1>
<h2>When to call</h2>
<p>Read <a href="https://example.org/">the example page</a> first.</p>
<table><thead><tr><th>Sign</th><th>What to do</th></tr></thead>
<tbody><tr><td>Twitching</td><td>Wait and see</td></tr></tbody></table>
<p><img src="dot.svg" alt="A black dot" /></p>
<ul><li>Wait a week.</li><li>Call if it spreads.</li></ul>
"""


def render(body: str, css: str = "", base: Path | None = None) -> bytes:
    """WeasyPrint's raw PDF/UA-1 output, before any pass of ours."""
    font = faces()[0].path.as_uri()
    style = f"@font-face {{ font-family: Body; src: url({font}); }} html {{ font-family: Body; }} {css}"
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" /><title>Tiny test</title>'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )
    return HTML(string=html, base_url=str(base) + "/" if base else None).write_pdf(pdf_variant="pdf/ua-1")


def edited(data: bytes, edit: Callable[[pikepdf.Pdf], object]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        edit(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def conditions(failures: list[Failure]) -> set[str]:
    return {f.condition for f in failures}


def elements(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    return [e for e in walk_structure(pdf).elements if e.S == role]


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("rich")
    (folder / "dot.svg").write_text(DOT)
    data = render(RICH, base=folder)
    assert check_pdf(data) == [], "the clean document must pass before one defect is added"
    return data


# (a) One known defect each, and the checker names it.


def _untagged_text(pdf: pikepdf.Pdf) -> None:
    """Shows again, outside any marked content, a string the page already shows (so its codes are valid)."""
    page = pdf.pages[0]
    font, shown = None, None
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "Tf":
            font = operands[0]
        elif str(operator) == "Tj":
            shown = bytes(operands[0])
            break
        elif str(operator) == "TJ":
            shown = b"".join(bytes(item) for item in operands[0] if isinstance(item, pikepdf.String))
            break
    stream = b"BT " + str(font).encode() + b" 12 Tf 72 72 Td <" + shown.hex().encode() + b"> Tj ET"
    page.contents_add(pdf.make_stream(stream), prepend=False)


def _figure_without_alt(pdf: pikepdf.Pdf) -> None:
    (figure,) = elements(pdf, "/Figure")
    del figure.Alt


def _retype(role: str, new: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        for element in elements(pdf, role):
            element.S = pikepdf.Name(new)

    return edit


def _skip_heading(pdf: pikepdf.Pdf) -> None:
    elements(pdf, "/H2")[0].S = pikepdf.Name.H3


def _wrong_parent(pdf: pikepdf.Pdf) -> None:
    elements(pdf, "/P")[0].P = pdf.Root


def _metadata(key: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            del meta[key]

    return edit


def _unlink(pdf: pikepdf.Pdf) -> None:
    paragraph = elements(pdf, "/H2")[0]
    parent = paragraph.P
    parent.K = pikepdf.Array([kid for kid in parent.K if kid.objgen != paragraph.objgen])


def _unknown_headers(pdf: pikepdf.Pdf) -> None:
    for th in elements(pdf, "/TH"):
        th.ID = pikepdf.String("renamed-" + str(th.ID))


def _no_headers(pdf: pikepdf.Pdf) -> None:
    for td in elements(pdf, "/TD"):
        del td.A["/Headers"]


def _artifact_around_everything(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    page.contents_add(pdf.make_stream(b"/Artifact BMC"), prepend=True)
    page.contents_add(pdf.make_stream(b"EMC"), prepend=False)


def _font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(iter(pdf.pages[0].Resources.Font.values()))


def _descriptor(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    font = _font(pdf)
    return (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor


def _unembed(pdf: pikepdf.Pdf) -> None:
    descriptor = _descriptor(pdf)
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


def _set(path: str, value: object) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        *parents, last = path.split(".")
        target = pdf.Root
        for name in parents:
            target = target[f"/{name}"]
        target[f"/{last}"] = value

    return edit


def _delete(getter: Callable[[pikepdf.Pdf], pikepdf.Dictionary], key: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        del getter(pdf)[key]

    return edit


def _cid_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return _font(pdf).DescendantFonts[0]


def _widths_off(pdf: pikepdf.Pdf) -> None:
    """Every glyph 100 units wider in the font dictionary than in the font program."""
    widths = list(_cid_font(pdf).W)
    _cid_font(pdf).W = pikepdf.Array(
        [pikepdf.Array([w + 100 for w in item]) if isinstance(item, pikepdf.Array) else item for item in widths]
    )


def _every_cid_to_glyph_0(pdf: pikepdf.Pdf) -> None:
    _cid_font(pdf).CIDToGIDMap = pdf.make_stream(bytes(2 * 4096))


def _cidset_of_one(pdf: pikepdf.Pdf) -> None:
    _cid_font(pdf).FontDescriptor.CIDSet = pdf.make_stream(b"\xc0")


def _rolemap(mapping: dict[str, str], retype: tuple[str, str] | None = None) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({k: pikepdf.Name(v) for k, v in mapping.items()})
        if retype:
            _retype(*retype)(pdf)

    return edit


def _notes(same_id: bool) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        for element in elements(pdf, "/P"):
            element.S = pikepdf.Name.Note
            if same_id:
                element.ID = pikepdf.String("note-1")

    return edit


def _orphan_heading(pdf: pikepdf.Pdf) -> None:
    del elements(pdf, "/H1")[0]["/P"]


def _optional_content(config: pikepdf.Dictionary) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        group = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("Layer")))
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=pikepdf.Array([group]), D=config)

    return edit


def _embedded_file(pdf: pikepdf.Pdf) -> None:
    spec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("a.txt"), EF=pikepdf.Dictionary(F=pdf.make_stream(b"text"))
    )
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a.txt"), pdf.make_indirect(spec)]))
    )


def _part(value: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfuaid:part"] = value

    return edit


DEFECTS: dict[str, tuple[set[str], Callable[[pikepdf.Pdf], object]]] = {
    # Text, Alt, annotation Contents, outlines and x-default metadata lose their language.
    "no /Lang": ({"7.2-t02", "7.2-t22", "7.2-t24", "7.2-t33", "7.2-t34"}, _delete(lambda pdf: pdf.Root, "/Lang")),
    "malformed /Lang": ({"7.2-t29"}, _set("Lang", pikepdf.String("en_GB"))),
    "untagged text run": ({"7.1-t03"}, _untagged_text),
    "figure without /Alt": ({"7.3-t01"}, _figure_without_alt),
    "skipped heading level": ({"7.4.2-t01"}, _skip_heading),
    "no pdfuaid:part": ({"5-t01"}, _metadata("pdfuaid:part")),
    "no dc:title": ({"7.1-t09"}, _metadata("dc:title")),
    "DisplayDocTitle false": ({"7.1-t10"}, _set("ViewerPreferences.DisplayDocTitle", False)),
    "Marked false": ({"6.2-t01"}, _set("MarkInfo.Marked", False)),
    "Suspects true": ({"7.1-t04"}, _set("MarkInfo.Suspects", True)),
    "element whose /P leaves the tree": ({"7.1-t03"}, _wrong_parent),
    "tagged content inside an artifact": ({"7.1-t02"}, _artifact_around_everything),
    "TD Headers naming no TH": ({"7.5-t02"}, _unknown_headers),
    "TD without headers, TH without Scope": ({"7.5-t01"}, _no_headers),
    "TR retyped as Sect": ({"7.2-t08", "7.2-t09", "7.2-t36", "7.2-t37"}, _retype("/TR", "/Sect")),
    "list item outside a list": ({"7.2-t17"}, _retype("/L", "/Div")),
    "link annotation outside a Link": ({"7.18.5-t01"}, _retype("/Link", "/Span")),
    "link without /Contents": ({"7.18.1-t02", "7.18.5-t02"}, _delete(lambda pdf: pdf.pages[0].Annots[0], "/Contents")),
    "annotations without /Tabs": ({"7.18.3-t01"}, _delete(lambda pdf: pdf.pages[0].obj, "/Tabs")),
    "font without ToUnicode": ({"7.21.7-t01"}, _delete(_font, "/ToUnicode")),
    "font not embedded": ({"7.21.4.1-t01"}, _unembed),
    "unmapped structure type": ({"7.1-t05"}, _retype("/P", "/Paragraph")),
    "circular role map": ({"7.1-t06"}, _rolemap({"/Para": "/Graf", "/Graf": "/Para"}, ("/P", "/Para"))),
    "standard type remapped": ({"7.1-t07"}, _rolemap({"/P": "/Span"})),
    "element without /P": ({"7.1-t12", "7.1-t03"}, _orphan_heading),
    "TOCI in a list": ({"7.2-t18", "7.2-t19", "7.2-t26"}, _retype("/LI", "/TOCI")),
    "TR outside a table part": ({"7.2-t03", "7.2-t04"}, _retype("/THead", "/Sect")),
    "Note without ID": ({"7.9-t01"}, _notes(same_id=False)),
    "Notes sharing an ID": ({"7.9-t02"}, _notes(same_id=True)),
    "H after H1": ({"7.4.4-t02"}, _retype("/H2", "/H")),
    "two H in one element": ({"7.4.4-t01"}, lambda pdf: (_retype("/H1", "/H")(pdf), _retype("/H2", "/H")(pdf))),
    "pdfuaid:part 2": ({"5-t02"}, _part("2")),
    "optional content configuration without Name": ({"7.10-t01"}, _optional_content(pikepdf.Dictionary())),
    "optional content configuration with AS": (
        {"7.10-t02"},
        _optional_content(pikepdf.Dictionary(Name=pikepdf.String("Default"), AS=pikepdf.Array())),
    ),
    "embedded file without UF": ({"7.11-t01"}, _embedded_file),
    "widths differ from the font": ({"7.21.5-t01"}, _widths_off),
    "every CID mapped to .notdef": ({"7.21.4.1-t02", "7.21.8-t01"}, _every_cid_to_glyph_0),
    "CIDSet of a subset font listing one CID": ({"7.21.4.2-t02"}, _cidset_of_one),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_one_defect_is_caught_with_its_rule(rich: bytes, defect: str) -> None:
    rules, edit = DEFECTS[defect]
    failures = check_pdf(edited(rich, edit))
    assert conditions(failures) == rules, [str(f) for f in failures]
    assert all(f.page in (None, 1) for f in failures)
    assert all(f.clause == f.rule.split("-t")[0] for f in failures)


def test_a_header_beyond_pdf_17_fails(rich: bytes) -> None:
    assert conditions(check_pdf(rich.replace(b"%PDF-1.7", b"%PDF-2.0", 1))) == {"6.1-t01"}


def test_a_well_formed_but_unknown_language_is_a_warning(rich: bytes, tmp_path: Path) -> None:
    path = tmp_path / "xx.pdf"
    path.write_bytes(edited(rich, _set("Lang", pikepdf.String("xq-Latn"))))
    report = check_file(path)
    assert report.passed
    assert [w.code for w in report.warnings] == ["lang-unregistered"]


def test_untagged_text_is_counted_per_page(rich: bytes) -> None:
    (failure,) = check_pdf(edited(rich, _untagged_text))
    assert (failure.rule, failure.page) == ("7.1-t03", 1)
    assert "1 text" in failure.message


def test_an_untagged_pdf_fails_every_document_rule() -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].Contents = pdf.make_stream(b"0 0 m 100 100 l S")
        found = conditions(check_pdf(pdf))
    assert found == {"7.1-t08", "7.1-t10", "6.2-t01", "7.1-t11", "7.1-t03"}


def test_content_unreachable_by_k_is_a_warning_not_a_failure(rich: bytes, tmp_path: Path) -> None:
    """veraPDF finds a paragraph's element by /P, so one missing from its parent's /K still passes; screen
    readers walk /K and skip it, so it is reported as a warning."""
    path = tmp_path / "unlinked.pdf"
    path.write_bytes(edited(rich, _unlink))
    report = check_file(path)
    assert report.passed, [str(f) for f in report.failures]
    assert {w.code for w in report.warnings} == {"content-unreachable"}


def test_no_structure_tree_is_caught(rich: bytes) -> None:
    failures = check_pdf(edited(rich, _delete(lambda pdf: pdf.Root, "/StructTreeRoot")))
    assert {"7.1-t11", "7.1-t03"} <= conditions(failures)


def test_rendered_skipped_heading_is_caught() -> None:
    failures = check_pdf(render("<h1>Title</h1><h3>Too deep</h3><p>Text.</p>"))
    assert [(f.rule, f.page) for f in failures] == [("7.4.2-t01", 1)]
    assert "H3 after H1" in failures[0].message


def test_first_heading_must_be_h1() -> None:
    assert conditions(check_pdf(render("<h2>Not a title</h2><p>Text.</p>"))) == {"7.4.2-t01"}


def test_headings_are_read_through_the_role_map() -> None:
    data = render("<h1>Title</h1><h2>Section</h2>")

    def remap(target: str) -> Callable[[pikepdf.Pdf], None]:
        def edit(pdf: pikepdf.Pdf) -> None:
            elements(pdf, "/H2")[0].S = pikepdf.Name("/Subhead")
            pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({"/Subhead": pikepdf.Name(target)})

        return edit

    assert check_pdf(edited(data, remap("/H2"))) == []
    assert conditions(check_pdf(edited(data, remap("/H3")))) == {"7.4.2-t01"}


def test_rendered_image_without_alt_is_caught(tmp_path: Path) -> None:
    (tmp_path / "dot.svg").write_text(DOT)
    failures = check_pdf(render('<h1>Title</h1><p><img src="dot.svg" /></p>', base=tmp_path))
    assert conditions(failures) == {"7.3-t01"}


def test_accepts_a_path_bytes_or_an_open_pdf(tmp_path: Path, rich: bytes) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(edited(rich, _delete(lambda pdf: pdf.Root, "/Lang")))
    with pikepdf.open(path) as pdf:
        found = [check_pdf(path), check_pdf(str(path)), check_pdf(path.read_bytes()), check_pdf(pdf)]
    assert all(f == found[0] and "7.2-t34" in conditions(f) for f in found)


# (b) WeasyPrint's margin boxes: unreachable before the pass, artifacts after it.

FURNITURE = {
    "footer": '@page { @bottom-center { content: "Page " counter(page) } }',
    "header and footer": '@page { @top-left { content: string(chapter) } @bottom-right { content: "Page "'
    " counter(page) ' of ' counter(pages) } } h1 { string-set: chapter content(text) }",
    # The root's stacking context is painted after the margin boxes: body MCIDs must be renumbered.
    "margins painted first": '@page { @top-center { content: "Head" } @bottom-center { content: counter(page) } }'
    " html { position: relative; z-index: 1 }",
    # Opacity puts the footer (and the paragraphs) into Form XObjects.
    "in form xobjects": '@page { @bottom-center { content: "Page " counter(page); opacity: 0.8 } } p { opacity: 0.9 }',
}
PAGES = '<h1>Title</h1><p>Read <a href="https://example.org/">this</a>.</p><p style="break-before: page">Two</p>'


def _write(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="pdfua-"))
    path = folder / (name.replace(" ", "-") + ".pdf")
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("layout", list(FURNITURE))
def test_margin_boxes_fail_before_the_pass_and_pass_after(layout: str) -> None:
    raw = render(PAGES, FURNITURE[layout])
    before = check_file(_write(raw, layout))
    in_forms = layout == "in form xobjects"
    if in_forms:
        # WeasyPrint numbers the marked content inside these Form XObjects as if it were the page's, and
        # gives the forms no /StructParents. veraPDF looks an MCID up through the stream it is in, finds
        # no element, and so does this checker: the text is neither tagged nor an artifact.
        assert conditions(before.failures) == {"7.1-t03"}
    else:
        assert before.passed, [str(f) for f in before.failures]
        assert {w.code for w in before.warnings} == {"content-unreachable"}
        assert {w.page for w in before.warnings} == {1, 2}

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        changed = mark_page_furniture(pdf)
        out = io.BytesIO()
        pdf.save(out)
    after = out.getvalue()
    expected = 4 if layout in ("header and footer", "margins painted first") else 2
    assert changed == expected
    report = check_file(_write(after, layout + " after"))
    if in_forms:
        assert conditions(report.failures) == {"7.1-t03"} and not report.warnings
    else:
        assert report.passed and not report.warnings, [str(f) for f in report.failures + report.warnings]
    with pdfplumber.open(io.BytesIO(after)) as pdf:
        assert "Page 1" in (pdf.pages[0].extract_text() or "") or layout == "margins painted first"
        assert "Two" in (pdf.pages[1].extract_text() or "")


def test_artifacts_say_header_or_footer() -> None:
    raw = render(PAGES, FURNITURE["header and footer"])
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        mark_page_furniture(pdf)
        kinds = []
        for page in pdf.pages:
            kinds.append(
                sorted(
                    str(operands[1].get("/Subtype"))
                    for operands, operator in pikepdf.parse_content_stream(page)
                    if str(operator) == "BDC" and operands[0] == "/Artifact"
                )
            )
    assert kinds == [["/Footer", "/Header"], ["/Footer", "/Header"]]


def test_the_pass_leaves_a_clean_document_alone(rich: bytes) -> None:
    with pikepdf.open(io.BytesIO(rich)) as pdf:
        assert mark_page_furniture(pdf) == 0


def test_finish_marks_furniture_and_is_reproducible() -> None:
    raw = render(PAGES, FURNITURE["header and footer"])
    first = _finish(raw)
    assert first == _finish(raw)
    assert check_pdf(first) == []


# (c) Every PDF a build of a real book makes.


@pytest.mark.timeout(300)
@pytest.mark.parametrize("book", [SAMPLE_BOOK, FIXTURES / "mini"], ids=["sample", "mini"])
def test_every_pdf_of_the_build_passes(book: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build(book, dist)
    outputs = json.loads((dist / "manifest.json").read_text())["outputs"]
    listed = [o for o in outputs if o["path"].lower().endswith(".pdf")]
    assert len(listed) >= 10
    assert_pdfua([dist / output["path"] for output in listed])
