"""Several plans -> one package and one graph: a corpus of the genre.

`build_corpus(sources, target)` reads every source (files, or folders of `*.txt`), parses each
into a plan and publishes them together: the same tables as a single plan's package, with every
id prefixed by its plan (`guobanfa-2021-25/task_5`) so that rows of different plans never
collide, agencies shared across plans (one row each), one canonical JSON and one source text per
plan (`plans/<id>.json`, `source/<id>.txt`), and one N-Triples graph of the whole corpus
(`linked/corpus.nt`).

Work is streamed plan by plan: worker processes parse a plan and produce its rows and triples,
the parent appends them to the output files in source order, so neither the corpus nor its graph
is ever held in memory whole. A source that is not a plan of this genre (a `ParseError`, an
undecodable file) is reported and skipped, never half-parsed. Like a single build, the corpus is
written into a folder beside the target and swapped in only once it is complete and its
descriptor passes the Data Package v2 profiles; run `fgf validate` for the full frictionless
gate.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import functools
import hashlib
import io
import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .agencies import Registry, default_registry
from .checks import check_plan
from .errors import ExportError, FgfError, InvalidPackageError
from .files import MARKER, check_replaceable, discard, os_error, publish, stage
from .model import Plan
from .parsing import parse_plan
from .publication import (
    CATALOG_TURTLE,
    CORPUS_GRAPH,
    DESCRIPTOR,
    LANDING_PAGE,
    VERSION,
    keywords,
    slug,
)
from .serialize import dumps
from .tabular.cells import CSV_DIALECT, table_csv
from .tabular.columns import TABLES, table_schemas
from .tabular.descriptor import (
    FileStat,
    check_plan_id,
    descriptor_frame,
    file_resource,
    plan_json_bytes,
    table_resource,
)
from .tabular.profiles import profile_errors
from .tabular.rows import agency_rows, plan_rows
from .textio import read_file, read_source

if TYPE_CHECKING:
    from .linked.catalog import PlanEntry

__all__ = ["CorpusResult", "Skipped", "build_corpus", "corpus_schemas", "expand_sources"]

_PREFIXED = {  # table -> columns that hold a plan-local id
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
Progress = Callable[[int, int, str], None]
"""Called after each source with (done, total, source name)."""


@dataclass(frozen=True)
class Skipped:
    """A source that was not published, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class CorpusResult:
    """What `build_corpus` published."""

    target: Path
    plans: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    findings: tuple[tuple[str, str], ...] = field(default=())
    """(plan id, finding message) for content findings of the published plans."""
    store: Path | None = None
    """The indexed store of the graph (`linked.store`), when one was asked for and made."""
    store_error: str | None = None
    """Why the store could not be made (the package is published all the same)."""


def expand_sources(sources: Sequence[str | Path]) -> list[Path]:
    """Files as given; folders replaced by their `*.txt` files in name order."""
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix == ".txt" and not p.is_dir()))
        else:
            paths.append(path)
    return paths


def corpus_schemas() -> dict[str, dict[str, Any]]:
    """The single-plan Table Schemas, with plan-local ids allowed to carry a plan prefix."""
    schemas = table_schemas()
    for table, columns in _PREFIXED.items():
        for column in schemas[table]["fields"]:
            if column["name"] in columns and "pattern" in column.get("constraints", {}):
                pattern = column["constraints"]["pattern"]
                column["constraints"]["pattern"] = f"{_PLAN_PREFIX}(?:{pattern})"
    return schemas


def _prefixed(rows: dict[str, list[dict[str, Any]]], plan_id: str) -> None:
    for table, columns in _PREFIXED.items():
        for row in rows[table]:
            for column in columns:
                value = row.get(column)
                if value is not None and value != plan_id:
                    row[column] = f"{plan_id}/{value}"


@dataclass(frozen=True)
class _Chunk:
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


