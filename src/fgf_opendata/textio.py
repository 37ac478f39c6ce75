"""Bytes <-> text at the edges: reading input files safely, decoding with a clear error, and
writing back the same bytes.

Reading: only regular files are read. A FIFO, a device or a socket is refused before it is
opened for reading (and the open never blocks), so nothing waits for a writer or streams
forever; no more than the size bound plus one byte is read, whatever size a file reports.

Decoding: UTF-8 with or without BOM, UTF-16 or UTF-32 with BOM, or the text codec named with
`--encoding`. A failure says what the bytes look like: GB18030/GBK, UTF-32 without a BOM, a
file cut inside a character, a damaged byte in UTF-8, or not text at all.

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
    "check_encoding",
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

# UTF-32-LE's mark starts with UTF-16-LE's: the longer one is tried first.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}

_GB_PROBE_BYTES = 64 * 1024


@dataclass(frozen=True)
class DecodedText:
    """A decoded input and how to encode it back to the same bytes."""

    text: str
    encoding: str
    bom: bytes = b""


def file_kind(mode: int) -> str:
    """What a file that is not a regular file or a folder is, from its `st_mode`."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


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
        data = _read_at_most(file, limit + 1, size)
    if len(data) > limit:
        raise InputTooLargeError(
            f"{path} is over the limit of {limit:,} bytes; it reported {size:,} ({_LIMIT_HINT})"
        )
    return data


def _read_at_most(file: BinaryIO, count: int, size: int) -> bytes:
    """At most `count` bytes of `file`, whose reported `size` may be 0 (/proc) or grow while
    it is read. Read in pieces: one read of `count` bytes would allocate them all up front,
    whatever the file holds (FGF_MAX_BYTES=10**30 must not be a MemoryError)."""
    pieces: list[bytes] = []
    want = min(count, max(size + 1, 1 << 16))  # a regular file: all of it in the first read
    while count > 0:
        piece = file.read(want)
        if not piece:
            break
        pieces.append(piece)
        count -= len(piece)
        want = min(count, 1 << 20)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def read_source(
    path: str | Path, encoding: str | None = None, *, limit: int | None = None
) -> DecodedText:
    """Read and decode a source file: a regular file within the size bound (default
    `max_bytes()`). Raises `InputFileError`, `InputTooLargeError` or `DecodeError`, each
    naming the file."""
    path = Path(path)
    if encoding:
        check_encoding(encoding)
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


