"""Audio handouts: per clinic profile, an MP3 of each article (title, summary, body) ending with
the clinic's contact, and of the red-flag card, with an ID3 chapter (``CHAP``, listed by a
``CTOC``) per heading, so a player can skip from section to section.

``dist/audio/<clinic>/<slug>.mp3`` and ``dist/audio/<clinic>/red-flag-card.mp3``
(``neutral/`` for a book without profiles); a draft's audio goes to ``dist/drafts/audio/…``
(:func:`plainpress.model.output_path`) and says that it is a draft before anything else. As with
the printed cards, the card in ``audio/`` reads the signs of reviewed articles; when drafts add
signs, ``drafts/audio/<clinic>/red-flag-card.mp3`` reads them all, after saying it is a draft.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html
from mutagen.id3 import CHAP, CTOC, ID3, TIT2, TLAN, CTOCFlags

from ..markup import article_html, policy_for
from ..messages import Messages
from ..model import Article, Book, Output, Profile, RedFlag, output_path, reference_anchor
from ..model.entries import Done, Early, Entry, Group, Kind, Listing, Made, Plan, Task
from ..sentences import Sentence, mark_document
from ..speech import lexicon_for, segments, voice_for
from ..synth import AudioJob, AudioResult
from ..templates import render
from ..views import card_view

CARD_NAME = "red-flag-card.mp3"
AUDIO = Kind("audio", frozenset({Group.HANDOUTS, Group.AUDIO}), audio=True)
AUDIO_CARD = Kind("audio-card", frozenset({Group.HANDOUTS, Group.AUDIO}), audio=True)


@dataclass(frozen=True)
class Chapter:
    title: str
    begin: float  # seconds
    end: float


def _article_html(book: Book, article: Article, profile: Profile, say: Messages) -> str:
    titles = {a.slug: a.title for a in book.articles}
    policy = policy_for(
        book,
        chapter_href=lambda slug, fragment: None,
        chapter_note=lambda slug: say("handout.see", title=titles[slug]),
        term_href=lambda entry: f"#{entry.anchor}",
        ref_href=lambda key: "#" + reference_anchor(key),
        contacts=profile.contacts(),
    )
    notices = []
    if article.is_draft:
        notices.append(say("handout.draft", edition=book.config.edition))
    if book.config.sample:
        notices.append(say("handout.sample"))
    lines = [
        *(f"<p>{html.escape(n)}</p>" for n in notices),
        f"<h1>{html.escape(article.title)}</h1>",
        f"<p>{html.escape(article.meta.summary)}</p>",
        article_html(article, policy),
        f"<h2>{html.escape(say('handout.questions'))}</h2>",
        f"<p>{html.escape(_contact(profile, say))}</p>",
    ]
    return "<div>" + "\n".join(lines) + "</div>"


def _contact(profile: Profile, say: Messages) -> str:
    """The clinic's contact, read at the end of every handout."""
    parts = [say("handout.call", name=profile.name, phone=profile.phone)]
    if profile.hours:
        parts.append(say("handout.hours", hours=profile.hours))
    if profile.out_of_hours:
        parts.append(say("handout.out_of_hours", phone=profile.out_of_hours))
    parts.append(say("handout.emergency", number=profile.emergency_number))
    return " ".join(parts)


def _sentences(fragment: str) -> list[Sentence]:
    root = lxml_html.fragment_fromstring(fragment)
    return mark_document(root)


def _card_flags(book: Book, draft: bool) -> list[RedFlag]:
    """The signs a card gathers, as the printed cards do: those of reviewed articles, or every sign."""
    drafts = {a.slug for a in book.articles if a.is_draft}
    return list(book.red_flags) if draft else [f for f in book.red_flags if f.article not in drafts]


def _card_sentences(book: Book, profile: Profile, say: Messages, layouts: object, draft: bool) -> list[Sentence]:
    items = card_view(book, say, profile.contacts(), lambda slug, anchor: f"#{anchor}", _card_flags(book, draft))
    page = render("epub/card.xhtml.j2", layouts, page_title=say("card"), lang=book.language, say=say, items=items)
    root = etree.fromstring(page.encode())
    if draft:  # said first, as the draft card prints it
        notice = etree.Element("{http://www.w3.org/1999/xhtml}p")
        notice.text = say("draft.card")
        root.find("{http://www.w3.org/1999/xhtml}body").insert(0, notice)
    return mark_document(root)


