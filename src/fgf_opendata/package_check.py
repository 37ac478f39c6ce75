"""Validate a data package: the full gate `fgf validate` runs, and the lighter one of `fgf build`.

`validate_package` runs three gates on a package folder, each returning `Finding`s (never
raising for content problems):

1. frictionless: the descriptor, every file's size and sha256, types, constraints, primary and
   foreign keys. It runs offline: its HTTP session is replaced by one that refuses to fetch, so
   a remote path or profile becomes a finding instead of a download.
2. the official Data Package v2.0 profiles (`data/profiles/`, JSON Schema draft-07) on the
   descriptor, every Table Schema and every dialect; frictionless 5 checks only part of v2.
3. the project's own rules, on the CSV rows: ids unique, every subject_id a task, measure or
   the plan, every task and measure assigned to an agency, agency ids known, no deadline
   before the date of issue, spans that slice the source text to the row's text.

`check_built_package` is what `fgf build` runs on a package it has just produced: gates 2 and
3, foreign keys and every file's size and sha256, on the files in memory, without frictionless
(whose cell checks `package.table_csv` already applied when it wrote the cells).

A finding locates itself as `where` = "resource" or "resource/field" and `line` = the row
number (the header is row 1, so it is the line of the CSV file when no cell holds a line
break). An unreadable folder (missing, no `datapackage.json`, broken JSON) raises `ExportError`.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from .errors import ExportError, FgfError
from .jsonload import load_json
from .package import (
    DESCRIPTOR,
    PACKAGE_PROFILE,
    TABLE_SCHEMA_PROFILE,
    TABLES,
    _resource_name,
)
from .parsing.source import LINE_BREAK
from .textio import file_kind, max_bytes, read_file
from .validate import Finding, Severity

__all__ = [
    "PROFILES",
    "PackageReport",
    "check_built_package",
    "clip",
    "format_report",
    "frictionless_findings",
    "link_findings",
    "linked_findings",
    "profile_findings",
    "project_findings",
    "read_descriptor",
    "report_json_schema",
    "unsafe_path",
    "validate_package",
]

PROFILES: Mapping[str, str] = MappingProxyType(
    {
        "datapackage": "frictionless-2.0-datapackage.json",
        "tableschema": "frictionless-2.0-tableschema.json",
        "tabledialect": "frictionless-2.0-tabledialect.json",
    }
)
"""The v2.0 profiles bundled in `data/profiles/`, by the name of what they describe."""

_SUBJECT_TABLES = ("responsibilities", "deadlines", "targets")
_PARTS = ("schema", "dialect")
_ID_TABLES = tuple(name for name in TABLES if name not in _SUBJECT_TABLES)
_NODE_TABLES = {  # subjects.kind -> the table of such nodes (standing assignments have none)
    "plan": "plans",
    "section": "sections",
    "task": "tasks",
    "measure": "measures",
    "point": "points",
    "paragraph": "paragraphs",
}
_OPTIONAL_NODES = ("points", "paragraphs", "subjects")
"""Tables a package written before they existed lacks; their rules run when they are there."""
# A path the Data Package profile accepts as local: relative POSIX, no "..", no scheme.
_LOCAL_PATH = re.compile(r"(?!/)(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!.*(^|/)\.\.(/|$))[^\\]+")
_VALUE_WIDTH = 40
_QUOTED = re.compile(f'"([^"]{{{_VALUE_WIDTH + 1},}})"')


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageReport:
    """What `validate_package` found in one package folder."""

    path: str
    """The folder that was validated, as given."""
    findings: tuple[Finding, ...]
    """Every finding, gate by gate, in resource and row order."""
    resources: int
    """How many resources the descriptor lists."""

    @property
    def valid(self) -> bool:
        """True when no finding is an error (warnings do not make a package invalid)."""
        return not any(f.severity == "error" for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self) -> dict[str, Any]:
        """The report as data (`fgf validate --json`); `report_json_schema()` describes it."""
        return {
            "path": self.path,
            "valid": self.valid,
            "resources": self.resources,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "findings": [_finding_dict(f) for f in self.findings],
        }


def _at(resource: str, field: str | None = None) -> str:
    return f"{resource}/{field}" if field else resource


def _split_where(where: str) -> tuple[str, str | None]:
    resource, _, field = where.partition("/")
    return resource, field or None


def _finding_dict(finding: Finding) -> dict[str, Any]:
    resource, field = _split_where(finding.where)
    return {
        "code": finding.code,
        "severity": finding.severity,
        "resource": resource,
        "row": finding.line,
        "field": field,
        "message": finding.message,
    }


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `fgf validate --json` output."""
    nullable_int = {"type": ["integer", "null"], "minimum": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/fgf-opendata/schemas/validation-report.schema.json",
        "title": "fgf validate report",
        "description": "What `fgf validate --json` prints: the findings of the frictionless, "
        "Data Package v2 profile and project gates on one package folder.",
        "type": "object",
        "additionalProperties": False,
        "required": ["path", "valid", "resources", "errors", "warnings", "findings"],
        "properties": {
            "path": {"type": "string", "description": "The package folder, as given."},
            "valid": {"type": "boolean", "description": "True when there is no error."},
            "resources": {
                "type": "integer",
                "minimum": 0,
                "description": "How many resources the descriptor lists.",
            },
            "errors": {
                "type": "integer",
                "minimum": 0,
                "description": "Findings of severity error.",
            },
            "warnings": {
                "type": "integer",
                "minimum": 0,
                "description": "Findings of severity warning.",
            },
            "findings": {
                "type": "array",
                "description": "Every finding, gate by gate, in resource and row order.",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code", "severity", "resource", "row", "field", "message"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                            "description": "Stable kebab-case rule name: a frictionless error "
                            "type (type-error, foreign-key, hash-count, ...), a profile gate "
                            "(package-profile-error, table-schema-profile-error, "
                            "dialect-profile-error) or a project rule (duplicate-id, "
                            "unknown-subject, missing-subject, task-without-responsibility, "
                            "measure-without-responsibility, unknown-agency-id, "
                            "deadline-before-issue-date, span-mismatch, ...).",
                        },
                        "severity": {"enum": ["error", "warning", "info"]},
                        "resource": {
                            "type": "string",
                            "description": "The resource name, or datapackage.json for the "
                            "descriptor as a whole.",
                        },
                        "row": {
                            **nullable_int,
                            "description": "Row number in the table, the header being row 1; "
                            "null when the finding is not about a row.",
                        },
                        "field": {
                            "type": ["string", "null"],
                            "description": "The column, when the finding is about one.",
                        },
                        "message": {"type": "string", "description": "What is wrong."},
                    },
                },
            },
        },
    }


