"""A decoded source text with a line index, so spans and errors find their line in O(log n).

It also answers where a （ closes without scanning ahead from every parenthesis the parser
meets: the next parenthesis after it, when that is a ） on its line (a responsibility line), or
else the pairing of the whole text, made once, line by line, on the first nested （ asked about.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from ..errors import ParseError
from ..model import Span, construct_checked

__all__ = ["Source"]

_PAREN_OR_NEWLINE = re.compile(r"[（(）)\n]")


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

    def line_end(self, offset: int) -> int:
        """Offset of the line break that ends `offset`'s line (the text's length on the last)."""
        starts = self.line_starts
        line = bisect_right(starts, offset)
        return starts[line] - 1 if line < len(starts) else len(self.text)

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end]."""
        return construct_checked(
            Span, line=bisect_right(self.line_starts, start), start=start, end=end
        )

    def error(self, message: str, offset: int, code: str) -> ParseError:
        """A `ParseError` located at `offset`."""
        return ParseError(message, text=self.text, offset=offset, code=code)

    @cached_property
    def _closes(self) -> dict[int, int]:
        """Where each （ closes, parentheses paired within each line."""
        closes: dict[int, int] = {}
        stack: list[int] = []
        for match in _PAREN_OR_NEWLINE.finditer(self.text):
            ch, pos = match.group(), match.start()
            if ch == "\n":
                stack.clear()  # a （ left open closes nowhere: the lookup answers -1
            elif ch in "（(":
                stack.append(pos)
            elif stack:
                closes[stack.pop()] = pos
        return closes

    def matching_close(self, pos: int) -> int:
        """Offset of the ） that closes the （ at `pos` on the same line, or -1."""
        text = self.text
        if text[pos] in "（(":
            after = _PAREN_OR_NEWLINE.search(text, pos + 1)
            if after is None or after.group() == "\n":
                return -1  # nothing closes it on its line
            if after.group() in "）)":
                return after.start()  # nothing nested: the next parenthesis closes it
        return self._closes.get(pos, -1)

    def unmatched_close(self, start: int, end: int) -> int:
        """Offset of the first ） in text[start:end] that closes no （ of its line, or -1.

        Pairs the parentheses from the start of `start`'s line up to `end` (the parser asks
        once per text, about the rest of one line).
        """
        text = self.text
        depth = 0
        for match in _PAREN_OR_NEWLINE.finditer(text, text.rfind("\n", 0, start) + 1, end):
            ch = match.group()
            if ch == "\n":
                depth = 0
            elif ch in "（(":
                depth += 1
            elif depth:
                depth -= 1
            elif match.start() >= start:
                return match.start()
        return -1
