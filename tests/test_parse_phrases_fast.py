"""The tree's and the renderer's shortcuts answer what their general path answers.

`deadline_phrases` leaves out the phrases that qualify a noun once, when it reads a text, and
carries the sentence ends it skips to the next phrase; it and `target_phrases` start each
search of their pattern near the next cue (a figure with a unit) rather than at every
character. Each is held here to the finder as it read before: every
match of the pattern, the noun test and the year resolution in one loop. `render_plan`,
written out for the check every parse makes, is held to the pieces `layout_plan` reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REFERENCE
from fgf_opendata.agencies import default_registry
from fgf_opendata.errors import ParseError
from fgf_opendata.parsing import parse_plan, phrases
from fgf_opendata.parsing.phrases import (
    _DEADLINE,
    _FORM_GROUPS,
    _SENTENCE_END,
    _TARGET,
    NO_PHRASES,
    attributive_at,
    date_problem,
    deadline_phrases,
    find_deadlines,
    find_targets,
    phrases_of,
    target_phrases,
)
from fgf_opendata.parsing.render import _pieces, render_plan
from fgf_opendata.parsing.source import Source
from strategies import synthetic_text

GENRE = Path(__file__).parent / "cases" / "genre"
# Every printed node under every owner: prose under a section, task, measure and point, each
# with its responsibility line, and a measures heading.
_EVERY_NODE = """\
关于某事的分工方案
国办发〔2021〕5号

一、总体要求
总体要求的段落，2022年底前完成。
（一）任务一，提高到90%以上。
（国务院办公厅牵头）
任务一的段落。
具体措施：
1．措施一。
（财政部负责）
措施一的段落。
（商务部负责）
（1）要点一，3月底前完成。
（教育部负责）
要点一的段落。
（科技部负责）
（2）要点二。
2．措施二。
"""

# What decides a deadline: its cues, digits, sentence ends, and 的 after a short verb.
_DEADLINE_TEXT = st.text(alphabet="于2021年12月底前之内日每一。；，投运的电厂0", max_size=60)
_TARGET_TEXT = st.text(alphabet="由至不少于有第1２.5%个项天工作日以上内压减为时间，", max_size=60)


def _deadlines_in_one_loop(
    text: str, issue_year: int | None, issued: dt.date | None
) -> list[tuple[int, int, str, dt.date, str, str | None]] | tuple[str, int]:
    """find_deadlines as it was: every match, the noun test and the year in one loop; the
    error's (code, offset) when it raises."""
    found: list[tuple[int, int, str, dt.date, str, str | None]] = []
    sentence_year: int | None = None
    last_end = 0
    for match in _DEADLINE.finditer(text):
        if _SENTENCE_END.search(text, last_end, match.start()) is not None:
            sentence_year = None
        last_end = match.end()
        if attributive_at(text, match.end()):
            continue
        form = match.lastgroup or ""
        year, month, day_ = (int(match.group(g)) if g else 0 for g in _FORM_GROUPS[form])
        form = "year_end" if form == "within_year" else form
        dated = form in {"day", "month", "year_end"}
        if issue_year is None and not dated and not (form == "bare_month" and sentence_year):
            return ("no-issue-year", match.start())
        now = issue_year or 0
        recurrence, day, precision = None, None, "month"
        if form == "day":
            day, precision = day_, "day"
        elif form == "yearly":
            year, recurrence = now, "yearly"
        elif form == "year_end":
            month, day, precision = 12, 31, "year"
        elif form == "bare_month":
            year = sentence_year if sentence_year is not None else now
        elif form != "month":
            year, month, day, precision = now, 12, 31, "year"
        problem = date_problem(year, month, day)
        if problem is None:
            date = dt.date(year, month, day or phrases._days_in(year, month))
            if recurrence and issued is not None and date < issued:
                date = dt.date(year + 1, month, phrases._days_in(year + 1, month))
                problem = date_problem(date.year, month)
        if problem is not None:
            return ("impossible-deadline", match.start())
        if not recurrence:
            sentence_year = date.year
        found.append((match.start(), match.end(), match.group(), date, precision, recurrence))
    return found


