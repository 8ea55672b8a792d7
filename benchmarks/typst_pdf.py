"""Typst, the benchmark's peer: compile one Typst document to PDF/UA-1.

    python benchmarks/typst_pdf.py DOCUMENT.typ OUT.pdf

Prints ``{"seconds": compile time, "pages": n}`` as JSON (the compile alone is timed; the benchmark also
times the whole process, and its CPU time).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python benchmarks/typst_pdf.py DOCUMENT.typ OUT.pdf", file=sys.stderr)
        return 2
    import pikepdf
    import typst

    source, out = Path(argv[0]), Path(argv[1])
    start = time.perf_counter()
    typst.compile(str(source), output=str(out), root=str(source.parent), pdf_standards=["ua-1"])
    seconds = time.perf_counter() - start
    with pikepdf.open(out) as pdf:
        pages = len(pdf.pages)
    print(json.dumps({"seconds": round(seconds, 4), "pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
