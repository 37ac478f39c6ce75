"""File output at the edge: every file is written whole or not at all, and a folder is replaced
only when it is provably a package this tool wrote.

The folder rule (`check_replaceable`): `fgf build -o DIR` replaces DIR only when DIR does not
exist, is an empty folder, or is a package fgf wrote: its datapackage.json names fgf-opendata
as publisher and every entry of DIR is that descriptor, a file it lists (a regular file, not a
link), a folder on the way to one, or the package's `site/` folder when that is a site fgf
wrote by the site's own rule (`site_intruder`: the descriptor does not list the
site, whose landing page lists the descriptor with its checksum). Anything else is refused before any work, naming the
first foreign entry, so a build never deletes a file it did not write. DIR must also be
removable (every folder in it writable) and its parent writable, so a permission problem is a
clean error before anything changes, not a half-done swap.

A package is written into a temporary folder beside DIR, `.DIR.new-PID-XXXXXXXX`, which holds
a marker file (`MARKER`) while it is being filled; `publish` removes the marker, swaps the
folder in for DIR (Linux: one `renameat2(RENAME_EXCHANGE)`) and deletes the previous package,
marking it first. A kill at any moment leaves DIR old or new and at most one temporary folder
that is recognisably the tool's: its name carries the pid of a process that is gone, and it
is empty, holds the marker, or is a whole package fgf wrote. The next build removes such
folders (`remove_stale`) and nothing else.

Before the swap, `publish` syncs the filled folder to disk once (`sync_folder`: Linux's
`syncfs`, else each file and folder by `fsync`), so a crash after the swap shows the new
package whole. `staged` is the whole round for a caller: a folder to fill, discarded on any
error, published when the block ends.

The module is one thing, the folder rule and the round that keeps it (check, stage, fill,
sync, swap, clean up), which is why it stays whole past 500 lines.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import ExportError, FgfError
from .publication import DESCRIPTOR, GENERATOR, PUBLISHER
from .textio import file_kind, read_file

__all__ = [
    "DESCRIPTOR_LIMIT",
    "MARKER",
    "check_replaceable",
    "discard",
    "foreign_entry",
    "os_error",
    "publish",
    "read_descriptor",
    "read_index",
    "remove_stale",
    "site_intruder",
    "stage",
    "staged",
    "sync_folder",
    "unremovable",
    "write_atomic",
]

SITE = "site"
"""The folder of the package's static site, made after the descriptor and not listed in it:
a package folder may hold it when it is a site fgf wrote (the site's own rule)."""
MARKER = ".fgf-staging"
"""The file that marks a temporary folder as one a build is filling or deleting."""
DESCRIPTOR_LIMIT = 256 * 1024 * 1024  # a corpus of 100k plans lists 200k resources
"""Bytes of a package descriptor read at most; a larger one is taken for none."""
_EFFECTIVE = os.access in os.supports_effective_ids
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<kind>new|old)-(?P<pid>[0-9]+)-[a-z0-9_]+")