def check_encoding(encoding: str) -> str:
    """The canonical name of a text codec; `DecodeError` for an unknown name or a codec that
    does not decode text (rot13, base64, hex, zlib: bytes-to-bytes or str-to-str)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise DecodeError(
            f"--encoding {encoding!r} is not a known encoding (try gb18030, gbk, utf-16)",
            code="unknown-encoding",
        ) from None
    try:
        b"\x00".decode(name)  # not b"": an empty input skips the text-codec check
    except LookupError:
        name = "undefined"
    except (UnicodeError, ValueError):
        pass  # a text codec that cannot decode a lone NUL (utf-16 wants two bytes)
    if name == "undefined":
        raise DecodeError(
            f"--encoding {encoding!r} is not a text encoding: name the character set the text "
            "is saved in (e.g. gb18030, gbk, utf-16)",
            code="not-a-text-encoding",
        )
    return name


def decode(data: bytes, encoding: str | None = None, *, name: str = "input") -> DecodedText:
    """Decode input bytes; raise `DecodeError` naming what was found and what to try."""
    if encoding:
        check_encoding(encoding)
        try:
            return DecodedText(data.decode(encoding), encoding)
        except UnicodeError as exc:
            raise _codec_error(data, encoding, name, exc) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(codec), codec, bom)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"{name} starts with a {codec} byte-order mark but is not valid {codec} "
                    f"(offset {exc.start + len(bom)})",
                    code="invalid-bom",
                ) from None
    utf32 = _utf32_without_bom(data)
    if utf32:
        raise DecodeError(
            f"{name} looks like {utf32.upper()} without a byte-order mark: "
            f"pass --encoding {utf32} or convert it to UTF-8",
            code="utf32-without-bom",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _utf8_error(data, name, exc.start) from None
    if "\x00" in text:
        raise _nul_error(data, name)
    return DecodedText(text, "utf-8")


def _utf32_without_bom(data: bytes) -> str | None:
    """'utf-32-le' or '-be' when the bytes are UTF-32 by their NUL pattern (every code point
    is below U+110000, so one byte in four is always zero)."""
    if len(data) < 4 or len(data) % 4 or b"\x00" not in data[:64]:
        return None
    for codec, zeros in (("utf-32-le", data[3::4]), ("utf-32-be", data[0::4])):
        if not zeros.strip(b"\x00"):
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _nul_error(data: bytes, name: str) -> DecodeError:
    offset = data.index(b"\x00")
    return DecodeError(
        f"{name} has a NUL byte at offset {offset} (line {_line_of(data, offset)}): it is not "
        "a text file, or it is UTF-16 without a byte-order mark (pass --encoding utf-16-le)",
        code="binary-input",
    )


def _ends_inside_character(data: bytes, codec: str) -> bool:
    """Whether every byte decodes but the last character is cut short."""
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except (ValueError, LookupError):  # UnicodeError is a ValueError
        return False
    return True


def _utf8_error(data: bytes, name: str, start: int) -> DecodeError:
    """Why bytes are not UTF-8: cut short, one damaged spot in UTF-8, GB18030, or unknown."""
    at = f"offset {start} (line {_line_of(data, start)})"
    if _ends_inside_character(data, "utf-8"):
        return DecodeError(
            f"{name} ends inside a UTF-8 character at {at}: the file looks truncated "
            "(cut it at the end of a line, or copy it again)",
            code="truncated-utf8",
        )
    if _mostly_utf8(data):
        return DecodeError(
            f"{name} is not valid UTF-8: byte {data[start]:#04x} at {at} is not part of a "
            "UTF-8 character; the file is damaged there or mixes encodings",
            code="invalid-utf8",
        )
    if b"\x00" in data:
        return _nul_error(data, name)
    hint = "GB18030/GBK" if _looks_like_gb(data, start) else "another encoding"
    return DecodeError(
        f"{name} is not UTF-8 (byte {data[start]:#04x} at offset {start}); it looks "
        f"like {hint}: convert it to UTF-8 or pass --encoding gb18030 (or the right codec)",
        code="not-utf8",
    )


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII bytes are mostly well-formed UTF-8: then the bad ones are damage.

    Text in another encoding rarely forms UTF-8 sequences (about one GBK character in ten does,
    never many in a row), so valid sequences outnumbering invalid ones tenfold is UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return valid >= 10 * max(invalid, 1)


def _looks_like_gb(data: bytes, start: int) -> bool:
    """Whether the bytes up to a window past the first non-UTF-8 byte decode as GB18030.

    The window may end inside a character: the incremental decoder keeps a cut one pending.
    """
    end = start + _GB_PROBE_BYTES
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(data[:end], final=end >= len(data))
    except UnicodeDecodeError:
        return False
    return not text.isascii()


def _codec_error(data: bytes, encoding: str, name: str, exc: UnicodeError) -> DecodeError:
    if not isinstance(exc, UnicodeDecodeError) or exc.object != data:
        # e.g. idna decodes label by label: its offsets are not the file's
        return DecodeError(f"{name} is not valid {encoding}: {exc}", code="invalid-for-encoding")
    if _ends_inside_character(data, encoding):
        return DecodeError(
            f"{name} ends inside a {encoding} character at offset {exc.start}: "
            "the file looks truncated",
            code="truncated-input",
        )
    return DecodeError(
        f"{name} is not valid {encoding}: byte {data[exc.start]:#04x} at offset {exc.start}",
        code="invalid-for-encoding",
    )


def encode(decoded: DecodedText, text: str | None = None) -> bytes:
    """Encode `text` (default: the decoded text) back as it came: same codec, same BOM."""
    return decoded.bom + (decoded.text if text is None else text).encode(decoded.encoding)
