"""The read-aloud EPUB: the EPUB, with an MP3 and an EPUB 3 Media Overlay (SMIL) per chapter.

It is made from the finished EPUB's own bytes, so it is the same book: every chapter, the
red-flag card and the glossary get their sentences wrapped in spans with ids
(:mod:`plainpress.sentences`), one ``par`` per sentence in the overlay, clips timed from each
sentence's own synthesis (:mod:`plainpress.synth`), ``media:duration`` per overlay and for the
book, and ``media:active-class`` styled by ``layouts/epub/read-aloud.css``.

The speech is planned from an EPUB made before the book PDF (which gives the page list) is
laid out, so that synthesis starts at once in the workers; the package is then made from the
final EPUB, whose sentences must be the same.
"""

from __future__ import annotations

import io
import posixpath
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from lxml import etree

from ..errors import RenderError
from ..model import Book, Output
from ..model.entries import Done, Early, Entry, Group, Kind, Listing, Made, Need, Plan, Product, Scope, Task, book_stem
from ..sentences import Sentence, mark_document
from ..speech import lexicon_for, segments, voice_for
from ..synth import AudioJob, AudioResult
from ..templates import DEFAULT_LAYOUTS, read_layout
from ..views import build_time
from .epubzip import repack

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
EPUB_NS = "http://www.idpf.org/2007/ops"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
READ = ("chapter", "appendix", "glossary")  # the documents read aloud, by the epub:type of their section
ACTIVE_CLASS = "read-aloud-active"
PLAYING_CLASS = "read-aloud-playing"


READ_ALOUD = Kind("read-aloud", frozenset({Group.BOOK, Group.AUDIO}), Scope.BOOK, audio=True)


def entries(book: Book, layouts: Path) -> Listing:
    """The read-aloud EPUB: made from the EPUB when it is made too, else from one without page list."""
    path = read_aloud_name(f"{book_stem(book.config.title)}.epub")
    plan = partial(_plan, book, layouts, path)
    return Listing([Entry(path, READ_ALOUD, "The read-aloud EPUB", plan, needs=(Need(Product.EPUB),))], (READ_ALOUD,))


def _plan(book: Book, layouts: Path, path: str, early: Early) -> Plan:
    """The speech is planned from an EPUB without page list (so that synthesis starts before the
    book PDF is laid out); the package is made from the final EPUB, when there is one."""
    aloud = ReadAloud.plan(book, early(Product.UNPAGED_EPUB), layouts)
    tasks = tuple(Task(f"read-aloud/{doc.stem}.mp3", doc.job) for doc in aloud.docs)

    def finish(done: Done) -> Made:
        for doc, result in zip(aloud.docs, done.results, strict=True):
            doc.result = result
        output = aloud.package(done.products.get(Product.EPUB, aloud.source), path)
        return Made([output], notes={path: f"{output.extra['duration']:.0f} s of speech"})

    return Plan(tasks, finish)


def clock(seconds: float) -> str:
    """A SMIL clock value, h:mm:ss.fff."""
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    return f"{h}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def read_aloud_name(epub_path: str) -> str:
    return epub_path.removesuffix(".epub") + "-read-aloud.epub"


@dataclass
class _Doc:
    href: str  # in the zip, e.g. EPUB/text/ch01-first-steps.xhtml
    item_id: str  # its id in the OPF manifest
    sentences: list[Sentence]
    job: AudioJob
    marked: bytes = b""  # the document with its sentences marked (the live preview plays it)
    result: AudioResult | None = None

    @property
    def stem(self) -> str:
        return posixpath.splitext(posixpath.basename(self.href))[0]


def _opf_path(entries: dict[str, bytes]) -> str:
    container = etree.fromstring(entries["META-INF/container.xml"])
    return container.find(".//{*}rootfile").get("full-path")


def _read_entries(epub: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(epub)) as source:
        return {info.filename: source.read(info) for info in source.infolist()}


def _marked(entries: dict[str, bytes]) -> Iterator[tuple[str, str, etree._Element, list[Sentence]]]:
    """(path, manifest id, marked document, sentences) of each document read aloud, in spine order."""
    opf_path = _opf_path(entries)
    base = posixpath.dirname(opf_path)
    opf = etree.fromstring(entries[opf_path])
    items = {i.get("id"): i for i in opf.iter(f"{{{OPF_NS}}}item")}
    for ref in opf.iter(f"{{{OPF_NS}}}itemref"):
        item = items[ref.get("idref")]
        href = posixpath.join(base, item.get("href"))
        root = etree.fromstring(entries[href])
        body = root.find(f"{{{root.nsmap.get(None)}}}body")
        kinds = {e.get(f"{{{EPUB_NS}}}type") for e in body if isinstance(e.tag, str)} if body is not None else set()
        if not kinds & set(READ):  # (a page break of the print edition may come before the section)
            continue
        yield href, item.get("id"), root, mark_document(body)


