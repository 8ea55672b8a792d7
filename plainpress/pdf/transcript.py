"""What a screen reader says: a PDF's structure tree walked in reading order.

``python build.py audit FILE.pdf --transcript`` prints one line per structure element, indented
by depth: its role and the text it holds. Text inside a block is read with it, and the inline
elements in it are shown where they are read: a link as ``[Link "its /Contents": its text]``, a
figure as ``[Figure "its Alt"]``, a span as ``[Span lang=es: text]``. Artifacts (running
headers, page numbers, leader dots) are not in the tree, so they are not in the transcript.

Structure comes from pikepdf; the text of each marked-content sequence (page, MCID) from
pdfminer.six, which decodes fonts (ToUnicode, encodings) and gives each glyph's origin and
advance: where one piece of text ends exactly where the next begins they are one word (in any
direction, so a card printed sideways reads right); anywhere else, a space.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary

INLINE = frozenset({"Link", "Span", "Figure", "Quote", "Code", "Reference", "Note", "BibEntry", "Formula"})
GROUPS = frozenset({"Document", "Part", "Art", "Sect", "Div", "L", "LI", "TOC", "TOCI", "Table", "THead"})
GROUPS |= {"TBody", "TFoot", "TR", "NonStruct", "BlockQuote"}


@dataclass
class Chunk:
    """Text read in one go, with where it starts and ends on its page (PDF points)."""

    text: str
    page: int
    start: tuple[float, float]
    end: tuple[float, float]
    size: float = 0.0  # font size: kerning moves a glyph by a fraction of it


def _touch(a: tuple[float, float], b: tuple[float, float], size: float = 0.0) -> bool:
    """Whether text that ends at ``a`` goes on at ``b``: the same point, give or take kerning."""
    slack = max(1.0, 0.12 * size)  # kerning is a few hundredths of an em; a space a quarter
    return abs(a[0] - b[0]) < slack and abs(a[1] - b[1]) < slack


def _joined(chunks: list[Chunk]) -> str:
    """Chunks in reading order: where one ends and the next starts at the same point (on its line,
    whatever the text's direction), no space between them; otherwise one."""
    out = ""
    previous: Chunk | None = None
    for chunk in chunks:
        if previous is not None and not out.endswith(" ") and not chunk.text.startswith(" "):
            if not (previous.page == chunk.page and _touch(previous.end, chunk.start, chunk.size)):
                out += " "
        out += chunk.text
        previous = chunk
    return " ".join(out.split())


@dataclass
class Piece:
    """One inline part of a line: plain text, or an inline element (kind is its role)."""

    kind: str
    chunks: list[Chunk]
    label: str | None = None  # a link's /Contents, a figure's Alt, a span's Lang

    @property
    def text(self) -> str:
        return _joined(self.chunks)


@dataclass
class Line:
    depth: int
    role: str
    pieces: list[Piece] = field(default_factory=list)
    label: str | None = None  # Alt or /Contents of a block-level figure or link

    def read(self) -> str:
        """The words a screen reader reads for this element's own content, in order."""
        chunks: list[Chunk] = []
        for piece in self.pieces:
            if piece.kind == "Figure":
                chunks.append(Chunk(piece.label or "", 0, (0, 0), (0, 0)))
            else:
                chunks.extend(piece.chunks)
        text = _joined(chunks)
        if self.role == "Figure" and self.label:
            return self.label
        return text

    def as_json(self) -> dict[str, object]:
        return {"depth": self.depth, "role": self.role, "text": self.read(), "label": self.label, "line": str(self)}

    def __str__(self) -> str:
        parts = []
        for piece in self.pieces:
            if piece.kind == "text":
                parts.append(piece.text)
            elif piece.kind == "Figure":
                parts.append(f'[Figure "{piece.label or ""}"]')
            elif piece.kind == "Link":
                parts.append(f'[Link "{piece.label or ""}": {piece.text}]')
            else:
                extra = f" lang={piece.label}" if piece.label else ""
                parts.append(f"[{piece.kind}{extra}: {piece.text}]")
        text = " ".join(p for p in parts if p)
        if self.label:
            text = f'"{self.label}" {text}'.strip()
        return "  " * self.depth + self.role + (f": {text}" if text else "")


class _Text:
    """Text of every marked-content sequence, keyed by (page index, MCID)."""

    def __init__(self, source: Path | bytes) -> None:
        import io

        from pdfminer.converter import PDFLayoutAnalyzer
        from pdfminer.layout import LTChar
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
        from pdfminer.utils import apply_matrix_pt

        self.chunks: dict[tuple[int, int], list[Chunk]] = defaultdict(list)
        store = self.chunks
        page_number = [0]

        class Collector(PDFLayoutAnalyzer):
            def __init__(self, manager: PDFResourceManager) -> None:
                super().__init__(manager, pageno=1, laparams=None)
                self.marks: list[int | None] = []

            def begin_tag(self, tag: object, props: object = None) -> None:
                mcid = props.get("MCID") if isinstance(props, dict) else None
                self.marks.append(mcid if isinstance(mcid, int) else None)

            def end_tag(self) -> None:
                if self.marks:
                    self.marks.pop()

            def render_char(self, matrix: tuple, *args: object, **kwargs: object) -> float:
                advance = super().render_char(matrix, *args, **kwargs)
                char = self.cur_item._objs[-1] if self.cur_item._objs else None
                mcid = next((m for m in reversed(self.marks) if m is not None), None)
                if isinstance(char, LTChar) and mcid is not None:
                    start, end = apply_matrix_pt(matrix, (0, 0)), apply_matrix_pt(matrix, (advance, 0))
                    pieces = store[page_number[0], mcid]
                    size = float(args[1]) if len(args) > 1 and isinstance(args[1], int | float) else 0.0
                    if pieces and _touch(pieces[-1].end, start, size):
                        pieces[-1].text += char.get_text()
                        pieces[-1].end = end
                    else:
                        pieces.append(Chunk(char.get_text(), page_number[0], start, end, size))
                return advance

        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        manager = PDFResourceManager()
        device = Collector(manager)
        interpreter = PDFPageInterpreter(manager, device)
        for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data))):
            page_number[0] = number
            interpreter.process_page(page)


