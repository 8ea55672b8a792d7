"""The benchmark's table (Markdown), its targets, the plot, and the estimate of a full run.

    python benchmarks/report.py [benchmarks/results/latest.json]

writes latest.md and latest.png again beside that JSON, from its raw timings, without running anything.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Measured rows, in table order: key -> label.
ROWS: dict[str, str] = {
    "cold": "Cold full build (with `--dump-html`)",
    "handouts_j1": "Handouts and cards only, `--jobs 1`, cold (once per size)",
    "handouts_j2": "Handouts and cards only, `--jobs 2`, cold (once per size)",
    "epub_only": "EPUB only (plainpress), cold",
    "pandoc": "EPUB with pandoc, same Markdown",
    "floor_render": "Renderer floor: WeasyPrint rendering alone (once per size)",
    "floor_process": "Renderer floor: its whole process (once per size)",
    "noop": "Rebuild, nothing changed (the nothing-changed shortcut)",
    "edit_article": "Rebuild after editing one article",
    "edit_glossary": "Rebuild after editing one glossary definition",
    "audio": "Audio only (`--only audio`: read-aloud EPUB, audio handouts), cold (once, 10 articles)",
    "book_only": "Book PDF and its EPUB (`--only book`), cold (once per size, not at 300)",
    "baseline_cold": "Baseline 1e822cd: cold full build (its own worktree and venv; once per size, not at 300)",
    "baseline_book": "Baseline 1e822cd: book PDF and its EPUB (`--only book`), cold (once per size, not at 300)",
    "floor_book": "Renderer floor: the book PDF alone (once per size)",
    "typst": "Typst PDF/UA-1 of the same articles (pandoc -t typst; whole process, once per size)",
}
PLOT_LABELS = {
    "cold": "cold full build",
    "noop": "rebuild, nothing changed (shortcut)",
    "edit_article": "rebuild after editing one article",
    "edit_glossary": "rebuild after editing one glossary definition",
}
ONCE_ROWS = ("handouts_j1", "handouts_j2", "floor_render", "floor_process", "audio")  # the first run at a size only
ONCE_ROWS += ("book_only", "baseline_cold", "baseline_book", "floor_book", "typst")
# and only at sizes below this (else not run at all); audio: espeak-ng at 10 articles
ONCE_ROWS_BELOW = {"handouts_j1": 300, "handouts_j2": 300, "audio": 11}
ONCE_ROWS_BELOW |= {"book_only": 300, "baseline_cold": 300, "baseline_book": 300}
# CPU-time rows: label -> (measured row, once per size).
CPU_ROWS: dict[str, tuple[str, bool]] = {
    "Cold build CPU time (all processes)": ("cold", False),
    "Renderer floor CPU time (its whole process, once per size)": ("floor_process", True),
}
# Every process a run starts, for the estimate of a full run.
PROCESS_ROWS = [k for k in ROWS if k != "floor_render"]
Results = dict[int, dict[str, list[dict[str, float]]]]  # size -> row -> samples


def runs_at(key: str, size: int, first: bool) -> bool:
    """Whether a run at ``size`` (the first there, or a later one) measures row ``key``."""
    if key in ONCE_ROWS:
        return first and size < ONCE_ROWS_BELOW.get(key, size + 1)
    return True


def seconds(results: Results, size: int, key: str, measure: str = "seconds") -> list[float]:
    """Every sample's ``measure`` (``seconds``: wall clock; ``cpu_seconds``: CPU time) of row ``key``."""
    return [s[measure] for s in results.get(size, {}).get(key, []) if measure in s]


def median(results: Results, size: int, key: str, measure: str = "seconds") -> float | None:
    values = seconds(results, size, key, measure)
    return statistics.median(values) if values else None


# plainpress's own builds: the peak-memory target is about them, not about the peers and the floor (which lays
# the whole book out as one document, as no build of ours does any more).
BUILD_ROWS = ("cold", "handouts_j1", "handouts_j2", "epub_only", "noop", "edit_article", "edit_glossary")
BUILD_ROWS += ("audio", "book_only")


