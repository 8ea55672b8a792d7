"""The renderer floor: WeasyPrint alone, rendering the documents a build handed it.

    python benchmarks/floor.py DIR

DIR is what ``build.py build --dump-html DIR`` wrote: ``renders.json``, a list of
``{"output", "html", "stylesheets", "base_url"}`` in render order, with the HTML and CSS files beside it.
Every entry is rendered serially in this process, as plainpress renders it (PDF/UA-1, one font configuration
per document), and nothing else is done: no checks, no post-processing, nothing written. Prints
``{"seconds": total, "per_output": {output: seconds}, "cpu_per_output": {output: CPU seconds},
"pages_per_output": {output: pages}, "documents": n, "pages": n}`` as JSON on stdout; only the rendering loop
is timed (CPU: this process's, WeasyPrint lays out in one thread).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.text.fonts import FontConfiguration


def load_renders(folder: Path) -> list[dict[str, Any]]:
    entries = json.loads((folder / "renders.json").read_text(encoding="utf-8"))
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{folder / 'renders.json'}: expected a non-empty JSON list")
    for entry in entries:
        missing = {"output", "html", "stylesheets", "base_url"} - set(entry)
        if missing:
            raise ValueError(f"{folder / 'renders.json'}: an entry lacks {', '.join(sorted(missing))}")
    return entries


def render_one(folder: Path, entry: dict[str, Any]) -> int:
    """Render one document to PDF bytes (kept in memory, then dropped); returns its page count."""
    fonts = FontConfiguration()
    base = str(entry["base_url"]).rstrip("/") + "/"
    css = [  # base_url as plainpress gives it: relative url()s resolve against the document's folder, not DIR
        weasyprint.CSS(filename=str(folder / name), base_url=base, font_config=fonts) for name in entry["stylesheets"]
    ]
    document = weasyprint.HTML(filename=str(folder / entry["html"]), base_url=base).render(
        stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1"
    )
    document.write_pdf(pdf_variant="pdf/ua-1")
    return len(document.pages)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python benchmarks/floor.py DIR", file=sys.stderr)
        return 2
    folder = Path(argv[0]).resolve()
    entries = load_renders(folder)
    per_output: dict[str, float] = {}
    cpu_per_output: dict[str, float] = {}
    pages_per_output: dict[str, int] = {}
    start = time.perf_counter()
    for entry in entries:
        began, cpu = time.perf_counter(), time.process_time()
        name = entry["output"]
        pages_per_output[name] = pages_per_output.get(name, 0) + render_one(folder, entry)
        per_output[name] = per_output.get(name, 0.0) + time.perf_counter() - began
        cpu_per_output[name] = cpu_per_output.get(name, 0.0) + time.process_time() - cpu
    total = time.perf_counter() - start
    pages = sum(pages_per_output.values())
    out = {"seconds": round(total, 4), "documents": len(entries), "pages": pages, "per_output": per_output}
    print(json.dumps(out | {"cpu_per_output": cpu_per_output, "pages_per_output": pages_per_output}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
