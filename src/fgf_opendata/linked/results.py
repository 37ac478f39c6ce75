"""The answer to a SPARQL query (`QueryTable`) and how it is printed (`format_table`): an
aligned text table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Graph
from rdflib import Literal as RDFLiteral
from rdflib.term import BNode, Node, URIRef

from .bounds import OutputFormat
from .vocab import XSD

__all__ = ["OutputFormat", "QueryTable", "format_table"]

_INTEGERS = frozenset(
    {XSD.integer, XSD.nonNegativeInteger}
    | {URIRef(f"{XSD._NS}{t}") for t in ("int", "long", "short", "positiveInteger")}
)
"""The integer datatypes whose values JSON prints as numbers (other literals are strings)."""


@dataclass(frozen=True)
class QueryTable:
    """The answer to a query: column names and rows of RDF terms (None where unbound).

    ASK gives one column `ask`; CONSTRUCT and DESCRIBE give `subject`, `predicate`, `object`.
    `complete` is False when the answer had more rows than the row limit and only the first
    ones are here.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    complete: bool = True


def _plain(term: Node | None) -> str:
    return "" if term is None else str(term)


def _short(term: Node | None, graph: Graph | None) -> str:
    if isinstance(term, URIRef) and graph is not None:
        from .syntax import prefixed_name

        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
        return prefixed_name(term, prefixes) or str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return _plain(term)


def _json_value(term: Node | None) -> Any:
    if isinstance(term, RDFLiteral):
        if term.datatype in _INTEGERS:
            value = term.toPython()
            return value if isinstance(value, int) else str(term)
        if term.datatype == XSD.boolean:
            return bool(term.toPython())
    return None if term is None else str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029]")


def _one_line(cell: str) -> str:
    """A cell of the aligned table on one line: each line break shown as ↵ (the CSV and JSON
    formats keep the text as it is)."""
    return _LINE_BREAK.sub("↵", cell)


def _aligned(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    rows = [[_one_line(cell) for cell in row] for row in rows]
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
