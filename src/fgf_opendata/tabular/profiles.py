"""The standard's gates: frictionless (offline), and the official Data Package v2.0 profiles
(`data/profiles/`, JSON Schema draft-07) on the descriptor, every Table Schema and dialect;
frictionless 5 checks only part of v2.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import FgfError
from ..findings import CATALOGUE, Finding, TableLocation
from ..jsonload import load_json
from ..publication import DESCRIPTOR, PACKAGE_PROFILE, TABLE_SCHEMA_PROFILE
from .cells import CSV_DIALECT
from .columns import table_schemas
from .reading import (
    PARTS,
    Reader,
    csv_field_limit,
    folder_reader,
    is_local,
    paths_of,
    read_descriptor,
    resources_of,
    unsafe_path,
)
from .report import clip, clip_quoted

__all__ = [
    "PROFILES",
    "descriptor_profile_findings",
    "frictionless_findings",
    "library_parts",
    "load_part",
    "part_profile_findings",
    "profile_errors",
    "profile_findings",
    "without_parts",
]

PROFILES: Mapping[str, str] = MappingProxyType(
    {
        "datapackage": "frictionless-2.0-datapackage.json",
        "tableschema": "frictionless-2.0-tableschema.json",
        "tabledialect": "frictionless-2.0-tabledialect.json",
    }
)
"""The v2.0 profiles bundled in `data/profiles/`, by the name of what they describe."""


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
    return clip_quoted(note)


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
    with system.use_context(http_session=_OfflineSession()), csv_field_limit():
        try:
            report = validate(
                _for_frictionless(folder, descriptor, skip), type="package", basepath=str(folder)
            )
        except FrictionlessException as exc:  # pragma: no cover - validate reports instead
            return [CATALOGUE["frictionless-error"](DESCRIPTOR, problem=clip_quoted(str(exc)))]
        except Exception as exc:  # noqa: BLE001 - frictionless fails in any way on some damage
            message = f"frictionless could not validate the package: {type(exc).__name__}: {exc}"
            return [CATALOGUE["frictionless-error"](DESCRIPTOR, problem=clip(message, 300))]
    for error in report.errors:
        message = _error_message(error)
        findings.append(Finding(error.type, "error", message, TableLocation(DESCRIPTOR)))
    for task in report.tasks:
        for error in task.errors:
            field = getattr(error, "field_name", None)
            row = getattr(error, "row_number", None)
            findings.append(
                Finding(
                    error.type,
                    "error",
                    _error_message(error),
                    TableLocation(task.name or task.place, row, field),
                )
            )
    return findings


def _for_frictionless(
    folder: Path, descriptor: Mapping[str, Any], skip: Collection[str]
) -> dict[str, Any]:
    """A copy of the descriptor frictionless can read without crashing or leaving the package:
    see `frictionless_findings`."""
    read = folder_reader(folder)
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
        if any(unsafe_path(folder, path) for path in paths_of(resource)):
            continue
        resource = copy.deepcopy(resource)
        for part in PARTS:
            if part in resource:
                resource[part] = load_part(read, resource[part])
        if any(part in resource and not isinstance(resource[part], dict) for part in PARTS):
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
    for resource in resources_of(descriptor):
        for field in _fields(load(resource.get("schema"))):
            problem = _pattern_error(field)
            if problem:
                where = TableLocation(str(resource.get("name")), field=str(field.get("name")))
                findings.append(CATALOGUE["invalid-pattern"](where, problem=problem))
    return findings


# --- gate 2: the v2 profiles ------------------------------------------------------------------


@functools.cache
def _profile_validator(name: str) -> Any:
    # No stubs for jsonschema in the dev set-up.
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    text = (resources.files("fgf_opendata") / "data" / "profiles" / PROFILES[name]).read_text(
        encoding="utf-8"
    )
    return Draft7Validator(json.loads(text))


def profile_errors(name: str, instance: Any) -> Iterator[str]:
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    for error in _profile_validator(name).iter_errors(instance):
        # A oneOf/anyOf failure says little by itself: the best error of a branch whose type
        # matched says what to fix ("does not match pattern" rather than "is not an array").
        relevant = [e for e in error.context or () if e.validator != "type"]
        detail = best_match(relevant) if relevant else error
        yield clip_quoted(f"{detail.json_path}: {_clip_repr(detail.message)}")


def _clip_repr(message: str, width: int = 160) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"


def load_part(read: Reader, value: Any) -> Any:
    """A Table Schema or dialect given inline or as a local path (None when it cannot be read)."""
    if isinstance(value, dict):
        return value
    if is_local(value):
        data = read(value)
        try:
            return load_json(data, value) if data is not None else None
        except FgfError:
            return None
    return None


def profile_findings(
    folder: Path, descriptor: Mapping[str, Any], checked: Sequence[Mapping[str, Any]] = ()
) -> list[Finding]:
    """Gate 2: the descriptor, every Table Schema and dialect against the v2.0 profiles, and
    every `pattern` constraint a regular expression. An inline part equal to one in `checked`
    (known to conform to its profile and to the package profile's definition of it) is
    validated by neither profile: the findings are the same, for a tenth of the time."""
    read = folder_reader(folder)
    return [
        *descriptor_profile_findings(without_parts(descriptor, checked)),
        *part_profile_findings(descriptor, lambda value: load_part(read, value), checked),
        *_pattern_findings(descriptor, lambda value: load_part(read, value)),
    ]


def without_parts(
    descriptor: Mapping[str, Any], parts: Sequence[Mapping[str, Any]] | None = None
) -> Mapping[str, Any]:
    """The descriptor without the inline Table Schemas and dialects of its resources that
    equal one of `parts` (None: every inline one). The package profile checks each resource's
    `schema` and `dialect` on its own (no keyword of a resource relates them to another), so a
    part that conforms adds no finding when it is left out."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or parts == ():
        return descriptor

    def left_out(key: str, value: Any) -> bool:
        return key in PARTS and isinstance(value, dict) and (parts is None or value in parts)

    return {
        **descriptor,
        "resources": [
            {k: v for k, v in r.items() if not left_out(k, v)} if isinstance(r, dict) else r
            for r in resources
        ],
    }


def descriptor_profile_findings(descriptor: Mapping[str, Any]) -> list[Finding]:
    findings = [
        CATALOGUE["package-profile-error"](DESCRIPTOR, problem=message)
        for message in profile_errors("datapackage", descriptor)
    ]
    if descriptor.get("$schema") != PACKAGE_PROFILE:
        findings.append(
            CATALOGUE["not-data-package-v2"](
                DESCRIPTOR, found=clip(descriptor.get("$schema")), expected=PACKAGE_PROFILE
            )
        )
    return findings


def library_parts() -> tuple[dict[str, Any], ...]:
    """The Table Schemas and the CSV dialect this library writes (`columns.table_schemas`,
    `cells.CSV_DIALECT`): constants of the code, not of the plan, so the test suite checks
    them against the v2 profiles once instead of every build."""

    return (*table_schemas().values(), dict(CSV_DIALECT))


def part_profile_findings(
    descriptor: Mapping[str, Any],
    load: Callable[[Any], Any],
    checked: Sequence[Mapping[str, Any]] = (),
) -> list[Finding]:
    """Every resource's Table Schema and dialect against their profiles; `load` resolves one
    given inline or by path (None when it cannot). A part equal to one in `checked` (known
    to conform) is not validated again."""

    def errors(profile: str, part: Any) -> Iterator[str]:
        return iter(()) if part in checked else profile_errors(profile, part)

    findings: list[Finding] = []
    for index, resource in enumerate(resources_of(descriptor)):
        name = str(resource.get("name", f"resources[{index}]"))
        if "schema" in resource:
            schema = load(resource["schema"])
            if schema is None:
                findings.append(
                    CATALOGUE["table-schema-profile-error"](
                        name,
                        problem=f"schema {clip(resource['schema'])} is neither inline nor a "
                        "readable local file",
                    )
                )
            else:
                findings.extend(
                    CATALOGUE["table-schema-profile-error"](name, problem=message)
                    for message in errors("tableschema", schema)
                )
                if isinstance(schema, dict) and schema.get("$schema") != TABLE_SCHEMA_PROFILE:
                    findings.append(
                        CATALOGUE["not-table-schema-v2"](
                            name, found=clip(schema.get("$schema")), expected=TABLE_SCHEMA_PROFILE
                        )
                    )
        if "dialect" in resource:
            dialect = load(resource["dialect"])
            findings.extend(
                CATALOGUE["dialect-profile-error"](name, problem=message)
                for message in errors("tabledialect", dialect)
            )
    return findings
