"""The exceptions fgf-opendata raises: one root, a small tree.

Exceptions mean "cannot continue". Problems in content that do not stop the work (an agency the
registry does not know, a measure without a responsibility line) are findings, returned as data by
`fgf_opendata.checks`.
"""

from __future__ import annotations

import os
from typing import Self

__all__ = [
    "DecodeError",
    "ExportError",
    "FgfError",
    "InputFileError",
    "InputTooLargeError",
    "InvalidPackageError",
    "ParseError",
    "UnknownAgencyError",
]


class FgfError(Exception):
    """Root of every error fgf-opendata raises on purpose; the CLI turns it into one line.

    Every error has a stable kebab-case `code` (its class's, or one given per instance, as
    `ParseError`'s) and may name the file it is about in `path`, set where the file is known
    (`with_path`); `str(error)` then starts with that file. The CLI prints
    `fgf: error: <str(error)> [<code>]` and exits with `exit_code` (2: bad input or arguments).
    """

    code: str = "fgf-error"
    exit_code: int = 2
    path: str | None = None

    def with_path(self, path: str | os.PathLike[str]) -> Self:
        """Name the file this error is about, unless it names one already, and return it.

        Like `BaseException.with_traceback`, it changes the error in place, so it can be
        re-raised: `except ParseError as exc: raise exc.with_path(name)`.
        """
        if self.path is None:
            self.path = os.fspath(path)
        return self

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.path}: {message}" if self.path else message


class ParseError(FgfError):
    """Raised when a text cannot be read as a plan: the structure is broken or missing.

    Carries the 1-based `line` and `column` of the problem and shows the offending line with a
    caret under the column. The parser sees text, not files: whoever read the text names the
    file with `with_path` (the CLI does), and `str(error)` is then
    `<path>: line <line>, column <column>: <message>`.
    """

    code = "parse-error"

    def __init__(
        self,
        message: str,
        *,
        text: str = "",
        offset: int = 0,
        code: str = "parse-error",
    ) -> None:
        self.message = message
        self.code = code
        self.offset = max(0, min(offset, len(text)))
        self.line = text.count("\n", 0, self.offset) + 1
        line_start = text.rfind("\n", 0, self.offset) + 1
        line_end = text.find("\n", self.offset)
        self.column = self.offset - line_start + 1
        self.source_line = text[line_start : line_end if line_end >= 0 else len(text)]
        super().__init__(f"line {self.line}, column {self.column}: {message}")

    def get_context(self, width: int = 60) -> str:
        """The offending line (clipped to `width` around the column) with a caret under it."""
        col = self.column - 1
        start = max(0, col - width // 2)
        snippet = self.source_line[start : start + width].rstrip("\r")
        prefix = "…" if start > 0 else ""
        caret_at = sum(_display_width(ch) for ch in prefix + snippet[: col - start])
        return f"{prefix}{snippet}\n{' ' * caret_at}^"


def _display_width(ch: str) -> int:
    """Terminal cells a character takes: CJK and full-width forms take two."""
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


class DecodeError(FgfError):
    """Raised when input bytes are not in a supported encoding (UTF-8, UTF-8 with BOM, UTF-16
    or UTF-32 with BOM) or the one named with `--encoding`, or when that names no text codec.

    `code` says which: `unknown-encoding`, `not-a-text-encoding`, `not-utf8`, `invalid-utf8`,
    `truncated-utf8`, `utf32-without-bom`, `binary-input`, `invalid-bom`, `invalid-for-encoding`,
    `truncated-input` (cut inside a character of the named codec).
    """

    code = "decode-error"

    def __init__(self, message: str, *, code: str = "decode-error") -> None:
        self.code = code
        super().__init__(message)


class InputFileError(FgfError):
    """Raised when an input file cannot be read: it is missing, a folder, not readable, or not a
    regular file (a FIFO, a device, a socket, which could block or never end).

    `code` says which: `file-not-found`, `is-a-folder`, `permission-denied`,
    `not-a-regular-file`, `unreadable-file`.
    """

    code = "unreadable-file"

    def __init__(self, message: str, *, code: str = "unreadable-file") -> None:
        self.code = code
        super().__init__(message)


class InputTooLargeError(FgfError):
    """Raised when an input is larger than the configured size limit, before or while reading
    it: no more than the limit plus one byte is ever read."""

    code = "input-too-large"


class UnknownAgencyError(FgfError):
    """Raised by `resolve` when the registry does not know a name; carries close matches."""

    code = "unknown-agency"

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown agency {name!r}{hint}")


class ExportError(FgfError):
    """Raised when a package or graph cannot be written or read back (I/O, invalid output)."""

    code = "export-error"


class InvalidPackageError(ExportError):
    """Raised when a package just built fails the build's own gates: nothing is written, and
    the CLI exits 1 (invalid output), not 2 (bad input or arguments)."""

    code = "invalid-package"
    exit_code = 1
