"""Property tests: round trips and span invariants on plans that hypothesis builds."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.serialize import dumps, plan_from_json, plan_to_json
from fgf_opendata.synth import (
    DEADLINE_FORMS,
    SENTENCES,
    TARGET_FORMS,
    ClauseSpec,
    ItemSpec,
    PlanSpec,
    build_plan,
)

REGISTRY: Registry = default_registry()
ORGANISATIONS = sorted(
    a.name_zh for a in REGISTRY.agencies if a.kind == "organisation" and a.dissolved is None
)
COLLECTIVES = ("国务院相关部门", "各地区", "各部门", "相关单位", "各相关部门")

names = st.lists(st.sampled_from(ORGANISATIONS), min_size=1, max_size=4, unique=True).map(tuple)
clause = st.builds(
    ClauseSpec,
    names=names,
    role=st.sampled_from(["lead", "responsible", "shared"]),
    open_collective=st.none() | st.sampled_from(COLLECTIVES),
)
deadline = st.none() | st.tuples(
    st.integers(0, len(DEADLINE_FORMS) - 1),
    st.integers(0, 2),
    st.integers(1, 12),
    st.integers(1, 28),
)
target = st.none() | st.tuples(
    st.integers(0, len(TARGET_FORMS) - 1), st.integers(1, 999), st.integers(1000, 2000)
)


def items(with_measures: bool) -> st.SearchStrategy[ItemSpec]:
    return st.builds(
        ItemSpec,
        sentence=st.integers(0, len(SENTENCES) - 1),
        clauses=st.lists(clause, min_size=1, max_size=3).map(tuple),
        deadline=deadline,
        target=target,
        inline_responsibility=st.booleans(),
        measures=st.lists(items(False), max_size=4).map(tuple) if with_measures else st.just(()),
    )


@st.composite
def plan_specs(draw: st.DrawFn) -> PlanSpec:
    sections = draw(
        st.lists(st.lists(items(True), min_size=1, max_size=3).map(tuple), min_size=1, max_size=4)
    )
    issued = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
    return PlanSpec(
        year=issued.year,
        number=draw(st.integers(1, 200)),
        month=issued.month,
        day=issued.day,
        sections=tuple(sections),
        closing_deadline=draw(st.booleans()),
        crlf=draw(st.booleans()),
    )


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(plan_specs())
def test_built_plans_render_and_parse_back_equal(spec: PlanSpec) -> None:
    plan = build_plan(spec, REGISTRY)
    assert parse_plan(render_plan(plan), registry=REGISTRY) == plan


@PROPERTY
@given(plan_specs())
def test_text_plan_text(spec: PlanSpec) -> None:
    text = render_plan(build_plan(spec, REGISTRY))
    assert render_plan(parse_plan(text, registry=REGISTRY)) == text


@PROPERTY
@given(plan_specs())
def test_plan_json_plan(spec: PlanSpec) -> None:
    plan = build_plan(spec, REGISTRY)
    assert plan_from_json(plan_to_json(plan)) == plan


@PROPERTY
@given(plan_specs(), st.text(), st.text())
def test_plan_json_is_the_project_json_style(spec: PlanSpec, title: str, preamble: str) -> None:
    # Any text, control characters and line separators included, is written as `dumps` would.
    plan = build_plan(spec, REGISTRY).model_copy(update={"title": title, "preamble": preamble})
    assert plan_to_json(plan) == dumps(plan.model_dump(mode="json"))


def _spans(plan: Plan):
    for block in plan.front + plan.back:
        yield block.span, block.text
    for section in plan.sections:
        yield section.span, section.label + section.title
        for task in section.tasks:
            for node in (task, *task.measures):
                yield node.span, node.label + node.text
                if node.responsibility is not None:
                    yield node.responsibility.span, node.responsibility.text
                for d in node.deadlines:
                    yield d.span, d.expression
                for t in node.targets:
                    yield t.span, t.text
            if task.measures_heading is not None:
                yield task.measures_heading.span, task.measures_heading.text


@PROPERTY
@given(plan_specs())
def test_span_slices_equal_node_text(spec: PlanSpec) -> None:
    text = render_plan(build_plan(spec, REGISTRY))
    plan = parse_plan(text, registry=REGISTRY)
    previous_end = 0
    for span, expected in _spans(plan):
        assert text[span.start : span.end] == expected
        assert span.line == text.count("\n", 0, span.start) + 1
    # Top-level blocks and headings are in document order and do not overlap.
    for section in plan.sections:
        assert section.span.start >= previous_end
        previous_end = section.span.end


def test_reference_with_crlf_line_endings_round_trips(reference_text: str) -> None:
    crlf = reference_text.replace("\n", "\r\n")
    plan = parse_plan(crlf, registry=REGISTRY)
    assert render_plan(plan) == crlf
    lf = parse_plan(reference_text, registry=REGISTRY)
    assert [t.text for s in plan.sections for t in s.tasks] == [
        t.text for s in lf.sections for t in s.tasks
    ]