def os_error(exc: OSError, what: str) -> ExportError:
    """An `OSError` as a one-line `ExportError` (exit 2) that names the path."""
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) not in what else ""
    return ExportError(f"{what}: {exc.strerror or exc}{where}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it.

    Only a regular file (or nothing) is replaced: a link is followed to the file it names, a
    character device (`-o /dev/null`) is written as a shell redirection would, and anything
    else (a folder, a FIFO, a socket) is refused: renaming onto it would delete what the tool
    did not write.
    """
    path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISCHR(mode):
            try:
                with open(path, "wb") as device:
                    device.write(data)
            except OSError as exc:
                raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
            return
        what = "a folder" if stat.S_ISDIR(mode) else file_kind(mode)
        raise ExportError(f"cannot write {path}: it is {what}, not a regular file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # name the folder, not the temporary file that could not be made
        raise ExportError(f"cannot write {path}: {exc.strerror or exc} ({path.parent})") from exc
    try:
        # mkstemp makes the file private (0600); published files are world-readable.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


# --- which folders may be replaced ------------------------------------------------------------


def read_descriptor(folder: Path) -> dict[str, Any] | None:
    """The descriptor of the package in `folder` as JSON, read whole but bounded
    (`DESCRIPTOR_LIMIT`); None when there is none, it cannot be read, is not a JSON object, or
    is larger than the limit. For a quick look that must not fail; the package gates read it
    with errors that say what is wrong."""
    try:
        with open(folder / DESCRIPTOR, "rb") as handle:
            raw = handle.read(DESCRIPTOR_LIMIT + 1)
        descriptor = json.loads(raw) if len(raw) <= DESCRIPTOR_LIMIT else None
    except (OSError, ValueError, RecursionError):
        return None
    return descriptor if isinstance(descriptor, dict) else None


def _listed(folder: Path) -> set[str] | None:
    """The paths the descriptor of `folder` lists, itself included; None when there is no
    descriptor fgf wrote (none, unreadable, not JSON, or another publisher)."""
    descriptor = read_descriptor(folder)
    if descriptor is None:
        return None
    contributors = descriptor.get("contributors")
    if not isinstance(contributors, list) or not any(
        isinstance(c, dict)
        and c.get("title") == PUBLISHER
        and isinstance(c.get("roles"), list)
        and "publisher" in c["roles"]
        for c in contributors
    ):
        return None
    resources = descriptor.get("resources")
    paths = {DESCRIPTOR}
    for resource in resources if isinstance(resources, list) else ():
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, str):
            paths.add(path)
    return paths


def foreign_entry(folder: Path) -> str | None:
    """The first entry of `folder`, in name order, that is not its fgf descriptor or a file it
    lists (as a path relative to `folder`); None when there is none (or no folder)."""
    if not folder.is_dir():
        return None
    listed = _listed(folder) or set()
    parents = {"/".join(p.split("/")[:i]) for p in listed for i in range(1, p.count("/") + 1)}

    def first(relative: str) -> str | None:
        with os.scandir(folder / relative if relative else folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False) and path in parents:
                    found = first(path)
                    if found is not None:
                        return found
                elif path == SITE and entry.is_dir(follow_symlinks=False) and listed:
                    found = _site_entry(folder / SITE)
                    if found is not None:
                        return f"{SITE}/{found}"
                elif not (entry.is_file(follow_symlinks=False) and path in listed):
                    return path
        return None

    return first("")


_SITE_SUFFIXES = frozenset({".html", ".svg", ".css", ".js"})
_GENERATOR_TAG = f'<meta name="generator" content="{GENERATOR}">'.encode()
_INDEX_LIMIT = 256 * 1024 * 1024


def site_intruder(paths: Sequence[str], index: bytes | None) -> str | None:
    """What shows that a folder is not a site fgf wrote, or None when it is one (or empty).

    `paths` are the folder's files (relative, in name order; links and other non-regular
    entries are the caller's to refuse) and `index` the bytes of its index.html (None when
    there is none). The rule: index.html names the generator and every file is a page,
    chart, style sheet or script. Returns "index.html" when the first half fails, else the
    first other file. `fgf site` and `fgf build` (the site inside a package) share it.
    """
    if not paths:
        return None
    if index is None or _GENERATOR_TAG not in index:
        return "index.html"
    return next((p for p in paths if PurePosixPath(p).suffix not in _SITE_SUFFIXES), None)


def read_index(folder: Path) -> bytes | None:
    """The bytes of `folder`'s index.html for `site_intruder`, None when it is not a regular
    file that can be read."""
    index = folder / "index.html"
    try:
        if index.is_symlink() or not index.is_file():
            return None
        return read_file(index, limit=_INDEX_LIMIT)
    except (OSError, FgfError):
        return None


def _site_entry(site: Path) -> str | None:
    """The first entry of the package's `site/` folder that shows it is not a site fgf wrote
    (by the site's own rule, `site_intruder`), or None."""
    paths: list[str] = []
    for root, dirs, names in os.walk(site):  # links to folders are listed, not followed
        dirs.sort()
        for name in sorted((*dirs, *names)):
            full = os.path.join(root, name)
            relative = Path(full).relative_to(site).as_posix()
            if os.path.islink(full) or not (os.path.isdir(full) or os.path.isfile(full)):
                return relative
            if name in names:
                paths.append(relative)
    return site_intruder(sorted(paths), read_index(site))


def unremovable(folder: Path) -> Path | None:
    """The first folder in `folder` (itself included) whose entries this process may not
    delete (read-only, another user's, or sticky and not ours); None when all may be."""
    euid = os.geteuid() if hasattr(os, "geteuid") else -1
    for root, dirs, _ in os.walk(folder, onerror=_raise):
        dirs.sort()
        if not os.access(root, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE):
            return Path(root)
        info = os.stat(root)
        if info.st_mode & stat.S_ISVTX and euid not in (0, info.st_uid):
            with os.scandir(root) as entries:
                if any(e.stat(follow_symlinks=False).st_uid != euid for e in entries):
                    return Path(root)
    return None


def _raise(exc: OSError) -> None:
    raise exc


def check_replaceable(target: Path) -> Path:
    """The target as an absolute path, when a build may replace it (see the module's rule);
    raises `ExportError` naming what is in the way otherwise. Nothing is changed."""
    target = Path(os.path.abspath(target))  # "." and ".." have no parent to work beside
    if target == target.parent:
        raise ExportError(f"{target} cannot be replaced by a package folder")
    if os.path.islink(target):
        raise ExportError(
            f"{target} is a symbolic link; not replacing it "
            f"(give the folder it points to, {os.path.realpath(target)}, if that is meant)"
        )
    if os.path.lexists(target) and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder; not replacing it")
    try:
        foreign = foreign_entry(target)
        if foreign is not None:
            raise ExportError(
                f"{target} is not a data package folder fgf wrote ({foreign} is not one of its "
                "files); not replacing it: move what you keep there, or choose another folder"
            )
        blocked = unremovable(target) if target.is_dir() else None
    except OSError as exc:
        raise os_error(exc, f"cannot replace {target}") from exc
    if blocked is not None:
        raise ExportError(
            f"cannot replace {target}: {os.strerror(errno.EACCES)} to delete from {blocked} "
            "(read-only or another user's); the package was left as it was"
        )
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE):
        raise ExportError(
            f"cannot write the package {target}: {os.strerror(errno.EACCES)} to write into "
            f"{parent} (the new package is made beside the old one)"
        )
    return target


