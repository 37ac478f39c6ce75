"""Reading a package's RDF files for the linked-data gate: oxigraph parses, rdflib holds.

rdflib's Turtle and JSON-LD parsers take about 0.35 s each on the reference plan's files;
oxigraph's take milliseconds. `load` parses a file with oxigraph (strictly, with no base IRI
and no document loader, so it fetches nothing) and keeps its triples; `to_rdflib` builds the
rdflib `Graph` that pyshacl and `rdf.from_graph` read from them. When oxigraph refuses a
file, the caller falls back to rdflib's own parser (`rdf.parse_turtle`, `rdf.parse_jsonld`):
a file that rdflib reads is still read, and one that neither reads fails with rdflib's
message (or `parse_jsonld`'s refusal of a remote context) as before.

`same_triples` answers "are these two files one graph?" on oxigraph's triples: equal sets when
no blank node occurs, equal canonical forms (RDFC-1.0) otherwise. Equal means isomorphic; when
it says no, the caller asks `rdf.describe_difference` (rdflib's `isomorphic`) for the verdict
and the diff it prints, so a false "no" costs time, never a wrong finding.

One deliberate difference from rdflib's parsers: a literal typed `xsd:string` becomes a plain
rdflib literal, as RDF 1.1 says they are the same term (oxigraph types every plain literal).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["load", "same_triples", "to_rdflib"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD}


def load(data: bytes, syntax: str) -> list[ox.Triple] | None:
    """The triples of `data` in `syntax` ("turtle" or "json-ld"), None when oxigraph refuses
    it (a syntax error, a relative IRI, a remote JSON-LD context, a quad in a named graph, an
    RDF 1.2 triple term)."""
    try:
        quads = ox.parse(data, format=_FORMATS[syntax])
        triples = []
        for quad in quads:
            if not isinstance(quad.graph_name, ox.DefaultGraph) or isinstance(
                quad.object, ox.Triple
            ):
                return None  # a named graph or a triple term: rdflib's parsers decide
            triples.append(quad.triple)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None
    return triples


def to_rdflib(triples: Sequence[ox.Triple], graph: Graph) -> Graph:
    """`graph` (an empty rdflib graph, its prefixes bound) with oxigraph's triples added.
    Each distinct IRI and literal is converted once."""
    terms: dict[object, Node] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        found = terms.get(node)
        if found is not None:
            return found
        converted: Node
        if isinstance(node, ox.NamedNode):
            converted = URIRef(node.value)
        elif isinstance(node, ox.BlankNode):
            converted = BNode()  # fresh, as rdflib's parsers label a document's blank nodes
        elif isinstance(node, ox.Literal):
            datatype = node.datatype.value
            if node.language is not None:
                converted = Literal(node.value, lang=node.language)
            elif datatype == _XSD_STRING:
                converted = Literal(node.value)
            else:
                converted = Literal(node.value, datatype=URIRef(datatype))
        else:
            raise TypeError(f"{node!r} (an RDF 1.2 triple term) is not supported")
        terms[node] = converted
        return converted

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def same_triples(first: Sequence[ox.Triple], second: Sequence[ox.Triple]) -> bool:
    """True when the two lists hold the same graph (isomorphic); False when they may not."""
    if len(set(first)) != len(set(second)):
        return False
    blank = any(
        isinstance(term, ox.BlankNode) for t in (*first, *second) for term in (t.subject, t.object)
    )
    if not blank:
        return set(first) == set(second)
    forms = []
    for triples in (first, second):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        forms.append(set(dataset))
    return forms[0] == forms[1]
