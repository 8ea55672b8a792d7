"""Repack an EPUB deterministically: mimetype first and stored, sorted entries,
fixed times, and ``xml:lang`` on the package element (ebooklib omits it); and unpack one
as a reading system opens it (its files and reading order, for the live preview)."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def _fix_opf(data: bytes, lang: str) -> bytes:
    root = etree.fromstring(data)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def repack(raw: bytes, lang: str, when: dt.datetime) -> bytes:
    stamp = when.astimezone(dt.UTC).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(raw))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        mimetype = zipfile.ZipInfo("mimetype", date_time=stamp)
        mimetype.compress_type = zipfile.ZIP_STORED
        target.writestr(mimetype, b"application/epub+zip")
        for name in sorted(n for n in entries if n != "mimetype"):
            data = entries[name]
            if name.endswith(".opf"):
                data = _fix_opf(data, lang)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data, compresslevel=9)
    return out.getvalue()


@dataclass(frozen=True)
class Unpacked:
    """An EPUB's files as a reading system opens them: paths relative to the package document's folder."""

    data: bytes  # the EPUB
    files: dict[str, tuple[bytes, str]]  # path -> (bytes, media type as the manifest declares it)
    spine: list[tuple[str, str]]  # (path, title) of each document in reading order


def unpack(epub: bytes) -> Unpacked:
    """The files and reading order of ``epub``; a document titled like the book (the cover, the title page)
    takes the name its landmark gives it."""
    with zipfile.ZipFile(io.BytesIO(epub)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    opf_path = etree.fromstring(entries["META-INF/container.xml"]).find(".//{*}rootfile").get("full-path")
    base = posixpath.dirname(opf_path)
    opf = etree.fromstring(entries[opf_path])
    items = {i.get("id"): i for i in opf.iter(f"{{{OPF_NS}}}item")}
    files = {i.get("href"): (entries[posixpath.join(base, i.get("href"))], i.get("media-type")) for i in items.values()}
    names: dict[str, str] = {}
    for item in (i for i in items.values() if "nav" in (i.get("properties") or "").split()):
        nav = etree.fromstring(files[item.get("href")][0])
        folder = posixpath.dirname(item.get("href"))
        for link in nav.iterfind(f".//{{{XHTML_NS}}}nav[@{{{EPUB_NS}}}type='landmarks']//{{{XHTML_NS}}}a"):
            if link.get(f"{{{EPUB_NS}}}type") in ("cover", "titlepage"):
                names[posixpath.join(folder, link.get("href").split("#")[0])] = "".join(link.itertext())
    spine = []
    for ref in opf.iter(f"{{{OPF_NS}}}itemref"):
        href = items[ref.get("idref")].get("href")
        title = etree.fromstring(files[href][0]).findtext(f".//{{{XHTML_NS}}}title") or href
        spine.append((href, names.get(href, title)))
    return Unpacked(epub, files, spine)
