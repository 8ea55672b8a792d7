"""The braille translations' memo: a rebuild after one edit sends liblouis only the text that changed, and
its braille files are byte for byte those of a clean build; within one build each text is translated once;
the memo keeps only what the last build used, and a damaged memo is not trusted. An unchanged article's
braille handout is not even built again; an edit to what is around it (glossary, references, titles,
configuration) makes it again."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from plainpress import louis
from plainpress.cache import RenderCache
from plainpress.commands.build import build
from plainpress.markup import OutputPolicy
from plainpress.model import Article, Book, Profile
from plainpress.outputs import braille, braille_entries
from plainpress.outputs.braille_entries import memo_key
from plainpress.outputs.braille_volumes import Document
from plainpress.outputs.brf import Code, Translations, translate

from .helpers import FIXTURES

LABEL = re.compile(r"p?\d+")  # a braille page number: a page count can grow by one


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text sent to liblouis for translation to braille, from now on."""
    sent: list[str] = []
    real = louis.translate

    def counted(tables: str, text: str, typeform: list[int] | None = None) -> str:
        sent.append(text)
        return real(tables, text, typeform)

    monkeypatch.setattr(louis, "translate", counted)
    return sent


def _brf(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.brf"))}


def _memo(tmp_path: Path) -> dict[str, str]:
    return RenderCache(tmp_path / ".plainpress-cache").memo("braille", memo_key()).known


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    book = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", book)
    return book


def test_a_rebuild_after_one_edit_translates_only_what_changed(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    sent = _counting(monkeypatch)
    build(mini, out, only="braille", use_cache=True)
    first = len(sent)
    assert first > 50, "the first build translates every text"
    assert any("Walk gently" in key for key in _memo(tmp_path))
    article = mini / "articles" / "second-steps.md"
    article.write_text(article.read_text().replace("Walk gently", "Walk slowly"))
    del sent[:]
    build(mini, out, only="braille", use_cache=True)
    changed = [text for text in sent if "slowly" in text]
    assert changed, "the edited paragraph is translated"
    others = [t for t in sent if not LABEL.fullmatch(t) and not any(t in text for text in changed)]
    assert not others, f"translated again though unchanged: {others[:5]}"
    assert len(sent) < first / 10
    memo = _memo(tmp_path)
    assert any("Walk slowly" in key for key in memo) and not any("Walk gently" in key for key in memo), (
        "the memo keeps only what the last build used"
    )
    monkeypatch.undo()
    clean = tmp_path / "clean" / "dist"
    build(mini, clean, only="braille")
    made, expected = _brf(out), _brf(clean)
    assert expected and made == expected, "a rebuild makes the bytes of a clean build"


def test_one_build_translates_each_text_once(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profiles = mini / "profiles"  # two clinics: their files share most of their texts
    profiles.mkdir()
    for slug, name in (("north", "North Clinic"), ("south", "South Clinic")):
        (profiles / f"{slug}.yaml").write_text(
            f"name: {name}\nphone: 01632 960 123\nhours: Monday to Friday, 8 am to 6 pm\n"
            "emergency_number: '999'\npaper: a4\n"
        )
    sent = _counting(monkeypatch)
    build(mini, tmp_path / "dist", only="braille")
    whole = Counter(text for text in sent if " " in text)  # words alone are sent again where a text reads back wrong
    assert whole and max(whole.values()) == 1, whole.most_common(3)


def test_a_damaged_memo_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = Code("en-us-brf.dis,en-ueb-g2.ctb", True)
    cache = RenderCache(tmp_path / "cache")
    memo = Translations(cache.memo("braille", "k" * 64))
    right = memo(code, "the children play")
    cache.save_memos()
    path = next((tmp_path / "cache" / "braille").glob("*/*.json"))
    record = json.loads(path.read_text())
    assert list(record["values"].values()) == [right]
    record["values"] = {k: "WRONG" for k in record["values"]}  # valid JSON, not what was written
    path.write_text(json.dumps(record))
    sent = _counting(monkeypatch)
    again = Translations(RenderCache(tmp_path / "cache").memo("braille", "k" * 64))
    assert again(code, "the children play") == right == translate(code, "the children play")
    assert "the children play" in sent, "liblouis is asked again"


def _counting_documents(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles whose braille handout document is built, from now on."""
    built: list[str] = []
    real = braille_entries.handout_document

    def counted(book: Book, code: Code, article: Article, profile: Profile | None) -> Document:
        built.append(article.slug)
        return real(book, code, article, profile)

    monkeypatch.setattr(braille_entries, "handout_document", counted)
    return built


def test_an_unchanged_articles_braille_handout_is_not_built_again(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = mini / "articles" / "first-steps.md"
    first.write_text(first.read_text().replace("Keep the room dark", "Keep the room \u0416 dark"))
    out = tmp_path / "dist"
    built = _counting_documents(monkeypatch)
    before = [f for f in build(mini, out, only="braille", use_cache=True).findings if f.code == "B001"]
    assert sorted(built) == ["first-steps", "second-steps"]
    second = mini / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("Walk gently", "Walk slowly"))
    del built[:]
    after = [f for f in build(mini, out, only="braille", use_cache=True).findings if f.code == "B001"]
    assert built == ["second-steps"], "only the edited article's document is built"
    assert before and after == before, "a character without braille is still reported, from the cache"
    monkeypatch.undo()
    clean = tmp_path / "clean" / "dist"
    build(mini, clean, only="braille")
    assert _brf(out) == _brf(clean)


OTHER = '{"id": "other2021", "type": "book", "title": "Another Book", "issued": {"date-parts": [[2021]]}},\n  '
EDITS = {  # (file, old, new) replacements outside an article, and the file whose braille they change
    "glossary": ([("glossary.yaml", "with no hard exercise", "with no hard work")], "second-steps.brf"),
    "reference": ([("references.json", "A Test Book About Sleep", "A Test Book About Rest")], "second-steps.brf"),
    "another article's title": (
        [("articles/first-steps.md", "title: First steps", "title: Early steps")],
        "second-steps.brf",
    ),
    "configuration": ([("book.yaml", "edition: Test edition", "edition: Second edition")], "second-steps.brf"),
    "the book's citation numbers": (  # a source now cited first in the first chapter: the second's is number 2
        [("articles/first-steps.md", "each night.", "each night [@other2021].")],
        "volume-1.brf",
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_around_an_article_makes_its_braille_again(mini: Path, tmp_path: Path, edit: str) -> None:
    references = mini / "references.json"  # one more source, cited by no article yet
    references.write_text(references.read_text().replace('{"id": "testbook2020"', OTHER + '{"id": "testbook2020"'))
    out = tmp_path / "dist"
    build(mini, out, only="braille", use_cache=True)
    old = _brf(out)
    replacements, changed = EDITS[edit]
    for name, before, after in replacements:
        path = mini / name
        assert before in path.read_text()
        path.write_text(path.read_text().replace(before, after))
    build(mini, out, only="braille", use_cache=True)
    clean = tmp_path / "clean" / "dist"
    build(mini, clean, only="braille")
    made = _brf(out)
    assert made == _brf(clean), "a rebuild makes the bytes of a clean build"
    file = next(f for f in made if f.endswith(changed))
    assert made[file] != old[file], f"{file} is made again"


def test_an_unchanged_chapter_of_the_braille_book_is_not_written_again(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    real = braille.article_html

    def counted(article: Article, policy: OutputPolicy) -> str:
        written.append(article.slug)
        return real(article, policy)

    monkeypatch.setattr(braille, "article_html", counted)
    out = tmp_path / "dist"
    build(mini, out, only="braille", use_cache=True)
    assert sorted(written) == ["first-steps", "first-steps", "second-steps", "second-steps"]  # handout, chapter
    second = mini / "articles" / "second-steps.md"
    second.write_text(second.read_text().replace("Walk gently", "Walk slowly"))
    del written[:]
    build(mini, out, only="braille", use_cache=True)
    assert written == ["second-steps", "second-steps"]
