"""The installed tool: a wheel built from the repository, installed into a fresh virtual environment
outside it, starts a book with ``plainpress init`` and builds every output from that folder.

The fresh environment gets the wheel and its dependencies from pip's index (and pip's own cache when
it has them), as ``pipx install`` would: nothing of the repository or of the test environment is on
its path, so a file the wheel lacks (a template, a message file, an icon) fails the build here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from plainpress.paths import PACKAGE_LAYOUTS

from .helpers import ROOT, by_severity, epubcheck_messages

pytestmark = pytest.mark.timeout(300)

SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "plainpress", "layouts")


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess:
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert run.returncode == 0, (
        f"{' '.join(command)} failed ({run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    )
    return run


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the checkout is left as it is)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(source)], work, _env())
    (found,) = (work / "dist").glob("plainpress-*.whl")
    return found


def _env(venv: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
    return env


def test_the_wheel_holds_the_layouts_once(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    want = {
        f"plainpress/layouts/{p.relative_to(PACKAGE_LAYOUTS).as_posix()}"
        for p in PACKAGE_LAYOUTS.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert want - names == set()  # every template, stylesheet, icon and message file
    assert {"plainpress/layouts/messages/es.yaml", "plainpress/layouts/icons/urgent.svg"} <= names
    assert "plainpress/__main__.py" in names
    assert not any(n.startswith(("layouts/", "tests/", "book/")) for n in names)


def test_the_repository_keeps_one_copy_of_the_layouts():
    """The checkout (and the editable install the tests run in) reads layouts/ in place."""
    assert PACKAGE_LAYOUTS == ROOT / "layouts"
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(
            ["git", "ls-files", "plainpress/layouts"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert tracked.stdout == ""


def test_installed_from_the_wheel_init_check_and_build_work_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, _env())
    python = venv / "bin" / "python"
    env = _env(venv)
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], tmp_path, env, 280)
    where = _run([str(python), "-c", "import plainpress; print(plainpress.__file__)"], tmp_path, env).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(ROOT)

    work = tmp_path / "somewhere"
    work.mkdir()
    tool = str(venv / "bin" / "plainpress")
    _run([tool, "init", "mybook", "--title", "Looking after your back"], work, env)
    book = work / "mybook"
    checked = _run([tool, "check"], book, env)
    assert "0 errors" in checked.stderr and "warning" in checked.stderr
    _run([tool, "build", "--quiet"], book, env)
    assert _run([str(python), "-m", "plainpress", "--version"], book, env).stdout.startswith("plainpress ")

    dist = book / "dist"
    outputs = json.loads((dist / "manifest.json").read_text())["outputs"]
    by_kind: dict[str, list[Path]] = {}
    for entry in outputs:  # wherever the manifest puts them (drafts may go under dist/drafts/)
        by_kind.setdefault(entry["kind"], []).append(dist / entry["path"])
    assert {"epub", "pdf", "handout", "card"} <= set(by_kind)
    (epub,) = by_kind["epub"]
    assert by_severity(epubcheck_messages(epub), "FATAL", "ERROR", "WARNING") == []
    with pdfplumber.open(by_kind["pdf"][0]) as pdf:
        assert "Looking after your back" in pdf.pages[0].extract_text()
    with pdfplumber.open(by_kind["handout"][0]) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Your first article" in text and "[your clinic" in text  # the clinic profile's name, to fill in
    with pdfplumber.open(by_kind["card"][0]) as pdf:
        assert pdf.pages and "[emergency number]" in (pdf.pages[0].extract_text() or "")
