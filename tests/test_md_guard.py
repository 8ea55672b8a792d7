"""Whole-output snippets of the guard extension (plainpress/mdext/guard.py): limits, images and the
sanitiser together, as every conversion of the book runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from plainpress.mdext.guard import GuardExtension, GuardPolicy
from plainpress.mdext.limits import LimitError

from .mdsnippets import assert_renders, convert


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guard") / "book"
    (root / "articles").mkdir(parents=True)
    (root / "images").mkdir()
    Image.new("RGB", (4, 4), "teal").save(root / "images" / "nerve.png")
    return root


def guard(book: Path, **policy):
    return lambda source: GuardExtension(GuardPolicy(**policy), source, book / "articles" / "demo.md")


def test_accepted_images_stay_refused_ones_and_unsafe_html_go_and_all_is_reported(book):
    ext = assert_renders(
        """
        ![A nerve](../images/nerve.png) ![web](https://example.org/a.png)

        <div onclick="x()">Hi<script>alert(1)</script> <img src="../images/nerve.png" alt="raw"></div>

        Take 5 mg at https://example.org/a.
        """,
        """
        <p><img alt="A nerve" src="images/nerve.png" /> </p>
        <div>Hi </div>

        <p>Take <span class="nobreak">5 mg</span> at https://<wbr />example.<wbr />org/<wbr />a.</p>
        """,
        guard(book),  # no root given: the folder above articles/ is the book
    )
    # The raw <img> loses its source ("../images/nerve.png" is not what the extension wrote), then itself.
    report = ext.report
    assert [(i.relative, i.line) for i in report.images] == [("images/nerve.png", 1)]
    assert [(p.code, p.text, p.line) for p in report.problems] == [
        ("I002", "https://example.org/a.png", 1),
        ("U001", "onclick", 3),
        ("U001", "<script", 3),
        ("U001", "<img", 3),
    ]


def test_the_output_writes_the_image_source_and_a_root_may_be_given(book):
    ext = assert_renders(
        "![A nerve](../images/nerve.png)",
        '<p><img alt="A nerve" src="EPUB/images/nerve.png" /></p>',
        guard(book, root=book, image_href=lambda image: f"EPUB/{image.relative}"),
    )
    assert [i.media_type for i in ext.report.images] == ["image/png"]


def test_the_nesting_limit_of_the_book_applies(book):
    source = "- a\n    - b\n        - c"
    with pytest.raises(LimitError) as refused:
        convert(source, guard(book, nesting=2)(source))
    assert (refused.value.code, refused.value.line) == ("L002", 3)


def test_reset_forgets_the_last_article(book):
    ext = assert_renders("![web](https://example.org/a.png)", "<p></p>", guard(book))
    assert [p.code for p in ext.report.problems] == ["I002"]
    ext.reset()
    assert ext.report.problems == [] and ext.report.images == [] and ext.state.sources == set()
