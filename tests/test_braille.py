"""The braille edition, read back with liblouis: the sample book (English, UEB grade 2) and the
Spanish fixture book (grade 1). Its words come back in order, its pages keep to their size, the
formatting holds (centred headings, page numbers, form feeds, header-value lines), every red flag
is there with its tier's action, and two builds are byte-identical."""

from __future__ import annotations

import ctypes.util
import difflib
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from plainpress import louis
from plainpress.commands.build import build
from plainpress.errors import Problems
from plainpress.markup import convert, policy_for
from plainpress.messages import Messages
from plainpress.model import Book, Output, Profile
from plainpress.model.entries import Product, Selection
from plainpress.outputs import braille_volumes
from plainpress.outputs.braille import braille_code
from plainpress.outputs.brf import Code, translate, words_of
from plainpress.sources.glossary import sorted_entries
from plainpress.stages.analyse import analyse
from plainpress.stages.catalogue import catalogue
from plainpress.stages.gather import gather
from plainpress.templates import DEFAULT_LAYOUTS

from .conftest import Built
from .helpers import FIXTURES, SAMPLE_BOOK

CELLS, LINES = 40, 25


def model(root: Path) -> Book:
    book = gather(root)
    analyse(book)
    return book


@pytest.fixture(scope="module")
def sample_book() -> Book:
    return model(SAMPLE_BOOK)


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("es-braille") / "dist"
    build(FIXTURES / "es", out, only="braille")
    return Built(FIXTURES / "es", out)


@pytest.fixture(scope="module")
def spanish_book() -> Book:
    return model(FIXTURES / "es")


def brf_entries(built: Built) -> list[dict]:
    return [e for e in built.manifest["outputs"] if e["path"].endswith(".brf")]


def pages_of(data: bytes) -> list[list[str]]:
    """A BRF file's pages, each a list of lines (CR LF line ends, a form feed after every page)."""
    text = data.decode("ascii")
    assert text.endswith("\r\n\f"), "every page ends with a line end and a form feed"
    pages = []
    for page in text.split("\f")[:-1]:
        assert page.endswith("\r\n")
        pages.append(page[: -len("\r\n")].split("\r\n"))
    return pages


def read_back(code: Code, data: bytes) -> list[str]:
    return words_of(louis.back_translate(code.tables, data.decode("ascii")))


def missing_words(expected: list[str], got: list[str]) -> list[str]:
    """[] when the expected words are all in what was read back, in order (a subsequence: matching each
    word at its earliest place decides it exactly); else the words an alignment could not place."""
    position = 0
    for word in expected:
        try:
            position = got.index(word, position) + 1
        except ValueError:
            break
    else:
        return []
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    seen = {i for block in matcher.get_matching_blocks() for i in range(block.a, block.a + block.size)}
    return [word for i, word in enumerate(expected) if i not in seen] or ["(not in order)"]


def article_words(book: Book, slug: str, profile: Profile) -> list[str]:
    """The words of an article as print has them: title, summary, then the text of its XHTML in order."""
    article = book.article(slug)
    assert article is not None
    policy = policy_for(
        book,
        chapter_href=lambda s, f: None,
        term_href=lambda e: "#",
        ref_href=lambda k: "#",
        contacts=profile.contacts(),
    )
    root = lxml_html.fragment_fromstring(convert(article, policy).html, create_parent="div")
    return words_of(f"{article.title} {article.meta.summary} {root.text_content()}")


def handout_files(built: Built, book: Book) -> list[tuple[Profile, str, Path]]:
    files = []
    for profile in book.profiles:
        for article in book.articles:
            folder = "drafts/braille" if article.is_draft else "braille"
            files.append((profile, article.slug, built.dist / folder / profile.slug / f"{article.slug}.brf"))
    return files


# --- the files ------------------------------------------------------------------------------------


