"""The content-hash cache of laid-out PDFs (``.plainpress-cache/`` beside the output folder).

A PDF is a pure function of its :class:`~plainpress.pdf.layout.PdfJob` (the HTML and
stylesheets the outputs wrote, which already carry every article, glossary entry,
reference, profile and layout they use), of the files WeasyPrint loads while laying
it out (fonts, images, logos), and of the code that renders it. The key hashes the
job with this package's source and the renderer's versions (Pango's too); each entry records the
files it loaded with their hashes and is used only while they are all unchanged.
So an edit to one article lays out again only the outputs whose HTML it changes.

Audio (``plainpress.synth``) is cached the same way, under ``audio/``: an :class:`AudioJob` is
its sentences, voice and rate, and its key hashes them with the code and espeak-ng's version.
Braille files are kept under ``braille/`` as records (:meth:`RenderCache.get_record`), keyed by
their blocks, the braille code, liblouis's version and this code; and the translations of their texts
as a memo (:meth:`RenderCache.memo`: a text's braille, keyed by its code, under a key of liblouis's
version and this code), so that a text the last build translated is not sent to liblouis again.

Entries are kept for one build: those the last build did not use are removed after it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import SourceError
from .model import PageStart
from .pdf.jobs import PdfJob, PdfResult
from .pdf.overflow import Overflow
from .safety import read_regular
from .stamp import FileHashes, clear, code_fingerprint, write_whole
from .synth import AudioJob, AudioResult, Clip


def _str_dict(value: object, kind: type) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and type(v) is kind for k, v in value.items())


def _start(record: dict) -> PageStart:
    """A page start read back; anything of the wrong shape raises (and the entry is not used)."""
    ids, first = record["ids"], record["first_line"]
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise TypeError("ids")
    pair = isinstance(first, list) and len(first) == 2 and all(x is None or isinstance(x, str) for x in first)
    if first is not None and not pair:
        raise TypeError("first_line")
    occurrence = record["occurrence"]
    if not (isinstance(occurrence, int) and not isinstance(occurrence, bool) and occurrence >= 0):
        raise TypeError("occurrence")
    return PageStart(list(ids), tuple(first) if first else None, occurrence)


def _pango_version() -> int:
    """The version of the Pango that WeasyPrint lays out with, read from the library itself: loading
    WeasyPrint for it (``weasyprint.text.ffi``) cost the build's own process most of a second."""
    with contextlib.suppress(OSError, AttributeError):
        return int(ctypes.CDLL("libpango-1.0.so.0").pango_version())  # the name WeasyPrint's loader ends with
    from weasyprint.text.ffi import pango  # elsewhere: as WeasyPrint finds it

    return int(pango.pango_version())


@dataclass
class Memo:
    """Values by text from the last build (:meth:`RenderCache.memo`); what this build asks for or adds is
    what the next one finds."""

    known: dict[str, str] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)

    def get(self, text: str) -> str | None:
        value = self.used.get(text)
        if value is None:
            value = self.known.get(text)
            if value is not None:
                self.used[text] = value
        return value

    def put(self, text: str, value: str) -> None:
        self.used[text] = value


def _digest(values: object) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


