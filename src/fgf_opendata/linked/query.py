"""What `fgf query` reads: the query (SPARQL text, a .rq file or a packaged example) and the
graph (a package's `linked/plan.ttl`, a corpus's `linked/plans/*.nt`, or a .ttl / .nt /
.jsonld file), each with errors that name it.

`load_graph` reads the graph (`load_queryable` prefers a corpus's indexed store, see
`linked.store`), `resolve_query` the query; `sparql.run_query` then runs one over
the other within its bounds, and `sparql.format_table` prints the answer. Example queries ship
in `data/queries/*.rq` (the README shows the same files).
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import Graph

from ..errors import ExportError, FgfError
from ..publication import CORPUS_GRAPHS, PACKAGE_FOLDER, PLAN_TURTLE
from .guard import QueryError, exceeds_int_digits, quiet_literals
from .sparql import StoreGraph

__all__ = [
    "DEFAULT_GRAPH",
    "MAX_QUERY_BYTES",
    "QUERY_FILE_SUFFIXES",
    "GraphError",
    "example_description",
    "example_names",
    "example_query",
    "graph_file",
    "is_query_file",
    "load_graph",
    "load_queryable",
    "prefix_graph",
    "read_query_file",
    "resolve_query",
]


DEFAULT_GRAPH = Path(PACKAGE_FOLDER) / PLAN_TURTLE
"""What `fgf query` reads when no path is given."""


QUERY_FILE_SUFFIXES = (".rq", ".sparql")
"""A SPARQL argument ending in one of these is a file to read, never query text."""

MAX_QUERY_BYTES = 1 << 20
"""A query file larger than this is refused rather than read."""


class GraphError(QueryError, ExportError):
    """Raised when the graph to query cannot be found or read (`graph-not-found`,
    `graph-unreadable`, `graph-too-deep`); the message names the file."""

    code = "graph-unreadable"


def _queries() -> Any:
    return resources.files("fgf_opendata") / "data" / "queries"


def example_names() -> tuple[str, ...]:
    """The names of the packaged example queries (`data/queries/<name>.rq`)."""
    return tuple(sorted(f.name[:-3] for f in _queries().iterdir() if f.name.endswith(".rq")))


def example_query(name: str) -> str:
    """The text of a packaged example query."""
    if name not in example_names():
        raise QueryError(
            f"no example query {name!r}; there are: {', '.join(example_names())}",
            code="query-unknown-example",
        )
    return str((_queries() / f"{name}.rq").read_text("utf-8"))


def example_description(name: str) -> str:
    """What an example query asks: its first comment line."""
    first = example_query(name).lstrip().splitlines()[0]
    return first.lstrip("#").strip()


def is_query_file(argument: str) -> bool:
    """Whether a SPARQL argument names a query file: it ends in .rq or .sparql (no query text
    can, as every query ends in a brace, a variable, an IRI or a number)."""
    return argument.lower().endswith(QUERY_FILE_SUFFIXES)


def read_query_file(path: Path) -> str:
    """The text of a query file (UTF-8, at most `MAX_QUERY_BYTES`)."""
    if not path.exists():
        raise QueryError("query file not found", code="query-file-not-found", source=str(path))
    if not path.is_file():
        raise QueryError("is not a regular file", code="query-file-unreadable", source=str(path))
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_QUERY_BYTES + 1)
        if len(data) > MAX_QUERY_BYTES:
            raise QueryError(
                f"query file larger than {MAX_QUERY_BYTES} bytes",
                code="query-file-unreadable",
                source=str(path),
            )
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            code="query-file-unreadable",
            source=str(path),
        ) from exc
    except OSError as exc:
        raise QueryError(
            f"cannot read: {exc.strerror}", code="query-file-unreadable", source=str(path)
        ) from exc


def resolve_query(
    sparql: str | None, path: str | None, example: str | None
) -> tuple[str, str | None]:
    """(query text, graph path) from `fgf query`'s arguments.

    With `--example`, the one positional argument is the path. A SPARQL argument ending in .rq
    or .sparql is read from that file (`query-file-not-found` when there is none).
    """
    if example is not None:
        if path is not None:
            raise QueryError("give a SPARQL query or --example NAME, not both", code="query-usage")
        return example_query(example), sparql
    if sparql is None:
        raise QueryError(
            "no query: give SPARQL text, a .rq file or --example NAME", code="query-usage"
        )
    if is_query_file(sparql):
        return read_query_file(Path(sparql)), path
    return sparql, path


def _parse_ntriples(data: bytes) -> Graph:
    from .syntax import bind_prefixes

    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph)
    return graph.parse(data=data, format="nt")


def graph_file(path: Path) -> Path:
    """The graph of a package folder (a plan's `linked/plan.ttl`, a corpus's folder of plan
    graphs `linked/plans/`), or `path` itself when it is no folder."""
    if not path.is_dir():
        return path
    candidates = (path / PLAN_TURTLE, path / "plan.ttl", path / CORPUS_GRAPHS)
    found = next((c for c in candidates if c.is_file() or c.is_dir()), None)
    if found is None:
        raise GraphError(
            f"{path} has neither {PLAN_TURTLE} nor {CORPUS_GRAPHS}/: is it a package folder?",
            code="graph-not-found",
        )
    return found


def load_queryable(path: Path) -> Graph | StoreGraph:
    """What `fgf query` runs over: the store of a corpus package's graph when the cache holds
    a whole one for it (`linked.store`), else the graph read from its files (`load_graph`)."""
    from .store import find_store

    store = find_store(path) if path.is_dir() else None
    return StoreGraph(store) if store is not None else load_graph(path)


def prefix_graph(graph: Graph | StoreGraph) -> Graph:
    """A graph whose bound prefixes shorten the IRIs of an answer (`format_table`)."""
    if isinstance(graph, Graph):
        return graph
    from .syntax import bind_prefixes

    empty = Graph(bind_namespaces="none")
    bind_prefixes(empty)
    return empty


def load_graph(path: Path) -> Graph:
    """The graph in a .ttl, .nt or .jsonld file, or in a package folder (`graph_file`)."""
    from .syntax import parse_jsonld, parse_turtle

    path = graph_file(path)
    if not path.exists():
        raise GraphError(
            f"{path} does not exist (build the package with `fgf build` first)",
            code="graph-not-found",
        )
    if path.is_dir():  # a corpus: every plan's N-Triples, one document
        return _load_ntriples_folder(path)
    if not path.is_file():  # a FIFO or a device would block or never end
        raise GraphError(f"{path} is not a regular file")
    suffix = path.suffix.lower()
    parse = {
        ".ttl": parse_turtle,
        ".nt": _parse_ntriples,
        ".jsonld": parse_jsonld,
        ".json": parse_jsonld,
    }.get(suffix)
    if parse is None:
        raise GraphError(f"{path}: expected a .ttl, .nt or .jsonld file, or a package folder")
    try:
        with quiet_literals():
            return parse(path.read_bytes())
    except RecursionError as exc:
        raise GraphError(f"{path} is nested too deeply to read", code="graph-too-deep") from exc
    except FgfError as exc:
        raise GraphError(f"{path}: {exc}", code=exc.code) from exc
    except ValueError as exc:
        if not exceeds_int_digits(exc):
            raise GraphError(f"cannot read {path}: {exc}".splitlines()[0]) from exc
        raise GraphError(
            f"{path} holds an integer of more than {sys.get_int_max_str_digits()} digits, "
            "more than can be read",
            code="graph-number-too-long",
        ) from exc
    except Exception as exc:  # the Turtle and JSON-LD parsers raise many unrelated types
        first = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise GraphError(f"cannot read {path}: {first}") from exc


def _load_ntriples_folder(folder: Path) -> Graph:
    """The `*.nt` files of `folder` read as one N-Triples document (line-based: each file
    ends with a newline, so they concatenate)."""
    parts = []
    for path in sorted(folder.glob("*.nt")):
        if not path.is_file():
            raise GraphError(f"{path} is not a regular file")
        parts.append(path.read_bytes())
    try:
        with quiet_literals():
            return _parse_ntriples(b"".join(parts))
    except Exception as exc:  # rdflib's N-Triples parser raises its own types
        first = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise GraphError(f"cannot read the graphs in {folder}: {first}") from exc
