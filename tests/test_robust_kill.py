"""Nothing lost: a build killed with SIGKILL at any moment (while reading, while writing its
outputs, in the middle of the switch) leaves the previous dist/ complete and unchanged; the next
build succeeds; two builds of the same folder at once never both write (one refuses, exit 4)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plainpress.cli import main
from plainpress.stages.publish import builds_folder

from .helpers import ROOT
from .robust_helpers import copy_mini, snapshot

# A build that stops in the middle of the switch: the new folder is complete and the link to it made,
# dist/ not yet replaced. The fault is injected from outside: os.symlink is wrapped before the CLI runs.
PAUSING_BUILD = """
import os, sys, time
from pathlib import Path

flag = Path(sys.argv.pop(1))
make_link = os.symlink


def pausing(source, link, *args, **kwargs):
    make_link(source, link, *args, **kwargs)
    if str(link).endswith(".new-link"):  # dist's next link: pause before it replaces dist
        flag.touch()
        time.sleep(5)


os.symlink = pausing
from plainpress.cli import main

sys.exit(main(sys.argv[1:]))
"""


def _start(book: Path, out: Path, pause: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1795000000"}
    program = [str(ROOT / "build.py")] if pause is None else ["-c", PAUSING_BUILD, str(pause)]
    return subprocess.Popen(
        [sys.executable, *program, "build", "--book", str(book), "--out", str(out), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the build ended before the kill point: {process.communicate()}"
        assert time.monotonic() < deadline, "the kill point was never reached"
        time.sleep(0.02)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _complete(out: Path) -> None:
    """dist/ is whole: every output its manifest lists, with that size and hash, and nothing else."""
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["outputs"]}
    present = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == present
    for entry in manifest["outputs"]:
        data = (out / entry["path"]).read_bytes()
        assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]


def _staging_has_a_file(out: Path) -> bool:
    current = out.resolve()
    return any(
        folder != current and any(p.is_file() for p in folder.rglob("*"))
        for folder in builds_folder(out).glob("build-*")
    )


@pytest.mark.timeout(300)
def test_builds_killed_at_every_stage_leave_dist_whole_and_unchanged(tmp_path, capsys):
    book = copy_mini(tmp_path / "book")
    out = tmp_path / "dist"
    assert main(["build", "--book", str(book), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    before = snapshot(out)
    _complete(out)
    # The sources change, so that a build that got through would change dist/.
    (book / "articles" / "first-steps.md").write_text(
        (book / "articles" / "first-steps.md").read_text() + "\nA new closing line.\n"
    )
    kills = 0

    # 1. While starting and reading the sources.
    for delay in (0.05, 0.6):
        process = _start(book, out)
        time.sleep(delay)
        if process.poll() is None:
            _kill(process)
            kills += 1
        assert snapshot(out) == before
        _complete(out)

    # 2. While writing outputs into its new build folder.
    process = _start(book, out)
    _wait_for(lambda: _staging_has_a_file(out), process)
    _kill(process)
    kills += 1
    assert snapshot(out) == before
    _complete(out)

    # 3. During the switch: the new folder is complete and its link made, dist/ not yet replaced.
    flag = tmp_path / "paused"
    process = _start(book, out, pause=flag)
    _wait_for(flag.exists, process)
    assert (out.parent / f".{out.name}.new-link").is_symlink()
    # Meanwhile a second build of the same folder refuses, clearly, and changes nothing.
    code = main(["build", "--book", str(book), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 4 and "another build of" in err and "is running" in err and "Traceback" not in err
    _kill(process)
    kills += 1
    assert snapshot(out) == before
    _complete(out)

    assert kills >= 4
    # The next build cleans up after the killed ones and switches dist/ whole.
    assert main(["build", "--book", str(book), "--out", str(out), "--quiet"]) == 0
    assert snapshot(out) != before
    _complete(out)
    assert sorted(p.name for p in builds_folder(out).iterdir()) == [out.resolve().name]
    assert not (out.parent / f".{out.name}.new-link").exists()


@pytest.mark.timeout(300)
def test_two_builds_started_at_once_one_refuses_and_dist_stays_whole(tmp_path):
    book = copy_mini(tmp_path / "book")
    out = tmp_path / "dist"
    flags = [tmp_path / "first", tmp_path / "second"]
    # Both pause at the switch while holding the lock, so the two are sure to overlap.
    processes = [_start(book, out, pause=flag) for flag in flags]
    results = [p.communicate(timeout=240) for p in processes]
    codes = sorted(p.returncode for p in processes)
    assert codes == [0, 4], results
    refused = next(err for p, (_out, err) in zip(processes, results, strict=True) if p.returncode == 4)
    assert "another build of" in refused and "wait for it to finish" in refused and "Traceback" not in refused
    _complete(out)


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except (FileNotFoundError, ProcessLookupError):  # a short-lived child (a library lookup) already gone
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"  # not a zombie
    except FileNotFoundError:
        return False


@pytest.mark.timeout(300)
def test_a_killed_build_leaves_no_worker_processes_behind(tmp_path):
    """Its worker processes notice that the build is gone and end, instead of waiting for work for ever."""
    book = copy_mini(tmp_path / "book")
    command = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(book), "--out", str(tmp_path / "dist")]
    process = subprocess.Popen(
        [*command, "--jobs", "2", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: set[int] = set()

    def started() -> bool:
        workers.update(p for p in _children(process.pid) if "multiprocessing" in _cmdline(p))
        return len(workers) >= 2

    _wait_for(started, process)
    _kill(process)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)], "worker processes outlived the killed build"