@dataclass
class RenderCache:
    folder: Path
    hashes: FileHashes = field(default_factory=FileHashes)
    used: set[str] = field(default_factory=set)
    memos: dict[Path, Memo] = field(default_factory=dict)

    @functools.cached_property
    def code(self) -> str:
        """This package's code and Pango's version, in every key; read when a key is first asked for, so
        that a build that lays out nothing does not load WeasyPrint."""
        return f"{code_fingerprint()} pango {_pango_version()}"

    def key(self, job: PdfJob | AudioJob) -> str:
        return hashlib.sha256(f"{self.code}\0{job.digest()}".encode()).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / "pdf" / key[:2] / key
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, key: str, kind: str = "pdf") -> PdfResult | AudioResult | None:
        if kind == "audio":
            return self._get_audio(key)
        pdf, meta = self._paths(key)
        try:  # unreadable, cut short or of the wrong shape: no entry (laid out again and overwritten)
            record = json.loads(read_regular(meta))
            data = read_regular(pdf)
            if not isinstance(record, dict) or hashlib.sha256(data).hexdigest() != record.get("sha256"):
                return None  # damaged entry: render again
            resources, pages, anchors = record["resources"], record["pages"], record["anchors"]
            if not (_str_dict(resources, str) and _str_dict(anchors, int) and type(pages) is int):
                return None
            if any(self.hashes(path) != digest for path, digest in resources.items()):
                return None  # a font, image or logo it loaded has changed
            starts = [_start(s) for s in record["starts"]]
            overflowing = [Overflow(**o) for o in record.get("overflows", [])]
            stacked = record.get("stacked", 0)
            if type(stacked) is not int:
                return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError, SourceError):
            return None
        self.used.add(key)
        return PdfResult(data, pages, anchors, starts, resources, 0.0, overflowing, stacked)

    def put(self, key: str, result: PdfResult | AudioResult) -> None:
        if isinstance(result, AudioResult):
            return self._put_audio(key, result)
        pdf, meta = self._paths(key)
        record = {
            "sha256": hashlib.sha256(result.data).hexdigest(),
            "pages": result.pages,
            "anchors": result.anchors,
            "starts": [
                {"ids": s.ids, "first_line": s.first_line, "occurrence": s.occurrence} for s in result.page_starts
            ],
            "resources": result.resources,
            "overflows": [asdict(o) for o in result.overflows],
            "stacked": result.stacked,
        }
        write_whole(pdf, result.data)
        write_whole(meta, json.dumps(record).encode())
        self.used.add(key)

    def _get_audio(self, key: str) -> AudioResult | None:
        base = self.folder / "audio" / key[:2] / key
        try:
            record = json.loads(read_regular(base.with_suffix(".json")))
            data = read_regular(base.with_suffix(".mp3"))
            if hashlib.sha256(data).hexdigest() != record.get("sha256"):
                return None  # damaged entry: synthesise again
            clips = [Clip(c["id"], c["begin"], c["end"]) for c in record["clips"]]
            result = AudioResult(data, clips, record["duration"], record["rms"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, SourceError):
            return None
        self.used.add(key)
        return result

    def _put_audio(self, key: str, result: AudioResult) -> None:
        base = self.folder / "audio" / key[:2] / key
        record = {
            "sha256": hashlib.sha256(result.data).hexdigest(),
            "clips": [{"id": c.id, "begin": c.begin, "end": c.end} for c in result.clips],
            "duration": result.duration,
            "rms": result.rms,
        }
        write_whole(base.with_suffix(".mp3"), result.data)
        write_whole(base.with_suffix(".json"), json.dumps(record).encode())
        self.used.add(key)

    def get_record(self, kind: str, key: str) -> list[dict[str, object]] | None:
        """An output made without the renderer (``braille``): the files it wrote, as :meth:`put_record` kept them."""
        try:
            record = json.loads((self.folder / kind / key[:2] / f"{key}.json").read_text())
            files = record["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest() != record.get("sha256"):
            return None  # damaged entry: make it again
        self.used.add(key)
        return files

    def put_record(self, kind: str, key: str, files: list[dict[str, object]]) -> None:
        digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
        write_whole(
            self.folder / kind / key[:2] / f"{key}.json", json.dumps({"sha256": digest, "files": files}).encode()
        )
        self.used.add(key)

    def memo(self, kind: str, key: str) -> Memo:
        """The memo ``key`` (one per build: the same object each time it is asked for), as the last build
        left it; written by :meth:`save_memos` with only what this build used."""
        path = self.folder / kind / key[:2] / f"{key}.json"
        if path not in self.memos:
            known: dict[str, str] = {}
            try:  # unreadable, cut short, damaged or of the wrong shape: an empty memo
                record = json.loads(read_regular(path))
                values = record["values"]
                if _str_dict(values, str) and _digest(values) == record.get("sha256"):
                    known = values
            except (OSError, ValueError, KeyError, TypeError, SourceError):
                pass
            self.memos[path] = Memo(known)
        self.used.add(key)
        return self.memos[path]

    def save_memos(self) -> None:
        """Write each memo this build asked for, with the values it used (when they are not what it found)."""
        for path, memo in self.memos.items():
            if memo.used != memo.known:
                write_whole(path, json.dumps({"sha256": _digest(memo.used), "values": memo.used}).encode())

    def prune(self) -> None:
        """Keep the entries this build used (the cache holds one build's worth of PDFs, audio and braille)."""
        for kind in ("pdf", "audio", "braille"):
            folder = self.folder / kind
            if not folder.is_dir():
                continue
            for path in folder.glob("*/*"):
                if path.stem not in self.used:
                    clear(path)
