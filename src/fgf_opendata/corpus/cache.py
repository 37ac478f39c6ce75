"""The per-source cache of a corpus build: each source's chunk (`chunks.Chunk`) kept on disk,
keyed by the source's bytes, how it is read and fgf's own code.

Entries live in `corpus/` under the cache folder (`caching.cache_root`), one folder each,
`<key[:2]>/<key>/`:

    tables.csv    the plan's rows of every table, one after the other (read on each use)
    plan.json     the plan's canonical JSON        ┐ published as they are: hard-linked
    source.txt    its source text                  │ into the package (copied where the
    graph.nt      its N-Triples                    ┘ cache is on another file system)
    entry.json    written last: the chunk's fields, the tables' lengths and sha256, and each
                  published file's size, sha256 and modification time

A rebuild after one source changed then costs the changed source's parse and the tables'
bytes, not a rewrite of every plan's graph: the published files of an unchanged plan are the
cache's files, their sizes and hashes known from `entry.json`. What is read is checked: the
tables against their sha256; what is published unread is trusted by its size and modification
time (a file edited in place, in the cache or through its link in a package, has another), and
the descriptor records its hash, so `fgf validate` catches what a stat cannot. An entry that is
missing, damaged or foreign is rebuilt, never used; one is written whole in a temporary folder
and renamed into place. A cache that cannot be written only makes the build slower. `cached`
gives every source's chunk in source order, from the cache where it can and made in worker
processes where it cannot.

Beside the entries, `conforming.json` lists the digests (`value_digest`) of the descriptor's
resources and inline parts the last build found to conform to the Data Package profile, so a
rebuild's profile check leaves them out (`package.check_descriptor`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..caching import cache_root
from ..errors import FgfError
from ..linked.catalog import PlanEntry
from ..publication import VERSION
from ..textio import read_file
from . import chunks
from .chunks import PARTS, Chunk, Kept

__all__ = [
    "FILES",
    "FORMAT",
    "cache_folder",
    "cached",
    "chunk_key",
    "keep_conforming",
    "known_conforming",
    "load_chunk",
    "place",
    "save_chunk",
    "value_digest",
]

FORMAT = 2
"""The layout of an entry (1: one file a chunk); an entry of another layout is rebuilt."""
FILES = {"plan_json": "plan.json", "text": "source.txt", "triples": "graph.nt"}
"""The file of an entry that holds each published part (`chunks.PARTS`)."""
_TABLES = "tables.csv"
_ENTRY = "entry.json"
_CONFORMING = "conforming.json"


def cache_folder() -> Path | None:
    """Where the entries live: `corpus/` under the cache folder; None when the cache is off."""
    root = cache_root()
    return None if root is None else root / "corpus"


def cached(
    paths: Sequence[Path],
    encoding: str | None,
    limit: int | None,
    graph: bool,
    jobs: int,
    cache: Path | None,
) -> Iterator[Chunk]:
    """Every source's chunk in source order: from the cache where it holds a sound entry for
    the source's bytes, else computed (in worker processes) and then stored in it."""
    if cache is None:
        yield from chunks.computed(paths, encoding, limit, graph, jobs)
        return
    keys = [chunk_key(path, encoding, limit, graph) for path in paths]
    found = [
        load_chunk(cache / _entry_name(key), str(path)) if key is not None else None
        for path, key in zip(paths, keys, strict=True)
    ]
    misses = chunks.computed(
        [p for p, hit in zip(paths, found, strict=True) if hit is None],
        encoding,
        limit,
        graph,
        jobs,
    )
    for key, hit in zip(keys, found, strict=True):
        if hit is not None:
            yield hit
            continue
        made = next(misses)
        if key is not None and made.plan_id is not None:
            save_chunk(cache / _entry_name(key), made)
            # published from the entry as an unchanged plan is: its files are written once
            made = load_chunk(cache / _entry_name(key), made.source) or made
        yield made


@functools.cache
def _code_fingerprint() -> str:
    """The sha256 of fgf's own code and data: a cache entry made by other code is not used."""
    digest = hashlib.sha256(f"{VERSION}\n".encode())
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc",):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def chunk_key(path: Path, encoding: str | None, limit: int | None, graph: bool) -> str | None:
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
    return f"{key[:2]}/{key}"