# --- temporary folders ------------------------------------------------------------------------


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process, or a number that is no pid: assume in use
    return True


def _is_ours(folder: Path) -> bool:
    """Empty, marked, or a whole package fgf wrote: what a killed build leaves."""
    with os.scandir(folder) as entries:
        if next(entries, None) is None:
            return True
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return True
    return _listed(folder) is not None and foreign_entry(folder) is None


def remove_stale(target: Path) -> tuple[Path, ...]:
    """Remove the temporary folders beside `target` that killed builds left; returns them.

    Only folders named `.NAME.new-PID-*` (or `.NAME.old-PID-*` while `target` exists) whose
    process is gone and whose content is recognisably the tool's (`_is_ours`) are removed;
    a folder that cannot be removed is left for a later build.
    """
    removed: list[Path] = []
    try:
        entries = sorted(target.parent.iterdir())
    except OSError:
        return ()
    for folder in entries:
        found = _TEMPORARY.fullmatch(folder.name)
        if (
            found is None
            or found["name"] != target.name
            or (found["kind"] == "old" and not target.is_dir())  # the only copy: keep it
            or folder.is_symlink()
            or not folder.is_dir()
            or _is_running(int(found["pid"]))
        ):
            continue
        try:
            if _is_ours(folder):
                _remove_tree(folder)
                removed.append(folder)
        except OSError:
            continue
    return tuple(removed)


def stage(target: Path) -> Path:
    """A new, marked temporary folder beside `target` (after removing stale ones)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target)
        folder = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent)
        )
    except OSError as exc:
        raise os_error(exc, f"cannot write the package {target}") from exc
    try:
        _mark(folder)
    except OSError as exc:
        discard(folder)
        raise os_error(exc, f"cannot write the package {target}") from exc
    return folder


@contextmanager
def staged(target: Path, what: str) -> Iterator[Path]:
    """A new folder beside `target` (`stage`) for the block to fill; when the block ends it is
    synced and swapped in for `target` (`publish`). When the block raises, the folder is
    discarded and `target` left as it was; an `OSError` becomes an `ExportError` "cannot write
    {what}" that names the path."""
    new = stage(target)
    try:
        yield new
    except BaseException as exc:
        discard(new)
        if isinstance(exc, OSError):
            raise os_error(exc, f"cannot write {what}") from exc
        raise
    publish(new, target)


