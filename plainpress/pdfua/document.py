"""Document-level rules: file header, catalog, XMP metadata and PDF/UA identification (5, 6, 7.1),
outlines and metadata language (7.2-t02/t33), optional content (7.10), embedded files (7.11),
XFA (7.15), security (7.16) and the Lang of the catalog (7.2-t29)."""

from __future__ import annotations

import re

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from .lang import check_lang
from .model import Document, Visited, dictionary, text_of

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER = re.compile(r"%PDF-1\.[0-7]")
MAX_XMP = 8_000_000
MAX_OUTLINES = 100_000


def read_header(data: bytes) -> str:
    """The file's header line: from ``%PDF-`` to the end of its line."""
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        return ""
    line = re.split(rb"[\r\n]", data[start : start + 64], maxsplit=1)[0]
    return line.decode("latin-1")


def check(doc: Document) -> None:
    catalog = doc.catalog
    if not HEADER.fullmatch(doc.header):
        doc.fail("6.1-t01", None, f"file header is {doc.header!r}, not %PDF-1.0 to %PDF-1.7")
    mark_info = dictionary(catalog.get("/MarkInfo"))
    if not (mark_info is not None and mark_info.get("/Marked") is True):
        doc.fail("6.2-t01", None, "MarkInfo Marked is not true")
    if mark_info is not None and mark_info.get("/Suspects") is True:
        doc.fail("7.1-t04", None, "MarkInfo Suspects is true")
    prefs = dictionary(catalog.get("/ViewerPreferences"))
    if not (prefs is not None and prefs.get("/DisplayDocTitle") is True):
        doc.fail("7.1-t10", None, "ViewerPreferences DisplayDocTitle is not true")
    if doc.struct_root is None:
        doc.fail("7.1-t11", None, "no structure tree (StructTreeRoot)")
    lang = catalog.get("/Lang")
    if isinstance(lang, pikepdf.String):
        check_lang(doc, text_of(lang) or "", None, "catalog Lang")
    _metadata(doc)
    _outlines(doc)
    _optional_content(doc)
    _embedded_files(doc)
    _xfa(doc)
    _encryption(doc)


def _metadata(doc: Document) -> None:
    stream = doc.catalog.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        doc.fail("7.1-t08", None, "the catalog has no Metadata stream")
        return
    if stream.get("/Type") != Name.Metadata or stream.get("/Subtype") != Name.XML:
        doc.fail("7.1-t08", None, "the catalog's Metadata stream is not of Type Metadata and Subtype XML")
    try:
        data = stream.read_bytes()[:MAX_XMP]
    except pikepdf.PdfError:
        data = b""
    prefixes = dict(re.findall(rb'xmlns:([\w.-]+)\s*=\s*["\']([^"\']*)["\']', data))
    ua_prefixes = {p.decode("latin-1") for p, uri in prefixes.items() if uri.decode("latin-1") == PDFUA_NS}
    tree = None
    try:
        tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except (etree.XMLSyntaxError, ValueError):
        tree = None
    found = {name: _ua_property(data, tree, name, ua_prefixes) for name in ("part", "amd", "corr", "rev")}
    if not any(found.values()):
        doc.fail("5-t01", None, "the XMP metadata has no PDF/UA identification (pdfuaid schema)")
    else:
        part = found["part"]
        if part is None or part[0].strip() != "1":
            shown = repr(part[0].strip()) if part is not None else "missing"
            doc.fail("5-t02", None, f"pdfuaid:part is {shown}, not 1")
        for rule, name in (("5-t03", "part"), ("5-t04", "amd"), ("5-t05", "corr")):
            value = found[name]
            if value is not None and value[1] != "pdfuaid":
                doc.fail(rule, None, f"the {name} property has prefix {value[1]!r}, not pdfuaid")
    if tree is None or not _has_title(tree):
        doc.fail("7.1-t09", None, "the XMP metadata has no dc:title")
    if tree is not None and not doc.catalog_lang:
        for alt in tree.iter(f"{{{RDF_NS}}}Alt"):  # a language alternative given only as x-default
            items = [child for child in alt if child.tag == f"{{{RDF_NS}}}li"]
            if len(items) == 1 and items[0].get(XML_LANG) == "x-default":
                doc.fail("7.2-t33", None, "metadata text only in x-default, and no catalog Lang")


