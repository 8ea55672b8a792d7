"""The render stage: lay out every planned PDF (and synthesise every planned audio file),
from the cache when its inputs are unchanged, else through a ``concurrent.futures``
executor: this process (``--jobs 1``), worker processes (the default, one per core), or a
Dask cluster (``--scheduler``, the optional ``cluster`` extra). Workers only turn a
:class:`PdfJob` or an :class:`AudioJob` into bytes; this process checks
the results and writes every file, so where a PDF was laid out never changes what it is.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import RenderCache
from ..errors import PlainpressError
from ..model.entries import Task
from ..pdf.jobs import PdfJob, PdfResult
from ..safety import DUMP_INDEX, naming, write_atomic
from ..synth import AudioJob, AudioResult


class ClusterUnavailable(PlainpressError):
    exit_code = 2


def watch_parent(build: int) -> None:
    """A worker's initializer: end the worker when the build that started it is gone. A build killed
    with SIGKILL cannot tell its workers, and they would wait for work for ever."""

    def watch() -> None:
        while os.getppid() == build:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-build", daemon=True).start()


@dataclass
class _Round:
    """An output laid out in rounds (the book PDF in pieces): ``steps`` yields each round's named jobs,
    receives their results, and returns the output's result."""

    planned: Task
    steps: Any
    results: list[Any] = field(default_factory=list)
    waiting: int = 0
    cached: bool = True


def warm_up() -> None:
    """A worker's first task: load the PDF renderer before the first job comes."""
    from ..pdf import layout  # noqa: F401


def run_job(job: PdfJob | AudioJob) -> PdfResult | AudioResult:
    """Make one job's bytes: lay out a PDF, or synthesise an audio file (``plainpress.synth``). A job laid
    out in rounds (the book PDF in pieces: ``steps``) is driven here round after round, one piece after the
    other, when it is made in this process (``Catalogue.make``: the preview, tests); the renderer drives
    the rounds itself and hands the workers their pieces."""
    if isinstance(job, AudioJob):
        return job.run()
    if hasattr(job, "steps"):
        steps, results = job.steps(), None
        try:
            while True:
                results = [run_job(piece) for _, piece in steps.send(results)]
        except StopIteration as laid_out:
            return laid_out.value
    from ..pdf.layout import render_job  # WeasyPrint, only in a process that lays out a PDF

    return render_job(job)


@dataclass
class Rendered:
    task: Task
    result: PdfResult | AudioResult
    cached: bool


