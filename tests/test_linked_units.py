"""The plan's Turtle and JSON-LD from one run of the writer, unit by unit (`outputs.triple_units`,
`syntax.units_in_order`, `jsonld.NodeWriter`), against the path they replace: every triple
grouped by subject at once (`syntax.in_order`), the Turtle through oxigraph, and the JSON-LD
from that Turtle read back (`jsonld.jsonld_chunks`). Byte for byte, on the reference plan, on
generated plans and on any plan the model admits; and the units are few in memory at once."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import benchmark_module
from fgf_opendata.agencies import Registry
from fgf_opendata.errors import ExportError
from fgf_opendata.linked.iris import plan_prefixes
from fgf_opendata.linked.jsonld import jsonld_chunks
from fgf_opendata.linked.names import IRI
from fgf_opendata.linked.outputs import linked_outputs, triple_units
from fgf_opendata.linked.syntax import (
    Groups,
    Triple,
    Unit,
    grouper,
    in_order,
    plain_literal,
    serialize_rows,
    units_in_order,
)
from fgf_opendata.linked.writer import write_triples
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan
from fgf_opendata.publication import BASE_IRI, PLAN_JSONLD, PLAN_TURTLE
from strategies import any_plans, synthetic_plan

ROOT = Path(__file__).resolve().parents[1]


def _at_once(plan: Plan, registry: Registry | None) -> tuple[bytes, bytes]:
    """The Turtle and JSON-LD as the package wrote them before: all triples grouped at once."""
    groups: Groups = {}
    _, iri = write_triples(plan, registry, BASE_IRI, grouper(groups))
    prefixes = plan_prefixes(iri, BASE_IRI)
    turtle = serialize_rows(in_order(groups), ox.RdfFormat.TURTLE, prefixes)
    triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    return turtle, b"".join(jsonld_chunks(triples, prefixes))


def _by_units(plan: Plan, registry: Registry | None) -> tuple[bytes, bytes]:
    made = linked_outputs(plan, registry, {})
    return made[PLAN_TURTLE], made[PLAN_JSONLD]


def _assert_same(plan: Plan, registry: Registry | None) -> tuple[bytes, bytes]:
    turtle, document = _by_units(plan, registry)
    expected_turtle, expected_document = _at_once(plan, registry)
    assert turtle == expected_turtle
    assert document.decode("utf-8") == expected_document.decode("utf-8")
    return turtle, document


def test_the_reference_is_written_as_before_and_as_published(
    reference_plan: Plan, registry: Registry
) -> None:
    turtle, document = _assert_same(reference_plan, registry)
    assert turtle == (ROOT / "datapackage" / PLAN_TURTLE).read_bytes()
    assert document == (ROOT / "datapackage" / PLAN_JSONLD).read_bytes()


@pytest.mark.parametrize(("seed", "size"), [(1, 0.3), (2, 0.6), (3, 1.0), (4, 0.2), (5, 0.8)])
def test_generated_plans_are_written_as_before(seed: int, size: float) -> None:
    plan = synthetic_plan(seed, size=size)
    assert sum(len(s.tasks) for s in plan.sections) > 0
    _assert_same(plan, None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_any_plan_is_written_as_before(plan: Plan) -> None:
    _assert_same(plan, None)


def _refuse(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


def test_a_generated_plans_jsonld_expands_to_its_turtle_graph() -> None:
    turtle, document = _by_units(synthetic_plan(6, size=0.5), None)
    nquads = jsonld.to_rdf(
        json.loads(document), {"format": "application/n-quads", "documentLoader": _refuse}
    )
    expanded = Graph().parse(data=nquads, format="nt")
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) > 1000
    assert isomorphic(expanded, graph)


# --- units_in_order on its own ------------------------------------------------------------------

_EX = "http://example.org/p"


def _unit(iri: str, subjects: list[str]) -> Unit:
    def write(add: Any) -> None:
        for subject in subjects:
            add((IRI(subject), IRI(f"{_EX}#p"), plain_literal(subject)))

    return iri, write


# Segments that sort around `/` and `>`: `.` and `-` below `/`, digits and `:` between, `_` above.
_segment = st.text(st.sampled_from("a1_.-:9"), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["/", "__"]), _segment), min_size=1, max_size=3),
        min_size=1,
        max_size=12,
    )
)
def test_units_come_out_in_the_order_of_all_triples_grouped_at_once(
    paths: list[list[tuple[str, str]]],
) -> None:
    # Units inside units (`p/a` and `p/a/b`, as the plan and its sections), and units whose
    # IRIs extend one another (`p/a`, `p/a1`, `p/a__b`, `p/a.b`), in any order.
    iris = {_EX + "".join(f"{sep}{name}" for sep, name in path) for path in paths}
    units = [_unit(iri, [iri, f"{iri}/span", f"{iri}/span/quote", f"{iri}/resp_1"]) for iri in iris]
    units.insert(0, _unit("", [f"{_EX}-agency/a", f"{_EX}/zz"]))
    groups: Groups = {}
    for _, write in units:
        write(grouper(groups))
    expected = [str(row) for row in in_order(groups)]
    assert [str(triple) for _, rows in units_in_order(units) for *_, triple in rows] == expected


def test_a_subject_out_of_its_unit_is_a_bug_not_a_wrong_order() -> None:
    units = [
        _unit(f"{_EX}/b", [f"{_EX}/b"]),
        _unit(f"{_EX}/c", [f"{_EX}/c", f"{_EX}/a"]),  # <p/a> sorts before <p/b>
    ]
    with pytest.raises(ExportError, match="out of its unit"):
        list(units_in_order(units))


def _scale_plan(tasks: int, registry: Registry) -> Plan:
    """A plan of `benchmarks/scale.py`: 999 tasks to a section, numbered from 1 in each."""
    return parse_plan(benchmark_module("scale").tasks_source(tasks), registry=registry)


def test_only_a_few_units_are_in_memory_at_once(registry: Registry) -> None:
    # task_1 waits for task_10 .. task_19, which wait for task_100 .. task_109 (`/` < digits
    # < `>`): a unit waits for those whose IRIs extend its own by a digit, so at most a few
    # wait, whatever the size of the plan.
    plan = _scale_plan(2100, registry)
    units, check, _ = triple_units(plan, registry, BASE_IRI)
    owner: dict[str, int] = {}
    left: dict[int, int] = {}
    most = 0

    def counted(index: int, write: Any) -> Any:
        def run(add: Any) -> None:
            def keep(triple: Triple) -> None:
                if str(triple[0]) not in owner:
                    owner[str(triple[0])] = index
                    left[index] = left.get(index, 0) + 1
                add(triple)

            write(keep)

        return run

    watched = [(iri, counted(i, write)) for i, (iri, write) in enumerate(units)]
    for subject, _ in units_in_order(watched):
        index = owner[str(subject)]
        left[index] -= 1
        if not left[index]:
            del left[index]
        most = max(most, len(left))
    check()
    assert not left
    assert len(units) > 2100
    assert most <= 8, most


def test_by_units_is_what_the_writer_writes(reference_plan: Plan, registry: Registry) -> None:
    units, check, _ = triple_units(reference_plan, registry, BASE_IRI)
    written: list[Triple] = []
    for _, write in units:
        write(written.append)
    check()
    whole, _ = write_triples(reference_plan, registry, BASE_IRI)
    assert sorted(set(map(str, written))) == sorted(set(map(str, whole)))
    units[1][1](written.append)  # the plan's unit again: its links counted twice
    with pytest.raises(ExportError, match="a bug"):
        check()


def test_the_turtle_streams_through_oxigraph(reference_plan: Plan, registry: Registry) -> None:
    units, _, iri = triple_units(reference_plan, registry, BASE_IRI)
    out = io.BytesIO()
    rows = (triple for _, triples in units_in_order(units) for *_, triple in triples)
    ox.serialize(rows, out, format=ox.RdfFormat.TURTLE, prefixes=plan_prefixes(iri, BASE_IRI))
    assert out.getvalue() == (ROOT / "datapackage" / PLAN_TURTLE).read_bytes()
