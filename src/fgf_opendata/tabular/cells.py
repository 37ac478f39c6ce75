"""Rows -> CSV bytes: every cell written by its Table Schema field, the stdlib `csv` module
quoting and joining them in the dialect `CSV_DIALECT`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..errors import ExportError

__all__ = ["CSV_DIALECT", "table_csv"]

CSV_DIALECT: Mapping[str, Any] = MappingProxyType(
    {
        "header": True,
        "headerRows": [1],
        "delimiter": ",",
        "lineTerminator": "\n",
        "quoteChar": '"',
        "doubleQuote": True,
    }
)
"""How every CSV is written: comma-separated, one header row, RFC 4180 quoting, LF line ends
(for readable diffs of the checked-in package; readers accept both)."""


_Cell = Callable[[Any], str]
"""Writes one value of a field as its CSV cell; raises ValueError when the value does not fit."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOUNDED = frozenset({"integer", "number", "year"})
_BOUNDS = ("minimum", "maximum")
_LENGTHS = ("minLength", "maxLength")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _integer(value: Any) -> str:
    if not _is_int(value):
        raise TypeError
    return str(value)


def _number(value: Any) -> str:
    """A plain decimal, as Table Schema reads it back: 20 -> "20", 0.50 -> "0.5", no exponent."""
    if _is_int(value):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest text that reads back as the same float
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f").rstrip("0")  # "f" is exact; a fraction keeps its point


def _date(value: Any) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise TypeError
    dt.date.fromisoformat(value)  # a real day: 2021-11-31 raises ValueError
    return value


_WRITERS: Mapping[str, _Cell] = MappingProxyType(
    {"string": _string, "integer": _integer, "year": _integer, "number": _number, "date": _date}
)
"""The text of a present value by its field type, in the type's default Table Schema form
(what frictionless writes); TypeError when the value is not of that type."""


def _value_writer(field: Mapping[str, Any]) -> _Cell:
    """The formatter of a present value of `field`; ValueError when the value does not fit."""
    name, type_ = field["name"], field.get("type", "any")
    if field.get("format", "default") != "default":
        raise ExportError(f"field {name!r}: format {field['format']!r} is not supported")
    write: _Cell
    if type_ == "boolean":
        true, false = field.get("trueValues", ["true"])[0], field.get("falseValues", ["false"])[0]

        def boolean(value: Any) -> str:
            if not isinstance(value, bool):
                raise TypeError
            return str(true if value else false)

        write = boolean
    elif type_ in _WRITERS:
        write = _WRITERS[type_]
    else:
        raise ExportError(f"field {name!r}: type {type_!r} is not supported")

    def typed(value: Any) -> str:
        try:
            return write(value)
        except TypeError:
            raise ValueError(f"{type(value).__name__} {value!r} is not of type {type_}") from None

    return typed


def _cell_writer(field: Mapping[str, Any], missing: Collection[str]) -> _Cell:
    """The cell of a value of `field`: "" for a missing value (None, or a missing-value text),
    else its formatted text, checked against the field's constraints (`unique` aside, which is
    about the whole column)."""
    name, type_ = field["name"], field.get("type")
    write = _value_writer(field)
    constraints = dict(field.get("constraints", {}))
    required = bool(constraints.pop("required", False))
    constraints.pop("unique", None)
    enum = frozenset(write(v) for v in constraints.pop("enum")) if "enum" in constraints else None
    pattern = re.compile(constraints.pop("pattern")) if "pattern" in constraints else None
    low, high = (constraints.pop(k, None) if type_ in _BOUNDED else None for k in _BOUNDS)
    shortest, longest = (constraints.pop(k, None) if type_ == "string" else None for k in _LENGTHS)
    if constraints:
        raise ExportError(f"field {name!r}: constraint {min(constraints)!r} is not supported")

    def problem(value: Any, text: str) -> str | None:
        if enum is not None and text not in enum:
            return f"is not one of {sorted(enum)}"
        if pattern is not None and not pattern.fullmatch(text):
            return f"does not match {pattern.pattern}"
        if low is not None and value < low:
            return f"is below the minimum {low}"
        if high is not None and value > high:
            return f"is above the maximum {high}"
        if shortest is not None and len(text) < shortest:
            return f"is shorter than {shortest} characters"
        if longest is not None and len(text) > longest:
            return f"is longer than {longest} characters"
        return None

    def cell(value: Any) -> str:
        if value is None or (isinstance(value, str) and value in missing):
            if required:
                raise ValueError("a value is required")
            return ""
        text = write(value)
        wrong = problem(value, text)
        if wrong:
            raise ValueError(f"{text!r} {wrong}")
        return text

    return cell


def table_csv(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> bytes:
    """The CSV bytes of a table with `CSV_DIALECT`, each cell written by its Table Schema field.

    A cell is the value in its type's default Table Schema form (what frictionless writes and
    reads back): a string as is, an integer or year as digits, a number as a plain decimal
    (20, 0.5; no exponent), a boolean as the field's first true/false value, a date as
    YYYY-MM-DD, a missing value (None) as "". The stdlib `csv` module quotes and joins them.
    Columns follow the schema's field order. A value that does not fit its field (wrong type,
    required, enum, pattern, bounds, unique, primary key) raises `ExportError`; foreign keys
    are about other tables and left to the package's validation.
    """
    fields = schema["fields"]
    names = [field["name"] for field in fields]
    missing = frozenset(schema.get("missingValues", [""]))
    cells = [_cell_writer(field, missing) for field in fields]
    unique = [i for i, f in enumerate(fields) if f.get("constraints", {}).get("unique")]
    key = [names.index(name) for name in schema.get("primaryKey", ())]
    seen: dict[int, set[str]] = {i: set() for i in unique}
    keys: set[tuple[str, ...]] = set()

    out = io.StringIO()
    dialect = {
        "delimiter": CSV_DIALECT["delimiter"],
        "quotechar": CSV_DIALECT["quoteChar"],
        "doublequote": CSV_DIALECT["doubleQuote"],
        "lineterminator": CSV_DIALECT["lineTerminator"],
    }
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, **dialect)
    # QUOTE_MINIMAL quotes a cell holding a character of the line terminator ("\n") but not a
    # bare "\r", which every reader takes for a line end; a row with one is written with every
    # cell quoted (valid RFC 4180, read back the same), the others byte for byte as before.
    quoted = csv.writer(out, quoting=csv.QUOTE_ALL, **dialect)
    writer.writerow(names)
    for number, row in enumerate(rows, 1):
        line: list[str] = []
        for name, cell in zip(names, cells, strict=True):
            try:
                line.append(cell(row.get(name)))
            except ValueError as exc:
                raise ExportError(f"cannot write row {number}, field {name}: {exc}") from None
        for i in unique:
            if line[i] in seen[i]:
                raise ExportError(
                    f"cannot write row {number}: {names[i]} {line[i]!r} is not unique"
                )
            if line[i]:
                seen[i].add(line[i])
        if key:
            values = tuple(line[i] for i in key)
            if "" in values or values in keys:
                raise ExportError(
                    f"cannot write row {number}: primary key {values!r} is missing or not unique"
                )
            keys.add(values)
        (quoted if any("\r" in cell for cell in line) else writer).writerow(line)
    return out.getvalue().encode("utf-8")
