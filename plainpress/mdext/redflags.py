"""Red flags: a fenced block with its urgency tier.

    ::: red-flag urgent
    - A muscle is getting weaker over time.
    :::

Each list item (or paragraph, when there is no list) is one red flag. The
block renders as a boxed notice: a heading that says what to do, an icon and
a text label for the tier, the signs, and whom to call. Every flag is recorded
with its tier, text, id and line for the red-flag card.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from ..messages import Messages
from ..model import TIERS, red_flag_anchor

_START = re.compile(r"^:::[ \t]*red-flag\b[ \t]*(?P<tier>[^\s]*)(?:[ \t]+(?P<proposed>proposed))?[ \t]*$")
_END = re.compile(r"^:::[ \t]*$", re.M)
_START_LINE = re.compile(_START.pattern, re.M)  # a block starting on any line of a chunk


@dataclass
class FlagItem:
    tier: str
    text: str
    anchor: str
    line: int | None
    proposed: bool = False  # `::: red-flag urgent proposed`, as import writes it: for an editor to confirm


@dataclass
class FlagProblem:
    code: str
    message: str
    line: int | None


@dataclass
class FlagPolicy:
    """What an output decides: the contacts the action line names."""

    contacts: dict[str, str]
    messages: Messages = field(default_factory=lambda: Messages("en"))


@dataclass
class _State:
    items: list[FlagItem] = field(default_factory=list)
    problems: list[FlagProblem] = field(default_factory=list)
    blocks: int = 0
    elements: list[etree.Element] = field(default_factory=list)  # of each item, for its text once inline


class _RedFlagBlock(BlockProcessor):
    def __init__(self, parser: object, ext: RedFlagExtension) -> None:
        super().__init__(parser)  # type: ignore[arg-type]
        self.ext = ext

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(_START.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        ext, state = self.ext, self.ext.state
        first, _, rest = blocks.pop(0).partition("\n")
        start = _START.match(first)
        tier, proposed = start.group("tier"), bool(start.group("proposed"))  # type: ignore[union-attr]
        state.blocks += 1
        line = ext.line_of_block(state.blocks)
        inner: list[str] = []
        pending = rest
        closed = False
        while True:
            end = _END.search(pending)
            again = _START_LINE.search(pending)
            if again and (not end or again.start() < end.start()):
                # Another block starts before this one closed: this one is unclosed, the other its sibling.
                inner.append(pending[: again.start()].rstrip("\n"))
                blocks.insert(0, pending[again.start() :])
                break
            if end:
                inner.append(pending[: end.start()].rstrip("\n"))
                after = pending[end.end() :].lstrip("\n")
                if after:
                    blocks.insert(0, after)
                closed = True
                break
            inner.append(pending)
            if not blocks:
                break
            pending = blocks.pop(0)
        if not closed:
            state.problems.append(FlagProblem("R002", "a red-flag block has no closing ':::' line", line))
        if tier not in TIERS:
            state.problems.append(
                FlagProblem("R001", f"unknown red-flag tier {tier!r}; expected one of {', '.join(TIERS)}", line)
            )
            tier = "urgent" if not tier else tier
        if proposed:
            state.problems.append(
                FlagProblem("R005", f"a proposed {tier} red flag: an editor has not confirmed it", line)
            )
        self._render(parent, tier if tier in TIERS else "urgent", [b for b in inner if b.strip()], line, proposed)
        return True

    def _render(self, parent: etree.Element, tier: str, inner: list[str], line: int | None, proposed: bool) -> None:
        ext, policy = self.ext, self.ext.policy
        say = policy.messages
        number = ext.state.blocks
        box_id = red_flag_anchor(ext.prefix, number)
        level = min(_last_heading_level(parent) + 1, 6)
        box = etree.SubElement(
            parent,
            "section",
            {
                "class": f"red-flag red-flag-{tier}",
                "epub:type": "notice",
                "role": "doc-notice",
                "aria-labelledby": f"{box_id}-title",
                "id": box_id,
            },
        )
        heading = etree.SubElement(box, f"h{level}", {"id": f"{box_id}-title", "class": "red-flag-heading"})
        # The icon is a CSS background: decoration beside the text label, never content.
        etree.SubElement(heading, "span", {"class": f"red-flag-icon icon-{tier}", "aria-hidden": "true"})
        label = etree.SubElement(heading, "span", {"class": "red-flag-label"})
        label.text = say(f"tier.{tier}.label") + ": "
        label.tail = say(f"tier.{tier}.heading")
        intro = etree.SubElement(box, "p", {"class": "red-flag-intro"})
        intro.text = say("tier.intro")
        body = etree.SubElement(box, "div", {"class": "red-flag-signs"})
        self.parser.parseBlocks(body, inner)
        items = [li for child in body if child.tag in ("ul", "ol") for li in child if li.tag == "li"]
        if not items:
            items = [p for p in body if p.tag == "p"]
        if not items:
            ext.state.problems.append(FlagProblem("R003", "a red-flag block lists no signs", line))
        for index, element in enumerate(items, 1):
            element.set("id", f"{box_id}-{index}")
            ext.state.items.append(FlagItem(tier, "", f"{box_id}-{index}", line, proposed))
            ext.state.elements.append(element)
        action = etree.SubElement(box, "p", {"class": "red-flag-action"})
        strong = etree.SubElement(action, "strong")
        strong.text = say(f"tier.{tier}.action", **policy.contacts)


class _FlagTexts(Treeprocessor):
    """After inline parsing: each sign's text as a reader sees it (no ``*`` of emphasis, no
    backticks), for the red-flag card."""

    def __init__(self, md: Markdown, ext: RedFlagExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks

        def raw(match: re.Match[str]) -> str:  # inline HTML and entities: their text
            piece = stash[int(match.group(1))] if int(match.group(1)) < len(stash) else ""
            return html.unescape(re.sub(r"<[^>]*>", "", piece if isinstance(piece, str) else ""))

        for item, element in zip(self.ext.state.items, self.ext.state.elements, strict=True):
            text = HTML_PLACEHOLDER_RE.sub(raw, "".join(element.itertext()))
            item.text = re.sub(r"\s+", " ", text).strip()


def _last_heading_level(parent: etree.Element) -> int:
    for element in reversed(list(parent)):
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return int(element.tag[1])
    return 1


class RedFlagExtension(Extension):
    def __init__(self, policy: FlagPolicy, prefix: str, source: str) -> None:
        super().__init__()
        self.policy = policy
        self.prefix = prefix
        self.source = source
        self.state = _State()
        self._starts: list[int] | None = None

    def line_of_block(self, nth: int) -> int | None:
        if self._starts is None:  # found once: a long article may hold thousands of blocks
            self._starts = [n for n, text in enumerate(self.source.split("\n"), 1) if _START.match(text)]
        return self._starts[nth - 1] if 0 < nth <= len(self._starts) else None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        md.parser.blockprocessors.register(_RedFlagBlock(md.parser, self), "pp_red_flag", 105)
        # After inline parsing (20), before the glossary and the links to chapters change the tree (8 to 6).
        md.treeprocessors.register(_FlagTexts(md, self), "pp_red_flag_texts", 18)

    def reset(self) -> None:
        self.state = _State()
