"""SPARQL over a published plan graph: `fgf query`.

`load_graph` reads a package's `linked/plan.ttl` (or a .ttl / .jsonld file), `run_query` runs a
query with rdflib and returns a `QueryTable`, and `format_table` prints it as an aligned text
table, CSV or JSON. The vocabulary prefixes of `fgf_opendata.vocab.PREFIXES` are predeclared, so
short queries may leave out their PREFIX lines. Example queries ship in `data/queries/*.rq`
(the README shows the same files).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph
from rdflib import Literal as RDFLiteral
from rdflib.term import BNode, Node, URIRef

from .errors import ExportError, FgfError
from .vocab import PREFIXES, XSD

__all__ = [
    "DEFAULT_GRAPH",
    "OutputFormat",
    "QueryError",
    "QueryTable",
    "example_names",
    "example_query",
    "format_table",
    "load_graph",
    "resolve_query",
    "run_query",
]

DEFAULT_GRAPH = Path("datapackage/linked/plan.ttl")
"""What `fgf query` reads when no path is given."""

OutputFormat = Literal["table", "csv", "json"]

_INTEGERS = frozenset(
    {XSD.integer, XSD.nonNegativeInteger}
    | {URIRef(f"{XSD._NS}{t}") for t in ("int", "long", "short", "positiveInteger")}
)


class QueryError(FgfError):
    """Raised when a SPARQL query cannot be read or run, or an example query does not exist."""

    code = "query-error"


@dataclass(frozen=True)
class QueryTable:
    """The answer to a query: column names and rows of RDF terms (None where unbound).

    ASK gives one column `ask`; CONSTRUCT and DESCRIBE give `subject`, `predicate`, `object`.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


def _queries() -> Any:
    return resources.files("fgf_opendata") / "data" / "queries"


def example_names() -> tuple[str, ...]:
    """The names of the packaged example queries (`data/queries/<name>.rq`)."""
    return tuple(sorted(f.name[:-3] for f in _queries().iterdir() if f.name.endswith(".rq")))


def example_query(name: str) -> str:
    """The text of a packaged example query."""
    if name not in example_names():
        raise QueryError(f"no example query {name!r}; there are: {', '.join(example_names())}")
    return str((_queries() / f"{name}.rq").read_text("utf-8"))


def resolve_query(
    sparql: str | None, path: str | None, example: str | None
) -> tuple[str, str | None]:
    """(query text, graph path) from `fgf query`'s arguments.

    With `--example`, the one positional argument is the path. A SPARQL argument that names an
    existing `.rq` file is read from it.
    """
    if example is not None:
        if path is not None:
            raise QueryError("give a SPARQL query or --example NAME, not both")
        return example_query(example), sparql
    if sparql is None:
        raise QueryError("no query: give SPARQL text, a .rq file or --example NAME")
    if sparql.endswith(".rq") and Path(sparql).is_file():
        return Path(sparql).read_text(encoding="utf-8"), path
    return sparql, path


def load_graph(path: Path) -> Graph:
    """The graph in a .ttl or .jsonld file, or in a package folder's `linked/plan.ttl`."""
    from .rdf import parse_jsonld, parse_turtle

    if path.is_dir():
        candidates = (path / "linked" / "plan.ttl", path / "plan.ttl")
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise ExportError(f"{path} has no linked/plan.ttl: is it a package folder?")
        path = found
    if not path.is_file():
        raise ExportError(f"{path} does not exist (build the package with `fgf build` first)")
    suffix = path.suffix.lower()
    try:
        if suffix == ".ttl":
            return parse_turtle(path.read_bytes())
        if suffix in (".jsonld", ".json"):
            return parse_jsonld(path.read_bytes())
    except (SyntaxError, ValueError) as exc:
        raise ExportError(f"cannot read {path}: {exc}") from exc
    raise ExportError(f"{path}: expected a .ttl or .jsonld file, or a package folder")


def run_query(sparql: str, graph: Graph) -> QueryTable:
    """Runs a SPARQL 1.1 query; raises `QueryError` when it does not parse or evaluate."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
        result = graph.query(prepared)
    except Exception as exc:  # pyparsing and the evaluator raise many unrelated types
        raise QueryError(f"SPARQL: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    if result.type == "ASK":
        return QueryTable(("ask",), ((RDFLiteral(bool(result.askAnswer)),),))
    if result.type == "SELECT":
        names = tuple(str(v) for v in result.vars or ())
        return QueryTable(names, tuple(tuple(row) for row in result))  # type: ignore[arg-type]
    triples = sorted(result.graph or (), key=lambda t: tuple(term.n3() for term in t))
    return QueryTable(("subject", "predicate", "object"), tuple(tuple(t) for t in triples))


def _plain(term: Node | None) -> str:
    return "" if term is None else str(term)


def _short(term: Node | None, graph: Graph | None) -> str:
    if isinstance(term, URIRef) and graph is not None:
        from .rdf import prefixed_name

        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
        return prefixed_name(term, prefixes) or str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return _plain(term)


def _json_value(term: Node | None) -> Any:
    if isinstance(term, RDFLiteral):
        if term.datatype in _INTEGERS:
            return int(term)
        if term.datatype == XSD.boolean:
            return bool(term.toPython())
    return None if term is None else str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _aligned(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [_width(c) for c in columns]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (cell + " " * (w - _width(cell)) for cell, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_table(table: QueryTable, fmt: OutputFormat = "table", graph: Graph | None = None) -> str:
    """The answer as text: an aligned table (IRIs shortened with `graph`'s prefixes), CSV with
    full IRIs, or JSON (a list of objects; integers and booleans as JSON values)."""
    if fmt == "table":
        return _aligned(table.columns, [[_short(t, graph) for t in row] for row in table.rows])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([_plain(t) for t in row] for row in table.rows)
        return buffer.getvalue()
    records = [
        {name: _json_value(term) for name, term in zip(table.columns, row, strict=True)}
        for row in table.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