# --- formatting -------------------------------------------------------------------------------


def clip(value: object, width: int = _VALUE_WIDTH) -> str:
    """A value quoted for a message, cut to `width` characters with an ellipsis."""
    text = str(value)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f'"{text}"'


def _clip_quoted(message: str) -> str:
    """Shortens every long double-quoted value inside a message (frictionless quotes cells)."""
    return _QUOTED.sub(lambda m: clip(m.group(1)), message)


def _location(finding: Finding) -> str:
    resource, field = _split_where(finding.where)
    parts = [resource]
    if finding.line is not None:
        parts.append(f"row {finding.line}")
    if field:
        parts.append(f"field {field}")
    return " ".join(parts)


def format_report(report: PackageReport, *, limit: int = 5) -> str:
    """The report as text: a summary line, then one line per finding, `limit` per rule.

    Findings of one code are grouped (in the order the codes first appear); past `limit`, a
    line "… and N more [code]" stands for the rest.
    """
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.code].append(finding)
    errors, warnings = report.count("error"), report.count("warning")
    verdict = "valid" if report.valid else "invalid"
    summary = (
        f"{report.path}: {verdict} ({report.resources} resources, {errors} "
        f"error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''})"
    )
    lines = [summary]
    for code, findings in groups.items():
        for finding in findings[:limit]:
            lines.append(
                f"{_location(finding)}: {finding.severity}: {finding.message} [{finding.code}]"
            )
        if len(findings) > limit:
            lines.append(f"  … and {len(findings) - limit} more [{code}]")
    return "\n".join(lines) + "\n"


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


