"""A package's tables -> one SQLite database (`plan.sqlite`) and its Datasette `metadata.json`.

`database_bytes(files)` reads the package as `build` produces it (path -> bytes, with
`datapackage.json`) and returns the bytes of a SQLite database: one table per tabular resource,
with the column types, NOT NULL, UNIQUE, enum CHECKs, primary keys and foreign keys its Table
Schema declares; a full-text index (FTS5, trigram tokenizer: Chinese has no spaces between words,
so any three characters or more of a text find it) on the texts of tasks, measures, points and
paragraphs; and views for the common questions (`VIEWS`). It works alike for a single plan and
for a corpus package (the same tables, ids prefixed by their plan).

The bytes depend only on the files (and on the SQLite library's version, as any file format
written by a library does): the database is built in memory with a fixed page size, tables in
the descriptor's order, rows in the CSVs' order, no timestamps, then VACUUMed and serialised.
A cell that does not read as its field's type, or a foreign key without its row, raises
`ExportError` naming the file and line: the CSVs are the package's own, so that is a bug or a
damaged package, never something to load half of.

`datasette_metadata(files)` is the matching Datasette metadata: title, description, licence and
source of the package, and each table's title and column descriptions from its Table Schema.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from ..errors import ExportError
from ..publication import DESCRIPTOR
from .reading import csv_field_limit

__all__ = ["FTS_TABLES", "VIEWS", "database_bytes", "datasette_metadata"]


_PAGE_SIZE = 4096
_TOKENIZER = "trigram"

FTS_TABLES = ("tasks", "measures", "points", "paragraphs")
"""The tables whose `text` column has a full-text index `<table>_fts` (FTS5, trigram)."""

_WORK_ITEMS = " UNION ALL ".join(
    f"SELECT id, '{kind}' AS kind, {parent} AS parent_id, {label} AS label, text, line, start, "
    f'"end" FROM {table}'
    for table, kind, parent, label in (
        ("tasks", "task", "section_id", "label"),
        ("measures", "measure", "task_id", "label"),
        ("points", "point", "measure_id", "label"),
        ("paragraphs", "paragraph", "parent_id", "NULL"),
    )
)

VIEWS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "work_items": (
            "Every task, measure, point and paragraph with its text, in one table.",
            _WORK_ITEMS,
        ),
        "assignments": (
            (
                "Who does what: each agency cited in a responsibility line, its role "
                "(lead 牵头, responsible 负责, shared 按职责分工负责, ...) and the text of the "
                "item it is assigned (empty for a standing assignment)."
            ),
            (
                "SELECT r.subject_id, s.kind AS subject_kind, w.label, w.text, r.position, "
                "r.agency, r.agency_id, a.name_en, r.role, r.open_ended "
                "FROM responsibilities AS r JOIN subjects AS s ON s.id = r.subject_id "
                "LEFT JOIN work_items AS w ON w.id = r.subject_id "
                "LEFT JOIN agencies AS a ON a.id = r.agency_id"
            ),
        ),
        "agency_roles": (
            (
                "Per agency (by its name as cited when the registry does not know it): how "
                "many items it leads, is responsible for, shares and has in all; most leads first."
            ),
            (
                "SELECT r.agency_id, coalesce(a.name_zh, r.agency) AS name_zh, a.name_en, "
                "sum(r.role = 'lead') AS lead, sum(r.role = 'responsible') AS responsible, "
                "sum(r.role = 'shared') AS shared, count(*) AS total "
                "FROM responsibilities AS r LEFT JOIN agencies AS a ON a.id = r.agency_id "
                "GROUP BY r.agency_id, coalesce(a.name_zh, r.agency) "
                "ORDER BY lead DESC, total DESC, name_zh"
            ),
        ),
        "deadlines_by_month": (
            (
                "Deadlines per month they fall due (the last day each covers): how many, and "
                "on how many items."
            ),
            (
                "SELECT substr(date, 1, 7) AS month, count(*) AS deadlines, "
                "count(DISTINCT subject_id) AS items FROM deadlines GROUP BY month ORDER BY month"
            ),
        ),
        "items_without_lead": (
            (
                "Tasks, measures, points and paragraphs whose own responsibility line names no "
                "lead agency (牵头), with how many agencies it does name (0: no line of its own)."
            ),
            (
                "SELECT w.id, w.kind, w.label, w.text, "
                "(SELECT count(*) FROM responsibilities AS r WHERE r.subject_id = w.id) "
                "AS assigned "
                "FROM work_items AS w WHERE NOT EXISTS (SELECT 1 FROM responsibilities AS r "
                "WHERE r.subject_id = w.id AND r.role = 'lead')"
            ),
        ),
    }
)
"""View name -> (what it answers, its SELECT), created in this order (later ones use earlier)."""

_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "year": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _descriptor(files: Mapping[str, bytes]) -> dict[str, Any]:
    if DESCRIPTOR not in files:
        raise ExportError(f"the package has no {DESCRIPTOR}")
    try:
        descriptor = json.loads(files[DESCRIPTOR])
    except ValueError as exc:
        raise ExportError(f"{DESCRIPTOR}: not JSON ({exc})") from None
    if not isinstance(descriptor, dict):
        raise ExportError(f"{DESCRIPTOR}: not a JSON object")
    return descriptor


def _tables(descriptor: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The tabular resources, in the descriptor's order."""
    return [
        resource
        for resource in descriptor.get("resources", [])
        if isinstance(resource, dict) and resource.get("type") == "table" and "schema" in resource
    ]


