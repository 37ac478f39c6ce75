"""The parse bound that benchmarks/run.py prints beside the parse figures (issue 14, goal 3)
times the plans the parser returned, built again from literals by benchmarks/floor.py: each
built plan must equal the parsed one, node for node, or the bound would time some other work."""

from __future__ import annotations

import gc
import random
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


def test_the_fixed_work_builds_and_renders_with_the_collector_restored(
    reference_plan: Plan,
) -> None:
    work = floor.fixed_work([reference_plan])
    assert set(work) == {"build", "render"}
    for run in work.values():
        run()
        assert gc.isenabled()
