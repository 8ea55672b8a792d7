"""Limits, checked while parsing: nesting deeper than ``limits.nesting`` is refused by a
preprocessor before Python-Markdown's block parser runs (which would recurse into a
RecursionError), the article size limit works, and a 1 MB article builds every output."""

from __future__ import annotations

from pathlib import Path

import markdown.blockparser
import pytest

from plainpress.commands.build import build
from plainpress.errors import Problems, SourceError
from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.limits import LimitError, bracket_depths, line_depths
from plainpress.mdext.redflags import FlagPolicy
from plainpress.model import Article, ArticleMeta
from plainpress.stages.gather import gather, load_article

from .robust_helpers import article, copy_mini

CONTACTS = {"emergency_number": "999", "advice_line": "0300", "advice_line_name": "the line"}


def _convert(body: str, nesting: int = 20) -> str:
    meta = ArticleMeta(title="T", summary="S", date=None)  # type: ignore[arg-type]
    item = Article(slug="t", path=Path("/nonexistent/articles/t.md"), meta=meta, body=body, body_line=6)
    policy = OutputPolicy(flags=FlagPolicy(contacts=CONTACTS))
    policy.guard.nesting = nesting
    return convert(item, policy).html


def _nested_list(depth: int) -> str:
    return "\n".join("    " * level + f"- level {level + 1}" for level in range(depth)) + "\n"


DEEP = {
    "indented lists": _nested_list(300),
    "markers on one line": "- " * 300 + "x\n",
    "quotes": "> " * 300 + "x\n",
    "quotes and lists": "> 1. " * 150 + "x\n",
    "definitions": "term\n" + ": " * 300 + "x\n",
    "red flags": "::: red-flag urgent\n" * 300 + "- x\n",
}


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_before_the_block_parser_runs(monkeypatch, body):
    def never(*args, **kwargs):
        raise AssertionError("the block parser ran on input deeper than the limit")

    monkeypatch.setattr(markdown.blockparser.BlockParser, "parseDocument", never)
    with pytest.raises(LimitError) as caught:
        _convert(body)
    assert caught.value.code == "L002" and caught.value.line is not None
    assert "the limit is 20" in caught.value.message


def test_without_the_check_python_markdown_itself_recurses_too_deep():
    """Why the check runs first: Python-Markdown alone dies on such input (a traceback, not a message)."""
    import markdown

    with pytest.raises(RecursionError):
        markdown.markdown(DEEP["indented lists"])


def test_the_line_named_is_the_first_line_too_deep():
    body = "Intro.\n\n" + _nested_list(25)
    with pytest.raises(LimitError) as caught:
        _convert(body)
    assert caught.value.line == 3 + 20  # body line of "level 21"
    assert "nested 21 deep" in caught.value.message


def test_depth_measure_of_lines():
    assert line_depths(["- a", "    - b", "        - c", "  text"]) == [(1, 1), (2, 2), (3, 3)]
    assert line_depths(["> > - x"]) == [(1, 3)]
    assert line_depths(["* * *", "---", "- - -"]) == []  # rules, not lists
    assert line_depths(["                                        - far"]) == [
        (1, 1)
    ]  # indentation alone is not nesting
    assert bracket_depths(["[a] (b) `[[[` \\[", "", "[[[x"]) == [(1, 1), (3, 3)]


def test_up_to_the_limit_is_accepted_and_the_limit_is_configurable():
    html = _convert(_nested_list(20) + "\n" + "> " * 20 + "quote\n")
    assert html.count("<ul") == 20 and html.count("<blockquote") == 20
    with pytest.raises(LimitError):
        _convert(_nested_list(6), nesting=5)
    assert _convert(_nested_list(5), nesting=5).count("<ul") == 5


def test_markup_nested_too_deep_after_inline_parsing_is_refused():
    with pytest.raises(LimitError, match="markup nested"):
        _convert("*" * 120 + "x" + "*" * 120)
    with pytest.raises(LimitError, match="HTML elements nested"):
        _convert("<div>" * 80 + "x" + "</div>" * 80)


