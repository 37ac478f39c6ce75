"""Front and back matter of an official document: the paragraphs before the numbered body and
after it, cut into parts and classified (title, doc number, addressees, notice, issuer, date,
此件公开发布, plan title, preamble; closing, signature, annex).

A scraped page may run the title, the doc number and the addressees together on one line, or
keep a paragraph's indent where its line break was lost: a line is cut around a doc number,
at runs of spaces, and after the colon that closes an addressees line (各…：).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NamedTuple

from ..model import Block, BlockKind
from .docnumber import DOC_NUMBER, DOC_NUMBER_IN_TEXT, split_doc_number
from .nodes import construct_checked
from .numerals import from_chinese
from .phrases import date_problem
from .source import Source

__all__ = [
    "DATE",
    "NOTE",
    "Header",
    "back_blocks",
    "date_of",
    "derive_plan_id",
    "doc_number_year",
    "front_blocks",
    "is_date_line",
    "is_issuer",
    "issuer_before",
    "strip_colon",
]

# Any count of digits for the year, so that a mistyped one (0000, a 20-digit run) is a located
# impossible date rather than a line that silently is no date at all.
DATE = re.compile(r"(\d{1,64}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,2})月"
                   r"(\d{1,2}|[一二三四五六七八九十]{1,3})日")  # fmt: skip


_PAREN_DATE = re.compile(r"[（(](?:\d{1,64}|[〇○零一二三四五六七八九]{4})年[^）)]{1,12}日[）)]")


_ADDRESSEES_END = re.compile(r"各[^。：:\n]{1,60}[：:]")


NOTE = re.compile(r"[（(](?:此件|本文)[^）)]{1,20}[）)]")
_SPACE_RUN = re.compile(r"[ \u3000\u00a0]{2}")
# 目录, the heading of a table of contents: what follows it is not the plan's title.
_CONTENTS = re.compile(r"目[ \u3000\u00a0]*录")


class _Spaced(NamedTuple):
    part: re.Pattern[str]
    """A part of a line: up to a run of two or more spaces (an indent whose line break was
    lost) or the end; the shortest such part first, so that a letter-spaced name is cut
    letter by letter and joined again (`letter_gap`)."""
    letter_spaced: re.Pattern[str]
    letter_gap: re.Pattern[str]


@functools.cache
def _spaced() -> _Spaced:
    """The patterns of lines with runs of spaces in them, compiled on first use: most
    headers have none."""
    return _Spaced(
        re.compile(r"\S(?:.*?\S)??(?=[ \u3000\u00a0]{2,}|\s*$)"),
        re.compile(r"\S(?:[ \u3000\u00a0]{1,3}\S)*"),
        re.compile(r"[ \u3000\u00a0]{1,3}"),
    )


def _has_han(line: str) -> bool:
    """Whether `line` holds a CJK unified ideograph (U+4E00 to U+9FFF): what a search for
    a character class of that range finds, without the millisecond that compiling the range
    costs at import (sre builds a map of its 20,992 characters one by one)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in line)


def is_date_line(line: str) -> bool:
    return bool(DATE.fullmatch(line) or _PAREN_DATE.fullmatch(line))


class Header:
    """Classified front or back blocks, looked up by kind."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks

    def block(self, kind: BlockKind) -> Block | None:
        for block in self.blocks:
            if block.kind == kind:
                return block
        return None

    def get(self, kind: BlockKind) -> str | None:
        block = self.block(kind)
        return block.text if block is not None else None

    def get_all(self, kind: BlockKind) -> list[str]:
        return [b.text for b in self.blocks if b.kind == kind]


def _pieces(source: Source, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each paragraph between `start` and `end`, whitespace trimmed.

    A line that holds a doc number or a signature date among other text (scraped pages) is cut
    at its whitespace so that each part can be classified.
    """
    text = source.text
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        if line_end < 0:
            line_end = end
        line = text[pos:line_end]
        if line.strip():
            out.extend((pos + a, pos + b) for a, b in _line_pieces(line))
        pos = line_end + 1
    return out


