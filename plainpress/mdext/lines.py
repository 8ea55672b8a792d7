"""Finding the source line of something an extension met in the tree."""

from __future__ import annotations

import bisect
import re


class LineFinder:
    """Lines of successive occurrences of the same text, counted from 1."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: dict[str, int] = {}
        self._newlines: list[int] | None = None  # offsets of the line ends, found once (not per call)

    def line_of(self, needle: str) -> int | None:
        start = self.seen.get(needle, -1)
        found = self.source.find(needle, start + 1)
        if found < 0:
            return None
        self.seen[needle] = found
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.source)]
        return bisect.bisect_left(self._newlines, found) + 1
