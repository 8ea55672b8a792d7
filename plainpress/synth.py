"""Speech synthesis: espeak-ng, one sentence at a time, encoded to MP3 with LAME (``lameenc``).

An :class:`AudioJob` (the sentences to say, the voice, the rate) is a pure input, like a
:class:`~plainpress.pdf.layout.PdfJob`: :meth:`AudioJob.run` turns it into an :class:`AudioResult`
in this process or in a worker. Each sentence is synthesised on its own, so its clip begins and
ends where its own speech does: the timings come from the speech, never from spreading a
chapter's length over its sentences. The MP3 has fixed settings (constant bit rate, mono, no
tag, no time stamp), so the same sentences give the same bytes.
"""

from __future__ import annotations

import array
import hashlib
import math
import operator
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import cache

from .errors import PlainpressError, RenderError

RATE = 22050  # espeak-ng's own sample rate
BIT_RATE = 48  # kbit/s, constant: speech in mono
QUALITY = 2
# LAME puts this many samples of silence before the first one (measured: an impulse at sample n
# decodes at n + 1058); clip times are shifted by it so that they match what a player plays.
ENCODER_DELAY = 1058
PAUSE_MS = 250  # between sentences
HEADING_PAUSE_MS = 500  # after a heading
PACKAGE = "espeak-ng"


class AudioUnavailable(PlainpressError):
    """espeak-ng (or a voice) is missing: the audio outputs cannot be made on this machine."""

    exit_code = 2


@dataclass(frozen=True)
class Segment:
    id: str  # the id of the text element it reads (a sentence span), or "" for words with no text
    text: str  # what espeak-ng is given
    pause_ms: int = PAUSE_MS  # silence after it
    words: int = 0  # words of the printed sentence (for the words-a-minute measure)


@dataclass(frozen=True)
class Clip:
    id: str
    begin: float  # seconds, in the MP3 as played
    end: float


@dataclass
class AudioResult:
    data: bytes  # the MP3
    clips: list[Clip]
    duration: float  # seconds, as played
    rms: float  # level of the PCM before encoding, in dBFS (silence: -inf)
    seconds: float = 0.0  # how long synthesis and encoding took


@dataclass(frozen=True)
class AudioJob:
    """Everything one audio file is made from."""

    title: str
    voice: str
    rate: int
    segments: tuple[Segment, ...]
    kind: str = field(default="audio", init=False)

    def digest(self) -> str:
        h = hashlib.sha256()
        h.update(f"{self.title}\0{self.voice}\0{self.rate}\0{BIT_RATE}\0{QUALITY}\0{espeak_version()}\0".encode())
        for s in self.segments:
            h.update(f"{s.id}\0{s.text}\0{s.pause_ms}\0{s.words}\0".encode())
        return h.hexdigest()

    def run(self) -> AudioResult:
        return synthesise(self)


@cache
def espeak() -> str:
    found = shutil.which(PACKAGE)
    if not found:
        raise AudioUnavailable(
            f"the audio outputs need the Debian package {PACKAGE}, which is not installed: apt-get install -y {PACKAGE}"
        )
    return found


@cache
def espeak_version() -> str:
    return subprocess.run([espeak(), "--version"], capture_output=True, text=True, check=False).stdout.strip()


@cache
def installed_voices() -> frozenset[str]:
    listing = subprocess.run([espeak(), "--voices"], capture_output=True, text=True, check=False).stdout
    names = set()
    for line in listing.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2:
            names.add(parts[1])
        if len(parts) >= 5:
            names.add(parts[4].split("/")[-1].lower())
    return frozenset(names)


def pcm_of(text: str, voice: str, rate: int) -> array.array:
    """One sentence, synthesised alone: 16-bit mono samples at :data:`RATE`."""
    run = subprocess.run(
        [espeak(), "-v", voice, "-s", str(rate), "-b", "1", "--stdout", "--stdin"],
        input=text.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    if run.returncode != 0:
        raise RenderError(f"espeak-ng failed on {text[:60]!r}: {run.stderr.decode(errors='replace')[-300:]}")
    wav = run.stdout
    at = wav.find(b"data", 12)  # the header espeak-ng writes to a pipe gives no real length: read to the end
    if wav[:4] != b"RIFF" or at < 0:
        raise RenderError(f"espeak-ng wrote no WAV for {text[:60]!r}")
    samples = array.array("h")
    body = wav[at + 8 :]
    samples.frombytes(body[: len(body) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def level_dbfs(samples: array.array) -> float:
    """The RMS level of 16-bit samples, in dB below full scale."""
    if not samples:
        return -math.inf
    power = sum(map(operator.mul, samples, samples)) / len(samples)
    return 10 * math.log10(power / 32768**2) if power else -math.inf


def encode_mp3(samples: array.array) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    data = samples.tobytes() if sys.byteorder == "little" else _swapped(samples)
    return bytes(encoder.encode(data)) + bytes(encoder.flush())


def _swapped(samples: array.array) -> bytes:
    copy = array.array("h", samples)
    copy.byteswap()
    return copy.tobytes()


def synthesise(job: AudioJob) -> AudioResult:
    started = time.monotonic()
    pcm = array.array("h")
    clips = []
    for segment in job.segments:
        spoken = pcm_of(segment.text, job.voice, job.rate) if segment.text.strip() else array.array("h")
        begin = len(pcm)
        pcm.extend(spoken)
        if segment.id:
            clips.append(Clip(segment.id, _seconds(begin + ENCODER_DELAY), _seconds(len(pcm) + ENCODER_DELAY)))
        pcm.frombytes(bytes(segment.pause_ms * RATE // 1000 * 2))
    data = encode_mp3(pcm)
    return AudioResult(data, clips, _seconds(len(pcm) + ENCODER_DELAY), level_dbfs(pcm), time.monotonic() - started)


def _seconds(samples: int) -> float:
    return round(samples / RATE, 3)
