"""Files written as they are made: a build writes each file of a package into its folder once,
hashing it on the way, and keeps only its size and sha256 (`FileSet`); what lists the files
(the descriptor, the DCAT catalogue, the site's landing page, `fgf build --check`) asks
`stat_of` for those and reads nothing. Where the folder goes, and when, is `files`' business.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar, cast

from .errors import ExportError

__all__ = ["FileSet", "FileStat", "file_stat", "is_safe_path", "overlay", "stat_of"]


FileStat = tuple[int, str]
"""What a resource records of its file: its size in bytes and its hash ("sha256:…")."""


def file_stat(data: bytes) -> FileStat:
    """The size and sha256 of a file's bytes, as a resource records them."""
    return len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"


def is_safe_path(path: str) -> bool:
    """A relative path inside a package: no absolute, empty, `.` or `..` part, no `\\`, no `:`."""
    parts = path.split("/")
    return (
        bool(path)
        and not path.startswith("/")
        and "\\" not in path
        and ":" not in path
        and all(part not in ("", ".", "..") for part in parts)
    )


class _Hashing:
    """A binary writer that hashes and counts what goes through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


class FileSet(Mapping[str, bytes]):
    """The files of a package, each written once, as it is made, into `folder` (None: kept in
    memory), of which only the size and sha256 stay in memory (`stat`). Nothing is synced
    here: a folder that becomes a package is synced once, whole, when it is published
    (`files.publish`), and files made only to be compared (`build.check_build`) never are.

    As a mapping (path -> bytes, in path order) it reads a file back whole when asked for it,
    so code that reads a package's files takes it as it takes a dict; what needs only sizes and
    checksums asks `stat_of`, which reads nothing. A plan of 100,000 tasks makes 1.3 GB of
    files, which a build no longer holds at once."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._stats: dict[str, FileStat] = {}
        self._data: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        if path not in self._stats:
            raise KeyError(path)
        if self.folder is None:
            return self._data[path]
        with open(self.folder / path, "rb") as handle:
            return handle.read()

    def __contains__(self, path: object) -> bool:
        return path in self._stats

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._stats))

    def __len__(self) -> int:
        return len(self._stats)

    def stat(self, path: str) -> FileStat:
        """The size and sha256 of the file at `path`, recorded when it was written."""
        return self._stats[path]

    def moved(self, folder: Path) -> FileSet:
        """The same files, now in `folder` (where `publish` put them)."""
        moved = FileSet(folder)
        moved._stats, moved._data = self._stats, self._data
        return moved

    @contextmanager
    def writer(self, path: str) -> Iterator[BinaryIO]:
        """A binary writer for the file at `path` (new, a safe relative path): what is written
        goes to its file, hashed on the way."""
        if not is_safe_path(path):
            raise ExportError(f"{path!r} cannot be a file of the package")
        if path in self._stats:
            raise ExportError(f"{path!r} is made twice")
        if self.folder is None:
            buffer = io.BytesIO()
            out = _Hashing(buffer)
            yield cast(BinaryIO, out)
            self._data[path] = buffer.getvalue()
        else:
            file = self.folder / path
            file.parent.mkdir(parents=True, exist_ok=True)
            with open(file, "wb") as handle:
                out = _Hashing(handle)
                yield cast(BinaryIO, out)
        self._stats[path] = (out.size, f"sha256:{out.sha256.hexdigest()}")

    def add(self, path: str, data: bytes | Iterable[bytes]) -> None:
        """Writes the file at `path`: its bytes, or its bytes in pieces."""
        with self.writer(path) as out:
            for piece in (data,) if isinstance(data, bytes) else data:
                out.write(piece)

    def record(self, path: str, stat: FileStat) -> None:
        """Counts the file at `path` as made, put in the folder by other means (a corpus build
        hard-links a plan's unchanged files from its cache) with its size and sha256 known."""
        if path in self._stats:
            raise ExportError(f"{path!r} is made twice")
        self._stats[path] = stat

    def reader(self, path: str) -> BinaryIO:
        """The file at `path`, open for reading."""
        if path not in self._stats:
            raise KeyError(path)
        if self.folder is None:
            return io.BytesIO(self._data[path])
        return open(self.folder / path, "rb")


_Value_co = TypeVar("_Value_co", bound=bytes | None, covariant=True)


class _Overlay(Mapping[str, _Value_co], Generic[_Value_co]):
    def __init__(self, top: Mapping[str, _Value_co], files: Mapping[str, _Value_co]) -> None:
        self.top = top
        self.files = files

    def __getitem__(self, path: str) -> _Value_co:
        return self.top[path] if path in self.top else self.files[path]

    def __contains__(self, path: object) -> bool:
        return path in self.top or path in self.files

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self.top, *self.files}))

    def __len__(self) -> int:
        return len({*self.top, *self.files})


_Some = TypeVar("_Some", bytes, bytes | None)


def overlay(top: Mapping[str, _Some], files: Mapping[str, _Some]) -> Mapping[str, _Some]:
    """`{**files, **top}` without reading `files`: a view in which `stat_of` still finds the
    sizes and checksums a `FileSet` recorded."""
    return _Overlay(top, files)


def stat_of(files: Mapping[str, bytes | None], path: str) -> FileStat | None:
    """The size and sha256 of `files[path]` (None for a file mapped to None, made later),
    read from a `FileSet` (also under an `overlay`) without reading the file."""
    if isinstance(files, _Overlay):
        return stat_of(files.top if path in files.top else files.files, path)
    if isinstance(files, FileSet):
        return files.stat(path)
    data = files[path]
    return None if data is None else file_stat(data)