def _chunk(path: Path, encoding: str | None, limit: int | None, graph: bool) -> _Chunk:
    """Parse one source and produce its rows and triples (runs in a worker process)."""
    registry = default_registry()
    try:
        text = read_source(path, encoding, limit=limit).text
        plan = parse_plan(text, registry=registry)
        check_plan_id(plan.id)
    except FgfError as exc:
        return _Chunk(str(path), reason=str(exc).splitlines()[0])
    from .linked.catalog import PlanEntry

    rows = plan_rows(plan, registry)
    agency_ids = tuple(row["id"] for row in rows.pop("agencies"))
    _prefixed(rows, plan.id)
    schemas = corpus_schemas()
    tables = {name: _body(table_csv(table, schemas[name])) for name, table in rows.items()}
    return _Chunk(
        str(path),
        plan.id,
        tables=tables,
        agency_ids=agency_ids,
        plan_json=plan_json_bytes(plan),
        text=text.encode("utf-8"),
        triples=_triples(plan, registry) if graph else b"",
        findings=tuple(f.message for f in check_plan(plan, registry, text)),
        entry=PlanEntry.of(plan),
    )


def _triples(plan: Plan, registry: Registry) -> bytes:
    from .linked.writer import plan_ntriples

    return plan_ntriples(plan, registry)


def _body(table: bytes) -> bytes:
    """A table's CSV without its header row."""
    return table[table.index(b"\n") + 1 :]


class _Sink:
    """An output file written in pieces, with its size and sha256 kept as it grows."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> FileStat:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())  # on disk before the folder is swapped in
        finally:
            self.handle.close()
        return self.size, f"sha256:{self.digest.hexdigest()}"


def _header(schema: Mapping[str, Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=CSV_DIALECT["lineTerminator"]).writerow(
        [f["name"] for f in schema["fields"]]
    )
    return out.getvalue().encode("utf-8")


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


def _computed(
    paths: Sequence[Path], encoding: str | None, limit: int | None, graph: bool, jobs: int
) -> Iterator[_Chunk]:
    if jobs <= 1 or len(paths) < 4:
        for path in paths:
            yield _chunk(path, encoding, limit, graph)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        n = len(paths)
        yield from pool.map(
            _chunk,
            paths,
            [encoding] * n,
            [limit] * n,
            [graph] * n,
            chunksize=max(1, n // (jobs * 8)),
        )


def _chunks(
    paths: Sequence[Path],
    encoding: str | None,
    limit: int | None,
    graph: bool,
    jobs: int,
    cache: Path | None,
) -> Iterator[_Chunk]:
    """Every source's chunk in source order: from the cache where it holds a sound entry for
    the source's bytes, else computed (in worker processes) and then stored in it."""
    if cache is None:
        yield from _computed(paths, encoding, limit, graph, jobs)
        return
    keys = [_chunk_key(path, encoding, limit, graph) for path in paths]
    hits = [key is not None and (cache / _entry_name(key)).is_file() for key in keys]
    misses = iter(
        _computed(
            [p for p, hit in zip(paths, hits, strict=True) if not hit], encoding, limit, graph, jobs
        )
    )
    for path, key, hit in zip(paths, keys, hits, strict=True):
        chunk = _load_chunk(cache / _entry_name(key), str(path)) if hit and key else None
        if chunk is None:
            chunk = next(misses) if not hit else _chunk(path, encoding, limit, graph)
            if key is not None and chunk.plan_id is not None:
                _save_chunk(cache / _entry_name(key), chunk)
        yield chunk


# --- the per-source cache ------------------------------------------------------------------

_CACHE_FORMAT = 1