def _resources(descriptor: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = descriptor.get("resources")
    return [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []


def _is_local(path: object) -> bool:
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


def _folder_reader(folder: Path) -> Reader:
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
        for resource in _resources(descriptor)
        for path in _paths_of(resource)
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
            findings.append(Finding(code, "error", f"{clip(relative)} {problem}: not read", where))
    return findings


def _paths_of(resource: Mapping[str, Any]) -> list[str]:
    """Every local file a resource names: its path (or paths), a schema or dialect by path."""
    paths = resource.get("path")
    found = list(paths) if isinstance(paths, list) else [paths]
    found += [resource.get(part) for part in _PARTS]
    return [str(p) for p in found if _is_local(p)]


# --- gate 1: frictionless ---------------------------------------------------------------------


class _OfflineSession:
    """Stands in for frictionless's HTTP session: validation never fetches anything."""

    headers: dict[str, str] = {}  # noqa: RUF012 - read by frictionless, never written here

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(f"{url} was not fetched: fgf validate works offline")

    def get(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.request("GET", url)

    def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.request("POST", url)

    def head(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.request("HEAD", url)


def _error_message(error: Any) -> str:
    """frictionless's note, the cell value first; the finding's code already names the rule."""
    note = str(getattr(error, "note", "") or "") or str(error.message)
    cell = getattr(error, "cell", None)
    if cell is not None and error.type != "foreign-key":  # a foreign-key note quotes the value
        note = f"value {clip(cell)}: {note}"
    return _clip_quoted(note)


def frictionless_findings(
    folder: Path, descriptor: Mapping[str, Any] | None = None, *, skip: Collection[str] = ()
) -> list[Finding]:
    """Gate 1: frictionless validation of the package, offline, as findings.

    frictionless reads the descriptor as `read_descriptor` gives it (`descriptor`, when the
    caller has it), with its Table Schemas and dialects inlined and without what it must not
    or cannot read: a resource with a file that `unsafe_path` refuses or a schema or dialect
    that is not readable JSON, a pattern that is no regular expression, and the resources
    named in `skip` (whose Table Schema or dialect fails its profile: frictionless may crash on
    them); the other gates report each of them. Should frictionless fail all the same, that
    is a finding (frictionless-error), not an exception."""
    from frictionless import FrictionlessException, system, validate

    if descriptor is None:
        descriptor = read_descriptor(folder)
    findings: list[Finding] = []
    with system.use_context(http_session=_OfflineSession()), _csv_field_limit():
        try:
            report = validate(
                _for_frictionless(folder, descriptor, skip), type="package", basepath=str(folder)
            )
        except FrictionlessException as exc:  # pragma: no cover - validate reports instead
            return [Finding("frictionless-error", "error", _clip_quoted(str(exc)), DESCRIPTOR)]
        except Exception as exc:  # noqa: BLE001 - frictionless fails in any way on some damage
            message = f"frictionless could not validate the package: {type(exc).__name__}: {exc}"
            return [Finding("frictionless-error", "error", clip(message, 300), DESCRIPTOR)]
    for error in report.errors:
        findings.append(Finding(error.type, "error", _error_message(error), DESCRIPTOR))
    for task in report.tasks:
        for error in task.errors:
            field = getattr(error, "field_name", None)
            row = getattr(error, "row_number", None)
            findings.append(
                Finding(
                    error.type,
                    "error",
                    _error_message(error),
                    _at(task.name or task.place, field),
                    row,
                    getattr(error, "field_number", None),
                )
            )
    return findings


def _for_frictionless(
    folder: Path, descriptor: Mapping[str, Any], skip: Collection[str]
) -> dict[str, Any]:
    """A copy of the descriptor frictionless can read without crashing or leaving the package:
    see `frictionless_findings`."""
    read = _folder_reader(folder)
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return copy.deepcopy(dict(descriptor))
    kept: list[Any] = []
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            kept.append(copy.deepcopy(resource))
            continue
        if str(resource.get("name", f"resources[{index}]")) in skip:
            continue
        if any(unsafe_path(folder, path) for path in _paths_of(resource)):
            continue
        resource = copy.deepcopy(resource)
        for part in _PARTS:
            if part in resource:
                resource[part] = _load_part(read, resource[part])
        if any(part in resource and not isinstance(resource[part], dict) for part in _PARTS):
            continue
        schema = resource.get("schema")
        if isinstance(schema, dict):
            resource["schema"] = _without_bad_patterns(schema)
        kept.append(resource)
    return {**copy.deepcopy(dict(descriptor)), "resources": kept}


def _fields(schema: Any) -> list[dict[str, Any]]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


def _pattern_error(field: Mapping[str, Any]) -> str | None:
    """Why a field's `pattern` constraint is no regular expression, or None."""
    constraints = field.get("constraints")
    pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
    if not isinstance(pattern, str):
        return None  # none, or the profile reports its type
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"pattern {clip(pattern)} is not a regular expression: {exc}"
    return None


def _without_bad_patterns(schema: dict[str, Any]) -> dict[str, Any]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return schema
    fixed = []
    for field in fields:
        if isinstance(field, dict) and _pattern_error(field):
            constraints = {k: v for k, v in field["constraints"].items() if k != "pattern"}
            field = {**field, "constraints": constraints}
        fixed.append(field)
    return {**schema, "fields": fixed}


def _pattern_findings(descriptor: Mapping[str, Any], load: Callable[[Any], Any]) -> list[Finding]:
    """A finding for every `pattern` constraint that is not a regular expression."""
    findings: list[Finding] = []
    for resource in _resources(descriptor):
        for field in _fields(load(resource.get("schema"))):
            problem = _pattern_error(field)
            if problem:
                where = _at(str(resource.get("name")), str(field.get("name")))
                findings.append(Finding("invalid-pattern", "error", problem, where))
    return findings


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """The csv module's field size limit (131,072 characters) raised to the input bound for
    the duration: a cell holds at most a source's text, and sources are bounded by
    `textio.max_bytes`. The limit is process-wide; it is put back afterwards."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, max_bytes()))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


# --- gate 2: the v2 profiles ------------------------------------------------------------------


@functools.cache
def _profile_validator(name: str) -> Any:
    # No stubs for jsonschema in the dev set-up.
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    text = (resources.files("fgf_opendata") / "data" / "profiles" / PROFILES[name]).read_text(
        encoding="utf-8"
    )
    return Draft7Validator(json.loads(text))


def _profile_errors(name: str, instance: Any) -> Iterator[str]:
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    for error in _profile_validator(name).iter_errors(instance):
        # A oneOf/anyOf failure says little by itself: the best error of a branch whose type
        # matched says what to fix ("does not match pattern" rather than "is not an array").
        relevant = [e for e in error.context or () if e.validator != "type"]
        detail = best_match(relevant) if relevant else error
        yield _clip_quoted(f"{detail.json_path}: {_clip_repr(detail.message)}")


def _clip_repr(message: str, width: int = 160) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"


def _load_part(read: Reader, value: Any) -> Any:
    """A Table Schema or dialect given inline or as a local path (None when it cannot be read)."""
    if isinstance(value, dict):
        return value
    if _is_local(value):
        data = read(value)
        try:
            return load_json(data, value) if data is not None else None
        except FgfError:
            return None
    return None


def profile_findings(folder: Path, descriptor: Mapping[str, Any]) -> list[Finding]:
    """Gate 2: the descriptor, every Table Schema and dialect against the v2.0 profiles, and
    every `pattern` constraint a regular expression."""
    read = _folder_reader(folder)
    return [
        *_descriptor_profile_findings(descriptor),
        *_part_profile_findings(descriptor, lambda value: _load_part(read, value)),
        *_pattern_findings(descriptor, lambda value: _load_part(read, value)),
    ]


def _descriptor_profile_findings(descriptor: Mapping[str, Any]) -> list[Finding]:
    findings = [
        Finding("package-profile-error", "error", message, DESCRIPTOR)
        for message in _profile_errors("datapackage", descriptor)
    ]
    if descriptor.get("$schema") != PACKAGE_PROFILE:
        findings.append(
            Finding(
                "not-data-package-v2",
                "error",
                f"$schema is {clip(descriptor.get('$schema'))}, not {PACKAGE_PROFILE}",
                DESCRIPTOR,
            )
        )
    return findings


def library_parts() -> tuple[dict[str, Any], ...]:
    """The Table Schemas and the CSV dialect this library writes (`package.table_schemas`,
    `package.CSV_DIALECT`): constants of the code, not of the plan, so the test suite checks
    them against the v2 profiles once instead of every build."""
    from .package import CSV_DIALECT, table_schemas

    return (*table_schemas().values(), dict(CSV_DIALECT))


def _part_profile_findings(
    descriptor: Mapping[str, Any],
    load: Callable[[Any], Any],
    checked: Sequence[Mapping[str, Any]] = (),
) -> list[Finding]:
    """Every resource's Table Schema and dialect against their profiles; `load` resolves one
    given inline or by path (None when it cannot). A part equal to one in `checked` (known
    to conform) is not validated again."""

    def errors(profile: str, part: Any) -> Iterator[str]:
        return iter(()) if part in checked else _profile_errors(profile, part)

    findings: list[Finding] = []
    for index, resource in enumerate(_resources(descriptor)):
        name = str(resource.get("name", f"resources[{index}]"))
        if "schema" in resource:
            schema = load(resource["schema"])
            if schema is None:
                findings.append(
                    Finding(
                        "table-schema-profile-error",
                        "error",
                        f"schema {clip(resource['schema'])} is neither inline nor a readable "
                        "local file",
                        name,
                    )
                )
            else:
                findings.extend(
                    Finding("table-schema-profile-error", "error", message, name)
                    for message in errors("tableschema", schema)
                )
                if isinstance(schema, dict) and schema.get("$schema") != TABLE_SCHEMA_PROFILE:
                    findings.append(
                        Finding(
                            "not-table-schema-v2",
                            "error",
                            f"schema $schema is {clip(schema.get('$schema'))}, not "
                            f"{TABLE_SCHEMA_PROFILE}",
                            name,
                        )
                    )
        if "dialect" in resource:
            dialect = load(resource["dialect"])
            findings.extend(
                Finding("dialect-profile-error", "error", message, name)
                for message in errors("tabledialect", dialect)
            )
    return findings


# --- gate 3: the project's rules --------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    """The rows with one cell per column; rows of another length are left out."""
    numbers: tuple[int, ...]
    """The row number of each row: the header is row 1."""

    def numbered(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, row) for every row."""
        return zip(self.numbers, self.rows, strict=True)

    def ids(self, column: str = "id") -> set[str]:
        return {row[column] for row in self.rows if row.get(column)}


def _read_table(read: Reader, resource: Mapping[str, Any]) -> tuple[_Table | None, list[Finding]]:
    """The rows of a CSV resource as strings (None when frictionless has more to say), and a
    finding for each row that does not have one cell per column (blank, short or long) or
    cannot be read as CSV; those rows are not checked further."""
    name = str(resource.get("name"))
    data = read(str(resource.get("path")))
    try:
        text = data.decode("utf-8-sig") if data is not None else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        return None, []
    findings: list[Finding] = []
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] = ()
    with _csv_field_limit():
        try:
            header = tuple(next(reader, ()))
            for number, cells in enumerate(reader, 2):
                if len(cells) == len(header):
                    rows.append(dict(zip(header, cells, strict=True)))
                    numbers.append(number)
                    continue
                code, problem = (
                    ("blank-row", "the row is blank")
                    if not any(cells)
                    else ("missing-cell", f"the row has {len(cells)} of {len(header)} cells")
                    if len(cells) < len(header)
                    else ("extra-cell", f"the row has {len(cells)} cells, not {len(header)}")
                )
                findings.append(Finding(code, "error", problem, name, number))
        except csv.Error as exc:
            findings.append(
                Finding("csv-error", "error", f"not readable as CSV: {exc}", name, reader.line_num)
            )
    return _Table(name, header, tuple(rows), tuple(numbers)), findings


class _Rules:
    """The project's checks over the tables of one package; `run` yields the findings."""

    def __init__(
        self, tables: Mapping[str, _Table], source: str | None, listed: Collection[object]
    ) -> None:
        self.tables = tables
        self.source = source
        self.listed = listed
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        message: str,
        table: str,
        row: int | None = None,
        field: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.findings.append(Finding(code, severity, message, _at(table, field), row))

    def need(self, name: str, *columns: str) -> _Table | None:
        table = self.tables.get(name)
        if table is None:
            return None
        missing = [c for c in columns if c not in table.columns]
        for column in missing:
            self.add("missing-column", f"the table has no column {column}", name, None, column)
        return None if missing else table

    def run(self) -> list[Finding]:
        for name in ("plans", "sections", "tasks", "measures", "agencies", *_SUBJECT_TABLES):
            if name not in self.listed:
                self.add("missing-resource", f"the package has no {name} table", DESCRIPTOR)
        self.unique_ids()
        self.subjects()
        self.coverage()
        self.agency_ids()
        self.deadlines()
        self.spans()
        return self.findings

    def unique_ids(self) -> None:
        for name in (*_ID_TABLES, *_SUBJECT_TABLES):
            key = ("id",) if name in _ID_TABLES else ("subject_id", "position")
            table = self.need(name, *key)
            if table is None:
                continue
            first: dict[tuple[str, ...], int] = {}
            for number, row in table.numbered():
                value = tuple(row.get(k, "") for k in key)
                if value in first:
                    shown = ", ".join(clip(v) for v in value)
                    self.add(
                        "duplicate-id",
                        f"{'+'.join(key)} {shown} is already used in row {first[value]}",
                        name,
                        number,
                        key[0],
                    )
                else:
                    first[value] = number

    def _subject_ids(self) -> set[str] | None:
        parts = [self.need(name, "id") for name in ("plans", "tasks", "measures")]
        if any(p is None for p in parts):
            return None
        parts += [self.need(name, "id") for name in _OPTIONAL_NODES[:2] if name in self.tables]
        known: set[str] = set().union(*(p.ids() for p in parts if p is not None))
        subjects = self.tables.get("subjects")
        if subjects is not None and {"id", "kind"} <= set(subjects.columns):
            known.update(row["id"] for row in subjects.rows if row["kind"] == "standing")
        return known

    def subjects(self) -> None:
        known = self._subject_ids()
        if known is None:
            return
        for name in _SUBJECT_TABLES:
            table = self.need(name, "subject_id")
            if table is None:
                continue
            for number, row in table.numbered():
                if row["subject_id"] not in known:
                    self.add(
                        "unknown-subject",
                        f"subject_id {clip(row['subject_id'])} is not the id of the plan, a "
                        "task, measure, point, paragraph or standing assignment",
                        name,
                        number,
                        "subject_id",
                    )
        self.subject_kinds()

    def subject_kinds(self) -> None:
        """subjects lists every node once, under the kind of the table that holds it."""
        subjects = self.need("subjects", "id", "kind") if "subjects" in self.tables else None
        if subjects is None:
            return
        kind_of = {row["id"]: row["kind"] for row in subjects.rows}
        ids = {kind: t.ids() for kind, name in _NODE_TABLES.items() if (t := self.tables.get(name))}
        for number, row in subjects.numbered():
            kind = row["kind"]
            if kind in ids and row["id"] not in ids[kind]:
                self.add(
                    "unknown-subject",
                    f"subject {clip(row['id'])} of kind {clip(kind)} is not an id in "
                    f"{_NODE_TABLES[kind]}",
                    "subjects",
                    number,
                    "id",
                )
        for kind, name in _NODE_TABLES.items():
            table = self.tables.get(name)
            if table is None or "id" not in table.columns:
                continue
            for number, row in table.numbered():
                if row["id"] and kind_of.get(row["id"]) != kind:
                    self.add(
                        "missing-subject",
                        f"{kind} {clip(row['id'])} has no row of kind {kind} in subjects",
                        name,
                        number,
                        "id",
                    )

    def coverage(self) -> None:
        tasks = self.need("tasks", "id")
        measures = self.need("measures", "id", "task_id")
        assigned = self.need("responsibilities", "subject_id")
        if tasks is None or measures is None or assigned is None:
            return
        covered = assigned.ids("subject_id")
        measures_of: dict[str, list[str]] = defaultdict(list)
        parent: dict[str, str] = {}
        for row in measures.rows:
            measures_of[row["task_id"]].append(row["id"])
            parent[row["id"]] = row["task_id"]
        for name, column in (("points", "measure_id"), ("paragraphs", "parent_id")):
            table = self.tables.get(name)
            if table is not None and {"id", column} <= set(table.columns):
                parent.update((row["id"], row[column]) for row in table.rows)
        # An item whose text is assigned in segments (…。（A指导）…。（B负责）) is covered by
        # them: a paragraph or point below it carries the assignment.
        assigned_below: set[str] = set()
        for subject in covered:
            node = parent.get(subject)
            while node is not None and node not in assigned_below:
                assigned_below.add(node)
                node = parent.get(node)
        # Only sections that assign something are held to coverage: real documents leave
        # sections of prose unassigned (一、总体要求 of an 意见, or a whole 意见).
        section_of = {row["id"]: row.get("section_id") for row in tasks.rows}
        section_of.update({row["id"]: section_of.get(row["task_id"]) for row in measures.rows})

        def section(node: str) -> str | None:
            while node not in section_of and node in parent:
                node = parent[node]
            return section_of.get(node, node)

        assigning = {section(subject) for subject in covered}
        standing = self._standing_starts(assigned)
        for table, kind in ((tasks, "task"), (measures, "measure")):
            for number, row in table.numbered():
                subject = row["id"]
                children = measures_of.get(subject, []) if kind == "task" else []
                # A task whose measures all carry responsibilities needs none of its own.
                if subject in covered or subject in assigned_below:
                    continue
                if children and all(c in covered or c in assigned_below for c in children):
                    continue
                if section_of.get(subject) not in assigning:
                    continue
                # A standing assignment (以下均需…落实，不再列出) covers every later item.
                since = standing.get(subject.rpartition("/")[0])
                if since is not None and _int(row.get("start")) > since:
                    continue
                self.add(
                    f"{kind}-without-responsibility",
                    f"{kind} {clip(subject)} has no row in responsibilities",
                    table.name,
                    number,
                    "id",
                )

    def _standing_starts(self, assigned: _Table) -> dict[str, int]:
        """Plan prefix ("" in a single plan's package) -> where its first standing assignment
        is stated, from the subjects of kind standing and their rows' spans."""
        subjects = self.tables.get("subjects")
        if subjects is None or not {"id", "kind"} <= set(subjects.columns):
            return {}
        standing = {row["id"] for row in subjects.rows if row["kind"] == "standing"}
        starts: dict[str, int] = {}
        for row in assigned.rows:
            if row["subject_id"] in standing and "start" in row:
                prefix = row["subject_id"].rpartition("/")[0]
                start = _int(row["start"])
                starts[prefix] = min(start, starts.get(prefix, start))
        return starts

    def agency_ids(self) -> None:
        agencies = self.need("agencies", "id")
        if agencies is None:
            return
        known = agencies.ids()
        checks = (
            ("responsibilities", "agency_id"),
            ("agencies", "parent_id"),
            ("agencies", "successor_id"),
            ("plans", "issuer_id"),
        )
        for name, column in checks:
            table = self.tables.get(name)
            if table is None or column not in table.columns:
                continue
            for number, row in table.numbered():
                value = row[column]
                if value and value not in known:
                    self.add(
                        "unknown-agency-id",
                        f"{column} {clip(value)} is not an id in agencies",
                        name,
                        number,
                        column,
                    )
        responsibilities = self.need("responsibilities", "agency_id", "agency")
        if responsibilities is None:
            return
        for number, row in responsibilities.numbered():
            if not row["agency_id"]:
                self.add(
                    "unknown-agency",
                    f"agency {clip(row['agency'])} has no agency_id (not in the registry)",
                    "responsibilities",
                    number,
                    "agency_id",
                    "warning",
                )

    def deadlines(self) -> None:
        plans = self.need("plans", "id", "issued")
        deadlines = self.need("deadlines", "subject_id", "date")
        if plans is None or deadlines is None:
            return
        issued_on = {row["id"]: _date(row["issued"]) for row in plans.rows}
        only = next(iter(issued_on.values())) if len(issued_on) == 1 else None
        for number, row in deadlines.numbered():
            # A corpus prefixes every id with its plan's ("<plan id>/task_1").
            subject = row["subject_id"]
            owner = subject if subject in issued_on else subject.partition("/")[0]
            issued = issued_on.get(owner, only)
            date = _date(row["date"])
            if issued is not None and date is not None and date < issued:
                self.add(
                    "deadline-before-issue-date",
                    f"deadline {clip(row.get('expression', ''))} ({date}) is before the plan was "
                    f"issued ({issued})",
                    "deadlines",
                    number,
                    "date",
                )

    def spans(self) -> None:
        if self.source is None:
            return
        expected: dict[str, Callable[[dict[str, str]], str | None]] = {
            "sections": lambda r: r.get("label", "") + r.get("title", ""),
            "tasks": lambda r: r.get("label", "") + r.get("text", ""),
            "measures": lambda r: r.get("label", "") + r.get("text", ""),
            "points": lambda r: r.get("label", "") + r.get("text", ""),
            "paragraphs": lambda r: r.get("text"),
            "deadlines": lambda r: r.get("expression"),
            "targets": lambda r: r.get("text"),
            "responsibilities": lambda r: None,
        }
        # Offsets of the line breaks, found once: counting them per row is quadratic.
        # Lines end at \n, \r\n or a lone \r, as the parser counts them (LINE_BREAK).
        breaks = [match.start() for match in LINE_BREAK.finditer(self.source)]
        for name, text_of in expected.items():
            table = self.tables.get(name)
            if table is None or not {"line", "start", "end"} <= set(table.columns):
                continue
            for number, row in table.numbered():
                problem = _span_problem(self.source, breaks, row, text_of(row))
                if problem:
                    self.add("span-mismatch", problem, name, number, "start")


def _int(value: str | None) -> int:
    """A cell as an integer; -1 when it is not one (frictionless reports the type)."""
    try:
        return int(value or "")
    except ValueError:
        return -1


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _span_problem(
    source: str, breaks: Sequence[int], row: Mapping[str, str], text: str | None
) -> str | None:
    """What is wrong with a row's span, or None: in range, on its line, slicing to its text.
    `breaks` are the offsets of the source's line breaks, in order."""
    try:
        line, start, end = int(row["line"]), int(row["start"]), int(row["end"])
    except ValueError:
        return None  # frictionless reports the type error
    if not 0 <= start <= end <= len(source):
        return f"span {start}-{end} is outside the source text ({len(source)} characters)"
    if bisect.bisect_left(breaks, start) + 1 != line:
        return f"offset {start} is not on line {line}"
    if text is not None and source[start:end] != text:
        return f"the source at {start}-{end} reads {clip(source[start:end])}, not {clip(text)}"
    return None


def project_findings(folder: Path, descriptor: Mapping[str, Any]) -> list[Finding]:
    """Gate 3: the project's rules on the rows of the package's tables. Rows without one cell
    per column are left out, unreported: frictionless (gate 1) reports them."""
    tables, source, findings, _rows = _read_tables(descriptor, _folder_reader(folder))
    names = {resource.get("name") for resource in _resources(descriptor)}
    return findings + _Rules(tables, source, names).run()


def _read_tables(
    descriptor: Mapping[str, Any], read: Reader
) -> tuple[dict[str, _Table], str | None, list[Finding], list[Finding]]:
    """The tables and source text the descriptor lists, a finding per unsafe path, and a
    finding per row that is not one cell per column."""
    tables: dict[str, _Table] = {}
    source: str | None = None
    findings: list[Finding] = []
    row_findings: list[Finding] = []
    for resource in _resources(descriptor):
        name = resource.get("name")
        if not _is_local(resource.get("path")):
            findings.append(
                Finding(
                    "unsafe-path",
                    "error",
                    f"path {clip(resource.get('path'))} is not a relative path inside the package",
                    str(name),
                )
            )
            continue
        if resource.get("type") == "table" and isinstance(name, str):
            table, problems = _read_table(read, resource)
            row_findings.extend(problems)
            if table is not None:
                tables[name] = table
        elif name == "source":
            data = read(str(resource["path"]))
            try:
                source = data.decode("utf-8") if data is not None else None
            except UnicodeDecodeError:
                source = None
    return tables, source, findings, row_findings


# --- the build's gates -----------------------------------------------------------------------


def _foreign_key_findings(
    descriptor: Mapping[str, Any], tables: Mapping[str, _Table]
) -> list[Finding]:
    """Every foreign key of the inline Table Schemas, on the rows (a missing value is no
    reference). `fgf validate` leaves this to frictionless."""
    findings: list[Finding] = []
    for resource in _resources(descriptor):
        name, schema = resource.get("name"), resource.get("schema")
        table = tables.get(str(name))
        if table is None or not isinstance(schema, dict):
            continue
        for key in schema.get("foreignKeys", ()):
            fields, reference = key["fields"], key["reference"]
            target = tables.get(reference.get("resource") or table.name)
            if target is None:
                continue
            known = {tuple(row.get(f, "") for f in reference["fields"]) for row in target.rows}
            for number, row in table.numbered():
                values = tuple(row.get(f, "") for f in fields)
                if any(values) and values not in known:
                    findings.append(
                        Finding(
                            "foreign-key",
                            "error",
                            f"{'+'.join(fields)} {', '.join(clip(v) for v in values)} is not "
                            f"in {target.name}.{'+'.join(reference['fields'])}",
                            _at(table.name, fields[0]),
                            number,
                        )
                    )
    return findings


Digest = Callable[[str], tuple[int, str] | None]
"""The size and sha256 (hex) of a file of the package by its local path, None when it cannot
be read."""


def _memory_digest(files: Mapping[str, bytes]) -> Digest:
    def digest(path: str) -> tuple[int, str] | None:
        data = files.get(path)
        return None if data is None else (len(data), hashlib.sha256(data).hexdigest())

    return digest


def _folder_digest(folder: Path) -> Digest:
    """Hashes a package file in chunks (a JSON-LD file of a big plan is hundreds of MB), unless
    `unsafe_path` refuses it."""

    def digest(path: str) -> tuple[int, str] | None:
        if unsafe_path(folder, path) is not None:
            return None
        try:
            with open(folder / path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                return size, hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None

    return digest


def _file_findings(
    descriptor: Mapping[str, Any], paths: Collection[str], digest: Digest, read: Reader
) -> list[Finding]:
    """Every listed file is there with the size and sha256 the descriptor records, and every
    one of `paths` (the package's files) is listed, but for a site fgf wrote in `site/`."""
    findings: list[Finding] = []
    listed = {DESCRIPTOR}
    for resource in _resources(descriptor):
        path, name = resource.get("path"), str(resource.get("name"))
        if not _is_local(path):
            continue  # the project gate reports it
        listed.add(str(path))
        found = digest(str(path))
        if found is None:
            findings.append(Finding("missing-file", "error", f"{clip(path)} is missing", name))
            continue
        size, sha256 = found
        if resource.get("bytes") != size:
            message = f"the file has {size} bytes, the descriptor says {resource.get('bytes')}"
            findings.append(Finding("byte-count", "error", message, name))
        if resource.get("hash") != f"sha256:{sha256}":
            message = "the file's sha256 is not the hash the descriptor records"
            findings.append(Finding("hash-count", "error", message, name))
    unlisted = set(paths) - listed
    site = sorted(p.removeprefix("site/") for p in unlisted if p.startswith("site/"))
    if site:  # the package's site, made after the descriptor: the site's own rule applies
        from .site.output import site_intruder

        if site_intruder(site, read("site/index.html")) is None:
            unlisted.difference_update(f"site/{p}" for p in site)
    for path in sorted(unlisted):
        findings.append(
            Finding("unlisted-file", "error", f"{clip(path)} is not a resource", DESCRIPTOR)
        )
    return findings


def _without_inline_parts(descriptor: Mapping[str, Any]) -> Mapping[str, Any]:
    """The descriptor without its inline Table Schemas and dialects: the package profile would
    check each of them again after `_part_profile_findings` has."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return descriptor
    return {
        **descriptor,
        "resources": [
            {k: v for k, v in r.items() if k not in _PARTS or not isinstance(v, dict)}
            if isinstance(r, dict)
            else r
            for r in resources
        ],
    }


def check_built_package(files: Mapping[str, bytes], folder: Path | None = None) -> PackageReport:
    """The gates `fgf build` runs on a package it has just produced, without frictionless.

    `files` is the package (path -> bytes, datapackage.json included); `folder`, when given,
    is where it was written, and its files must be the ones the descriptor records. The gates:
    the v2.0 profiles on the descriptor, each Table Schema and dialect (each part validated
    once; parts equal to the library's own, `library_parts`, are not: the test suite checks
    those); every file there with its recorded size and sha256, and listed; the project's rules
    and every foreign key on the rows, read from `files` (not from disk). Types and
    constraints are not re-checked: `package.table_csv` refused any value that did not fit
    its field when it wrote the cell. `validate_package` is the full gate, frictionless
    included; `fgf validate` and CI run it. Raises `ExportError` without a descriptor,
    `ParseError` when it is not JSON (`jsonload.load_json`).
    """
    if DESCRIPTOR not in files:
        raise ExportError(f"the package has no {DESCRIPTOR}")
    descriptor = load_json(files[DESCRIPTOR], DESCRIPTOR)
    if not isinstance(descriptor, dict):
        raise ExportError(f"{DESCRIPTOR} is not a JSON object")
    in_memory: Reader = files.get
    tables, source, findings, row_findings = _read_tables(descriptor, in_memory)
    names = {resource.get("name") for resource in _resources(descriptor)}
    findings = [
        *_descriptor_profile_findings(_without_inline_parts(descriptor)),
        *_part_profile_findings(
            descriptor, lambda value: _load_part(in_memory, value), library_parts()
        ),
        *_file_findings(
            descriptor,
            files,
            _folder_digest(folder) if folder else _memory_digest(files),
            _folder_reader(folder) if folder else in_memory,
        ),
        *findings,
        *row_findings,
        *_foreign_key_findings(descriptor, tables),
        *_Rules(tables, source, names).run(),
    ]
    where = str(folder) if folder is not None else "(in memory)"
    return PackageReport(where, tuple(findings), len(_resources(descriptor)))


def validate_package(folder: str | Path, *, linked: bool = False) -> PackageReport:
    """The tabular gates on a package folder, plus the RDF gate (`linked_findings`: pyshacl,
    round trips) when `linked` is true, as `fgf validate` asks.

    Content problems, however broken the files, are findings; a link out of the package is
    one (`link_findings`) and is never read through. Raises `ExportError` when the folder or
    its `datapackage.json` cannot be read, `ParseError` when that is not JSON."""
    from .forked import start

    path = Path(folder)
    descriptor = read_descriptor(path)
    # The RDF gate shares nothing with the others: it runs in a child, on the other core.
    pending = start(linked_findings, path) if linked else None
    try:
        profiles = profile_findings(path, descriptor)
        broken = {f.where for f in profiles if f.code in _PART_PROFILE_ERRORS}
        findings = [
            *link_findings(path, descriptor),
            *frictionless_findings(path, descriptor, skip=broken),
            *profiles,
            *project_findings(path, descriptor),
        ]
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    if pending is not None:
        findings.extend(pending.result())
    return PackageReport(str(folder), tuple(findings), len(_resources(descriptor)))


_PART_PROFILE_ERRORS = ("table-schema-profile-error", "dialect-profile-error")
_LINKED_FILES = ("linked/plan.ttl", "linked/plan.jsonld", "linked/catalog.ttl", "plan.json")
_JSON_FILES = ("linked/plan.jsonld", "plan.json")


def linked_findings(folder: Path) -> list[Finding]:
    """Gate 4: a single plan's RDF files with pyshacl (the project's shapes on the plan graph,
    DCAT-AP 3.0.1 on the catalogue), Turtle against JSON-LD, and the graph read back against
    plan.json. Packages without `linked/plan.ttl` (a corpus, a package without RDF) skip it.
    A file that `unsafe_path` refuses is left out (`link_findings` reports it); a JSON file
    that `load_json` refuses is reported here and left out."""
    read = _folder_reader(folder)
    if read("linked/plan.ttl") is None:
        return []
    from .shacl import check_linked

    files = {name: data for name in _LINKED_FILES if (data := read(name)) is not None}
    refused: list[Finding] = []
    for name in _JSON_FILES:
        try:
            if name in files:
                load_json(files[name], name)
        except FgfError as exc:
            refused.append(Finding("invalid-json", "error", str(exc), _resource_name(name)))
            del files[name]
    left_out = {f.where for f in refused}
    try:
        checked = check_linked(files)
    except RecursionError:
        message = "the RDF files nest too deeply to be read"
        return [*refused, Finding("linked-file-unreadable", "error", message, "linked-plan-ttl")]
    except Exception as exc:  # noqa: BLE001 - rdflib fails in any way on a damaged graph
        # (compare.isomorphic raises a bare Exception on an IRI with spaces): still a finding.
        message = f"the RDF files cannot be checked: {type(exc).__name__}: {clip(exc, 200)}"
        return [*refused, Finding("linked-file-unreadable", "error", message, "linked-plan-ttl")]
    # Findings name the focus node by IRI; the report's `where` is resource/field, so name the
    # file (the resource) and keep the IRI in the message.
    return refused + [
        replace(
            finding,
            where=_linked_resource(finding.code),
            message=f"<{finding.where}>: {finding.message}"
            if "://" in finding.where
            else finding.message,
        )
        for finding in checked
        if not (finding.code == "linked-file-missing" and _resource_name(finding.where) in left_out)
    ]


def _linked_resource(code: str) -> str:
    return "linked-catalog-ttl" if code.startswith("dcat-ap") else "linked-plan-ttl"
