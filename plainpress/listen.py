"""The preview's read-aloud pages: ``/book/listen/<file>.xhtml`` plays a chapter (or the card, or
the glossary) and highlights the sentence being read, as a reading system does with the
read-aloud EPUB's media overlay.

The page is the preview's own document of the EPUB with its sentences marked as in the
read-aloud EPUB (:mod:`plainpress.sentences`), the highlight style of ``layouts/epub/read-aloud.css``,
an ``<audio>`` player and its clips. The speech is synthesised when the page is first asked for
(:mod:`plainpress.synth`), then kept until the book changes. Nothing is written to ``dist/``.
"""

from __future__ import annotations

import json
import threading

from lxml import etree

from .model import Book
from .outputs.read_aloud import ACTIVE_CLASS, EPUB_NS, READ, segments
from .preview import Preview, inject
from .sentences import mark_document
from .speech import lexicon_for, voice_for
from .synth import AudioJob
from .templates import read_layout

PREFIX = "/book/listen/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SCRIPT = """
(function () {
  var audio = document.getElementById("read-aloud-player");
  var clips = JSON.parse(document.getElementById("read-aloud-clips").textContent);
  var current = null;
  function show() {
    var t = audio.currentTime, id = null;
    for (var i = 0; i < clips.length; i++) {
      if (t >= clips[i].begin && t < clips[i].end) { id = clips[i].id; break; }
    }
    if (id !== current) {
      if (current) document.getElementById(current).classList.remove("%(active)s");
      if (id) {
        var element = document.getElementById(id);
        element.classList.add("%(active)s");
        element.scrollIntoView({block: "nearest"});
      }
      current = id;
      document.documentElement.setAttribute("data-reading", id || "");
    }
    if (!audio.paused) window.requestAnimationFrame(show);
  }
  audio.addEventListener("play", show);
  audio.addEventListener("seeked", show);
  audio.addEventListener("timeupdate", show);
  audio.addEventListener("ended", show);
  document.addEventListener("click", function (event) {
    var sentence = event.target.closest(".sentence");
    if (!sentence || event.target.closest("a")) return;
    for (var i = 0; i < clips.length; i++) {
      if (clips[i].id === sentence.id) { audio.currentTime = clips[i].begin + 0.001; audio.play(); }
    }
  });
})();
"""


class Listening:
    """Makes and keeps the read-aloud pages of one preview."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self._lock = threading.Lock()  # one synthesis at a time
        self._made: dict[tuple[int, str], tuple[bytes, bytes]] = {}  # (model, file) -> (page, mp3)

    def readable(self) -> list[tuple[str, str]]:
        """(file under text/, title) of the documents that can be listened to, in reading order."""
        snap = self.preview.snapshot
        return [(file, title) for file, title in snap.spine if self._section(snap.files[f"text/{file}"][0]) is not None]

    @staticmethod
    def _section(data: bytes) -> etree._Element | None:
        root = etree.fromstring(data)
        body = root.find(f"{{{XHTML_NS}}}body")
        if body is None or not any(e.get(f"{{{EPUB_NS}}}type") in READ for e in body if isinstance(e.tag, str)):
            return None
        return root

    def get(self, path: str) -> tuple[bytes, str] | None:
        """The page (``<file>.xhtml``) or its speech (``<file>.mp3``) under :data:`PREFIX`; None when unknown."""
        name = path.removeprefix(PREFIX)
        file, _, suffix = name.rpartition(".")
        made = self._make(f"{file}.xhtml") if suffix in ("xhtml", "mp3") else None
        if made is None:  # a document that is not read aloud (the bibliography): as in the book
            return self.preview.book_file(f"text/{name}") if suffix == "xhtml" else None
        page, mp3 = made
        if suffix == "mp3":
            return mp3, "audio/mpeg"
        return inject(page.decode(), self.preview.snapshot.version).encode(), "application/xhtml+xml; charset=utf-8"

    def _make(self, file: str) -> tuple[bytes, bytes] | None:
        with self._lock:
            snap = self.preview.snapshot
            found = snap.files.get(f"text/{file}")
            if snap.book is None or found is None:
                return None
            key = (snap.model, file)
            if key not in self._made:
                root = self._section(found[0])
                if root is None:
                    return None
                self._made = {k: v for k, v in self._made.items() if k[0] == snap.model}
                self._made[key] = self._page(root, file, snap.book)
            return self._made[key]

    def _page(self, root: etree._Element, file: str, book: Book) -> tuple[bytes, bytes]:
        body = root.find(f"{{{XHTML_NS}}}body")
        sentences = mark_document(body)
        job = AudioJob(file, voice_for(book), book.config.speech.rate, segments(sentences, lexicon_for(book)))
        result = job.run()
        head = root.find(f"{{{XHTML_NS}}}head")
        style = etree.SubElement(head, f"{{{XHTML_NS}}}style")
        style.text = read_layout("epub/read-aloud.css", self.preview.layouts)
        player = etree.Element(f"{{{XHTML_NS}}}audio", id="read-aloud-player", controls="controls")
        player.set("src", PREFIX + file.removesuffix(".xhtml") + ".mp3")
        player.set("style", "position: sticky; top: 0; width: 100%; z-index: 1;")
        body.insert(0, player)
        clips = [{"id": c.id, "begin": c.begin, "end": c.end} for c in result.clips]
        data = etree.SubElement(body, f"{{{XHTML_NS}}}script", id="read-aloud-clips", type="application/json")
        data.text = json.dumps(clips)
        script = etree.SubElement(body, f"{{{XHTML_NS}}}script")
        script.text = SCRIPT % {"active": ACTIVE_CLASS}
        page = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
        return page, result.data