# --- tables -----------------------------------------------------------------------------------


def _column(field: Mapping[str, Any]) -> str:
    name = _quote(field["name"])
    constraints = field.get("constraints", {})
    parts = [name, _SQL_TYPES.get(field.get("type", "any"), "TEXT")]
    if constraints.get("required"):
        parts.append("NOT NULL")
    if constraints.get("unique"):
        parts.append("UNIQUE")
    if "enum" in constraints:
        values = ", ".join(_literal(str(v)) for v in constraints["enum"])
        parts.append(f"CHECK ({name} IN ({values}))")
    if field.get("type") == "boolean":
        parts.append(f"CHECK ({name} IN (0, 1))")
    return " ".join(parts)


def _create_table(name: str, schema: Mapping[str, Any]) -> str:
    lines = [_column(field) for field in schema["fields"]]
    if schema.get("primaryKey"):
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, schema['primaryKey']))})")
    for key in schema.get("foreignKeys", ()):
        reference = key["reference"]
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, key['fields']))}) "
            f"REFERENCES {_quote(reference.get('resource') or name)} "
            f"({', '.join(map(_quote, reference['fields']))})"
        )
    return f"CREATE TABLE {_quote(name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _reader(field: Mapping[str, Any]) -> Any:
    """The function from a present cell's text to its SQL value; ValueError when it does not fit."""
    type_ = field.get("type", "any")
    if type_ in ("integer", "year"):
        return int
    if type_ == "number":
        return float
    if type_ == "boolean":
        true = tuple(field.get("trueValues", _TRUE))
        false = tuple(field.get("falseValues", _FALSE))

        def boolean(text: str) -> int:
            if text in true:
                return 1
            if text in false:
                return 0
            raise ValueError(f"{text!r} is not a boolean")

        return boolean
    return str


def _rows(resource: Mapping[str, Any], files: Mapping[str, bytes]) -> Iterator[list[Any]]:
    """The typed rows of a tabular resource, in the CSV's order; its header is checked."""
    path = resource["path"]
    if not isinstance(path, str) or path not in files:
        raise ExportError(f"{DESCRIPTOR}: resource {resource.get('name')!r}: no file {path!r}")
    schema = resource["schema"]
    fields = schema["fields"]
    dialect = resource.get("dialect", {})
    missing = frozenset(schema.get("missingValues", [""]))
    readers = [_reader(field) for field in fields]
    try:
        text = files[path].decode(resource.get("encoding", "utf-8"))
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: not {resource.get('encoding', 'utf-8')} ({exc})") from None
    lines = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=dialect.get("delimiter", ","),
        quotechar=dialect.get("quoteChar", '"'),
        doublequote=dialect.get("doubleQuote", True),
    )
    header = next(lines, None)
    names = [field["name"] for field in fields]
    if header != names:
        raise ExportError(f"{path}, line 1: the header {header} is not the schema's {names}")
    for cells in lines:
        where = f"{path}, line {lines.line_num}"
        if len(cells) != len(fields):
            raise ExportError(f"{where}: {len(cells)} cells for {len(fields)} fields")
        row: list[Any] = []
        for cell, read, name in zip(cells, readers, names, strict=True):
            try:
                row.append(None if cell in missing else read(cell))
            except ValueError as exc:
                raise ExportError(f"{where}, field {name}: {exc}") from None
        yield row


