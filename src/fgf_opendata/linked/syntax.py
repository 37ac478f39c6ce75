"""RDF syntaxes: graphs and triples to Turtle, JSON-LD and N-Triples through oxigraph, and back.

Output bytes depend only on the triples: `serialize_turtle` and `serialize_jsonld` hand them,
sorted in N-Triples order, to oxigraph's serializers (`pyoxigraph.serialize`, written in Rust:
on the reference plan's graph 4 ms for Turtle and 8 ms for JSON-LD, against rdflib's 230 ms and
160 ms, which were most of a build's time); `serialize_rows` keeps the order it is given, and
`units_in_order` gives a plan's triples in the order of `in_order` without holding them all
(`outputs`). Turtle groups a subject's triples and uses the bound prefixes; JSON-LD is in expanded document form
(no `@context`, so a reader needs nothing else, and never fetches anything); N-Triples is
canonical. Language tags are written lower-case (`zh-hans`), the form RDF 1.1 Concepts §3.3
gives their value space, so a graph built here and one read back from any of the files are
equal term for term. Nothing here touches the network: `parse_jsonld` refuses documents that
name a remote context. `describe_difference` shows what two graphs do not share.

The writer's terms are `names.IRI`s and `PlainLiteral`s, and what writes the package's files
(`units_in_order`, `serialize_rows`) never imports rdflib. Only the functions that take or make
an rdflib graph import it, when called: `rdflib_graph` (where the writer's triples enter a
graph), `serialize_turtle` and `serialize_jsonld` of a graph, the parsers and
`describe_difference`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import pyoxigraph as ox

from ..errors import ExportError
from .jsonld import jsonld_chunks
from .names import IRI, PREFIXES, XSD

if TYPE_CHECKING:  # imported where a graph is made or read: the build never loads rdflib
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "Add",
    "Groups",
    "PlainLiteral",
    "Row",
    "Triple",
    "Unit",
    "bind_prefixes",
    "describe_difference",
    "grouper",
    "in_order",
    "jsonld_context",
    "ox_rows",
    "parse_jsonld",
    "parse_turtle",
    "plain_literal",
    "prefixed_name",
    "rdflib_graph",
    "serialize_jsonld",
    "serialize_rows",
    "serialize_turtle",
    "units_in_order",
]


def bind_prefixes(graph: Graph, extra: Mapping[str, str] = {}) -> None:
    for prefix, namespace in {**PREFIXES, **extra}.items():
        graph.bind(prefix, namespace, override=True, replace=True)


Triple = tuple[Any, Any, Any]
"""A triple: of the writer's terms (`names.IRI`, `PlainLiteral`), or of an rdflib graph's."""


class PlainLiteral(NamedTuple):
    """A literal the writer makes for oxigraph, kept as plain strings until it is serialised:
    an oxigraph literal holds its own copy of the text and costs some hundreds of bytes, and
    a plan of 100,000 tasks has two million literals; the text here is the model's own."""

    lexical: str
    language: str | None
    datatype: str | None


_XSD_BOOLEAN = str(XSD.boolean)
_XSD_INTEGER = str(XSD.integer)
_XSD_DATE = str(XSD.date)


def plain_literal(
    value: object, lang: str | None = None, datatype: str | None = None
) -> PlainLiteral:
    """The lexical form, language and datatype rdflib's `Literal` gives the same arguments,
    for the Python types the writer uses (str, bool, int, date)."""
    if lang is not None:
        return PlainLiteral(cast(str, value), lang, None)
    if datatype is not None:
        return PlainLiteral(str(value), None, str(datatype))
    if isinstance(value, str):
        return PlainLiteral(value, None, None)
    if isinstance(value, bool):
        return PlainLiteral("true" if value else "false", None, _XSD_BOOLEAN)
    if isinstance(value, int):
        return PlainLiteral(str(value), None, _XSD_INTEGER)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return PlainLiteral(value.isoformat(), None, _XSD_DATE)
    raise ExportError(f"no RDF literal for {type(value).__name__} {value!r}")


