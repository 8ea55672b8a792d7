"""Clear failure on bad input: every spoiled book below goes through the command line against a
finished dist/. Each must exit non-zero with a message naming the file and the line (and the code),
print no traceback, and leave dist/ exactly as it was (same link, same bytes)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from plainpress.cli import main

from .robust_helpers import MINI, article, copy_mini, snapshot

Spoil = Callable[[Path], None]


def _write(relative: str, text: str) -> Spoil:
    return lambda book: (book / relative).write_text(text, encoding="utf-8")


def _bytes(relative: str, data: bytes) -> Spoil:
    return lambda book: (book / relative).write_bytes(data)


def _edit(relative: str, old: str, new: str) -> Spoil:
    def spoil(book: Path) -> None:
        path = book / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return spoil


def _append(relative: str, text: str) -> Spoil:
    return lambda book: (book / relative).write_text((book / relative).read_text() + text, encoding="utf-8")


def _link_out(relative: str, content: bytes = b"secret\n") -> Spoil:
    def spoil(book: Path) -> None:
        outside = book.parent / f"outside-{Path(relative).name}"
        outside.write_bytes(content)
        target = book / relative
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(outside)

    return spoil


def _articles_folder_out(book: Path) -> None:
    outside = book.parent / "outside-articles"
    shutil.move(book / "articles", outside)
    (book / "articles").symlink_to(outside)


def _png(book: Path, relative: str) -> None:
    (book / relative).parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4)).save(book / relative)


def _image(markdown: str, setup: Callable[[Path], None] | None = None) -> Spoil:
    def spoil(book: Path) -> None:
        if setup:
            setup(book)
        _append("articles/second-steps.md", f"\n\n{markdown}\n")(book)

    return spoil


def _outside_png(book: Path) -> None:
    Image.new("RGB", (4, 4)).save(book.parent / "outside.png")
    (book / "images").mkdir(exist_ok=True)
    (book / "images" / "link.png").symlink_to(book.parent / "outside.png")


def _svg(book: Path, body: str) -> None:
    (book / "images").mkdir(exist_ok=True)
    (book / "images" / "x.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">{body}</svg>')


def _bad_logo(book: Path) -> None:
    (book.parent / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (book / "profiles").mkdir(exist_ok=True)
    (book / "profiles" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" height="9">'
        '<image xlink:href="../../secret.png" width="9" height="9"/></svg>'
    )
    (book / "profiles" / "clinic.yaml").write_text(
        "name: Test clinic\nphone: '0100'\nhours: Always\nemergency_number: '999'\npaper: a4\n"
        "logo: logo.svg\nlogo_alt: The clinic's logo\n"
    )


def _laughs(levels: int = 9) -> str:
    """YAML aliases of aliases: nine values, each nine times the one before (a "billion laughs")."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join(['*' + previous] * 9)}]")
        previous = f"l{level}"
    return "\n".join(lines) + "\n"


LAUGHS = _laughs()
# the line of the mini book's first chapter, read from the fixture rather than spelled out
CHAPTER_LINE = (MINI / "book.yaml").read_text(encoding="utf-8").splitlines().index("  - first-steps") + 1
DEEP_LIST = "\n".join("    " * i + "- level" for i in range(30))