def test_every_article_card_and_volume_per_clinic_is_in_the_manifest(sample: Built, sample_book: Book) -> None:
    entries = {e["path"]: e for e in brf_entries(sample)}
    for profile in sample_book.profiles:
        for article in sample_book.articles:
            entry = entries[f"braille/{profile.slug}/{article.slug}.brf"]
            assert entry["kind"] == "braille-handout" and entry["article"] == article.slug
        assert entries[f"braille/{profile.slug}/red-flag-card.brf"]["kind"] == "braille-card"
        volumes = [e for e in entries.values() if e["kind"] == "braille-book" and e["profile"] == profile.slug]
        assert volumes and all(e["pages"] <= braille_volumes.MAX_VOLUME_PAGES for e in volumes)
    for entry in entries.values():
        data = (sample.dist / entry["path"]).read_bytes()
        assert entry["pages"] == data.count(b"\f") == len(pages_of(data)), entry["path"]
        assert (entry["grade"], entry["cells_per_line"], entry["lines_per_page"]) == (2, CELLS, LINES)


def test_a_draft_goes_under_drafts(spanish: Built, spanish_book: Book) -> None:
    drafts = [a for a in spanish_book.articles if a.is_draft]
    assert drafts, "the Spanish fixture has a draft article"
    for profile in spanish_book.profiles:
        for article in drafts:
            assert (spanish.dist / "drafts/braille" / profile.slug / f"{article.slug}.brf").is_file()
            assert not (spanish.dist / "braille" / profile.slug / f"{article.slug}.brf").exists()
    code = braille_code(spanish_book)
    say = Messages(spanish_book.language)
    drafted = {a.slug for a in drafts}
    for profile in spanish_book.profiles:
        card = read_back(code, (spanish.dist / "braille" / profile.slug / "red-flag-card.brf").read_bytes())
        every = read_back(code, (spanish.dist / "drafts/braille" / profile.slug / "red-flag-card.brf").read_bytes())
        assert _find(every, words_of(say("draft.card")), 0) >= 0, "the draft card says it is one"
        for flag in spanish_book.red_flags:
            assert _find(every, words_of(flag.text), 0) >= 0
            assert (_find(card, words_of(flag.text), 0) >= 0) == (flag.article not in drafted), flag.text


