"""The EPUB: valid by EPUBCheck, and right when unpacked."""

from __future__ import annotations

import itertools
import zipfile

import pytest
from lxml import etree

from plainpress.stages.gather import gather

from .helpers import by_severity, epubcheck_messages

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.timeout(300)
def test_epubcheck_reports_nothing(built):
    messages = epubcheck_messages(built.output("epub"))
    assert by_severity(messages, "FATAL", "ERROR", "WARNING") == []


def _unpack(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}, z.infolist()


def test_zip_order_mimetype_first_and_stored(built):
    _, infos = _unpack(built.output("epub"))
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)


def test_one_document_per_chapter_in_spine_order(built):
    files, _ = _unpack(built.output("epub"))
    opf = etree.fromstring(files["EPUB/content.opf"])
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [manifest[i.get("idref")] for i in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    book = gather(built.book)
    chapters = [s for s in spine if s.startswith("text/ch")]
    assert [c.split("-", 1)[1].removesuffix(".xhtml") for c in chapters] == [a.slug for a in book.articles]
    assert spine[0] == "text/cover.xhtml" and spine[1] == "text/title.xhtml"
    assert spine[-1] == "text/colophon.xhtml"
    for chapter, article in zip(chapters, book.articles, strict=True):
        doc = etree.fromstring(files[f"EPUB/{chapter}"])
        # A part's title is the h1 that opens its first chapter; a chapter inside a part is an h2.
        part = next((p for p in book.parts if p.title and article in p.articles), None)
        opens = part is not None and part.articles[0] is article
        h1 = doc.findall(".//x:h1", NS)
        assert ["".join(h.itertext()) for h in h1] == ([part.title] if opens else [] if part else [article.title])
        title = doc.find(f".//x:h{2 if part else 1}", NS)
        assert "".join(title.itertext()) == article.title
        section = doc.find(".//x:section", NS)
        assert section.get(f"{{{NS['epub']}}}type") == "chapter"
        levels = [
            int(el.tag[-1])
            for el in doc.iter()
            if isinstance(el.tag, str) and el.tag[-2:-1] == "h" and el.tag[-1].isdigit()
        ]
        assert levels[0] == (2 if part and not opens else 1)
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_language_everywhere(built):
    files, _ = _unpack(built.output("epub"))
    lang = gather(built.book).language
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.get(XML_LANG) == lang
    assert opf.findtext(".//dc:language", namespaces=NS) == lang
    for name, data in files.items():
        if name.endswith(".xhtml"):
            root = etree.fromstring(data)
            assert root.get("lang") == lang and root.get(XML_LANG) == lang, name


def test_nav_has_toc_and_landmarks_and_cover(built):
    files, _ = _unpack(built.output("epub"))
    nav = etree.fromstring(files["EPUB/text/nav.xhtml"])
    types = {n.get(f"{{{NS['epub']}}}type") for n in nav.iterfind(".//x:nav", NS)}
    assert {"toc", "landmarks"} <= types
    book = gather(built.book)
    toc_text = etree.tostring(nav, method="text", encoding="unicode")
    for article in book.articles:
        assert article.title in toc_text
    opf = etree.fromstring(files["EPUB/content.opf"])
    cover = [i for i in opf.iterfind(".//opf:item", NS) if "cover-image" in (i.get("properties") or "")]
    assert len(cover) == 1 and files[f"EPUB/{cover[0].get('href')}"].startswith(b"\x89PNG")
    cover_page = etree.fromstring(files["EPUB/text/cover.xhtml"])
    assert cover_page.find(".//x:img", NS).get("alt").startswith("Cover: ")


def test_every_internal_link_resolves(built):
    files, _ = _unpack(built.output("epub"))
    ids = {}
    for name, data in files.items():
        if name.endswith(".xhtml"):
            ids[name.removeprefix("EPUB/text/")] = {
                el.get("id") for el in etree.fromstring(data).iter() if isinstance(el.tag, str) and el.get("id")
            }
    for name, data in files.items():
        if not name.endswith(".xhtml"):
            continue
        for a in etree.fromstring(data).iterfind(".//x:a", NS):
            href = a.get("href")
            if href is None or href.startswith(("http:", "https:", "mailto:")):
                continue
            file, _, frag = href.partition("#")
            file = file or name.removeprefix("EPUB/text/")
            assert file in ids, (name, href)
            assert not frag or frag in ids[file], (name, href)


def test_fonts_embedded(built):
    files, _ = _unpack(built.output("epub"))
    assert any(n.endswith("AtkinsonHyperlegible-Regular.ttf") for n in files)
    assert b"Atkinson Hyperlegible" in files["EPUB/css/book.css"]


def test_accessibility_metadata(built):
    files, _ = _unpack(built.output("epub"))
    opf = etree.fromstring(files["EPUB/content.opf"])
    props = {m.get("property"): m.text for m in opf.iterfind(".//opf:meta", NS) if m.get("property")}
    assert props["dcterms:conformsTo"] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    assert props["schema:accessibilityHazard"] == "none"
    assert len(props["schema:accessibilitySummary"]) > 80
