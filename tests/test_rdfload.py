"""The RDF gate's reader (oxigraph into rdflib) and its graph comparison."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT
from fgf_opendata.errors import ExportError
from fgf_opendata.linked.rdfload import OneGraphStore, load, one_graph, same_triples, to_rdflib
from fgf_opendata.linked.reader import from_graph
from fgf_opendata.linked.shacl import check_linked
from fgf_opendata.linked.syntax import parse_turtle

LINKED = ROOT / "datapackage" / "linked"


def _graph(data: bytes, syntax: str = "turtle") -> Graph:
    triples = load(data, syntax)
    assert triples is not None
    return to_rdflib(triples, Graph(bind_namespaces="none"))


@pytest.mark.parametrize("name", ["plan.ttl", "catalog.ttl"])
def test_the_same_triples_as_rdflibs_parser(name: str) -> None:
    data = (LINKED / name).read_bytes()
    assert set(_graph(data)) == set(parse_turtle(data))


def test_one_graph_store_answers_every_pattern_as_rdflibs_store() -> None:
    """`OneGraphStore` against rdflib's default store: every pattern of bound and unbound
    parts, for terms that are there and terms that are not; then the same after removals."""
    data = (LINKED / "catalog.ttl").read_bytes()
    memory, ours = parse_turtle(data), one_graph()
    to_rdflib(load(data, "turtle") or [], ours)
    assert len(ours) == len(memory) == len(set(ours))
    absent = URIRef("urn:x:absent")
    sample = sorted(memory, key=str)[::37]
    for s, p, o in [*sample, (absent, absent, absent)]:
        for pattern in (
            (s, p, o), (s, p, None), (s, None, o), (None, p, o),
            (s, None, None), (None, p, None), (None, None, o), (None, None, None),
        ):  # fmt: skip
            assert set(ours.triples(pattern)) == set(memory.triples(pattern)), pattern
    s, p, _ = sample[0]
    for graph in (ours, memory):
        graph.remove((s, p, None))
        graph.add((s, p, Literal("again")))
        graph.add((s, p, Literal("again")))
    assert set(ours) == set(memory)
    assert len(ours) == len(memory)
    assert dict(ours.namespaces()) == {}


def test_objects_of_answers_as_graph_objects_in_order() -> None:
    # The reader asks `OneGraphStore.objects_of` where it can, and takes the first object as
    # `Graph.value` would: the same objects, in the same order, as `Graph.objects` gives.
    ours = one_graph()
    to_rdflib(load((LINKED / "plan.ttl").read_bytes(), "turtle") or [], ours)
    store = ours.store
    assert isinstance(store, OneGraphStore)
    absent = URIRef("urn:x:absent")
    pairs = {(s, p) for s, p, _ in ours} | {(absent, absent), (next(iter(ours))[0], absent)}
    multiple = 0
    for s, p in pairs:
        objects = store.objects_of(s, p)
        assert list(objects) == list(ours.objects(s, p)), (s, p)
        multiple += len(objects) > 1
    assert multiple  # some pairs have several objects: their order is compared too


def test_a_plan_reads_back_alike_from_either_store() -> None:
    data = (LINKED / "plan.ttl").read_bytes()
    memory, ours = parse_turtle(data), one_graph()
    to_rdflib(load(data, "turtle") or [], ours)
    assert from_graph(ours) == from_graph(memory)
    # a required value missing: both refuse, naming the node
    date = URIRef("http://www.w3.org/2006/time#inXSDDate")
    node = next(s for s, _, _ in memory.triples((None, date, None)))
    for graph in (memory, ours):
        graph.remove((node, date, None))
        with pytest.raises(ExportError, match=re.escape(f"<{node}> has no")):
            from_graph(graph)


def test_the_published_json_ld_is_the_turtles_graph() -> None:
    turtle = load((LINKED / "plan.ttl").read_bytes(), "turtle")
    jsonld = load((LINKED / "plan.jsonld").read_bytes(), "json-ld")
    assert turtle is not None
    assert jsonld is not None
    assert same_triples(turtle, jsonld)
    assert not same_triples(turtle, jsonld[:-1])


def test_literals_keep_language_and_datatype() -> None:
    graph = _graph(
        b'<http://a/s> <http://a/p> "x"@zh-Hans, "y", "z"^^<http://www.w3.org/2001/XMLSchema#string>,'
        b' "2021-12-31"^^<http://www.w3.org/2001/XMLSchema#date>, 7 .'
    )
    objects = set(graph.objects(URIRef("http://a/s"), URIRef("http://a/p")))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert objects == {
        Literal("x", lang="zh-Hans"),
        Literal("y"),
        Literal("z"),  # xsd:string and a plain literal are one term in RDF 1.1
        Literal("2021-12-31", datatype=URIRef(xsd + "date")),
        Literal("7", datatype=URIRef(xsd + "integer")),
    }


def test_blank_nodes_compare_by_structure() -> None:
    first = load(b"<http://a/s> <http://a/p> [ <http://a/q> 1 ] .", "turtle")
    renamed = load(b"_:x <http://a/q> 1 . <http://a/s> <http://a/p> _:x .", "turtle")
    other = load(b"<http://a/s> <http://a/p> [ <http://a/q> 2 ] .", "turtle")
    assert first is not None
    assert renamed is not None
    assert other is not None
    assert same_triples(first, renamed)
    assert not same_triples(first, other)


def test_the_same_triples_need_no_canonical_form(monkeypatch: pytest.MonkeyPatch) -> None:
    # Equal sets of triples (blank node labels too) are one graph: canonicalizing both (RDFC-1.0,
    # a third of the gate's Turtle-against-JSON-LD check) is only for sets that differ.
    import pyoxigraph

    triples = load(b"<http://a/s> <http://a/p> [ <http://a/q> 1 ] .", "turtle")
    assert triples is not None
    monkeypatch.setattr(pyoxigraph, "Dataset", None)
    assert same_triples(triples, list(reversed(triples)))


@pytest.mark.parametrize(
    ("data", "syntax"),
    [
        (b"<http://a/s> <http://a/p> .", "turtle"),  # no object
        (b"<s> <http://a/p> 1 .", "turtle"),  # a relative IRI, no base
        (b'{"@context": "https://example.org/c.jsonld", "@id": "http://a/s"}', "json-ld"),
        (b"\xff\xfe", "turtle"),
        # a named graph, and an RDF 1.2 triple term: rdflib's parsers decide
        (b'{"@id": "http://a/g", "@graph": [{"@id": "http://a/s", "http://a/p": 1}]}', "json-ld"),
        (b"<http://a/g> { <http://a/s> <http://a/p> 1 . }", "turtle"),
        (b"<http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> 1 )>> .", "turtle"),
    ],
)
def test_what_oxigraph_refuses_is_left_to_rdflib(data: bytes, syntax: str) -> None:
    assert load(data, syntax) is None


def test_a_remote_context_is_still_refused_by_name() -> None:
    files = {
        name: (ROOT / "datapackage" / name).read_bytes()
        for name in ("linked/plan.ttl", "linked/catalog.ttl")
    }
    files["linked/plan.jsonld"] = b'{"@context": "https://example.org/c.jsonld"}'
    findings = check_linked(files)
    assert [(f.code, f.where) for f in findings if f.severity == "error"] == [
        ("linked-file-unreadable", "linked/plan.jsonld")
    ]
    assert "remote context" in findings[0].message


def test_a_json_ld_graph_that_differs_is_described() -> None:
    turtle = (ROOT / "datapackage" / "linked" / "plan.ttl").read_bytes()
    files = {
        "linked/plan.ttl": turtle,
        "linked/plan.jsonld": b'[{"@id": "http://a/s", "http://a/p": [{"@value": "x"}]}]',
        "linked/catalog.ttl": (ROOT / "datapackage" / "linked" / "catalog.ttl").read_bytes(),
    }
    findings = [f for f in check_linked(files) if f.severity == "error"]
    assert [f.code for f in findings] == ["linked-graphs-differ"]
    assert '+ <http://a/s> <http://a/p> "x"' in findings[0].message
