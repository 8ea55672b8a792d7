"""Import: an article copied from a web page (plain text) or saved as HTML, made a source article.

Both kinds of input become one stream of :class:`Token` (heading, paragraph, list item, table
row), which :func:`assemble` turns into Markdown blocks: body headings at ``##``, the questions of
a FAQ section as ``###`` under a "Frequently asked questions" heading, the "About this content"
block as its own section. Numbered citations stay exactly as written; :func:`to_markdown` writes a
``citations:`` stub in the front matter with every number used and no value (never a guessed
reference), for an editor to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import yaml
from lxml import html as lxml_html

from .checks.signs import WARNING_WORDS
from .checks.tiers import label_rank
from .mdext.citations import CITATION, expand_numbers

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "enero"),
            ("february", "feb", "febrero"),
            ("march", "mar", "marzo"),
            ("april", "apr", "abril"),
            ("may", "mayo"),
            ("june", "jun", "junio"),
            ("july", "jul", "julio"),
            ("august", "aug", "agosto"),
            ("september", "sep", "sept", "septiembre", "setiembre"),
            ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"),
            ("december", "dec", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
# "January 31, 2026 • 5 MIN READ", "31 January 2026", "31 de enero de 2026", "2026-01-31".
_DATES = (
    re.compile(r"^(?P<month>[A-Za-zé]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b"),
    re.compile(r"^(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[A-Za-zé]+)\.?,?\s+(?:de\s+)?(?P<year>\d{4})\b"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
_DATE_TAIL = re.compile(r"^\s*(?:[•·|–—-]\s*.*|\d+\s+min(?:ute)?s?\s+read.*)?$", re.I)
_ITEM = re.compile(r"^\s*(?:(?P<bullet>[-*•–])|(?P<number>\d{1,3})[.)])\s+(?P<text>.+)$")
_JUNK = re.compile(r"^[\s*_#~=•·.-]*$")  # a stray "**" or rule left by copying
FAQ_HEADINGS = re.compile(
    r"^(?:faqs?|frequently asked questions|common questions|questions and answers|preguntas frecuentes)\s*:?$", re.I
)
ABOUT = re.compile(r"^(?:about this (?:content|article)|sobre este contenido|acerca de este contenido)\s*:?$", re.I)
FAQ_TITLE = {"en": "Frequently asked questions", "es": "Preguntas frecuentes"}
SKIP_HTML = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "button"}


@dataclass
class Token:
    kind: str  # "heading", "para", "item", "row"
    text: str = ""
    level: int = 2
    cells: list[str] = field(default_factory=list)
    ordered: bool = False


@dataclass
class Block:
    kind: str  # "heading", "para", "list", "table"
    text: str = ""
    level: int = 2
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    ordered: bool = False


@dataclass
class Imported:
    title: str
    date: dt.date | None
    blocks: list[Block]
    language: str = "en"

    @property
    def citations(self) -> list[int]:
        """Every citation number the body uses, in order."""
        numbers: set[int] = set()
        for match in re.finditer(CITATION, "\n".join(_block_text(b) for b in self.blocks)):
            inner = match.group(0)[1:-1]
            if inner[:1].isdigit():
                numbers.update(expand_numbers(inner))
        return sorted(numbers)

    def proposals(self) -> list[tuple[int, str, list[str]]]:
        """Red flags to propose: (index of the block they follow, tier, signs), for each table column and
        each list that speaks of warning signs ("Serious signs", "Seek help if:", "Síntomas graves")."""
        words = WARNING_WORDS.get(self.language, WARNING_WORDS["en"])
        out = []
        for index, block in enumerate(self.blocks):
            if block.kind == "table" and len(block.rows) > 1:
                for column, header in enumerate(block.rows[0]):
                    rank = label_rank(header, self.language)
                    if words.search(header) and not (rank and rank[0] == "harmless"):
                        cells = [row[column] for row in block.rows[1:] if column < len(row)]
                        out.append((index, _tier(header, self.language), _signs(cells)))
            elif block.kind == "list":
                intro = [b for b in self.blocks[max(0, index - 2) : index] if b.kind in ("heading", "para")]
                said = [b.text for b in intro[-1:]]
                if intro and intro[-1].kind == "para" and intro[-1].text.rstrip().endswith(":") and len(intro) > 1:
                    said.append(intro[-2].text)  # "Call if you notice:" under a "When to seek help" heading
                if any(words.search(text) for text in said):
                    out.append((index, _tier(" ".join(said), self.language), _signs(block.items)))
        return [(index, tier, signs) for index, tier, signs in out if signs]


def _tier(label: str, language: str) -> str:
    rank = label_rank(label, language)
    return "emergency" if rank and rank[0] == "emergency" else "urgent"


def _signs(texts: list[str]) -> list[str]:
    """Signs as a red flag lists them: without citations or a trailing colon, each once."""
    out = [re.sub(r"\s+", " ", re.sub(r"\[[^\[\]\n]*\]", "", text)).strip(" :;,") for text in texts]
    return list(dict.fromkeys(sign for sign in out if sign))


def parse_date(line: str) -> dt.date | None:
    """The date of a date line, or None when the line is not one."""
    text = line.strip()
    for pattern in _DATES:
        match = pattern.match(text)
        if not match or not _DATE_TAIL.match(text[match.end() :]):
            continue
        month = match.group("month")
        number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
        try:
            return dt.date(int(match.group("year")), number or 0, int(match.group("day")))
        except ValueError:
            return None
    return None


# ----------------------------------------------------------------------------
# Plain text copied from a web page


def _heading_like(line: str) -> bool:
    """A short line with no closing full stop, comma or colon, and no citation: a heading or a question."""
    words = line.split()
    return (
        0 < len(words) <= 14
        and len(line) <= 100
        and line[:1].isupper()
        and line[-1] not in '.,;:!"”)]'
        and not re.search(CITATION, line)
    )


def text_tokens(text: str) -> tuple[str, dt.date | None, list[Token]]:
    """(title, date, tokens) of plain text: one paragraph, heading, item or table row per line."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line and not _JUNK.match(line)]
    date = None
    for index, line in enumerate(lines[:6]):
        date = parse_date(line)
        if date:
            del lines[index]
            break
    title = re.sub(r"^#+\s*", "", lines.pop(0)) if lines else ""
    tokens = []
    for line in lines:
        item = _ITEM.match(line)
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-{1,}:?", c) for c in cells):
                tokens.append(Token("row", cells=cells))
        elif item:
            tokens.append(Token("item", item.group("text").strip(), ordered=bool(item.group("number"))))
        elif line.startswith("#"):
            tokens.append(
                Token("heading", line.lstrip("#").strip(), level=min(line.index(" ") if " " in line else 2, 6))
            )
        elif _heading_like(line):
            tokens.append(Token("heading", line))
        else:
            tokens.append(Token("para", line))
    return title, date, tokens


