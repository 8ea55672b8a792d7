"""Ace by DAISY finds nothing to report on the EPUB, at any impact."""

from __future__ import annotations

import json
import zipfile

import pytest

from .ace import run_ace

ACE_VERSION = "1.4."  # the line the issue asks for; the exact version is pinned in package-lock.json


@pytest.mark.timeout(420)
def test_ace_reports_no_violations(built):
    report = run_ace(built.output("epub"))
    violations = report.violations
    assert report.version.startswith(ACE_VERSION), f"Ace {report.version} ran, expected {ACE_VERSION}x"
    assert violations == [], f"Ace {report.version} reports {len(violations)} violation(s):\n" + "\n".join(
        map(str, violations)
    )
    assert report.outcome == "pass"


def _with_defects(source, target):
    """Copy the EPUB with two defects Ace knows: a missing hazard declaration and an epub:type without its role."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".opf"):
                data = data.replace(b'property="schema:accessibilityHazard"', b'property="schema:x-removed"')
            if info.filename.endswith("colophon.xhtml"):
                data = data.replace(b' role="doc-colophon"', b"")
            out.writestr(info, data)
    return target


@pytest.mark.timeout(420)
def test_ace_harness_sees_violations(sample, tmp_path):
    """The harness is not vacuous: a broken copy of the sample EPUB is reported, with rule, impact and place."""
    report = run_ace(_with_defects(sample.output("epub"), tmp_path / "broken.epub"))
    found = {(v.rule, v.impact, v.location) for v in report.violations}
    assert ("metadata-accessibilityhazard", "serious", "EPUB/content.opf") in found, json.dumps(sorted(found))
    assert ("epub-type-has-matching-role", "moderate", "text/colophon.xhtml") in found, json.dumps(sorted(found))
    assert report.outcome == "fail"
