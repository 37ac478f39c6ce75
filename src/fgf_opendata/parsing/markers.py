"""Heading markers: the one table of the four numbering forms and what recognises them.

An official document numbers its levels 一、 / （一） / 1．(1. 1、) / （1）; `_MARKER_FORMS` states
each form once, and every pattern that finds a marker is built from it (`MARKER`, and
`GAP_AND_MARKER`, the body's fast path: whitespace and a marker in one match). Here too: where
the numbered body starts (`find_body_start`), and the shapes of text that look like a heading
the body did not take (a parenthesis missing, an annex line). Which number comes next is the
numbering state's business (`numbering`); reading the body is `body`'s.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .numerals import HEADING_NUMERALS, from_chinese
from .source import Source

__all__ = [
    "ANNEX",
    "BOUNDARY",
    "CLOSE",
    "CN",
    "GAP_AND_MARKER",
    "HEADING",
    "HEADING_FIRST",
    "HEADING_LIKE_FIRST",
    "MARKER",
    "OPEN",
    "SENTENCE_END",
    "Marker",
    "damaged_task",
    "find_body_start",
    "heading_like",
    "marker_at",
    "marker_of",
    "skip_space",
    "starts_line",
    "starts_paragraph",
]

CN = HEADING_NUMERALS


HEADING = re.compile(r"(?:具体|主要)(?:措施|举措)[：:]")


class _MarkerForm(NamedTuple):
    """How the headings of one level are printed: the number between what comes before and
    after it (regexes)."""

    level: int
    before: str
    number: str
    after: str
    chinese: bool
    """Whether the number is a Chinese numeral (一 … 九千九百九十九) rather than digits."""


# The one table of heading markers: every pattern that finds a marker is built from it.
# Up to seven numerals: 九千九百九十九 (a plan numbers its tasks across sections).
_MARKER_FORMS = (
    _MarkerForm(1, "", rf"[{CN}]{{1,7}}", "、", chinese=True),  # 一、
    _MarkerForm(2, "[（(]", rf"[{CN}]{{1,7}}", "[）)]", chinese=True),  # （一）
    _MarkerForm(3, "", r"\d{1,6}", r"(?:[．、]|\.(?!\d))", chinese=False),  # 1． 1. 1、
    _MarkerForm(4, "[（(]", r"\d{1,3}", "[）)]", chinese=False),  # （1）
)
# Any marker, its number in group 1 + the index of its form.
_MARKER_ALTERNATIVES = "|".join(f"{f.before}({f.number}){f.after}" for f in _MARKER_FORMS)
MARKER = re.compile(_MARKER_ALTERNATIVES)
# Whitespace (group 1), then a marker if one starts there (its number in group 2 + index).
GAP_AND_MARKER = re.compile(rf"(\s*)(?:{_MARKER_ALTERNATIVES})?")
# The first heading of levels 1 to 3 (一、, （一）, 1．), where the body may start.
_FIRST = {
    f.level: re.compile(f"{f.before}{'一' if f.chinese else '1'}{f.after}")
    for f in _MARKER_FORMS[:3]
}


class Marker(NamedTuple):
    """A heading marker found in the text."""

    level: int
    number: int
    """The number as printed; 0 (（零）, 0．) is never expected, so it reads as out of sequence."""
    end: int
    """Where the marker (the label) ends."""


_new_tuple = tuple.__new__  # a named tuple without the call to its __new__


def marker_of(match: re.Match[str], first: int) -> Marker | None:
    """The marker a match of `MARKER` (`first` = 1) or `GAP_AND_MARKER` (2) found, if any."""
    group = match.lastindex
    if group is None or group < first:
        return None
    form = _MARKER_FORMS[group - first]
    number = match.group(group)
    value = from_chinese(number) if form.chinese else int(number)
    return None if value is None else _new_tuple(Marker, (form.level, value, match.end()))


OPEN, CLOSE = "（(", "）)"
# The characters a heading (`HEADING`) or a marker (`MARKER`) may start with, but for the
# digits of a 1．, which `str.isdecimal` tells (it holds for what `\d` matches).
HEADING_FIRST = frozenset(CN + OPEN + "具主")

# A heading may start a new paragraph inside a line after one of these (text scraped from a
# web page loses its line breaks); anywhere else 一、 or 1． is part of a sentence.
SENTENCE_END = frozenset("。；;！？!?")
"""The characters that end a sentence, full-width and ASCII."""
BOUNDARY = SENTENCE_END | frozenset("：:）)”」』")


# The start of a paragraph that looks like a numbered heading the body did not take: a marker
# with a parenthesis missing (二十五）, （二十五), a numeral past the supported ones (（一万）),
# or any marker form at all (25）, 1．) after the last item. Compiled on first use: only a
# paragraph that starts with one of `HEADING_LIKE_FIRST` or a digit is tested.
@functools.cache
def heading_like() -> re.Pattern[str]:
    return re.compile(
        rf"[（(]?[{CN}万]+[）)、]|[（(][{CN}万]+(?![{CN}万])|[（(]?\d+(?:[）)．、]|\.(?!\d))"
    )


HEADING_LIKE_FIRST = frozenset(CN + OPEN + "万")
"""What a match of `heading_like` starts with, but for the digits (`str.isdecimal` tells them)."""


@functools.cache
def damaged_task() -> re.Pattern[str]:
    """A task marker printed with a parenthesis missing: （二十五 (numeral in group 1) or 二十五）
    (group 2). Compiled on first use, as only prose that starts with one is tested."""
    return re.compile(rf"(?:[（(]([{CN}]{{1,7}})(?![{CN}）)])|([{CN}]{{1,7}})[）)])")


ANNEX = re.compile(r"附件\s*\d*\s*[:：]?\s*(?:\n|$)")


def find_body_start(source: Source, skeleton: int | None = None) -> tuple[int, int]:
    """Where the numbered body starts, and the level of its top items.

    The top is 一、 when a paragraph starts with it (a （一） before it is then refused as a task
    outside a section), else （一）, else 1． (or 1. / 1、) at the start of a line. `skeleton` is
    where a chapter skeleton (第一章, see `articles`) starts: when it comes first, the level
    is 0 and the skeleton is the body.
    """
    text = source.text
    first: dict[int, int] = {}
    for level, pattern in _FIRST.items():
        if level == 3 and first:
            break  # 1． starts the body only when nothing above it does
        # After a 一、 only a （一） before it counts (the body then starts there), so the scan
        # stops at the 一、: a （一） cannot run across it, as 一、 is no part of one.
        for match in pattern.finditer(text, 0, first.get(1, len(text))):
            pos = match.start()
            if (starts_paragraph if level < 3 else starts_line)(text, pos):
                first[level] = pos
                break
    if skeleton is not None and (not first or skeleton < min(first.values())):
        return skeleton, 0
    if 1 in first:
        return min(first[1], first.get(2, first[1])), 1
    for level in (2, 3):
        if level in first:
            return first[level], level
    if not text.strip():
        found = "the input is empty" if not text else "the input holds only whitespace"
        raise source.error(
            f"no plan structure: {found} (no section heading 一、 found)",
            0,
            "no-plan-structure",
        )
    # The sentence the CLI has always printed, and what else was looked for only when the
    # text has parts numbered in another way (第一章), which is worth saying.
    articles = re.search(r"(?:^|\n|[ \u3000]{2})(第一[章节条])", text)
    what = (
        f", nor （一） or 1． starting a paragraph: its parts are numbered "
        f"{articles.group(1)}…, read only as a heading on a line of its own (第一章　总则) "
        "or an article starting a line (第一条　…)"
        if articles is not None
        else ""
    )
    raise source.error(
        f"no plan structure: no section heading 一、 found{what}",
        0,
        "no-plan-structure",
    )


def starts_paragraph(text: str, pos: int) -> bool:
    """True at the start of a line or right after a sentence end (scraped one-line text)."""
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n" or text[back] in BOUNDARY


def starts_line(text: str, pos: int) -> bool:
    """Whether only whitespace stands before `pos` on its line."""
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n"


def skip_space(text: str, pos: int) -> int:
    size = len(text)
    while pos < size and text[pos].isspace():
        pos += 1
    return pos


def marker_at(text: str, pos: int) -> Marker | None:
    """The heading marker that starts at `pos`, if any."""
    match = MARKER.match(text, pos)
    return None if match is None else marker_of(match, 1)