def peak(results: Results, size: int, key: str | None = None) -> float | None:
    rows = [key] if key else [k for k in results.get(size, {}) if k in BUILD_ROWS]
    values = [s["maxrss_mib"] for k in rows for s in results.get(size, {}).get(k, []) if "maxrss_mib" in s]
    return max(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def derived(results: Results, sizes: list[int], capacity: float | None = None) -> dict[str, dict[int, float | None]]:
    """Figures computed from the medians, per size; ``capacity`` is the machine's (see ``parallel_capacity``)."""
    out: dict[str, dict[int, float | None]] = {k: {} for k in ("per_article", "own_cpu", "own_cpu_per_article")}
    out |= {k: {} for k in ("cold_over_floor", "epub_over_pandoc", "speedup", "speedup_vs_capacity")}
    out |= {k: {} for k in ("noop_limit", "peak")}
    for n in sizes:
        cold, floor = median(results, n, "cold"), median(results, n, "floor_render")
        cold_cpu, floor_cpu = (
            median(results, n, "cold", "cpu_seconds"),
            median(results, n, "floor_process", "cpu_seconds"),
        )
        own = cold_cpu - floor_cpu if cold_cpu is not None and floor_cpu is not None else None
        out["per_article"][n] = cold / n if cold is not None else None
        out["own_cpu"][n] = own
        out["own_cpu_per_article"][n] = own / n if own is not None else None
        out["cold_over_floor"][n] = _ratio(cold, floor)
        out["epub_over_pandoc"][n] = _ratio(median(results, n, "epub_only"), median(results, n, "pandoc"))
        out["speedup"][n] = _ratio(median(results, n, "handouts_j1"), median(results, n, "handouts_j2"))
        out["speedup_vs_capacity"][n] = _ratio(out["speedup"][n], capacity)
        out["noop_limit"][n] = max(1.0, 0.02 * cold) if cold is not None else None
        out["peak"][n] = peak(results, n)
    return out


def _judged(sizes: list[int], wanted: int) -> int:
    """The size a target is judged at: ``wanted`` when measured, else the largest measured size."""
    return wanted if wanted in sizes else max(sizes)


def targets(results: Results, sizes: list[int], d: dict[str, dict[int, float | None]]) -> dict[str, dict[str, Any]]:
    """Each target: what it asks, the size it is judged at, the value and pass/miss (None when unmeasured)."""

    def verdict(value: float | None, ok: Callable[[float], bool]) -> bool | None:
        return None if value is None else ok(value)

    first, last = min(sizes), max(sizes)
    at100, at300 = _judged(sizes, 100), _judged(sizes, 300)
    with_speedup = [n for n in sizes if d["speedup"][n] is not None]
    at_speedup = max(with_speedup) if with_speedup else last  # the largest size where the handouts rows ran
    growth, base, end = None, d["own_cpu_per_article"][first], d["own_cpu_per_article"][last]
    growth_target = f"≤ +20%, {first} → {last}" if first != last else "≤ +20% (needs two sizes)"
    if first != last and base is not None and end is not None:
        if base > 0:
            growth = end / base - 1
        else:  # a growth from zero or less means nothing
            growth_target += f" (undefined: own CPU time ≤ 0 at {first})"
    noop = [(median(results, n, "noop"), d["noop_limit"][n]) for n in sizes]
    noop_ok = None if any(v is None for v, _ in noop) else all(v < lim for v, lim in noop)  # type: ignore[operator]
    return {
        "cold_over_floor": {
            "target": f"≤ 0.65 at {at100}",
            "value": d["cold_over_floor"][at100],
            "pass": verdict(d["cold_over_floor"][at100], lambda v: v <= 0.65),
        },
        "epub_over_pandoc": {
            "target": f"≤ 1.0 at {at100}",
            "value": d["epub_over_pandoc"][at100],
            "pass": verdict(d["epub_over_pandoc"][at100], lambda v: v <= 1.0),
        },
        "speedup": {
            "target": f"≥ 1.8 at {at_speedup}",
            "value": d["speedup"][at_speedup],
            "pass": verdict(d["speedup"][at_speedup], lambda v: v >= 1.8),
        },
        "noop": {"target": "< max(1 s, 2% of cold), every size", "value": None, "pass": noop_ok},
        "growth": {
            "target": growth_target,
            "value": growth,
            "pass": verdict(growth, lambda v: v <= 0.20),
        },
        "peak": {
            "target": f"≤ 1024 MiB at {at300}",
            "value": d["peak"][at300],
            "pass": verdict(d["peak"][at300], lambda v: v <= 1024),
        },
    }


def _cell(results: Results, n: int, key: str, supported: bool, skipped: bool, measure: str = "seconds") -> str:
    """Median (min–max) of ``measure``; with the peak RSS for wall-clock cells."""
    values = seconds(results, n, key, measure)
    if not supported:
        return "not supported yet"
    if not values:
        return "not run at this size" if skipped else "—"
    mid, rss = statistics.median(values), peak(results, n, key) if measure == "seconds" else None
    spread = f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else ""
    return f"{mid:.2f} s{spread}" + (f", {rss:.0f} MiB" if rss is not None else "")


def _num(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def _mark(target: dict[str, Any], fmt: str = "{:.2f}") -> str:
    """``<target>: <value>, pass`` (or ``miss``, or ``not measured``)."""
    verdict = {True: "**pass**", False: "**miss**", None: "not measured"}[target["pass"]]
    value = "" if target["value"] is None else " " + fmt.format(target["value"]) + ","
    return f"{target['target']}:{value} {verdict}"


def capacity_label(capacity: dict[str, Any] | None) -> str:
    value = "—" if not capacity else f"{capacity['capacity']:.2f}"
    return f"Machine: two Python processes run at {value}× the throughput of one; a perfect 2-core machine gives 2.0"


def table(
    results: Results,
    plan: dict[int, int],
    supported: dict[str, bool],
    not_run: dict[int, list[str]] | None = None,
    capacity: dict[str, Any] | None = None,
) -> str:
    """One Markdown table: measured rows (median, min–max over runs, peak RSS), derived figures, targets.
    ``not_run``: the rows each size skipped on purpose; ``capacity``: what ``parallel_capacity`` measured."""
    sizes = sorted(plan)
    not_run = not_run or {}
    d = derived(results, sizes, capacity["capacity"] if capacity else None)
    t = targets(results, sizes, d)
    head = ["Measure"] + [f"{n} articles ({plan[n]} run{'s' * (plan[n] > 1)})" for n in sizes] + ["Target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(label: str, cells: list[str], target: str = "") -> None:
        lines.append("| " + " | ".join([label, *cells, target]) + " |")

    for key, label in ROWS.items():
        target = _mark(t["noop"]) if key == "noop" else ""
        cells = [_cell(results, n, key, supported.get(key, True), key in not_run.get(n, [])) for n in sizes]
        row(label, cells, target)
    row("Cold full build per article", [_num(d["per_article"][n], " s", 3) for n in sizes])
    for label, (key, _) in CPU_ROWS.items():
        ok = supported.get(key, True)
        row(label, [_cell(results, n, key, ok, key in not_run.get(n, []), "cpu_seconds") for n in sizes])
    row("Our own CPU time (cold build CPU − floor CPU)", [_num(d["own_cpu"][n], " s") for n in sizes])
    row(
        "Our own CPU time per article",
        [_num(d["own_cpu_per_article"][n], " s", 3) for n in sizes],
        _mark(t["growth"], "{:+.0%}"),
    )
    row("Cold build / floor", [_num(d["cold_over_floor"][n]) for n in sizes], _mark(t["cold_over_floor"]))
    row("EPUB only / pandoc", [_num(d["epub_over_pandoc"][n]) for n in sizes], _mark(t["epub_over_pandoc"]))
    if capacity:
        alone, two = (
            statistics.median(capacity["one_alone_seconds"]),
            statistics.median(capacity["two_at_once_seconds"]),
        )
        how = f"measured once, at the start: the loop took {alone:.2f} s alone, {two:.2f} s each two at once (medians)"
    else:
        how = "not measured"
    row(capacity_label(capacity), ["" for _ in sizes], how)

    def handouts(key: str) -> list[str]:
        skipped = [n for n in sizes if d[key][n] is None and "handouts_j2" in not_run.get(n, [])]
        return ["not run at this size" if n in skipped else _num(d[key][n]) for n in sizes]

    row("Handouts speed-up, jobs 1 / jobs 2", handouts("speedup"), _mark(t["speedup"]))
    row(
        "Handouts speed-up relative to the machine's capacity",
        handouts("speedup_vs_capacity"),
        "1.0: as much as the machine gives",
    )
    row(
        "Peak RSS of the largest process of any plainpress build (not the peers, the baseline or the floor)",
        [_num(d["peak"][n], " MiB", 0) for n in sizes],
        _mark(t["peak"], "{:.0f} MiB"),
    )
    from targets19 import rows as issue19_rows  # the figures of issue 19, from the same results

    for label, cells, target in issue19_rows(results, sizes, d["peak"], _mark):
        row(label, cells, target)
    return "\n".join(lines)


def estimate_seconds(results: Results, plan: dict[int, int], capacity: dict[str, Any] | None) -> float | None:
    """A full run of ``plan`` extrapolated from these results: each process's median, linear in the size, counted
    in the runs that measure it (:func:`runs_at`); plus the capacity measurement."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return None

    def fit(points: list[tuple[int, float]]) -> Callable[[int], float]:
        mx, my = statistics.mean(p[0] for p in points), statistics.mean(p[1] for p in points)
        var = sum((x - mx) ** 2 for x, _ in points) or 1.0
        b = sum((x - mx) * (y - my) for x, y in points) / var
        return lambda n: max(0.0, my + b * (n - mx))

    total = sum(capacity["one_alone_seconds"]) + sum(capacity["two_at_once_seconds"]) / 2 if capacity else 0.0
    for key in PROCESS_ROWS:
        points = [(n, m) for n in sizes if (m := median(results, n, key)) is not None]
        if len(points) >= 2:
            line = fit(points)
            total += sum(line(n) * sum(runs_at(key, n, r == 0) for r in range(runs)) for n, runs in plan.items())
    return total


def plot(results: Results, plan: dict[int, int], path: Path, title: str) -> None:
    """Left: seconds per article against the book's size; right: the build and rebuilds, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

    sizes = sorted(plan)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.8))
    d = derived(results, sizes)
    per_article = {
        "cold full build": "cold",
        "renderer floor (WeasyPrint alone, serial)": "floor_render",
        "EPUB only": "epub_only",
        "pandoc EPUB": "pandoc",
    }
    for label, key in per_article.items():
        xs = [n for n in sizes if median(results, n, key) is not None]
        if xs:
            left.plot(xs, [median(results, n, key) / n for n in xs], marker="o", label=label)  # type: ignore[operator]
    cpu = [n for n in sizes if median(results, n, "cold", "cpu_seconds") is not None]
    if cpu:
        cpu_label = "cold full build, CPU time (all processes)"
        values = [median(results, n, "cold", "cpu_seconds") / n for n in cpu]  # type: ignore[operator]
        left.plot(cpu, values, color="C0", marker="o", linestyle="--", label=cpu_label)
    own = [n for n in sizes if d["own_cpu_per_article"][n] is not None]
    if own:
        own_label = "our own CPU time (cold build CPU − floor CPU)"
        left.plot(own, [d["own_cpu_per_article"][n] for n in own], marker="s", linestyle="--", label=own_label)
    left.axhline(0, color="black", linewidth=0.6)
    left.set(xscale="log", xlabel="articles in the book", ylabel="seconds per article (solid: wall clock, dashed: CPU)")
    left.set_title("Cost per article (median)")
    for key, label in PLOT_LABELS.items():
        xs = [n for n in sizes if seconds(results, n, key)]
        if not xs:
            continue
        mids = [median(results, n, key) or 0.0 for n in xs]
        low = [m - min(seconds(results, n, key)) for m, n in zip(mids, xs, strict=True)]
        high = [max(seconds(results, n, key)) - m for m, n in zip(mids, xs, strict=True)]
        right.errorbar(xs, mids, yerr=[low, high], marker="o", capsize=3, label=label)
    right.set(xscale="log", yscale="log", xlabel="articles in the book", ylabel="seconds (wall clock)")
    right.set_title("Builds and rebuilds (median, min–max)")
    for axis in (left, right):
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(
            fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False, handlelength=3.5
        )
        axis.set_xticks(sizes, [str(n) for n in sizes])
        axis.xaxis.set_minor_locator(NullLocator())
    right.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))  # 0.1, 0.2, 0.5, 1, 2, 5, 10 …
    right.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    right.yaxis.set_minor_locator(NullLocator())
    right.yaxis.set_minor_formatter(NullFormatter())
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def load(raw: dict[str, Any]) -> tuple[Results, dict[int, int], dict[int, list[str]]]:
    """The results, the plan and the rows not run, with their sizes as numbers again (JSON keys are strings)."""
    results = {int(n): rows for n, rows in raw["results"].items()}
    plan = {int(n): runs for n, runs in raw["plan"].items()}
    not_run = {int(n): keys for n, keys in raw.get("not_run", {}).items()}
    return results, plan, not_run