@dataclass
class Renderer:
    """Use as a context manager; :meth:`run` yields each PDF as soon as it is ready."""

    jobs: int = 1
    scheduler: str | None = None
    cache: RenderCache | None = None
    dump: Path | None = None  # write every job's HTML and CSS here (for the benchmark's renderer floor)
    laid_out: list[str] = field(default_factory=list)  # paths laid out by this build (not from the cache)
    _executor: Executor | None = None
    _client: Any = None
    _dumped: list[dict[str, object]] = field(default_factory=list)

    def __enter__(self) -> Renderer:
        if self.scheduler:
            self._executor = self._cluster_executor()
        return self

    @property
    def _pooled(self) -> bool:
        """Whether jobs go to workers (a cluster, or worker processes made at the first job) or run here."""
        return self._executor is not None or self.jobs > 1

    def _pool(self) -> Executor:
        if self._executor is None:  # made when a job needs it: a build with none (--only epub) starts no process
            # spawn: safe beside the progress thread, and every worker is this process's own child
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=watch_parent,
                initargs=(os.getpid(),),
            )
        return self._executor

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._executor.shutdown(wait=False)  # Dask's executor: its futures end with the client
            self._client.close()
        elif self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self.dump is not None:
            write_atomic(self.dump / DUMP_INDEX, (json.dumps(self._dumped, indent=1) + "\n").encode())

    def warm(self) -> None:
        """Start every worker process now, each loading the PDF renderer (not waited for)."""
        if self._client is None and self.jobs > 1:
            pool = self._pool()
            for _ in range(self.jobs):
                pool.submit(warm_up)

    def _cluster_executor(self) -> Executor:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterUnavailable("--scheduler needs the cluster extra: pip install 'plainpress[cluster]'") from None
        try:
            self._client = Client(self.scheduler, timeout="10s", set_as_default=False)
        except OSError as error:
            raise ClusterUnavailable(f"--scheduler {self.scheduler}: cannot reach the scheduler ({error})") from None
        return self._client.get_executor(pure=False)

    def run(self, tasks: Iterable[Task]) -> Iterator[Rendered]:
        """Hand each job to a worker as one frees up, the next round of an output laid out in rounds (the book
        PDF's pieces) before the next planned task, so that a later round never waits behind every handout.
        Tasks are planned as they are handed out (the first, the longest, starts at once); cached results
        come at once, rendered ones in the order they finish."""
        running: dict[Future[PdfResult], tuple[Any, ...]] = {}
        ready: deque[tuple[Any, ...]] = deque()  # the jobs of a round not handed out yet
        planned, more = iter(tasks), True
        while True:
            while ready and self._room(running):
                step, index, key, name, job = ready.popleft()
                running[self._submit(job)] = (step, index, key, name)
            if more and self._room(running):
                item = next(planned, None)
                if item is None:
                    more = False
                else:
                    yield from self._start(item, running, ready)
                yield from self._collect(running, ready, block=False)
                continue
            if not running:
                if ready:
                    continue
                return
            yield from self._collect(running, ready, block=True)

    def _room(self, running: dict[Future[PdfResult], tuple[Any, ...]]) -> bool:
        """Whether another job may be handed out: worker processes get one job each and one waiting (no more,
        or later rounds would queue behind them); a cluster gets every job at once, to schedule itself."""
        return self._client is not None or len(running) <= self.jobs

    def _submit(self, job: Any) -> Future[PdfResult]:
        return self._pool().submit(run_job, job)

    def _start(
        self, item: Task, running: dict[Future[PdfResult], tuple[Any, ...]], ready: deque[tuple[Any, ...]]
    ) -> Iterator[Rendered]:
        if self.dump is not None and (isinstance(item.job, PdfJob) or hasattr(item.job, "steps")):
            self._write_dump(item)
        if hasattr(item.job, "steps"):
            yield from self._advance(_Round(item, item.job.steps()), None, ready)
            return
        key = self.cache.key(item.job) if self.cache else None
        hit = self.cache.get(key, getattr(item.job, "kind", "pdf")) if self.cache and key else None
        if hit is not None:
            yield Rendered(item, hit, True)
        elif not self._pooled:
            yield self._done(item, key, run_job(item.job))
        else:
            running[self._submit(item.job)] = (item, key, item.path)

    def _collect(
        self, running: dict[Future[PdfResult], tuple[Any, ...]], ready: deque[tuple[Any, ...]], block: bool
    ) -> Iterator[Rendered]:
        if block:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        else:
            finished = {f for f in running if f.done()}
        for future in sorted(finished, key=lambda f: running[f][-1]):
            entry = running.pop(future)
            if isinstance(entry[0], _Round):
                step, index, key, name = entry
                step.results[index] = self._keep(name, key, future.result())
                step.waiting -= 1
                if not step.waiting:
                    yield from self._advance(step, step.results, ready)
            else:
                item, key, _ = entry
                yield self._done(item, key, future.result())

    def _advance(self, step: _Round, sent: list[Any] | None, ready: deque[tuple[Any, ...]]) -> Iterator[Rendered]:
        """Queue the next round of ``step`` (jobs from the cache at once); its result once there is none."""
        while True:
            try:
                jobs = step.steps.send(sent)
            except StopIteration as stop:
                yield Rendered(step.planned, stop.value, step.cached)
                return
            step.results, step.waiting = [None] * len(jobs), 0
            for index, (name, job) in enumerate(jobs):
                key = self.cache.key(job) if self.cache else None
                hit = self.cache.get(key) if self.cache and key else None
                if hit is not None:
                    step.results[index] = hit
                    continue
                step.cached = False
                if not self._pooled:
                    step.results[index] = self._keep(name, key, run_job(job))
                else:
                    ready.append((step, index, key, name, job))
                    step.waiting += 1
            if step.waiting:
                return
            sent = step.results

    def _keep(self, name: str, key: str | None, result: PdfResult) -> PdfResult:
        self.laid_out.append(name)
        if self.cache and key:
            self.cache.put(key, result)
        return result

    def _done(self, item: Task, key: str | None, result: PdfResult) -> Rendered:
        if isinstance(item.job, PdfJob):
            self.laid_out.append(item.path)
        if self.cache and key:
            self.cache.put(key, result)
        return Rendered(item, result, False)

    def _write_dump(self, item: Task) -> None:
        assert self.dump is not None
        self.dump.mkdir(parents=True, exist_ok=True)
        stem = f"{len(self._dumped):04d}-" + item.path.replace("/", "-").removesuffix(".pdf")
        with naming(self.dump):
            (self.dump / f"{stem}.html").write_text(item.job.html)
        sheets = []
        for n, css in enumerate(item.job.stylesheets):
            (self.dump / f"{stem}.{n}.css").write_text(css)
            sheets.append(f"{stem}.{n}.css")
        self._dumped.append(
            {"output": item.path, "html": f"{stem}.html", "stylesheets": sheets, "base_url": str(item.job.base_url)}
        )
