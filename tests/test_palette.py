"""Colours come from one palette with checked contrast; print typography rules hold."""

from __future__ import annotations

import re
import zipfile

import yaml

from .helpers import ROOT

LAYOUTS = ROOT / "layouts"
PALETTE = yaml.safe_load((LAYOUTS / "palette.yaml").read_text())
MINIMUM = {"body": 7.0, "text": 4.5, "graphic": 3.0}
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
NAMED = re.compile(r"(?<![-\w])(red|green|blue|black|white|gr[ae]y|yellow|orange|navy|maroon|purple|silver)(?![-\w])")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _grey(hex_colour: str) -> str:
    """What a grayscale printer keeps: the colour's luminance as a grey."""
    y = _luminance(hex_colour)
    v = round(255 * (12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055))
    return f"#{v:02x}{v:02x}{v:02x}"


def test_contrast_calculation():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_every_declared_pair_has_enough_contrast_in_colour_and_in_grey():
    colours = PALETTE["colours"]
    for pair in PALETTE["pairs"]:
        fg, bg = colours[pair["fg"]], colours[pair["bg"]]
        need = MINIMUM[pair["use"]]
        assert contrast(fg, bg) >= need, pair
        assert contrast(_grey(fg), _grey(bg)) >= need - 0.05, pair


def test_css_palette_matches_the_palette_file():
    print_css = (LAYOUTS / "pdf" / "print.css").read_text()
    root = re.search(r":root\s*\{(.*?)\}", print_css, re.S).group(1)
    declared = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))
    assert {k: v.lower() for k, v in declared.items()} == {k: v.lower() for k, v in PALETTE["colours"].items()}


def test_no_colour_outside_the_palette_anywhere_in_layouts():
    allowed = {v.lower() for v in PALETTE["colours"].values()}
    for path in sorted(LAYOUTS.rglob("*")):
        if path.suffix not in {".css", ".j2", ".svg", ".html"}:
            continue
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        for colour in HEX.findall(text):
            assert colour.lower() in allowed, (path, colour)
        if path.suffix == ".css":
            assert not NAMED.findall(re.sub(r"(?m)^\s*--[\w-]+:.*$", "", text)), path
            assert "rgb(" not in text and "hsl(" not in text, path


def test_print_typography_rules():
    for path in LAYOUTS.rglob("*.css"):
        css = path.read_text()
        assert not re.search(r"text-align:\s*justify", css), path
        assert not re.search(r"hyphens:\s*auto", css), path
    for name in ("base/base.css", "pdf/print.css"):
        css = (LAYOUTS / name).read_text()
        html_rule = re.search(r"(?m)^html\s*\{(.*?)\}", css, re.S).group(1)
        assert float(re.search(r"line-height:\s*([\d.]+)", html_rule).group(1)) >= 1.5
    base = re.search(r"(?m)^html\s*\{(.*?)\}", (LAYOUTS / "pdf" / "print.css").read_text(), re.S).group(1)
    assert float(re.search(r"font-size:\s*([\d.]+)pt", base).group(1)) >= 12


def test_epub_css_leaves_size_and_colour_to_the_reader(built):
    with zipfile.ZipFile(built.output("epub")) as z:
        css = z.read("EPUB/css/book.css").decode()
    assert not re.search(r"(?<!-)color\s*+:\s*+(?!inherit|currentcolor|transparent)", css, re.I)
    assert not re.search(r"background(-color)?\s*:\s*#", css)
    assert not re.search(r"font-size:\s*[\d.]+(pt|px)", css)
