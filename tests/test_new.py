"""`python build.py new "Article title"`: a new article with complete front matter, added to
book.yaml's chapter list by a text edit that keeps its comments and layout."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from plainpress.cli import main
from plainpress.commands.new import NewArticleError, add_to_chapters, new_article, slugify
from plainpress.stages.analyse import analyse
from plainpress.stages.enforce import enforce
from plainpress.stages.gather import gather, split_front_matter

from .helpers import FIXTURES

TODAY = dt.date(2026, 5, 4)


@pytest.fixture
def book(tmp_path):
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def _front(path):
    front, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    return yaml.safe_load(front), body


def test_new_writes_the_article_and_lists_it(book, capsys):
    before = (book / "book.yaml").read_text()
    assert main(["new", "Naps and the body clock", "--book", str(book)]) == 0
    out, err = capsys.readouterr()
    path = book / "articles" / "naps-and-the-body-clock.md"
    assert out.strip() == str(path)  # stdout is the path alone, for scripts and editors
    assert "added naps-and-the-body-clock" in err and "'More'" in err
    meta, body = _front(path)
    assert meta["title"] == "Naps and the body clock"
    assert meta["summary"] == "Write one or two plain sentences on what the reader will learn."
    assert meta["date"] == dt.date.today()
    assert "reviewed" not in meta and "next_review" not in meta  # a draft until reviewed
    assert meta["authors"] == [] and meta["keywords"] == []
    assert body.lstrip().startswith("## What this is about\n")
    # One line of book.yaml changed: the flow list of the last part got the new slug.
    after = (book / "book.yaml").read_text()
    assert after == before.replace("chapters: [second-steps]", "chapters: [second-steps, naps-and-the-body-clock]")


def test_the_new_article_is_part_of_the_book(book):
    path, _ = new_article(book, "Naps and the body clock", today=TODAY)
    model = analyse(gather(book))
    assert [a.slug for a in model.articles][-1] == "naps-and-the-body-clock"
    assert model.parts[-1].title == "More"
    assert model.articles[-1].meta.date == TODAY
    assert model.articles[-1].meta.reviewed is None
    enforce(model, strict=False)  # no errors: it builds as it is
    assert not any(f.severity.value == "error" for f in model.findings if str(path) in str(f.location))


def test_block_lists_keep_comments_and_indentation(book):
    (book / "book.yaml").write_text(
        (book / "book.yaml")
        .read_text()
        .replace(
            "chapters:\n  - first-steps\n  - part: More\n    chapters: [second-steps]\n",
            "chapters:   # reading order\n    - first-steps  # the first one\n    - second-steps\n"
            "    # more to come\n\n# end of the book\n",
        )
    )
    before = (book / "book.yaml").read_text()
    new_article(book, "Quiet evenings", today=TODAY)
    after = (book / "book.yaml").read_text()
    assert after == before.replace("    - second-steps\n", "    - second-steps\n    - quiet-evenings\n")
    assert [a.slug for a in gather(book).articles] == ["first-steps", "second-steps", "quiet-evenings"]


def test_block_list_of_the_last_part(book):
    text = "title: T\nchapters:\n  - a\n  - part: P\n    chapters:\n      - b\n      - 'c'  # quoted\npaper: a4\n"
    edited, part = add_to_chapters(text, "d")
    assert part == "P"
    assert edited == text.replace("      - 'c'  # quoted\n", "      - 'c'  # quoted\n      - d\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chapters: [a, b]\n", "chapters: [a, b, new]\n"),
        ("chapters: [a,\n  b ]  # two\n", "chapters: [a,\n  b, new ]  # two\n"),
        ("chapters: [a, b,]\n", "chapters: [a, b, new]\n"),
        ("chapters:\n- a\n- b", "chapters:\n- a\n- b\n- new\n"),  # no final newline
        ("chapters:\r\n  - a\r\n", "chapters:\r\n  - a\r\n  - new\r\n"),  # Windows line ends stay
    ],
)
def test_text_edits_of_chapter_lists(text, expected):
    assert add_to_chapters(text, "new")[0] == expected


def test_refuses_to_overwrite_an_existing_article(book, capsys):
    article = book / "articles" / "first-steps.md"
    before = (article.read_bytes(), (book / "book.yaml").read_bytes())
    assert main(["new", "First steps", "--book", str(book)]) == 1
    err = capsys.readouterr().err
    assert "first-steps.md already exists; nothing was changed" in err
    assert (article.read_bytes(), (book / "book.yaml").read_bytes()) == before


def test_a_listed_chapter_without_its_file_is_written_not_listed_twice(book):
    (book / "articles" / "second-steps.md").unlink()
    before = (book / "book.yaml").read_text()
    path, done = new_article(book, "Second steps", today=TODAY)
    assert path.name == "second-steps.md" and "already in the chapter list" in done
    assert (book / "book.yaml").read_text() == before


def test_a_broken_book_yaml_is_reported_and_nothing_written(book, capsys):
    (book / "book.yaml").write_text((book / "book.yaml").read_text().replace("title: Mini", "titel: Mini"))
    assert main(["new", "Naps", "--book", str(book)]) == 1
    assert "titel" in capsys.readouterr().err
    assert not (book / "articles" / "naps.md").exists()


def test_slug_option_and_bad_slugs(book):
    path, _ = new_article(book, "Naps", slug="short-naps", today=TODAY)
    assert path.name == "short-naps.md" and _front(path)[0]["title"] == "Naps"
    with pytest.raises(NewArticleError, match="not a slug"):
        new_article(book, "Naps", slug="Bad Slug", today=TODAY)
    with pytest.raises(NewArticleError, match="file name"):
        new_article(book, "???", today=TODAY)


def test_titles_that_need_quoting_stay_exact(book):
    title = "Sleep: what's normal? #1 — 'quotes' \"too\""
    path, _ = new_article(book, title, today=TODAY)
    assert path.name == "sleep-whats-normal-1-quotes-too.md"
    assert _front(path)[0]["title"] == title


def test_slugs():
    assert slugify("When to worry about muscle twitches") == "when-to-worry-about-muscle-twitches"
    assert slugify("Qué hacer con el ñame") == "que-hacer-con-el-name"
    assert slugify("  COVID-19: what's new?  ") == "covid-19-whats-new"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-") and long.startswith("word-word")


def test_the_starter_text_is_in_the_books_language(tmp_path):
    book = tmp_path / "es"
    shutil.copytree(FIXTURES / "es", book)
    path, _ = new_article(book, "Dormir bien", today=TODAY)
    meta, body = _front(path)
    assert meta["title"] == "Dormir bien" and meta["summary"].startswith("Escriba una o dos frases")
    assert "## De qué trata" in body
    assert (book / "book.yaml").read_text().endswith("    chapters: [comer-con-fibra, dormir-bien]\n")
