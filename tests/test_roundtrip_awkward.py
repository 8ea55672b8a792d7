"""Awkward articles, generated: every word of each is read back, in order, from each of its PDFs
(the book; handouts in standard and large print, on A4 and Letter), and every glyph is on the page.

Hypothesis writes about 20 articles, each built as a book of its own, with what editors paste and
what used to be cut off or lost: tables of up to 14 columns (short numbers that fit, long words
that do not), words of up to 220 letters, web addresses of up to 240 characters, code lines of
up to 320, lists nested 14 deep and quotes 10 deep, pictures far wider or taller than a page,
long headings, phone numbers, dates and doses. The words expected
come from the generator, not from plainpress: what the article says, against what the paper says.
"""

from __future__ import annotations

import shutil
import string
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

from plainpress.commands.build import build

from .helpers import FIXTURES
from .roundtrip import Segment, find_in_order, pdf_words, words_of
from .test_roundtrip import glyph_problems

LETTERS = string.ascii_lowercase
# A draft (no review dates): an editor's paste before review, so that a random number beside a
# random one-letter word ("12 g") is a warning (A001), not an error that stops the build.
FRONT = """---
title: {title}
summary: {summary}
date: 2026-01-02
authors: [Test Editor]
keywords: [awkward]
---

"""


@dataclass
class Written:
    """An article as written (Markdown) and as it must read (the segments of words, in order)."""

    blocks: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    images: dict[str, tuple[int, int]] = field(default_factory=dict)  # file name -> (width, height)

    def add(self, markdown: str, words: list[str] | None = None, segment: Segment | None = None) -> None:
        self.blocks.append(markdown)
        if segment is not None:
            self.segments.append(segment)
        for word in words or []:
            self.segments.append([[word]])


short_word = st.text(LETTERS, min_size=1, max_size=10)
long_word = st.text(LETTERS, min_size=40, max_size=220)
number = st.integers(0, 99999).map(str)
cell_word = st.one_of(short_word, number, long_word)


@st.composite
def url(draw: st.DrawFn) -> str:
    host = draw(st.text(LETTERS, min_size=3, max_size=20))
    parts = draw(
        st.lists(
            st.builds(lambda a, b: f"{a}-{b}", st.text(LETTERS, min_size=1, max_size=12), number),
            min_size=1,
            max_size=18,
        )
    )
    tail = draw(st.sampled_from(["", ".html", "/index.php", ".pdf"]))
    return (f"https://www.{host}.example.org/" + "/".join(parts) + tail)[:240]


@st.composite
def code_line(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.text(LETTERS + "_", min_size=1, max_size=14), min_size=2, max_size=24))
    line = f"result = {names[0]}(" + ", ".join(f"{n}={i}" for i, n in enumerate(names[1:])) + ")"
    return line[:320]


@st.composite
def table(draw: st.DrawFn) -> tuple[str, Segment]:
    columns = draw(st.integers(2, 14))
    rows = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["numbers", "words", "mixed"]))
    cell = {"numbers": number, "words": st.one_of(short_word, long_word), "mixed": cell_word}[kind]
    head = [draw(short_word) + str(i) for i in range(columns)]
    body = [[draw(cell) for _ in range(columns)] for _ in range(rows)]
    markdown = "\n".join(
        ["| " + " | ".join(head) + " |", "|" + "---|" * columns] + ["| " + " | ".join(r) + " |" for r in body]
    )
    grid = [w for text in head + [c for r in body for c in r] for w in words_of(text)]
    stacked = [w for r in body for h, c in zip(head, r, strict=True) for w in words_of(h) + words_of(c)]
    return markdown, [grid, stacked]


@st.composite
def deep_list(draw: st.DrawFn) -> tuple[str, list[str]]:
    depth = draw(st.integers(2, 14))
    lines, words = [], []
    for level in range(depth):
        for _ in range(draw(st.integers(1, 2))):
            item = draw(st.lists(st.one_of(short_word, long_word, number), min_size=1, max_size=8))
            lines.append("    " * level + "- " + " ".join(item))
            words += [w for text in item for w in words_of(text)]
    return "\n".join(lines), words


