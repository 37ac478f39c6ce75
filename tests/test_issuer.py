"""The plan resolves its issuer once, when it is parsed (`Plan.issuer_id`), and the outputs read
that id instead of looking the printed name up in the registry again (issue 15)."""

from __future__ import annotations

from fgf_opendata.agencies import Registry
from fgf_opendata.linked.reader import from_graph
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan
from fgf_opendata.serialize import plan_from_json, plan_to_json
from fgf_opendata.tabular.rows import plan_rows


def test_the_parser_resolves_the_issuer(reference_plan: Plan) -> None:
    assert reference_plan.issuer == "国务院办公厅"
    assert reference_plan.issuer_id == "gosc"


def test_an_issuer_the_registry_does_not_know_has_no_id(
    reference_text: str, registry: Registry
) -> None:
    kept = [a for a in registry if a.id != "gosc"]
    while True:  # leave out the bodies under it (or under those), so the registry is whole
        ids = {a.id for a in kept} | {None}
        whole = [a for a in kept if {a.parent_id, a.successor_id} <= ids]
        if len(whole) == len(kept):
            break
        kept = whole
    without = Registry(tuple(kept))
    plan = parse_plan(reference_text, registry=without)
    assert plan.issuer == "国务院办公厅"
    assert plan.issuer_id is None


def test_the_issuer_id_survives_json_and_rdf(reference_plan: Plan, registry: Registry) -> None:
    assert plan_from_json(plan_to_json(reference_plan)).issuer_id == "gosc"
    assert from_graph(to_graph(reference_plan, registry)).issuer_id == "gosc"
    unresolved = reference_plan.model_copy(update={"issuer_id": None})
    assert from_graph(to_graph(unresolved, registry)).issuer_id is None


def test_the_outputs_read_the_id_not_the_name(reference_plan: Plan, registry: Registry) -> None:
    # The name still resolves in the registry: an output that looked it up again would differ.
    unresolved = reference_plan.model_copy(update={"issuer_id": None})
    assert plan_rows(unresolved, registry)["plans"][0]["issuer_id"] in (None, "")
    assert plan_rows(reference_plan, registry)["plans"][0]["issuer_id"] == "gosc"
