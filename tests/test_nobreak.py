"""Never broken across lines, by design: phone and emergency numbers, dates, an amount and its
unit, a pronunciation, in the article's text as in the profile's, in every output; web
addresses break only after / - . and code lines wrap."""

from __future__ import annotations

import re
import zipfile

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpress.commands.build import build
from plainpress.markup import convert
from plainpress.nobreak import nobreak_chars, nobreak_html, spans

from .robust_helpers import article, copy_mini
from .test_extensions import _article, _policy


def _kept(text: str) -> list[str]:
    return [piece for piece, keep in spans(text) if keep]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Call Northgate Health Centre today: 01632 960 123.", ["01632 960 123"]),
        ("Call 555-0142, +44 20 7946 0958 or (555) 123-4567 now.", ["555-0142", "+44 20 7946 0958", "(555) 123-4567"]),
        ("Llame al 900 123 456 o al 112.", ["900 123 456"]),
        ("Reviewed 20 Nov 2029 · Next review 2 ene 2030", ["20 Nov 2029", "2 ene 2030"]),
        (
            "On November 20, 2029, on 2026-01-02 and on 2 de enero de 2026.",
            ["November 20, 2029", "2026-01-02", "2 de enero de 2026"],
        ),
        (
            "Take 300 mg, 2.5 ml or 10-15 minutes at 37.5 °C; 500 mg/kg.",
            ["300 mg", "2.5 ml", "10-15 minutes", "37.5 °C", "500 mg/kg"],
        ),
        ("Say it: fa-sik-yoo-LAY-shun, or MY-oh-klo-nus.", ["fa-sik-yoo-LAY-shun", "MY-oh-klo-nus"]),
        ("Blood pressure under 140/90 mmHg, or 2.5/5 mg.", ["140/90 mmHg", "2.5/5 mg"]),
        (
            "Open 8:30 am to 6:30 pm, 8 am - 6 pm, at 10.30 p.m. or 14:00 h.",
            ["8:30 am", "6:30 pm", "8 am", "6 pm", "10.30 p.m.", "14:00 h"],
        ),
        ("A well-known, long-term thing in 2026 for 12 people, 1 in 10 of them.", []),
    ],
)
def test_what_stays_together(text, kept):
    assert _kept(text) == kept


def test_margin_boxes_get_no_break_characters_and_html_gets_spans():
    assert nobreak_chars("Riverside Family Clinic · 555-0142") == "Riverside Family Clinic · 555\u20110142"
    assert nobreak_chars("Reviewed 20 Nov 2029") == "Reviewed 20\u00a0Nov\u00a02029"
    assert str(nobreak_html("Call <b> 01632 960 123")) == 'Call &lt;b&gt; <span class="nobreak">01632 960 123</span>'


def test_an_articles_text_is_marked_and_addresses_may_break_after_slash_hyphen_and_dot():
    body = (
        "Call 01632 960 123 on 20 Nov 2029, take 300 mg. See https://example.org/a-b/c.html now.\n\n    01632 960 123\n"
    )
    html = convert(_article(body), _policy()).html
    assert '<span class="nobreak">01632 960 123</span> on <span class="nobreak">20 Nov 2029</span>' in html
    assert '<span class="nobreak">300 mg</span>' in html
    assert "https://<wbr />example.<wbr />org/<wbr />a-<wbr />b/<wbr />c.<wbr />html now" in html
    assert "<code>01632 960 123\n</code></pre>" in html  # code is left as written


def _lines(pdf_path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [
            line.replace("\u00a0", " ").replace("\u2011", "-")
            for page in pdf.pages
            for line in (page.extract_text() or "").splitlines()
        ]


ITEMS = ["01632 960 123", "0800 123 4567", "20 Nov 2029", "300 mg", "fa-sik-yoo-LAY-shun", "BOD-ee klok"]


@pytest.mark.timeout(600)
def test_no_line_of_the_narrow_card_or_large_print_begins_inside_a_number_or_a_date(tmp_path):
    book = copy_mini(tmp_path / "book")
    (book / "profiles").mkdir()
    (book / "profiles" / "northgate.yaml").write_text(
        "name: Northgate Health Centre\nphone: 01632 960 123\nhours: Monday to Friday\n"
        "emergency_number: '999'\nout_of_hours: 0800 123 4567\npaper: a4\n"
    )
    filler = "We know each word here is short and so the lines fill up at many places".split()
    paragraphs = [" ".join(filler[: k % len(filler)]) + " call 01632 960 123 by 20 Nov 2029 and take 300 mg, "
                  "said fa-sik-yoo-LAY-shun." for k in range(1, 30)]  # fmt: skip
    flags = "::: red-flag urgent\n- You took 300 mg more than 20 Nov 2029 allowed, call 0800 123 4567.\n:::\n"
    (book / "articles" / "numbers.md").write_text(article("Numbers", "\n\n".join(paragraphs) + "\n\n" + flags))
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("  - first-steps\n", "  - first-steps\n  - numbers\n"))
    out = tmp_path / "dist"
    build(book, out, jobs=2)
    checked = {}
    for pdf in [*out.glob("cards/northgate/*.pdf"), *out.rglob("*large-print.pdf"), *out.rglob("*-a4-standard.pdf")]:
        lines = _lines(pdf)
        text = " ".join(lines)
        for item in ITEMS:
            whole = len(re.findall(re.escape(item), text))
            on_one_line = sum(line.count(item) for line in lines)
            assert whole == on_one_line, (pdf.name, item, [ln for ln in lines if item.split()[0] in ln][:5])
            checked[item] = checked.get(item, 0) + on_one_line
    assert all(checked[item] > 0 for item in ITEMS), checked
    assert checked["01632 960 123"] > 60  # the article's many, the profile's on cards, handouts and footers
    card = " ".join(_lines(out / "cards" / "northgate" / "red-flag-card-standard.pdf"))
    assert "999" in card and "01632 960 123" in card and "0800 123 4567" in card  # what a patient needs to act
    with zipfile.ZipFile(next(out.glob("*.epub"))) as epub:  # and on screen, by the same spans
        chapter = next(n for n in epub.namelist() if n.endswith("numbers.xhtml"))
        assert '<span class="nobreak">01632 960 123</span>' in epub.read(chapter).decode()


def _by_pattern(text: str) -> list[str]:
    """What the full pattern keeps together, without the quick test that rules most texts out."""
    from plainpress import nobreak

    kept = []
    for match in nobreak.KEEP_TOGETHER.finditer(text):
        piece = match.group(0)
        if match.lastgroup == "say" and not (nobreak._STRESSED.search(piece) and nobreak._UNSTRESSED.search(piece)):
            continue
        if re.search(r"[\s\-–/.]", piece):
            kept.append(piece)
    return kept


_ALPHABET = [*"abyZ AKLYÀÞß-–/.:,'()+\u00a0019٣", "LAY", "shun", "mg", "am", "Nov", "de ", "enero", "999"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join))
def test_the_quick_test_rules_out_only_texts_with_nothing_to_keep(text):
    assert "".join(piece for piece, _ in spans(text)) == text
    assert _kept(text) == _by_pattern(text)
