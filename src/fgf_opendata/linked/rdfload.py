"""Reading a package's RDF files for the linked-data gate: oxigraph parses, rdflib holds.

rdflib's Turtle and JSON-LD parsers take about 0.35 s each on the reference plan's files;
oxigraph's take milliseconds. `load` parses a file with oxigraph (strictly, with no base IRI
and no document loader, so it fetches nothing) and keeps its statements (the parser's quads,
all in the default graph); `to_rdflib` builds the rdflib `Graph` that pyshacl and
`rdf.from_graph` read from them. When oxigraph refuses a
file, the caller falls back to rdflib's own parser (`rdf.parse_turtle`, `rdf.parse_jsonld`):
a file that rdflib reads is still read, and one that neither reads fails with rdflib's
message (or `parse_jsonld`'s refusal of a remote context) as before.

`same_triples` answers "are these two files one graph?" on oxigraph's triples: equal sets (blank
node labels too), else, where blank nodes occur, equal canonical forms (RDFC-1.0). Equal means isomorphic; when
it says no, the caller asks `rdf.describe_difference` (rdflib's `isomorphic`) for the verdict
and the diff it prints, so a false "no" costs time, never a wrong finding.

One deliberate difference from rdflib's parsers: a literal typed `xsd:string` becomes a plain
rdflib literal, as RDF 1.1 says they are the same term (oxigraph types every plain literal).

`one_graph()` is the rdflib graph the gate fills: one graph over `OneGraphStore`, three plain
dict indexes without rdflib's context bookkeeping. rdflib's default store (`Memory`) keeps, for
every triple, the named graphs it is in, and answers every pattern through that: on the
reference plan that was a third of pyshacl's time and half of `to_rdflib`'s. pyshacl wraps
each data graph in a `Dataset`, which asks the store to be context- and graph-aware; this one
says it is and holds the one graph. A differential test (tests/test_shacl_quicker.py) runs
pyshacl over it and over `Memory` on the reference and on broken graphs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from .vocab import XSD

__all__ = [
    "OneGraphStore",
    "Statement",
    "load",
    "load_document",
    "one_graph",
    "same_triples",
    "to_rdflib",
]

_XSD_STRING = str(XSD.string)
_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD}


Statement = ox.Triple | ox.Quad
"""A statement as oxigraph gives it: `load` keeps the quads its parser makes (all in the
default graph), which hold the triple's subject, predicate and object as a triple would."""


def load(data: bytes, syntax: str) -> list[ox.Quad] | None:
    """The statements of `data` in `syntax` ("turtle" or "json-ld"), as quads in the default
    graph, None when oxigraph refuses it (a syntax error, a relative IRI, a remote JSON-LD
    context, a quad in a named graph, an RDF 1.2 triple term)."""
    loaded = load_document(data, syntax)
    return None if loaded is None else loaded[0]


def load_document(data: bytes, syntax: str) -> tuple[list[ox.Quad], dict[str, str]] | None:
    """`load`, with the prefixes the document declares (prefix -> namespace IRI)."""
    try:
        parser = ox.parse(data, format=_FORMATS[syntax], without_named_graphs=True)
        quads = list(parser)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None  # a named graph is a SyntaxError: rdflib's parsers decide
    if any(isinstance(quad.object, ox.Triple) for quad in quads):
        return None  # a triple term: rdflib's parsers decide
    return quads, dict(parser.prefixes)


_Triple = tuple[Node, Node, Node]
_NO_CONTEXTS: tuple[Graph, ...] = ()


class OneGraphStore(SimpleMemory):
    """An rdflib store of one graph: indexes by subject, predicate and object (dicts, so the
    order is the order of adding), no named graphs, no events. The prefixes are
    `SimpleMemory`'s. It says it is context- and graph-aware because pyshacl's `Dataset`
    wrapper asserts so; it holds no named graph, and `contexts` is empty."""

    context_aware = True
    graph_aware = True
    formula_aware = False

    def __init__(self, configuration: str | None = None, identifier: Any = None) -> None:
        super().__init__(configuration, identifier)
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._osp: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._size = 0

    def add(self, triple: _Triple, context: Any = None, quoted: bool = False) -> None:
        if quoted:
            raise TypeError("a graph of OneGraphStore holds no formulae")
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._osp.setdefault(o, {}).setdefault(s, {})[p] = None
        self._size += 1

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:  # noqa: N802 - rdflib's
        add = self.add
        for s, p, o, _ in quads:
            add((s, p, o))

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            del self._spo[s][p][o], self._pos[p][o][s], self._osp[o][s][p]
            self._size -= 1

    def triples(  # type: ignore[override]
        self, triple_pattern: Any, context: Any = None
    ) -> Iterator[tuple[_Triple, tuple[Graph, ...]]]:
        """The triples matching the pattern (None matches anything), each with no context.
        The indexes are copied before yielding, so a caller may add or remove meanwhile."""
        s, p, o = triple_pattern
        none = _NO_CONTEXTS
        if s is not None:
            by_predicate = self._spo.get(s, {})
            for pred in (p,) if p is not None else list(by_predicate):
                objects = by_predicate.get(pred, {})
                if o is not None:
                    if o in objects:
                        yield (s, pred, o), none
                else:
                    for obj in list(objects):
                        yield (s, pred, obj), none
        elif p is not None:
            by_object = self._pos.get(p, {})
            if o is not None:
                for subj in list(by_object.get(o, {})):
                    yield (subj, p, o), none
            else:
                for obj, subjects in list(by_object.items()):
                    for subj in list(subjects):
                        yield (subj, p, obj), none
        elif o is not None:
            for subj, predicates in list(self._osp.get(o, {}).items()):
                for pred in list(predicates):
                    yield (subj, pred, o), none
        else:
            for subj, by_predicate in list(self._spo.items()):
                for pred, objects in list(by_predicate.items()):
                    for obj in list(objects):
                        yield (subj, pred, obj), none

    def objects_of(self, subject: Node, predicate: Node) -> Sequence[Node]:
        """The objects of (`subject`, `predicate`), in the order `triples` gives them: what
        `Graph.objects` yields, without rdflib's generators on the way (a reader's lookups)."""
        return tuple(self._spo.get(subject, {}).get(predicate, ()))

    def __len__(self, context: Any = None) -> int:
        return self._size

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()


def one_graph() -> Graph:
    """An empty rdflib graph over a `OneGraphStore`, no prefixes bound."""
    return Graph(store=OneGraphStore(), bind_namespaces="none")


def to_rdflib(triples: Sequence[Statement], graph: Graph) -> Graph:
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

    if isinstance(graph.store, OneGraphStore):  # rdflib's checks of each node are oxigraph's
        add = graph.store.add
        for t in triples:
            add((term(t.subject), term(t.predicate), term(t.object)))
    else:
        graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def same_triples(first: Sequence[Statement], second: Sequence[Statement]) -> bool:
    """True when the two lists hold the same graph (isomorphic); False when they may not."""
    firsts, seconds = set(first), set(second)
    if len(firsts) != len(seconds):
        return False
    if firsts == seconds:  # the same triples, blank node labels too: the same graph
        return True
    if not any(
        isinstance(term, ox.BlankNode) for t in (*first, *second) for term in (t.subject, t.object)
    ):
        return False
    forms = []
    for triples in (first, second):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        forms.append(set(dataset))
    return forms[0] == forms[1]
