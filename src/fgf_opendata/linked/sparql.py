"""SPARQL over one published plan graph and nothing else, within a time, row and memory limit.

`run_query` runs a query with rdflib (or with pyoxigraph over a corpus's indexed store, a
`StoreGraph`) and returns a `QueryTable`; `format_table` prints it as an
aligned text table, CSV or JSON. The vocabulary prefixes of `linked.vocab.PREFIXES` are
predeclared, so short queries may leave out their PREFIX lines.

A query reads the one graph it is given and nothing else. Before anything is evaluated the
parsed algebra is searched for what would reach beyond it (SERVICE, FROM, FROM NAMED, GRAPH),
which is refused, so a SERVICE inside a comment or a string is harmless and a nested one is
not. The query then runs in a child process that is killed at the time limit (a thread cannot
be stopped, and a regular expression backtracking in C never returns to Python), forbids
itself any network connection, and stops reading the answer at the row limit plus one, so a
cross product neither hangs nor fills memory. Every error names the file involved and ends
with a stable code in brackets.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import math
import multiprocessing
import re
import signal
import sys
import time
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph
from rdflib import Literal as RDFLiteral
from rdflib.term import BNode, Node, URIRef, Variable

from ..errors import FgfError
from .vocab import PREFIXES, XSD

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "OutputFormat",
    "QueryError",
    "QueryTable",
    "StoreGraph",
    "format_table",
    "quiet_literals",
    "row_limit_error",
    "run_query",
]


DEFAULT_TIMEOUT = 30
"""Seconds a query may run before it is stopped (`fgf query --timeout`)."""

DEFAULT_MAX_ROWS = 10_000
"""Rows of an answer `fgf query` prints at most (`--max-rows`)."""

DEFAULT_MAX_MEMORY = 1 << 30
"""Bytes the query process may allocate beyond the graph it inherits (an ORDER BY over a cross
product must sort every row): past it the query fails with `query-memory`."""


OutputFormat = Literal["table", "csv", "json"]

_INTEGERS = frozenset(
    {XSD.integer, XSD.nonNegativeInteger}
    | {URIRef(f"{XSD._NS}{t}") for t in ("int", "long", "short", "positiveInteger")}
)
_INTEGER_TYPES = _INTEGERS | {
    URIRef(f"{XSD._NS}{t}")
    for t in (
        "byte",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedByte",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
    )
}
_BATCH = 500
_REGEX_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}
_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "urllib.Request",
        "http.client.connect",
    }
)


class QueryError(FgfError):
    """Raised when a SPARQL query cannot be read, is refused, or fails or overruns a bound while
    it runs, or an example query does not exist. `code` says which (`query-syntax`,
    `query-remote`, `query-dataset`, `query-timeout`, `query-row-limit`, ...); the message names
    the query file when there is one and ends with the code in brackets."""

    code = "query-error"

    def __init__(self, message: str, *, code: str | None = None, source: str | None = None):
        if code is not None:
            self.code = code
        self.message = message
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{message} [{self.code}]")


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


class _DropLiteralWarnings(logging.Filter):
    """rdflib logs a traceback for a literal it cannot convert (an integer of more than 4,300
    digits); the query reports such literals itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextmanager
def quiet_literals() -> Iterator[None]:
    """Within it, rdflib does not log the literals it cannot convert (see `_DropLiteralWarnings`)."""
    logger = logging.getLogger("rdflib.term")
    quiet = _DropLiteralWarnings()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


@dataclass(frozen=True)
class StoreGraph:
    """A graph in an on-disk pyoxigraph store (`linked.store`), to query in its place: the
    store is opened read-only in the query process, and the same refusals and bounds apply
    as to an rdflib graph."""

    path: Path


@dataclass(frozen=True)
class _Prepared:
    query: Any
    star: tuple[tuple[str, ...], frozenset[str]] | None  # see _star_columns
    text: str = ""


def _syntax_error(exc: Exception, label: str) -> QueryError:
    line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
    text = str(exc).split("  (at char")[0].splitlines()[0]
    where = f"line {line}, column {column}: " if line is not None else ""
    return QueryError(f"{where}syntax error: {text}", code="query-syntax", source=label)


