"""The corpus graph in an indexed store on disk, so `fgf query` does not reparse N-Triples.

A corpus package's graph is `linked/corpus.nt` (the portable form, listed in the descriptor);
millions of triples take minutes to parse into rdflib. `fgf build` of a corpus therefore also
loads it into a pyoxigraph `Store` (RocksDB, indexed), which `fgf query` opens read-only and
queries in about a second.

The store is a cache, kept outside the package so that the package stays byte-identical
between builds and holds only files its descriptor lists: `stores/<hex>/` under the cache
folder (`FGF_CACHE_DIR`, else `$XDG_CACHE_HOME/fgf-opendata`, else `~/.cache/fgf-opendata`),
named by the sha256 of the graph it holds. A store is made in a temporary folder beside it and
renamed into place once whole, with a stamp (`store.json`: the graph's hash, its triple count,
the fgf version, the store's `LAYOUT`); it is used only when its stamp names the hash that the
package's descriptor records for `linked/corpus.nt`, the version and the layout. A store is
compacted once loaded: the tables of a bulk load, left side by side, made each lookup search
all of them (a cold query of the 1,000-plan corpus took four times as long). Anything else (no store, a damaged or foreign
one) falls back to the N-Triples. The newest `KEEP` stores are kept, older ones removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..publication import CORPUS_GRAPH, DESCRIPTOR, VERSION

__all__ = [
    "KEEP",
    "LAYOUT",
    "STAMP",
    "build_store",
    "cache_root",
    "find_store",
    "graph_digest",
    "store_folder",
]

STAMP = "store.json"
"""The stamp of a whole store: what graph it holds, written last."""
KEEP = 3
"""Stores kept in the cache; older ones are removed when a new one is made."""
LAYOUT = 2
"""How the store is laid out; a store of another layout (1: bulk-loaded, not compacted) is
made again."""
_HEX = re.compile(r"[0-9a-f]{64}")
_DESCRIPTOR_LIMIT = 256 * 1024 * 1024


def cache_root() -> Path:
    """The cache folder: `FGF_CACHE_DIR`, else `$XDG_CACHE_HOME/fgf-opendata`, else
    `~/.cache/fgf-opendata`."""
    given = os.environ.get("FGF_CACHE_DIR")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fgf-opendata"


def store_folder(digest: str) -> Path:
    """Where the store of the graph with sha256 `digest` ("sha256:<hex>" or hex) lives."""
    return cache_root() / "stores" / digest.removeprefix("sha256:")


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


def build_store(graph: Path, digest: str) -> Path:
    """Load the N-Triples file `graph` (whose sha256 is `digest`) into its store, unless a
    whole one is there already; returns the store's database folder. Raises `OSError` (the caller says
    what failed) or `SyntaxError` from pyoxigraph for a graph that is not N-Triples."""
    import pyoxigraph as ox

    final = store_folder(digest)
    if _is_whole(final, digest):
        return final / "db"
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-", dir=final.parent))
    try:
        store = ox.Store(str(work / "db"))
        store.bulk_load(path=str(graph), format=ox.RdfFormat.N_TRIPLES)
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


def graph_digest(package: Path) -> str | None:
    """The sha256 ("sha256:<hex>") the descriptor of `package` records for its corpus graph."""
    try:
        with open(package / DESCRIPTOR, "rb") as handle:
            raw = handle.read(_DESCRIPTOR_LIMIT + 1)
        descriptor = json.loads(raw) if len(raw) <= _DESCRIPTOR_LIMIT else None
    except (OSError, ValueError, RecursionError):
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, dict) and resource.get("path") == CORPUS_GRAPH:
            digest = resource.get("hash")
            return digest if isinstance(digest, str) and digest.startswith("sha256:") else None
    return None


def find_store(package: Path) -> Path | None:
    """The database folder of the whole store of the corpus graph of the package folder
    `package` (what `sparql.StoreGraph` opens), or None."""
    digest = graph_digest(package)
    if digest is None or not _HEX.fullmatch(digest.removeprefix("sha256:")):
        return None
    folder = store_folder(digest)
    return folder / "db" if _is_whole(folder, digest) else None