# ----------------------------------------------------------------------------
# HTML


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_tokens(source: str) -> tuple[str, dt.date | None, list[Token]]:
    """(title, date, tokens) of an HTML page: its headings, paragraphs, lists and tables in order."""
    document = lxml_html.document_fromstring(source)
    h1 = document.find(".//h1")
    title = _clean(h1.text_content()) if h1 is not None else _clean(document.findtext(".//title") or "")
    date = None
    for time in document.iter("time"):
        stamp = (time.get("datetime") or "")[:10]
        date = parse_date(stamp) or parse_date(_clean(time.text_content()))
        if date:
            break
    tokens: list[Token] = []
    stack = [document.body if document.find("body") is not None else document]
    while stack:
        element = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_HTML or element is h1:
            continue
        text = _clean(element.text_content()) if tag else ""
        if date is None and tag in ("p", "div", "span") and len(element) == 0 and parse_date(text):
            date = parse_date(text)
        elif tag in ("h2", "h3", "h4", "h5", "h6"):
            tokens.append(Token("heading", text, level=int(tag[1])))
        elif (tag in ("p", "dd", "blockquote") or (tag == "div" and len(element) == 0)) and text:
            tokens.append(Token("para", text))
        elif tag == "dt" and text:
            tokens.append(Token("heading", text, level=3))
        elif tag in ("ul", "ol"):
            for li in element.iterchildren("li"):
                tokens.append(Token("item", _clean(li.text_content()), ordered=tag == "ol"))
        elif tag == "table":
            for tr in element.iter("tr"):
                tokens.append(Token("row", cells=[_clean(c.text_content()) for c in tr if c.tag in ("th", "td")]))
        else:
            stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    # The page's own heading levels, shifted so that the highest one is ## (the title is the only H1).
    top = min((t.level for t in tokens if t.kind == "heading"), default=2)
    for token in tokens:
        if token.kind == "heading":
            token.level = max(2, min(token.level - top + 2, 6))
    return title, date, tokens


