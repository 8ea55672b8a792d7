"""The PDF/UA checker against veraPDF's own PDF/UA-1 test files (veraPDF corpus, CC BY 4.0).

The files stay outside the project, in ``../shared/verapdf-corpus/PDF_UA-1`` beside the clone (or
where ``PLAINPRESS_VERAPDF_CORPUS`` points). Each file is named for the rule it tests and whether a
validator must pass or fail it (``7.2-t20-fail-a.pdf``). Every file is checked as ``audit`` checks
it (worker process, time limit): a must-fail file fails on the rule its name gives, a must-pass file
passes, and no file is left unchecked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from plainpress.pdfua import RULES, Report
from plainpress.pdfua.worker import check_files

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"(?P<rule>\d+(?:\.\d+)*-t\d+)-(?P<kind>pass|fail)-\w+\.pdf")
# Where the current profile states a file's condition as another rule than the one it was named for:
# a Caption that is not the first (or last) child is its own rule now, and veraPDF counts a first cell
# that spans past the last row as extra rows, so the table shows a row with too many columns.
SUCCESSORS = {"7.2-t19": {"7.2-t40"}, "7.2-t27": {"7.2-t28"}, "7.2-t03": {"7.2-t16"}, "7.2-t41": {"7.2-t42"}}


def _corpus() -> Path | None:
    candidates = []
    if os.environ.get("PLAINPRESS_VERAPDF_CORPUS"):
        candidates.append(Path(os.environ["PLAINPRESS_VERAPDF_CORPUS"]))
    candidates.append(ROOT.parent / "shared" / "verapdf-corpus" / "PDF_UA-1")
    git = ROOT / ".git"
    if git.is_file():  # a git worktree: the shared folder sits beside the main checkout
        match = re.match(r"gitdir:\s*(.+)", git.read_text().strip())
        if match:
            main = Path(match.group(1)).resolve().parent.parent.parent
            candidates.append(main.parent / "shared" / "verapdf-corpus" / "PDF_UA-1")
    return next((path for path in candidates if path.is_dir()), None)


CORPUS = _corpus()
FILES = sorted(p for p in CORPUS.rglob("*.pdf") if NAME.fullmatch(p.name)) if CORPUS else []
pytestmark = pytest.mark.skipif(
    CORPUS is None,
    reason="veraPDF's PDF/UA-1 corpus is not here (../shared/verapdf-corpus/PDF_UA-1 beside the clone, "
    "or PLAINPRESS_VERAPDF_CORPUS): skipped",
)


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {Path(report.path).name: report for report in check_files(FILES)}


def _expected(name: str) -> tuple[str, str]:
    match = NAME.fullmatch(name)
    assert match
    return match.group("rule"), match.group("kind")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file(reports: dict[str, Report], path: Path) -> None:
    report = reports[path.name]
    rule, kind = _expected(path.name)
    assert report.checked, f"{path.name} was not checked: {report.reason}"
    failed = {f.rule for f in report.failures}
    if kind == "pass":
        assert not failed, "\n".join(map(str, report.failures))
    elif rule in RULES:
        assert failed & ({rule} | SUCCESSORS.get(rule, set())), f"{path.name} does not fail {rule}: {sorted(failed)}"
    else:  # the profile has no such rule (7.18.7-t01): the file must still fail
        assert failed, f"{path.name} passes"


@pytest.mark.timeout(900)
def test_the_corpus_is_complete_and_fast(reports: dict[str, Report]) -> None:
    """The whole folder: the 87 must-fail and 70 must-pass files it holds, each checked well within the limit."""
    kinds = [_expected(p.name)[1] for p in FILES]
    assert (kinds.count("fail"), kinds.count("pass")) == (87, 70)
    assert max(r.seconds for r in reports.values()) < 5, "a corpus file took more than 5 s"