def test_nesting_limit_is_bounded_in_book_yaml(tmp_path):
    book = copy_mini(tmp_path / "book")
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "limits: {nesting: 500}\n")
    with pytest.raises(Problems, match="from 1 to 40"):
        gather(book)


@pytest.mark.timeout(240)
def test_a_book_nested_to_the_default_limit_builds_every_output(tmp_path):
    """20 levels of lists and of quotes are rendered by WeasyPrint and EPUB alike (no RecursionError)."""
    book = copy_mini(tmp_path / "book")
    deep = "\n## Deep\n\n" + _nested_list(20) + "\n" + "> " * 20 + "A deep quote.\n"
    (book / "articles" / "second-steps.md").write_text((book / "articles" / "second-steps.md").read_text() + deep)
    result = build(book, tmp_path / "dist")
    assert {o.kind for o in result.outputs} >= {"epub", "pdf", "handout"}


# ---------------------------------------------------------------- size


def test_article_size_limit_is_two_megabytes_by_default(tmp_path):
    book = copy_mini(tmp_path / "book")
    path = book / "articles" / "first-steps.md"
    head = article()
    path.write_text(head + "x" * (2_000_000 - len(head)))
    assert load_article(path, "first-steps", 2_000_000).body  # exactly the limit: read
    path.write_text(head + "x" * (2_000_001 - len(head)))
    with pytest.raises(SourceError, match="2,000,001 bytes, over the limit of 2,000,000") as caught:
        load_article(path, "first-steps", 2_000_000)
    assert caught.value.code == "E010"
    with pytest.raises(Problems, match="E010"):
        gather(book)  # the default of book.yaml is the same limit


def _megabyte_article() -> str:
    paragraphs = []
    size = 0
    number = 0
    while size < 1_000_000:
        number += 1
        text = (
            f"## Part {number}\n\nMuscle twitches in part {number} are common after a rest day. "
            "Most are harmless, and a **short walk** or a glass of water can help [@testbook2020]. "
            "Keep a simple diary of when they happen, so your clinician can see the pattern.\n\n"
            f"- Sign {number} one\n- Sign {number} two\n    - a detail\n\n"
        )
        paragraphs.append(text)
        size += len(text.encode())
    return "".join(paragraphs)


@pytest.mark.timeout(900)
def test_a_one_megabyte_article_builds_every_output(tmp_path):
    """The whole build of a 1 MB article: read, checked, and laid out into the EPUB, the book PDF
    (about a thousand pages), its handout (one clinic, A4, standard print), the index and the cards."""
    book = copy_mini(tmp_path / "book")
    body = _megabyte_article()
    (book / "articles" / "first-steps.md").write_text(article(body=body))
    assert (book / "articles" / "first-steps.md").stat().st_size > 1_000_000
    (book / "profiles").mkdir()
    (book / "profiles" / "clinic.yaml").write_text(
        "name: Test clinic\nphone: '0100'\nhours: Always\nemergency_number: '999'\npaper: a4\nsizes: [standard]\n"
    )
    result = build(book, tmp_path / "dist", jobs=2)
    pages = {o.path: o.pages for o in result.outputs}
    assert pages["mini-fixture-book.pdf"] > 700
    # The article has no review dates: a draft, so its handout is under drafts/ (wherever the model puts it).
    (handout,) = [o for o in result.outputs if o.kind == "handout" and o.path.endswith("first-steps-a4-standard.pdf")]
    assert handout.pages > 700
    assert {"epub", "pdf", "handout", "handout-index", "card", "braille-handout", "braille-book"} <= {
        o.kind for o in result.outputs
    }
    epub = next(o for o in result.outputs if o.kind == "epub")
    assert len(epub.data) > 100_000
    assert [f.code for f in result.findings if f.code == "H001"] == ["H001"]  # far too long for a handout
