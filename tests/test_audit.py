"""``build.py audit FILE.pdf... [--format json]``: exit codes, the JSON per file, files that cannot be checked."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from plainpress.cli import main
from plainpress.pdfua import check_file
from plainpress.pdfua.worker import check_files

from .helpers import ROOT
from .test_pdfua import edited, render


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit") / "good.pdf"
    path.write_bytes(render("<h1>Title</h1><p>Some text.</p><ul><li>One</li><li>Two</li></ul>"))
    assert check_file(path).passed
    return path


@pytest.fixture(scope="module")
def bad(good: Path) -> Path:
    """Two list items retyped as paragraphs (the list holds P: 7.2-t19; each LBody is outside an LI: 7.2-t18,
    twice) and no DisplayDocTitle (7.1-t10)."""

    def edit(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.ViewerPreferences["/DisplayDocTitle"]
        for node in pdf.objects:
            if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/LI":
                node.S = pikepdf.Name.P

    path = good.with_name("bad.pdf")
    path.write_bytes(edited(good.read_bytes(), edit))
    return path


def test_a_passing_file_exits_0(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"PASS  {good}" in out and "1 of 1 file(s) pass" in out


def test_json_names_each_failed_rule_with_clause_count_and_pages(
    good: Path, bad: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(good), str(bad), "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] is False
    first, second = result["files"]
    assert (first["file"], first["passed"], first["failed_rules"]) == (str(good), True, [])
    assert second["passed"] is False
    rules = {row["rule"]: row for row in second["failed_rules"]}
    assert set(rules) == {"7.1-t10", "7.2-t18", "7.2-t19"}
    assert (rules["7.2-t19"]["clause"], rules["7.2-t19"]["count"], rules["7.2-t19"]["pages"]) == ("7.2", 1, [1])
    assert (rules["7.2-t18"]["count"], rules["7.2-t18"]["pages"]) == (2, [1])
    assert (rules["7.1-t10"]["clause"], rules["7.1-t10"]["pages"]) == ("7.1", [])


def test_text_output_lists_rules(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  {bad}: 3 rule(s) failed" in out
    assert "7.2-t19 (ISO 14289-1 7.2) L holds only L, LI and Caption: 1x on page(s) 1" in out


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pdf at all\n", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"%PDF-1.7\n" + bytes(range(256)) * 8],
    ids=["empty", "text", "truncated", "garbage"],
)
def test_a_file_that_is_not_a_pdf_is_not_checked_and_fails(
    tmp_path: Path, good: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(content)
    assert main(["audit", str(good), str(broken), "--format", "json"]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    assert [f["passed"] for f in files] == [True, False]
    assert files[1]["checked"] is False and files[1]["reason"]


def test_a_missing_file_is_not_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / "absent.pdf")]) == 1
    assert "NOT CHECKED" in capsys.readouterr().out


def test_a_file_over_the_time_limit_is_not_checked(good: Path) -> None:
    (report,) = check_files([good], time_limit=0.0)
    assert (report.checked, report.passed) == (False, False)
    assert "took longer than" in report.reason


def test_the_command_runs_from_build_py(good: Path) -> None:
    run = subprocess.run(
        [sys.executable, "build.py", "audit", str(good), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["files"][0]["passed"] is True
    assert "Traceback" not in run.stderr


def _mutants(data: bytes, count: int, seed: int) -> list[bytes]:
    """Damaged copies: bytes overwritten, the file cut short, dictionary entries swapped for wrong types."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        if n % 3 == 0:
            copy = bytearray(data)
            for _ in range(rng.randint(1, 30)):
                copy[rng.randrange(len(copy))] = rng.randrange(256)
            found.append(bytes(copy))
        elif n % 3 == 1:
            found.append(data[: rng.randrange(len(data))])
        else:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
                pool = [pikepdf.Name.Foo, 7, -1, pikepdf.Array([1, 2]), pikepdf.String("x"), pikepdf.Dictionary(), 3.5]
                for _ in range(rng.randint(1, 10)):
                    target = rng.choice(objects)
                    keys = list(target.keys())
                    if keys:
                        target[rng.choice(keys)] = rng.choice([*pool, rng.choice(objects)])
                out = io.BytesIO()
                # A swapped /Metadata would make pikepdf's own XMP update refuse to save the copy.
                pdf.save(out, fix_metadata_version=False)
                found.append(out.getvalue())
    return found


def test_damaged_files_never_crash_the_checker(tmp_path: Path, good: Path) -> None:
    """Every damaged copy is either checked or reported as unreadable, never as a checker error."""
    for n, data in enumerate(_mutants(good.read_bytes(), 45, seed=17)):
        path = tmp_path / f"mutant-{n}.pdf"
        path.write_bytes(data)
        report = check_file(path)
        assert report.checked or report.reason.startswith(("cannot be read", "encrypted")), (n, report.reason)