# (id, spoil, what the message must contain)
CASES: list[tuple[str, Spoil, list[str]]] = [
    # --- book.yaml
    ("yaml-syntax", _edit("book.yaml", "editors: [Test Editor]", "editors: [Test Editor"), ["book.yaml:", "E003"]),
    ("yaml-tab-indent", _edit("book.yaml", "  emergency_number", "\temergency_number"), ["book.yaml:", "E003"]),
    ("wrong-type", _edit("book.yaml", "editors: [Test Editor]", "editors: {a: 1}"), ["book.yaml:8: error E004"]),
    ("unknown-key", _edit("book.yaml", "licence:", "licnce:"), ['licnce: unknown key; did you mean "licence"?']),
    ("bad-date", _edit("book.yaml", "published: 2026-01-02", "published: 2026-02-30"), ["book.yaml:9: error E004"]),
    ("date-not-text", _edit("book.yaml", "published: 2026-01-02", "published: [2026]"), ["book.yaml:9: error E004"]),
    ("bad-language", _edit("book.yaml", "language: en-GB", "language: english please"), ["book.yaml:4", "BCP 47"]),
    ("bad-isbn", _edit("book.yaml", '"978-0-306-40615-7"', '"978-0-306-40615-8"'), ["book.yaml:5", "E004"]),
    ("empty-book-yaml", _write("book.yaml", ""), ["book.yaml:1: error E004"]),
    ("book-yaml-a-list", _write("book.yaml", "- a\n- b\n"), ["book.yaml:1: error E004"]),
    ("book-yaml-binary", _bytes("book.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ["book.yaml:1: error E002"]),
    ("book-yaml-latin1", _bytes("book.yaml", "title: Caf\u00e9\n".encode("latin-1")), ["book.yaml:1: error E002"]),
    ("book-yaml-folder", lambda b: ((b / "book.yaml").unlink(), (b / "book.yaml").mkdir()), ["book.yaml", "E001"]),
    ("yaml-billion-laughs", _append("book.yaml", LAUGHS), ["book.yaml:", "E003", "aliases"]),
    ("yaml-deep", _append("book.yaml", "deep: " + "[" * 3000 + "]" * 3000 + "\n"), ["book.yaml:", "E003"]),
    ("yaml-cycle", _append("book.yaml", "loop: &l [1, *l]\n"), ["book.yaml:", "E003"]),
    ("yaml-duplicate-key", _append("book.yaml", "title: Again\n"), ["book.yaml:", "appears twice"]),
    ("limits-wrong-type", _append("book.yaml", "limits: {nesting: lots}\n"), ["limits.nesting: expected a whole"]),
    ("limits-unknown", _append("book.yaml", "limits: {nestin: 3}\n"), ['did you mean "nesting"']),
    (
        "unknown-slug",
        _edit("book.yaml", "  - first-steps", "  - first-step"),
        [f"book.yaml:{CHAPTER_LINE}: error E006"],
    ),
    (
        "slug-escapes",
        _edit("book.yaml", "  - first-steps", "  - ../../etc/passwd"),
        [f"book.yaml:{CHAPTER_LINE}: error E006"],
    ),
    ("duplicate-slug", _edit("book.yaml", "[second-steps]", "[second-steps, first-steps]"), ["E007", "twice"]),
    (
        "no-chapters",
        _edit("book.yaml", "  - first-steps\n  - part: More\n    chapters: [second-steps]", "  []"),
        ["E0"],
    ),
    # --- articles
    ("empty-article", _write("articles/first-steps.md", ""), ["first-steps.md:1: error E005"]),
    ("only-spaces", _write("articles/first-steps.md", " \n\n  \n"), ["first-steps.md:1: error E005"]),
    ("no-front-matter", _write("articles/first-steps.md", "## Hello\n"), ["first-steps.md:1: error E005"]),
    ("unclosed-front-matter", _write("articles/first-steps.md", "---\ntitle: x\n"), ["first-steps.md:1: error E005"]),
    ("empty-front-matter", _write("articles/first-steps.md", "---\n---\nBody\n"), ["first-steps.md:2: error E005"]),
    ("front-matter-list", _write("articles/first-steps.md", "---\n- a\n---\nBody\n"), ["first-steps.md:2: error E004"]),
    ("no-title", _edit("articles/first-steps.md", "title: First steps\n", ""), ["first-steps.md:2: error E004"]),
    ("title-a-mapping", _edit("articles/first-steps.md", "title: First steps", "title: {a: b}"), ["E004", "title"]),
    ("unknown-front-key", _edit("articles/first-steps.md", "title:", "titel: x\ntitle:"), ['did you mean "title"']),
    ("article-bad-date", _edit("articles/second-steps.md", "date: 2026-01-02", "date: 2026-1-2x"), ["E004", "date"]),
    ("article-binary", _bytes("articles/first-steps.md", bytes(range(256)) * 4), ["first-steps.md:2: error E002"]),
    (
        "article-latin1",
        _bytes("articles/first-steps.md", b"---\ntitle: Caf\xe9\n---\n"),
        ["first-steps.md:2: error E002"],
    ),
    ("article-nul", _append("articles/first-steps.md", "\nA\x00B\n"), ["first-steps.md:", "NUL"]),
    ("article-control", _append("articles/first-steps.md", "\nEsc\x1b[31m red\n"), ["first-steps.md:", "U+001B"]),
    ("article-too-big", _append("book.yaml", "limits: {article_bytes: 200}\n"), ["E010", "over the limit of 200"]),
    ("h1-in-body", _edit("articles/second-steps.md", "## Rest days", "# Rest days"), ["second-steps.md:9: error S001"]),
    ("red-flag-tier", _append("articles/first-steps.md", "\n::: red-flag soon\n- x\n:::\n"), ["R001"]),
    ("red-flag-open", _append("articles/first-steps.md", "\n::: red-flag urgent\n- x\n"), ["R002"]),
    # --- limits, checked while parsing
    ("nested-lists", _append("articles/first-steps.md", "\n" + DEEP_LIST + "\n"), ["error L002", "nested 21 deep"]),
    ("nested-quotes", _append("articles/first-steps.md", "\n" + "> " * 50 + "deep\n"), ["error L002", "50 deep"]),
    ("nested-one-line", _append("articles/first-steps.md", "\n" + "- " * 300 + "x\n"), ["error L002"]),
    ("nested-red-flags", _append("articles/first-steps.md", "\n" + "::: red-flag urgent\n" * 30), ["error L002"]),
    ("nested-emphasis", _append("articles/first-steps.md", "\n" + "*" * 200 + "x" + "*" * 200), ["error L002"]),
    ("nested-html", _append("articles/first-steps.md", "\n\n" + "<div>" * 300 + "x" + "</div>" * 300), ["L002"]),
    ("open-brackets", _append("articles/first-steps.md", "\n\n" + "[" * 3000 + "x\n"), ["error L002", "brackets"]),
    ("unclosed-tags", _append("articles/first-steps.md", "\n\n" + "x<y " * 6000 + "\n"), ["error L003"]),
    ("backtick-runs", _append("articles/first-steps.md", "\n\n" + " ".join("`" * n for n in range(1, 200))), ["L003"]),
    ("one-line-headings", _append("articles/first-steps.md", "\n\n" + "## h\n" * 5000), ["error L003"]),
    ("huge-paragraph", _append("articles/first-steps.md", "\n\n" + "*a* " * 30000 + "\n"), ["error L003"]),
    # --- glossary and references
    ("glossary-syntax", _write("glossary.yaml", "- term: [unclosed\n"), ["glossary.yaml:1:9: error E003"]),
    ("glossary-not-list", _write("glossary.yaml", "term: x\n"), ["glossary.yaml:1: error E004"]),
    ("glossary-no-definition", _write("glossary.yaml", "- term: x\n"), ["glossary.yaml:1: error E004"]),
    ("glossary-binary", _bytes("glossary.yaml", b"\xff\xfe\x00t\x00e"), ["glossary.yaml:1: error E002"]),
    ("glossary-deep", _write("glossary.yaml", "- " * 2000 + "x\n"), ["glossary.yaml:", "E003"]),
    ("references-syntax", _write("references.json", "[{"), ["references.json:1: error B001"]),
    ("references-object", _write("references.json", '{"id": "x"}'), ["references.json:1: error B001"]),
    ("references-empty", _write("references.json", ""), ["references.json:1: error B001"]),
    ("references-deep", _write("references.json", "[" * 100_000), ["references.json:1: error B001", "deeply"]),
    ("references-no-id", _write("references.json", '[{"title": "T"}]'), ["references.json:", "B004"]),
    ("bibtex-broken", _write("references.bib", "@article{k, title = {unclosed\n"), ["references.bib:1:", "B001"]),
    # --- no escape from the book
    ("article-link-out", _link_out("articles/first-steps.md", article().encode()), ["first-steps.md", "I001"]),
    ("glossary-link-out", _link_out("glossary.yaml", b"- term: x\n  definition: y\n"), ["glossary.yaml", "I001"]),
    ("book-yaml-link-out", _link_out("book.yaml"), ["book.yaml", "I001"]),
    ("articles-folder-out", _articles_folder_out, ["first-steps.md", "I001"]),
    ("image-dotdot-out", _image("![x](../../outside.png)", _outside_png), ["second-steps.md:20: error I001"]),
    ("image-absolute", _image("![x](/etc/hostname)"), ["second-steps.md:20: error I001"]),
    ("image-windows-path", _image("![x](C:\\Users\\x.png)"), ["second-steps.md:20: error I001", "Windows"]),
    ("image-symlink-out", _image("![x](../images/link.png)", _outside_png), ["error I001", "symbolic link"]),
    ("image-file-url", _image("![x](file:///etc/hostname)"), ["second-steps.md:20: error I001"]),
    ("image-http", _image("![x](http://example.com/a.png)"), ["second-steps.md:20: error I002", "web address"]),
    ("image-https", _image("![x](https://example.com/a.svg)"), ["second-steps.md:20: error I002"]),
    ("image-protocol-relative", _image("![x](//example.com/a.png)"), ["second-steps.md:20: error I002"]),
    ("image-data-url", _image("![x](data:image/png;base64,AAAA)"), ["second-steps.md:20: error I002"]),
    ("image-missing", _image("![x](nope.png)"), ["second-steps.md:20: error I003"]),
    ("image-wrong-type", _image("![x](../book.yaml)"), ["second-steps.md:20: error I003"]),
    ("image-not-png", _image("![x](fake.png)", lambda b: (b / "articles" / "fake.png").write_text("x")), ["I003"]),
    ("svg-script", _image("![x](../images/x.svg)", lambda b: _svg(b, "<script>alert(1)</script>")), ["I004"]),
    ("svg-outside", _image("![x](../images/x.svg)", lambda b: _svg(b, '<image href="../../o.png"/>')), ["I001"]),
    ("svg-remote", _image("![x](../images/x.svg)", lambda b: _svg(b, '<image href="https://x.org/a.png"/>')), ["I002"]),
    ("raw-img-http", _image('<img src="http://example.com/t.gif" alt="">'), ["second-steps.md:20: error I002"]),
    (
        "css-url-http",
        _image('<span style="background: url(https://x.org/a.png)">s</span>'),
        ["second-steps.md:20: error I002"],
    ),
    ("style-import", _image('<style>@import "https://x.org/a.css";</style>'), ["second-steps.md:20: error I002"]),
    ("iframe", _image('<iframe src="https://example.com/"></iframe>'), ["second-steps.md:20: error I002"]),
    ("logo-svg-outside", _bad_logo, ["clinic.yaml", "error I001", "logo"]),
    # --- glyphs no font has
    ("glyph-cjk", _append("articles/first-steps.md", "\n\u6f22\u5b57 text\n"), ["first-steps.md:", "F001", "U+6F22"]),
    ("glyph-emoji", _append("articles/first-steps.md", "\nA smile \U0001f600\n"), ["F001", "U+1F600"]),
    ("glyph-glossary", _append("glossary.yaml", "- term: \u0e01\n  definition: x\n"), ["glossary.yaml:", "F001"]),
    (
        "glyph-escaped",
        _edit("book.yaml", "subtitle: A tiny book the tests build", 'subtitle: "\\u6f22"'),
        ["book.yaml:2", "F001"],
    ),
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished dist/ that no failed build may touch."""
    base = tmp_path_factory.mktemp("previous")
    out = base / "dist"
    assert main(["build", "--book", str(copy_mini(base / "good")), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("spoil", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_clearly_and_leaves_dist(tmp_path, capsys, previous, spoil, expected):
    book = copy_mini(tmp_path / "book")
    spoil(book)
    before = snapshot(previous)
    code = main(["build", "--book", str(book), "--out", str(previous), "--quiet"])
    err = capsys.readouterr().err
    assert code in (1, 3), err
    assert "Traceback" not in err and "Error:" not in err.split("\n")[0]
    for piece in expected:
        assert piece in err, f"{piece!r} not in:\n{err}"
    assert "nothing in" in err and "was changed" in err
    assert snapshot(previous) == before
    assert not list(previous.parent.glob(".dist.new-link"))


def test_case_count_is_reported():
    """The bad inputs of this file (the report counts them with the property tests' examples)."""
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.timeout(120)
def test_bom_crlf_and_cr_line_ends_are_read_as_text(tmp_path, capsys):
    book = copy_mini(tmp_path / "book")
    for name in ("book.yaml", "glossary.yaml", "articles/first-steps.md"):
        path = book / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    second = book / "articles" / "second-steps.md"
    second.write_bytes(second.read_bytes().replace(b"\n", b"\r"))
    code = main(["build", "--book", str(book), "--out", str(tmp_path / "dist"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err


@pytest.mark.timeout(60)
def test_missing_book_folder_and_unreadable_article(tmp_path, capsys):
    assert main(["--book", str(tmp_path / "none"), "--out", str(tmp_path / "dist")]) == 1
    assert "the book folder does not exist" in capsys.readouterr().err
    if os.geteuid() == 0:
        return  # root reads every file: the permission case cannot be made here
    book = copy_mini(tmp_path / "book")
    (book / "articles" / "first-steps.md").chmod(0)
    assert main(["--book", str(book), "--out", str(tmp_path / "dist")]) == 5  # the machine refused
    assert "first-steps.md: Permission denied" in capsys.readouterr().err
