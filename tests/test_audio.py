"""The audio outputs of the mini book: the read-aloud EPUB (media overlays) and the audio handouts.

The speech is judged by things we did not write: EPUBCheck and Ace on the EPUB, miniaudio's MP3
decoder for the audio as played, espeak-ng run on its own (``-w``, a WAV file) for each sentence's
length, and mutagen for the ID3 chapters.
"""

from __future__ import annotations

import json
import math
import posixpath
import shutil
import subprocess
import sys
import wave
import zipfile
from itertools import pairwise
from pathlib import Path

import miniaudio
import pytest
from lxml import etree
from mutagen.id3 import ID3

from plainpress.commands.build import build
from plainpress.readability import WORD, split_sentences
from plainpress.sentences import BLOCKS, TEXT_BLOCKS, Sentence, local, spoken_text, tidy
from plainpress.speech import lexicon_for, voice_for
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather
from plainpress.synth import RATE

from .ace import run_ace
from .conftest import Built
from .helpers import FIXTURES, ROOT, by_severity, epubcheck_messages

MINI = FIXTURES / "mini"
SMIL = "{http://www.w3.org/ns/SMIL}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="make test installs espeak-ng")


def _build(out: Path, **options) -> Built:
    build(MINI, out, audio=True, jobs=2, **options)
    return Built(MINI, out)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> Built:
    """The whole mini book with audio: PDFs, EPUB (with its page list), read-aloud EPUB, audio handouts."""
    return _build(tmp_path_factory.mktemp("audio") / "dist")


@pytest.fixture(scope="module")
def read_aloud(spoken) -> dict[str, bytes]:
    with zipfile.ZipFile(spoken.output("read-aloud")) as z:
        return {name: z.read(name) for name in z.namelist()}


def _decoded(mp3: bytes) -> miniaudio.DecodedSoundFile:
    return miniaudio.decode(mp3, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=RATE)


def _seconds(value: str) -> float:
    assert value.endswith("s"), value
    return float(value[:-1])


def _overlays(entries: dict[str, bytes]) -> dict[str, list[tuple[str, str, float, float]]]:
    """Each SMIL file: its pars as (text document, fragment, clip begin, clip end), paths from the zip's root."""
    out = {}
    for name in sorted(n for n in entries if n.endswith(".smil")):
        pars = []
        for par in etree.fromstring(entries[name]).iter(f"{SMIL}par"):
            text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
            doc, _, fragment = text.get("src").partition("#")
            doc = posixpath.normpath(posixpath.join(posixpath.dirname(name), doc))
            source = posixpath.normpath(posixpath.join(posixpath.dirname(name), audio.get("src")))
            pars.append((doc, fragment, _seconds(audio.get("clipBegin")), _seconds(audio.get("clipEnd")), source))
        out[name] = pars
    return out


def test_opt_in_an_ordinary_build_makes_no_audio(mini):
    kinds = {o["kind"] for o in mini.manifest["outputs"]}
    assert not kinds & {"read-aloud", "audio", "audio-card"}
    assert not any(p.suffix == ".mp3" for p in mini.dist.rglob("*"))


def test_every_text_reference_points_at_an_id(read_aloud):
    overlays = _overlays(read_aloud)
    assert len(overlays) == 4  # two chapters, the red-flag card, the glossary
    for name, pars in overlays.items():
        for doc, fragment, *_ in pars:
            root = etree.fromstring(read_aloud[doc])
            assert root.xpath("//*[@id=$id]", id=fragment), f"{name}: {doc}#{fragment} does not exist"


def test_clip_times_rise_and_stay_inside_the_audio(read_aloud):
    for name, pars in _overlays(read_aloud).items():
        audio = {source for *_, source in pars}
        assert len(audio) == 1, name
        decoded = _decoded(read_aloud[audio.pop()])
        duration = decoded.num_frames / decoded.sample_rate
        previous_end = 0.0
        for _doc, fragment, begin, end, _ in pars:
            assert previous_end <= begin < end <= duration, (name, fragment, begin, end, duration)
            previous_end = end


def _sentence_count(root: etree._Element) -> int:
    """Sentences of a document as the reading-level check counts them, in each text block's own text."""

    def own_text(element: etree._Element) -> str:
        out = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str) and local(child) not in BLOCKS:
                out.append(spoken_text(child))
            out.append(child.tail or "")
        return "".join(out)

    count = 0
    for element in root.iter():
        if isinstance(element.tag, str) and local(element) in TEXT_BLOCKS:
            count += len(split_sentences(" ".join(own_text(element).split())))
    return count


