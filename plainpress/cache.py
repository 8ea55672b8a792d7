"""The content-hash cache of laid-out PDFs (``.plainpress-cache/`` beside the output folder).

A PDF is a pure function of its :class:`~plainpress.pdfrender.PdfJob` (the HTML and
stylesheets the outputs wrote, which already carry every article, glossary entry,
reference, profile and layout they use), of the files WeasyPrint loads while laying
it out (fonts, images, logos), and of the code that renders it. The key hashes the
job with this package's source and the renderer's versions (Pango's too); each entry records the
files it loaded with their hashes and is used only while they are all unchanged.
So an edit to one article lays out again only the outputs whose HTML it changes.

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


@dataclass
class RenderCache:
    folder: Path
    code: str = field(default_factory=lambda: f"{code_fingerprint()} pango {pango.pango_version()}")
    hashes: FileHashes = field(default_factory=FileHashes)
    used: set[str] = field(default_factory=set)

    def key(self, job: PdfJob) -> str:
        return hashlib.sha256(f"{self.code}\0{job.digest()}".encode()).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / "pdf" / key[:2] / key
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, key: str) -> PdfResult | None:
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

    def put(self, key: str, result: PdfResult) -> None:
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

    def prune(self) -> None:
        """Keep the entries this build used (the cache holds one build's worth of PDFs)."""
        folder = self.folder / "pdf"
        if not folder.is_dir():
            return
        for path in folder.glob("*/*"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
