"""Safe HTML: raw HTML (and what attr_list and links can smuggle in) is sanitised to an allow-list
with nh3 inside the Markdown pipeline, before it reaches the EPUB or a PDF, and the EPUB's XHTML
stays well-formed (raw ``<br>``, ``&nbsp;`` and friends)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from plainpress.commands.build import build
from plainpress.markup import OutputPolicy, convert, policy_for
from plainpress.mdext.redflags import FlagPolicy
from plainpress.mdext.sanitize import sanitize, to_xhtml
from plainpress.model import Article, ArticleMeta, chapter_anchor
from plainpress.stages.gather import gather

from .helpers import SAMPLE_BOOK, by_severity, epubcheck_messages
from .robust_helpers import copy_mini

CONTACTS = {"emergency_number": "999", "advice_line": "0300", "advice_line_name": "the line"}
HOSTILE = """
Raw script: <script>alert("x")</script> after.

<img src="pic.png" onerror="alert(1)" alt="x">

<iframe src="frame.html"></iframe>

[a javascript link](javascript:alert(1)) and [another](JaVaScRiPt:alert(2)) and [data](data:text/html,x)

<a href="javascript:alert(3)" onclick="alert(4)">raw link</a> and <a href="vbscript:x">vb</a>

A paragraph with a handler
{: onclick="alert(5)" onmouseover="alert(6)" }

<div onload="x"><p style="color: red; background: url(bg.png)">styled</p><object data="x.swf"></object></div>

<svg><script>alert(7)</script></svg> <math><mi>x</mi></math> <form action="javascript:x"><input></form>

<!-- a comment --> <style>p { color: red }</style> <base href="http://evil/"> <meta http-equiv="refresh">

Line<br>break, non&nbsp;breaking, &copy; &mdash; &bogus; &amp; &#169; &#x2014; <hr> <b>bold <i>both</b> italic</i>

<center>old</center> <font color="red">font</font> <tt>tt</tt> <acronym>AC</acronym>

| left | right |
|:-----|------:|
| a    | b     |
"""


def _convert(body: str) -> tuple[str, list]:
    meta = ArticleMeta(title="T", summary="S", date=None)  # type: ignore[arg-type]
    item = Article(slug="t", path=Path("/nonexistent/articles/t.md"), meta=meta, body=body, body_line=6)
    result = convert(item, OutputPolicy(flags=FlagPolicy(contacts=CONTACTS)))
    return result.html, result.guard.problems


def _xml(fragment: str) -> etree._Element:
    wrapped = f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>'
    return etree.fromstring(wrapped.encode())


def test_hostile_html_is_cut_down_to_the_allow_list():
    html, _problems = _convert(HOSTILE)
    root = _xml(html)  # well-formed XML
    tags = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "iframe", "object", "svg", "math", "form", "input", "style", "base", "meta"}
    assert not tags & {"center", "font", "tt", "acronym"}  # not valid in EPUB 3: the text stays, the tag goes
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert not value.strip().lower().startswith(("javascript:", "vbscript:", "data:")), value
            if name == "style":
                assert value.replace(" ", "").rstrip(";") in ("text-align:left", "text-align:right"), value
    assert "alert" not in html and "<!--" not in html and "color" not in html
    assert "<img" not in html  # an image in raw HTML is dropped; Markdown images are the way
    for text in ("Raw script:", "styled", "raw link", "old", "font", "tt", "AC", "bold", "italic"):
        assert text in html


def test_entities_and_void_elements_become_xhtml():
    html, _ = _convert("Line<br>break, non&nbsp;breaking, &copy; &bogus; &amp; &#x2014; <hr> x & y < z")
    assert "<br />" in html and "<hr />" in html
    assert "\u00a0" in html and "\u00a9" in html and "\u2014" in html
    assert "&nbsp;" not in html and "&copy;" not in html
    assert "&amp;bogus;" in html and "x &amp; y &lt; z" in html
    _xml(html)


def test_what_was_removed_is_reported_with_its_line():
    _html, problems = _convert(HOSTILE)
    found = {(p.code, p.line, p.text) for p in problems}
    assert ("U001", 2, "<script") in found
    assert ("U001", 4, "<img") in found and ("U001", 4, "onerror") in found
    assert ("U001", 8, "javascript:alert(1)") in found
    assert ("U001", 10, "onclick") in found
    assert any(code == "U001" and line == 13 and text == "onclick" for code, line, text in found)
    assert all(p.code in ("U001", "I001", "I002", "I003") for p in problems)


def test_the_sanitiser_leaves_clean_output_as_python_markdown_wrote_it():
    """For the sample book, sanitising changes nothing: the allow-list covers all our own markup."""
    book = gather(SAMPLE_BOOK)
    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: "#" + chapter_anchor(slug, fragment),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: f"#ref-{key}",
    )
    for item in book.articles:
        html = convert(item, policy).html
        assert to_xhtml(html) == html
        assert sanitize(html) == html


def test_sanitise_never_lets_a_script_through_in_any_case():
    samples = [
        '<SCRIPT SRC="http://x/x.js"></SCRIPT>',
        "<scr<script>ipt>alert(1)</script>",
        '<img src=x onerror=alert(1)//">',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<svg/onload=alert(1)>",
        '<p title="</p><script>alert(1)</script>">t</p>',
        "<details open ontoggle=alert(1)>",
        '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    ]
    for sample in samples:
        out = sanitize(sample)
        root = _xml(out)
        assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "script"]
        for element in root.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (sample, out)
                assert "javascript" not in value.lower().replace("\t", ""), (sample, out)


@pytest.mark.timeout(300)
def test_built_epub_and_pdf_carry_no_scripts_and_the_epub_is_valid(tmp_path):
    book = copy_mini(tmp_path / "book")
    path = book / "articles" / "second-steps.md"
    path.write_text(path.read_text() + HOSTILE)
    result = build(book, tmp_path / "dist")
    assert any(f.code == "U001" for f in result.findings)  # warned, not silent
    epub_path = next((tmp_path / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub_path) as package:
        chapter = package.read("EPUB/text/ch02-second-steps.xhtml")
    etree.fromstring(chapter)  # XML, not HTML: <br /> and characters, no undefined entities
    text = chapter.decode()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "&nbsp;", "&copy;"):
        assert bad not in text
    assert "non\u00a0breaking" in text
    assert by_severity(epubcheck_messages(epub_path), "FATAL", "ERROR") == []
    with pikepdf.open(next((tmp_path / "dist").glob("*.pdf"))) as pdf:
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/OpenAction" not in pdf.Root
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A", {})
                assert action.get("/S") != "/JavaScript"
                assert "javascript" not in str(action.get("/URI", "")).lower()