@dataclass
class ReadAloud:
    """The speech of one book's read-aloud EPUB: a job per document (``docs``), then :meth:`package`."""

    book: Book
    layouts: Path
    source: bytes  # the EPUB the speech was planned from
    docs: list[_Doc] = field(default_factory=list)

    @classmethod
    def plan(cls, book: Book, epub: bytes, layouts: Path = DEFAULT_LAYOUTS) -> ReadAloud:
        lexicon, voice = lexicon_for(book), voice_for(book)
        plan = cls(book, layouts, epub)
        for href, item_id, root, sentences in _marked(_read_entries(epub)):
            job = AudioJob(href, voice, book.config.speech.rate, segments(sentences, lexicon))
            marked = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
            plan.docs.append(_Doc(href, item_id, sentences, job, marked))
        return plan

    def package(self, epub: bytes, path: str) -> Output:
        """The read-aloud EPUB made from ``epub`` (the finished EPUB) and the speech."""
        entries = _read_entries(epub)
        marked = {href: (root, sentences) for href, _id, root, sentences in _marked(entries)}
        for doc in self.docs:
            root, sentences = marked.get(doc.href, (None, []))
            if root is None or [s.text for s in sentences] != [s.text for s in doc.sentences]:
                raise RenderError(f"{path}: the text of {doc.href} changed after its speech was planned")
            entries[doc.href] = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
        opf_path = _opf_path(entries)
        base = posixpath.dirname(opf_path)
        for doc in self.docs:
            assert doc.result is not None
            entries[posixpath.join(base, "audio", f"{doc.stem}.mp3")] = doc.result.data
            entries[posixpath.join(base, "smil", f"{doc.stem}.smil")] = self._smil(doc, base)
        css = next(n for n in entries if n.endswith(".css") and n.startswith(base))
        entries[css] += b"\n" + read_layout("epub/read-aloud.css", self.layouts).encode()
        entries[opf_path], identifier = self._opf(entries[opf_path])
        for name in entries:
            if name.endswith(".ncx"):
                entries[name] = _ncx_uid(entries[name], identifier)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name, data in entries.items():
                target.writestr(name, data)
        data = repack(out.getvalue(), self.book.config.language, build_time(self.book))
        durations = {d.stem: d.result.duration for d in self.docs if d.result}
        extra = {"duration": round(sum(durations.values()), 3), "overlays": durations}
        return Output("read-aloud", "ebook", path, data, extra=extra)

    def _smil(self, doc: _Doc, base: str) -> bytes:
        assert doc.result is not None
        text = posixpath.relpath(doc.href, posixpath.join(base, "smil"))
        audio = f"../audio/{doc.stem}.mp3"
        smil = etree.Element(
            "{http://www.w3.org/ns/SMIL}smil", nsmap={None: "http://www.w3.org/ns/SMIL", "epub": EPUB_NS}
        )
        smil.set("version", "3.0")
        body = etree.SubElement(smil, "{http://www.w3.org/ns/SMIL}body")
        seq = etree.SubElement(body, "{http://www.w3.org/ns/SMIL}seq", id=f"{doc.stem}-seq")
        seq.set(f"{{{EPUB_NS}}}textref", text)
        for n, clip in enumerate(doc.result.clips, 1):
            par = etree.SubElement(seq, "{http://www.w3.org/ns/SMIL}par", id=f"par-{n}")
            etree.SubElement(par, "{http://www.w3.org/ns/SMIL}text", src=f"{text}#{clip.id}")
            etree.SubElement(
                par,
                "{http://www.w3.org/ns/SMIL}audio",
                src=audio,
                clipBegin=f"{clip.begin:.3f}s",
                clipEnd=f"{clip.end:.3f}s",
            )
        return etree.tostring(smil, xml_declaration=True, encoding="utf-8", pretty_print=True)

    def _opf(self, data: bytes) -> tuple[bytes, str]:
        opf = etree.fromstring(data)
        metadata = opf.find(f"{{{OPF_NS}}}metadata")
        manifest = opf.find(f"{{{OPF_NS}}}manifest")
        items = {i.get("id"): i for i in manifest}
        identifier = opf.find(f".//{{{DC_NS}}}identifier")
        # Another edition of the book (the text plus its speech): its own identifier, derived from the EPUB's.
        identifier.text = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.book.config.identifier + '#read-aloud')}"
        total = 0.0
        for doc in self.docs:
            assert doc.result is not None
            mo_id, audio_id = f"mo-{doc.item_id}", f"audio-{doc.item_id}"
            etree.SubElement(
                manifest,
                f"{{{OPF_NS}}}item",
                href=f"smil/{doc.stem}.smil",
                id=mo_id,
                **{"media-type": "application/smil+xml"},
            )
            etree.SubElement(
                manifest, f"{{{OPF_NS}}}item", href=f"audio/{doc.stem}.mp3", id=audio_id, **{"media-type": "audio/mpeg"}
            )
            items[doc.item_id].set("media-overlay", mo_id)
            duration = round(doc.result.duration, 3)
            total += duration
            _meta(metadata, "media:duration", clock(duration), refines=f"#{mo_id}")
        _meta(metadata, "media:duration", clock(total))
        _meta(metadata, "media:narrator", "eSpeak NG")
        _meta(metadata, "media:active-class", ACTIVE_CLASS)
        _meta(metadata, "media:playback-active-class", PLAYING_CLASS)
        conformance = metadata.find(f"{{{OPF_NS}}}meta[@property='schema:accessModeSufficient']")
        index = list(metadata).index(conformance) if conformance is not None else len(metadata)
        for offset, (prop, value) in enumerate(
            (("schema:accessMode", "auditory"), ("schema:accessibilityFeature", "synchronizedAudioText"))
        ):
            meta = etree.Element(f"{{{OPF_NS}}}meta", property=prop)
            meta.text = value
            metadata.insert(index + offset, meta)
        return etree.tostring(opf, xml_declaration=True, encoding="utf-8"), identifier.text


def _meta(metadata: etree._Element, prop: str, value: str, refines: str | None = None) -> None:
    meta = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop)
    if refines:
        meta.set("refines", refines)
    meta.text = value


def _ncx_uid(data: bytes, identifier: str) -> bytes:
    ncx = etree.fromstring(data)
    for meta in ncx.iter(f"{{{NCX_NS}}}meta"):
        if meta.get("name") == "dtb:uid":
            meta.set("content", identifier)
    return etree.tostring(ncx, xml_declaration=True, encoding="utf-8")
