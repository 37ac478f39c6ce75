"""The parser's shortcuts answer exactly what the slower path they skip would answer.

Each shortcut (a precheck before a search, a part found without its regex) is held to the
general path on generated input built from the characters that decide it.
"""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REFERENCE
from fgf_opendata.errors import ParseError
from fgf_opendata.parsing import parse as parse_module
from fgf_opendata.parsing import parse_plan
from fgf_opendata.parsing.body import _INLINE_END, _SPACES
from fgf_opendata.parsing.docnumber import DOC_NUMBER, DOC_NUMBER_IN_TEXT
from fgf_opendata.parsing.header import (
    _ADDRESSEES_END,
    DATE,
    _has_han,
    _line_pieces,
    _parts,
    _spaced,
)
from fgf_opendata.parsing.markers import (
    BOUNDARY,
    HEADING,
    HEADING_FIRST,
    HEADING_LIKE_FIRST,
    MARKER,
    OPEN,
    find_body_start,
    heading_like,
    starts_line,
    starts_paragraph,
)
from fgf_opendata.parsing.phrases import attributive_at
from fgf_opendata.parsing.source import Source

_PART, _LETTER_SPACED, _LETTER_GAP = _spaced()

# Letters, the three spaces that may end a part in a run, and whitespace that never does.
_LINE = st.text(alphabet="a国：各部 \u3000\u00a0\t\r\u2028\x85\x0b\x1c", max_size=16)
# What the doc number and date searches look for, so both branches of their prechecks run.
_HEADER_LINE = st.text(alphabet="国办发〔〕[]2021号年月日一 \u3000标题各部门：", max_size=24)


@given(_LINE, st.data())
def test_parts_equal_the_part_pattern(line: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(line)))
    end = data.draw(st.integers(start, len(line)))
    expected = [(m.start(), m.end()) for m in _PART.finditer(line, start, end)]
    assert _parts(line, start, end) == expected


def _line_pieces_searching_every_line(line: str) -> list[tuple[int, int]]:
    """`_line_pieces` as it was before its shortcuts: every search on every line."""
    found = DOC_NUMBER_IN_TEXT.search(line)
    if found is not None and not DOC_NUMBER.fullmatch(line.strip()):
        cuts = [(0, found.start()), (found.start(), found.end()), (found.end(), len(line))]
    elif (dated := DOC_NUMBER.search(line) or DATE.search(line)) and len(line.split()) > 1:
        cuts = [(0, dated.start()), (dated.start(), dated.end()), (dated.end(), len(line))]
    else:
        cuts = [(0, len(line))]
    out: list[tuple[int, int]] = []
    for start, end in cuts:
        for part in _PART.finditer(line, start, end):
            a, b = part.start(), part.end()
            colon = _ADDRESSEES_END.match(line, a, b)
            if colon is not None and colon.end() < b:
                out.append((a, colon.end()))
                a = colon.end()
                while a < b and line[a].isspace():
                    a += 1
            if (
                out
                and b - a == 1
                and _LETTER_GAP.fullmatch(line, out[-1][1], a)
                and _LETTER_SPACED.fullmatch(line, *out[-1])
            ):
                out[-1] = (out[-1][0], b)
                continue
            out.append((a, b))
    return out


@given(_HEADER_LINE)
def test_line_pieces_equal_searching_every_line(line: str) -> None:
    assert _line_pieces(line) == _line_pieces_searching_every_line(line)


@given(
    st.sampled_from(["国办发〔2021〕25号", "2021年7月11日", "国务院办公厅", "各省、自治区："]),
    _HEADER_LINE,
)
def test_line_pieces_equal_searching_every_line_around_a_match(part: str, line: str) -> None:
    for text in (part + line, line + part, line + "  " + part + " " + line):
        assert _line_pieces(text) == _line_pieces_searching_every_line(text)


@given(st.text(alphabet="一十百（()）、．.1１٣具体主要措施举：:a国 ", min_size=1, max_size=8))
def test_a_heading_starts_only_where_the_body_looks_for_one(text: str) -> None:
    # `_inline_end` skips the probe for an inline heading after a sentence end unless the
    # next character is one of these: any marker or 具体措施： must start with one.
    if MARKER.match(text) or HEADING.match(text):
        assert text[0] in HEADING_FIRST or text[0].isdecimal()


@given(st.text(alphabet="一十百万零（()）、．.1１٣a国 ", min_size=1, max_size=8))
def test_a_damaged_heading_starts_only_where_the_closing_check_looks_for_one(text: str) -> None:
    # `check_closing` tests a closing paragraph against `heading_like` only when it starts
    # with one of these.
    if heading_like().match(text):
        assert text[0] in HEADING_LIKE_FIRST or text[0].isdecimal()


