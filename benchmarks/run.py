"""plainpress benchmark: whole build processes on synthetic books of 10, 100 and 300 articles.

    python benchmarks/run.py                   # sizes 10,100,300; 3 runs at 10 and 100, 1 at 300
    python benchmarks/run.py --quick           # smoke run: sizes 4,8, one run each
    python benchmarks/run.py --sizes 10,100 --runs 2

It first measures the machine's parallel capacity (a Python loop alone, then two at once). At each size, every
run times the cold build (with ``--dump-html``), the rebuilds, EPUB only and pandoc; the first run also times
the renderer floor and the handouts with ``--jobs 1`` and ``--jobs 2`` (those two not at 300 articles).

Every measurement is a whole process (wall clock; from ``os.wait4``, the CPU time of it and every process it
started, and the peak RSS of the largest). Prints one Markdown table and writes
benchmarks/results/latest.{json,md,png}. Nothing here uses the network. See benchmarks/README.md for what
each row means.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import chapter_slugs, edit_article, edit_glossary, make_corpus  # noqa: E402
from measure import (  # noqa: E402
    BenchError,
    Sample,
    become_subreaper,
    capture,
    cpu_times,
    machine_info,
    pandoc,
    parallel_capacity,
    run_process,
    runner_peak_mib,
    steal_share,
)
from peers import Baseline, measure_book, measure_typst, prepare_baseline, record_floor_book  # noqa: E402
from report import (  # noqa: E402
    ONCE_ROWS,
    ROWS,
    Results,
    derived,
    estimate_seconds,
    render,
    runs_at,
    targets,
    write_report,
)
from targets19 import targets as issue19_targets  # noqa: E402

DEFAULT_PLAN = {10: 3, 100: 3, 300: 1}
QUICK_SIZES = [4, 8]
OPTIONS = {"only": "--only", "jobs": "--jobs", "dump_html": "--dump-html", "audio": "--audio"}
FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


class Bench:
    def __init__(self, work: Path, supported: dict[str, bool], pandoc_path: str, baseline: Baseline | None) -> None:
        self.work, self.supported, self.pandoc_path, self.baseline = work, supported, pandoc_path, baseline
        self.results: Results = {}
        self.not_run: dict[int, list[str]] = {}  # rows a size skips on purpose (``runs_at``)
        self.notes: list[str] = []
        self.python = sys.executable

    # -- one measurement ------------------------------------------------------------------------------
    def record(self, n: int, key: str, sample: Sample, label: str) -> None:
        self.results.setdefault(n, {}).setdefault(key, []).append(sample.as_json())
        cpu = f", CPU {sample.cpu_seconds:.2f} s" if sample.cpu_seconds is not None else ""
        line = f"  [{n}] {label}: {sample.seconds:.2f} s{cpu}, {sample.maxrss_mib:.0f} MiB"
        print(line, file=sys.stderr, flush=True)

    def build(
        self, folder: Path, *extra: str, cold: bool, label: str, baseline: bool = False, apart: str = ""
    ) -> Sample:
        """``build.py build`` of the corpus, from ``folder`` (its cache is ``folder/.plainpress-cache``). With
        ``apart``, from ``folder/apart`` (its own dist, cache and stamp), so that the rebuilds in ``folder`` are
        not disturbed; with ``baseline``, the baseline's build of its own corpus in ``folder/baseline``."""
        book = folder / ("baseline" if baseline else "") / "book"  # the baseline's: its reader, its corpus.py
        folder = folder / apart if apart else folder
        folder.mkdir(exist_ok=True)
        if cold:
            for name in ("dist", ".dist-builds", ".plainpress-cache"):
                path = folder / name
                if path.is_symlink() or path.is_file():
                    path.unlink()
                elif path.exists():
                    shutil.rmtree(path)
        python, script = (
            (self.baseline.python, self.baseline.build_py) if baseline else (self.python, REPO / "build.py")
        )
        cmd = [python, str(script), "build", "--book", str(book)]
        return run_process([*cmd, "--out", str(folder / "dist"), "--quiet", *extra], folder, label)

    # -- one run at one size --------------------------------------------------------------------------
    def run(self, n: int, first: bool) -> None:
        """Every run: the cold build (which also dumps the renderer's input), the rebuilds, EPUB only and pandoc.
        The first run at a size also measures the rows in ``ONCE_ROWS`` that ``runs_at`` allows there."""
        folder = self.work / f"n{n}"
        if folder.exists():
            shutil.rmtree(folder)
        book = make_corpus(n, folder)
        html = self.work / f"html-{n}"
        if html.exists():
            shutil.rmtree(html)
        dump = ("--dump-html", str(html)) if self.supported["dump_html"] else ()
        self.record(n, "cold", self.build(folder, *dump, cold=True, label="cold full build"), "cold full build")
        measure_book(self, n, folder, first)  # the book PDF, the baseline's builds: before the edits below
        noop = self.build(folder, cold=False, label="rebuild, no change")
        self.record(n, "noop", noop, "rebuild, no change")
        if noop.seconds > max(1.0, 0.02 * self.results[n]["cold"][-1]["seconds"]):
            print(f"  [{n}] WARNING: that is not the nothing-changed shortcut", file=sys.stderr, flush=True)
        edit_article(book, n)
        self.record(n, "edit_article", self.build(folder, cold=False, label="rebuild, article"), "rebuild, article")
        term = edit_glossary(book)
        self.record(n, "edit_glossary", self.build(folder, cold=False, label="rebuild, glossary"), "rebuild, glossary")
        note = f"Glossary edit: one sentence added to the definition of “{term}”."
        if note not in self.notes:
            self.notes.append(note)
        only, jobs = self.supported["only"], self.supported["jobs"]
        if only:
            self.record(n, "epub_only", self.build(folder, "--only", "epub", cold=True, label="EPUB only"), "EPUB only")
        self.record(n, "pandoc", self.pandoc(folder, book, n), "pandoc EPUB")
        if first:
            measure_typst(self, n, folder, [folder / "pandoc-src" / f"{slug}.md" for slug in chapter_slugs(book)])
        if dump and first:
            floor = run_process([self.python, str(HERE / "floor.py"), str(html)], folder, "benchmarks/floor.py")
            render = json.loads(floor.stdout)["seconds"]
            self.record(n, "floor_render", Sample(render, floor.maxrss_mib), "renderer floor (render time)")
            self.record(n, "floor_process", floor, "renderer floor (whole process)")
            record_floor_book(self, n, json.loads(floor.stdout))
            self.check_cpu(n)
        for j in (1, 2):
            key = f"handouts_j{j}"
            if not (only and jobs and first):
                continue
            if not runs_at(key, n, first):
                self.not_run.setdefault(n, []).append(key)
                continue
            label = f"handouts only --jobs {j}"
            sample = self.build(folder, "--only", "handouts", "--jobs", str(j), cold=True, label=label)
            self.record(n, key, sample, label)
        if self.supported["audio"] and first:
            if runs_at("audio", n, first):
                sample = self.build(folder, "--only", "audio", cold=True, label="audio only")
                self.record(n, "audio", sample, "audio only (read-aloud EPUB, audio handouts)")
            else:
                self.not_run.setdefault(n, []).append("audio")

    def check_cpu(self, n: int) -> None:
        """The cold build renders everything the floor renders, so its CPU time (which must include its workers')
        cannot be below the floor's: if it is, the workers' CPU is missing from ``os.wait4``."""
        cold = [s["cpu_seconds"] for s in self.results[n]["cold"]]
        floor = self.results[n]["floor_process"][-1]["cpu_seconds"]
        if min(cold) < floor:
            note = (
                f"CHECK FAILED at {n} articles: a cold build's CPU time ({min(cold):.2f} s) is below the floor's"
                f" ({floor:.2f} s), so its workers' CPU time is probably missing and the CPU rows are wrong."
            )
            self.notes.append(note)
            print(f"  [{n}] WARNING: {note}", file=sys.stderr, flush=True)

    def pandoc(self, folder: Path, book: Path, n: int) -> Sample:
        """Pandoc 3 on the same articles, front matter replaced by a level-1 title (prepared before timing)."""
        src = folder / "pandoc-src"
        src.mkdir(exist_ok=True)
        files = []
        for slug in chapter_slugs(book):
            text = (book / "articles" / f"{slug}.md").read_text(encoding="utf-8")
            match = FRONT.match(text)
            title = re.search(r"^title:\s*(.+)$", match.group(1), re.M) if match else None
            body = text[match.end() :] if match else text
            (src / f"{slug}.md").write_text(f"# {title.group(1) if title else slug}\n\n{body}", encoding="utf-8")
            files.append(str(src / f"{slug}.md"))
        out = folder / "pandoc.epub"
        cmd = [self.pandoc_path, "-f", "markdown", "-t", "epub3", "-o", str(out)]
        cmd += ["--metadata", f"title=Benchmark corpus ({n} articles)", "--metadata", "lang=en", *files]
        return run_process(cmd, folder, "pandoc")


