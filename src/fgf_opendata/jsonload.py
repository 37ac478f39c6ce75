"""JSON from users, read safely: the one loader for every JSON file fgf-opendata reads.

`load_json` accepts what RFC 8259 calls JSON, in UTF-8, with two bounds that keep later code
(frictionless, jsonschema, pydantic, rdflib) from crashing on hostile input: nesting at most
`MAX_DEPTH` arrays or objects deep, and integers of at most `sys.get_int_max_str_digits()`
digits (4,300 by default, past which Python refuses to convert them). Anything else, and
`NaN`/`Infinity`, which are not JSON, raises `ParseError` (code `invalid-json`) naming the file,
the line and the column; it never raises `RecursionError` or `ValueError`.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from typing import Any

from .errors import ParseError

__all__ = ["MAX_DEPTH", "load_json"]

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted: a Data Package descriptor nests about 7
deep, a plan JSON about 9; Python's JSON reader and validators recurse once per level."""


@functools.cache
def _tokens(max_digits: int) -> re.Pattern[str]:
    """A string (skipped whole: brackets and digits inside it do not count), a bracket, or an
    integer literal over `max_digits` digits (not the digits of a fraction or an exponent)."""
    integer = rf"(?<![0-9.eE+-])-?[0-9]{{{max_digits + 1},}}(?![0-9.eE])"
    return re.compile(rf'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{{]|[\]}}]|{integer}')


def _bounds_problem(text: str, max_depth: int, max_digits: int) -> tuple[str, int] | None:
    """(what is wrong, offset) for the first nesting or integer over its bound, or None."""
    depth = 0
    for match in _tokens(max_digits).finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if depth > max_depth:
                return f"JSON nested deeper than {max_depth} levels", match.start()
        elif first in "]}":
            depth -= 1
        elif first != '"':
            digits = len(token.lstrip("-"))
            return f"an integer of {digits:,} digits (at most {max_digits:,})", match.start()
    return None


def _nesting_within(value: Any, max_depth: int) -> bool:
    """Whether `value` (as `json.loads` makes it: no object nests deeper than Python recurses,
    no integer is longer than Python converts) nests at most `max_depth` arrays or objects."""
    level = [value] if type(value) in (dict, list) else []
    for _ in range(max_depth):
        inner: list[Any] = []
        for node in level:
            children = node.values() if type(node) is dict else node
            inner.extend(child for child in children if type(child) in (dict, list))
        level = inner
    return not level


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def load_json(data: str | bytes, name: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The value of the JSON text `data` (UTF-8 bytes or text) read from the file `name`.

    Raises `ParseError` (code `invalid-json`) with the line and column of the first problem:
    not UTF-8, not JSON, nested deeper than `max_depth`, an integer too long to convert.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = data[: exc.start].decode("utf-8")
            raise ParseError(
                f"not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start})",
                text=prefix,
                offset=len(prefix),
                code="invalid-json",
            ).with_path(name) from None
    else:
        text = data
    max_digits = sys.get_int_max_str_digits()
    if max_digits:  # the usual case first, at C speed: JSON within the bounds (a tenth the time)
        try:
            value = json.loads(text, parse_constant=_not_json)
        except (ValueError, RecursionError):  # not JSON, or over a bound: the scan says where
            pass
        else:
            if _nesting_within(value, max_depth):
                return value
    problem = _bounds_problem(text, max_depth, max_digits)
    if problem is not None:
        message, offset = problem
        raise ParseError(message, text=text, offset=offset, code="invalid-json").with_path(name)
    try:
        return json.loads(text, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}", text=text, offset=exc.pos, code="invalid-json"
        ).with_path(name) from None
    except (ValueError, RecursionError) as exc:  # NaN/Infinity; a bound the scan missed
        raise ParseError(f"not valid JSON: {exc}", text=text, code="invalid-json").with_path(
            name
        ) from None
