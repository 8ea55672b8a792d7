"""Run Ace by DAISY on an EPUB and read its report.

Ace comes from npm (pinned in package-lock.json, installed into node_modules/ with
`npm ci --ignore-scripts`, so puppeteer never downloads a browser) and runs as
`ace-puppeteer` with PUPPETEER_EXECUTABLE_PATH pointing at Debian's chromium.
When something it needs is missing the caller fails with a message saying how to
install it: `make test` installs all of it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACE = ROOT / "node_modules" / ".bin" / "ace-puppeteer"
TIMEOUT = 300  # seconds for the whole Ace run
INSTALL = "run `make test` (it installs them), or by hand: `npm ci --ignore-scripts` and `apt-get install -y chromium`"


class AceUnavailable(AssertionError):
    """Ace, Node or chromium is missing, or Ace did not produce a report."""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    location: str  # the document inside the EPUB
    pointer: str  # CSS selector of the element, when Ace gives one
    description: str
    html: str

    def __str__(self) -> str:
        where = f"{self.location} {self.pointer}".strip()
        return f"{self.impact} {self.rule} @ {where}: {self.description} {self.html}".strip()


@dataclass(frozen=True)
class AceReport:
    raw: dict
    log: str

    @property
    def outcome(self) -> str:
        return self.raw["earl:result"]["earl:outcome"]

    @property
    def version(self) -> str:
        return self.raw.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision", "?")

    @property
    def violations(self) -> list[Violation]:
        out = []
        for subject in self.raw.get("assertions", []):
            url = subject.get("earl:testSubject", {}).get("url", "")
            for item in subject.get("assertions", []):
                if item.get("earl:result", {}).get("earl:outcome") == "pass":
                    continue
                test, result = item.get("earl:test", {}), item["earl:result"]
                pointer = result.get("earl:pointer", {})
                selectors = pointer.get("css", []) if isinstance(pointer, dict) else []
                out.append(
                    Violation(
                        rule=test.get("dct:title", "?"),
                        impact=test.get("earl:impact", "?"),
                        location=url,
                        pointer=" ".join(selectors),
                        description=" / ".join(
                            text
                            for text in (result.get("dct:description", "").strip(), test.get("dct:description", ""))
                            if text
                        ),
                        html=result.get("html", "").strip(),
                    )
                )
        return out


def chromium() -> str:
    """Debian's chromium, or the browser PUPPETEER_EXECUTABLE_PATH names."""
    given = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if given and not Path(given).exists():
        raise AceUnavailable(f"PUPPETEER_EXECUTABLE_PATH={given} does not exist: unset it to use Debian's chromium")
    path = given or shutil.which("chromium")
    if not path:
        raise AceUnavailable(f"Ace needs Debian's chromium, which is not installed: {INSTALL}")
    return path


def _check_tools() -> str:
    """The browser to run Ace with, once Node 20+ and Ace are known to be there."""
    node = shutil.which("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout if node else ""
    major = version.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 20:
        raise AceUnavailable(
            f"Ace needs Node 20 or later on PATH (found {version.strip() or 'none'}); Debian's own nodejs 18 is too old"
        )
    if not ACE.exists():
        raise AceUnavailable(f"Ace by DAISY is not installed ({ACE} is missing): {INSTALL}")
    return chromium()


def _kill(process: subprocess.Popen) -> None:
    """Stop Ace and the browser it started (they share a process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_ace(epub: Path, timeout: int = TIMEOUT) -> AceReport:
    """Run `ace-puppeteer` on `epub` into a temporary folder and return its report."""
    browser = _check_tools()
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        work = Path(tmp)
        out = work / "report"
        env = {
            **os.environ,
            "PUPPETEER_EXECUTABLE_PATH": browser,
            "PUPPETEER_SKIP_DOWNLOAD": "1",
            # The browser profile, Ace's configuration and logs stay in the temporary folder.
            "PUPPETEER_TMP_DIR": str(work),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_STATE_HOME": str(work / "state"),
            "XDG_DATA_HOME": str(work / "data"),
            # Ace gives the browser 5 s to start by default: too short on a busy machine.
            "ACE_TIMEOUT_INITIAL": "60000",
        }
        command = [str(ACE), "--force", "--outdir", str(out), "--tempdir", str(work / "tmp"), str(epub)]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            log, _ = process.communicate()
            raise AceUnavailable(f"Ace did not finish within {timeout} s on {epub}:\n{log[-3000:]}") from None
        finally:
            _kill(process)  # a browser left behind by Ace
        report = out / "report.json"
        if not report.exists():
            raise AceUnavailable(f"Ace wrote no report (exit code {process.returncode}) on {epub}:\n{log[-3000:]}")
        return AceReport(json.loads(report.read_text()), log)