def _alone(text: str, voice: str, rate: int, path: Path) -> float:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_one_par_per_sentence_each_as_long_as_its_sentence_said_alone(spoken, read_aloud, tmp_path):
    with zipfile.ZipFile(spoken.output("epub")) as z:
        plain = {name: z.read(name) for name in z.namelist()}
    book = gather(MINI)
    analyse(book)
    lexicon, voice, rate = lexicon_for(book), voice_for(book), book.config.speech.rate
    checked = 0
    for name, pars in _overlays(read_aloud).items():
        doc = pars[0][0]
        assert len(pars) == _sentence_count(etree.fromstring(plain[doc])), name
        root = etree.fromstring(read_aloud[doc])
        for _doc, fragment, begin, end, _ in pars:
            span = root.xpath("//*[@id=$id]", id=fragment)[0]
            parent_class = (span.getparent().get("class") or "").split()
            sentence = Sentence(fragment, tidy(spoken_text(span)), False, 0, "pronounce" in parent_class)
            alone = _alone(lexicon.say(sentence), voice, rate, tmp_path / "alone.wav")
            assert abs((end - begin) - alone) <= 0.05, (name, fragment, end - begin, alone)
            checked += 1
    assert checked >= 40


def test_headings_list_items_and_table_cells_are_read(read_aloud):
    for doc in ("EPUB/text/ch01-first-steps.xhtml", "EPUB/text/glossary.xhtml", "EPUB/text/card.xhtml"):
        root = etree.fromstring(read_aloud[doc])
        for element in root.iter():
            if isinstance(element.tag, str) and local(element) in {"h1", "h2", "h3", "h4", "li", "td", "th", "dt"}:
                if " ".join(spoken_text(element).split()):
                    assert element.xpath(".//*[@class='sentence']"), (doc, etree.tostring(element)[:200])


def test_words_a_minute_in_every_chapter(read_aloud):
    for name, pars in _overlays(read_aloud).items():
        root = etree.fromstring(read_aloud[pars[0][0]])
        words = sum(len(WORD.findall(spoken_text(root.xpath("//*[@id=$id]", id=f)[0]))) for _, f, *_ in pars)
        minutes = _decoded(read_aloud[pars[0][4]]).num_frames / RATE / 60
        assert 100 <= words / minutes <= 250, (name, words / minutes)


def _dbfs(samples) -> float:
    if not len(samples):
        return -math.inf
    power = sum(s * s for s in samples) / len(samples)
    return 10 * math.log10(power / 32768**2) if power else -math.inf


def test_the_speech_is_loud_inside_its_clips_and_quiet_between(spoken, read_aloud):
    for name, pars in _overlays(read_aloud).items():
        samples = _decoded(read_aloud[pars[0][4]]).samples
        assert _dbfs(samples) > -35, name  # not silence
        inside = [s for *_, begin, end, _ in pars for s in samples[int(begin * RATE) : int(end * RATE)]]
        gaps = [
            s
            for (*_, end, _), (_, _, begin, *_) in pairwise(pars)
            for s in samples[int(end * RATE) + 441 : int(begin * RATE) - 441]
        ]
        assert _dbfs(inside) > _dbfs(gaps) + 20, name  # the clips are where the speech is
    for entry in spoken.manifest["outputs"]:
        if entry["kind"] in ("audio", "audio-card"):
            assert _dbfs(_decoded((spoken.dist / entry["path"]).read_bytes()).samples) > -35, entry["path"]


def test_the_package_declares_the_overlays_and_their_durations(read_aloud):
    opf = etree.fromstring(read_aloud["EPUB/content.opf"])
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    durations = {m.get("refines"): m.text for m in opf.xpath("//opf:meta[@property='media:duration']", namespaces=ns)}
    overlays = opf.xpath("//opf:item[@media-type='application/smil+xml']/@id", namespaces=ns)
    assert sorted(f"#{o}" for o in overlays) == sorted(k for k in durations if k)
    assert None in durations  # the book's total
    users = opf.xpath("//opf:item[@media-overlay]/@href", namespaces=ns)
    assert sorted(users) == [
        "text/card.xhtml",
        "text/ch01-first-steps.xhtml",
        "text/ch02-second-steps.xhtml",
        "text/glossary.xhtml",
    ]
    active = opf.xpath("//opf:meta[@property='media:active-class']/text()", namespaces=ns)
    css = read_aloud["EPUB/css/book.css"].decode()
    assert active and f".{active[0]} {{" in css


def test_epubcheck_reports_nothing_on_the_read_aloud_epub(spoken):
    messages = epubcheck_messages(spoken.output("read-aloud"))
    assert by_severity(messages, "FATAL", "ERROR", "WARNING") == []


@pytest.mark.timeout(420)
def test_ace_reports_nothing_on_the_read_aloud_epub(spoken):
    report = run_ace(spoken.output("read-aloud"))
    assert report.violations == [], "\n".join(map(str, report.violations))


def test_audio_handouts_have_a_chapter_per_heading_and_end_with_the_contact(spoken):
    handouts = [o for o in spoken.manifest["outputs"] if o["kind"] == "audio"]
    assert sorted(o["path"] for o in handouts) == ["audio/neutral/first-steps.mp3", "audio/neutral/second-steps.mp3"]
    card = [o for o in spoken.manifest["outputs"] if o["kind"] == "audio-card"]
    assert [o["path"] for o in card] == ["audio/neutral/red-flag-card.mp3"]
    tags = ID3(spoken.dist / "audio/neutral/first-steps.mp3")
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames["TIT2"]) for c in chapters]
    assert titles == ["First steps", "Sleep well", "A short table", "Urgent: Call your doctor today", "Questions?"]
    (toc,) = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in chapters]
    duration = handouts[0]["duration"] * 1000
    assert chapters[0].start_time == 0 and abs(chapters[-1].end_time - duration) <= 1
    assert all(a.end_time == b.start_time for a, b in pairwise(chapters))
    assert not tags.getall("TDRC") and not tags.getall("TDEN")  # no time stamps


