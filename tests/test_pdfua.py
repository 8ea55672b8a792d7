"""The PDF/UA checker, the page-furniture pass, and every PDF a build makes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from weasyprint import HTML

from plainpress.artifacts import mark_page_furniture
from plainpress.commands.build import build
from plainpress.fonts import faces
from plainpress.pdfrender import _finish
from plainpress.pdfua import Failure, check_pdf, walk_structure

from .helpers import FIXTURES, SAMPLE_BOOK

DOT = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>'
RICH = """
<h1>Muscle twitches</h1>
<h2>When to call</h2>
<p>Read <a href="https://example.org/">the example page</a> first.</p>
<table><thead><tr><th>Sign</th><th>What to do</th></tr></thead>
<tbody><tr><td>Twitching</td><td>Wait and see</td></tr></tbody></table>
<p><img src="dot.svg" alt="A black dot" /></p>
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
    page = pdf.pages[0]
    font = next(iter(page.Resources.Font.keys()))
    page.contents_add(pdf.make_stream(f"BT {font} 12 Tf 72 72 Td (not tagged) Tj ET".encode()), prepend=False)


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


def _swap_parent_tree(pdf: pikepdf.Pdf) -> None:
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    parents = tree[int(pdf.pages[0].StructParents)]
    parents[0], parents[1] = parents[1], parents[0]


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


DEFECTS: dict[str, tuple[str, Callable[[pikepdf.Pdf], object]]] = {
    "no /Lang": ("UA-LANG", _delete(lambda pdf: pdf.Root, "/Lang")),
    "untagged text run": ("UA-UNTAGGED", _untagged_text),
    "figure without /Alt": ("UA-FIGURE-ALT", _figure_without_alt),
    "skipped heading level": ("UA-HEADING", _skip_heading),
    "no pdfuaid:part": ("UA-XMP", _metadata("pdfuaid:part")),
    "no dc:title": ("UA-TITLE", _metadata("dc:title")),
    "DisplayDocTitle false": ("UA-DISPLAY-TITLE", _set("ViewerPreferences.DisplayDocTitle", False)),
    "Marked false": ("UA-MARKED", _set("MarkInfo.Marked", False)),
    "element with a wrong /P": ("UA-PARENT", _wrong_parent),
    "ParentTree out of step": ("UA-PARENTTREE", _swap_parent_tree),
    "tagged content inside an artifact": ("UA-NESTING", _artifact_around_everything),
    "table without TH": ("UA-TABLE-TH", _retype("/TH", "/TD")),
    "link annotation outside a Link": ("UA-LINK-TAG", _retype("/Link", "/Span")),
    "link without /Contents": ("UA-LINK-CONTENTS", _delete(lambda pdf: pdf.pages[0].Annots[0], "/Contents")),
    "annotations without /Tabs": ("UA-TABS", _delete(lambda pdf: pdf.pages[0].obj, "/Tabs")),
    "font without ToUnicode": ("UA-FONT-TOUNICODE", _delete(_font, "/ToUnicode")),
    "font not embedded": ("UA-FONT-EMBED", _unembed),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_one_defect_is_caught_with_its_condition(rich: bytes, defect: str) -> None:
    condition, edit = DEFECTS[defect]
    failures = check_pdf(edited(rich, edit))
    assert conditions(failures) == {condition}, [str(f) for f in failures]
    assert all(f.page in (None, 1) for f in failures)


def test_untagged_text_is_counted_per_page(rich: bytes) -> None:
    (failure,) = check_pdf(edited(rich, _untagged_text))
    assert (failure.condition, failure.page) == ("UA-UNTAGGED", 1)
    assert "1 text operator" in failure.message


def test_an_untagged_pdf_fails_every_document_condition() -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].Contents = pdf.make_stream(b"0 0 m 100 100 l S")
        found = conditions(check_pdf(pdf))
    assert found == {"UA-XMP", "UA-DISPLAY-TITLE", "UA-MARKED", "UA-LANG", "UA-STRUCT", "UA-UNTAGGED"}


def test_unreachable_paragraph_is_caught(rich: bytes) -> None:
    failures = check_pdf(edited(rich, _unlink))
    assert conditions(failures) == {"UA-REACH", "UA-ORPHAN"}, [str(f) for f in failures]


def test_no_structure_tree_is_caught(rich: bytes) -> None:
    failures = check_pdf(edited(rich, _delete(lambda pdf: pdf.Root, "/StructTreeRoot")))
    assert {"UA-STRUCT", "UA-REACH"} <= conditions(failures)


def test_rendered_skipped_heading_is_caught() -> None:
    failures = check_pdf(render("<h1>Title</h1><h3>Too deep</h3><p>Text.</p>"))
    assert [(f.condition, f.page) for f in failures] == [("UA-HEADING", 1)]
    assert "H3 follows H1" in failures[0].message


def test_first_heading_must_be_h1() -> None:
    assert conditions(check_pdf(render("<h2>Not a title</h2><p>Text.</p>"))) == {"UA-HEADING"}


def test_headings_are_read_through_the_role_map() -> None:
    data = render("<h1>Title</h1><h2>Section</h2>")

    def remap(target: str) -> Callable[[pikepdf.Pdf], None]:
        def edit(pdf: pikepdf.Pdf) -> None:
            elements(pdf, "/H2")[0].S = pikepdf.Name("/Subhead")
            pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({"/Subhead": pikepdf.Name(target)})

        return edit

    assert check_pdf(edited(data, remap("/H2"))) == []
    assert conditions(check_pdf(edited(data, remap("/H3")))) == {"UA-HEADING"}


def test_rendered_image_without_alt_is_caught(tmp_path: Path) -> None:
    (tmp_path / "dot.svg").write_text(DOT)
    failures = check_pdf(render('<h1>Title</h1><p><img src="dot.svg" /></p>', base=tmp_path))
    assert conditions(failures) == {"UA-FIGURE-ALT"}


def test_accepts_a_path_bytes_or_an_open_pdf(tmp_path: Path, rich: bytes) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(edited(rich, _delete(lambda pdf: pdf.Root, "/Lang")))
    with pikepdf.open(path) as pdf:
        found = [check_pdf(path), check_pdf(str(path)), check_pdf(path.read_bytes()), check_pdf(pdf)]
    assert all(f == found[0] and conditions(f) == {"UA-LANG"} for f in found)


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


@pytest.mark.parametrize("layout", list(FURNITURE))
def test_margin_boxes_fail_before_the_pass_and_pass_after(layout: str) -> None:
    raw = render(PAGES, FURNITURE[layout])
    before = check_pdf(raw)
    assert "UA-REACH" in conditions(before)
    assert {f.page for f in before if f.condition == "UA-REACH"} == {1, 2}

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        changed = mark_page_furniture(pdf)
        out = io.BytesIO()
        pdf.save(out)
    after = out.getvalue()
    expected = 4 if layout in ("header and footer", "margins painted first") else 2
    assert changed == expected
    assert check_pdf(after) == []
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
    assert listed
    checked, problems = 0, []
    for output in listed:
        problems += [f"{output['path']}: {f}" for f in check_pdf(dist / output["path"])]
        checked += 1
    assert checked == len(listed)
    assert not problems, f"{len(problems)} PDF/UA failures:\n" + "\n".join(problems)
