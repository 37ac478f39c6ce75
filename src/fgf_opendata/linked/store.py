"""The corpus graph in an indexed store on disk, so `fgf query` does not reparse N-Triples.

A corpus package's graph is its plans' N-Triples files (`linked/plans/<id>.nt`, the portable
form, each listed in the descriptor); millions of triples take minutes to parse into rdflib.
`fgf build` of a corpus therefore also loads them into a pyoxigraph `Store` (RocksDB,
indexed), which `fgf query` opens read-only and queries in about a second.

The store is a cache, kept outside the package so that the package stays byte-identical
between builds and holds only files its descriptor lists: `stores/<hex>/` under the cache
folder (`caching.cache_root`), named by the graph's digest (`graph_digest`: the sha256 of the
paths and hashes the descriptor records for the plans' graph files, in its order). A store is
made in a temporary folder beside it and renamed into place once whole, with a stamp
(`store.json`: the digest, its triple count, the fgf version, the store's `LAYOUT`); it is used
only when its stamp names the digest of the package's descriptor, the version and the layout.
A store is compacted once loaded: the tables of a bulk load, left side by side, made each
lookup search all of them (a cold query of the 1,000-plan corpus took four times as long).
Anything else (no store, a damaged or foreign one, the cache turned off) falls back to the
N-Triples. The newest `KEEP` stores are kept, older ones removed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..caching import cache_root
from ..files import read_descriptor
from ..publication import CORPUS_GRAPHS, VERSION

__all__ = [
    "KEEP",
    "LAYOUT",
    "STAMP",
    "build_store",
    "find_store",
    "graph_digest",
    "graph_files",
    "store_folder",
]

STAMP = "store.json"
"""The stamp of a whole store: what graph it holds, written last."""
KEEP = 3
"""Stores kept in the cache; older ones are removed when a new one is made."""
LAYOUT = 3
"""How the store is laid out and named; a store of another layout (1: bulk-loaded, not
compacted; 2: named by the sha256 of one N-Triples file) is made again."""
_HEX = re.compile(r"[0-9a-f]{64}")


def graph_digest(files: Iterable[tuple[str, str]]) -> str:
    """The digest ("sha256:<hex>") that names a corpus graph's store: the sha256 of each
    graph file's path and hash ("sha256:<hex>"), one line each, in the descriptor's order."""
    digest = hashlib.sha256()
    for path, sha256 in files:
        digest.update(f"{path} {sha256}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def store_folder(digest: str) -> Path | None:
    """Where the store of the graph with digest `digest` ("sha256:<hex>" or hex) lives; None
    when the cache is off."""
    root = cache_root()
    return None if root is None else root / "stores" / digest.removeprefix("sha256:")


def _stamp(digest: str, triples: int) -> dict[str, object]:
    return {
        "graph": f"sha256:{digest.removeprefix('sha256:')}",
        "triples": triples,
        "version": VERSION,
        "layout": LAYOUT,
    }


def _is_whole(folder: Path, digest: str) -> bool:
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("graph") == f"sha256:{digest.removeprefix('sha256:')}"
        and stamp.get("version") == VERSION
        and stamp.get("layout") == LAYOUT
    )


def build_store(graphs: Sequence[Path], digest: str) -> Path:
    """Load the N-Triples files `graphs` (whose `graph_digest` is `digest`) into their store,
    unless a whole one is there already; returns the store's database folder. Raises `OSError`
    (the caller says what failed; also when the cache is off) or `SyntaxError` from pyoxigraph
    for a graph that is not N-Triples."""
    import pyoxigraph as ox

    final = store_folder(digest)
    if final is None:
        raise OSError(f"the cache is off, so no store is kept for {digest}")
    if _is_whole(final, digest):
        return final / "db"
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-", dir=final.parent))
    try:
        store = ox.Store(str(work / "db"))
        with io.BufferedReader(_Chained(graphs), 1 << 20) as chained:  # one load, not per plan
            store.bulk_load(input=chained, format=ox.RdfFormat.N_TRIPLES)
        # a bulk load leaves its tables side by side, each to be searched on every lookup;
        # compacted, a cold query of the 1,000-plan corpus takes a quarter of the time
        store.optimize()
        store.flush()
        triples = len(store)
        del store  # closes the database before it is renamed
        (work / STAMP).write_text(json.dumps(_stamp(digest, triples)), encoding="utf-8")
        if final.exists():  # a damaged or older store under the name: replaced
            shutil.rmtree(final)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(final.parent, keep=final)
    return final / "db"


class _Chained(io.RawIOBase):
    """Files one after another as one stream: N-Triples is line-based, and files that each
    end with a newline make one document."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = iter(paths)
        self._handle: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._handle is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._handle = path.open("rb")
            count = self._handle.readinto(buffer)
            if count:
                return count
            self._handle.close()
            self._handle = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        super().close()


def _prune(stores: Path, keep: Path) -> None:
    """Remove all but the newest `KEEP` stores, and the temporary folders of dead builds."""
    whole: list[tuple[float, Path]] = []
    for entry in stores.iterdir():
        if entry.name.startswith(".tmp-"):
            pid = entry.name.split("-")[1]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)
        elif _HEX.fullmatch(entry.name) and entry != keep:
            try:
                whole.append(((entry / STAMP).stat().st_mtime, entry))
            except OSError:
                shutil.rmtree(entry, ignore_errors=True)  # no stamp: never finished
    whole.sort(reverse=True)
    for _, entry in whole[KEEP - 1 :]:
        shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def graph_files(package: Path) -> list[tuple[str, str]] | None:
    """The path and hash ("sha256:<hex>") of every plan's graph file the descriptor of the
    corpus package `package` lists, in its order; None when it lists none or cannot be read."""
    descriptor = read_descriptor(package)
    resources = descriptor.get("resources") if descriptor is not None else None
    found: list[tuple[str, str]] = []
    for resource in resources if isinstance(resources, list) else ():
        if not isinstance(resource, dict):
            continue
        path, digest = resource.get("path"), resource.get("hash")
        if isinstance(path, str) and path.startswith(f"{CORPUS_GRAPHS}/"):
            if not (isinstance(digest, str) and _HEX.fullmatch(digest.removeprefix("sha256:"))):
                return None
            found.append((path, digest))
    return found or None


def find_store(package: Path) -> Path | None:
    """The database folder of the whole store of the corpus graph of the package folder
    `package` (what `sparql.StoreGraph` opens), or None."""
    files = graph_files(package)
    if files is None:
        return None
    digest = graph_digest(files)
    folder = store_folder(digest)
    return folder / "db" if folder is not None and _is_whole(folder, digest) else None
