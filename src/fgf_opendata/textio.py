"""Bytes <-> text at the edges: reading input files safely, decoding with a clear error, and
writing back the same bytes.

Reading: only regular files are read. A FIFO, a device or a socket is refused before it is
opened for reading (and the open never blocks), so nothing waits for a writer or streams
forever; no more than the size bound plus one byte is read, whatever size a file reports.

Decoding: UTF-8 with or without BOM, UTF-16 with BOM, or any codec named with `--encoding`.

Line endings are kept as they are (the parser reads CR as whitespace), so a CRLF file renders
back to CRLF bytes.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import DecodeError, InputFileError, InputTooLargeError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DecodedText",
    "NotRegularFileError",
    "decode",
    "encode",
    "input_file_error",
    "max_bytes",
    "open_regular",
    "read_file",
    "read_source",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Largest input read by default (16 MiB); override with FGF_MAX_BYTES or `--max-bytes`."""

_LIMIT_HINT = "raise it with --max-bytes or FGF_MAX_BYTES"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class DecodedText:
    """A decoded input and how to encode it back to the same bytes."""

    text: str
    encoding: str
    bom: bytes = b""


def max_bytes() -> int:
    """The size bound in force: FGF_MAX_BYTES when set, else `DEFAULT_MAX_BYTES`."""
    value = os.environ.get("FGF_MAX_BYTES", "")
    return int(value) if value.isdigit() else DEFAULT_MAX_BYTES


# --- reading ----------------------------------------------------------------------------------


class NotRegularFileError(OSError):
    """A path that names a FIFO, a device or a socket: reading it could block or never end."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        super().__init__(f"it is {kind}, not a regular file")


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading (symlinks followed); anything else raises `OSError`.

    A FIFO, device or socket raises `NotRegularFileError` without being opened; a folder raises
    `IsADirectoryError`. The open is non-blocking, so a file swapped for a FIFO after the check
    cannot block either: the type is checked again on the open file.
    """
    path = Path(path)
    _require_regular(path, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        _require_regular(path, os.fstat(fd).st_mode)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    raise NotRegularFileError(path, _KINDS.get(stat.S_IFMT(mode), "not a file"))


def read_file(path: str | Path, *, limit: int | None) -> bytes:
    """The bytes of a regular file, reading at most `limit` + 1 of them.

    Raises `InputTooLargeError` over `limit` (None: no bound, for files whose size is stated
    elsewhere, such as a package's), and `OSError` as `open_regular` does.
    """
    with open_regular(path) as file:
        if limit is None:
            return file.read()
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise InputTooLargeError(
                f"{path} is {size:,} bytes, over the limit of {limit:,} bytes ({_LIMIT_HINT})"
            )
        # The size a file reports can be 0 (/proc) or grow while it is read: bound the read.
        data = file.read(limit + 1)
    if len(data) > limit:
        raise InputTooLargeError(
            f"{path} is over the limit of {limit:,} bytes; it reported {size:,} ({_LIMIT_HINT})"
        )
    return data


def read_source(
    path: str | Path, encoding: str | None = None, *, limit: int | None = None
) -> DecodedText:
    """Read and decode a source file: a regular file within the size bound (default
    `max_bytes()`). Raises `InputFileError`, `InputTooLargeError` or `DecodeError`, each
    naming the file."""
    path = Path(path)
    try:
        data = read_file(path, limit=max_bytes() if limit is None else limit)
    except OSError as exc:
        raise input_file_error(path, exc) from None
    return decode(data, encoding, name=str(path))


def input_file_error(path: str | Path, exc: OSError) -> InputFileError:
    """The `InputFileError` for an `OSError` met reading `path`: what went wrong, and a code."""
    if isinstance(exc, NotRegularFileError):
        return InputFileError(
            f"cannot read {path}: {exc} (save its content to a file first)",
            code="not-a-regular-file",
        )
    if isinstance(exc, FileNotFoundError):
        return InputFileError(f"cannot read {path}: it does not exist", code="file-not-found")
    if isinstance(exc, IsADirectoryError):
        return InputFileError(f"cannot read {path}: it is a folder", code="is-a-folder")
    if isinstance(exc, PermissionError):
        return InputFileError(f"cannot read {path}: permission denied", code="permission-denied")
    return InputFileError(f"cannot read {path}: {exc.strerror or exc}")


# --- decoding ---------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None = None, *, name: str = "input") -> DecodedText:
    """Decode input bytes; raise `DecodeError` naming what was found and what to try."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DecodeError(f"unknown encoding {encoding!r}") from None
        try:
            return DecodedText(data.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"{name} is not valid {encoding}: byte {data[exc.start]:#04x} at offset {exc.start}"
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(codec), codec, bom)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"{name} starts with a {codec} byte-order mark but is not valid {codec} "
                    f"(offset {exc.start + len(bom)})"
                ) from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        hint = "GB18030/GBK" if _looks_like_gb(data) else "another encoding"
        raise DecodeError(
            f"{name} is not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); it looks "
            f"like {hint}: convert it to UTF-8 or pass --encoding gb18030 (or the right codec)"
        ) from None


def _looks_like_gb(data: bytes) -> bool:
    try:
        data[:4096].decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def encode(decoded: DecodedText, text: str | None = None) -> bytes:
    """Encode `text` (default: the decoded text) back as it came: same codec, same BOM."""
    return decoded.bom + (decoded.text if text is None else text).encode(decoded.encoding)
