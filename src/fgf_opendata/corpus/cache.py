"""The per-source cache of a corpus build: each source's chunk (`chunks.Chunk`) kept on disk,
keyed by the source's bytes, how it is read and fgf's own code.

Entries live in `corpus/` under the cache folder (`linked.store.cache_root`), one file each,
`<key[:2]>/<key>.chunk`: a JSON header line (the chunk's fields, its parts' lengths and their
sha256), then the parts. An entry is written whole through a temporary file; one that is
missing, damaged or foreign (its parts fail their sha256, its header does not read) is rebuilt,
never used. A cache that cannot be written only makes the build slower. `cached` gives every
source's chunk in source order, from the cache where it can and made in worker processes where
it cannot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import FgfError
from ..linked.catalog import PlanEntry
from ..linked.store import cache_root
from ..publication import VERSION
from ..textio import read_file
from . import chunks
from .chunks import Chunk

__all__ = ["FORMAT", "cache_folder", "cached", "chunk_key", "load_chunk", "save_chunk"]

FORMAT = 1
"""The layout of an entry; an entry of another layout is rebuilt."""


def cache_folder() -> Path:
    """Where the entries live: `corpus/` under the cache folder."""
    return cache_root() / "corpus"


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
    hits = [key is not None and (cache / _entry_name(key)).is_file() for key in keys]
    misses = iter(
        chunks.computed(
            [p for p, hit in zip(paths, hits, strict=True) if not hit], encoding, limit, graph, jobs
        )
    )
    for path, key, hit in zip(paths, keys, hits, strict=True):
        found = load_chunk(cache / _entry_name(key), str(path)) if hit and key else None
        if found is None:
            found = next(misses) if not hit else chunks.chunk(path, encoding, limit, graph)
            if key is not None and found.plan_id is not None:
                save_chunk(cache / _entry_name(key), found)
        yield found


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
    return f"{key[:2]}/{key}.chunk"


def _parts(chunk: Chunk) -> list[tuple[str, bytes]]:
    return [
        *((f"table:{name}", body) for name, body in sorted(chunk.tables.items())),
        ("plan_json", chunk.plan_json),
        ("text", chunk.text),
        ("triples", chunk.triples),
    ]


def save_chunk(path: Path, chunk: Chunk) -> None:
    """Store a chunk: a JSON header line (its fields, the parts' lengths, their sha256), then
    the parts. Written whole through a temporary file; a cache that cannot be written is
    only slower."""
    parts = _parts(chunk)
    digest = hashlib.sha256()
    for _, data in parts:
        digest.update(data)
    entry = chunk.entry
    header = {
        "format": FORMAT,
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


def load_chunk(path: Path, source: str) -> Chunk | None:
    """The chunk stored at `path`, or None when the entry is missing, damaged or foreign (its
    parts fail their sha256, its header does not read): it is then rebuilt, never used."""
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
        if rest or header["format"] != FORMAT or digest.hexdigest() != header["sha256"]:
            return None
        raw = header["entry"]
        entry = None
        if raw is not None:
            day = {k: dt.date.fromisoformat(raw[k]) if raw[k] else None for k in ("issued", "end")}
            entry = PlanEntry(raw["id"], raw["iri"], raw["title"], raw["doc_number"], **day)
        return Chunk(
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
