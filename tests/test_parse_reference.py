"""The reference plan 国办发〔2021〕25号: exact counts, a golden file, byte-exact round trip."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

from conftest import REFERENCE, ROOT
from fgf_opendata.model import Plan
from fgf_opendata.parsing import render_plan
from fgf_opendata.serialize import plan_from_json, plan_to_json

SHA256 = "d07fbedaf8f62168e0d3798fae875811a213d73c260ae2c70188ae92b5fad8f6"


def _subjects(plan: Plan):
    for section in plan.sections:
        for task in section.tasks:
            yield task
            yield from task.measures


def test_source_is_byte_exact_and_bundled_copy_matches() -> None:
    data = REFERENCE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256
    bundled = ROOT / "src" / "fgf_opendata" / "data" / "sources" / REFERENCE.name
    assert bundled.read_bytes() == data


def test_header(reference_plan: Plan) -> None:
    plan = reference_plan
    assert plan.id == "guobanfa-2021-25"
    assert plan.doc_number == "国办发〔2021〕25号"
    assert plan.issuer == "国务院办公厅"
    assert plan.issued == dt.date(2021, 7, 11)
    assert plan.title.startswith("国务院办公厅关于印发全国深化“放管服”改革着力培育")
    assert plan.title.endswith("重点任务分工方案的通知")
    assert plan.addressees == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert plan.plan_title == (
        "全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案"
    )
    assert plan.preamble is not None
    assert plan.preamble.startswith("党中央、国务院高度重视")
    assert plan.closing is not None
    assert plan.closing.endswith("年底前书面报国务院。")


def test_structure_counts(reference_plan: Plan) -> None:
    sections = reference_plan.sections
    tasks = [t for s in sections for t in s.tasks]
    measures = [m for t in tasks for m in t.measures]
    assert [s.number for s in sections] == [1, 2, 3, 4, 5]
    assert [t.number for t in tasks] == list(range(1, 26))
    assert len(measures) == 73
    assert [m for m in measures if not m.numbered] == [tasks[23].measures[0]]
    assert tasks[23].measures[0].id == "task_24__meas_1"
    assert [t.number for t in tasks if not t.measures] == [22, 23, 25]
    assert tasks[4].measures[1].id == "task_5__meas_2"


def test_responsibilities_and_roles(reference_plan: Plan) -> None:
    lines = [s.responsibility for s in _subjects(reference_plan)]
    assert all(line is not None for line in lines)
    assert len(lines) == 98
    roles = Counter(a.role for line in lines if line for a in line.assignments)
    assert roles == {"lead": 48, "responsible": 27, "shared": 308}
    assert all(a.agency_id for line in lines if line for a in line.assignments)
    first = reference_plan.sections[0].tasks[0].measures[0].responsibility
    assert first is not None
    assert first.text == "（财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）"
    assert first.open_ended
    assert [(a.agency, a.agency_id, a.role, a.position) for a in first.assignments] == [
        ("财政部", "mof", "lead", 0),
        ("审计署", "cnao", "shared", 1),
        ("国务院相关部门", "sc-relevant-departments", "shared", 2),
        ("各地区", "all-localities", "shared", 3),
    ]


def test_relevant_units_and_localities_is_two_actors(reference_plan: Plan) -> None:
    task25 = reference_plan.sections[4].tasks[-1]
    assert task25.responsibility is not None
    assert [a.agency for a in task25.responsibility.assignments] == ["相关单位", "各地区"]
    measure = reference_plan.sections[3].tasks[0].measures[1]  # 18.2: 相关单位及地区
    assert measure.responsibility is not None
    assert [(a.agency, a.agency_id) for a in measure.responsibility.assignments] == [
        ("商务部", "mofcom"),
        ("相关单位", "relevant-units"),
        ("相关地区", "relevant-localities"),
    ]


def test_deadlines(reference_plan: Plan) -> None:
    tasks = [t for s in reference_plan.sections for t in s.tasks]
    assert all(not t.deadlines for t in tasks)
    deadlines = [d for t in tasks for m in t.measures for d in m.deadlines]
    assert len(deadlines) == 25
    by_expression = Counter(d.expression for d in deadlines)
    assert by_expression == {
        "2021年底前": 19,
        "2021年11月底前": 2,
        "2022年底前": 2,
        "2021年9月底前": 1,
        "2021年10月底前": 1,
    }
    november = next(d for d in deadlines if d.expression == "2021年11月底前")
    assert (november.date, november.precision) == (dt.date(2021, 11, 30), "month")
    assert [(d.expression, d.date, d.precision) for d in reference_plan.deadlines] == [
        ("年底前", dt.date(2021, 12, 31), "year")
    ]


def test_targets(reference_plan: Plan) -> None:
    targets = {t.text: t for s in _subjects(reference_plan) for t in s.targets}
    assert {"160千瓦及以下", "20个工作日以内", "由45天压减为20天", "74项", "60%以上",
            "7个工作日以内"} <= set(targets)  # fmt: skip
    kw = targets["160千瓦及以下"]
    assert (kw.value, kw.unit, kw.comparator, kw.quantity) == (
        Decimal(160),
        "KWT",
        "<=",
        "城市地区用电报装容量",
    )
    notice = targets["由45天压减为20天"]
    assert (notice.value, notice.baseline, notice.unit, notice.quantity) == (
        Decimal(20),
        Decimal(45),
        "DAY",
        "公示时间",
    )
    assert (targets["60%以上"].unit, targets["60%以上"].comparator) == ("P1", ">=")
    assert targets["20个工作日以内"].unit == "E49"
    assert targets["74项"].unit == "C62"


def test_spans_point_at_their_source(reference_plan: Plan, reference_text: str) -> None:
    lines = reference_text.split("\n")
    for subject in _subjects(reference_plan):
        assert reference_text[subject.span.start : subject.span.end] == subject.label + subject.text
        assert lines[subject.span.line - 1].startswith(subject.label + subject.text)
        if subject.responsibility:
            span = subject.responsibility.span
            assert reference_text[span.start : span.end] == subject.responsibility.text
        for deadline in subject.deadlines:
            assert reference_text[deadline.span.start : deadline.span.end] == deadline.expression
        for target in subject.targets:
            assert reference_text[target.span.start : target.span.end] == target.text
    for section in reference_plan.sections:
        assert (
            reference_text[section.span.start : section.span.end] == section.label + section.title
        )
    for block in reference_plan.front + reference_plan.back:
        assert reference_text[block.span.start : block.span.end] == block.text


def test_renders_back_byte_for_byte(reference_plan: Plan, reference_text: str) -> None:
    assert render_plan(reference_plan) == reference_text
    assert render_plan(reference_plan).encode("utf-8") == REFERENCE.read_bytes()


def test_json_round_trip(reference_plan: Plan) -> None:
    assert plan_from_json(plan_to_json(reference_plan)) == reference_plan


def test_golden_plan_json(reference_plan: Plan) -> None:
    # The expected file is the published one, datapackage/plan.json (datapackage.json carries
    # its hash, so it is not rewritten alone): after a deliberate change, `fgf build` rewrites
    # it with the rest of the package; review the diff.
    expected = (ROOT / "datapackage" / "plan.json").read_text(encoding="utf-8")
    assert plan_to_json(reference_plan) == expected, (
        "plan.json differs from datapackage/plan.json; rebuild with `fgf build` and review the diff"
    )
