"""Bytes <-> text at the edges: decoding with a clear error, and writing back the same bytes.

Accepted: UTF-8 with or without BOM, UTF-16 with BOM, or any codec named with `--encoding`.
Line endings are kept as they are (the parser reads CR as whitespace), so a CRLF file renders
back to CRLF bytes. Inputs over a size bound are refused before they are read.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DecodeError, InputTooLargeError

__all__ = ["DEFAULT_MAX_BYTES", "DecodedText", "decode", "encode", "max_bytes", "read_source"]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Largest input read by default (16 MiB); override with FGF_MAX_BYTES or `--max-bytes`."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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


def read_source(
    path: str | Path, encoding: str | None = None, *, limit: int | None = None
) -> DecodedText:
    """Read and decode a file, refusing it up front when it is larger than the size bound."""
    path = Path(path)
    bound = max_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
        if size > bound:
            raise InputTooLargeError(
                f"{path} is {size:,} bytes, over the limit of {bound:,} bytes "
                "(raise it with --max-bytes or FGF_MAX_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DecodeError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode(data, encoding, name=str(path))
