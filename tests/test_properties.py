"""Property tests: round trips and span invariants on plans that hypothesis builds
(`strategies.plan_specs`)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.serialize import dumps, plan_from_json, plan_to_json
from fgf_opendata.synth import PlanSpec, build_plan
from strategies import plan_specs

REGISTRY: Registry = default_registry()


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
