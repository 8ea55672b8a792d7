"""The editor's guide (docs/guide.md) is tested: its quick start is run as written, in a
copy of the project, and its pictures exist and are small.

The steps come from the guide's own quick-start code blocks, so the guide and this test
cannot drift apart: the ``sh`` block's commands are run in order, after ``new`` the
article it names is edited as the ``markdown`` example shows (its summary and its text),
and the example's first paragraph must then be in the handout and the e-book that the
quick start names.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml

from .helpers import ROOT, SAMPLE_BOOK

GUIDE = ROOT / "docs" / "guide.md"
IMAGES = ROOT / "docs" / "images"
MAX_PICTURE = 100_000  # bytes: the pictures are made small (50 dpi, a palette)


def section(text: str, title: str) -> str:
    """The text under ``## title``, up to the next ``## `` heading outside a code block."""
    lines, inside, fenced = [], False, False
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if inside:
                break
            inside = line.rstrip("\n") == f"## {title}"
            continue
        if inside:
            lines.append(line)
    assert lines, f"the guide has no section {title!r}"
    return "".join(lines)


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def front_matter(text: str) -> tuple[dict, str, str]:
    """(keys, the front matter as written, the body) of an article."""
    found = re.match(r"---\n(.*?\n)---\n(.*)", text, re.DOTALL)
    assert found, "no front matter"
    return yaml.safe_load(found.group(1)), found.group(1), found.group(2)


def squeezed(text: str) -> str:
    """Letters and digits only: line breaks, hyphenation and markup do not matter."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def write_as_example(article: Path, example: str) -> str:
    """Edit the article ``new`` made as the guide says: its summary and its text from the example.
    Returns the example's first paragraph, the text to look for."""
    keys, _, body = front_matter(example)
    made_keys, made_front, _ = front_matter(article.read_text())
    assert set(keys) == set(made_keys), "the guide's example has other front-matter keys than `new` writes"
    assert keys["title"] == made_keys["title"]
    summary = yaml.safe_dump({"summary": keys["summary"]}, allow_unicode=True, width=1000)
    front = re.sub(r"^summary:.*\n", lambda _: summary, made_front, count=1, flags=re.MULTILINE)
    article.write_text(f"---\n{front}---\n{body}")
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "-", ":::"))]
    return paragraphs[0]


def text_of(output: Path) -> str:
    if output.suffix == ".pdf":
        with pdfplumber.open(output) as pdf:
            return " ".join(page.extract_text() or "" for page in pdf.pages)
    with zipfile.ZipFile(output) as epub:
        documents = [n for n in epub.namelist() if n.endswith(".xhtml")]
        return " ".join(re.sub(r"<[^>]+>", " ", epub.read(n).decode()) for n in documents)


def test_the_readme_links_to_the_guide() -> None:
    assert "docs/guide.md" in (ROOT / "README.md").read_text()


def test_every_picture_of_the_guide_exists_is_described_and_small() -> None:
    pictures = re.findall(r"!\[([^\]]*)\]\((images/[^)]+)\)", GUIDE.read_text())
    assert len(pictures) >= 8
    for alt, path in pictures:
        assert alt.strip(), f"{path} has no text alternative"
        picture = GUIDE.parent / path
        assert picture.is_file(), f"{path} is missing: run scripts/guide_images.py"
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert picture.stat().st_size < MAX_PICTURE, f"{path} is {picture.stat().st_size} bytes"
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "guide_images.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    shown = {Path(path).name for _, path in pictures}
    for picture in IMAGES.glob("*.png"):
        assert picture.name in shown, f"{picture.name} is not used in the guide"


@pytest.mark.timeout(600)
def test_the_quick_start_works_as_written(tmp_path: Path) -> None:
    quick = section(GUIDE.read_text(), "Quick start")
    (steps,) = code_blocks(quick, "sh")
    (example,) = code_blocks(quick, "markdown")
    outputs = re.findall(r"`(dist/[^`]+\.(?:pdf|epub))`", quick)
    assert any(o.endswith(".pdf") for o in outputs), "the quick start names no handout"
    assert any(o.endswith(".epub") for o in outputs), "the quick start names no e-book"

    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(SAMPLE_BOOK, project / "book")  # the committed sample book, not the working one
    shutil.copytree(ROOT / "layouts", project / "layouts")
    shutil.copy2(ROOT / "build.py", project / "build.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    commands = [argv for argv in (shlex.split(line, comments=True) for line in steps.splitlines()) if argv]
    assert [argv[:3] for argv in commands] == [["python", "build.py", "new"], ["python", "build.py", "build"]]
    wanted = ""
    for argv in commands:
        run = subprocess.run(
            [sys.executable, *argv[1:]], cwd=project, env=env, capture_output=True, text=True, timeout=540, check=False
        )
        assert run.returncode == 0, f"{shlex.join(argv)} failed:\n{run.stdout}\n{run.stderr}"
        if argv[2] == "new":
            made = run.stdout.strip().splitlines()[-1]
            assert f"`{made}`" in quick or f" {made}," in quick, f"the guide does not name the file `new` made: {made}"
            wanted = write_as_example(project / made, example)
    assert wanted
    for output in outputs:
        path = project / output
        assert path.is_file(), f"{output} was not made: {run.stdout}"
        assert squeezed(wanted) in squeezed(text_of(path)), f"the new text is not in {output}"