@pytest.mark.parametrize("which", ["sample", "spanish"])
def test_pages_keep_to_their_size_in_ascii_braille(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    allowed = set(louis.ASCII_BRAILLE)
    for entry in brf_entries(built):
        for page in pages_of((built.dist / entry["path"]).read_bytes()):
            assert len(page) == LINES, entry["path"]
            for line in page:
                assert len(line) <= CELLS, (entry["path"], line)
                assert set(line) <= allowed, (entry["path"], line)


# --- read back --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample", "spanish"])
def test_each_article_reads_back_word_for_word_in_order(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    book = model(built.book)
    code = braille_code(book)
    for profile, slug, path in handout_files(built, book):
        expected = article_words(book, slug, profile)
        got = read_back(code, path.read_bytes())
        assert len(expected) > 50
        assert missing_words(expected, got) == [], path
        # and nothing much besides: page numbers, the transcriber's note, the handout's own sections
        assert len(got) < 3 * len(expected) + 400, path


def test_the_book_volumes_read_back_every_chapter_in_order(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    for profile in sample_book.profiles:
        volumes = sorted(
            (e for e in brf_entries(sample) if e["kind"] == "braille-book" and e["profile"] == profile.slug),
            key=lambda e: e["volume"],
        )
        got = [w for e in volumes for w in read_back(code, (sample.dist / e["path"]).read_bytes())]
        expected = [w for a in sample_book.articles for w in article_words(sample_book, a.slug, profile)]
        assert missing_words(expected, got) == []
        entries = sorted_entries(sample_book.glossary, sample_book.language)
        glossary = [w for e in entries for w in words_of(f"{e.term} say it {e.pronunciation} {e.definition}")]
        assert missing_words(glossary, got) == [], "every term with its say-it respelling and definition"


# --- formatting ------------------------------------------------------------------------------------


def _centred(line: str) -> bool:
    text = line.strip()
    left = len(line) - len(line.lstrip())
    right = CELLS - len(line)
    return bool(text) and abs(left - right) <= 1 and left >= 3


def test_main_headings_are_centred(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    for _profile, slug, path in handout_files(sample, sample_book):
        article = sample_book.article(slug)
        assert article is not None
        title = translate(code, article.title)
        lines = [line for page in pages_of(path.read_bytes()) for line in page]
        found = [line for line in lines if line.strip() == title]
        assert found and all(_centred(line) for line in found), (path, title)
        note = translate(code, Messages("en")("braille.tn"))
        assert _centred(lines[0]) and lines[0].strip() == note, "the transcriber's note page opens the file"
        assert lines[1] == "", "a blank line after a centred heading"


def test_page_numbers_where_the_rules_put_them(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    for entry in brf_entries(sample):
        pages = pages_of((sample.dist / entry["path"]).read_bytes())
        labels = []
        for page in pages:
            last = page[-1]
            assert len(last) == CELLS and last[:3].strip() == "", "the number ends at the right end, alone"
            labels.append(louis.back_translate(code.tables, last.strip()))
        prelims = [label for label in labels if label.startswith("p")]
        assert prelims == [f"p{n}" for n in range(1, len(prelims) + 1)], entry["path"]
        first = int(entry.get("first_page", 1))
        assert labels[len(prelims) :] == [str(n) for n in range(first, first + len(labels) - len(prelims))]


def test_the_book_has_the_print_page_numbers_of_the_book_pdf(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    with pikepdf.open(sample.output("pdf")) as pdf:
        pages = {p.objgen: n for n, p in enumerate(pdf.pages, 1)}
        with pdf.open_outline() as outline:
            starts = {}
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                stack += list(item.children)
                if item.destination is not None:
                    target = item.destination[0] if isinstance(item.destination, pikepdf.Array) else None
                    if target is not None:
                        starts[item.title] = pages[target.objgen]
        count = len(pdf.pages)
    profile = sample_book.profiles[0]
    volumes = [e for e in brf_entries(sample) if e["kind"] == "braille-book" and e["profile"] == profile.slug]
    checked = 0
    for entry in volumes:
        shown = []
        for page in pages_of((sample.dist / entry["path"]).read_bytes()):
            top = page[0]
            number = louis.back_translate(code.tables, top.strip()) if top.strip() else None
            if number is not None:
                assert len(top) == CELLS and int(number) <= count, "the print page at the right end of line 1"
                shown.append(int(number))
            for article in sample_book.articles:
                if any(line.strip() == translate(code, article.title) for line in page[1:6]):
                    assert number is not None and int(number) == starts[article.title], article.title
                    checked += 1
        assert shown == sorted(shown), "print pages only go forward"
    assert checked == len(sample_book.articles)


def test_table_rows_are_header_value_lines(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    source = (SAMPLE_BOOK / "articles" / "when-to-worry.md").read_text()
    table = [line for line in source.splitlines() if line.startswith("|")]
    headers = [c.strip() for c in table[0].strip("|").split("|")]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table[2:]]
    path = sample.dist / "braille" / sample_book.profiles[0].slug / "when-to-worry.brf"
    lines = [line for page in pages_of(path.read_bytes()) for line in page]
    for row in rows:
        for column, (header, value) in enumerate(zip(headers, row, strict=True)):
            start = translate(code, f"{header}: {value}").split(" ")[:3]
            indent = "" if column == 0 else "  "
            matches = [line for line in lines if line.startswith(indent + " ".join(start))]
            assert matches and not matches[0].startswith(indent + " "), (header, value)


def test_every_red_flag_is_there_with_its_tiers_action(sample: Built, sample_book: Book) -> None:
    code = braille_code(sample_book)
    say = Messages(sample_book.language)
    assert sample_book.red_flags
    for profile in sample_book.profiles:
        card = read_back(code, (sample.dist / "braille" / profile.slug / "red-flag-card.brf").read_bytes())
        position = 0
        for tier in ("emergency", "urgent", "routine"):
            flags = [f for f in sample_book.red_flags if f.tier == tier]
            if not flags:
                continue
            heading = words_of(f"{say(f'tier.{tier}.label')}: {say(f'tier.{tier}.heading')}")
            action = words_of(say(f"tier.{tier}.action", **profile.contacts()))
            here = _find(card, heading, position)
            for flag in flags:
                assert _find(card, words_of(flag.text), here) > here, flag.text
            position = _find(card, action, here)
            assert position > here, f"{tier}: its action after its signs, with the clinic's numbers"
        for flag in sample_book.red_flags:  # and in the article's own file, with the action of its tier
            got = read_back(code, (sample.dist / "braille" / profile.slug / f"{flag.article}.brf").read_bytes())
            at = _find(got, words_of(flag.text), 0)
            assert at >= 0 and _find(got, words_of(say(f"tier.{flag.tier}.action", **profile.contacts())), at) > at


def _find(words: list[str], part: list[str], start: int) -> int:
    for i in range(start, len(words) - len(part) + 1):
        if words[i : i + len(part)] == part:
            return i
    return -1


def test_web_addresses_and_phone_numbers_are_uncontracted_in_grade_2(sample_book: Book) -> None:
    code = braille_code(sample_book)
    assert code.contracted
    text = "Read more at example.org/riverside or call 555-0142 for the children."
    braille = translate(code, text)
    assert "EXAMPLE4ORG_/RIVERSIDE" in braille, "no 'er' contraction inside the address"
    assert ",RIV]SIDE" in translate(code, "Riverside"), "prose around it is contracted"
    assert " ! *N" in braille, "the rest of the sentence stays contracted"
    assert words_of(louis.back_translate(code.tables, braille)) == words_of(text)


# --- the same bytes, the cache, the options -----------------------------------------------------------


def test_two_builds_are_byte_identical(sample: Built, tmp_path: Path) -> None:
    again = tmp_path / "dist"
    build(SAMPLE_BOOK, again, only="braille")
    first = {e["path"]: e["sha256"] for e in brf_entries(sample)}
    second = {e["path"]: e["sha256"] for e in brf_entries(Built(SAMPLE_BOOK, again))}
    assert first == second and first
    for path in first:
        assert (sample.dist / path).read_bytes() == (again / path).read_bytes()


def test_braille_is_cached_by_content(tmp_path: Path) -> None:
    book = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", book)
    out = tmp_path / "dist"
    lines: list[str] = []
    build(book, out, only="braille", use_cache=True)
    entries = list((tmp_path / ".plainpress-cache" / "braille").glob("*/*.json"))
    assert entries
    article = book / "articles" / "second-steps.md"
    article.write_text(article.read_text().replace("Walk gently", "Walk slowly"))
    build(book, out, only="braille", use_cache=True, progress=lines.append)
    again = [line for line in lines if "from the cache" in line]
    made = [line for line in lines if ".brf" in line and "from the cache" not in line]
    assert any("first-steps.brf" in line for line in again), "an unchanged article is not translated again"
    assert any("second-steps.brf" in line for line in made) and any("volume-1" in line for line in made)
    code = braille_code(model(book))
    assert "slowly" in read_back(code, (out / "braille" / "neutral" / "second-steps.brf").read_bytes())


def _with_braille(tmp_path: Path, settings: str) -> Path:
    book = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", book)
    config = book / "book.yaml"
    config.write_text(config.read_text() + f"braille:\n{settings}")
    return book


def made_braille(book: Book) -> list[Output]:
    """Every braille file of the catalogue, made in this process (the book's volumes without print pages)."""
    chosen = catalogue(book, DEFAULT_LAYOUTS, Selection.of("braille"))
    return [o for e in chosen for o in chosen.make(e, {Product.PAGE_STARTS: []}).outputs]


def test_grade_and_page_size_from_book_yaml(tmp_path: Path) -> None:
    book = model(_with_braille(tmp_path, "  grade: 1\n  cells_per_line: 32\n  lines_per_page: 20\n"))
    code = braille_code(book)
    assert not code.contracted and "en-ueb-g1.ctb" in code.tables and (code.cells, code.lines) == (32, 20)
    for output in made_braille(book):
        pages = pages_of(output.data)
        assert all(len(page) == 20 and all(len(line) <= 32 for line in page) for page in pages)
        assert output.extra["grade"] == 1
    assert translate(code, "the children") == "THE CHILDREN", "grade 1: no contractions"


def test_spanish_grade_2_is_an_option(tmp_path: Path) -> None:
    book = tmp_path / "es"
    shutil.copytree(FIXTURES / "es", book)
    config = book / "book.yaml"
    config.write_text(config.read_text() + "braille:\n  grade: 2\n")
    code = braille_code(model(book))
    assert code.contracted and code.tables.endswith("es-g2.ctb")
    assert braille_code(model(FIXTURES / "es")).tables.endswith("es-g1.ctb"), "Spanish is grade 1 by default"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("  cells_per_line: 5\n", "braille.cells_per_line: expected a whole number from 20 to 100, found 5"),
        ("  grade: 3\n", "braille.grade: expected one of 1, 2, found 3"),
        ("  line_per_page: 25\n", 'braille.line_per_page: unknown key; did you mean "lines_per_page"?'),
    ],
)
def test_bad_braille_settings_are_clear_errors(tmp_path: Path, settings: str, expected: str) -> None:
    book = _with_braille(tmp_path, settings)
    with pytest.raises(Problems) as error:
        build(book, tmp_path / "dist", only="braille")
    message = "\n".join(error.value.messages())
    assert expected in message and "book.yaml:" in message


def test_volumes_split_between_chapters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    book = model(_with_braille(tmp_path, "  cells_per_line: 20\n  lines_per_page: 10\n"))
    code = braille_code(book)
    monkeypatch.setattr(braille_volumes, "MAX_VOLUME_PAGES", 16)
    volumes = [o for o in made_braille(book) if o.kind == "braille-book"]
    assert len(volumes) > 2
    headings = {translate(code, a.title) for a in book.articles}
    for volume in volumes:
        pages = pages_of(volume.data)
        assert len(pages) <= 16 and volume.extra["volumes"] == len(volumes)
        labels = [louis.back_translate(code.tables, p[-1].strip()) for p in pages]
        body = labels.index(str(volume.extra["first_page"]))
        opening = pages[body][1]  # line 1 is the print page line
        assert opening.strip() and _centred_in(opening, 20), "each volume's text opens with a centred heading"
    openings = {line.strip() for v in volumes for p in pages_of(v.data) for line in p[1:5]}
    assert headings <= openings, "every chapter starts a page (after its part's title)"
    # Each volume's contents: every chapter with the braille page it begins on, after guide dots.
    by_label = {louis.back_translate(code.tables, p[-1].strip()): p for v in volumes for p in pages_of(v.data)}
    for volume in volumes:
        entries, text = [], []
        for line in (line for page in pages_of(volume.data) for line in page):
            if not line.strip() or (line.startswith("  ") and not line.startswith("   ") and not text):
                text = []
                continue
            text.append(line.strip())
            if re.search(r' ""+ #[A-J]+$', line):
                assert len(line) == 20, "the page number at the right end"
                entries.append(" ".join(text))
                text = []
        assert len(entries) >= len(book.articles)
        for article in book.articles:
            entry = next(e for e in entries if translate(code, article.title) in e)
            label = louis.back_translate(code.tables, entry.rsplit(" ", 1)[1])
            assert translate(code, article.title) in [x.strip() for x in by_label[label][1:5]], entry


def _centred_in(line: str, cells: int) -> bool:
    left = len(line) - len(line.lstrip())
    return abs(left - (cells - len(line))) <= 1


def test_a_machine_without_liblouis_is_told_which_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(louis, "LIBRARY", "liblouis.so.0-missing")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    louis._library.cache_clear()
    try:
        with pytest.raises(louis.BrailleUnavailable) as error:
            louis.version()
    finally:
        louis._library.cache_clear()
    assert "liblouis-bin" in str(error.value) and "apt-get install" in str(error.value)
    assert louis.BrailleUnavailable.exit_code != 0


def test_a_missing_table_is_a_clear_error() -> None:
    with pytest.raises(louis.BrailleUnavailable, match="liblouis-data"):
        louis.check_tables("en-us-brf.dis,no-such-table.ctb")


def test_unicode_braille_for_the_preview() -> None:
    assert louis.to_unicode(",CALL #III N[4") == "⠠⠉⠁⠇⠇⠀⠼⠊⠊⠊⠀⠝⠪⠲"
    assert all(0x2800 <= ord(c) <= 0x283F for c in louis.to_unicode(louis.ASCII_BRAILLE))


def test_the_handout_index_says_there_is_a_braille_edition(sample: Built) -> None:
    import subprocess

    index = next(e for e in sample.manifest["outputs"] if e["kind"] == "handout-index")
    text = subprocess.run(
        ["pdftotext", str(sample.dist / index["path"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "braille edition" in re.sub(r"\s+", " ", text)
    assert f"braille/{index['profile']}/" in re.sub(r"\s+", "", text)


def test_a_character_without_braille_is_reported_and_a_language_without_tables_skipped(tmp_path: Path) -> None:
    book = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", book)
    article = book / "articles" / "first-steps.md"
    article.write_text(article.read_text().replace("Keep the room dark", "Keep the room \u0416 dark"))
    result = build(book, tmp_path / "dist", only="braille")
    found = [f for f in result.findings if f.code == "B001"]
    assert found and "U+0416" in found[0].message and found[0].location.path == article
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("language: en-GB", "language: fr"))
    result = build(book, tmp_path / "dist-fr", only="braille")
    assert [f.code for f in result.findings if f.code.startswith("B")] == ["B002"]
    assert not [o for o in result.outputs if o.path.endswith(".brf")]


def test_the_preview_shows_each_braille_file_page_by_page_beside_its_back_translation(tmp_path: Path) -> None:
    from plainpress.preview import Preview

    preview = Preview(FIXTURES / "mini")
    assert not preview.rebuild().errors
    index = preview.index().decode()
    for path in ("braille/neutral/first-steps.brf", "braille/neutral/red-flag-card.brf"):
        assert f'href="/view/{path}"' in index
    built = build(FIXTURES / "mini", tmp_path / "dist", only="braille")  # the build's own files, to compare
    volumes = sorted(o.path for o in built.outputs if o.kind == "braille-book")
    assert len(volumes) >= 1 and f'href="/view/{volumes[0]}"' in index
    for path in ("braille/neutral/first-steps.brf", *volumes):
        shown = next(o for o in built.outputs if o.path == path)
        assert preview.made(path)[0].data == shown.data  # the same pipeline: the same bytes (print page numbers too)
        page = preview.view(path).decode()
        assert page.count('class="braille-page"') == shown.pages == len(pages_of(shown.data))
        cells = re.findall(r'<pre class="cells"[^>]*>(.*?)</pre>', page, re.S)
        assert "".join(cells) and set("".join(cells)) <= {chr(n) for n in range(0x2800, 0x2900)} | {"\n"}
        back = " ".join(re.findall(r'<pre class="back"[^>]*>(.*?)</pre>', page, re.S))
        assert "First steps" in back
        if path.endswith("first-steps.brf"):
            assert "Go to bed at the same time each night." in re.sub(r"\s+", " ", back)
    if len(volumes) > 1:
        assert f'href="/view/{volumes[1]}"' in preview.view(volumes[0]).decode()


WORDS = ["the", "children", "muscle", "twitch", "www.example.org/a-long-path/to/somewhere", "555-0100", "and", "ALS"]


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60), min_size=1, max_size=12),
    kinds=st.lists(st.sampled_from(["p", "h1", "h2", "h3", "li"]), min_size=12, max_size=12),
    cells=st.integers(20, 60),
    lines=st.integers(10, 30),
)
def test_any_blocks_keep_to_the_page_and_read_back(texts, kinds, cells, lines) -> None:
    from plainpress.outputs.braille_blocks import heading, item, paragraph
    from plainpress.outputs.brf import compose, lay_out

    code = Code(f"{louis.DISPLAY},en-ueb-g2.ctb", True, cells, lines)
    blocks = []
    for words, kind in zip(texts, kinds, strict=False):
        text = " ".join(words)
        blocks.append(
            heading(int(kind[1]), text)
            if kind.startswith("h")
            else item(text, marker="1.")
            if kind == "li"
            else paragraph(text)
        )
    for book in (False, True):
        pages = lay_out(code, blocks, book)
        data = compose(code, pages, [str(n) for n in range(1, len(pages) + 1)], [None] * len(pages) if book else None)
        read = pages_of(data)
        assert all(len(page) == lines and all(len(line) <= cells for line in page) for page in read)
        expected = [w for words in texts for w in words_of(" ".join(words))]
        assert missing_words(expected, read_back(code, data)) == []
