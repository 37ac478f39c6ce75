"""Issue 16: nothing that looks like plan structure is silently dropped into the closing.

A one-character edit of the reference plan (（二十五） -> 二十五）) used to move task 25 and its
responsibility line into `closing` with no error; numbering past 999 used to stop the body
at task 999 or measure 999. Either the text parses with every item, or the parser raises a
located `ParseError`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fgf_opendata.errors import ParseError
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.parsing.numerals import from_chinese, to_chinese

REFERENCE = (Path(__file__).parents[1] / "sources" / "guobanfa-2021-25.txt").read_text(
    encoding="utf-8"
)
HEAD = "国务院办公厅关于印发测试方案的通知\n国办发〔2021〕9号\n\n"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("（二十五）", "二十五）"),
        ("（二十五）", "（二十五"),
        ("（二十五）", "(二十五"),
        ("（二十五）", "25）"),
    ],
)
def test_a_damaged_last_heading_is_a_located_error(old: str, new: str) -> None:
    text = REFERENCE.replace(old, new)
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    error = caught.value
    assert error.line == text[: text.index(new)].count("\n") + 1
    assert error.column == 1


def test_a_responsibility_line_in_the_closing_is_a_located_error() -> None:
    # The last task's line deleted: its responsibility line would follow task 24's.
    lines = REFERENCE.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("（二十五）"))
    text = "\n".join([*lines[:at], "各地区要抓紧推进。", *lines[at + 1 :]])
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.line == at + 2
    assert caught.value.code == "misplaced-responsibility"


def test_the_reference_closing_is_still_a_closing() -> None:
    plan = parse_plan(REFERENCE)
    assert plan.closing is not None
    assert plan.closing.startswith("各地区要高度重视")


@pytest.mark.parametrize("value", [1, 10, 11, 99, 100, 101, 110, 999, 1000, 1005, 1010, 1050,
                                   1200, 1205, 2021, 9999])  # fmt: skip
def test_heading_numerals_round_trip_past_999(value: int) -> None:
    assert from_chinese(to_chinese(value)) == value


def test_heading_numerals_past_999() -> None:
    assert to_chinese(1200) == "一千二百"
    assert to_chinese(1005) == "一千零五"
    assert to_chinese(1010) == "一千零一十"
    assert from_chinese("一千零十") is None  # not the canonical form


def _plan(tasks: int, measures: int) -> str:
    out = [HEAD, "一、总体要求\n"]
    for t in range(1, tasks + 1):
        out.append(f"（{to_chinese(t)}）任务{t}。\n（财政部负责）\n")
    for m in range(1, measures + 1):
        out.append(f"{m}．措施{m}。\n（税务总局负责）\n")
    return "".join(out)


def test_1200_tasks_all_parse() -> None:
    text = _plan(1200, 0)
    plan = parse_plan(text)
    assert sum(len(s.tasks) for s in plan.sections) == 1200
    assert plan.closing is None
    assert render_plan(plan) == text


def test_1200_measures_all_parse() -> None:
    text = _plan(1, 1200)
    plan = parse_plan(text)
    assert len(plan.sections[0].tasks[0].measures) == 1200
    assert plan.closing is None


def test_numbering_past_the_numerals_is_a_located_error() -> None:
    text = _plan(1, 0) + "（一万）任务。\n（财政部负责）\n"
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.line == text.count("\n") - 1
