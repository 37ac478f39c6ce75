"""A decoded source text with a line index, so spans and errors find their line in O(log n).

Lines end as editors (VS Code, vim, Emacs) and Python's universal newlines end them: at \n,
\r\n or a lone \r (a classic Mac file). The parser scans a view of the text in which a lone \r
reads \n: one character for one, so every offset and span holds for the text as given, and
line numbers count \r\n once. U+2028, U+2029, U+0085, \v and \f are not line breaks (no editor
breaks a line there, and a browser does not break the line of the page such a text was scraped
from): they are whitespace inside a line, as U+3000 is.

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
from ..model import Span
from .nodes import span_at

__all__ = ["LINE_BREAK", "Source", "line_starts", "scan_view"]

LINE_BREAK = re.compile(r"\r\n?|\n")
"""A line break: \n, \r\n or a lone \r."""
_LONE_CR = re.compile(r"\r(?!\n)")
_NEWLINE = re.compile("\n")

_PAREN_OR_NEWLINE = re.compile(r"[（(）)\n]")


def scan_view(text: str) -> str:
    """`text` with every lone \r read as \n: the same length, each line ending in \n."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def line_starts(text: str) -> list[int]:
    """The offsets at which the lines of `text` start (the first is 0)."""
    # Without a \r every break is a \n, which re finds far quicker than the alternation.
    breaks = LINE_BREAK if "\r" in text else _NEWLINE
    return [0, *[match.end() for match in breaks.finditer(text)]]


@dataclass(frozen=True)
class Source:
    """The text being parsed and the offsets at which its lines start.

    `text` is the scan view of the text given (`scan_view`), `original` the text itself.
    """

    original: str
    text: str = field(init=False)
    line_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        text = scan_view(self.original)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "line_starts", tuple(line_starts(text)))

    def line_of(self, offset: int) -> int:
        """1-based line number of `offset`."""
        return bisect_right(self.line_starts, offset)

    def line_end(self, offset: int) -> int:
        """Offset of the line break that ends `offset`'s line (the text's length on the last)."""
        # The view ends every line but the last in \n (one step in C, quicker than bisecting).
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end]."""
        return span_at(self.line_starts, start, end)

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