def _sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _write(path: Path, data: bytes) -> dict[str, Any]:
    """Write a file of an entry, on disk before the entry is; what `entry.json` says of it."""
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    stat = path.stat()
    return {"size": stat.st_size, "sha256": _sha256(data), "mtime_ns": stat.st_mtime_ns}


def save_chunk(folder: Path, chunk: Chunk) -> None:
    """Store a chunk in the entry folder `folder`: its files, then `entry.json`, in a
    temporary folder renamed into place. A cache that cannot be written is only slower."""
    tables = sorted(chunk.tables.items())
    tables_bytes = b"".join(body for _, body in tables)
    entry = chunk.entry
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    except OSError:
        return
    try:
        files = {part: _write(work / FILES[part], getattr(chunk, part)) for part in PARTS}
        _write(work / _TABLES, tables_bytes)
        header = {
            "format": FORMAT,
            "plan_id": chunk.plan_id,
            "agency_ids": list(chunk.agency_ids),
            "findings": list(chunk.findings),
            "entry": None if entry is None else entry.to_json(),
            "tables": [[name, len(body)] for name, body in tables],
            "tables_sha256": _sha256(tables_bytes),
            "files": files,
        }
        _write(work / _ENTRY, json.dumps(header, ensure_ascii=False).encode("utf-8"))
        if folder.exists():  # a damaged or older entry under the name: replaced
            shutil.rmtree(folder)
        os.rename(work, folder)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)


def _kept(folder: Path, part: str, said: Mapping[str, Any]) -> Kept | None:
    """A published file of an entry, when its size and modification time are what the entry
    says they were when it was written."""
    path = folder / FILES[part]
    stat = path.stat()
    if stat.st_size != said["size"] or stat.st_mtime_ns != said["mtime_ns"]:
        return None
    sha256 = said["sha256"]
    if not (isinstance(sha256, str) and sha256.startswith("sha256:")):
        return None
    return Kept(path, stat.st_size, sha256)


def load_chunk(folder: Path, source: str) -> Chunk | None:
    """The chunk stored in the entry folder `folder`, its published parts as files (`Kept`);
    None when the entry is missing, damaged or foreign: it is then rebuilt, never used."""
    try:
        header = json.loads((folder / _ENTRY).read_bytes())
        if header["format"] != FORMAT:
            return None
        kept = {part: _kept(folder, part, header["files"][part]) for part in PARTS}
        tables_bytes = (folder / _TABLES).read_bytes()
        if _sha256(tables_bytes) != header["tables_sha256"]:
            return None
        if any(k is None for k in kept.values()):
            return None
        tables: dict[str, bytes] = {}
        at = 0
        for name, size in header["tables"]:
            tables[str(name)] = tables_bytes[at : at + size]
            at += size
        if at != len(tables_bytes):
            return None
        raw = header["entry"]
        entry = None if raw is None else PlanEntry.from_json(raw)
        return Chunk(
            source,
            str(header["plan_id"]),
            tables=tables,
            agency_ids=tuple(header["agency_ids"]),
            findings=tuple(header["findings"]),
            entry=entry,
            kept={part: k for part, k in kept.items() if k is not None},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def place(kept: Kept, target: Path) -> None:
    """Publish a kept file at `target`: a hard link to it, or a copy where the cache is on
    another file system (or links are refused)."""
    try:
        os.link(kept.path, target)
    except OSError:
        shutil.copyfile(kept.path, target)


def value_digest(value: Any) -> str:
    """The digest of a JSON value (a descriptor's resource, an inline Table Schema) and of
    fgf's code, the profiles among its data: what `known_conforming` remembers it by."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{_code_fingerprint()}\n{text}".encode()).hexdigest()


def known_conforming(cache: Path) -> frozenset[str]:
    """The digests (`value_digest`) of the JSON values the last corpus build with this cache
    found to conform to their Data Package profile (`keep_conforming`): a rebuild need not
    validate them again. Empty when the list is missing or cannot be read."""
    try:
        listed = json.loads((cache / _CONFORMING).read_bytes())
    except (OSError, ValueError):
        return frozenset()
    if not isinstance(listed, list):
        return frozenset()
    return frozenset(d for d in listed if isinstance(d, str))


def keep_conforming(cache: Path, digests: Iterable[str]) -> None:
    """Replace the list of `known_conforming` by `digests`, written whole and renamed into
    place; a list that cannot be written only makes the next check slower."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=cache)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(json.dumps(sorted(set(digests))).encode("ascii"))
        os.replace(temporary, cache / _CONFORMING)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
