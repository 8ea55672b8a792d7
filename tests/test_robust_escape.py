"""No escape from the book: Markdown images work (copied into the EPUB as manifest items, loaded
into the PDFs through the guarded fetcher), and every way out (``..``, absolute paths, symbolic
links, ``file://`` elsewhere, web addresses in images and CSS, SVGs that load other files) is
refused with file and line. Builds are watched with an audit hook: a file outside the book (a
"secret" next to it) is never opened, and no socket is ever used."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import zipfile
from pathlib import Path

import pikepdf
import pytest
from ebooklib import epub
from lxml import etree
from PIL import Image

import plainpress.sources.profiles
from plainpress.cli import main
from plainpress.commands.build import build
from plainpress.errors import Problems, RenderError
from plainpress.fonts import font_roots
from plainpress.outputs.epub import render_epub
from plainpress.outputs.epub_images import guard_package
from plainpress.outputs.handouts import all_entries, handout_job
from plainpress.pdf.jobs import PdfJob
from plainpress.pdf.layout import ResourceRefused, render_job
from plainpress.resources import check_layouts
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather
from plainpress.templates import DEFAULT_LAYOUTS

from .helpers import ROOT, by_severity, epubcheck_messages
from .robust_helpers import copy_mini, reads_recorded, snapshot

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20">{}</svg>'
)


def _images_book(root: Path) -> Path:
    book = copy_mini(root / "book")
    (book / "images").mkdir()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(book / "images" / "red dot.png")
    Image.new("RGB", (30, 30), (30, 30, 200)).save(book / "articles" / "blue.jpg")
    (book / "images" / "shape.svg").write_text(SVG.format('<rect width="20" height="20" fill="#0a0"/>'))
    path = book / "articles" / "first-steps.md"
    path.write_text(
        path.read_text()
        + "\n\n![A red rectangle](../images/red%20dot.png) ![A blue square](blue.jpg)\n\n"
        + '![A green square](../images/shape.svg "Shape")\n'
    )
    return book


@pytest.fixture(scope="module")
def built_images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    book = _images_book(root)
    build(book, root / "dist")
    return root / "dist"


def test_markdown_images_are_items_of_the_epub(built_images):
    epub_path = next(built_images.glob("*.epub"))
    with zipfile.ZipFile(epub_path) as package:
        names = package.namelist()
        opf = etree.fromstring(package.read("EPUB/content.opf"))
        chapter = package.read("EPUB/text/ch01-first-steps.xhtml").decode()
    items = {
        i.get("href"): i.get("media-type")
        for i in opf.iter("{http://www.idpf.org/2007/opf}item")
        if "book/" in i.get("href")
    }
    assert sorted(items.values()) == ["image/jpeg", "image/png", "image/svg+xml"]
    for href in items:
        assert f"EPUB/{href}" in names
        assert f'src="../{href}"' in chapter  # the src rewritten to the item
    assert "red%20dot" not in chapter and "../images/red" not in chapter
    assert 'alt="A red rectangle"' in chapter


@pytest.mark.timeout(300)
def test_the_epub_with_images_passes_epubcheck(built_images):
    messages = epubcheck_messages(next(built_images.glob("*.epub")))
    assert by_severity(messages, "FATAL", "ERROR") == []


def test_markdown_images_are_in_the_pdfs(built_images):
    for pdf_path in [next(built_images.glob("*.pdf")), *sorted(built_images.glob("handouts/*/first-steps-*.pdf"))[:1]]:
        with pikepdf.open(pdf_path) as pdf:
            found = sum(len(page.get_images()) for page in pdf.pages)
        assert found >= 2, pdf_path  # the PNG and the JPEG (the SVG is drawn as vectors)


# ---------------------------------------------------------------- every way out, watched


def _secret(root: Path) -> Path:
    secret = root / "secret"
    secret.mkdir()
    Image.new("RGB", (4, 4)).save(secret / "s.png")
    (secret / "notes.yaml").write_text("- term: secret\n  definition: never read\n")
    (secret / "article.md").write_text("---\ntitle: Secret\nsummary: S.\ndate: 2026-01-01\n---\nSecret.\n")
    return secret


def _allowed(book: Path, out: Path) -> list[str]:
    return [
        str(p)
        for p in (
            book,
            out.parent,
            DEFAULT_LAYOUTS,
            ROOT / "plainpress",
            ROOT / "plainpress.egg-info",
            ROOT / "__editable__",
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(tempfile.gettempdir()) / "weasyprint-",
            *font_roots(),
        )
    ]


def _watch(book: Path, out: Path, secret: Path, action) -> BaseException | None:
    """Run ``action`` with sockets refused and opens recorded; assert nothing outside was read."""

    def refuse(*args, **kwargs):
        raise AssertionError("a build tried to use the network")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        with reads_recorded() as opened:
            try:
                action()
                error = None
            except (Problems, RenderError) as caught:
                error = caught
    real = [os.path.realpath(p) for p in opened]
    assert not [p for p in real if p.startswith(str(secret.resolve()))], "a file outside the book was read"
    allowed = [os.path.realpath(a) for a in _allowed(book, out)]
    outside = sorted({p for p in real if not any(p.startswith(a) for a in allowed)})
    assert outside == [], outside
    return error


@pytest.mark.timeout(120)
def test_sources_linked_out_of_the_book_are_never_read(tmp_path):
    secret = _secret(tmp_path)
    book = copy_mini(tmp_path / "book")
    (book / "glossary.yaml").unlink()
    (book / "glossary.yaml").symlink_to(secret / "notes.yaml")
    (book / "articles" / "first-steps.md").unlink()
    (book / "articles" / "first-steps.md").symlink_to(secret / "article.md")
    error = _watch(book, tmp_path / "dist", secret, lambda: build(book, tmp_path / "dist"))
    text = str(error)
    assert "glossary.yaml: error I001" in text and "first-steps.md: error I001" in text


@pytest.mark.timeout(120)
def test_images_leading_out_of_the_book_are_refused_with_file_and_line(tmp_path):
    secret = _secret(tmp_path)
    book = copy_mini(tmp_path / "book")
    (book / "images").mkdir()
    (book / "images" / "link.png").symlink_to(secret / "s.png")
    (book / "images" / "loads.svg").write_text(SVG.format('<image xlink:href="../../secret/s.png"/>'))
    (book / "images" / "fileurl.svg").write_text(SVG.format(f'<image href="{(secret / "s.png").as_uri()}"/>'))
    lines = [
        "![a](../../secret/s.png)",
        f"![b]({secret / 's.png'})",
        f"![c]({(secret / 's.png').as_uri()})",
        "![d](../images/link.png)",
        "![e](http://example.com/s.png)",
        "![f](https://example.com/s.svg)",
        "![g](../images/loads.svg)",
        "![h](../images/fileurl.svg)",
        '<img src="../../secret/s.png" alt="">',
        '<p style="background: url(../../secret/s.png)">p</p>',
        '<p style="background: url(https://example.com/s.png)">p</p>',
    ]
    path = book / "articles" / "second-steps.md"
    first = len(path.read_text().split("\n")) + 1
    path.write_text(path.read_text() + "\n" + "\n\n".join(lines) + "\n")
    error = _watch(book, tmp_path / "dist", secret, lambda: build(book, tmp_path / "dist"))
    assert isinstance(error, Problems)
    found = {(f.location.line, f.code) for f in error.findings if f.location.path.name == "second-steps.md"}
    expected = ["I001", "I001", "I001", "I001", "I002", "I002", "I001", "I001", "I001", "I001", "I002"]
    for index, code in enumerate(expected):
        assert (first + 2 * index, code) in found, (lines[index], sorted(found))
    assert not (tmp_path / "dist").exists()


@pytest.mark.timeout(180)
def test_the_pdf_fetcher_refuses_what_an_svg_logo_loads_and_the_build_fails(tmp_path, capsys, monkeypatch):
    """WeasyPrint's SVG code swallows even the fatal fetch error: the fetcher records every refusal,
    and the build fails after rendering (exit 3), with nothing written."""
    secret = _secret(tmp_path)
    book = copy_mini(tmp_path / "book")
    out = tmp_path / "dist"
    assert main(["build", "--book", str(book), "--out", str(out), "--quiet"]) == 0
    before = snapshot(out)
    (book / "profiles").mkdir()
    (book / "profiles" / "logo.svg").write_text(
        SVG.format('<image xlink:href="../../secret/s.png" width="9" height="9"/>')
    )
    (book / "profiles" / "clinic.yaml").write_text(
        "name: Test clinic\nphone: '0100'\nhours: Always\nemergency_number: '999'\npaper: a4\n"
        "logo: logo.svg\nlogo_alt: The clinic's logo\n"
    )
    # First line of defence: the profile is refused while reading, with its file and line.
    assert main(["build", "--book", str(book), "--out", str(out), "--quiet"]) == 1
    assert "clinic.yaml:1: error I001: logo 'logo.svg'" in capsys.readouterr().err
    # Without it (a logo changed after the check, a path it did not foresee), the fetcher is the guard.
    monkeypatch.setattr(plainpress.sources.profiles, "svg_problems", lambda *args: [])
    # --jobs 1: every read happens in this process, where it is recorded.
    args = ["build", "--book", str(book), "--out", str(out), "--quiet", "--jobs", "1"]
    code = _watch(book, out, secret, lambda: main(args))
    err = capsys.readouterr().err
    assert code is None  # main() returned: the CLI caught the error and turned it into a message
    assert "refused to load resources from outside the book" in err and "secret/s.png" in err
    assert "Traceback" not in err and "nothing in" in err
    assert snapshot(out) == before


@pytest.mark.timeout(120)
def test_a_layout_records_every_refusal_even_inside_svg(tmp_path):
    secret = _secret(tmp_path)
    base = tmp_path / "book"
    base.mkdir()
    (base / "logo.svg").write_text(SVG.format(f'<image href="{(secret / "s.png").as_uri()}" width="9" height="9"/>'))
    cases = {
        "svg": '<img src="logo.svg" alt="logo">',
        "web image": '<img src="https://example.com/a.png" alt="web">',
        "outside": '<img src="../secret/s.png" alt="out">',
    }
    for name, body in cases.items():
        html = f'<html lang="en"><head><title>t</title></head><body><p>{body}</p></body></html>'

        def render(html: str = html, name: str = name) -> None:
            render_job(PdfJob(html, base, (), (base, *font_roots()), name))

        error = _watch(base, tmp_path / "dist", secret, render)
        assert isinstance(error, RenderError) and "refused to load resources" in str(error), name
        named = {"svg": "secret/s.png", "web image": "https://example.com/a.png", "outside": "secret/s.png"}
        assert named[name] in str(error), (name, str(error))  # the refused address of this case
    css = "p { background: url(https://example.com/bg.png) }"
    html = '<html lang="en"><head><title>t</title></head><body><p>x</p></body></html>'
    with pytest.raises(RenderError, match=r"example\.com/bg\.png"):
        render_job(PdfJob(html, base, (css,), (base, *font_roots()), "css"))
    assert issubclass(ResourceRefused, BaseException) and not issubclass(ResourceRefused, Exception)


@pytest.mark.timeout(120)
def test_a_handout_whose_logo_turns_hostile_after_reading_is_refused(tmp_path):
    secret = _secret(tmp_path)
    book_dir = copy_mini(tmp_path / "book")
    (book_dir / "profiles").mkdir()
    (book_dir / "profiles" / "logo.svg").write_text(SVG.format('<rect width="9" height="9"/>'))
    (book_dir / "profiles" / "clinic.yaml").write_text(
        "name: Test clinic\nphone: '0100'\nhours: Always\nemergency_number: '999'\npaper: a4\n"
        "logo: logo.svg\nlogo_alt: The clinic's logo\n"
    )
    book = analyse(gather(book_dir))
    (book_dir / "profiles" / "logo.svg").write_text(SVG.format('<image xlink:href="../../secret/s.png"/>'))
    profile, item = book.profiles[0], book.articles[0]

    def render():
        render_job(handout_job(book, item, profile, "a4", "standard", all_entries(book)))

    error = _watch(book_dir, tmp_path / "dist", secret, render)
    assert isinstance(error, RenderError) and "secret/s.png" in str(error)


# ---------------------------------------------------------------- the EPUB writer, guarded the same way


def _package(xhtml: str, css: str = "") -> epub.EpubBook:
    package = epub.EpubBook()
    doc = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
    doc += f"<body>\n{xhtml}\n</body></html>"
    package.add_item(epub.EpubItem(uid="c", file_name="text/c.xhtml", media_type="application/xhtml+xml", content=doc))
    package.add_item(epub.EpubItem(uid="i", file_name="images/ok.png", media_type="image/png", content=b"x"))
    if css:
        package.add_item(epub.EpubItem(uid="s", file_name="css/s.css", media_type="text/css", content=css.encode()))
    return package


@pytest.mark.parametrize(
    ("xhtml", "css", "refused"),
    [
        ('<img src="https://example.com/a.png" alt=""/>', "", "text/c.xhtml:2"),
        ('<img src="../../../etc/passwd" alt=""/>', "", "leads outside the EPUB"),
        ('<img src="/etc/passwd" alt=""/>', "", "absolute path"),
        ('<img src="file:///etc/passwd" alt=""/>', "", "address outside the EPUB"),
        ('<img src="../images/missing.png" alt=""/>', "", "not a file of the EPUB"),
        ('<p style="background:url(http://x.org/a.png)">p</p>', "", "text/c.xhtml:2"),
        ("<p>ok</p>", "p { background: url(https://x.org/a.png) }", "css/s.css:1"),
        ("<p>ok</p>", '@import "http://x.org/a.css";', "css/s.css:1"),
    ],
)
def test_the_epub_guard_refuses_references_out_of_the_package(xhtml, css, refused):
    with pytest.raises(RenderError, match="would load resources that are not in it") as caught:
        guard_package(_package(xhtml, css))
    assert refused in str(caught.value)


def test_the_epub_guard_accepts_its_own_items():
    guard_package(_package('<img src="../images/ok.png" alt=""/><a href="https://example.com/">a link is fine</a>'))


@pytest.mark.timeout(120)
def test_the_epub_refuses_an_image_that_became_a_link_out_after_reading(tmp_path):
    secret = _secret(tmp_path)
    book_dir = _images_book(tmp_path)
    book = analyse(gather(book_dir))
    (book_dir / "images" / "red dot.png").unlink()
    (book_dir / "images" / "red dot.png").symlink_to(secret / "s.png")
    error = _watch(book_dir, tmp_path / "dist", secret, lambda: render_epub(book))
    assert isinstance(error, RenderError) and "outside the book folder" in str(error)


# ---------------------------------------------------------------- layouts


def test_layout_css_loading_from_the_web_is_refused_with_file_and_line(tmp_path, capsys):
    layouts = tmp_path / "layouts"
    shutil.copytree(DEFAULT_LAYOUTS, layouts)
    base = layouts / "base" / "base.css"
    base.write_text(base.read_text() + "\n.x { background: url(https://example.com/x.png); }\n")
    line = len(base.read_text().split("\n")) - 1
    with pytest.raises(Problems, match=rf"base.css:{line}: error I002"):
        check_layouts(layouts, [layouts, *font_roots()])
    book = copy_mini(tmp_path / "book")
    code = main(["build", "--book", str(book), "--out", str(tmp_path / "dist"), "--layouts", str(layouts), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and f"base.css:{line}: error I002" in err and not (tmp_path / "dist").exists()


def test_the_shipped_layouts_pass_their_own_check():
    check_layouts(DEFAULT_LAYOUTS, [DEFAULT_LAYOUTS, *font_roots()])