def _nodes(root: Any, skip: frozenset[str] = frozenset()) -> Iterator[Any]:
    """Every node of a parse tree or algebra, depth first in document order, leaving out the
    subtrees of nodes named in `skip` (no recursion: a query may nest deeper than Python's
    stack)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue) and node.name in skip:
            continue
        yield node
        if isinstance(node, CompValue):
            stack.extend(reversed([v for k, v in node.items() if k not in ("_vars", "PV")]))
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(reversed(list(node)))
        elif isinstance(node, dict):
            stack.extend(reversed([*node.keys(), *node.values()]))


def _refuse_reaching_out(algebra: Any, label: str) -> None:
    """Refuse what would read anything but the given graph, before it is evaluated."""
    from rdflib.plugins.sparql.parserutils import CompValue

    for clause in algebra.get("datasetClause") or ():
        # CompValue.get returns the key itself for a missing one: test membership instead.
        named = "named" in clause and clause["named"] is not None
        which = f"FROM NAMED {clause['named'].n3()}" if named else f"FROM {clause['default'].n3()}"
        raise QueryError(
            f"{which}: a query reads only the graph it is given (PATH); leave out FROM and "
            "FROM NAMED, nothing is ever fetched",
            code="query-dataset",
            source=label,
        )
    for node in _nodes(algebra):
        if not isinstance(node, CompValue):
            if isinstance(node, RDFLiteral):
                _refuse_long_integer(node, label)
            continue
        if node.name == "ServiceGraphPattern":
            raise QueryError(
                f"SERVICE {node.term.n3()}: fgf query never reaches the network; "
                "a query reads only the graph it is given",
                code="query-remote",
                source=label,
            )
        if node.name == "Graph":
            raise QueryError(
                "GRAPH: the graph of a package has no named graphs; leave out GRAPH",
                code="query-dataset",
                source=label,
            )
        if node.name == "Builtin_REGEX" and isinstance(node.pattern, RDFLiteral):
            flags = str(node.flags) if isinstance(node.flags, RDFLiteral) else ""
            try:
                _compile(str(node.pattern), flags)
            except re.error as exc:
                raise QueryError(_regex_message(exc), code="query-regex", source=label) from exc


def _compile(pattern: str, flags: str) -> re.Pattern[str]:
    value = 0
    for flag in flags:
        value |= _REGEX_FLAGS.get(flag, 0)
    return re.compile(pattern, value)


def _regex_message(exc: re.error) -> str:
    pattern = exc.pattern if isinstance(exc.pattern, str) else repr(exc.pattern)
    return f"REGEX: invalid regular expression {pattern!r}: {exc.msg}"


def _refuse_long_integer(literal: RDFLiteral, label: str) -> None:
    if literal.datatype in _INTEGER_TYPES and literal.ill_typed:
        digits = sum(ch.isdigit() for ch in literal)
        if digits > sys.get_int_max_str_digits():
            raise QueryError(
                f"an integer of {digits} digits: more than the "
                f"{sys.get_int_max_str_digits()} digits a query can compute with",
                code="query-number-too-long",
                source=label,
            )


def _star_columns(parsed: Any) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """For SELECT *: the variables in the order the query first names them, and those it names
    only inside FILTER (NOT) EXISTS, which are not in scope (rdflib would make them columns)."""
    select = parsed[1]
    if getattr(select, "name", None) != "SelectQuery" or "projection" in select:
        return None
    order: dict[str, None] = {}
    exists = frozenset({"Builtin_EXISTS", "Builtin_NOTEXISTS"})
    for node in _nodes(select["where"], skip=exists):
        if isinstance(node, Variable):
            order.setdefault(str(node), None)
    named = {str(node) for node in _nodes(select["where"]) if isinstance(node, Variable)}
    return tuple(order), frozenset(named - set(order))


def _prepare(sparql: str, label: str | None) -> _Prepared:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    name = label or "SPARQL"
    try:
        with quiet_literals():
            parsed = parseQuery(sparql)
            star = _star_columns(parsed)
            query = translateQuery(parsed, None, dict(PREFIXES))
    except RecursionError as exc:
        raise QueryError(
            "the query is nested too deeply to read", code="query-too-deep", source=label
        ) from exc
    except Exception as exc:  # pyparsing and the translator raise many unrelated types
        raise _syntax_error(exc, name) from exc
    query._original_args = (sparql, dict(PREFIXES), None)
    _refuse_reaching_out(query.algebra, name)
    return _Prepared(query, star, sparql)


def _columns(names: tuple[str, ...], prepared: _Prepared) -> tuple[str, ...]:
    if prepared.star is None:
        return names
    # SELECT *: the order the query names them in (rdflib's is a set's)
    first = {name: i for i, name in enumerate(prepared.star[0])}
    shown = (n for n in names if n not in prepared.star[1])
    return tuple(sorted(shown, key=lambda n: (first.get(n, len(first)), n)))


def _batches(
    columns: tuple[str, ...], rows: Iterator[tuple[Node | None, ...]], max_rows: int | None
) -> Iterator[tuple[str, Any]]:
    yield "columns", columns
    batch: list[tuple[Node | None, ...]] = []
    for count, row in enumerate(rows, 1):
        batch.append(row)
        if len(batch) == _BATCH:
            yield "rows", batch
            batch = []
        if max_rows is not None and count > max_rows:
            break
    yield "rows", batch
    yield "done", None


def _rdflib_term(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term rdflib's own evaluator would give."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RDFLiteral(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == f"{XSD._NS}string":
            return RDFLiteral(term.value)
        return RDFLiteral(term.value, datatype=URIRef(datatype))
    return RDFLiteral(str(term))  # a quoted triple (RDF-star): its text


def _store_answer(
    store: StoreGraph, prepared: _Prepared, max_rows: int | None
) -> Iterator[tuple[str, Any]]:
    """`_answer` over an on-disk pyoxigraph store, opened read-only here."""
    import pyoxigraph as ox

    database = ox.Store.read_only(str(store.path))
    prefixes = {prefix: str(iri) for prefix, iri in PREFIXES.items()}
    result = database.query(prepared.text, prefixes=prefixes)
    # answers repeat their terms (dates, labels, agencies): each is converted once
    term = functools.lru_cache(maxsize=1 << 16)(_rdflib_term)
    if isinstance(result, ox.QueryBoolean):
        yield from _batches(("ask",), iter([(RDFLiteral(bool(result)),)]), max_rows)
        return
    if isinstance(result, ox.QuerySolutions):
        names = tuple(v.value for v in result.variables)
        columns = _columns(names, prepared)
        order = [names.index(c) for c in columns]
        rows = (tuple(term(s[i]) for i in order) for s in result)
        yield from _batches(columns, rows, max_rows)
        return
    triples = [tuple(term(t) for t in triple) for triple in result]
    triples.sort(key=lambda t: tuple(term.n3() if term is not None else "" for term in t))
    yield from _batches(("subject", "predicate", "object"), iter(triples), max_rows)


def _answer(
    graph: Graph | StoreGraph, prepared: _Prepared, max_rows: int | None
) -> Iterator[tuple[str, Any]]:
    """The answer as messages: ("columns", names), ("rows", batch)..., ("done", None). Stops
    after `max_rows` + 1 rows, consuming the evaluator lazily."""
    if isinstance(graph, StoreGraph):
        yield from _store_answer(graph, prepared, max_rows)
        return
    result = graph.query(prepared.query)
    if result.type == "ASK":
        yield "columns", ("ask",)
        yield "rows", [(RDFLiteral(bool(result.askAnswer)),)]
        yield "done", None
        return
    rows: Iterator[tuple[Node | None, ...]]
    if result.type == "SELECT":
        names = tuple(str(v) for v in result.vars or ())
        columns = _columns(names, prepared)
        order = [names.index(c) for c in columns]
        rows = (tuple(row[i] for i in order) for row in result)  # type: ignore[index]
    else:
        columns = ("subject", "predicate", "object")
        triples = sorted(result.graph or (), key=lambda t: tuple(term.n3() for term in t))
        rows = iter([tuple(t) for t in triples])
    yield from _batches(columns, rows, max_rows)


def _describe(exc: BaseException) -> tuple[str, str]:
    """(code, message) for an error raised while a query runs."""
    if isinstance(exc, re.error):
        return "query-regex", _regex_message(exc)
    if isinstance(exc, RecursionError):
        return "query-too-deep", "the query is nested too deeply to evaluate"
    if isinstance(exc, MemoryError):
        return "query-memory", "the query ran out of memory"
    if isinstance(exc, _NetworkRefusedError):
        return "query-remote", f"the query tried to reach the network ({exc}); refused"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        limit = sys.get_int_max_str_digits()
        return "query-number-too-long", f"a number of more than {limit} digits in the answer"
    return "query-evaluation", f"{type(exc).__name__}: {exc}".splitlines()[0]


class _NetworkRefusedError(RuntimeError):
    """Raised in the query process by its audit hook on any attempt to reach the network."""


def _no_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS:
        raise _NetworkRefusedError(event)


def _cap_memory(budget: int) -> None:
    """Limit this process's address space to what it has now plus `budget` (Linux)."""
    try:
        import os
        import resource

        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + budget
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits: the time limit still bounds the work


