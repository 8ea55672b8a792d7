#!/usr/bin/env python3
"""Make the pictures of the editor's guide (docs/images/*.png) from the sample book.

Builds book/ into a temporary folder, then turns chosen pages of the PDFs into small
PNGs with poppler's ``pdftoppm`` (50 dpi), so the guide always shows what the current
code makes. Pages are found by their text, not by number, so a longer chapter does not
make a picture show the wrong page. With Playwright and Chromium installed it also
takes a picture of the live preview (``serve``).

    .venv/bin/python scripts/guide_images.py            # writes docs/images/
    .venv/bin/python scripts/guide_images.py --check    # fails if a picture is missing

The same sources give the same pictures (``SOURCE_DATE_EPOCH`` is fixed here), so
running it again changes no file unless an output really changed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESOLUTION = 50  # dpi: small files, still readable
COLOURS = 48  # a palette is enough for text, rules and the red-flag colours
EPOCH = "1795000000"  # a fixed build time, so the pictures do not change from run to run


@dataclass(frozen=True)
class Shot:
    name: str  # docs/images/<name>.png
    pdf: str  # path in dist/; {stem} is the book's file name
    find: str = ""  # the first page whose text has this; page 1 when empty
    caption: str = ""


SHOTS = [
    Shot("book-chapter", "{stem}.pdf", "If a sign fits more than one box", "A chapter of the book PDF, with red flags"),
    Shot("book-glossary", "{stem}.pdf", "fa-sik-yoo-LAY-shun", "The glossary of the book PDF"),
    Shot("book-sources", "{stem}.pdf", "TaperOffBenzos editorial team", "The sources of the book PDF"),
    Shot("handout-a4-standard", "handouts/northgate-health-centre/when-to-worry-a4-standard.pdf"),
    Shot("handout-a4-large-print", "handouts/northgate-health-centre/when-to-worry-a4-large-print.pdf"),
    Shot("handout-letter-standard", "handouts/riverside-family-clinic/when-to-worry-letter-standard.pdf"),
    Shot("handout-index", "handouts/northgate-health-centre/index-a4.pdf"),
    Shot("card-standard", "cards/northgate-health-centre/red-flag-card-standard.pdf"),
    Shot("card-sheet-letter", "cards/riverside-family-clinic/red-flag-card-sheet-letter.pdf"),
]
PREVIEW = "preview"  # docs/images/preview.png, taken from `serve` in headless Chromium


def page_text(pdf: Path, page: int) -> str:
    run = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return " ".join(run.stdout.split())


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert found, f"pdfinfo gave no page count for {pdf}"
    return int(found.group(1))


def find_page(pdf: Path, text: str) -> int:
    if not text:
        return 1
    wanted = " ".join(text.split())
    for page in range(1, page_count(pdf) + 1):
        if wanted in page_text(pdf, page):
            return page
    raise SystemExit(f"{pdf.name}: no page has the text {text!r}; update SHOTS in {Path(__file__).name}")


def to_png(pdf: Path, page: int, target: Path) -> None:
    """One page as a PNG (to stdout, no file name given), reduced to a palette to stay small."""
    command = ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(RESOLUTION), "-png", "-singlefile", str(pdf)]
    run = subprocess.run(command, capture_output=True, check=True, timeout=120)
    write_small_png(run.stdout, target)


def write_small_png(data: bytes, target: Path) -> None:
    """Write ``data`` as a palette PNG, only when it differs from what is there (no churn in git)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
    if not (target.exists() and target.read_bytes() == out.getvalue()):
        target.write_bytes(out.getvalue())


def pdf_pictures(book: Path, dist: Path, images: Path) -> list[Path]:
    from plainpress.commands.build import build
    from plainpress.gather import load_config
    from plainpress.outputs.book_pdf import book_stem

    build(book, dist)
    stem = book_stem(load_config(book).title)
    made = []
    for shot in SHOTS:
        pdf = dist / shot.pdf.format(stem=stem)
        page = find_page(pdf, shot.find)
        target = images / f"{shot.name}.png"
        to_png(pdf, page, target)
        made.append(target)
        print(f"  {target.relative_to(ROOT)}  ({pdf.relative_to(dist)}, page {page})")
    return made


def preview_picture(book: Path, images: Path) -> Path | None:
    """The live preview of a chapter, from ``serve`` in headless Chromium; None without them."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if not chromium:
        print("  (no picture of the preview: it needs the playwright package and Debian's chromium)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "serve.log"
        with open(log, "wb") as handle:
            server = subprocess.Popen(
                [sys.executable, "build.py", "serve", "--book", _shown(book), "--port", "0"],
                cwd=ROOT,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        try:
            url = _address(server, log)
            target = images / f"{PREVIEW}.png"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium,
                    args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 900, "height": 640})
                page.goto(url + "book/text/ch02-when-to-worry.xhtml")
                page.locator("#plainpress-preview").wait_for()
                page.screenshot(path=str(Path(tmp) / "shot.png"))
                browser.close()
            write_small_png((Path(tmp) / "shot.png").read_bytes(), target)
            print(f"  {target.relative_to(ROOT)}  (python build.py serve, in Chromium)")
            return target
        finally:
            server.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=15)
            if server.poll() is None:
                server.kill()


def _shown(book: Path) -> str:
    """The book's folder as the preview names it: relative to the project when inside it."""
    return str(book.relative_to(ROOT)) if book.is_relative_to(ROOT) else str(book)


def _address(server: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/", log.read_text(errors="replace"))
        if found:
            return found.group(0)
        if server.poll() is not None:
            raise SystemExit(f"serve stopped:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    raise SystemExit("serve printed no address within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=ROOT / "book", help="the book to picture (default: book)")
    parser.add_argument("--images", type=Path, default=ROOT / "docs" / "images", help="where the PNGs go")
    parser.add_argument("--no-preview", action="store_true", help="skip the picture of the live preview")
    parser.add_argument("--check", action="store_true", help="only check that every picture exists")
    args = parser.parse_args(argv)
    names = [shot.name for shot in SHOTS] + ([] if args.no_preview else [PREVIEW])
    if args.check:
        missing = [n for n in names if not (args.images / f"{n}.png").is_file()]
        for name in missing:
            print(f"missing: {args.images / name}.png (run scripts/guide_images.py)", file=sys.stderr)
        return 1 if missing else 0
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install -y poppler-utils", file=sys.stderr)
            return 1
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    args.images.mkdir(parents=True, exist_ok=True)
    print(f"building {args.book} and picturing its pages (pdftoppm -r {RESOLUTION}):")
    with tempfile.TemporaryDirectory() as tmp:
        pdf_pictures(args.book.resolve(), Path(tmp) / "dist", args.images)
    if not args.no_preview:
        preview_picture(args.book.resolve(), args.images)
    return 0


if __name__ == "__main__":
    sys.exit(main())
