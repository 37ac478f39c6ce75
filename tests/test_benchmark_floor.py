"""The parse bound that benchmarks/run.py prints beside the parse figures (issue 14, goal 3)
times the plans the parser returned, built again from literals by benchmarks/floor.py: each
built plan must equal the parsed one, node for node, or the bound would time some other work."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from pydantic import BaseModel

from conftest import benchmark_module
from fgf_opendata.agencies import Registry
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.synth import build_plan, random_spec

floor = benchmark_module("floor")


def _nodes(value: object) -> list[BaseModel]:
    if isinstance(value, tuple):
        return [node for item in value for node in _nodes(item)]
    if isinstance(value, BaseModel):
        return [value, *(node for v in value.__dict__.values() for node in _nodes(v))]
    return []


def _synthetic(registry: Registry, seed: int) -> Plan:
    spec = replace(random_spec(random.Random(seed), registry), number=seed + 1)
    return parse_plan(render_plan(build_plan(spec, registry)), registry=registry)


@pytest.mark.parametrize("seed", [None, 0, 1])
def test_a_plan_built_from_literals_is_the_parsed_plan_node_for_node(
    seed: int | None, reference_plan: Plan, registry: Registry
) -> None:
    parsed = reference_plan if seed is None else _synthetic(registry, seed)
    built = floor.straight_line(parsed)()
    assert built == parsed
    assert built is not parsed
    pairs = list(zip(_nodes(built), _nodes(parsed), strict=True))
    assert len(pairs) > 500
    for new, old in pairs:
        assert new is not old
        assert type(new) is type(old)
        assert new.__dict__.keys() == old.__dict__.keys()  # printed and dumped in one order
        assert new.model_fields_set == old.model_fields_set


def test_a_value_with_no_literal_is_refused() -> None:
    class Odd(BaseModel):
        value: object

    with pytest.raises(TypeError, match="no literal for list"):
        floor.straight_line(Odd(value=[1]))  # type: ignore[arg-type]


def test_each_build_makes_its_strings_as_the_parser_slices_them(reference_plan: Plan) -> None:
    build = floor.straight_line(reference_plan)
    first, second = build(), build()
    assert first.title == second.title
    assert first.title is not second.title  # a literal would be one constant, made once
    task, again = first.sections[0].tasks[0], second.sections[0].tasks[0]
    assert task.text is not again.text
    assert task.responsibility is not None
    assert again.responsibility is not None
    role, same_role = (
        task.responsibility.assignments[0].role,
        again.responsibility.assignments[0].role,
    )
    assert role is same_role  # a code the parser picks, not text


def test_the_fixed_work_builds_each_plan_with_the_collector_paused(
    reference_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    paused: list[bool] = []
    real = floor.cycle_collection_paused

    @contextmanager
    def spy() -> Iterator[None]:
        with real():
            paused.append(not gc.isenabled())
            yield

    monkeypatch.setattr(floor, "cycle_collection_paused", spy)
    work = floor.fixed_work([reference_plan, reference_plan])
    assert set(work) == {"build", "render"}
    work["build"]()
    assert paused == [True, True]
    assert gc.isenabled()
    work["render"]()
    assert paused == [True, True]
