"""Sources are regular files: every kind of file a build reads (book.yaml, articles, the glossary, the
references as CSL-JSON and BibTeX, profiles, logos, images and layouts) is refused with a message naming it
when it is a FIFO, a socket, a folder, a link to nothing or a link leading out of its root. A FIFO never
blocks: every case runs under a short timeout."""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import ROOT
from .safety_helpers import make_world, run, state

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
PROFILE = "name: Clinic\nphone: '0100'\nhours: Always\nemergency_number: '999'\npaper: a4\nsizes: [standard]\n"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


def _folder(path: Path) -> None:
    path.mkdir()


def _nothing(path: Path) -> None:
    path.symlink_to(path.parent / "not-there")


def _outside(path: Path) -> None:
    outside = path.parents[3] / f"outside-{path.name}"
    if not outside.exists():
        outside.write_bytes(b"")
    path.symlink_to(outside)


SPECIALS: dict[str, Callable[[Path], None]] = {
    "a FIFO": _fifo,
    "a socket": _socket,
    "a folder": _folder,
    "a link to nothing": _nothing,
    "a link out of the book": _outside,
}
# Each source: the file in the book (made special), and what else the book needs to read it.
SOURCES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "book.yaml": ("book.yaml", lambda book: None),
    "an article": ("articles/second-steps.md", lambda book: None),
    "the glossary": ("glossary.yaml", lambda book: None),
    "references.json": ("references.json", lambda book: None),
    "references.bib": ("references.bib", lambda book: None),
    "a profile": ("profiles/clinic.yaml", lambda book: (book / "profiles").mkdir()),
    "a logo": ("profiles/logo.png", lambda book: _profile_with_logo(book)),
    "an image": ("articles/picture.png", lambda book: _article_with_image(book)),
}


def _profile_with_logo(book: Path) -> None:
    (book / "profiles").mkdir()
    (book / "profiles" / "clinic.yaml").write_text(PROFILE + "logo: logo.png\nlogo_alt: The clinic\n")


def _article_with_image(book: Path) -> None:
    article = book / "articles" / "first-steps.md"
    article.write_text(article.read_text() + "\n\n![A small picture](picture.png)\n")


@pytest.mark.timeout(30)  # a FIFO that is opened blocks for ever: this stops it
@pytest.mark.parametrize("special", SPECIALS, ids=list(SPECIALS))
@pytest.mark.parametrize("source", SOURCES, ids=list(SOURCES))
def test_a_source_that_is_not_a_regular_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, special: str
) -> None:
    world = make_world(tmp_path)
    monkeypatch.chdir(world.project)
    relative, prepare = SOURCES[source]
    prepare(world.book)
    target = world.book / relative
    if target.exists() or target.is_symlink():
        target.unlink()
    SPECIALS[special](target)
    before = state(world.book)
    code, output = run("check", "--book", "book", "--report", "reports/check.html", "--format", "json")
    assert code == 1, output
    assert "Traceback" not in output
    findings = json.loads(output[: output.rindex("]") + 1])
    name = Path(relative).name
    errors = [f for f in findings if f["severity"] == "error"]
    line = next((f"{f['file']}: {f['message']}" for f in errors if name in f["file"] + f["message"]), None)
    assert line, f"no error names {name}:\n{output}"
    words = {
        "a FIFO": "FIFO",
        "a socket": "socket",
        "a folder": "folder",
        "a link to nothing": ("nothing", "no file", "does not exist", "no image file", "no article"),
        "a link out of the book": ("outside", "leads"),
    }[special]
    assert any(word in line for word in ([words] if isinstance(words, str) else words)), line
    assert state(world.book) == before


LAYOUT_FILES = ("epub/chapter.xhtml.j2", "base/base.css", "icons/urgent.svg")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("special", ["a FIFO", "a socket", "a link out of the book"])
@pytest.mark.parametrize("relative", LAYOUT_FILES)
def test_a_layout_file_that_is_not_a_regular_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str, special: str
) -> None:
    world = make_world(tmp_path)
    monkeypatch.chdir(world.project)
    target = world.layouts / relative
    assert target.is_file(), f"the layouts have no {relative}"
    target.unlink()
    SPECIALS[special](target)
    code, output = run(
        "build", "--book", "book", "--out", "dist", "--layouts", str(world.layouts), "--only", "epub", "--quiet"
    )
    assert code == 1, output
    assert "Traceback" not in output and not Path("dist").exists()
    line = next((line for line in output.splitlines() if Path(relative).name in line), "")
    assert ("FIFO" in line) or ("socket" in line) or ("outside" in line), output


def test_the_layouts_named_exist() -> None:
    for relative in LAYOUT_FILES:
        assert (ROOT / "layouts" / relative).is_file(), relative
    assert shutil.which("mkfifo") or hasattr(os, "mkfifo")
