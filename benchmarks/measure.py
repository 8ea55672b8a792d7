"""Whole processes timed by wall clock, with their CPU time and peak memory, and facts about the machine."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


class BenchError(RuntimeError):
    """A measured command failed: the benchmark stops and shows what it printed."""


@dataclass
class Sample:
    seconds: float  # wall clock of the whole process, start to reaped
    maxrss_mib: float  # peak RSS of the largest process: the child or a child it waited for (ru_maxrss)
    stdout: str = ""
    cpu_seconds: float | None = None  # user + system CPU of the process and every descendant reaped (os.wait4)
    cpu_adopted_seconds: float = 0.0  # the part of it from descendants it left behind (adopted, reaped here)

    def as_json(self) -> dict[str, float]:
        out = {"seconds": round(self.seconds, 4), "maxrss_mib": round(self.maxrss_mib, 1)}
        if self.cpu_seconds is not None:
            out["cpu_seconds"] = round(self.cpu_seconds, 3)
        if self.cpu_adopted_seconds:
            out["cpu_adopted_seconds"] = round(self.cpu_adopted_seconds, 3)
        return out


def _tail(data: bytes, limit: int = 6000) -> str:
    text = data.decode("utf-8", "replace")
    return text if len(text) <= limit else "…" + text[-limit:]


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
LINGER_SECONDS = 30.0


def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux ``prctl``), so that processes a build starts
    but does not wait for itself (such as multiprocessing's resource tracker, which outlives its parent by a
    moment) are still waited for, here, and their peak memory and CPU time counted. The build's render workers
    are its own children, which it waits for: ``os.wait4`` of the build covers them without this. Returns False
    where that is not possible."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _reap_descendants(label: str) -> tuple[int, float]:
    """Wait for the descendants that outlived the measured process (adopted by this one): their peak RSS in KiB
    and their CPU seconds (with those of the processes they waited for)."""
    peak, cpu, end = 0, 0.0, time.monotonic() + LINGER_SECONDS
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return peak, cpu
        if pid:
            peak, cpu = max(peak, usage.ru_maxrss), cpu + _cpu(usage)
        elif time.monotonic() > end:
            raise BenchError(f"{label}: processes it started still run {LINGER_SECONDS:.0f} s after it ended")
        else:
            time.sleep(0.01)


def run_process(cmd: list[str], cwd: Path, label: str) -> Sample:
    """Run ``cmd`` to completion: its wall time (until it ends); the largest ``ru_maxrss`` (KiB on Linux) that
    ``os.wait4`` reports for it (covering the children it waited for) and for any descendant it left behind; and
    the CPU time (``ru_utime + ru_stime``) of all of them: ``os.wait4`` of a process includes the CPU of every
    child it waited for, so the build's render workers are in it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl+C: end the child we started, then stop
            proc.kill()
            proc.wait()
            raise
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        adopted_kib, adopted_cpu = _reap_descendants(label)
        maxrss_kib = max(usage.ru_maxrss, adopted_kib)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise BenchError(
            f"{label} failed (exit code {proc.returncode}) in {cwd}:\n  {' '.join(cmd)}\n"
            f"--- stderr ---\n{_tail(stderr)}\n--- stdout ---\n{_tail(stdout, 2000)}"
        )
    cpu = _cpu(usage) + adopted_cpu
    return Sample(seconds, maxrss_kib / 1024, stdout.decode("utf-8", "replace"), cpu, adopted_cpu)


def capture(cmd: list[str], cwd: Path | None = None) -> str:
    """Output of a quick helper command (not measured); a failure stops the benchmark."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed (exit code {done.returncode}):\n{done.stderr}{done.stdout}")
    return done.stdout


def _proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def runner_peak_mib() -> float:
    """This process's own peak RSS. A child starts from it (vfork/fork, then exec keeps the high-water mark),
    so no child can be measured below it: it is the floor of every memory figure."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def git_commit(repo: Path) -> str:
    try:
        head = capture(["git", "-C", str(repo), "rev-parse", "HEAD"]).strip()
        dirty = capture(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"]).strip()
    except (BenchError, OSError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes)" if dirty else "")


def machine_info(repo: Path, pandoc_version: str) -> dict[str, object]:
    mem_kib = _proc_field("/proc/meminfo", "MemTotal").split()[0]
    return {
        "cpu": _proc_field("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": _version("weasyprint"),
        "plainpress_commit": git_commit(repo),
        "pandoc": pandoc_version,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python_executable": sys.executable,
    }


def pandoc() -> tuple[str, str]:
    """The pandoc binary that pypandoc-binary ships and its version; it must be pandoc 3."""
    try:
        import pypandoc
    except ImportError as error:
        raise BenchError("pypandoc-binary is not installed: pip install -e '.[bench]' (or make bench)") from error
    path = pypandoc.get_pandoc_path()
    version = capture([path, "--version"]).splitlines()[0].split()[-1]
    if int(version.split(".")[0]) < 3:
        raise BenchError(f"pandoc {version} at {path}: the comparison needs pandoc 3 (pypandoc-binary>=1.15)")
    return path, version


CAPACITY_LOOP = 30_000_000  # a pure-Python loop of N additions: about 2 s of one core for CPython 3.11
_LOOP_CODE = (  # only the loop is timed, not the interpreter's start
    "import time\nt = time.perf_counter()\nx = 0\nfor i in range({n}):\n    x += i\nprint(time.perf_counter() - t)"
)


def parallel_capacity(python: str = sys.executable, loop: int = CAPACITY_LOOP, rounds: int = 3) -> dict[str, object]:
    """How much Python work two processes get done at once, against one alone. A fixed pure-Python loop
    (``x += i`` over ``range(N)``: bytecode all the way, unlike ``sum(range(N))``, which runs in C) is timed in one
    process by itself, then in two identical processes started together; ``rounds`` times, alternating, as one
    such pair can be off by 20% on a shared virtual machine. ``capacity`` is 2 × median(alone) / median(together):
    2.0 on two real cores, 1.0 when the second core adds nothing."""
    cmd = [python, "-I", "-c", _LOOP_CODE.format(n=loop)]

    def loop_seconds(count: int) -> list[float]:
        procs = [
            subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True) for _ in range(count)
        ]
        outs = [p.communicate()[0] for p in procs]
        if any(p.returncode != 0 for p in procs):
            raise BenchError(f"the parallel-capacity loop failed: {' '.join(cmd)}")
        return [float(out.strip()) for out in outs]

    alone: list[float] = []
    together: list[float] = []
    for _ in range(rounds):
        alone += loop_seconds(1)
        together += loop_seconds(2)
    return {
        "loop": f"for i in range({loop}): x += i",
        "rounds": rounds,
        "one_alone_seconds": [round(t, 3) for t in alone],
        "two_at_once_seconds": [round(t, 3) for t in together],
        "capacity": round(2 * statistics.median(alone) / statistics.median(together), 3),
    }


def cpu_times() -> list[int]:
    """The machine's CPU time so far from ``/proc/stat`` (user, nice, system, idle, iowait, irq, softirq, steal), in
    clock ticks; empty where there is no ``/proc/stat``."""
    try:
        first = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()
    except (OSError, IndexError):
        return []
    return [int(v) for v in first[1:9]] if first[0] == "cpu" else []


def steal_share(before: list[int], after: list[int]) -> float | None:
    """The share of the machine's CPU time between two :func:`cpu_times` that the hypervisor gave to others."""
    if len(before) < 8 or len(after) < 8:
        return None
    delta = [b - a for a, b in zip(before, after, strict=True)]
    return delta[7] / sum(delta) if sum(delta) > 0 else None
