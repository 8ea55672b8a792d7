"""What is printed is what is written: nothing clipped, hidden or reordered.

- a table is stacked when its measured width is too wide for the page at the print size's own
  type size (not by counting columns), and a screen reader still hears each value with its header;
- whatever still runs past a page's content area after layout is an error (H002) naming the
  source file and line and the output;
- bidirectional controls are an error (W001) with file and line, unless in right-to-left text;
- the sanitiser removes what hides content (``hidden``, ``aria-hidden`` on text).
"""

from __future__ import annotations

import shutil

import pdfplumber
import pikepdf
import pytest

from plainpress.commands.build import build
from plainpress.errors import Problems
from plainpress.markup import convert
from plainpress.pdf.layout import PdfJob, render_job

from .helpers import ROOT
from .robust_helpers import article, copy_mini
from .test_extensions import _article, _policy

LONG = "pneumonoultramicroscopicsilicovolcanoconiosis"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"


def _book_with(tmp_path, body: str, slug: str = "awkward"):
    book = copy_mini(tmp_path / "book")
    (book / "articles" / f"{slug}.md").write_text(article("Awkward", body))
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("  - first-steps\n", f"  - first-steps\n  - {slug}\n"))
    return book


TABLES = {
    # a 3-column table of long words needs stacking; a 9-column table of short numbers does not
    "three long words": (_table(["Word one", "Word two", "Word three"], [[LONG, LONG, LONG]]), True),
    "nine short numbers": (_table([f"N{i}" for i in range(1, 10)], [[str(i * 3) for i in range(1, 10)]]), False),
    "twelve columns": (
        _table([f"Column {i}" for i in range(1, 13)], [[f"cell{r}{i}value" for i in range(1, 13)] for r in (1, 2)]),
        True,
    ),
}


@pytest.mark.timeout(600)
def test_tables_are_stacked_by_measured_width_and_keep_their_headers_in_the_tags(tmp_path):
    body = "".join(f"## {name.capitalize()}\n\n{markdown}\n" for name, (markdown, _) in TABLES.items())
    out = tmp_path / "dist"
    build(_book_with(tmp_path, body), out, jobs=2)
    for pdf in [*out.rglob("awkward-*.pdf"), next(out.glob("*.pdf"))]:
        with pdfplumber.open(pdf) as document:
            text = " ".join(page.extract_text() for page in document.pages)
        assert "cell112value" in text and "cell212value" in text, pdf.name  # no column lost
        labels = {"three long words": "Word two:", "nine short numbers": "N5:", "twelve columns": "Column 12:"}
        for name, (_, stacked) in TABLES.items():
            assert (labels[name] in text) is stacked, (pdf.name, name)  # "header: value" only when stacked
        _headers_reach_every_stacked_value(pdf)


def _headers_reach_every_stacked_value(pdf_path) -> None:
    """In the structure tree, every TD of a stacked table names a TH (its row header) in /Headers."""
    with pikepdf.open(pdf_path) as pdf:
        ids, cells = {}, []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                if isinstance(node, pikepdf.Array):
                    stack.extend(node)
                continue
            kind = str(node.get("/S", ""))
            if kind == "/TH" and "/ID" in node:
                ids[bytes(node.ID)] = node
            elif kind == "/TD":
                cells.append(node)
            if "/K" in node:
                stack.append(node.K)
        assert ids and cells
        for cell in cells:
            headers = cell.get("/A", {}).get("/Headers", [])
            assert headers and all(bytes(h) in ids for h in headers), pdf_path.name


def test_an_overflow_the_layout_cannot_fix_is_found_after_layout():
    html = (
        f'<html><body><p>Fits.</p><div style="white-space: nowrap">{LONG} {LONG} runs off the page</div></body></html>'
    )
    css = "@page { size: A4; margin: 20mm; }"
    result = render_job(PdfJob(html, ROOT, (css,), (ROOT,), "overflow test"))
    assert [(o.tag, o.page) for o in result.overflows] == [("div", 1)]
    assert result.overflows[0].by_mm > 50 and LONG in result.overflows[0].text
    fits = render_job(PdfJob("<html><body><p>Fits.</p></body></html>", ROOT, (css,), (ROOT,), "fits"))
    assert fits.overflows == [] and fits.stacked == 0


@pytest.mark.timeout(600)
def test_the_build_fails_with_h002_naming_file_line_and_output(tmp_path):
    layouts = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    with (layouts / "handout" / "large-print.css").open("a") as css:  # a layout that cannot wrap
        css.write("\n.handout-article p { white-space: nowrap; }\n")
    body = "Text before.\n\n" + " ".join(["words that go on"] * 12) + " to the end.\n"
    book = _book_with(tmp_path, body)
    with pytest.raises(Problems) as caught:
        build(book, tmp_path / "dist", layouts=layouts)
    found = [f for f in caught.value.findings if f.code == "H002"]
    assert found and all("large-print.pdf" in f.message for f in found)
    found = [f for f in found if "/awkward-" in f.message]
    assert {f.message.split(":")[0].rsplit("/", 1)[-1] for f in found} == {  # drafts/ for a draft
        "awkward-a4-large-print.pdf",
        "awkward-letter-large-print.pdf",
    }
    first = found[0]
    assert first.location.path.name == "awkward.md"
    assert first.location.line == article("Awkward", body).splitlines().index(body.splitlines()[2]) + 1
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Take \u202e5 mg\u202c a day.\n", True),
        ("A line.\n\nTake \u20675 mg\u2069 a day.\n", True),
        ('Hebrew: <span dir="rtl">\u202bשלום\u202c</span> is fine.\n', False),
        ("Arabic {: lang=ar }\n\nPlain text.\n", False),
        ('<p lang="ar">\u202bمرحبا\u202c</p>\n', False),
    ],
)
def test_bidi_controls_are_an_error_unless_in_right_to_left_text(body, found):
    problems = [p for p in convert(_article(body), _policy()).guard.problems if p.code == "W001"]
    assert bool(problems) is found
    if found:
        assert problems[0].line == body.splitlines().index(next(ln for ln in body.splitlines() if "5 mg" in ln)) + 1
        assert "5 mg a day" in problems[0].text


def test_bidi_controls_stop_the_build_with_file_and_line(tmp_path):
    body = "Fine.\n\nTake \u202e5 mg\u202c a day.\n"
    with pytest.raises(Problems) as caught:
        build(_book_with(tmp_path, body), tmp_path / "dist")
    (finding,) = [f for f in caught.value.findings if f.code == "W001"]
    assert finding.location.path.name == "awkward.md"
    assert finding.location.line == article("Awkward", body).splitlines().index("Take \u202e5 mg\u202c a day.") + 1


@pytest.mark.parametrize(
    "raw",
    [
        "<p hidden>Secret words</p>",
        '<p hidden="until-found">Secret words</p>',
        '<span aria-hidden="true">Secret words</span>',
        '<div inert="">Secret words</div>',
        "Secret words\n{: hidden }",
    ],
)
def test_the_sanitiser_removes_what_hides_content(raw):
    html = convert(_article(raw + "\n"), _policy()).html
    assert "Secret words" in html
    assert "hidden" not in html.replace("aria-hidden", "") and "aria-hidden" not in html and "inert" not in html
