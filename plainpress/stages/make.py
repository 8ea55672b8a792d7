"""Make the selected catalogue entries: plan each in catalogue order, hand every task to the
renderer as soon as it is planned (the book PDF, the longest, first), and finish an entry once its
tasks are done and the entries that make what it needs are finished. An entry with neither tasks nor
needs (braille) is finished last, once the layouts (which can fail the build) are done.

The pipeline does not know any output: what an entry needs is in its :class:`~plainpress.model.entries.Need`
list, what it makes for others in its ``provides``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Finding
from ..model import Output
from ..model.entries import Done, Entry, Made, Plan, Product, Task
from ..progress import Clock, pages
from .catalogue import Catalogue
from .publish import Staging
from .render import Renderer


@dataclass
class _Making:
    entry: Entry
    write: bool  # False: a helper, made for what it provides only
    plan: Plan | None = None
    results: list[Any] = field(default_factory=list)
    cached: list[bool] = field(default_factory=list)
    left: int = 0  # tasks not done yet
    made: Made | None = None


@dataclass
class _Run:
    chosen: Catalogue
    making: list[_Making]
    stage: Staging
    renderer: Renderer
    progress: Callable[[str], None]
    findings: list[Finding] = field(default_factory=list)
    owner: dict[int, tuple[_Making, int]] = field(default_factory=dict)  # id(task) -> its entry, its place

    def tasks(self) -> Iterator[Task]:
        """Plan each entry in turn and yield its tasks; an entry without tasks may be finished at once."""
        for item in self.making:
            plan = item.plan = self.chosen.plan(item.entry)
            item.results, item.cached, item.left = [None] * len(plan.tasks), [False] * len(plan.tasks), len(plan.tasks)
            for index, task in enumerate(plan.tasks):
                self.owner[id(task)] = (item, index)
                yield task
            if not plan.tasks:
                self.settle(last=False)

    def settle(self, last: bool) -> None:
        """Finish every entry that can be, in catalogue order, until none can."""
        again = True
        while again:
            again = False
            for item in self.making:
                if self.can_finish(item, last):
                    _finish(item, self)
                    again = True

    def can_finish(self, item: _Making, last: bool) -> bool:
        if item.plan is None or item.made is not None or item.left:
            return False
        if not item.plan.tasks and not item.entry.needs and not last:
            return False  # made after the layouts, which can still fail the build
        needed = {n.product for n in item.entry.needs}
        return all(m.made is not None for m in self.making if m is not item and needed & set(m.entry.provides))


def make_entries(
    chosen: Catalogue,
    entries: list[Entry],
    stage: Staging,
    renderer: Renderer,
    progress: Callable[[str], None],
) -> list[Finding]:
    """Make ``entries`` (and the catalogue's helpers) into ``stage``; the findings only making them can give."""
    helpers = {id(e) for e in chosen.helpers}
    making = [_Making(e, id(e) not in helpers) for e in [*chosen.helpers, *entries]]
    run = _Run(chosen, making, stage, renderer, progress)
    for done in renderer.run(run.tasks()):
        item, index = run.owner[id(done.task)]
        item.results[index], item.cached[index] = done.result, done.cached
        item.left -= 1
        if done.task.path != item.entry.path:  # a piece of an output (a chapter's speech): its own line
            progress(f"{done.task.path} ({_result_extent(done.result)}, {_how([done.result], [done.cached])})")
        if not item.left:
            run.settle(last=False)
    run.settle(last=True)
    unmade = [m.entry.path for m in making if m.made is None]
    if unmade:  # a need no entry can meet: a programming error in the catalogue
        raise RuntimeError(f"could not make {', '.join(unmade)}: what they need is never made")
    return run.findings


def _finish(item: _Making, run: _Run) -> None:
    assert item.plan is not None
    needed = {n.product for n in item.entry.needs}
    products: dict[Product, Any] = {}
    for other in run.making:
        if other.made is not None:
            products.update({p: v for p, v in other.made.products.items() if p in needed})
    clock = Clock()
    item.made = made = item.plan.finish(Done(tuple(item.results), products, run.renderer.cache))
    run.findings += made.findings
    if not item.write:
        return
    how = _how(item.results, item.cached) if item.plan.tasks else None
    for output in made.outputs:
        run.stage.add(output)
        extent = made.notes.get(output.path) or _extent(output)
        said = "from the cache" if output.path in made.cached else how or clock.lap()
        run.progress(f"{output.path} ({', '.join(part for part in (extent, said) if part)})")


def _how(results: list[Any], cached: list[bool]) -> str:
    if all(cached):
        return "from the cache"
    return f"{sum(r.seconds for r, c in zip(results, cached, strict=True) if not c):.1f} s"


def _extent(output: Output) -> str:
    duration = output.extra.get("duration")
    if isinstance(duration, float):
        return f"{duration:.0f} s"
    return pages(output.pages) if output.pages is not None else ""


def _result_extent(result: Any) -> str:
    duration = getattr(result, "duration", None)
    return f"{duration:.0f} s of speech" if duration is not None else pages(result.pages)