def test_the_manifest_gives_durations(spoken):
    entry = next(o for o in spoken.manifest["outputs"] if o["kind"] == "read-aloud")
    assert entry["path"] == "mini-fixture-book-read-aloud.epub"
    assert set(entry["overlays"]) == {"ch01-first-steps", "ch02-second-steps", "card", "glossary"}
    assert abs(entry["duration"] - sum(entry["overlays"].values())) < 0.01


def test_two_builds_are_byte_identical(spoken, tmp_path):
    again = _build(tmp_path / "dist")
    for entry in spoken.manifest["outputs"]:
        if entry["kind"] in ("read-aloud", "audio", "audio-card"):
            assert (again.dist / entry["path"]).read_bytes() == (spoken.dist / entry["path"]).read_bytes(), entry


def _copy(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    shutil.copytree(MINI, book)
    return book


def test_cached_by_content_and_drafts_go_to_drafts(tmp_path):
    book = _copy(tmp_path)
    lines = []
    build(book, tmp_path / "dist", only="audio", jobs=1, use_cache=True)
    second = book / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("reviewed: 2026-01-02\n", "status: draft\nreviewed: 2026-01-02\n"))
    result = build(book, tmp_path / "dist", only="audio", jobs=1, use_cache=True, progress=lines.append)
    paths = {o.path for o in result.outputs}
    assert "drafts/audio/neutral/second-steps.mp3" in paths and "audio/neutral/second-steps.mp3" not in paths
    # as the printed cards: the card reads the reviewed articles' signs, the draft card every sign
    assert {"audio/neutral/red-flag-card.mp3", "drafts/audio/neutral/red-flag-card.mp3"} <= paths
    cached = {line.split(" ")[0] for line in lines if "from the cache" in line}
    assert "audio/neutral/first-steps.mp3" in cached and "read-aloud/ch01-first-steps.mp3" in cached
    assert "drafts/audio/neutral/second-steps.mp3" not in cached


def test_a_machine_without_espeak_gets_one_message_naming_the_package(tmp_path):
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "SOURCE_DATE_EPOCH": "1795000000"}
    args = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(MINI), "--out", str(tmp_path / "d")]
    run = subprocess.run([*args, "--only", "audio", "--quiet"], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 2, run.stderr
    assert "espeak-ng" in run.stderr and "apt-get install" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(
    ("speech", "expected"),
    [("speech: {rate: 400}", "expected 100 to 220 words a minute"), ("speech: {voice: Klingon}", "espeak-ng voice")],
)
def test_speech_settings_are_checked(tmp_path, speech, expected):
    book = _copy(tmp_path)
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + speech + "\n")
    args = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(book), "--out", str(tmp_path / "d")]
    run = subprocess.run([*args, "--only", "audio", "--quiet"], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and expected in run.stderr and "book.yaml:" in run.stderr, run.stderr


def test_a_voice_espeak_does_not_have_is_named(tmp_path):
    book = _copy(tmp_path)
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "speech: {voice: xx-nowhere}\n")
    args = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(book), "--out", str(tmp_path / "d")]
    run = subprocess.run([*args, "--only", "audio", "--quiet"], capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "speech.voice 'xx-nowhere'" in run.stderr and "Traceback" not in run.stderr


def test_manifest_entries_are_json_numbers(spoken):
    text = (spoken.dist / "manifest.json").read_text()
    assert "Infinity" not in text and "NaN" not in text
    json.loads(text)


def test_the_draft_card_reads_every_sign_and_says_so_first(tmp_path):
    from plainpress.model.entries import Selection
    from plainpress.stages.catalogue import catalogue
    from plainpress.templates import DEFAULT_LAYOUTS

    book = _copy(tmp_path)
    second = book / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("reviewed: 2026-01-02\n", "status: draft\nreviewed: 2026-01-02\n"))
    model = gather(book)
    analyse(model)
    chosen = catalogue(model, DEFAULT_LAYOUTS, Selection.of("audio"))
    handouts = [e for e in chosen if e.kind.name in ("audio", "audio-card")]
    said = {e.path: " ".join(s.text for s in chosen.plan(e).tasks[0].job.segments) for e in handouts}
    assert "chest pain" not in said["audio/neutral/red-flag-card.mp3"]  # a draft's sign
    assert "several nights" in said["audio/neutral/red-flag-card.mp3"]
    draft_card = said["drafts/audio/neutral/red-flag-card.mp3"]
    assert draft_card.startswith("Draft:") and "chest pain" in draft_card and "several nights" in draft_card
    assert said["drafts/audio/neutral/second-steps.mp3"].startswith("Draft")
    assert said["audio/neutral/first-steps.mp3"].endswith("In an emergency, call 9 9 9.")  # the clinic's contact
