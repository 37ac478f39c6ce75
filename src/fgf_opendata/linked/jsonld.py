"""The plan graph as compacted JSON-LD that people read and JSON-LD tools frame.

The document embeds its context (the project's prefixes, plus `plan:`, `agency:` and `group:`
for the plan's own IRIs), so reading it fetches nothing; `context_document` is the same
context as a file of the package (`linked/context.jsonld`). Every node object carries its
classes as `@type`; IRIs are prefixed names where a prefix covers them; integers and booleans
are JSON numbers and booleans (JSON-LD reads them back as `xsd:integer` and `xsd:boolean`);
plain strings are JSON strings; every other literal keeps its datatype or language.

The nodes come from triples grouped by subject, in the order given (the Turtle's order), one
node object per line: the document is written as it is made, never held whole, and reads as a
diff line by line. `jsonld_chunks` makes it from oxigraph's triples (a graph's, `syntax`);
`NodeWriter` from the terms the writer makes, beside the Turtle of the same triples, which
saves making every literal twice and reading the Turtle back (`outputs`). Tests prove the two
byte for byte the same (tests/test_linked_units.py), and expand the document offline with pyld
into a graph isomorphic to the Turtle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, BinaryIO, cast

import pyoxigraph as ox

from .names import RDF, XSD

__all__ = ["NodeWriter", "context_document", "jsonld_chunks", "node_objects"]

_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_XSD_INTEGER = str(XSD.integer)
_XSD_BOOLEAN = str(XSD.boolean)
_LARGEST_EXACT = 2**53
"""Integers beyond this are kept as typed strings: a JSON reader may hold numbers as doubles."""


class _Compactor:
    """Full IRIs to prefixed names, by the longest namespace that covers them."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.known: dict[str, str] = {}
        # One match finds the longest namespace (the alternatives are tried in this order).
        self.longest = re.compile(
            "|".join(f"({re.escape(namespace)})" for _, namespace in self.prefixes)
        ).match

    def __call__(self, iri: str) -> str:
        found = self.known.get(iri)
        if found is None:
            found = self.known[iri] = self.once(iri)
        return found

    def once(self, iri: str) -> str:
        """Compacted without keeping it: for IRIs that come up once or twice (the nodes')."""
        found = self.longest(iri) if self.prefixes else None
        if found is not None:
            local = iri[found.end() :]
            if local and local[:2] != "//":
                return f"{self.prefixes[cast(int, found.lastindex) - 1][0]}:{local}"
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                # "prefix:" alone, or a suffix that reads as an authority, expands otherwise.
                if local and not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri


def _literal(literal: ox.Literal, compact: _Compactor) -> Any:
    if literal.language is not None:
        return {"@value": literal.value, "@language": literal.language}
    return _typed(literal.value, literal.datatype.value, compact)


def _typed(lexical: str, datatype: str, compact: _Compactor) -> Any:
    if datatype == _XSD_STRING:
        return lexical
    if datatype == _XSD_BOOLEAN and lexical in ("true", "false"):
        return lexical == "true"
    if datatype == _XSD_INTEGER:
        try:
            number = int(lexical)
        except ValueError:
            number = None
        # Native only when reading it back gives the same lexical form: "007" stays typed.
        if number is not None and str(number) == lexical and abs(number) < _LARGEST_EXACT:
            return number
    return {"@value": lexical, "@type": compact(datatype)}


def _term(term: Any, compact: _Compactor) -> Any:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    return _literal(term, compact)


def _subject(term: Any, compact: _Compactor) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