def _ox_literal(value: object, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    """The oxigraph literal of `plain_literal`."""
    return cast(ox.Literal, _converter()(plain_literal(value, lang, datatype)))


@cache
def _context_text() -> str:
    return (resources.files("fgf_opendata") / "data" / "context.jsonld").read_text("utf-8")


def jsonld_context() -> dict[str, Any]:
    """A JSON-LD `@context` with the project's prefixes (packaged as `data/context.jsonld`),
    to compact the expanded JSON-LD files with a JSON-LD processor, e.g. pyld's
    `jsonld.compact(document, {"@context": jsonld_context()})`."""
    return cast(dict[str, Any], json.loads(_context_text())["@context"])


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


def prefixed_name(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """`prefix:local` for an IRI whose namespace (up to its last / or #) is in `prefixes`
    (prefix -> namespace), else None."""
    namespace, local = _split(iri)
    for prefix, candidate in prefixes.items():
        if candidate == namespace and local:
            return f"{prefix}:{local}"
    return None


def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as oxigraph's (only an rdflib graph has them: rdflib is loaded)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term, language=term.language)
        if term.datatype:
            return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise ExportError(f"{term!r} is not an RDF term that can be serialised")


def ox_rows(triples: Iterable[Triple]) -> list[ox.Triple]:
    """The triples (the writer's terms, or an rdflib graph's) as oxigraph triples,
    in the order given (`in_order` sorts them)."""
    term = _converter()
    try:
        return [ox.Triple(term(s), term(p), term(o)) for s, p, o in triples]
    except ValueError as error:
        raise ExportError(f"cannot serialise the graph: {error}") from None


def _converter() -> Callable[[Any], Any]:
    """The writer's terms and rdflib's to oxigraph terms; each distinct IRI (datatypes included)
    is converted once: subjects, predicates and classes recur many times."""
    iris: dict[Any, ox.NamedNode] = {}

    def named(iri: Any) -> ox.NamedNode:
        found = iris.get(iri)
        if found is None:
            found = iris[iri] = ox.NamedNode(iri)
        return found

    def term(node: Any) -> Any:
        found = iris.get(node)  # most terms are IRIs seen before: one lookup
        if found is not None:
            return found
        kind = type(node)
        if kind is IRI:
            return named(node)
        if kind is PlainLiteral:
            if node.language is not None:
                return ox.Literal(node.lexical, language=node.language)
            if node.datatype is not None:
                return ox.Literal(node.lexical, datatype=named(node.datatype))
            return ox.Literal(node.lexical)
        converted = _ox_term(node)
        if isinstance(converted, ox.NamedNode):
            iris[node] = converted
        return converted

    return term


Groups = dict[Any, list[Any]]
"""Subject -> its predicates and objects, flat: [p1, o1, p2, o2, ...] (a tuple per triple
would cost four times the memory of the two references)."""


def grouper(groups: Groups) -> Callable[[Triple], None]:
    """An `add` that puts each triple into `groups`, in the order given."""

    def add(triple: Triple) -> None:
        subject, predicate, value = triple
        group = groups.get(subject)
        if group is None:
            groups[subject] = [predicate, value]
        else:
            group += (predicate, value)

    return add


def _by_subject(triples: Iterable[Triple]) -> Groups:
    groups: Groups = {}
    add = grouper(groups)
    for triple in triples:
        add(triple)
    return groups


def in_order(groups: Groups) -> Iterator[ox.Triple]:
    """The triples of the groups (`grouper`), without duplicates, as oxigraph triples in
    N-Triples order, consuming the groups.

    N-Triples order is the order of the lines `<s> <p> o .`; since no subject's N-Triples form
    is a proper prefix of another's (an IRI ends at its `>`, a blank node label before a
    space), it is the order of the subjects' forms, then of the lines within each subject.
    So only the subjects are sorted as a whole, and each subject's triples become oxigraph
    triples (each holding copies of its three terms) only when their turn comes: a plan of
    100,000 tasks has some five million triples, which would not fit in memory at once.
    """
    term = _converter()
    try:
        subjects = sorted(groups, key=lambda subject: str(term(subject)))
        for subject in subjects:
            node = term(subject)
            flat = groups.pop(subject)
            rows = [
                ox.Triple(node, term(p), term(o))
                for p, o in dict.fromkeys(zip(flat[::2], flat[1::2], strict=True))
            ]
            rows.sort(key=str)
            yield from rows
    except ValueError as error:
        raise ExportError(f"cannot serialise the graph: {error}") from None


Add = Callable[[Triple], object]
"""Where the writer hands each triple it makes."""

Unit = tuple[str, Callable[[Add], None]]
"""An IRI, and what writes the triples of its unit into an `add` (`outputs.triple_units`):
the subject of each is the IRI or starts with the IRI and `/` (every subject, for IRI "")."""

Row = tuple[Any, Any, ox.Triple]
"""A triple's predicate and object as the writer made them, and as an oxigraph triple."""

_CACHED_IRIS = 16384
"""How many IRIs' oxigraph terms are kept to be used again (predicates, classes, agencies)."""


def units_in_order(units: Sequence[Unit]) -> Iterator[tuple[str, list[Row]]]:
    """Every subject of the units' triples with its triples, without duplicates, in the
    N-Triples order of `in_order`, each unit written once and grouped apart from the rest.

    The subjects of a unit sort between its IRI followed by `/` and its IRI (`<iri/...>` comes
    before `<iri>`, and so do the units whose IRI extends it by a character below `>`): the
    units wait in a heap under that bound, and each is written only when its bound comes up,
    then waits there with its subjects, sorted, until they come up. Only the units whose
    subjects are still to come are in memory: a few for a plan of 100,000 tasks, not its five
    million triples. A unit that writes a subject outside its IRI raises `ExportError` (a bug).
    """
    heap: list[tuple[str, int]] = [
        (f"{iri}/" if iri else "", index) for index, (iri, _) in enumerate(units)
    ]
    heapq.heapify(heap)
    waiting: dict[int, tuple[list[Any], dict[Any, list[Triple]]]] = {}
    term = _RowMaker()
    last = ""
    while heap:
        key, index = heapq.heappop(heap)
        found = waiting.pop(index, None)
        if found is None:
            groups: dict[Any, list[Triple]] = {}

            def add(triple: Triple, groups: dict[Any, list[Triple]] = groups) -> None:
                found = groups.get(triple[0])
                if found is None:
                    groups[triple[0]] = [triple]
                else:
                    found.append(triple)

            units[index][1](add)
            subjects: list[Any] = sorted(groups, key=lambda subject: f"{subject}>")
            subjects.reverse()
            found = (subjects, groups)
        subjects, groups = found
        top = heap[0][0] if heap else None
        while subjects:
            subject = subjects[-1]
            key = f"{subject}>"
            if top is not None and key > top:
                heapq.heappush(heap, (key, index))
                waiting[index] = found
                break
            if key <= last:
                raise ExportError(f"<{subject}> is written by two units, or out of its unit")
            last = key
            subjects.pop()
            yield subject, term.rows(subject, groups.pop(subject))


class _RowMaker:
    """oxigraph triples of a subject's predicates and objects, sorted as N-Triples lines.

    The line is `<s> <p> o .`, so the order is that of `p>`, then of the object's N-Triples
    form. The writer gives the subjects of a plan a few dozen shapes (the predicates in writing
    order: a span's selector, an attribution, a task with two actors, ...), so the order of a
    shape's predicates is worked out once (`_Shape`); only where a predicate repeats are the
    objects compared, and only there can a triple repeat."""

    def __init__(self) -> None:
        self.iris: dict[Any, ox.NamedNode] = {}
        self.shapes: dict[tuple[Any, ...], _Shape] = {}

    def iri(self, iri: str) -> ox.NamedNode:
        """The oxigraph IRI, kept a while: a node's IRI is the object of its parent's and its
        neighbours' triples, and the subject of its own, all near each other in the order."""
        found = self.iris.get(iri)
        if found is None:
            if len(self.iris) >= _CACHED_IRIS:
                self.iris.clear()
            found = self.iris[iri] = ox.NamedNode(iri)
        return found

    def shape(self, predicates: tuple[Any, ...]) -> _Shape:
        if len(self.shapes) >= _CACHED_SHAPES:
            self.shapes.clear()
        found = self.shapes[predicates] = _shape(predicates)
        return found

    def rows(self, subject: str, triples: list[tuple[Any, Any, Any]]) -> list[Row]:
        iri = self.iri
        known = self.iris.get
        predicates = tuple([triple[1] for triple in triples])
        order, repeats = self.shapes.get(predicates) or self.shape(predicates)
        made: list[Row] = []
        append = made.append
        try:
            node = known(subject) or iri(subject)
            for index in order:
                _, predicate, value = triples[index]
                if type(value) is PlainLiteral:
                    if value.language is not None:
                        term: Any = ox.Literal(value.lexical, language=value.language)
                    elif value.datatype is not None:
                        term = ox.Literal(
                            value.lexical, datatype=known(value.datatype) or iri(value.datatype)
                        )
                    else:
                        term = ox.Literal(value.lexical)
                elif type(value) is IRI:
                    term = known(value) or iri(value)
                else:
                    term = _ox_term(value)
                append(
                    (predicate, value, ox.Triple(node, known(predicate) or iri(predicate), term))
                )
        except ValueError as error:
            raise ExportError(f"cannot serialise the graph: {error}") from None
        for start, end in repeats:  # from the last, so that the earlier runs keep their places
            run = {row[1]: row for row in made[start:end]}  # one row per object: no duplicates
            made[start:end] = sorted(run.values(), key=_object_form)
        return made


_CACHED_SHAPES = 4096
"""How many shapes of subjects (`_Shape`) are kept: a plan has a few dozen."""


class _Shape(NamedTuple):
    """The order of a subject's triples, from the predicates in writing order alone."""

    order: tuple[int, ...]
    """Indexes of the triples, sorted by `p>`, in writing order where predicates are equal."""
    repeats: tuple[tuple[int, int], ...]
    """The runs of `order` with one predicate, last first: their objects are still to sort."""


def _shape(predicates: tuple[Any, ...]) -> _Shape:
    keys = [f"{predicate}>" for predicate in predicates]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    repeats: list[tuple[int, int]] = []
    start = 0
    for end in range(1, len(order) + 1):
        if end == len(order) or keys[order[end]] != keys[order[start]]:
            if end - start > 1:
                repeats.append((start, end))
            start = end
    return _Shape(tuple(order), tuple(reversed(repeats)))


def _object_form(row: Row) -> str:
    _, value, triple = row
    return f"<{value}>" if type(value) is IRI else str(triple.object)


def serialize_rows(
    rows: Iterable[ox.Triple] | Iterable[ox.Quad],
    format: ox.RdfFormat,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Triples (`ox_rows`, `in_order`) through oxigraph's serializer for `format`.

    Written into a `BytesIO`, whose bytes `getvalue` hands over without a copy: the bytes oxigraph
    returns itself are copied out of its buffer, twice the file (600 MB of JSON-LD for a plan of
    100,000 tasks) at once."""
    out = io.BytesIO()
    ox.serialize(rows, out, format=format, prefixes=dict(prefixes or {}))
    return out.getvalue()


def serialize_turtle(graph: Graph) -> bytes:
    """Turtle, UTF-8: one block per subject, sorted; the graph's bound prefixes are used."""
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    return serialize_rows(in_order(_by_subject(graph)), ox.RdfFormat.TURTLE, prefixes)


def serialize_jsonld(graph: Graph) -> bytes:
    """Compacted JSON-LD 1.1, UTF-8 (`jsonld.jsonld_chunks`): one node object per subject, in
    the N-Triples order of the subjects, the graph's bound prefixes as its embedded context,
    so reading it fetches nothing."""
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    return b"".join(jsonld_chunks(in_order(_by_subject(graph)), prefixes))


def rdflib_graph(triples: Iterable[Triple], prefixes: Mapping[str, str] = {}) -> Graph:
    """An rdflib graph of the triples, the vocabularies' prefixes and `prefixes` bound: where
    the writer's terms (`names.IRI`, `PlainLiteral`) become rdflib's, each distinct one once
    (half a plan's literals repeat: positions, flags, cited names)."""
    from rdflib import Graph, Literal

    from .vocab import uri

    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, prefixes)
    made: dict[Any, Any] = {}

    def term(node: Any) -> Any:
        found = made.get(node)
        if found is not None:
            return found
        kind = type(node)
        if kind is IRI:
            found = made[node] = uri(node)
            return found
        if kind is PlainLiteral:
            found = made[node] = Literal(node.lexical, lang=node.language, datatype=node.datatype)
            return found
        return node

    add = graph.add
    for subject, predicate, value in triples:
        add((term(subject), term(predicate), term(value)))
    return graph


def parse_turtle(data: bytes | str) -> Graph:
    """A graph from Turtle text."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph)
    return graph.parse(data=data, format="turtle")


def _remote_contexts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                items = item if isinstance(item, list) else [item]
                yield from (i for i in items if isinstance(i, str))
                yield from (i["@import"] for i in items if isinstance(i, dict) and "@import" in i)
            yield from _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _remote_contexts(item)


def parse_jsonld(data: bytes | str) -> Graph:
    """A graph from JSON-LD whose context is embedded; a remote context raises `ExportError`
    instead of being fetched."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    document = json.loads(text)
    remote = next(_remote_contexts(document), None)
    if remote is not None:
        raise ExportError(f"JSON-LD names a remote context ({remote}); it is never fetched")
    from rdflib import Graph

    parsed = Graph(bind_namespaces="none")
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        parsed.parse(data=text, format="json-ld")
    # The parser binds rdflib's own prefixes into its store as well: the graph returned has
    # the project's prefixes and the document's, as `parse_turtle` has.
    graph = Graph(bind_namespaces="none")
    graph += parsed
    context = document.get("@context") if isinstance(document, dict) else None
    declared = {
        prefix: iri
        for prefix, iri in (context.items() if isinstance(context, dict) else ())
        if isinstance(iri, str) and not prefix.startswith("@")
    }
    bind_prefixes(graph, declared)
    return graph


def describe_difference(expected: Graph, actual: Graph, limit: int = 20) -> str:
    """'' when the graphs are isomorphic, else the triples only in one or the other."""
    from rdflib.compare import graph_diff, isomorphic

    if isomorphic(expected, actual):
        return ""
    _, only_expected, only_actual = graph_diff(expected, actual)

    def lines(graph: Iterable[tuple[Node, Node, Node]], sign: str) -> list[str]:
        rows = sorted(" ".join(term.n3() for term in triple) for triple in graph)
        return [f"{sign} {row}" for row in rows[:limit]]

    return "\n".join(
        [
            (
                f"{len(only_expected)} triples only in the first graph, "
                f"{len(only_actual)} only in the second:"
            ),
            *lines(only_expected, "-"),
            *lines(only_actual, "+"),
        ]
    )
