"""A decoded source text with a line index, so spans and errors find their line in O(log n)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .errors import ParseError
from .model import Span

__all__ = ["Source"]


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
        return Span(line=self.line_of(start), start=start, end=end)

    def error(self, message: str, offset: int, code: str) -> ParseError:
        """A `ParseError` located at `offset`."""
        return ParseError(message, text=self.text, offset=offset, code=code)
