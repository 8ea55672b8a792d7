"""The preview's read-aloud page plays a chapter in Debian's Chromium and highlights the sentence being read."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .helpers import FIXTURES
from .test_serve import Server, browser, start, watched  # noqa: F401 - the fixtures of the preview test

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="make test installs espeak-ng"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("listen")
    shutil.copytree(FIXTURES / "mini", work / "book")
    running = start(work / "book", work / "serve.log")
    yield running
    running.stop()


def test_a_chapter_plays_with_the_sentence_being_read_highlighted(server, watched) -> None:  # noqa: F811
    page = watched.page
    page.goto(server.url)
    page.get_by_role("link", name="Listen: First steps").click()
    page.locator("#read-aloud-player").wait_for()
    assert page.evaluate("document.getElementById('read-aloud-player').duration > 30")
    sentence = page.locator("#say-4")
    assert sentence.inner_text() == "Go to bed at the same time each night."
    sentence.click()  # a click on a sentence plays from it
    page.wait_for_selector("html[data-reading='say-4']")
    assert "read-aloud-active" in sentence.get_attribute("class")
    page.wait_for_selector("html[data-reading='say-5']", timeout=10_000)  # the speech goes on, the highlight follows
    assert "read-aloud-active" not in sentence.get_attribute("class")
    assert "read-aloud-active" in page.locator("#say-5").get_attribute("class")
    colour = page.evaluate("getComputedStyle(document.getElementById('say-5')).backgroundColor")
    assert colour == "rgb(255, 241, 168)"  # the palette's highlight
    status, media, data = server.get("/book/listen/ch01-first-steps.mp3")
    assert status == 200 and media == "audio/mpeg" and len(data) > 10_000
    assert watched.errors == []