def _assert_phrases_of(text: str) -> None:
    """The tree's one look-up answers both finders, and NO_PHRASES itself for neither."""
    found = phrases_of(text)
    assert found == (deadline_phrases(text), target_phrases(text))
    assert (found is NO_PHRASES) == (not found.deadlines and not found.targets)


@settings(max_examples=400)
@given(_DEADLINE_TEXT, st.sampled_from([None, 2021]), st.sampled_from([None, dt.date(2021, 6, 1)]))
@example("2021年底前投运的电厂。3月底前", 2021, None)
@example("2021年底前投运的电厂，3月底前", None, None)
@example("2020年年底前的。2021年底前投运的，3月底前", None, None)
@example("每年3月底前", 2021, dt.date(2021, 6, 1))
@example("于2021年12月31日之前，一年内，2021年年内", 2021, None)
@example("说明说明说明说明说明说明于2021年12月31日之前", 2021, None)
def test_deadlines_equal_the_one_loop_finder(
    text: str, issue_year: int | None, issued: dt.date | None
) -> None:
    _assert_phrases_of(text)
    expected = _deadlines_in_one_loop(text, issue_year, issued)
    source = Source("xx" + text)
    if isinstance(expected, tuple):
        with pytest.raises(ParseError) as raised:
            find_deadlines(text, 2, issue_year=issue_year, source=source, issued=issued)
        assert (raised.value.code, raised.value.offset) == (expected[0], expected[1] + 2)
        return
    got = find_deadlines(text, 2, issue_year=issue_year, source=source, issued=issued)
    assert isinstance(expected, list)
    assert [
        (d.span.start - 2, d.span.end - 2, d.expression, d.date, d.precision, d.recurrence)
        for d in got
    ] == expected
    assert all(d.span.line == 1 for d in got)


def _targets_in_one_loop(text: str) -> list[tuple[object, ...]]:
    """target_phrases as it was: every match of the pattern from the start of the text."""
    found: list[tuple[object, ...]] = []
    for match in _TARGET.finditer(text):
        groups = match.groupdict()
        if groups["to"]:
            value, unit_text, baseline = groups["to"], groups["to_unit"], groups["base"]
            comparator = "="
        else:
            value, unit_text, baseline = groups["value"], groups["unit"], None
            bound = groups["suffix"] or groups["prefix"]
            if unit_text in {"个", "家", "件"} and not bound:
                continue
            comparator = "<=" if bound in phrases._LE else ">=" if bound in phrases._GE else "="
        quantity = phrases._quantity(text[max(0, match.start() - 200) : match.start()])
        base = None if baseline is None else Decimal(baseline)
        printed = (match.start(), match.end(), match.group())
        found.append((*printed, quantity, Decimal(value), unit_text, comparator, base))
    return found


@settings(max_examples=400)
@given(_TARGET_TEXT)
@example("由45天压减为20天")
@example("第5项，不少于12.5%，至少有3家，" + "1" * 13 + "天，" + "2" * 12 + "天")
@example("说明说明说明说明说明说明说明说明不少于123456789012个工作日")
def test_targets_equal_the_pattern_from_the_start(text: str) -> None:
    assert list(target_phrases(text)) == _targets_in_one_loop(text)
    _assert_phrases_of(text)
    source = Source(text)
    got = [(t.span.start, t.span.end, t.text) for t in find_targets(text, 0, source=source)]
    assert got == [found[:3] for found in _targets_in_one_loop(text)]


def test_render_plan_joins_the_pieces_layout_plan_reads() -> None:
    registry = default_registry()
    texts = [REFERENCE.read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(GENRE.glob("*.txt"))]
    texts += [synthetic_text(seed, size=0.3) for seed in range(3)]
    texts += [_EVERY_NODE, _EVERY_NODE.replace("\n", "\r\n") + "\n\n"]
    for text in texts:
        plan = parse_plan(text, registry=registry)
        assert render_plan(plan) == "".join(gap + printed for gap, printed, _ in _pieces(plan))
        assert render_plan(plan) == text
