"""What a SPARQL query may read, decided before anything is evaluated: the query guard.

`prepare` parses a query (the prefixes of `linked.vocab.PREFIXES` predeclared) and searches its
parsed algebra for what would reach beyond the one graph it is given (SERVICE, FROM, FROM
NAMED, GRAPH), which is refused, so a SERVICE inside a comment or a string is harmless and a
nested one is not. A regular expression that does not compile and an integer longer than
Python computes with are refused here too. `QueryError` is the error of every query stage: its
message names the query file when there is one and ends with a stable code in brackets.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rdflib import Literal as RDFLiteral
from rdflib.term import URIRef, Variable

from ..errors import FgfError
from .vocab import PREFIXES, XSD

__all__ = [
    "Prepared",
    "QueryError",
    "exceeds_int_digits",
    "prepare",
    "quiet_literals",
    "regex_message",
]

_INTEGER_TYPES = frozenset(
    URIRef(f"{XSD._NS}{t}")
    for t in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
"""Every integer datatype of XSD: a literal of one with more digits than Python converts is
refused before the query runs."""

_REGEX_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


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
class Prepared:
    """A query that passed the guard: rdflib's prepared query, its text, and for SELECT * the
    order its columns are shown in (see `_star_columns`)."""

    query: Any
    star: tuple[tuple[str, ...], frozenset[str]] | None
    text: str = ""

    def columns(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The answer's columns, given the evaluator's `names` for them."""
        if self.star is None:
            return names
        # SELECT *: the order the query names them in (rdflib's is a set's)
        first = {name: i for i, name in enumerate(self.star[0])}
        shown = (n for n in names if n not in self.star[1])
        return tuple(sorted(shown, key=lambda n: (first.get(n, len(first)), n)))


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
                raise QueryError(regex_message(exc), code="query-regex", source=label) from exc


def _compile(pattern: str, flags: str) -> re.Pattern[str]:
    value = 0
    for flag in flags:
        value |= _REGEX_FLAGS.get(flag, 0)
    return re.compile(pattern, value)


def regex_message(exc: re.error) -> str:
    pattern = exc.pattern if isinstance(exc.pattern, str) else repr(exc.pattern)
    return f"REGEX: invalid regular expression {pattern!r}: {exc.msg}"


def exceeds_int_digits(exc: BaseException) -> bool:
    """True for the error Python raises converting an integer of more digits than
    `sys.get_int_max_str_digits()` (a query's answer, or a graph being read)."""
    return isinstance(exc, ValueError) and "integer string conversion" in str(exc)


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


def prepare(sparql: str, label: str | None) -> Prepared:
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
    return Prepared(query, star, sparql)
