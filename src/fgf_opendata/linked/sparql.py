"""SPARQL over one published plan graph and nothing else, within a time, row and memory limit.

`run_query` runs a query with rdflib (or with pyoxigraph over a corpus's indexed store, a
`StoreGraph`) and returns a `QueryTable`; `format_table` (`linked.results`) prints it as an
aligned text table, CSV or JSON. The vocabulary prefixes of `linked.vocab.PREFIXES` are
predeclared, so short queries may leave out their PREFIX lines.

A query reads the one graph it is given and nothing else: before anything is evaluated,
`linked.guard` refuses what would reach beyond it (SERVICE, FROM, FROM NAMED, GRAPH). This
module runs what the guard let through within its bounds: in a child process that is killed
at the time limit (a thread cannot be stopped, and a regular expression backtracking in C never
returns to Python), forbids itself any network connection, and stops reading the answer at the
row limit plus one, so a cross product neither hangs nor fills memory. Every error names the
file involved and ends with a stable code in brackets.
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
import re
import signal
import sys
import time
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib import Literal as RDFLiteral
from rdflib.term import BNode, Node, URIRef

from .bounds import DEFAULT_MAX_MEMORY, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, OutputFormat
from .guard import (
    Prepared,
    QueryError,
    exceeds_int_digits,
    prepare,
    quiet_literals,
    regex_message,
)
from .results import QueryTable, format_table
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


_BATCH = 500
_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "urllib.Request",
        "http.client.connect",
    }
)


@dataclass(frozen=True)
class StoreGraph:
    """A graph in an on-disk pyoxigraph store (`linked.store`), to query in its place: the
    store is opened read-only in the query process, and the same refusals and bounds apply
    as to an rdflib graph."""

    path: Path


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
    store: StoreGraph, prepared: Prepared, max_rows: int | None
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
        columns = prepared.columns(names)
        order = [names.index(c) for c in columns]
        rows = (tuple(term(s[i]) for i in order) for s in result)
        yield from _batches(columns, rows, max_rows)
        return
    triples = [tuple(term(t) for t in triple) for triple in result]
    triples.sort(key=lambda t: tuple(term.n3() if term is not None else "" for term in t))
    yield from _batches(("subject", "predicate", "object"), iter(triples), max_rows)


def _answer(
    graph: Graph | StoreGraph, prepared: Prepared, max_rows: int | None
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
        columns = prepared.columns(names)
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
        return "query-regex", regex_message(exc)
    if isinstance(exc, RecursionError):
        return "query-too-deep", "the query is nested too deeply to evaluate"
    if isinstance(exc, MemoryError):
        return "query-memory", "the query ran out of memory"
    if isinstance(exc, _NetworkRefusedError):
        return "query-remote", f"the query tried to reach the network ({exc}); refused"
    if exceeds_int_digits(exc):
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
    prepared: Prepared,
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
    prepared: Prepared,
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
    prepared = prepare(sparql, source)
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
    graph: Graph | StoreGraph, prepared: Prepared, max_rows: int | None
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