# ----------------------------------------------------------------------------
# Tokens to Markdown blocks


def assemble(tokens: list[Token], language: str = "en") -> list[Block]:
    """Group items into lists and rows into tables; FAQ questions become ``###`` headings."""
    blocks: list[Block] = []
    faq = False
    for token in tokens:
        last = blocks[-1] if blocks else None
        if token.kind == "item":
            if last and last.kind == "list" and last.ordered == token.ordered:
                last.items.append(token.text)
            else:
                blocks.append(Block("list", items=[token.text], ordered=token.ordered))
        elif token.kind == "row":
            if last and last.kind == "table":
                last.rows.append(token.cells)
            else:
                blocks.append(Block("table", rows=[token.cells]))
        elif token.kind == "heading" and FAQ_HEADINGS.match(token.text):
            faq = True
            blocks.append(Block("heading", FAQ_TITLE.get(language, FAQ_TITLE["en"]), level=2))
        elif token.kind == "heading" and ABOUT.match(token.text):
            faq = False
            blocks.append(Block("heading", token.text.rstrip(":").strip(), level=2))
        elif token.kind == "heading" and faq and (token.text.endswith("?") or token.level > 2):
            blocks.append(Block("heading", token.text, level=3))
        elif token.kind == "heading":
            faq = False
            blocks.append(Block("heading", token.text, level=token.level))
        else:
            blocks.append(Block("para", token.text))
    return blocks


def parse(source: str, is_html: bool, language: str = "en") -> Imported:
    title, date, tokens = html_tokens(source) if is_html else text_tokens(source)
    return Imported(title, date, assemble(tokens, language), language)


def looks_like_html(name: str, source: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = source.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "<p" in source.lower())


def slug_of(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug or "imported-article"


def _escape(text: str) -> str:
    """Keep a line of copied text from being read as Markdown structure."""
    text = re.sub(r"^([#>+=])", r"\\\1", text)
    return re.sub(r"^(\d+)([.)]\s)", r"\1\\\2", text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _block_text(block: Block) -> str:
    if block.kind == "list":
        return "\n".join(block.items)
    if block.kind == "table":
        return "\n".join(" ".join(row) for row in block.rows)
    return block.text


def body_markdown(blocks: list[Block], proposals: list[tuple[int, str, list[str]]] | None = None) -> str:
    """The body; after a block that lists warning signs, the red flag proposed for it."""
    out: list[str] = []
    after: dict[int, list[str]] = {}
    for index, tier, signs in proposals or []:
        items = "\n".join(f"- {_escape(sign)}" for sign in signs)
        after.setdefault(index, []).append(f"::: red-flag {tier} proposed\n{items}\n:::")
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            out.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "para":
            out.append(_escape(block.text))
        elif block.kind == "list":
            marks = [f"{n}." for n in range(1, len(block.items) + 1)] if block.ordered else ["-"] * len(block.items)
            out.append("\n".join(f"{mark} {item}" for mark, item in zip(marks, block.items, strict=True)))
        elif block.kind == "table":
            width = max(len(row) for row in block.rows)
            rows = [row + [""] * (width - len(row)) for row in block.rows]
            lines = [f"| {' | '.join(_cell(c) for c in rows[0])} |", "|" + "---|" * width]
            lines += [f"| {' | '.join(_cell(c) for c in row)} |" for row in rows[1:]]
            out.append("\n".join(lines))
        out += after.get(index, [])
    return "\n\n".join(out) + "\n"


def _scalar(key: str, value: object) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, width=10_000, sort_keys=False).strip()


def to_markdown(imported: Imported, source_name: str, today: dt.date) -> str:
    """The source article: front matter (with the citation stub), then the body."""
    proposals = imported.proposals()
    lines = ["---", _scalar("title", imported.title)]
    lines.append("# summary: left for you to write: one or two plain sentences on what the reader will learn")
    lines.append("summary:")
    lines.append(f"date: {(imported.date or today).isoformat()}")
    lines.append(f"# Imported from {source_name} by `python build.py import`. Before release, an editor:")
    lines.append("# - writes the summary, and adds reviewed: and next_review: after a clinician's review;")
    if proposals:
        lines.append("# - checks each proposed red flag (its signs and tier), then removes the word proposed;")
    if imported.citations:
        lines.append("# - maps each citation number to a reference key (an empty value is not mapped yet).")
        lines.append("citations:")
        lines += [f"  {number}:" for number in imported.citations]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body_markdown(imported.blocks, proposals)
