"""The EPUB's page list matches the book PDF built in the same run."""

from __future__ import annotations

import copy
import re
import zipfile

import pdfplumber
from lxml import etree

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’']+", text)


def _body(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    return page.filter(lambda obj: obj.get("object_type") != "char" or obj.get("tag") not in (None, "Artifact"))


def _following_words(doc: etree._Element, marker_id: str, count: int = 6) -> list[str]:
    """The words a reader meets right after the marker, in reading order."""
    doc = copy.deepcopy(doc)
    for nav in doc.iterfind(".//x:nav[@hidden]", NS):  # hidden navs are not read
        nav.getparent().remove(nav)
    marker = doc.find(f".//*[@id='{marker_id}']")
    marker.text = "\ue000"
    # a space between text nodes: a block's last word and the next block's first are two words
    after = " ".join(doc.itertext()).split("\ue000", 1)[1]
    return _words(after)[:count]


def test_page_list_matches_the_print_edition(built):
    with zipfile.ZipFile(built.output("epub")) as z:
        docs = {n.removeprefix("EPUB/text/"): etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
        opf = z.read("EPUB/content.opf").decode()
    with pdfplumber.open(built.output("pdf")) as pdf:
        # What each page begins with: its tagged text, not the running header or the page number
        # (artifacts), read in layout order.
        pages = [re.sub(r"\s+", " ", _body(page).extract_text() or "") for page in pdf.pages]
    nav = docs["nav.xhtml"]
    entries = nav.findall(".//x:nav[@role='doc-pagelist']//x:a", NS)
    assert len(entries) == len(pages)  # every page of the print edition is listed
    for entry in entries:
        number = int(entry.text)
        file, _, anchor = entry.get("href").partition("#")
        marker = docs[file].find(f".//*[@id='{anchor}']")
        assert marker.get(f"{{{NS['epub']}}}type") == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == str(number)
        words = _following_words(docs[file], anchor)
        assert len(words) >= 2, (file, anchor)
        # The words right after the marker are the words the page begins with. (This test once only
        # asked for them somewhere on the page, in order, so a marker at the first of a run of glossary
        # definitions passed: "Used in" stands on every page of the glossary.) List numbers that the
        # PDF draws before an item are not words of the text.
        first = [w.casefold() for w in _words(pages[number - 1]) if not w.isdigit()][:3]
        after = [w.casefold() for w in words if not w.isdigit()][:3]
        assert after == first, (number, words, pages[number - 1][:200])
    assert '<meta property="pageBreakSource">' in opf and "<dc:source>" in opf
