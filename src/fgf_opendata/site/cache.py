"""The site's entries in fgf's cache folder (`caching`): what a build made once and need not
make again.

    <cache>/charts/<key>.svg       a chart's SVG bytes (`charts`)
    <cache>/templates/<key>.jinja  a page template compiled by Jinja2

Each entry is a file named by its key, the
sha256 of everything its bytes are made from (the caller's business); its first line holds
the key again and the sha256 of the bytes after it. A file that does not match (damaged, cut
short by a crash, copied from another key's name) is not used: the caller makes the bytes
again and the entry is rewritten. Entries are written atomically (a temporary file in the same
folder, then renamed) into folders only the user may read; one that cannot be written (a
read-only or full disk) is simply not kept. The folder may be deleted at any time.

Compiled templates are Python code, as `__pycache__` is: they are trusted as far as the user's
own files are, and Jinja2 itself checks each against its template's source and against the
Jinja2 and Python versions before using it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..caching import NO_CACHE_VARIABLE, cache_root

if TYPE_CHECKING:
    from jinja2.bccache import Bucket

__all__ = ["NO_CACHE_VARIABLE", "cache_folder", "read_entry", "template_cache", "write_entry"]

_ENTRY_HEAD = b"fgf-opendata cache"


def cache_folder(kind: str) -> Path | None:
    """The folder of one kind of entry ("charts", "templates"); None when the cache is off
    (`caching.cache_root`)."""
    root = cache_root()
    return None if root is None else root / kind


def _head(key: str, data: bytes) -> bytes:
    digest = hashlib.sha256(data).hexdigest()
    return b"%s %s sha256=%s\n" % (_ENTRY_HEAD, key.encode("ascii"), digest.encode("ascii"))


def read_entry(path: Path, key: str) -> bytes | None:
    """The bytes kept at `path` for `key`; None when there are none or they do not match."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    _, newline, kept = data.partition(b"\n")
    if newline and data.startswith(_head(key, kept)):
        return kept
    return None


def write_entry(path: Path, key: str, data: bytes) -> None:
    """Keep `data` at `path` for `key`, atomically; nothing when the disk refuses."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_head(key, data) + data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        return


def template_cache(folder: Path) -> Any:
    """A Jinja2 bytecode cache keeping compiled templates in `folder` as entries."""
    from jinja2 import BytecodeCache

    class TemplateCache(BytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            data = read_entry(folder / f"{bucket.key}.jinja", bucket.key)
            if data is not None:
                bucket.bytecode_from_string(data)  # checked against the source by Jinja2

        def dump_bytecode(self, bucket: Bucket) -> None:
            write_entry(folder / f"{bucket.key}.jinja", bucket.key, bucket.bytecode_to_string())

    return TemplateCache()