def chapters(sentences: list[Sentence], result: AudioResult) -> list[Chapter]:
    """A chapter per heading, from where the heading is read to where the next one is."""
    clip = {c.id: c for c in result.clips}
    marks = [(s.text, clip[s.id].begin) for s in sentences if s.level and s.id in clip]
    if marks:
        marks[0] = (marks[0][0], 0.0)  # the first chapter takes in what is read before it (a notice)
    ends = [begin for _, begin in marks[1:]] + [result.duration]
    return [Chapter(title, begin, end) for (title, begin), end in zip(marks, ends, strict=True)]


def tag(mp3: bytes, title: str, language: str, marks: list[Chapter], contents: str) -> bytes:
    """The MP3 with an ID3v2.4 tag: title, language, and the chapters in a table of contents."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TLAN(encoding=3, text=[language]))
    ids = [f"chp{n}" for n in range(1, len(marks) + 1)]
    for ident, mark in zip(ids, marks, strict=True):
        start, end = round(mark.begin * 1000), round(mark.end * 1000)
        tags.add(
            CHAP(element_id=ident, start_time=start, end_time=end, sub_frames=[TIT2(encoding=3, text=[mark.title])])
        )
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    tags.add(CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[contents])]))
    out = io.BytesIO(mp3)
    tags.save(out, padding=lambda info: 0)
    return out.getvalue()


def entries(book: Book, layouts: Path) -> Listing:
    """Per profile: an audio handout per article, then the red-flag card (and the draft card)."""
    listed = []
    for profile in book.profiles:
        for article in book.articles:
            path = output_path("audio", profile.slug, f"{article.slug}.mp3", article.is_draft)
            plan = partial(_plan_article, book, profile, article, path)
            listed.append(
                Entry(path, AUDIO, f"{article.title} (audio)", plan, profile=profile.slug, article=article.slug)
            )
        for draft in _card_drafts(book):
            path = output_path("audio", profile.slug, CARD_NAME, draft)
            plan = partial(_plan_card, book, profile, layouts, draft, path)
            label = "Red-flag card (audio" + (", draft)" if draft else ")")
            listed.append(Entry(path, AUDIO_CARD, label, plan, profile=profile.slug))
    return Listing(listed, (AUDIO, AUDIO_CARD))


def _card_drafts(book: Book) -> list[bool]:
    """The card of reviewed articles' signs (False) when there are any; the draft card (True) when drafts add some."""
    reviewed, every = _card_flags(book, False), _card_flags(book, True)
    return [d for d, flags in ((False, reviewed), (True, every)) if flags and (not d or every != reviewed)]


def _plan_article(book: Book, profile: Profile, article: Article, path: str, early: Early) -> Plan:
    say = Messages(book.language)
    sentences = _sentences(_article_html(book, article, profile, say))
    extra = {"profile": profile.slug, "article": article.slug}
    return _planned(book, path, article.title, sentences, AUDIO, extra, say)


def _plan_card(book: Book, profile: Profile, layouts: object, draft: bool, path: str, early: Early) -> Plan:
    say = Messages(book.language)
    sentences = _card_sentences(book, profile, say, layouts, draft)
    extra = {"profile": profile.slug}
    return _planned(book, path, say("card"), sentences, AUDIO_CARD, extra, say)


def _planned(
    book: Book, path: str, title: str, sentences: list[Sentence], kind: Kind, extra: dict[str, object], say: Messages
) -> Plan:
    job = AudioJob(path, voice_for(book), book.config.speech.rate, segments(sentences, lexicon_for(book)))

    def finish(done: Done) -> Made:
        result: AudioResult = done.results[0]
        marks = chapters(sentences, result)
        data = tag(result.data, title, book.language, marks, say("contents"))
        info = {**extra, "duration": result.duration, "chapters": len(marks)}
        return Made([Output(kind.name, str(extra["profile"]), path, data, extra=info)])

    return Plan((Task(path, job),), finish)