def _line_pieces(line: str) -> list[tuple[int, int]]:
    """(start, end) of the parts of one line of front or back matter, whitespace trimmed.

    A line that holds a doc number among other text is cut around it (a title and its number
    on one line), and so is one that holds a signature date among other parts; a run of spaces
    (the indent of a paragraph whose line break was lost) and the colon that closes an
    addressees line (各…：) end a part too.
    """
    # A doc number ends in 号 and a date holds 年: most lines hold neither, and cost no search.
    numbered = "号" in line
    found = DOC_NUMBER_IN_TEXT.search(line) if numbered else None
    if found is not None and not DOC_NUMBER.fullmatch(line.strip()):
        cuts = [(0, found.start()), (found.start(), found.end()), (found.end(), len(line))]
    elif (
        dated := (DOC_NUMBER.search(line) if numbered else None)
        or (DATE.search(line) if "年" in line else None)
    ) and len(line.split()) > 1:
        cuts = [(0, dated.start()), (dated.start(), dated.end()), (dated.end(), len(line))]
    else:
        cuts = [(0, len(line))]
    out: list[tuple[int, int]] = []
    for start, end in cuts:
        for a, b in _parts(line, start, end):
            colon = _ADDRESSEES_END.match(line, a, b)
            if colon is not None and colon.end() < b:
                out.append((a, colon.end()))
                a = colon.end()
                while a < b and line[a].isspace():
                    a += 1
            if (
                out
                and b - a == 1
                and _spaced().letter_gap.fullmatch(line, out[-1][1], a)
                and _spaced().letter_spaced.fullmatch(line, *out[-1])
            ):
                # 国\xa0 务\xa0 院: a name printed letter-spaced stays one part.
                out[-1] = (out[-1][0], b)
                continue
            out.append((a, b))
    return out