def _load(db: sqlite3.Connection, resource: Mapping[str, Any], files: Mapping[str, bytes]) -> None:
    name = resource["name"]
    fields = resource["schema"]["fields"]
    columns = ", ".join(_quote(field["name"]) for field in fields)
    marks = ", ".join("?" for _ in fields)
    insert = f"INSERT INTO {_quote(name)} ({columns}) VALUES ({marks})"
    try:
        with csv_field_limit():  # a cell may hold a whole source's text
            db.executemany(insert, _rows(resource, files))
    except sqlite3.IntegrityError as exc:
        raise ExportError(f"{resource['path']}: {exc}") from None


def _check_foreign_keys(db: sqlite3.Connection, tables: Sequence[Mapping[str, Any]]) -> None:
    problem = db.execute("PRAGMA foreign_key_check").fetchone()
    if problem is None:
        return
    table, rowid, parent, _ = problem
    path = next(r["path"] for r in tables if r["name"] == table)
    row = db.execute(f"SELECT * FROM {_quote(table)} WHERE rowid = ?", (rowid,)).fetchone()
    raise ExportError(f"{path}, row {rowid}: a foreign key names no row of {parent} ({list(row)})")


def _full_text(db: sqlite3.Connection, table: str) -> None:
    fts = _quote(f"{table}_fts")
    # content="table": Datasette finds the index by it and searches the table with it
    try:
        db.execute(
            f'CREATE VIRTUAL TABLE {fts} USING fts5(text, content="{table}", '
            f'tokenize="{_TOKENIZER}")'
        )
    except sqlite3.OperationalError as exc:  # no FTS5, or SQLite before 3.34 (no trigram)
        raise ExportError(
            f"the full-text index needs SQLite 3.34 or later with FTS5; this Python's SQLite "
            f"is {sqlite3.sqlite_version} ({exc})"
        ) from None
    db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def database_bytes(files: Mapping[str, bytes]) -> bytes:
    """The bytes of the SQLite database of a package's tables (see the module's docstring).

    `files` maps each path of the package to its bytes, `datapackage.json` included; only the
    tabular resources it lists (name, path, encoding, dialect, schema) and their CSVs are read,
    so a descriptor that goes on to list `plan.sqlite` itself does not change the database.
    The same files always give the same bytes.
    """
    descriptor = _descriptor(files)
    tables = _tables(descriptor)
    present = {resource["name"] for resource in tables}
    needed = {"subjects", "agencies", "responsibilities", "deadlines", *FTS_TABLES}
    if not needed <= present:
        raise ExportError(f"{DESCRIPTOR}: no table {', '.join(sorted(needed - present))}")
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
        db.execute("PRAGMA foreign_keys = OFF")  # loaded whole, then checked in one pass
        db.execute("BEGIN")
        for resource in tables:
            db.execute(_create_table(resource["name"], resource["schema"]))
        for resource in tables:
            _load(db, resource, files)
        _check_foreign_keys(db, tables)
        for table in FTS_TABLES:
            _full_text(db, table)
        for name, (_, select) in VIEWS.items():
            db.execute(f"CREATE VIEW {_quote(name)} AS {select}")
        db.execute("COMMIT")
        db.execute("VACUUM")
        return db.serialize()
    finally:
        db.close()


# --- Datasette --------------------------------------------------------------------------------


def datasette_metadata(files: Mapping[str, bytes], *, database: str = "plan") -> dict[str, Any]:
    """Datasette's `metadata.json` for the database of `files` (named `database` there: the
    file's name without `.sqlite`): the package's title, description, licence and source, each
    table's title and description and its columns' descriptions, the views' descriptions.
    The tables' full-text indexes need no entry: Datasette finds them by their `content=`."""
    descriptor = _descriptor(files)
    metadata: dict[str, Any] = {
        "title": descriptor.get("title", descriptor.get("name", database)),
        "description": descriptor.get("description", ""),
    }
    licenses = descriptor.get("licenses") or []
    if licenses:
        metadata["license"] = licenses[0].get("title") or licenses[0].get("name")
        if "path" in licenses[0]:
            metadata["license_url"] = licenses[0]["path"]
    sources = descriptor.get("sources") or []
    if sources:
        metadata["source"] = sources[0].get("title", "")
        if "path" in sources[0]:
            metadata["source_url"] = sources[0]["path"]
    tables: dict[str, Any] = {}
    for resource in _tables(descriptor):
        entry: dict[str, Any] = {}
        for key in ("title", "description"):
            if key in resource:
                entry[key] = resource[key]
        entry["columns"] = {
            field["name"]: field.get("description", "") for field in resource["schema"]["fields"]
        }
        tables[resource["name"]] = entry
    for name, (description, _) in VIEWS.items():
        tables[name] = {"description": description}
    metadata["databases"] = {database: {"tables": tables}}
    return metadata
