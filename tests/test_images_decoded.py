"""Images are decoded, not sniffed: a broken, truncated, mislabelled or bomb image is an error
with its file and line (I005), never a missing picture, and never an item of the EPUB; what is
accepted is drawn in every PDF, once per use."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageFile

from plainpress.commands.build import build
from plainpress.errors import Problems
from plainpress.resources import decode_problem

from .robust_helpers import article, copy_mini


def _png(size: tuple[int, int] = (40, 30), colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _bomb(side: int = 30000) -> bytes:
    """A valid one-colour PNG of side x side pixels (1 bit each), a few hundred kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    squeeze = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    body = b"".join(squeeze.compress(row) for _ in range(side)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


BROKEN = {
    "png-then-html.png": lambda: b"\x89PNG\r\n\x1a\n<html><body>not a picture</body></html>",
    "jpeg-300-bytes.jpg": lambda: _jpeg((200, 200))[:300],
    "png-half.png": lambda: (data := _png((300, 200), "navy") + b"")[: len(data) // 2],
    "jpeg-half.jpg": lambda: (data := _jpeg((300, 200)))[: len(data) // 2],
    "jpeg-named-png.png": lambda: _jpeg(),
    "bomb-30000.png": _bomb,
}


def test_weasyprint_turns_truncated_loading_on_and_the_check_still_refuses_half_files():
    import weasyprint  # noqa: F401 - importing it is what sets the flag

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    png, jpeg = _png((300, 200)), _jpeg((300, 200))
    assert decode_problem(png, "image/png") is None
    assert decode_problem(jpeg, "image/jpeg") is None
    for data, kind in ((png, "image/png"), (jpeg, "image/jpeg")):
        refusal = decode_problem(data[: len(data) // 2], kind)
        assert refusal is not None and refusal.code == "I005", kind
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as WeasyPrint wants it


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_image_is_refused_by_decoding(name):
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    refusal = decode_problem(BROKEN[name](), kind)
    assert refusal is not None and refusal.code == "I005", name
    if name.startswith("bomb"):
        assert "30000 x 30000" in refusal.message and "limits.image_pixels" in refusal.message


def test_the_limits_come_from_book_yaml():
    data = _png((100, 100))
    assert decode_problem(data, "image/png", max_pixels=9_999) is not None
    assert decode_problem(data, "image/png", max_pixels=10_000) is None
    assert "limits.image_bytes" in decode_problem(data, "image/png", max_bytes=len(data) - 1).message


@pytest.mark.timeout(300)
def test_a_book_with_broken_images_fails_naming_each_file_and_line_and_ships_nothing(tmp_path):
    book = copy_mini(tmp_path / "book")
    lines = []
    for name, make in sorted(BROKEN.items()):
        (book / "articles" / name).write_bytes(make())
        lines.append(f"Picture {name}:\n\n![A picture of {name}]({name})\n")
    body = "## Pictures\n\n" + "\n".join(lines)
    path = book / "articles" / "pictures.md"
    path.write_text(article("Pictures", body))
    config = book / "book.yaml"
    config.write_text(config.read_text().replace("  - first-steps\n", "  - first-steps\n  - pictures\n"))
    with pytest.raises(Problems) as caught:
        build(book, tmp_path / "dist")
    found = {f.text: f for f in caught.value.findings if f.code in ("I003", "I005")}  # I003: wrong signature
    text = path.read_text().splitlines()
    for name in BROKEN:
        assert name in found, (name, [str(f) for f in caught.value.findings])
        line = found[name].location.line
        assert line is not None and f"]({name})" in text[line - 1], (name, line)
    assert not (tmp_path / "dist").exists()  # nothing written: no EPUB carries them


@pytest.mark.timeout(300)
def test_each_pdf_draws_the_articles_own_images_and_the_logo_apart(tmp_path):
    book = copy_mini(tmp_path / "book")
    (book / "articles" / "photo.png").write_bytes(_png((120, 80)))
    (book / "articles" / "scan.jpg").write_bytes(_jpeg((90, 60)))
    path = book / "articles" / "second-steps.md"
    path.write_text(path.read_text() + "\n![A teal square](photo.png)\n\n![A grey noise scan](scan.jpg)\n")
    profiles = book / "profiles"
    profiles.mkdir()
    (profiles / "logo.png").write_bytes(_png((60, 20), "maroon"))
    (profiles / "clinic.yaml").write_text(
        "name: Test Clinic\nphone: 01632 960 000\nhours: Mon to Fri\nemergency_number: '999'\npaper: a4\n"
        "logo: logo.png\nlogo_alt: Test Clinic\n"
    )
    out = tmp_path / "dist"
    build(book, out)
    expected = {"second-steps": 2, "first-steps": 0}
    pdfs = sorted(out.rglob("*.pdf"))
    checked = 0
    for pdf in pdfs:
        sizes = _image_sizes(pdf)
        logos = [s for s in sizes if s == (60, 20)]
        own = [s for s in sizes if s != (60, 20)]
        if "/handouts/" in str(pdf) and "index" not in pdf.name:
            slug = pdf.name.split("-a4-")[0]
            assert len(own) == expected[slug], (pdf.name, sizes)
            assert len(logos) == 1, pdf.name  # the clinic's logo, counted apart
            checked += 1
        elif pdf.parent == out:  # the book PDF
            assert sorted(own) == [(90, 60), (120, 80)], sizes
            checked += 1
    assert checked == 5


def _image_sizes(path: Path) -> list[tuple[int, int]]:
    """Every image XObject drawn by a page (in Form XObjects too), as (width, height)."""
    seen: list[tuple[int, int]] = []
    with pikepdf.open(path) as pdf:
        done: set[tuple[int, int]] = set()
        for page in pdf.pages:
            stack = [page.obj.get("/Resources", pikepdf.Dictionary())]
            while stack:
                resources = stack.pop()
                for _name, xobject in dict(resources.get("/XObject", {})).items():
                    key = xobject.objgen
                    if key in done:
                        continue
                    done.add(key)
                    if xobject.get("/Subtype") == "/Image":
                        if "/SMask" in xobject or xobject.get("/ImageMask", False):
                            pass
                        seen.append((int(xobject.Width), int(xobject.Height)))
                    elif xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                        stack.append(xobject.Resources)
    return seen


def test_a_truncated_png_logo_stops_the_build_at_its_profile(tmp_path):
    book = copy_mini(tmp_path / "book")
    (book / "profiles").mkdir()
    logo = _png((300, 100), "maroon")
    (book / "profiles" / "logo.png").write_bytes(logo[: len(logo) // 2])
    (book / "profiles" / "clinic.yaml").write_text(
        "name: Test Clinic\nphone: 01632 960 000\nhours: Mon to Fri\nemergency_number: '999'\npaper: a4\n"
        "logo: logo.png\nlogo_alt: Test Clinic\n"
    )
    with pytest.raises(Problems) as caught:
        build(book, tmp_path / "dist")
    (finding,) = [f for f in caught.value.findings if f.code == "I005"]
    assert finding.location.path.name == "clinic.yaml" and "logo" in finding.message
