"""Finding the source line of something an extension met in the tree."""

from __future__ import annotations


class LineFinder:
    """Lines of successive occurrences of the same text, counted from 1."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: dict[str, int] = {}

    def line_of(self, needle: str) -> int | None:
        start = self.seen.get(needle, -1)
        found = self.source.find(needle, start + 1)
        if found < 0:
            return None
        self.seen[needle] = found
        return self.source.count("\n", 0, found) + 1