def node_objects(
    triples: Iterable[ox.Triple], prefixes: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    """One compacted node object per run of triples with the same subject, in order.

    A subject whose triples are not consecutive gives two node objects; JSON-LD merges them
    when it reads the document, so the graph is the same."""
    compact = _Compactor(prefixes)
    node: dict[str, Any] | None = None
    current: Any = None
    for triple in triples:
        subject = triple.subject
        if node is None or subject != current:
            if node is not None:
                yield _types_first(node)
            current = subject
            node = {"@id": _subject(subject, compact)}
        predicate = triple.predicate.value
        if predicate == _RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            key, value = "@type", compact(triple.object.value)
        else:
            key, value = compact(predicate), _term(triple.object, compact)
        known = node.get(key)
        if known is None:
            node[key] = value
        elif isinstance(known, list):
            known.append(value)
        else:
            node[key] = [known, value]
    if node is not None:
        yield _types_first(node)


def _types_first(node: dict[str, Any]) -> dict[str, Any]:
    if "@type" not in node:
        return node
    return {"@id": node.pop("@id"), "@type": node.pop("@type"), **node}


class NodeWriter:
    """The compacted JSON-LD document of `jsonld_chunks`, written into `out` node by node
    from the predicates and objects the writer makes (IRIs as `str`, literals as
    `syntax.PlainLiteral`-like `(lexical, language, datatype)`), not from oxigraph's triples:
    a test proves it byte for byte the document of `jsonld_chunks` on the same triples."""

    def __init__(self, out: BinaryIO, prefixes: Mapping[str, str]) -> None:
        self.out = out
        self.compact = _Compactor(prefixes)
        self.is_type = self.compact(_RDF_TYPE)
        self.recent: dict[str, dict[str, str]] = {}
        self.languages: dict[str, str] = {}
        self.encode = _node_encoder()
        self.pieces: list[str] = [_head(prefixes)]
        self.size = 0
        self.separator = "\n    "

    def node(self, subject: str, rows: Iterable[tuple[str, Any, Any]]) -> None:
        """Adds the node object of `subject`: the predicates and objects of its triples (the
        first two of each row), in order."""
        compact = self.compact
        compacted = compact.known.get
        recent = self.recent.get
        languages = self.languages
        is_type = self.is_type
        # `@type` comes right after `@id` (`_types_first`): its place is kept from the start.
        # The subject's reference is kept: its parent, written after it, refers to it.
        node: dict[str, Any] = {"@id": self.reference(subject)["@id"], "@type": None}
        item: Any
        for predicate, value, _ in rows:
            key = compacted(predicate) or compact(predicate)
            if isinstance(value, str):
                if key == is_type:
                    key, item = "@type", compacted(value) or compact(value)
                else:
                    item = recent(value) or self.reference(value)
            else:
                lexical, language, datatype = value
                if language is not None:
                    lowered = languages.get(language) or languages.setdefault(
                        language, language.lower()
                    )
                    item = {"@value": lexical, "@language": lowered}
                elif datatype is None:
                    item = lexical
                elif datatype == _XSD_INTEGER and _SHORT_NUMBER(lexical):
                    item = int(lexical)  # what `_typed` makes of it, sooner
                else:
                    item = _typed(lexical, datatype, compact)
            known = node.get(key)
            if known is None:
                node[key] = item
            elif type(known) is list:
                known.append(item)
            else:
                node[key] = [known, item]
        if node["@type"] is None:
            del node["@type"]
        piece = self.separator + "".join(self.encode(node, 0))
        self.separator = ",\n    "
        self.pieces.append(piece)
        self.size += len(piece)
        if self.size >= 65536:
            self.flush()

    def reference(self, iri: str) -> dict[str, str]:
        """`{"@id": ...}` of an IRI, kept a while: a node is referred to by its parent soon
        after its own node object, and the parent of many, the source file of every span, an
        agency, a concept of the vocabulary come up again and again."""
        if len(self.recent) >= _RECENT:
            self.recent.clear()
        found = self.recent[iri] = {"@id": self.compact.once(iri)}
        return found

    def flush(self) -> None:
        self.out.write("".join(self.pieces).encode("utf-8"))
        self.pieces, self.size = [], 0

    def close(self) -> None:
        """Ends the document."""
        self.pieces.append(_TAIL)
        self.flush()


_TAIL = "\n  ]\n}\n"
_RECENT = 8192
_SHORT_NUMBER = re.compile(r"0|[1-9][0-9]{0,14}").fullmatch
"""An `xsd:integer` in its canonical form and below 2**53: a JSON number (as in `_typed`)."""


def _node_encoder() -> Callable[[Any, int], Sequence[str]]:
    """The pieces of a node object's JSON, compact and unescaped, as `json.dumps(node,
    ensure_ascii=False, separators=(",", ":"))` writes it: the C encoder `json.dumps` makes
    for every call, made once (a third of the cost of a small node)."""
    if c_make_encoder is None:  # a Python without the C accelerator
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        return lambda node, _: (encode(node),)
    default = json.JSONEncoder().default
    made = c_make_encoder(None, default, encode_basestring, None, ":", ",", False, False, True)
    return cast(Callable[[Any, int], Sequence[str]], made)


def _head(prefixes: Mapping[str, str]) -> str:
    context = json.dumps(context_document(prefixes)["@context"], ensure_ascii=False, indent=2)
    return '{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": ['


def context_document(prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The `@context` the document embeds, as a document of its own."""
    return {"@context": dict(sorted(prefixes.items()))}


def jsonld_chunks(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> Iterator[bytes]:
    """The compacted JSON-LD document of the triples, UTF-8, in pieces of about 64 KiB: the
    context, then `@graph` with one node object per line."""
    head = _head(prefixes)
    pieces: list[str] = [head]
    size = len(head)
    separator = "\n    "
    for node in node_objects(triples, prefixes):
        piece = separator + json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        separator = ",\n    "
        pieces.append(piece)
        size += len(piece)
        if size >= 65536:
            yield "".join(pieces).encode("utf-8")
            pieces, size = [], 0
    pieces.append(_TAIL)
    yield "".join(pieces).encode("utf-8")