def discard(folder: Path) -> None:
    """Remove a temporary folder this build made, as far as possible."""
    try:
        _remove_tree(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _mark(folder: Path) -> None:
    (folder / MARKER).touch()


def _remove_tree(folder: Path) -> None:
    """Remove `folder` without following links, its marker last: a kill midway leaves a
    folder that `remove_stale` still recognises."""
    for root, dirs, names in os.walk(folder, topdown=False, onerror=_raise):
        for name in sorted(names):
            if name != MARKER or root != str(folder):
                os.unlink(os.path.join(root, name))
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if os.path.islink(path):
                os.unlink(path)
            else:
                os.rmdir(path)
    (folder / MARKER).unlink(missing_ok=True)
    os.rmdir(folder)


# --- swapping in ------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two folders in one step (Linux renameat2). False when the system cannot; raises
    `OSError` when it can but may not (a permission, say)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(new: Path, target: Path) -> Path:
    """Puts folder `new` at `target` (which exists); returns where the previous one is now."""
    if _exchange(new, target):
        return new
    # Two renames: a kill between them leaves the previous package whole in `.NAME.old-*`.
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
    try:
        os.rename(target, old)  # onto the empty folder mkdtemp made
    except BaseException:
        os.rmdir(old)
        raise
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    return old


@functools.cache
def _syncfs() -> Any | None:
    """libc's `syncfs` (Linux), None where there is none; looked up once per process."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def sync_folder(folder: Path) -> None:
    """Everything written in `folder` (files, folders, their entries) on disk; raises `OSError`.

    Linux: one `syncfs` of the filesystem that holds it, which writes back every dirty page and
    inode there and waits for them: the folder's files and its own entries, which a `fsync` per
    file did not cover, and since Linux 5.8 it reports a write-back error as `fsync` does. On a
    busy disk it writes others' data too; here it took 0.05 s where 88 `fsync`s took 0.23 s.
    Elsewhere (or where `syncfs` is refused as unsupported): each file and folder by `fsync`."""
    syncfs = _syncfs()
    if syncfs is not None:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if syncfs(fd) == 0:
                return
            code = ctypes.get_errno()
            if code not in _UNSUPPORTED:
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)
    for root, _dirs, names in os.walk(folder, topdown=False, onerror=_raise):
        for name in [*names, "."]:
            path = os.path.join(root, name)
            if name == "." or not os.path.islink(path):
                _fsync(path)


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(staging: Path, target: Path) -> None:
    """Sync the filled temporary folder `staging` to disk (`sync_folder`), swap it in for
    `target` and delete the previous package; `staging` is gone afterwards, whatever happens.

    On an error `ExportError` names the path and `target` is left as it was, except when the
    previous package could not be deleted completely after the swap (a folder of it turned
    read-only meanwhile): `target` is then the new package, and the rest of the old one is
    left, marked, for the next build to remove.
    """
    try:
        mode = target.stat().st_mode & 0o7777 if target.is_dir() else 0o755
        blocked = unremovable(target) if target.is_dir() else None
        if blocked is not None:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(blocked))
        (staging / MARKER).unlink()
        sync_folder(staging)
        os.chmod(staging, mode)
        if not os.path.lexists(target):
            os.rename(staging, target)
            return
        old = _swap(staging, target)
    except OSError as exc:
        discard(staging)
        raise os_error(exc, f"cannot replace {target}") from exc
    try:
        _mark(old)
    except OSError as exc:  # nothing of the previous package is gone yet: put it back
        try:
            new = _swap(old, target)
        except OSError:
            raise os_error(exc, f"cannot delete the previous package in {old}") from exc
        discard(new)
        raise os_error(exc, f"cannot replace {target}; it was left as it was") from exc
    try:
        _remove_tree(old)
    except OSError as exc:
        raise os_error(
            exc,
            f"wrote {target}, but the previous package could not be deleted completely from "
            f"{old}; the next build removes it",
        ) from exc
