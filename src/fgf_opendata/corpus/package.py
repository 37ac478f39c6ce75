"""The build driver of a corpus: the chunks of every source appended, in source order, to the
files of one package in a staging folder, then the files that need every plan (agencies, the
catalogue, the descriptor, the site), the gates, and the swap into place.

Every file is written in pieces through a `_Sink` that keeps its size and sha256 as it grows,
so neither the corpus nor its graph is ever held in memory whole. The graph's indexed store
(`linked.store`) is made once the package is in place; a store that cannot be made is reported
in the result, never a reason to withhold the package.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..agencies import Registry, default_registry
from ..errors import ExportError, InvalidPackageError
from ..files import MARKER, check_replaceable, discard, os_error, publish, stage
from ..linked.catalog import PlanEntry
from ..publication import (
    CATALOG_TURTLE,
    CORPUS_GRAPH,
    DESCRIPTOR,
    LANDING_PAGE,
    keywords,
    slug,
)
from ..serialize import dumps
from ..tabular.cells import CSV_DIALECT, table_csv
from ..tabular.columns import TABLES
from ..tabular.descriptor import (
    FileStat,
    check_plan_id,
    descriptor_frame,
    file_resource,
    table_resource,
)
from ..tabular.profiles import profile_errors
from ..tabular.rows import agency_rows
from .cache import cache_folder, cached
from .chunks import corpus_schemas

__all__ = ["CorpusResult", "Progress", "Skipped", "build_corpus", "expand_sources"]

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
        folder = cache_folder() if cache else None
        chunks = cached(paths, encoding, limit, graph, workers, folder)
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
        from ..linked.store import build_store

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


def _write_site(staging: Path, plans: Sequence[str], registry: Registry) -> None:
    """The corpus's static site in `site/`, made from the files written to `staging`: each
    plan from its JSON and source text, every file listed with its size and sha256 (read
    through a memory map: the graph may be larger than memory should hold)."""
    import mmap

    from ..files import SITE
    from ..serialize import plan_from_json
    from ..site import corpus_site_files

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
    from ..linked.catalog import corpus_catalog_graph
    from ..linked.syntax import serialize_turtle

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
