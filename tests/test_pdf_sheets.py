"""Stylesheets are parsed once per process and shared by the jobs that use them (plainpress.pdf.layout):
a job still learns every file its sheets loaded, may load only from its own folders, and lays out the
same bytes as a job in a process of its own."""

from __future__ import annotations

import pytest

import plainpress.pdf.layout as layout
from plainpress.errors import RenderError
from plainpress.fonts import faces, font_roots
from plainpress.pdf.jobs import PdfJob

HTML = '<html lang="en"><head><title>t</title></head><body><h1>Sheets</h1><p>Twitches are common.</p></body></html>'


def _face_css() -> tuple[str, str]:
    face = faces()[0]
    css = f'@font-face {{ font-family: "Test Face"; src: url("{face.path.as_uri()}"); }}\n'
    css += 'body { font-family: "Test Face"; }'
    return css, str(face.path.resolve())


@pytest.fixture
def counted(monkeypatch):
    """A fresh sheet cache, and a count of the stylesheets parsed."""
    monkeypatch.setattr(layout, "_STYLES", {})
    parsed: list[str] = []
    real = layout.CSS

    def css(*args, **kwargs):
        parsed.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(layout, "CSS", css)
    return parsed


def test_a_sheet_is_parsed_once_and_every_job_is_told_what_it_loaded(tmp_path, counted):
    css, font = _face_css()
    job = PdfJob(HTML, tmp_path, (css, "p { color: #222; }"), (tmp_path, *font_roots()), "first")
    first = layout.render_job(job)
    assert len(counted) == 2
    second = layout.render_job(PdfJob(HTML, tmp_path, job.stylesheets, job.roots, "second"))
    assert len(counted) == 2  # nothing parsed again
    assert font in first.resources and font in second.resources  # the cache's record of files loaded
    third = layout.render_job(PdfJob(HTML, tmp_path, (css + "\nh1 { color: #000; }",), job.roots, "third"))
    assert font in third.resources  # another sheet declaring a face already loaded: told the face's file
    assert second.data == first.data


def test_a_shared_sheet_lays_out_what_a_process_of_its_own_would(tmp_path, counted):
    css, _ = _face_css()
    other = PdfJob(HTML.replace("common", "often harmless"), tmp_path, (css,), (tmp_path, *font_roots()), "other")
    job = PdfJob(HTML, tmp_path, (css,), (tmp_path, *font_roots()), "job")
    alone = layout.render_job(job).data
    layout._STYLES.clear()
    layout.render_job(other)  # the sheet and the font configuration now come from another job
    assert layout.render_job(job).data == alone


def test_a_sheet_parsed_for_one_job_is_not_a_way_round_another_jobs_folders(tmp_path, counted):
    css, _ = _face_css()
    layout.render_job(PdfJob(HTML, tmp_path, (css,), (tmp_path, *font_roots()), "allowed"))
    with pytest.raises(RenderError, match="refused to load resources"):
        layout.render_job(PdfJob(HTML, tmp_path, (css,), (tmp_path,), "not allowed"))


def test_a_font_changed_on_disk_is_loaded_again(tmp_path, counted):
    face = faces()[0]
    copy = tmp_path / "face.ttf"
    copy.write_bytes(face.path.read_bytes())
    css = f'@font-face {{ font-family: "Copy"; src: url("{copy.as_uri()}"); }}\nbody {{ font-family: "Copy"; }}'
    job = PdfJob(HTML, tmp_path, (css,), (tmp_path, *font_roots()), "copy")
    first = layout.render_job(job)
    copy.write_bytes(faces()[1].path.read_bytes())  # another face of the family, in the same file
    second = layout.render_job(job)
    assert len(counted) == 2  # parsed again, in a new configuration
    assert first.resources[str(copy.resolve())] != second.resources[str(copy.resolve())]
    assert second.data != first.data
