"""The compacted JSON-LD (issue 12): a JSON-LD processor (pyld) reads it offline into the very
graph of the Turtle, frames it by `@type`, and a developer reads prefixed names and numbers."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.linked.jsonld import context_document, jsonld_chunks, node_objects
from fgf_opendata.linked.outputs import linked_outputs
from fgf_opendata.linked.syntax import parse_jsonld
from fgf_opendata.linked.vocab import ELI, RDF
from fgf_opendata.model import Plan
from fgf_opendata.publication import PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from fgf_opendata.synth import build_plan, random_spec
from fgf_opendata.tabular.descriptor import data_files

XSD = "http://www.w3.org/2001/XMLSchema#"


def _refuse(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


_OFFLINE = {"documentLoader": _refuse}


def _outputs(plan: Plan, registry: Registry, text: str = "") -> Mapping[str, bytes]:
    files = data_files(plan, registry, text)
    return linked_outputs(plan, registry, files)


def _expanded_graph(document: Any) -> Graph:
    """What pyld makes of the document: its RDF, read back by rdflib."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", **_OFFLINE})
    graph = Graph()
    graph.parse(data=nquads, format="nt")  # the default graph only: N-Triples lines
    return graph


def _turtle_graph(data: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=data, format="turtle")
    return graph


@pytest.fixture(scope="module")
def reference_outputs(reference_plan: Plan, registry: Registry, reference_text: str) -> Any:
    return _outputs(reference_plan, registry, reference_text)


def test_pyld_reads_the_reference_into_the_turtle_graph(reference_outputs: Any) -> None:
    document = json.loads(reference_outputs[PLAN_JSONLD])
    expanded = _expanded_graph(document)
    turtle = _turtle_graph(reference_outputs[PLAN_TURTLE])
    assert len(expanded) == len(turtle) > 8000
    assert isomorphic(expanded, turtle)


def test_rdflib_reads_the_reference_into_the_turtle_graph(reference_outputs: Any) -> None:
    graph = parse_jsonld(reference_outputs[PLAN_JSONLD])
    assert isomorphic(graph, _turtle_graph(reference_outputs[PLAN_TURTLE]))


def test_every_node_states_its_classes_as_type(reference_outputs: Any) -> None:
    document = json.loads(reference_outputs[PLAN_JSONLD])
    nodes = document["@graph"]
    typed = [node for node in nodes if "@type" in node]
    assert len(typed) > 100
    assert not any("rdf:type" in node or str(RDF.type) in node for node in nodes)
    turtle = _turtle_graph(reference_outputs[PLAN_TURTLE])
    assert len({s for s, _, _ in turtle.triples((None, RDF.type, None))}) == len(typed)


def test_numbers_and_booleans_are_native(reference_outputs: Any) -> None:
    text = reference_outputs[PLAN_JSONLD].decode("utf-8")
    assert '"xsd:integer"' not in text
    assert '"xsd:boolean"' not in text
    assert XSD not in text.split('"@graph"')[1]  # every datatype is a prefixed name
    values = [
        value
        for node in json.loads(text)["@graph"]
        for value in node.values()
        if isinstance(value, (bool, int))
    ]
    assert any(value is True or value is False for value in values)
    assert any(type(value) is int for value in values)


def test_the_plans_iris_are_prefixed(reference_outputs: Any, reference_plan: Plan) -> None:
    document = json.loads(reference_outputs[PLAN_JSONLD])
    ids = [node["@id"] for node in document["@graph"]]
    assert any(i.startswith("plan:") for i in ids)
    assert any(i.startswith("agency:") for i in ids)
    assert not any(i.startswith("https://w3id.org/fgf-opendata/agency/") for i in ids)


def test_the_context_ships_in_the_package_and_is_the_embedded_one(
    reference_outputs: Any,
) -> None:
    document = json.loads(reference_outputs[PLAN_JSONLD])
    shipped = json.loads(reference_outputs[PLAN_CONTEXT])
    assert shipped["@context"] == document["@context"]
    assert all(isinstance(v, str) and v.startswith("http") for v in shipped["@context"].values())


def test_a_frame_by_type_finds_the_subdivisions() -> None:
    # The check: pyld frames the document by @type with the shipped context. On a
    # small generated plan (the reference frames alike, slowly: test_frame_reference).
    registry = default_registry()
    plan = build_plan(random_spec(random.Random(7), registry, size=0.2), registry)
    outputs = _outputs(plan, registry)
    document = json.loads(outputs[PLAN_JSONLD])
    context = json.loads(outputs[PLAN_CONTEXT])["@context"]
    framed = jsonld.frame(
        document, {"@context": context, "@type": "eli:LegalResourceSubdivision"}, _OFFLINE
    )
    turtle = _turtle_graph(outputs[PLAN_TURTLE])
    expected = set(turtle.subjects(RDF.type, ELI.LegalResourceSubdivision))
    assert expected
    assert len(framed["@graph"]) == len(expected)


