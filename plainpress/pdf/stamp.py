"""Page furniture that depends on the whole book ("Page 5 of 277"), drawn after the pieces are laid out.

A piece of the book PDF is laid out without it, so that it does not depend on what comes before it
or on the total. This layer is one cheap WeasyPrint layout of as many empty pages as the merged
book has, with the book's own ``@page`` rules (margins, fonts, the words of "Page N of M"), so it
looks exactly as the margin box of a one-piece layout. :func:`overlay` draws each of its pages on
the book's page as a Form XObject inside ``/Artifact`` marked content (a Pagination footer): it is
never read as content, and its fonts are embedded like every other font of the book.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Dictionary, Name, Pdf

from ..messages import Messages
from .printcss import page_of_content

FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"


def stamp_html(pages: int, language: str, title: str) -> str:
    """``pages`` empty pages, one after the other."""
    blank = '<div class="stamp-page"></div>\n' * pages
    head = f'<!DOCTYPE html>\n<html lang="{language}"><head><title>{title}</title></head>'
    return f"{head}<body>\n{blank}</body></html>\n"


def stamp_css(say: Messages) -> str:
    return (
        "html, body { background: none !important; }\n@page { background: none !important; }\n"
        ".stamp-page { height: 1px; margin: 0; }\n.stamp-page + .stamp-page { break-before: page; }\n"
        f"@page {{ @bottom-right {{ content: {page_of_content(say)}; }} }}\n"
    )


def overlay(pdf: Pdf, stamp: bytes) -> None:
    """Draw page ``n`` of the ``stamp`` layer over page ``n`` of ``pdf`` as a pagination artifact."""
    layer = Pdf.open(io.BytesIO(stamp))
    if len(layer.pages) != len(pdf.pages):
        raise ValueError(f"the page furniture has {len(layer.pages)} pages for a book of {len(pdf.pages)}")
    for page, drawn in zip(pdf.pages, layer.pages, strict=True):
        if not _draws(drawn):
            continue
        form = pdf.copy_foreign(drawn.as_form_xobject())
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = page.obj.Resources = Dictionary()
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        name = "/PlainpressFurniture"
        while name in resources.XObject:
            name += "X"
        resources.XObject[name] = form
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q\nq\n" + FOOTER + Name(name).unparse() + b" Do\nEMC\nQ\n"))


def _draws(page: pikepdf.Page) -> bool:
    """Whether the layer's page shows anything (the title page has no page number)."""
    return any(str(i.operator) in ("Tj", "TJ", "'", '"') for i in pikepdf.parse_content_stream(page.obj))
