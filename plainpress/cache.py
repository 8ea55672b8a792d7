"""The content-hash cache of laid-out PDFs (``.plainpress-cache/`` beside the output folder).

A PDF is a pure function of its :class:`~plainpress.pdfrender.PdfJob` (the HTML and
stylesheets the outputs wrote, which already carry every article, glossary entry,
reference, profile and layout they use), of the files WeasyPrint loads while laying
it out (fonts, images, logos), and of the code that renders it. The key hashes the
job with this package's source and the renderer's versions (Pango's too); each entry records the
files it loaded with their hashes and is used only while they are all unchanged.
So an edit to one article lays out again only the outputs whose HTML it changes.

Audio (``plainpress.synth``) is cached the same way, under ``audio/``: an :class:`AudioJob` is
its sentences, voice and rate, and its key hashes them with the code and espeak-ng's version.

Entries are kept for one build: those the last build did not use are removed after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from weasyprint.text.ffi import pango

from .layoutcheck import Overflow
from .pdfrender import PageStart, PdfJob, PdfResult
from .stamp import FileHashes, code_fingerprint, write_whole
from .synth import AudioJob, AudioResult, Clip


@dataclass
class RenderCache:
    folder: Path
    code: str = field(default_factory=lambda: f"{code_fingerprint()} pango {pango.pango_version()}")
    hashes: FileHashes = field(default_factory=FileHashes)
    used: set[str] = field(default_factory=set)

    def key(self, job: PdfJob | AudioJob) -> str:
        return hashlib.sha256(f"{self.code}\0{job.digest()}".encode()).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / "pdf" / key[:2] / key
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, key: str, kind: str = "pdf") -> PdfResult | AudioResult | None:
        if kind == "audio":
            return self._get_audio(key)
        pdf, meta = self._paths(key)
        try:
            record = json.loads(meta.read_text())
            data = pdf.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != record.get("sha256"):
            return None  # damaged entry: render again
        if any(self.hashes(path) != digest for path, digest in record["resources"].items()):
            return None  # a font, image or logo it loaded has changed
        self.used.add(key)
        starts = [
            PageStart(list(s["ids"]), tuple(s["first_line"]) if s["first_line"] else None) for s in record["starts"]
        ]
        overflowing = [Overflow(**o) for o in record.get("overflows", [])]
        return PdfResult(
            data,
            record["pages"],
            record["anchors"],
            starts,
            record["resources"],
            0.0,
            overflowing,
            record.get("stacked", 0),
        )

    def put(self, key: str, result: PdfResult | AudioResult) -> None:
        if isinstance(result, AudioResult):
            return self._put_audio(key, result)
        pdf, meta = self._paths(key)
        record = {
            "sha256": hashlib.sha256(result.data).hexdigest(),
            "pages": result.pages,
            "anchors": result.anchors,
            "starts": [{"ids": s.ids, "first_line": s.first_line} for s in result.page_starts],
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
            record = json.loads(base.with_suffix(".json").read_text())
            data = base.with_suffix(".mp3").read_bytes()
            if hashlib.sha256(data).hexdigest() != record.get("sha256"):
                return None  # damaged entry: synthesise again
            clips = [Clip(c["id"], c["begin"], c["end"]) for c in record["clips"]]
            result = AudioResult(data, clips, record["duration"], record["rms"])
        except (OSError, ValueError, KeyError, TypeError):
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

    def prune(self) -> None:
        """Keep the entries this build used (the cache holds one build's worth of PDFs and audio)."""
        for kind in ("pdf", "audio"):
            folder = self.folder / kind
            if not folder.is_dir():
                continue
            for path in folder.glob("*/*"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)