def _parts(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each match of `_Spaced.part` in line[start:end].

    Without a run of two spaces, a part ends only where nothing but whitespace follows: the
    one part is the segment with its whitespace trimmed (`\\S` is what `str.strip` keeps), found
    without that pattern's step per character.
    """
    if _SPACE_RUN.search(line, start, end) is None:
        segment = line[start:end]
        kept = segment.strip()
        if not kept:
            return []
        a = start + len(segment) - len(segment.lstrip())
        return [(a, a + len(kept))]
    return [(part.start(), part.end()) for part in _spaced().part.finditer(line, start, end)]


def front_blocks(source: Source, start: int, end: int) -> tuple[Block, ...]:
    """The front matter as classified blocks; trailing whitespace is left to the body."""
    pieces = _pieces(source, start, end)
    kinds = _classify_front([source.text[a:b] for a, b in pieces], source, pieces)
    return _make_blocks(source, start, pieces, kinds)


def _make_blocks(
    source: Source, start: int, pieces: list[tuple[int, int]], kinds: list[BlockKind]
) -> tuple[Block, ...]:
    blocks = []
    previous = start
    for (a, b), kind in zip(pieces, kinds, strict=True):
        blocks.append(
            construct_checked(
                Block,
                kind=kind,
                text=source.text[a:b],
                gap=source.text[previous:a],
                span=source.span(a, b),
            )
        )
        previous = b
    return tuple(blocks)


def _classify_front(
    lines: list[str], source: Source, pieces: list[tuple[int, int]]
) -> list[BlockKind]:
    kinds: list[BlockKind] = ["preamble"] * len(lines)
    if not lines:
        return kinds
    i = 0
    doc = next((k for k, line in enumerate(lines[:8]) if DOC_NUMBER.fullmatch(line)), None)
    if doc is not None:
        for k in range(doc):
            kinds[k] = "title"
        kinds[doc] = "doc-number"
        i = doc + 1
    elif "。" not in lines[0] and not lines[0].endswith(("：", ":")):
        kinds[0] = "title"
        i = 1
        text = source.text
        while (
            i < len(lines)
            and "\n\n" not in text[pieces[i - 1][1] : pieces[i][0]].replace(" ", "")
            and "。" not in lines[i]
            and not lines[i].endswith(("：", ":"))
            and not DATE.fullmatch(lines[i])
            and len(lines[i]) <= 40
        ):
            kinds[i] = "title"
            i += 1
    if i < len(lines) and lines[i].endswith(("：", ":")) and "。" not in lines[i]:
        kinds[i] = "addressees"
        i += 1
    date = next((k for k in range(i, len(lines)) if is_date_line(lines[k])), None)
    if date is None:
        return kinds  # an 意见 issued directly: the rest is preamble
    issuer = issuer_before(lines, date, i)
    for k in range(i, issuer if issuer is not None else date):
        kinds[k] = "body"
    if issuer is not None:
        kinds[issuer] = "issuer"
    kinds[date] = "date"
    k = date + 1
    if k < len(lines) and NOTE.fullmatch(lines[k]):
        kinds[k] = "note"
        k += 1
    while (
        k < len(lines)
        and "。" not in lines[k]
        and len(lines[k]) <= 60
        and not _CONTENTS.fullmatch(lines[k])
    ):
        kinds[k] = "plan-title"
        k += 1
    return kinds


def issuer_before(lines: list[str], date: int, floor: int) -> int | None:
    """The part that signs before the date at `date`, passing one part of markup debris
    (&sp;) left by a scraper; None when there is none."""
    for k in (date - 1, date - 2):
        if k < floor:
            return None
        if is_issuer(lines[k]):
            return k
        if _has_han(lines[k]):
            return None
    return None


def is_issuer(line: str) -> bool:
    """Whether a part reads as a signature's issuer: short, a name (CJK), no sentence."""
    return len(line) <= 30 and "。" not in line and "，" not in line and _has_han(line)


def back_blocks(source: Source, start: int, annex: int) -> tuple[tuple[Block, ...], str]:
    """The back matter as classified blocks, and the whitespace after the last one.

    Paragraphs from `annex` on are kept verbatim as kind annex.
    """
    text = source.text
    pieces = _pieces(source, start, len(text))
    own = sum(1 for a, _ in pieces if a < annex)
    lines = [text[a:b] for a, b in pieces[:own]]
    closing: list[BlockKind] = ["closing"]
    annexed: list[BlockKind] = ["annex"]
    kinds = closing * len(lines) + annexed * (len(pieces) - own)
    date = next((k for k in range(len(lines) - 1, -1, -1) if DATE.fullmatch(lines[k])), None)
    if date is not None and date >= len(lines) - 2:
        kinds[date] = "date"
        if date + 1 < len(lines) and NOTE.fullmatch(lines[date + 1]):
            kinds[date + 1] = "note"
        issuer = issuer_before(lines, date, 0)
        if issuer is not None:
            kinds[issuer] = "issuer"
    end = pieces[-1][1] if pieces else start
    blocks = _make_blocks(source, start, pieces, kinds)
    return blocks, text[end:]


def doc_number_year(block: Block | None, source: Source) -> int | None:
    match = DOC_NUMBER.search(block.text) if block is not None else None
    if block is None or match is None:
        return None
    year = int(match.group(2))
    problem = date_problem(year, 1)
    if problem:
        raise source.error(
            f"impossible year in doc number {block.text}: {problem}",
            block.span.start + match.start(2),
            "impossible-date",
        )
    return year


def date_of(block: Block | None, source: Source) -> dt.date | None:
    """The date a signature line states; an impossible one (2021年2月30日) is an error."""
    match = DATE.fullmatch(block.text.strip("（）()")) if block is not None else None
    if block is None or match is None:
        return None
    year, month, day = (int(p) if p.isdigit() else from_chinese(p) for p in match.groups())
    problem: str | None = "expected numerals such as 二〇二一年七月十一日"
    if year is not None and month is not None and day is not None:
        problem = date_problem(year, month, day)
        if problem is None:
            return dt.date(year, month, day)
    raise source.error(
        f"impossible date of issue {block.text}: {problem}", block.span.start, "impossible-date"
    )


def strip_colon(line: str | None) -> str | None:
    return line.rstrip("：:") if line else None


def derive_plan_id(doc_number: str | None, issued: dt.date | None) -> str:
    parts = split_doc_number(doc_number)
    if parts is not None:
        return f"{parts.series or 'doc'}-{parts.year}-{parts.number}"
    return f"plan-{issued.isoformat()}" if issued else "plan"