@pytest.mark.slow
def test_frame_reference(reference_outputs: Any) -> None:
    document = json.loads(reference_outputs[PLAN_JSONLD])
    context = json.loads(reference_outputs[PLAN_CONTEXT])["@context"]
    framed = jsonld.frame(
        document, {"@context": context, "@type": "eli:LegalResourceSubdivision"}, _OFFLINE
    )
    assert len(framed["@graph"]) == 103  # 5 sections, 25 tasks, 73 measures


@pytest.mark.parametrize("seed", range(8))
def test_generated_plans_round_trip_through_pyld(seed: int) -> None:
    registry = default_registry()
    plan = build_plan(random_spec(random.Random(seed), registry, size=0.3), registry)
    outputs = _outputs(plan, registry)
    expanded = _expanded_graph(json.loads(outputs[PLAN_JSONLD]))
    assert isomorphic(expanded, _turtle_graph(outputs[PLAN_TURTLE]))


def _triple(s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> ox.Triple:
    subject = ox.BlankNode(s[2:]) if s.startswith("_:") else ox.NamedNode(s)
    return ox.Triple(subject, ox.NamedNode(p), o)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")), 1),
        (ox.Literal("-12", datatype=ox.NamedNode(XSD + "integer")), -12),
        # a lexical form JSON would not give back stays typed
        (
            ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")),
            {"@value": "007", "@type": "xsd:integer"},
        ),
        (
            ox.Literal(str(2**60), datatype=ox.NamedNode(XSD + "integer")),
            {"@value": str(2**60), "@type": "xsd:integer"},
        ),
        (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), True),
        (
            ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),
            {"@value": "1", "@type": "xsd:boolean"},
        ),
        (
            ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
            {"@value": "1.50", "@type": "xsd:decimal"},
        ),
        (ox.Literal("文"), "文"),
        (ox.Literal("文", language="zh-hans"), {"@value": "文", "@language": "zh-hans"}),
        (ox.NamedNode("http://example.org/ns/x"), {"@id": "ex:x"}),
        (ox.NamedNode("http://example.org/ns/"), {"@id": "http://example.org/ns/"}),
        (ox.NamedNode("http://example.org/ns//x"), {"@id": "ex:/x"}),
        (ox.NamedNode("http://example.org/ns///x"), {"@id": "http://example.org/ns///x"}),
        (ox.BlankNode("b0"), {"@id": "_:b0"}),
    ],
)
def test_each_kind_of_term_compacts_and_expands_back(literal: Any, expected: Any) -> None:
    prefixes = {"ex": "http://example.org/ns/", "xsd": XSD}
    triples = [_triple("http://example.org/ns/s", "http://example.org/ns/p", literal)]
    (node,) = node_objects(triples, prefixes)
    assert node == {"@id": "ex:s", "ex:p": expected}
    document = json.loads(b"".join(jsonld_chunks(triples, prefixes)))
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(_expanded_graph(document), expected)


def test_a_subject_split_in_two_runs_merges_back() -> None:
    prefixes = {"ex": "http://example.org/ns/"}
    triples = [
        _triple("http://example.org/ns/a", "http://example.org/ns/p", ox.Literal("1")),
        _triple("http://example.org/ns/b", "http://example.org/ns/p", ox.Literal("2")),
        _triple("http://example.org/ns/a", "http://example.org/ns/q", ox.Literal("3")),
    ]
    document = json.loads(b"".join(jsonld_chunks(triples, prefixes)))
    assert len(document["@graph"]) == 3
    assert len(_expanded_graph(document)) == 3


def test_the_document_is_written_in_pieces() -> None:
    prefixes = {"ex": "http://example.org/ns/"}
    triples = [
        _triple(f"http://example.org/ns/s{i}", "http://example.org/ns/p", ox.Literal("值" * 50))
        for i in range(5000)
    ]
    chunks = list(jsonld_chunks(triples, prefixes))
    assert len(chunks) > 5
    assert max(len(chunk) for chunk in chunks) < 200_000
    assert len(json.loads(b"".join(chunks))["@graph"]) == 5000
    assert context_document(prefixes) == {"@context": prefixes}
