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


def _following_words(doc: etree._Element, marker_id: str, count: int = 6) -> list[str]:
    """The words a reader meets right after the marker, in reading order."""
    doc = copy.deepcopy(doc)
    for nav in doc.iterfind(".//x:nav[@hidden]", NS):  # hidden navs are not read
        nav.getparent().remove(nav)
    marker = doc.find(f".//*[@id='{marker_id}']")
    marker.text = "\ue000"
    after = etree.tostring(doc, method="text", encoding="unicode").split("\ue000", 1)[1]
    return _words(after)[:count]


def test_page_list_matches_the_print_edition(built):
    with zipfile.ZipFile(built.output("epub")) as z:
        docs = {n.removeprefix("EPUB/text/"): etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
        opf = z.read("EPUB/content.opf").decode()
    with pdfplumber.open(built.output("pdf")) as pdf:
        pages = [re.sub(r"\s+", " ", page.extract_text() or "") for page in pdf.pages]
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
        page_words = iter(w.casefold() for w in _words(pages[number - 1]))
        # The first words after the marker are on that page, in that order (the PDF may add its own
        # generated words between them: list numbers, leaders and page numbers).
        assert all(word.casefold() in page_words for word in words[:3]), (number, words, pages[number - 1][:300])
    assert '<meta property="pageBreakSource">' in opf and "<dc:source>" in opf