def _body_start_scanning_the_whole_text(text: str) -> tuple[int, int] | None:
    """`find_body_start` (no skeleton) as it was before its shortcut: every form searched
    through the whole text; None where it finds no structure."""
    first: dict[int, int] = {}
    patterns = (
        (1, re.compile("一、")),
        (2, re.compile("[（(]一[）)]")),
        (3, re.compile(r"1(?:[．、]|\.(?!\d))")),
    )
    for level, pattern in patterns:
        if level == 3 and first:
            break
        for match in pattern.finditer(text):
            if (starts_paragraph if level < 3 else starts_line)(text, match.start()):
                first[level] = match.start()
                break
    if 1 in first:
        return min(first[1], first.get(2, first[1])), 1
    return next(((first[level], level) for level in (2, 3) if level in first), None)


@given(st.text(alphabet="一、（(）)1．.\n。 a", max_size=14))
@example("（一）一、")  # a （一） that ends where the 一、 starts
@example("a\n一、（一）")  # one after it: the body starts at the 一、
@example("（一）a\n1．")
def test_body_start_equals_scanning_the_whole_text(text: str) -> None:
    try:
        found: tuple[int, int] | None = find_body_start(Source(text))
    except ParseError:
        found = None
    assert found == _body_start_scanning_the_whole_text(text)


# Both ends of the CJK block and the characters next to them, 的, and others.
_HAN_EDGES = st.text(alphabet="\u4dff\u4e00\u4e01\u9ffe\u9fff\ua000的年a。 ", max_size=10)


@given(_HAN_EDGES)
def test_has_han_finds_what_the_range_finds(line: str) -> None:
    assert _has_han(line) == (re.search(r"[\u4e00-\u9fff]", line) is not None)


@given(st.text(alphabet="\u4dff\u4e00\u9fff\ua000的", max_size=8), st.integers(0, 8))
@example("一一一一的", 0)  # four before 的: the longest run that qualifies
@example("一一一一一的", 0)  # five: too long
def test_attributive_at_matches_where_the_pattern_does(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    expected = re.compile(r"[\u4e00-\u9fff]{1,4}的").match(text, pos) is not None
    assert attributive_at(text, pos) == expected


# The paragraph-end stops as three alternatives, the form `_INLINE_END` is written to scan faster.
_INLINE_END_AS_ALTERNATIVES = re.compile(
    f"[{re.escape(OPEN)}]|[{re.escape(''.join(sorted(BOUNDARY)))}]"
    f"(?=[{re.escape(''.join(sorted(HEADING_FIRST)))}\\d\\s])|[{_SPACES}](?=[{_SPACES}])"
)


@settings(max_examples=500)
@given(st.text(alphabet="（()）。；：” \u3000\u00a0\n一具1٣a国，", max_size=12), st.data())
def test_inline_end_stops_where_its_alternatives_do(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = [m.span() for m in _INLINE_END_AS_ALTERNATIVES.finditer(text, start, end)]
    assert [m.span() for m in _INLINE_END.finditer(text, start, end)] == expected


def test_parse_pauses_the_cycle_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`parse_plan` runs with the cycle collector off (a plan is thousands of containers and
    no cycle) and leaves it as it found it, on success and on `ParseError` alike."""
    seen: list[bool] = []
    real = parse_module._parse_plan

    def spy(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(parse_module, "_parse_plan", spy)
    text = REFERENCE.read_text(encoding="utf-8")
    assert gc.isenabled()
    parse_plan(text)
    assert gc.isenabled()
    with pytest.raises(ParseError):
        parse_plan("no plan here")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_plan(text)
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    assert seen == [False, False, False]


def test_patterns_few_documents_need_are_compiled_on_first_use() -> None:
    """Importing the parser and parsing the reference plan (what `fgf build --check` does)
    compiles none of the patterns of rarer forms: compiling a CJK range costs about a
    millisecond, and most of them have one."""
    program = (
        "from pathlib import Path\n"
        "from fgf_opendata.parsing import parse_plan, articles, header, markers, responsibility\n"
        f"parse_plan(Path({str(REFERENCE)!r}).read_text(encoding='utf-8'))\n"
        "for accessor in (articles._patterns, header._spaced, markers.damaged_task,\n"
        "                 markers.heading_like,\n"
        "                 responsibility._rules, responsibility._name_shape, responsibility._label):\n"
        "    print(accessor.__name__, accessor.cache_info().currsize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    lines = done.stdout.split("\n")[:-1]
    assert len(lines) == 7
    assert [line for line in lines if not line.endswith(" 0")] == []
