"""Every assignment keeps the span of the actor's name in its responsibility line (issue 15).

`source[span]` is the name as printed, or, for a name read from a bare noun after another
(相关单位及地区 -> 相关地区), that noun: over the reference plan, the real documents of the
test corpus, plans that hypothesis builds, and the responsibility forms one by one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from conftest import ROOT, readable_plans
from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.build import package_outputs
from fgf_opendata.findings import TableLocation
from fgf_opendata.model import Plan, Responsibility
from fgf_opendata.parsing import layout_plan, parse_plan, render_plan
from fgf_opendata.parsing.responsibility import BARE_NOUNS
from fgf_opendata.synth import PlanSpec, build_plan
from fgf_opendata.tabular.rules import Rules, read_tables
from strategies import plan_specs

REGISTRY: Registry = default_registry()
REFERENCE = ROOT / "sources" / "guobanfa-2021-25.txt"
CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.txt"))


def responsibilities(node: object) -> Iterator[Responsibility]:
    """Every responsibility line of a plan, its standing ones included, in document order."""
    if isinstance(node, Responsibility):
        yield node
    elif isinstance(node, tuple):
        for child in node:
            yield from responsibilities(child)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from responsibilities(getattr(node, name))


def check_assignment_spans(plan: Plan, text: str) -> int:
    """Assert the span invariants of every assignment; the number of assignments checked."""
    count = 0
    for resp in responsibilities(plan):
        previous = resp.span.start
        for assignment in resp.assignments:
            span = assignment.span
            printed = text[span.start : span.end]
            # Inside its line, after the actor cited before it, on the line's line.
            assert resp.span.start < span.start <= span.end < resp.span.end, (assignment, resp)
            assert span.start >= previous, (assignment, resp.text)
            assert span.line == resp.span.line
            assert resp.text[span.start - resp.span.start : span.end - resp.span.start] == printed
            if printed != assignment.agency:
                # The documented form: a bare noun that shares the prefix of the name before it.
                assert printed in BARE_NOUNS, (assignment, printed, resp.text)
                assert assignment.agency.endswith(printed), (assignment, printed)
                assert len(assignment.agency) > len(printed)
            previous = span.end
            count += 1
    return count


def test_reference_assignments_point_at_their_names() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    assert check_assignment_spans(parse_plan(text, registry=REGISTRY), text) > 300


@pytest.mark.parametrize("path", readable_plans(CORPUS), ids=lambda p: p.name)
def test_real_assignments_point_at_their_names(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    check_assignment_spans(parse_plan(text, registry=REGISTRY), text)


def test_the_real_corpus_cites_actors() -> None:
    # The parametrised test above is not empty-handed: the documents cite many actors.
    total = 0
    for path in readable_plans(CORPUS):
        text = path.read_text(encoding="utf-8")
        total += check_assignment_spans(parse_plan(text, registry=REGISTRY), text)
    assert total > 300


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_specs())
def test_generated_assignments_point_at_their_names(spec: PlanSpec) -> None:
    plan = build_plan(spec, REGISTRY)
    text = render_plan(plan)
    check_assignment_spans(plan, text)  # as `layout_plan` places them
    parsed = parse_plan(text, registry=REGISTRY)
    check_assignment_spans(parsed, text)
    assert parsed == plan


_FORMS = """\
一、总体要求
（一）第一项任务。（由财政部会同商务部、审计署负责）
（二）第二项任务。（负责部门：国家发展改革委、教育部；适用范围：全国）
（三）第三项任务。（相关单位及地区按职责分工负责，2021年底前完成）
（四）第四项任务。（各有关部门和单位负责）
（五）第五项任务。（列第一位者为牵头单位，下同。工业和信息化部、财政部）
（六）第六项任务。（国家发展改革委，商务部等按职责分工负责。以下均需试点城市政府落实，不再列出）
（七）第七项任务。（　人民银行、　 市场监管总局负责）
"""


def test_every_form_points_at_the_names() -> None:
    plan = parse_plan(_FORMS, registry=REGISTRY)
    assert check_assignment_spans(plan, _FORMS) >= 14
    printed = [
        [_FORMS[a.span.start : a.span.end] for a in resp.assignments]
        for resp in responsibilities(plan)
    ]
    assert printed == [
        ["财政部", "商务部", "审计署"],
        ["国家发展改革委", "教育部"],
        ["相关单位", "地区"],
        ["各有关部门", "单位"],
        ["工业和信息化部", "财政部"],
        ["国家发展改革委", "商务部"],
        ["人民银行", "市场监管总局"],
        ["试点城市政府"],  # the standing assignment, kept once under the plan
    ]
    standing = plan.standing[0].assignments[0]
    assert _FORMS[standing.span.start : standing.span.end] == "试点城市政府"


def test_the_same_line_twice_has_two_places() -> None:
    # Readings are remembered per line's content; the spans are still those of each place.
    text = "一、总体要求\n（一）甲。（财政部负责）\n（二）乙。（财政部负责）\n"
    first, second = (
        resp.assignments[0] for resp in responsibilities(parse_plan(text, registry=REGISTRY))
    )
    assert (first.span.line, second.span.line) == (2, 3)
    assert text[first.span.start : first.span.end] == text[second.span.start : second.span.end]
    assert first.span.start < second.span.start


def test_layout_places_the_names_of_a_plan_built_in_code() -> None:
    plan = parse_plan(REFERENCE.read_text(encoding="utf-8"), registry=REGISTRY)
    assert layout_plan(plan) == plan


# --- the package -------------------------------------------------------------------------------


def _rule_findings(files: dict[str, bytes | None]) -> list[tuple[str, str, int | None, str | None]]:
    descriptor = json.loads(files["datapackage.json"] or b"")
    tables, source, _, _ = read_tables(descriptor, files.get)
    names = {resource["name"] for resource in descriptor["resources"]}
    out = []
    for finding in Rules(tables, source, names).run():
        location = finding.location
        assert isinstance(location, TableLocation)
        out.append((finding.code, location.resource, location.row, location.field))
    return out


def test_the_package_gives_each_assignment_its_span_and_checks_it() -> None:
    text = "国务院办公厅关于印发测试方案的通知\n" + _FORMS
    files = dict(package_outputs(text, registry=REGISTRY, linked=lambda *_: {}).files)
    plan = parse_plan(text, registry=REGISTRY)
    rows = list(csv.DictReader(io.StringIO((files["responsibilities.csv"] or b"").decode())))
    spans = [(a.span.start, a.span.end) for r in responsibilities(plan) for a in r.assignments]
    assert [(int(r["agency_start"]), int(r["agency_end"])) for r in rows] == spans
    assert [f for f in _rule_findings(files) if f[0] == "span-mismatch"] == []
    # A span one character off no longer slices to the name: the rule says which row.
    lines = (files["responsibilities.csv"] or b"").decode().split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("agency_start")] = str(int(cells[header.index("agency_start")]) + 1)
    lines[1] = ",".join(cells)
    files["responsibilities.csv"] = "\n".join(lines).encode()
    # Row 2 of the file: the header is row 1, as frictionless counts.
    assert _rule_findings(files) == [("span-mismatch", "responsibilities", 2, "agency_start")]