@st.composite
def quotes(draw: st.DrawFn) -> tuple[str, list[str]]:
    depth = draw(st.integers(2, 10))
    lines, words = [], []
    for level in range(1, depth + 1):
        text = " ".join(draw(st.lists(st.one_of(short_word, long_word), min_size=1, max_size=6)))
        lines += [">" * level + " " + text, ">" * level]
        words += words_of(text)
    return "\n".join(lines[:-1]), words


@st.composite
def awkward_article(draw: st.DrawFn) -> Written:
    written = Written()
    for _ in range(draw(st.integers(3, 7))):
        kind = draw(st.sampled_from(["heading", "paragraph", "table", "list", "code", "contacts", "quote", "image"]))
        if kind == "heading":
            text = " ".join(draw(st.lists(st.one_of(short_word, long_word), min_size=3, max_size=16)))
            written.add(f"## {text}", words_of(text))
        elif kind == "paragraph":
            parts = draw(st.lists(st.one_of(short_word, short_word, long_word, url(), number), min_size=1, max_size=30))
            text = " ".join(parts)
            written.add(text, words_of(text))
        elif kind == "table":
            markdown, segment = draw(table())
            written.add(markdown, segment=segment)
        elif kind == "list":
            markdown, words = draw(deep_list())
            written.add(markdown, words)
        elif kind == "code":
            lines = draw(st.lists(code_line(), min_size=1, max_size=3))
            written.add("```\n" + "\n".join(lines) + "\n```", words_of(" ".join(lines)))
        elif kind == "quote":
            markdown, words = draw(quotes())
            written.add(markdown, words)
        elif kind == "image":
            size = draw(st.sampled_from([(4000, 60), (60, 4000), (900, 900), (3, 3)]))
            name = f"picture-{len(written.images)}.png"
            written.images[name] = size
            written.add(f"![A picture {size[0]} by {size[1]}]({name})")  # its alt is read, not printed
        else:
            text = (
                f"Call 01632 {draw(st.integers(100, 999))} {draw(st.integers(100, 999))} before "
                f"{draw(st.integers(1, 28))} Nov 2029 and take {draw(st.integers(1, 900))} mg, "
                f"said fa-sik-yoo-LAY-shun."
            )
            written.add(text, words_of(text))
    return written


def _book(folder: Path, written: Written, title: str) -> Path:
    shutil.copytree(FIXTURES / "mini", folder, ignore=shutil.ignore_patterns("articles"))
    (folder / "articles").mkdir()
    summary = "Awkward content that editors paste."
    (folder / "articles" / "awkward.md").write_text(
        FRONT.format(title=title, summary=summary) + "\n\n".join(written.blocks) + "\n"
    )
    for name, size in written.images.items():
        Image.new("RGB", size, "teal").save(folder / "articles" / name)
    config = folder / "book.yaml"
    head = config.read_text().split("\nchapters:")[0]
    config.write_text(head + "\nchapters:\n  - awkward\n")
    return folder


@pytest.mark.timeout(900)
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # a failure is reported as found: no shrinking builds
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(written=awkward_article(), title_words=st.lists(short_word, min_size=2, max_size=12))
def test_every_word_of_an_awkward_article_reaches_each_of_its_pdfs(tmp_path_factory, written, title_words):
    tmp = tmp_path_factory.mktemp("awkward")
    title = " ".join(title_words).capitalize()
    book = _book(tmp / "book", written, title)
    out = tmp / "dist"
    result = build(book, out)  # no H002: common content fits without an error
    assert not [f for f in result.findings if f.code == "H002"]
    expected = [[[w]] for w in words_of(title + " Awkward content that editors paste.")] + written.segments
    pdfs = [p for p in out.rglob("*.pdf") if p.parent == out or p.name.startswith("awkward-")]
    names = sorted(p.name for p in pdfs)
    assert len(pdfs) == 5, names  # the book; A4 and Letter, standard and large print
    problems = []
    for pdf in pdfs:
        missing = find_in_order(pdf_words(pdf), expected)
        if missing:
            problems.append(f"{pdf.relative_to(out)}: {missing}")
        problems += glyph_problems(pdf)
    assert not problems, "\n".join(problems) + "\n\n" + (book / "articles" / "awkward.md").read_text()[:3000]