def render(raw: dict[str, Any]) -> str:
    """The table of a benchmark's raw JSON (as ``run.py`` writes it)."""
    results, plan, not_run = load(raw)
    return table(results, plan, raw["rows_supported"], not_run, raw.get("parallel_capacity"))


def write_report(raw: dict[str, Any], folder: Path) -> None:
    """``latest.md`` (table, machine, notes) and ``latest.png`` in ``folder``, from the raw JSON alone."""
    results, plan, _ = load(raw)
    notes = "".join(f"- {note}\n" for note in raw["notes"])
    (folder / "latest.md").write_text(f"{render(raw)}\n\n{raw['machine_line']}\n\n{notes}", encoding="utf-8")
    title = raw["machine_line"].split(";")[0]  # "Machine: <cpu>, <cores>, <memory>"
    if raw.get("parallel_capacity"):
        title += f"; two Python processes run at {raw['parallel_capacity']['capacity']:.2f}× the throughput of one"
    plot(results, plan, folder / "latest.png", title)


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: python benchmarks/report.py [RESULTS.json]", file=sys.stderr)
        return 2
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent / "results" / "latest.json"
    write_report(json.loads(path.read_text(encoding="utf-8")), path.parent)
    print(f"wrote {path.parent / 'latest.md'} and latest.png from {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
