"""A decoded source text with a line index, so spans and errors find their line in O(log n).

It also pairs parentheses once per text, line by line, so that the parser asks where a （
closes in O(1) instead of scanning ahead from every parenthesis it meets.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from .errors import ParseError
from .model import Span, construct_checked

__all__ = ["Source"]

_PAREN_OR_NEWLINE = re.compile(r"[（(）)\n]")


@dataclass(frozen=True)
class _Parens:
    """Parentheses paired within each line: where each （ closes, and the ） that close none."""

    closes: dict[int, int]
    unmatched_closes: tuple[int, ...]


@dataclass(frozen=True)
class Source:
    """The text being parsed and the offsets at which its lines start."""

    text: str
    line_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        object.__setattr__(self, "line_starts", tuple(starts))

    def line_of(self, offset: int) -> int:
        """1-based line number of `offset`."""
        return bisect_right(self.line_starts, offset)

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end]."""
        return construct_checked(Span, line=self.line_of(start), start=start, end=end)

    def error(self, message: str, offset: int, code: str) -> ParseError:
        """A `ParseError` located at `offset`."""
        return ParseError(message, text=self.text, offset=offset, code=code)

    @cached_property
    def _parens(self) -> _Parens:
        closes: dict[int, int] = {}
        unmatched: list[int] = []
        stack: list[int] = []
        for match in _PAREN_OR_NEWLINE.finditer(self.text):
            ch, pos = match.group(), match.start()
            if ch == "\n":
                stack.clear()  # a （ left open closes nowhere: the lookup answers -1
            elif ch in "（(":
                stack.append(pos)
            elif stack:
                closes[stack.pop()] = pos
            else:
                unmatched.append(pos)
        return _Parens(closes, tuple(unmatched))

    def matching_close(self, pos: int) -> int:
        """Offset of the ） that closes the （ at `pos` on the same line, or -1."""
        return self._parens.closes.get(pos, -1)

    def unmatched_close(self, start: int, end: int) -> int:
        """Offset of the first ） in text[start:end] that closes no （ of its line, or -1."""
        unmatched = self._parens.unmatched_closes
        i = bisect_left(unmatched, start)
        return unmatched[i] if i < len(unmatched) and unmatched[i] < end else -1
