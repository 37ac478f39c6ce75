"""Reading a package folder: its descriptor, safe local paths, and links that leave the folder.

An unreadable folder (missing, no `datapackage.json`, broken JSON) raises `ExportError`.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ExportError
from ..findings import CATALOGUE, Finding
from ..jsonload import load_json
from ..publication import DESCRIPTOR
from ..textio import file_kind, max_bytes, read_file
from .report import clip

__all__ = [
    "PARTS",
    "Reader",
    "csv_field_limit",
    "folder_reader",
    "is_local",
    "link_findings",
    "paths_of",
    "read_descriptor",
    "resources_of",
    "unsafe_path",
]

PARTS = ("schema", "dialect")
"""The parts of a resource that may be a path to a file of their own."""
# A path the Data Package profile accepts as local: relative POSIX, no "..", no scheme.
_LOCAL_PATH = re.compile(r"(?!/)(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!.*(^|/)\.\.(/|$))[^\\]+")


# --- reading ----------------------------------------------------------------------------------


def read_descriptor(folder: Path) -> dict[str, Any]:
    """The folder's `datapackage.json` as a dict. Raises `ExportError` when the folder does not
    exist, is not a folder or has no readable descriptor (one that is a link out of the package
    is not read), `ParseError` (code invalid-json, with line and column) when it is not JSON
    within `jsonload.load_json`'s bounds."""
    if not folder.is_dir():
        if not os.path.lexists(folder):
            raise ExportError(f"{folder} does not exist (expected a data package folder)")
        raise ExportError(f"{folder} is not a folder (expected a data package folder)")
    path = folder / DESCRIPTOR
    problem = unsafe_path(folder, DESCRIPTOR)
    if problem is not None:
        raise ExportError(f"{path} {problem}: not read")
    try:
        data = read_file(path, limit=None)  # never a FIFO or device
    except FileNotFoundError:
        raise ExportError(f"{folder} has no {DESCRIPTOR}: it is not a data package") from None
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None
    descriptor = load_json(data, str(path))
    if not isinstance(descriptor, dict):
        raise ExportError(f"{path} is not a JSON object")
    return descriptor


def resources_of(descriptor: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = descriptor.get("resources")
    return [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []


def is_local(path: object) -> bool:
    return isinstance(path, str) and bool(_LOCAL_PATH.fullmatch(path))


def unsafe_path(folder: Path, path: str) -> str | None:
    """Why the package file `path` (relative to `folder`) must not be read, or None.

    A path none of whose parts is a link leading out of the package, naming a regular file (or
    nothing: a missing file is another finding) may be read. Links are resolved, never read
    through: the message names the link, not what it points to. A FIFO or a device would block
    or never end, so it is refused too.
    """
    root = folder.resolve()
    here = root
    for part in PurePosixPath(path).parts:
        here = here / part
        if not here.is_symlink():
            continue
        link = here.relative_to(root).as_posix()
        named = "" if link == path else f" ({link})"
        try:
            target = here.resolve(strict=False)
        except (OSError, RuntimeError):  # a loop of links
            return f"is a link that cannot be resolved{named}"
        if not target.is_relative_to(root):
            return f"is a link that leads out of the package{named}"
        here = target
    try:
        mode = here.stat().st_mode
    except OSError:
        return None  # missing or unreadable: reading it reports that
    if not stat.S_ISREG(mode):
        return None if stat.S_ISDIR(mode) else f"is {file_kind(mode)}, not a regular file"
    return None


Reader = Callable[[str], bytes | None]
"""The bytes of a file of the package by its local path, None when it cannot be read."""


def folder_reader(folder: Path) -> Reader:
    """Reads a package file unless `unsafe_path` refuses it (`link_findings` says why)."""

    def read(path: str) -> bytes | None:
        if unsafe_path(folder, path) is not None:
            return None
        try:
            return read_file(folder / path, limit=None)
        except OSError:
            return None

    return read


def link_findings(folder: Path, descriptor: Mapping[str, Any]) -> list[Finding]:
    """A finding for every link in the package folder that leads out of it, and every file that
    is not a regular one (FIFO, device, socket): fgf validate reads none of them. A finding
    names the resource whose file it is, else the file's path."""
    root = folder.resolve()
    names = {
        path: str(resource.get("name"))
        for resource in resources_of(descriptor)
        for path in paths_of(resource)
    }
    findings: list[Finding] = []
    for top, dirs, files in os.walk(root):  # links to folders are listed, not followed
        for entry in sorted((*dirs, *files)):
            relative = (Path(top) / entry).relative_to(root).as_posix()
            problem = unsafe_path(root, relative)
            if problem is None:
                continue
            code = "unsafe-link" if "link" in problem else "not-a-file"
            where = names.get(relative, relative)
            findings.append(CATALOGUE[code](where, path=clip(relative), problem=problem))
    return findings


def paths_of(resource: Mapping[str, Any]) -> list[str]:
    """Every local file a resource names: its path (or paths), a schema or dialect by path."""
    paths = resource.get("path")
    found = list(paths) if isinstance(paths, list) else [paths]
    found += [resource.get(part) for part in PARTS]
    return [str(p) for p in found if is_local(p)]


@contextlib.contextmanager
def csv_field_limit() -> Iterator[None]:
    """The csv module's field size limit (131,072 characters) raised to the input bound for
    the duration: a cell holds at most a source's text, and sources are bounded by
    `textio.max_bytes`. The limit is process-wide; it is put back afterwards."""
    previous = csv.field_size_limit()
    # at most what a C long holds: the limit may come from the environment, however large
    csv.field_size_limit(min(max(previous, max_bytes()), sys.maxsize))
    try:
        yield
    finally:
        csv.field_size_limit(previous)
