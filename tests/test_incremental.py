"""Parallel rendering and the content-hash cache: an incremental build lays out again only
what an edit changes, and its output folder is byte-identical to a clean build's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plainpress.commands.build import build
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather
from plainpress.templates import DEFAULT_LAYOUTS

from .helpers import FIXTURES, ROOT, SAMPLE_BOOK, imported

pytestmark = pytest.mark.timeout(600)


def files(dist: Path) -> dict[str, bytes]:
    return {str(p.relative_to(dist)): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def assert_same_as_clean(book: Path, dist: Path, layouts: Path, tmp: Path) -> None:
    clean = tmp / "clean" / "dist"
    shutil.rmtree(clean.parent, ignore_errors=True)
    build(book, clean, layouts=layouts, jobs=1)  # no cache, one process
    got, want = files(dist), files(clean)
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []


def outputs_of(laid_out: list[str]) -> set[str]:
    """The outputs laid out: the book PDF's pieces (``book.pdf#chapters-2``) count as the book PDF."""
    return {p.split("#")[0] for p in laid_out}


def handouts_of(slug: str, outputs: set[str]) -> set[str]:
    return {p for p in outputs if p.startswith("handouts/") and Path(p).name.startswith(f"{slug}-")}


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the sample book with one clinic profile, and a copy of the layouts."""
    book, layouts = tmp_path / "book", tmp_path / "layouts"
    shutil.copytree(SAMPLE_BOOK, book)
    (book / "profiles" / "riverside-family-clinic.yaml").unlink()
    shutil.copytree(DEFAULT_LAYOUTS, layouts)
    return book, layouts, tmp_path / "work" / "dist"


def test_edits_lay_out_only_what_they_change_and_match_a_clean_build(project, tmp_path):
    book, layouts, dist = project
    first = build(book, dist, layouts=layouts, jobs=2, use_cache=True)
    everything = {o.path for o in first.outputs if o.path.endswith(".pdf")}
    assert outputs_of(first.laid_out) == everything  # a cold cache lays out every PDF
    book_pdf = next(o.path for o in first.outputs if o.kind == "pdf")

    pieces: list[str] = []

    def rebuild() -> set[str]:
        result = build(book, dist, layouts=layouts, jobs=2, use_cache=True)
        assert not result.unchanged
        assert len(result.laid_out) == len(set(result.laid_out))
        pieces[:] = sorted(p.split("#")[1] for p in result.laid_out if "#" in p)
        return outputs_of(result.laid_out)

    # 1. A sentence added to the body of an article no other article links to.
    article = book / "articles" / "questions-people-ask.md"
    assert not any("questions-people-ask.md" in p.read_text() for p in (book / "articles").glob("*.md"))
    article.write_text(article.read_text() + "\nWrite your questions down before a visit.\n")
    assert rebuild() == handouts_of("questions-people-ask", everything) | {book_pdf}
    assert pieces == ["chapters-2"]  # of the book PDF, only the piece of that chapter (no page number moved)
    assert_same_as_clean(book, dist, layouts, tmp_path)

    # 2. A new title: its handouts, the index, the book PDF and the handouts that name it.
    target = book / "articles" / "what-are-muscle-twitches.md"
    target.write_text(re.sub(r"^title: (.+)$", r"title: \1, explained", target.read_text(), count=1, flags=re.M))
    naming = [p.stem for p in (book / "articles").glob("*.md") if "](what-are-muscle-twitches.md" in p.read_text()]
    assert naming and len(naming) < 3  # some articles name it, some do not
    expected = {book_pdf, "handouts/northgate-health-centre/index-a4.pdf"}
    for slug in ["what-are-muscle-twitches", *naming]:
        expected |= handouts_of(slug, everything)
    assert rebuild() == expected
    assert_same_as_clean(book, dist, layouts, tmp_path)

    # 3. A glossary definition: the handouts whose "Words to know" list it, and the book PDF.
    glossary = book / "glossary.yaml"
    text = glossary.read_text()
    old = "A natural chemical in the brain that calms nerve signals."
    glossary.write_text(text.replace(old, "A chemical the brain makes that calms nerve signals."))
    model = gather(book)
    analyse(model)
    users = {use.article for use in model.glossary_uses["GABA"]}
    assert users and len(users) < len(model.articles)
    assert rebuild() == {book_pdf} | {p for slug in users for p in handouts_of(slug, everything)}
    assert_same_as_clean(book, dist, layouts, tmp_path)

    # 4. A layout: the large-print handouts only.
    css = layouts / "handout" / "large-print.css"
    css.write_text(css.read_text() + "\nh1 { letter-spacing: 0.01em; }\n")
    assert rebuild() == {p for p in everything if p.startswith("handouts/") and "large-print" in p}
    assert_same_as_clean(book, dist, layouts, tmp_path)

    # 5. A red flag's wording (same length: the large-print card is full): the cards, the book PDF and
    # that article's handouts.
    worry = book / "articles" / "when-to-worry.md"
    sign = "You find it hard to breathe or to swallow."
    assert sign in worry.read_text()
    worry.write_text(worry.read_text().replace(sign, "You find it hard to swallow or to breathe."))
    cards = {p for p in everything if p.startswith("cards/")}
    assert rebuild() == cards | {book_pdf} | handouts_of("when-to-worry", everything)
    assert_same_as_clean(book, dist, layouts, tmp_path)


def test_a_changed_logo_lays_out_that_clinics_pdfs_again(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK, book)
    dist = tmp_path / "dist"
    first = build(book, dist, jobs=2, use_cache=True)
    clinic = {o.path for o in first.outputs if o.path.endswith(".pdf") and "riverside-family-clinic" in o.path}
    logo = book / "profiles" / "riverside-logo.svg"
    logo.write_text(logo.read_text().replace("<svg", "<svg data-edited='1'", 1))
    result = build(book, dist, jobs=2, use_cache=True)
    # The clinic's handouts show its logo; their index and its cards do not, nor does any other PDF.
    index = {p for p in clinic if "/index-" in p}
    shows_logo = {p for p in clinic if p.startswith("handouts/")} - index
    assert index and shows_logo and any(p.startswith("cards/") for p in clinic)
    laid_out = set(result.laid_out)
    assert laid_out == shows_logo, (sorted(shows_logo - laid_out), sorted(laid_out - shows_logo))


def test_nothing_changed_answers_without_loading_the_stages(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(SAMPLE_BOOK, book)
    command = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(book), "--out", "dist"]
    cold = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert cold.returncode == 0, cold.stderr
    target = (tmp_path / "dist").resolve()
    again = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], cwd=tmp_path, capture_output=True)
    assert again.returncode == 0 and b"nothing changed" in again.stdout, again.stdout + again.stderr
    # What answers at once: the inputs are hashed and compared with the last build's; the book is not
    # read into a model, no stage after it, no renderer or layout engine is even loaded.
    loaded = imported(again.stderr.decode())
    assert "plainpress.cli" in loaded  # (the import times were read)
    stages = ("plainpress.pipeline", "plainpress.stages.gather", "plainpress.stages.render", "plainpress.outputs")
    assert not {m for m in loaded if m.startswith(stages)}
    assert not {m for m in loaded if m.split(".")[0] in ("weasyprint", "pikepdf")}
    assert (tmp_path / "dist").resolve() == target  # the output folder was left as it was
    assert (tmp_path / ".plainpress-cache" / "last-build.json").is_file()

    # A file changed in dist by hand is not "nothing changed": the build runs and restores it.
    handout = next((tmp_path / "dist" / "handouts").rglob("*.pdf"))
    original = handout.read_bytes()
    handout.write_bytes(b"spoiled")
    repaired = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert repaired.returncode == 0 and "nothing changed" not in repaired.stdout
    assert handout.read_bytes() == original
    assert "(0 PDFs laid out," in repaired.stdout  # every PDF came from the cache

    # --no-cache lays everything out again.
    fresh = subprocess.run([*command, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert fresh.returncode == 0 and "nothing changed" not in fresh.stdout


def test_one_two_and_many_processes_make_the_same_bytes(tmp_path):
    one = build(FIXTURES / "mini", tmp_path / "one", jobs=1)
    two = build(FIXTURES / "mini", tmp_path / "two", jobs=2)
    assert sorted(one.laid_out) == sorted(two.laid_out)
    assert files(tmp_path / "one") == files(tmp_path / "two")


def test_a_failure_while_workers_run_stops_the_build_cleanly(tmp_path):
    """An overfull card is found while the worker processes still have handouts to lay out."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mini", book)
    dist = tmp_path / "dist"
    build(book, dist, jobs=2)
    before = files(dist)
    signs = "\n".join(f"- Sign number {i} that takes up a line or two of the card to say in full." for i in range(40))
    article = book / "articles" / "second-steps.md"
    article.write_text(article.read_text() + f"\n::: red-flag routine\n{signs}\n:::\n")
    command = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(book), "--out", str(dist), "--jobs", "2"]
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)  # never hangs
    assert run.returncode == 3 and "Traceback" not in run.stderr, run.stderr
    assert "does not fit on one page" in run.stderr
    assert files(dist) == before


def test_a_dask_cluster_makes_the_same_bytes_as_local_processes(tmp_path):
    distributed = pytest.importorskip("distributed")  # in the dev and cluster extras
    local = build(FIXTURES / "mini", tmp_path / "local", jobs=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        before = cluster.scheduler.transition_counter
        remote = build(FIXTURES / "mini", tmp_path / "cluster", scheduler=cluster.scheduler_address)
        assert cluster.scheduler.transition_counter > before  # the jobs went through the cluster's scheduler
    assert sorted(remote.laid_out) == sorted(local.laid_out)
    assert files(tmp_path / "cluster") == files(tmp_path / "local")


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    command = [sys.executable, str(ROOT / "build.py"), "build", "--book", str(FIXTURES / "mini"), "--out", "dist"]
    run = subprocess.run(
        [*command, "--scheduler", "tcp://127.0.0.1:9"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "cannot reach the scheduler" in run.stderr
    assert not (tmp_path / "dist").exists()
