"""The writer's terms without rdflib (`linked.names`) and the reader's with it (`linked.vocab`):
one list of names, held to rdflib's own namespaces where rdflib ships them."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import rdflib.namespace
from rdflib import URIRef

from fgf_opendata.linked import names, vocab
from fgf_opendata.linked.names import IRI, Vocabulary
from fgf_opendata.linked.syntax import PlainLiteral
from fgf_opendata.linked.writer import write_triples
from fgf_opendata.model import Plan
from fgf_opendata.publication import BASE_IRI


def _vocabularies(module: object) -> dict[str, Vocabulary[str]]:
    return {
        name: value
        for name in dir(module)
        if isinstance(value := getattr(module, name), Vocabulary)
    }


def test_the_terms_used_of_rdflibs_namespaces_are_rdflibs() -> None:
    # PROV, ORG, FOAF, DCTERMS, SKOS, RDF, RDFS: names lists what the writer uses of them.
    assert set(names.EXTERNAL) == {"PROV", "ORG", "FOAF", "DCTERMS", "SKOS", "RDF", "RDFS"}
    for name, ours in names.EXTERNAL.items():
        theirs = getattr(rdflib.namespace, name)
        assert str(theirs) == ours._NS, name
        assert ours.terms(), name
        for term in ours.terms():
            assert term in theirs.__annotations__, (name, term)  # a term of rdflib's, declared
            assert getattr(ours, term) == str(theirs[term]), (name, term)
    assert str(rdflib.namespace.OWL) == names.OWL


def test_vocab_has_every_term_of_names_as_an_rdflib_iri() -> None:
    ours = _vocabularies(names)
    assert set(ours) >= {"FGF", "ELI", "DCAT", "SDO", "XSD", "PROV", "DCT"}
    readers = _vocabularies(vocab)
    for name, written in ours.items():
        if name in names.EXTERNAL or name == "DCT":
            continue  # vocab re-exports rdflib's whole namespace (the test above)
        read = readers[name]
        assert type(read) is type(written), name
        assert read._NS == written._NS, name
        for term in written.terms():
            value = getattr(read, term)
            assert type(value) is URIRef, (name, term)
            assert value == URIRef(getattr(written, term)), (name, term)
            assert type(getattr(written, term)) is IRI, (name, term)


@pytest.mark.parametrize(
    "mapping",
    [
        "ROLES",
        "SUBDIVISION_TYPES",
        "BLOCK_KINDS",
        "QUDT_UNITS",
        "RECURRENCES",
        "COMPARATOR_PROPERTIES",
    ],
)
def test_vocab_has_the_code_lists_of_names_as_rdflib_iris(mapping: str) -> None:
    written: Mapping[str, IRI] = getattr(names, mapping)
    read: Mapping[str, URIRef] = getattr(vocab, mapping)
    assert written
    assert {key: URIRef(iri) for key, iri in written.items()} == dict(read)
    assert all(type(iri) is IRI for iri in written.values())


def test_vocab_has_the_constants_of_names_as_rdflib_iris() -> None:
    for name in ("ROLE_SCHEME", "SUBDIVISION_TYPE_SCHEME", "BLOCK_KIND_SCHEME", "SHAPES"):
        assert getattr(vocab, name) == URIRef(getattr(names, name)), name
    for name in ("EU_LANGUAGE", "EU_COUNTRY", "EU_FILE_TYPE", "EU_FREQUENCY", "IANA_MEDIA_TYPE"):
        assert getattr(vocab, name)["X"] == URIRef(getattr(names, name)["X"]), name
        assert type(getattr(names, name)["X"]) is IRI
    assert vocab.agency_category("ministry") == URIRef(names.agency_category("ministry"))
    assert vocab.PREFIXES is names.PREFIXES


def test_the_namespaces_of_names_are_closed() -> None:
    with pytest.raises(AttributeError):
        _ = names.FGF.hasDeadlines  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = names.PROV.wasInformedBy  # type: ignore[attr-defined]  # rdflib's, not listed here
    with pytest.raises(AttributeError):
        names.FGF.gap = IRI("https://example.org/gap")  # type: ignore[misc]
    assert names.FGF.hasDeadline == "https://w3id.org/fgf-opendata/def/hasDeadline"
    assert type(names.FGF.hasDeadline) is IRI


def test_the_writers_triples_are_of_iris_and_plain_literals(reference_plan: Plan) -> None:
    triples, _ = write_triples(reference_plan, None, BASE_IRI)
    assert triples
    for subject, predicate, value in triples:
        assert type(subject) is IRI
        assert type(predicate) is IRI
        assert type(value) in (IRI, PlainLiteral)


def test_the_catalogues_turtle_is_its_graphs(reference_plan: Plan) -> None:
    # `build` writes catalog.ttl from the writer's terms; readers get the graph of the same
    # triples, converted where they enter it (`syntax.rdflib_graph`).
    from fgf_opendata.linked.catalog import catalog_graph, catalog_turtle
    from fgf_opendata.linked.syntax import serialize_turtle

    files: dict[str, bytes | None] = {"tasks.csv": b"id\n1\n", "site/index.html": None}
    graph = catalog_graph(reference_plan, files)
    assert all(type(term) is not IRI for triple in graph for term in triple)
    assert catalog_turtle(reference_plan, files) == serialize_turtle(graph)