def _ua_property(data: bytes, tree: object, name: str, ua_prefixes: set[str]) -> tuple[str, str] | None:
    """(value, prefix) of a PDF/UA identification property, written as an element or an attribute."""
    for prefix in sorted(ua_prefixes, key=lambda p: p != "pdfuaid"):
        quoted = re.escape(prefix.encode())
        element = re.search(rb"<" + quoted + rb":" + name.encode() + rb"\s*>([^<]*)<", data)
        if element:
            return element.group(1).decode("utf-8", "replace"), prefix
        attribute = re.search(rb"\s" + quoted + rb":" + name.encode() + rb"\s*=\s*[\"']([^\"']*)[\"']", data)
        if attribute:
            return attribute.group(1).decode("utf-8", "replace"), prefix
    return None


def _has_title(tree: object) -> bool:
    """A dc:title property (the prefix must be dc, as veraPDF reads it) with a value."""
    for element in tree.iter(f"{{{DC_NS}}}title"):  # type: ignore[attr-defined]
        if element.prefix != "dc":
            continue
        alternatives = list(element.iter(f"{{{RDF_NS}}}li"))
        if alternatives or (element.text or "").strip():
            return True
    return False


def _outlines(doc: Document) -> None:
    if doc.catalog_lang:
        return
    outlines = dictionary(doc.catalog.get("/Outlines"))
    if outlines is None:
        return
    count, seen, stack = 0, Visited(), [outlines.get("/First")]
    while stack and count < MAX_OUTLINES:
        doc.tick()
        item = dictionary(stack.pop())
        if item is None or not seen.add(item):
            continue
        count += 1
        stack.extend([item.get("/Next"), item.get("/First")])
    if count:
        doc.fail("7.2-t02", None, f"{count} outline entries and no catalog Lang")


def _optional_content(doc: Document) -> None:
    properties = dictionary(doc.catalog.get("/OCProperties"))
    if properties is None:
        return
    configs = [properties.get("/D")]
    if isinstance(properties.get("/Configs"), Array):
        configs += list(properties.Configs)
    for number, config in enumerate(configs):
        config = dictionary(config)
        if config is None:
            continue
        which = "the default configuration" if number == 0 else f"configuration {number}"
        if not text_of(config.get("/Name")):
            doc.fail("7.10-t01", None, f"optional content {which} has no Name")
        if "/AS" in config:
            doc.fail("7.10-t02", None, f"optional content {which} has an AS entry")


def _embedded_files(doc: Document) -> None:
    """File specifications with an embedded file: indirect objects, and the direct ones of annotations."""
    specs: list[tuple[Dictionary, int | None]] = [(obj, None) for obj in doc.pdf.objects if isinstance(obj, Dictionary)]
    for number, page in doc.pages():
        annots = page.obj.get("/Annots")
        for annot in list(annots) if isinstance(annots, Array) else []:
            spec = dictionary(annot.get("/FS")) if isinstance(annot, Dictionary) else None
            if spec is not None and not spec.is_indirect:
                specs.append((spec, number))
    for spec, page in specs:
        doc.tick()
        if "/EF" not in spec or spec.get("/Type") not in (None, Name.Filespec):
            continue
        if not text_of(spec.get("/F")) or not text_of(spec.get("/UF")):
            which = f" {spec.objgen[0]}" if spec.is_indirect else ""
            doc.fail("7.11-t01", page, f"embedded file specification{which} lacks a non-empty F and UF")


def _xfa(doc: Document) -> None:
    form = dictionary(doc.catalog.get("/AcroForm"))
    xfa = form.get("/XFA") if form is not None else None
    streams = []
    if isinstance(xfa, pikepdf.Stream):
        streams = [xfa]
    elif isinstance(xfa, Array):
        items = list(xfa)
        for index in range(0, len(items) - 1, 2):
            if text_of(items[index]) == "config" and isinstance(items[index + 1], pikepdf.Stream):
                streams.append(items[index + 1])
        if not streams:
            streams = [item for item in items if isinstance(item, pikepdf.Stream)]
    for stream in streams:
        try:
            data = stream.read_bytes()[:MAX_XMP]
        except pikepdf.PdfError:
            continue
        if re.search(rb"<(\w+:)?dynamicRender\s*>\s*required\s*<", data):
            doc.fail("7.15-t01", None, "a dynamic XFA form (dynamicRender required)")
            return


def _encryption(doc: Document) -> None:
    encrypt = dictionary(doc.pdf.trailer.get("/Encrypt"))
    if encrypt is None and not doc.pdf.is_encrypted:
        return
    permissions = encrypt.get("/P") if encrypt is not None else None
    if permissions is None:
        permissions = getattr(doc.pdf, "_encryption_data", {}).get("P")
    if not isinstance(permissions, int) or not int(permissions) & 512:
        doc.fail("7.16-t01", None, "encryption does not permit content extraction for accessibility (P bit 10)")