def adopted_text(results: dict[int, dict[str, list[dict[str, float]]]]) -> str:
    """What the adopted descendants added to the CPU times, for the notes."""
    adopted = [
        s.get("cpu_adopted_seconds", 0.0) for rows in results.values() for samples in rows.values() for s in samples
    ]
    if not any(adopted):
        return ": none was left behind in this run"
    return f": in this run they added at most {max(adopted):.2f} s of CPU time to a process's figure"


def supported_options() -> dict[str, bool]:
    """Which of the build options the benchmark uses exist yet (read from ``build.py build --help``)."""
    help_text = capture([sys.executable, str(REPO / "build.py"), "build", "--help"], cwd=REPO)
    found = {key: re.search(rf"(^|\s){re.escape(flag)}\b", help_text) is not None for key, flag in OPTIONS.items()}
    return found


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (default: 10,100,300)")
    parser.add_argument("--runs", type=int, help="runs at every size (default: 3 at 10 and 100, 1 at 300)")
    parser.add_argument("--quick", action="store_true", help="smoke run: sizes 4,8, one run each")
    parser.add_argument("--work", type=Path, help="work folder (default: a new temporary folder, removed after)")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where latest.* go")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=REPO / ".bench-baseline",
        help="the baseline's worktree (default: .bench-baseline; made once, then reused)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="do not build the baseline commit")
    args = parser.parse_args(argv)
    if args.quick:
        plan = {n: args.runs or 1 for n in QUICK_SIZES}
    elif args.sizes:
        plan = {int(s): args.runs or DEFAULT_PLAN.get(int(s), 1) for s in args.sizes.split(",") if s.strip()}
    else:
        plan = {n: args.runs or runs for n, runs in DEFAULT_PLAN.items()}
    if not plan or min(plan) < 1 or min(plan.values()) < 1:
        parser.error("sizes and runs must be positive")
    args.plan = dict(sorted(plan.items()))
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    adopts = become_subreaper()  # so processes a build leaves behind are waited for here and measured
    if not adopts:
        print("cannot adopt orphaned processes here: processes a build leaves behind go unmeasured", file=sys.stderr)
    ticks = cpu_times()
    try:
        supported = supported_options()
        pandoc_path, pandoc_version = pandoc()
        machine = machine_info(REPO, pandoc_version)
        baseline = None if args.no_baseline else prepare_baseline(REPO, args.baseline.resolve())
        machine["baseline_commit"] = baseline.commit if baseline else "not built"
        # Bytecode for both, as an installed package has it: an editable install run with
        # PYTHONDONTWRITEBYTECODE set would compile every module in every timed process.
        for folder in [REPO, *([baseline.folder] if baseline else [])]:
            compileall.compile_dir(str(folder / "plainpress"), quiet=1)
        print("machine parallel capacity: one Python loop alone, then two at once …", file=sys.stderr, flush=True)
        capacity = parallel_capacity()
    except BenchError as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 1
    missing = [OPTIONS[k] for k, ok in supported.items() if not ok]
    if missing:
        print(f"build.py build has no {', '.join(missing)} yet: those rows read 'not supported yet'", file=sys.stderr)
    work = args.work or Path(tempfile.mkdtemp(prefix="plainpress-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work.resolve(), supported, pandoc_path, baseline)
    print(
        f"  alone {capacity['one_alone_seconds']} s, two at once {capacity['two_at_once_seconds']} s:"
        f" capacity {capacity['capacity']:.2f}× (2.0 on two real cores)",
        file=sys.stderr,
    )
    plan_text = ", ".join(f"{n} articles × {r}" for n, r in args.plan.items())
    print(f"plainpress benchmark: {plan_text}; work folder {work}", file=sys.stderr)
    try:
        for n, runs in args.plan.items():
            for r in range(runs):
                print(f"[{n} articles] run {r + 1} of {runs}", file=sys.stderr, flush=True)
                bench.run(n, first=r == 0)
    except BenchError as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    machine["subreaper"] = adopts
    machine["cpu_steal_share"] = steal_share(ticks, cpu_times())
    return finish(args, bench, supported, machine, capacity, elapsed)


def finish(
    args: argparse.Namespace,
    bench: Bench,
    supported: dict[str, bool],
    machine: dict[str, object],
    capacity: dict[str, object],
    elapsed: float,
) -> int:
    rows_supported = {
        "handouts_j1": supported["only"] and supported["jobs"],
        "handouts_j2": supported["only"] and supported["jobs"],
        "epub_only": supported["only"],
        "floor_render": supported["dump_html"],
        "floor_process": supported["dump_html"],
        "audio": supported["audio"],
    }
    estimate = estimate_seconds(bench.results, DEFAULT_PLAN, capacity)
    short = {k: ROWS[k].removesuffix(" (once per size)") for k in ONCE_ROWS}
    once = ", ".join(f"“{short[k]}”" for k in ONCE_ROWS)
    skipped = "".join(
        f" Not run at all at {n} articles: {', '.join(f'“{short[k]}”' for k in keys)} (to keep the run short)."
        for n, keys in sorted(bench.not_run.items())
    )
    notes = [
        "Times are wall clock of whole processes: median (min–max) over runs; MiB is the peak RSS of the largest"
        " process (the build, or any process it started: `ru_maxrss` from `os.wait4`).",
        "CPU times are user + system CPU (`ru_utime + ru_stime` from `os.wait4`) of the whole process and of every"
        " process it started: the build's render workers are its own spawned children, which it waits for, so"
        " `os.wait4` of the build includes their CPU time. “Our own CPU time” is the cold build's (median) minus"
        " the floor process's: everything the build does beyond rendering once, serially, what it hands"
        " WeasyPrint, counted on all cores together (the start and imports of each worker, handing jobs and"
        " results between processes, reading, checks, EPUB, cache). It replaces “cold build − floor” in wall"
        " clock, which is negative once the build renders in parallel.",
        f"Run once per size, in its first run (so no spread): {once}.{skipped} Every other row runs in every run.",
        "Cold: `dist`, `.dist-builds` and `.plainpress-cache` deleted first. The cold build also writes the HTML it"
        " hands to WeasyPrint (`--dump-html`), for the floor.",
        "Rebuilds follow the cold build, each edit on top of the last: first one with nothing changed (the cold"
        " build, `--dump-html` too, leaves the nothing-changed stamp, so this is the shortcut that the target is"
        " about), then after editing an article, then after editing a glossary definition. The corpus is"
        " regenerated for every run.",
        "EPUB only is `build --only epub`: an EPUB without the page list (which needs the book PDF's layout).",
        f"Baseline: commit {machine.get('baseline_commit')} built from its own git worktree and venv"
        " (benchmarks/peers.py), in the same run, before the edits, on the corpus of the same size that its own"
        " corpus.py makes (the same chapters, without the trust marks its reader does not know). The book PDF row is"
        " `--only book` (the book PDF and the EPUB made from its layout); its pages are the book PDF's.",
        "Typst: the articles as for pandoc's EPUB, converted by `pandoc -t typst` (A4, 12 pt, line height 1.5,"
        ' a page break per chapter, a title), compiled by the `typst` package with `pdf_standards=["ua-1"]`;'
        " its row is the compile's whole process (interpreter start included). Citations stay text.",
        "Pandoc gets each article with its front matter replaced by a `# title` line (a copy made before timing),"
        " so that it makes one chapter per article; it resolves no citations, glossary or red flags.",
        "The floor renders, in one process and serially, the HTML and CSS that the build handed to WeasyPrint"
        " (`--dump-html`), with nothing else; its render time is the floor (wall clock), and the CPU time of its"
        " whole process (interpreter start and imports included) is the floor CPU time.",
        f"Machine capacity: a pure-Python loop (`{capacity['loop']}`) timed alone, then in two processes started"
        f" together, {capacity['rounds']} times alternating; 2 × median(alone) / median(together)."
        " The handouts speed-up relative to it is 1.0 when `--jobs 2`"
        " gets all that a second process can get on this machine.",
        "Memory and CPU of processes a build leaves behind: the runner also adopts orphaned descendants"
        " (`PR_SET_CHILD_SUBREAPER`), waits for them and counts them"
        f"{'' if machine.get('subreaper') else ' (NOT possible on this machine)'}{adopted_text(bench.results)};"
        f" no memory figure can be below the runner's own peak RSS ({runner_peak_mib():.0f} MiB).",
        *bench.notes,
    ]
    steal = machine.get("cpu_steal_share")
    if isinstance(steal, float) and steal >= 0.01:
        notes.append(f"The hypervisor took {steal:.0%} of this machine's CPU time during the run (steal time).")
    if estimate is not None:
        notes.append(
            f"Estimated full default run ({', '.join(f'{n}×{r}' for n, r in DEFAULT_PLAN.items())})"
            f" on this machine, extrapolated linearly from this run: {estimate / 60:.0f} min."
        )
    machine_line = (
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; Python {machine['python']},"
        f" WeasyPrint {machine['weasyprint']}, pandoc {machine['pandoc']}; plainpress {machine['plainpress_commit']};"
        f" {machine['date']}; benchmark took {elapsed / 60:.1f} min."
    )
    sizes = sorted(args.plan)
    figures = derived(bench.results, sizes, capacity["capacity"])  # type: ignore[arg-type]
    raw = {
        "plan": {str(n): r for n, r in args.plan.items()},
        "machine": machine,
        "machine_line": machine_line,
        "parallel_capacity": capacity,
        "supported": supported,
        "rows_supported": rows_supported,
        "once_rows": list(ONCE_ROWS),
        "not_run": {str(n): keys for n, keys in bench.not_run.items()},
        "results": {str(n): rows for n, rows in bench.results.items()},
        "derived": {k: {str(n): v for n, v in per.items()} for k, per in figures.items()},
        "targets": targets(bench.results, sizes, figures),
        "targets_issue19": issue19_targets(bench.results, sizes, figures["peak"]),
        "rows": ROWS,
        "notes": notes,
        "elapsed_seconds": round(elapsed, 1),
        "estimated_full_run_seconds": round(estimate, 1) if estimate is not None else None,
    }
    print(render(raw))
    print()
    print(machine_line)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.json").write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(raw, args.results)
    for note in notes[-1:] if estimate is not None else []:
        print(note, file=sys.stderr)
    print(f"wrote {args.results / 'latest.json'}, latest.md, latest.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
