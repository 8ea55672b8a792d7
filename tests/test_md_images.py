"""Whole-output snippets of the image and resource extension (plainpress/mdext/images.py) alone:
images resolved inside the book, what would load from the web or from outside refused with its line,
what the sanitiser will remove reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from plainpress.mdext import images
from plainpress.mdext.images import ImageState, book_relative_href

from .mdsnippets import Registered, assert_renders


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book folder with one good image, a file that only says it is a PNG, an SVG with a script,
    and an image just outside the book."""
    top = tmp_path_factory.mktemp("images")
    root = top / "book"
    (root / "articles").mkdir(parents=True)
    (root / "images").mkdir()
    Image.new("RGB", (4, 4), "teal").save(root / "images" / "nerve.png")
    Image.new("RGB", (4, 4), "teal").save(top / "outside.png")
    (root / "images" / "fake.png").write_bytes(b"not a picture")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script></svg>'
    (root / "images" / "script.svg").write_text(svg)
    return root


def guarded(book: Path, state: ImageState, href=book_relative_href):
    return lambda source: Registered(images.register, state, source, book / "articles", book, href)


def problems(state: ImageState) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.text, p.line) for p in state.problems]


def test_an_image_inside_the_book_is_recorded_and_written_as_the_output_asks(book):
    state = ImageState()
    assert_renders(
        """
        Before.

        ![A nerve cell](../images/nerve.png "Nerve")
        """,
        """
        <p>Before.</p>
        <p><img alt="A nerve cell" src="epub/images/nerve.png" title="Nerve" /></p>
        """,
        guarded(book, state, href=lambda image: f"epub/{image.relative}"),
    )
    assert [(i.relative, i.media_type, i.line) for i in state.images] == [("images/nerve.png", "image/png", 3)]
    assert state.sources == {"epub/images/nerve.png"}  # for the sanitiser: only these sources stay
    assert problems(state) == []


def test_refused_images_are_removed_keeping_the_text_and_reported_with_their_lines(book):
    state = ImageState()
    assert_renders(
        """
        Text ![web](https://example.org/a.png) after.

        ![out](../../outside.png) and ![gone](../images/none.png)

        ![fake](../images/fake.png)![svg](../images/script.svg) end.
        """,
        """
        <p>Text  after.</p>
        <p> and </p>
        <p> end.</p>
        """,
        guarded(book, state),
    )
    assert problems(state) == [
        ("I002", "https://example.org/a.png", 1),
        ("I001", "../../outside.png", 3),
        ("I003", "../images/none.png", 3),
        ("I003", "../images/fake.png", 5),
        ("I004", "../images/script.svg", 5),
    ]
    assert [p.message for p in state.problems][3:] == [
        "the file is not a valid PNG image",
        "the SVG holds a <script> element, which is not allowed",
    ]
    assert state.images == [] and state.sources == set()


def test_unsafe_link_addresses_and_event_handlers_in_markdown_are_removed_and_reported(book):
    state = ImageState()
    assert_renders(
        """
        A [js](javascript:alert(1)) link, a [phone](tel:999) and [mail](mailto:a@example.org).

        Styled
        {: onmouseover="y()" style="background: url(../../outside.png)" }
        """,
        """
        <p>A <a>js</a> link, a <a href="tel:999">phone</a> and <a href="mailto:a@example.org">mail</a>.</p>
        <p style="background: url(../../outside.png)">Styled</p>
        """,
        guarded(book, state),
        also=["attr_list"],
    )
    # The style stays for the sanitiser to remove; what it would load is reported here. (Found
    # children of the body first, then their children: the order is not the reading order.)
    assert sorted(problems(state), key=lambda p: p[2]) == [
        ("U001", "javascript:alert(1)", 1),
        ("U001", "onmouseover", 4),
        ("I001", "../../outside.png", 4),
    ]


def test_raw_html_is_read_for_what_it_would_load_or_run(book):
    state = ImageState()
    assert_renders(
        """
        <div onclick="x()" style="background: url(https://example.org/a.png)"><img src="a.png"><script>1</script></div>

        Inline <iframe src="https://example.org"></iframe> and <a href="vbscript:x">v</a>.
        """,
        """
        <div onclick="x()" style="background: url(https://example.org/a.png)"><img src="a.png"><script>1</script></div>

        <p>Inline <iframe src="https://example.org"></iframe> and <a href="vbscript:x">v</a>.</p>
        """,
        guarded(book, state),
    )
    # Left as written here: the sanitiser removes it; these are the reasons, with their lines.
    assert problems(state) == [
        ("U001", "onclick", 1),
        ("I002", "https://example.org/a.png", 1),
        ("U001", "<img", 1),
        ("U001", "<script", 1),
        ("U001", "<iframe", 3),
        ("I002", "https://example.org", 3),
        ("U001", "vbscript:x", 3),
    ]


def test_a_style_block_in_raw_html_is_read_for_what_it_loads(book):
    state = ImageState()
    assert_renders(
        """
        <style>p { background: url(../../outside.png) }</style>

        <p style="color: red">Fine.</p>
        """,
        """
        <style>p { background: url(../../outside.png) }</style>

        <p style="color: red">Fine.</p>
        """,
        guarded(book, state),
    )
    assert problems(state) == [("U001", "<style", 1), ("I001", "../../outside.png", 1)]