def _child(
    sender: Any,
    graph: Graph | StoreGraph,
    prepared: _Prepared,
    max_rows: int | None,
    timeout: float,
    max_memory: int | None,
) -> None:
    """The query process: evaluates, sends the answer in batches, and dies at its own alarm
    should the parent be gone."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(min(math.ceil(timeout) + 5, 1 << 30))
        sys.addaudithook(_no_network)
        sys.unraisablehook = lambda _: None  # generators a MemoryError tore down are not news
        if isinstance(graph, StoreGraph):  # Rust's own report of a failed allocation: noise
            import faulthandler
            import os

            faulthandler.disable()
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        if max_memory is not None:
            _cap_memory(max_memory)
        logging.disable(logging.WARNING)
        for message in _answer(graph, prepared, max_rows):
            sender.send(message)
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent as data
        sender.send(("error", _describe(exc)))
    finally:
        sender.close()


def _in_child(
    graph: Graph | StoreGraph,
    prepared: _Prepared,
    max_rows: int | None,
    timeout: float,
    max_memory: int | None,
    label: str,
) -> Generator[tuple[str, Any], None, None]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    process = context.Process(
        target=_child,
        args=(sender, graph, prepared, max_rows, timeout, max_memory),
        daemon=True,
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                raise QueryError(
                    f"query stopped after {timeout:g} s, its time limit "
                    "(raise it with --timeout SECONDS, 0 for none)",
                    code="query-timeout",
                    source=label,
                )
            try:
                message = receiver.recv()
            except EOFError:
                process.join(1)
                if isinstance(graph, StoreGraph) and process.exitcode == -signal.SIGABRT:
                    # pyoxigraph aborts the process when an allocation fails (Rust's rule)
                    raise QueryError(
                        "the query ran out of memory", code="query-memory", source=label
                    ) from None
                raise QueryError(
                    f"the query process ended without an answer (exit code {process.exitcode})",
                    code="query-crashed",
                    source=label,
                ) from None
            yield message
            if message[0] in ("done", "error"):
                return
    finally:
        receiver.close()
        process.kill()
        process.join()


def run_query(
    sparql: str,
    graph: Graph | StoreGraph,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    source: str | None = None,
) -> QueryTable:
    """Runs a SPARQL 1.1 query over `graph` alone; raises `QueryError` when it does not parse,
    reaches beyond the graph (SERVICE, FROM, GRAPH), fails, or runs past `timeout` seconds.
    At most `max_rows` rows are kept (`complete` False when there were more), and the query may
    allocate `max_memory` bytes beyond the address space the process has when it starts (an
    RLIMIT_AS on Linux, with the time limit: heap a long-running caller freed but still maps
    is reused beyond it, so `fgf query`, a fresh process, is bounded tightest). `None` removes a
    bound; `source` (the query file) is named in errors. `graph` may be a `StoreGraph`: the
    query is then evaluated by pyoxigraph over the store, after the same refusals.

    With a time limit the query runs in a forked child process; with `timeout=None`, or where
    there is no fork (Windows), it runs in this one and only the row limit applies.
    """
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise QueryError(f"the time limit must be a positive number of seconds, not {timeout}")
    prepared = _prepare(sparql, source)
    label = source or "SPARQL"
    if timeout is not None and "fork" in multiprocessing.get_all_start_methods():
        messages = _in_child(graph, prepared, max_rows, timeout, max_memory, label)
    else:  # no time limit, or no fork (Windows): evaluate here
        messages = _in_process(graph, prepared, max_rows)
    columns: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = []
    with quiet_literals(), closing(messages):
        for kind, payload in messages:
            if kind == "columns":
                columns = payload
            elif kind == "rows":
                rows.extend(payload)
            elif kind == "error":
                code, message = payload
                raise QueryError(message, code=code, source=label)
    complete = max_rows is None or len(rows) <= max_rows
    return QueryTable(columns, tuple(rows[:max_rows] if max_rows is not None else rows), complete)


def _in_process(
    graph: Graph | StoreGraph, prepared: _Prepared, max_rows: int | None
) -> Generator[tuple[str, Any], None, None]:
    try:
        yield from _answer(graph, prepared, max_rows)
    except Exception as exc:  # noqa: BLE001 - the evaluator raises many unrelated types
        yield "error", _describe(exc)


def row_limit_error(max_rows: int, source: str | None = None) -> QueryError:
    """The error `fgf query` exits with after printing the first `max_rows` rows."""
    return QueryError(
        f"the answer has more than {max_rows} rows; printed the first {max_rows} "
        "(add LIMIT, or raise --max-rows N, 0 for no limit)",
        code="query-row-limit",
        source=source,
    )


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
