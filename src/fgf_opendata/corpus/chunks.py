"""One source -> its share of every file of a corpus package (a `Chunk`), in worker processes.

A chunk is what the parent appends to the package for one plan: its table rows as CSV without
the header (ids prefixed by the plan, `corpus_schemas`), the ids of the agencies it cites, its
canonical JSON and source text, its N-Triples, its findings and what the catalogue says of it.
A source that is not a plan of this genre gives a chunk with only the reason (`Chunk.reason`).
`computed` runs `chunk` over many sources in a process pool, in source order.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..agencies import default_registry
from ..checks import check_plan
from ..errors import FgfError
from ..parsing import parse_plan
from ..tabular.cells import table_csv
from ..tabular.columns import table_schemas
from ..tabular.descriptor import check_plan_id, plan_json_bytes
from ..tabular.rows import plan_rows
from ..textio import read_source

if TYPE_CHECKING:
    from ..linked.catalog import PlanEntry

__all__ = ["PARTS", "PREFIXED", "Chunk", "Kept", "chunk", "computed", "corpus_schemas"]

PARTS = ("plan_json", "text", "triples")
"""The parts of a chunk that are files of their own in the package, in this order."""

PREFIXED = {  # table -> columns that hold a plan-local id
    "sections": ("id",),
    "tasks": ("id", "section_id"),
    "measures": ("id", "task_id"),
    "points": ("id", "measure_id"),
    "paragraphs": ("id", "parent_id"),
    "subjects": ("id",),
    "responsibilities": ("subject_id",),
    "deadlines": ("subject_id",),
    "targets": ("subject_id",),
}
_PLAN_PREFIX = "(?:[a-z0-9][a-z0-9-]*/)?"


def corpus_schemas() -> dict[str, dict[str, Any]]:
    """The single-plan Table Schemas, with plan-local ids allowed to carry a plan prefix."""
    schemas = table_schemas()
    for table, columns in PREFIXED.items():
        for column in schemas[table]["fields"]:
            if column["name"] in columns and "pattern" in column.get("constraints", {}):
                pattern = column["constraints"]["pattern"]
                column["constraints"]["pattern"] = f"{_PLAN_PREFIX}(?:{pattern})"
    return schemas


def _prefixed(rows: dict[str, list[dict[str, Any]]], plan_id: str) -> None:
    for table, columns in PREFIXED.items():
        for row in rows[table]:
            for column in columns:
                value = row.get(column)
                if value is not None and value != plan_id:
                    row[column] = f"{plan_id}/{value}"


@dataclass(frozen=True)
class Chunk:
    """One plan's share of every output file."""

    source: str
    plan_id: str | None = None
    reason: str | None = None
    tables: Mapping[str, bytes] = field(default_factory=dict)
    agency_ids: tuple[str, ...] = ()
    plan_json: bytes = b""
    text: bytes = b""
    triples: bytes = b""
    findings: tuple[str, ...] = ()
    entry: PlanEntry | None = None
    """What the catalogue says of the plan."""
    kept: Mapping[str, Kept] = field(default_factory=dict)
    """The parts ("plan_json", "text", "triples") that are files in the cache already,
    published as they are instead of from the bytes above (`cache`)."""


@dataclass(frozen=True)
class Kept:
    """A part of a chunk kept as a file: where, its size and its sha256 ("sha256:<hex>")."""

    path: Path
    size: int
    sha256: str


def chunk(path: Path, encoding: str | None, limit: int | None, graph: bool) -> Chunk:
    """Parse one source and produce its rows and triples (runs in a worker process)."""
    registry = default_registry()
    try:
        text = read_source(path, encoding, limit=limit).text
        plan = parse_plan(text, registry=registry)
        check_plan_id(plan.id)
    except FgfError as exc:
        return Chunk(str(path), reason=str(exc).splitlines()[0])
    # the catalogue and the graph writer are imported by the workers that need them
    from ..linked.catalog import PlanEntry
    from ..linked.writer import plan_ntriples

    rows = plan_rows(plan, registry)
    agency_ids = tuple(row["id"] for row in rows.pop("agencies"))
    _prefixed(rows, plan.id)
    schemas = corpus_schemas()
    tables = {name: _body(table_csv(table, schemas[name])) for name, table in rows.items()}
    return Chunk(
        str(path),
        plan.id,
        tables=tables,
        agency_ids=agency_ids,
        plan_json=plan_json_bytes(plan),
        text=text.encode("utf-8"),
        triples=plan_ntriples(plan, registry) if graph else b"",
        findings=tuple(f.message for f in check_plan(plan, registry, text)),
        entry=PlanEntry.of(plan),
    )


def _body(table: bytes) -> bytes:
    """A table's CSV without its header row."""
    return table[table.index(b"\n") + 1 :]


def _die_with_parent(parent: int) -> None:
    """A worker ends when the build does: a killed build leaves no worker waiting forever."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        os.kill(parent, 0)
    except ProcessLookupError:  # the build died before the line above
        os._exit(1)
    except PermissionError:
        pass


_PR_SET_PDEATHSIG = 1


def computed(
    paths: Sequence[Path], encoding: str | None, limit: int | None, graph: bool, jobs: int
) -> Iterator[Chunk]:
    """The chunk of every source in source order, made by `jobs` worker processes (in this
    one for a single job or a handful of sources)."""
    if jobs <= 1 or len(paths) < 4:
        for path in paths:
            yield chunk(path, encoding, limit, graph)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        n = len(paths)
        yield from pool.map(
            chunk,
            paths,
            [encoding] * n,
            [limit] * n,
            [graph] * n,
            chunksize=max(1, n // (jobs * 8)),
        )
