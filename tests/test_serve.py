"""The live preview end to end: ``python build.py serve`` on a copy of the fixture book,
driven by Debian's Chromium in headless mode through Playwright (never a downloaded browser)."""

from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from plainpress import louis
from plainpress.model.entries import Selection
from plainpress.outputs.epub import documents
from plainpress.stages.analyse import analyse
from plainpress.stages.catalogue import catalogue
from plainpress.stages.gather import gather
from plainpress.stages.read import read_book
from plainpress.templates import DEFAULT_LAYOUTS

from .helpers import CHROMIUM, CHROMIUM_ARGS, FIXTURES, ROOT

UPDATE_WITHIN = 5.0  # seconds from saving a file to seeing it in the open page
CHAPTER = "/book/text/ch01-first-steps.xhtml"

pytestmark = pytest.mark.timeout(240)


@dataclass
class Server:
    process: subprocess.Popen
    book: Path
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str) -> tuple[int, str, bytes]:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()

    def stop(self, number: int = signal.SIGINT) -> tuple[int, float]:
        """Stop it as an editor would (Ctrl+C); the exit code and how long it took."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(number)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
            pytest.fail(f"the preview did not stop within 15 s of signal {number}:\n{self.output()}")
        return code, time.monotonic() - started


def start(book: Path, log: Path, port: int = 0) -> Server:
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--book", str(book), "--port", str(port)],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, book, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/", server.output())
        if found:
            server.url = found.group(0)
            return server
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{server.output()}")
        time.sleep(0.1)
    server.stop()
    pytest.fail(f"serve printed no address within 60 s:\n{server.output()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("serve")
    shutil.copytree(FIXTURES / "mini", work / "book")
    running = start(work / "book", work / "serve.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "the preview test needs Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield launched
        launched.close()


@dataclass
class Watched:
    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A new page whose console errors and uncaught exceptions are collected."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    seen = Watched(page)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(f"console: {message.text} @ {message.location}")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    yield seen
    context.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_index_lists_the_book_the_handouts_and_the_findings(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url)
    assert page.title() == "Preview: Mini Fixture Book"
    for title in ("First steps", "Second steps", "Glossary", "Sources", "Red flags: when to get help"):
        assert page.get_by_role("link", name=title, exact=True).count() == 1, title
    assert page.locator('a[href="/handouts/neutral/first-steps-a4-standard.pdf"]').count() == 1
    assert page.locator('a[href="/cards/neutral/red-flag-card-standard.pdf"]').count() == 1
    status = page.locator("#plainpress-preview")
    status.wait_for()
    assert "1 warning" in status.inner_text()
    status.locator("summary").click()
    assert "X001" in status.inner_text()  # the mini book links to an article it does not have
    page.get_by_role("link", name="First steps", exact=True).click()
    page.get_by_text("Go to bed at the same time each night.").wait_for()
    assert watched.errors == []


def test_the_open_page_shows_an_edit_within_five_seconds(server: Server, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto(server.url + CHAPTER.lstrip("/"))
    page.locator("#plainpress-preview").wait_for()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Atkinson Hyperlegible" in font  # the EPUB's own stylesheet, served from memory
    marker = "Keep a lamp with a warm, dim light by the bed."
    saved = time.monotonic()
    edit(server.book / "articles" / "first-steps.md", "Keep the room dark and cool.", marker)
    page.get_by_text(marker).wait_for(state="visible", timeout=UPDATE_WITHIN * 1000)
    latency = time.monotonic() - saved
    print(f"preview update latency: {latency:.2f} s")
    assert latency < UPDATE_WITHIN
    page.locator("#plainpress-preview").wait_for()
    shot = tmp_path / "preview.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    assert watched.errors == []


def test_a_broken_source_shows_its_problem_on_the_page_and_the_preview_goes_on(
    server: Server, watched: Watched
) -> None:
    page = watched.page
    page.goto(server.url + CHAPTER.lstrip("/"))
    page.locator("#plainpress-preview").wait_for()
    article = server.book / "articles" / "second-steps.md"
    good = article.read_text()
    article.write_text(good.replace("title:", "title: [an unclosed list", 1))
    try:
        page.get_by_text("the last change has problems").wait_for(timeout=UPDATE_WITHIN * 1000)
        status = page.locator("#plainpress-preview").inner_text()
        assert "second-steps.md" in status
        assert "E003" in status  # YAML syntax error, with its file and line
        assert page.get_by_text("Go to bed at the same time each night.").is_visible()  # the last good build
        assert server.process.poll() is None
    finally:
        article.write_text(good)
    page.get_by_text("no problems found").or_(page.get_by_text("1 warning")).wait_for(timeout=UPDATE_WITHIN * 1000)
    assert server.process.poll() is None
    assert watched.errors == []


def test_handouts_follow_edits_as_pdf_and_page_by_page(server: Server, watched: Watched) -> None:
    marker = "Sit down for ten minutes after lunch."
    edit(server.book / "articles" / "second-steps.md", "Plan one quiet", f"{marker} Plan one quiet")
    path = "handouts/neutral/second-steps-a4-standard.pdf"
    deadline = time.monotonic() + 30
    while True:
        status, media, data = server.get(path)
        assert status == 200
        assert media == "application/pdf"
        assert data.startswith(b"%PDF-")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = " ".join((p.extract_text() or "") for p in pdf.pages)
        if marker in " ".join(text.split()) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert marker in " ".join(text.split())
    page = watched.page
    page.goto(f"{server.url}view/{path}")
    images = page.locator(".pages img")
    images.first.wait_for()
    page.wait_for_load_state("load")
    widths = images.evaluate_all("(all) => all.map((img) => img.naturalWidth)")
    assert widths
    assert all(width > 100 for width in widths)
    assert watched.errors == []


def test_the_preview_script_is_only_in_the_preview(server: Server) -> None:
    status, media, data = server.get(CHAPTER)
    assert status == 200
    assert media.startswith("application/xhtml+xml")
    served = data.decode()
    assert served.count("/__preview.js") == 1
    book = gather(server.book)
    analyse(book)
    chapter = next(d for d in documents(book, DEFAULT_LAYOUTS)[0] if d.file_name == CHAPTER.rsplit("/", 1)[1])
    assert "__preview" not in chapter.content
    assert re.sub(r'<script src="/__preview\.js" data-version="\d+"></script>\n', "", served) == chapter.content
    version = json.loads(server.get("/__version")[2])["version"]
    assert isinstance(version, int)


def test_only_local_addresses_are_answered(server: Server) -> None:
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    for host, expected in ((f"localhost:{port}", 200), (f"127.0.0.1:{port}", 200), ("attacker.example", 403)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/__version", headers={"Host": host})
        assert connection.getresponse().status == expected, host
        connection.close()


def test_port_in_use_is_a_clear_error(server: Server, tmp_path: Path) -> None:
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "serve", "--book", str(server.book), "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly(tmp_path: Path, number: int) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "book")
    running = start(tmp_path / "book", tmp_path / "serve.log")
    assert running.get("/")[0] == 200
    assert running.url.startswith("http://127.0.0.1:")  # loopback only
    code, took = running.stop(number)
    assert code == 0, running.output()
    assert took < 10
    assert "preview stopped" in running.output()


MEDIA = {".pdf": ("application/pdf", b"%PDF-"), ".epub": ("application/epub+zip", b"PK\x03\x04")}
MEDIA |= {".brf": ("text/plain", b""), ".mp3": ("audio/mpeg", b"ID3")}


def test_every_output_in_the_catalogue_is_served_by_its_path(server: Server) -> None:
    book, _ = read_book(server.book)
    listed = catalogue(book, DEFAULT_LAYOUTS, Selection(audio=True))
    assert {e.kind.name for e in listed} >= {"epub", "pdf", "handout", "card", "braille-book", "audio", "read-aloud"}
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    for entry in listed:
        path = f"{entry.path}-1.brf" if entry.volumes else entry.path
        media, start = MEDIA[Path(path).suffix]
        status, served, data = server.get(path)
        assert (status, served.split(";")[0]) == (200, media), path
        assert data.startswith(start) and len(data) > 100, path
        if path.endswith(".brf"):
            assert set(data.decode("ascii")) <= set(louis.ASCII_BRAILLE) | {"\r", "\n", "\f"}, path
    for missing in ("/no-such-book.pdf", f"/{listed.entry(path).path}-99.brf", "/view/no-such.pdf"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", missing)
        answer = connection.getresponse()
        assert answer.status == 404 and "has no page" in answer.read().decode(), missing
        connection.close()


def test_the_preview_is_templates_and_under_300_lines_of_python() -> None:
    """The preview is the build's pipeline: its own Python (with the command) stays small, its pages are
    templates in layouts/preview/, and what a page shows of an output comes from that output's module."""
    python = [ROOT / "plainpress" / "preview.py", ROOT / "plainpress" / "commands" / "serve.py"]
    assert not (ROOT / "plainpress" / "preview").exists()  # (a package would be counted whole)
    lines = sum(len(path.read_text().splitlines()) for path in python)
    print(f"the preview's Python: {lines} lines")
    assert lines < 300
    for path in python:  # what a page shows of braille (and later outputs) comes from the entry (Entry.view)
        assert not re.search(r"outputs\.(braille|brf|audio|cards|handouts|book_pdf)\b", path.read_text()), path
        assert not re.search(r"<(html|head|style|script|main|h1|p|a|ul|li|table|div|section)[\s>]", path.read_text())
    assert (
        not list((ROOT / "plainpress").glob("*listen*.py"))
        and not (ROOT / "plainpress" / "braille_preview.py").exists()
    )
    pages = {p.name for p in (ROOT / "layouts" / "preview").rglob("*.j2")}
    assert {"index.html.j2", "message.html.j2", "pdf.html.j2", "brf.html.j2", "mp3.html.j2", "listen.html.j2"} <= pages
