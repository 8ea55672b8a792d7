"""Repack an EPUB deterministically: mimetype first and stored, sorted entries,
fixed times, and ``xml:lang`` on the package element (ebooklib omits it)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from lxml import etree

OPF_NS = "http://www.idpf.org/2007/opf"


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