def _kids(node: Dictionary) -> list[object]:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def _role(node: Dictionary, role_map: Dictionary | None) -> str:
    role = str(node.get("/S", "/NonStruct"))[1:]
    seen = set()
    while role_map is not None and f"/{role}" in role_map and role not in seen:
        seen.add(role)
        role = str(role_map[f"/{role}"])[1:]
    return role


def transcript(source: str | Path | bytes) -> list[Line]:
    """The lines a screen reader reads, in the order of the structure tree."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    text = _Text(data)
    lines: list[Line] = []
    with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        root = pdf.Root.get("/StructTreeRoot")
        if not isinstance(root, Dictionary):
            return lines
        role_map = root.get("/RoleMap") if isinstance(root.get("/RoleMap"), Dictionary) else None
        seen: set[tuple[int, int]] = set()

        def content(kid: object, page: int | None) -> list[Chunk]:
            if isinstance(kid, int) and page is not None:
                return list(text.chunks.get((page, kid), []))
            if isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR" and "/Stm" not in kid:
                where = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                return list(text.chunks.get((where, int(kid.MCID)), [])) if where is not None else []
            return []

        def inline(node: Dictionary, page: int | None) -> list[Chunk]:
            here = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            out: list[Chunk] = []
            for kid in _kids(node):
                if isinstance(kid, Dictionary) and "/S" in kid:
                    out.extend(inline(kid, here))
                else:
                    out.extend(content(kid, here))
            return out

        def walk(node: Dictionary, depth: int, page: int | None) -> None:
            if node.is_indirect:
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            role = _role(node, role_map)
            here = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            line = Line(depth, role)
            if role == "Figure" and "/Alt" in node:
                line.label = str(node.Alt)
            if role == "Link":
                line.label = _contents(node)
            lines.append(line)
            for kid in _kids(node):
                if isinstance(kid, Dictionary) and "/S" in kid:
                    kind = _role(kid, role_map)
                    if kind in INLINE and role not in GROUPS:
                        label = _contents(kid) if kind == "Link" else None
                        if kind == "Figure":
                            label = str(kid.get("/Alt", ""))
                        elif kind == "Span" and "/Lang" in kid:
                            label = str(kid.Lang)
                        line.pieces.append(Piece(kind, inline(kid, here), label))
                    else:
                        walk(kid, depth + 1, here)
                elif chunks := content(kid, here):
                    if line.pieces and line.pieces[-1].kind == "text":
                        line.pieces[-1].chunks.extend(chunks)
                    else:
                        line.pieces.append(Piece("text", chunks))

        for kid in _kids(root):
            if isinstance(kid, Dictionary):
                walk(kid, 0, None)
    return lines


def _contents(link: Dictionary) -> str | None:
    for kid in _kids(link):
        if isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR" and "/Obj" in kid:
            value = kid.Obj.get("/Contents")
            if value is not None:
                return str(value)
    return None


def render(lines: list[Line]) -> str:
    return "\n".join(str(line) for line in lines) + "\n"