@functools.cache
def _code_fingerprint() -> str:
    """The sha256 of fgf's own code and data: a cache entry made by other code is not used."""
    digest = hashlib.sha256(f"{VERSION}\n".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc",):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _chunk_key(path: Path, encoding: str | None, limit: int | None, graph: bool) -> str | None:
    """The cache key of a source: its bytes, how it is read, and fgf's code; None when it
    cannot be read (the worker then reports why)."""
    try:
        data = read_file(path, limit=limit)
    except (OSError, FgfError):
        return None
    digest = hashlib.sha256(_code_fingerprint().encode())
    digest.update(f"\n{encoding}\n{graph}\n".encode())
    digest.update(data)
    return digest.hexdigest()


def _entry_name(key: str) -> str:
    return f"{key[:2]}/{key}.chunk"


def _parts(chunk: _Chunk) -> list[tuple[str, bytes]]:
    return [
        *((f"table:{name}", body) for name, body in sorted(chunk.tables.items())),
        ("plan_json", chunk.plan_json),
        ("text", chunk.text),
        ("triples", chunk.triples),
    ]


def _save_chunk(path: Path, chunk: _Chunk) -> None:
    """Store a chunk: a JSON header line (its fields, the parts' lengths, their sha256), then
    the parts. Written whole through a temporary file; a cache that cannot be written is
    only slower."""
    parts = _parts(chunk)
    digest = hashlib.sha256()
    for _, data in parts:
        digest.update(data)
    entry = chunk.entry
    header = {
        "format": _CACHE_FORMAT,
        "plan_id": chunk.plan_id,
        "agency_ids": list(chunk.agency_ids),
        "findings": list(chunk.findings),
        "entry": None
        if entry is None
        else {
            "id": entry.id,
            "iri": entry.iri,
            "title": entry.title,
            "doc_number": entry.doc_number,
            "issued": entry.issued.isoformat() if entry.issued else None,
            "end": entry.end.isoformat() if entry.end else None,
        },
        "parts": [[name, len(data)] for name, data in parts],
        "sha256": digest.hexdigest(),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
            for _, data in parts:
                handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def _load_chunk(path: Path, source: str) -> _Chunk | None:
    """The chunk stored at `path`, or None when the entry is missing, damaged or foreign (its
    parts fail their sha256, its header does not read): it is then rebuilt, never used."""
    import datetime as dt

    from .linked.catalog import PlanEntry

    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
            parts = {name: handle.read(size) for name, size in header["parts"]}
            rest = handle.read(1)
        digest = hashlib.sha256()
        for name, size in header["parts"]:
            if len(parts[name]) != size:
                return None
            digest.update(parts[name])
        if rest or header["format"] != _CACHE_FORMAT or digest.hexdigest() != header["sha256"]:
            return None
        raw = header["entry"]
        entry = None
        if raw is not None:
            day = {k: dt.date.fromisoformat(raw[k]) if raw[k] else None for k in ("issued", "end")}
            entry = PlanEntry(raw["id"], raw["iri"], raw["title"], raw["doc_number"], **day)
        return _Chunk(
            source,
            str(header["plan_id"]),
            tables={
                n.removeprefix("table:"): b for n, b in parts.items() if n.startswith("table:")
            },
            agency_ids=tuple(header["agency_ids"]),
            plan_json=parts["plan_json"],
            text=parts["text"],
            triples=parts["triples"],
            findings=tuple(header["findings"]),
            entry=entry,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def build_corpus(
    sources: Sequence[str | Path],
    target: str | Path,
    *,
    registry: Registry | None = None,
    encoding: str | None = None,
    limit: int | None = None,
    graph: bool = True,
    jobs: int | None = None,
    progress: Progress | None = None,
    store: bool = False,
    cache: bool = False,
    site: bool = False,
) -> CorpusResult:
    """Publish every plan among `sources` as one package in `target` (replaced whole).

    `store` also loads the graph into its indexed store in the cache (`linked.store`), which
    `fgf query` then reads instead of the N-Triples; a store that cannot be made is reported
    in the result, never a reason to withhold the package. `cache` keeps each source's share
    of the output in the cache folder (`corpus/` beside the stores), keyed by the source's
    bytes and fgf's code, so a rebuild after a few sources changed parses only those; the
    package is byte-identical to a build without it. `site` adds the static site under
    `site/` (`site.corpus_site_files`: a page per plan, agencies across plans), named by the
    catalogue as the landing page, as `fgf build` of one plan does."""
    registry = registry if registry is not None else default_registry()
    paths = expand_sources(sources)
    if not paths:
        raise ExportError("no sources: give plan text files or folders of *.txt files")
    target = check_replaceable(Path(target))
    staging = stage(target)
    sinks: dict[str, _Sink] = {}
    try:
        schemas = corpus_schemas()
        sinks.update(
            (name, _Sink(staging / f"{name}.csv")) for name in TABLES if name != "agencies"
        )
        for name, sink in sinks.items():
            sink.write(_header(schemas[name]))
        graph_sink = _Sink(staging / CORPUS_GRAPH) if graph else None
        if graph_sink is not None:
            sinks["graph"] = graph_sink
        files: dict[str, FileStat] = {}
        plans: list[str] = []
        skipped: list[Skipped] = []
        findings: list[tuple[str, str]] = []
        agency_ids: set[str] = set()
        entries: list[PlanEntry] = []
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        cached = _cache_folder() if cache else None
        chunks = _chunks(paths, encoding, limit, graph, workers, cached)
        for done, chunk in enumerate(chunks, 1):
            if progress is not None:
                progress(done, len(paths), chunk.source)
            if chunk.plan_id is None:
                skipped.append(Skipped(chunk.source, chunk.reason or "not a plan"))
                continue
            if chunk.plan_id in plans:
                skipped.append(Skipped(chunk.source, f"duplicate plan id {chunk.plan_id!r}"))
                continue
            plan_id = check_plan_id(chunk.plan_id)
            plans.append(plan_id)
            for name, body in chunk.tables.items():
                sinks[name].write(body)
            for path, data in (
                (f"plans/{plan_id}.json", chunk.plan_json),
                (f"source/{plan_id}.txt", chunk.text),
            ):
                sink = _Sink(staging / path)
                sink.write(data)
                files[path] = sink.close()
            if graph_sink is not None:
                graph_sink.write(chunk.triples)
            agency_ids.update(chunk.agency_ids)
            if chunk.entry is not None:
                entries.append(chunk.entry)
            findings.extend((plan_id, message) for message in chunk.findings)
        if not plans:
            raise ExportError(
                "none of the sources is a plan: "
                + "; ".join(f"{s.source}: {s.reason}" for s in skipped)
            )
        for name, sink in sinks.items():
            files[CORPUS_GRAPH if name == "graph" else f"{name}.csv"] = sink.close()
        files["agencies.csv"] = _write_agencies(staging, agency_ids, registry, schemas)
        later: dict[str, FileStat | None] = {LANDING_PAGE: None} if site else {}
        files[CATALOG_TURTLE] = _write_catalog(staging, entries, {**files, **later}, registry)
        descriptor = _descriptor(plans, files, schemas)
        _check_descriptor(descriptor)
        sinks[DESCRIPTOR] = descriptor_sink = _Sink(staging / DESCRIPTOR)
        descriptor_sink.write(dumps(descriptor).encode("utf-8"))
        descriptor_sink.close()
        if site:
            _write_site(staging, plans, registry)
    except BaseException as exc:
        for sink in sinks.values():
            sink.handle.close()
        discard(staging)
        if isinstance(exc, OSError):
            raise os_error(exc, f"cannot write the package {target}") from exc
        raise
    publish(staging, target)
    result = CorpusResult(target, tuple(plans), tuple(skipped), tuple(findings))
    if store and graph:
        from .linked.store import build_store

        try:
            made = build_store(target / CORPUS_GRAPH, files[CORPUS_GRAPH][1])
        except (OSError, SyntaxError, ValueError) as exc:
            return replace(result, store_error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        return replace(result, store=made)
    return result


def _write_agencies(
    staging: Path, ids: set[str], registry: Registry, schemas: Mapping[str, Any]
) -> FileStat:
    """agencies.csv: every cited agency once, with the parents and successors they name."""
    rows = agency_rows(sorted(ids), registry)
    sink = _Sink(staging / "agencies.csv")
    sink.write(table_csv(rows, schemas["agencies"]))
    return sink.close()


def _cache_folder() -> Path:
    from .linked.store import cache_root

    return cache_root() / "corpus"


def _write_site(staging: Path, plans: Sequence[str], registry: Registry) -> None:
    """The corpus's static site in `site/`, made from the files written to `staging`: each
    plan from its JSON and source text, every file listed with its size and sha256 (read
    through a memory map: the graph may be larger than memory should hold)."""
    import mmap

    from .files import SITE
    from .serialize import plan_from_json
    from .site import corpus_site_files

    paths = sorted(
        p.relative_to(staging).as_posix()
        for p in staging.rglob("*")
        if p.is_file() and p.name != MARKER
    )
    with contextlib.ExitStack() as stack:
        package_files: dict[str, Any] = {}
        for path in paths:
            handle = stack.enter_context((staging / path).open("rb"))
            size = os.fstat(handle.fileno()).st_size
            package_files[path] = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )
            if size:
                stack.callback(package_files[path].close)
        package_files[DESCRIPTOR] = bytes(package_files[DESCRIPTOR])
        given = [
            (
                plan_from_json(bytes(package_files[f"plans/{plan_id}.json"])),
                bytes(package_files[f"source/{plan_id}.txt"]).decode("utf-8"),
            )
            for plan_id in plans
        ]
        site = corpus_site_files(given, registry, package_files, package_href="../")
    for path, data in site.items():
        sink = _Sink(staging / SITE / path)
        sink.write(data)
        sink.close()


def _write_catalog(
    staging: Path,
    entries: Sequence[PlanEntry],
    files: Mapping[str, FileStat | None],
    registry: Registry,
) -> FileStat:
    """linked/catalog.ttl: the corpus as one DCAT dataset, a distribution per file."""
    from .linked.catalog import corpus_catalog_graph
    from .linked.syntax import serialize_turtle

    sink = _Sink(staging / CATALOG_TURTLE)
    sink.write(serialize_turtle(corpus_catalog_graph(entries, files, registry=registry)))
    return sink.close()


def _descriptor(
    plans: Sequence[str], files: Mapping[str, FileStat], schemas: Mapping[str, Any]
) -> dict[str, Any]:
    """The corpus's `datapackage.json`, built as a single plan's is (`tabular.descriptor`)."""
    resources = [table_resource(name, files[f"{name}.csv"], schemas[name]) for name in TABLES]
    resources += [
        file_resource(path, files[path], name=slug(path))
        for path in sorted(p for p in files if p.startswith(("plans/", "source/")))
    ]
    if CORPUS_GRAPH in files:
        resources.append(
            file_resource(
                CORPUS_GRAPH,
                files[CORPUS_GRAPH],
                name="corpus-graph",
                description="The RDF graph of every plan (N-Triples).",
            )
        )
    resources.append(
        file_resource(
            CATALOG_TURTLE,
            files[CATALOG_TURTLE],
            name="catalog",
            description="The DCAT-AP catalogue of the corpus: one dataset, a distribution per file.",
        )
    )
    return descriptor_frame(
        name="fgf-corpus",
        dataset="corpus",
        title=f"重点任务分工方案 corpus: {len(plans)} plans — key tasks, measures and responsibilities",
        description=(
            f"{len(plans)} State Council key-task division plans ({', '.join(plans[:5])}"
            f"{', …' if len(plans) > 5 else ''}) as one package: ids are prefixed by their plan. "
            "Derived data under CC BY 4.0; the sources are state documents outside copyright "
            "(PRC Copyright Law Art. 5)."
        ),
        resources=resources,
        subject_keywords=keywords(),
    )


def _check_descriptor(descriptor: Mapping[str, Any]) -> None:
    errors = list(profile_errors("datapackage", descriptor))
    if errors:
        raise InvalidPackageError(
            "the corpus descriptor fails the Data Package v2 profile: " + errors[0]
        )
