"""The build driver of a corpus: the chunks of every source appended, in source order, to the
files of one package in a staging folder, then the files that need every plan (agencies, the
catalogue, the descriptor, the site), the gates, and the swap into place.

Every file goes through one `FileSet`, which keeps its size and sha256 as it is written, so
neither the corpus nor its graph is ever held in memory whole. A plan's own files (its JSON,
source text and graph, `linked/plans/<id>.nt`) that the cache holds already are hard-linked
from it, their sizes and hashes known (`cache`): a rebuild writes only the tables and what
changed. The graph's indexed store (`linked.store`) is made once the package is in place; a
store that cannot be made is reported in the result, never a reason to withhold the package.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from ..agencies import Registry, default_registry
from ..errors import ExportError, InvalidPackageError
from ..files import SITE, check_replaceable, staged
from ..fileset import FileSet, FileStat
from ..linked.catalog import PlanEntry
from ..publication import (
    CATALOG_TURTLE,
    CORPUS_GRAPHS,
    CORPUS_PLANS,
    DESCRIPTOR,
    LANDING_PAGE,
    SOURCE_FOLDER,
    keywords,
    slug,
)
from ..serialize import dumps
from ..tabular.cells import CSV_DIALECT, table_csv
from ..tabular.columns import TABLES
from ..tabular.descriptor import (
    check_plan_id,
    descriptor_frame,
    file_resource,
    table_resource,
)
from ..tabular.profiles import profile_errors
from ..tabular.rows import agency_rows
from .cache import cache_folder, cached, keep_conforming, known_conforming, place, value_digest
from .chunks import Chunk, corpus_schemas

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


def plan_files(plan_id: str) -> dict[str, str]:
    """The package's file of each of a plan's own parts (`chunks.PARTS`)."""
    return {
        "plan_json": f"{CORPUS_PLANS}/{plan_id}.json",
        "text": f"{SOURCE_FOLDER}/{plan_id}.txt",
        "triples": f"{CORPUS_GRAPHS}/{plan_id}.nt",
    }


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
    with staged(target, f"the package {target}") as staging:
        files = FileSet(staging)
        with contextlib.ExitStack() as tables:
            schemas = corpus_schemas()
            sinks: dict[str, BinaryIO] = {
                name: tables.enter_context(files.writer(f"{name}.csv"))
                for name in TABLES
                if name != "agencies"
            }
            for name, sink in sinks.items():
                sink.write(_header(schemas[name]))
            workers = jobs if jobs is not None else (os.cpu_count() or 1)
            folder = cache_folder() if cache else None
            chunks = cached(paths, encoding, limit, graph, workers, folder)
            published = _append(chunks, len(paths), staging, files, sinks, graph, progress)
        plans, skipped, findings, agency_ids, entries = published
        if not plans:
            raise ExportError(
                "none of the sources is a plan: "
                + "; ".join(f"{s.source}: {s.reason}" for s in skipped)
            )
        files.add(
            "agencies.csv",
            table_csv(agency_rows(sorted(agency_ids), registry), schemas["agencies"]),
        )
        _write_catalog(files, entries, registry, site)
        descriptor = _descriptor(plans, files, schemas)
        check_descriptor(descriptor, folder)
        files.add(DESCRIPTOR, dumps(descriptor).encode("utf-8"))
        if site:
            _write_site(files, plans, registry)
    result = CorpusResult(target, tuple(plans), tuple(skipped), tuple(findings))
    if store and graph:
        from ..linked.store import build_store, graph_digest, graph_files

        # the files and their order as `fgf query` will read them: from the descriptor
        graphs = graph_files(target) or []
        try:
            made = build_store([target / path for path, _ in graphs], graph_digest(graphs))
        except (OSError, SyntaxError, ValueError) as exc:
            return replace(result, store_error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        return replace(result, store=made)
    return result


_Published = tuple[list[str], list[Skipped], list[tuple[str, str]], set[str], list[PlanEntry]]


def _append(
    chunks: Iterator[Chunk],
    total: int,
    staging: Path,
    files: FileSet,
    sinks: Mapping[str, BinaryIO],
    graph: bool,
    progress: Progress | None,
) -> _Published:
    """Each chunk's rows appended to the tables, its own files published (hard-linked from the
    cache where it keeps them); what the rest of the build needs of the plans."""
    plans: list[str] = []
    skipped: list[Skipped] = []
    findings: list[tuple[str, str]] = []
    agency_ids: set[str] = set()
    entries: list[PlanEntry] = []
    for done, chunk in enumerate(chunks, 1):
        if progress is not None:
            progress(done, total, chunk.source)
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
        for part, path in plan_files(plan_id).items():
            if part == "triples" and not graph:
                continue
            kept = chunk.kept.get(part)
            if kept is None:
                files.add(path, getattr(chunk, part))
            else:
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                place(kept, staging / path)
                files.record(path, (kept.size, kept.sha256))
        agency_ids.update(chunk.agency_ids)
        if chunk.entry is not None:
            entries.append(chunk.entry)
        findings.extend((plan_id, message) for message in chunk.findings)
    return plans, skipped, findings, agency_ids, entries


def _write_site(files: FileSet, plans: Sequence[str], registry: Registry) -> None:
    """The corpus's static site in `site/`: each plan from its JSON and source text as
    written, every file listed with the size and sha256 the `FileSet` recorded (nothing is
    read for them: the graph may be larger than memory should hold)."""
    from ..serialize import plan_from_json
    from ..site import corpus_site_files

    given = [
        (
            plan_from_json(files[plan_files(plan_id)["plan_json"]]),
            files[plan_files(plan_id)["text"]].decode("utf-8"),
        )
        for plan_id in plans
    ]
    site = corpus_site_files(given, registry, files, package_href="../")
    for path, data in site.items():
        files.add(f"{SITE}/{path}", data)


def _write_catalog(
    files: FileSet, entries: Sequence[PlanEntry], registry: Registry, site: bool
) -> None:
    """linked/catalog.ttl: the corpus as one DCAT dataset, a distribution per file (the
    landing page, made after it, among them when there is a site)."""
    from ..linked.catalog import corpus_catalog_turtle

    listed: dict[str, FileStat | None] = {path: files.stat(path) for path in files}
    if site:
        listed[LANDING_PAGE] = None
    files.add(CATALOG_TURTLE, corpus_catalog_turtle(entries, listed, registry=registry))


def _descriptor(plans: Sequence[str], files: FileSet, schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The corpus's `datapackage.json`, built as a single plan's is (`tabular.descriptor`)."""
    resources = [table_resource(name, files.stat(f"{name}.csv"), schemas[name]) for name in TABLES]
    own = (f"{CORPUS_PLANS}/", f"{SOURCE_FOLDER}/", f"{CORPUS_GRAPHS}/")
    resources += [
        file_resource(path, files.stat(path), name=slug(path))
        for path in files
        if path.startswith(own)
    ]
    resources.append(
        file_resource(
            CATALOG_TURTLE,
            files.stat(CATALOG_TURTLE),
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


_PARTS = ("schema", "dialect")
"""The parts of a resource the package profile checks each on its own (`profiles.PARTS`)."""


def check_descriptor(descriptor: Mapping[str, Any], cache: Path | None = None) -> None:
    """Raise `InvalidPackageError` with the first error of the Data Package v2 profile, if any.

    With a cache folder, the resources and inline parts (Table Schemas, dialects) the last
    build found conforming (`cache.known_conforming`) are left out of the check: the profile
    checks the top level, each resource and each resource's parts on their own (no keyword
    relates two of them), so what is left out adds no error. The rest has an error exactly
    when the whole has one; the message is then the whole's, as without a cache. A corpus
    rebuilt after one plan changed checks some twenty resources instead of 3,000."""
    resources = descriptor.get("resources")
    if cache is None or not isinstance(resources, list):
        _raise_first(profile_errors("datapackage", descriptor))
        return
    known = known_conforming(cache)
    digests: list[str] = []
    left: list[Any] = []
    for resource in resources:
        digests.append(digest := value_digest(resource))
        if digest in known:
            continue
        if isinstance(resource, dict):
            resource = dict(resource)
            for key in _PARTS:
                if isinstance(resource.get(key), dict):
                    digests.append(part := value_digest(resource[key]))
                    if part in known:
                        del resource[key]
        left.append(resource)
    if not left and resources:  # the profile wants at least one: any known one passes
        left.append({k: v for k, v in resources[0].items() if k not in _PARTS})
    if next(profile_errors("datapackage", {**descriptor, "resources": left}), None) is not None:
        _raise_first(profile_errors("datapackage", descriptor))
    keep_conforming(cache, digests)


def _raise_first(errors: Iterator[str]) -> None:
    first = next(errors, None)
    if first is not None:
        raise InvalidPackageError(
            "the corpus descriptor fails the Data Package v2 profile: " + first
        )
