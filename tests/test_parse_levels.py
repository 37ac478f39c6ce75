"""Items at every level of an official document: 一、 / （一） / 1．or 1. / （1）, whichever is on top."""

from __future__ import annotations

import pytest

from fgf_opendata.errors import ParseError
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan, render_plan

HEAD = "国务院关于加强监管的意见\n国发〔2019〕5号\n各地区：\n现提出以下意见。\n"


def _parse(text: str) -> Plan:
    plan = parse_plan(text)
    assert render_plan(plan) == text
    return plan


def test_four_levels() -> None:
    text = HEAD + (
        "一、主要任务\n（一）加强监管。\n1．完善制度。\n（1）修订办法。\n（2）出台细则。\n"
        "各地区要抓好落实。\n2．强化执法。\n（1）开展检查。\n（二）优化服务。\n"
    )
    plan = _parse(text)
    task = plan.sections[0].tasks[0]
    assert [m.label for m in task.measures] == ["1．", "2．"]
    first = task.measures[0]
    assert [(p.id, p.label, p.text) for p in first.points] == [
        ("task_1__meas_1__point_1", "（1）", "修订办法。"),
        ("task_1__meas_1__point_2", "（2）", "出台细则。"),
    ]
    assert [p.text for p in first.points[1].paragraphs] == ["各地区要抓好落实。"]
    assert [p.label for p in task.measures[1].points] == ["（1）"]
    assert plan.sections[0].tasks[1].label == "（二）"


def test_points_directly_under_a_task() -> None:
    text = HEAD + "（一）加强监管。\n（1）修订办法。\n（2）出台细则。\n（二）优化服务。\n"
    plan = _parse(text)
    tasks = plan.sections[0].tasks
    assert [t.label for t in tasks] == ["（一）", "（二）"]
    assert [m.label for m in tasks[0].measures] == ["（1）", "（2）"]


def test_a_point_number_out_of_sequence_is_an_error_in_a_list_of_points() -> None:
    text = HEAD + "（一）加强监管。\n（1）修订办法。\n（3）出台细则。\n"
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.code == "number-out-of-sequence"
    assert caught.value.line == text.count("\n")
    assert "expected （2）, found （3）" in str(caught.value)


def test_a_parenthesised_figure_opening_a_line_is_prose() -> None:
    text = HEAD + "（一）加强监管。\n（2）号文件继续有效。\n"
    plan = _parse(text)
    task = plan.sections[0].tasks[0]
    assert task.measures == ()
    assert task.paragraphs[0].text == "（2）号文件继续有效。"


def test_top_level_1_with_points() -> None:
    text = HEAD + "1．完善制度。\n（1）修订办法。\n2．强化执法。\n"
    plan = _parse(text)
    tasks = plan.sections[0].tasks
    assert [t.label for t in tasks] == ["1．", "2．"]
    assert [m.label for m in tasks[0].measures] == ["（1）"]


def test_section_numbers_still_in_sequence() -> None:
    text = HEAD + "一、主要任务\n（一）加强监管。\n三、保障措施\n"
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.code == "number-out-of-sequence"


def test_a_section_whose_items_are_numbered_1() -> None:
    text = HEAD + (
        "一、总体要求\n（一）指导思想。坚持稳中求进。\n（二）基本原则。坚持问题导向。\n"
        "二、主要任务\n1．完善制度。\n2．强化执法。\n三、保障措施\n（三）加强领导。\n"
    )
    plan = _parse(text)
    assert [[t.label for t in s.tasks] for s in plan.sections] == [
        ["（一）", "（二）"],
        ["1．", "2．"],
        ["（三）"],
    ]
    assert [t.id for s in plan.sections for t in s.tasks] == [f"task_{n}" for n in range(1, 6)]


def test_a_responsibility_line_after_the_measures_heading_is_misplaced() -> None:
    # Found by the fuzzer: prose under a task, 具体措施：, then a responsibility line.
    text = HEAD + "一、推进标准化\n（一）编制目录。\n鼓励探索。\n具体措施：\n（国务院办公厅负责）\n"
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.code == "misplaced-responsibility"
    assert caught.value.line == text.count("\n")


def test_points_and_measures_under_one_task_are_an_error() -> None:
    text = HEAD + "（一）加强监管。\n（1）修订办法。\n1．完善制度。\n"
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.code == "measure-outside-task"
    assert caught.value.line == text.count("\n") - 1


def test_prose_before_a_last_measures_heading_stays_in_place() -> None:
    # Found by the fuzzer: the prose before 具体措施： is not the closing.
    text = HEAD + "一、推进标准化\n（一）编制目录。\n（国务院办公厅负责）\n鼓励探索。\n具体措施：\n"
    plan = _parse(text)
    task = plan.sections[0].tasks[0]
    assert [p.text for p in task.paragraphs] == ["鼓励探索。"]
    assert plan.closing is None
