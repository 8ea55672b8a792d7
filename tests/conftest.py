"""Build the sample book and the fixture book once per test session."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from plainpress.commands.build import build

from .helpers import FIXTURES, SAMPLE_BOOK


@dataclass
class Built:
    book: Path
    dist: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.dist / "manifest.json").read_text())

    def output(self, kind: str) -> Path:
        entry = next(o for o in self.manifest["outputs"] if o["kind"] == kind)
        return self.dist / entry["path"]


# Fixed clocks for the whole session, subprocesses included: reproducible output, and
# review-date checks that do not change with the day the suite runs.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
os.environ.setdefault("PLAINPRESS_TODAY", "2026-11-25")


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("sample") / "dist"
    build(SAMPLE_BOOK, out, dump_html=out.parent / "dump")  # the HTML of each PDF, for the round trip
    return Built(SAMPLE_BOOK, out)


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("mini") / "dist"
    build(FIXTURES / "mini", out, dump_html=out.parent / "dump")
    return Built(FIXTURES / "mini", out)


@pytest.fixture(params=["sample", "mini"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)
