"""Plan -> Frictionless Data Package v2: tables, Table Schemas and `datapackage.json`, in memory.

Pure functions from values to bytes; writing them out (atomically) is `fgf_opendata.build`'s job.
The package of a plan holds one CSV per table in `TABLES` (UTF-8, one header row, the dialect in
`CSV_DIALECT`), the canonical JSON of the plan (`plan.json`) and the source text itself
(`source/<plan id>.txt`), which the `line`, `start` and `end` columns of every row point into.

Every cell is written by its Table Schema field (`table_csv`: the type's default form, the value
checked against the field's constraints), the stdlib `csv` module quotes and joins them, and
`serialize.dumps` writes the descriptor, so the same plan always gives the same bytes: no
timestamps, rows in document order, agencies sorted by id. Nothing here imports frictionless.
Every resource records its `bytes` and `hash` (sha256), so a one-character edit to any file
fails `frictionless validate` and `fgf build --check`. The Table Schemas do not depend on the
plan; `schemas/` publishes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Any, get_args

from pydantic import TypeAdapter

from ..agencies import CATEGORIES, Registry
from ..errors import ExportError
from ..memory import cycle_collection_paused
from ..model import (
    Agency,
    AgencyKind,
    Assignment,
    Comparator,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Precision,
    Recurrence,
    Responsibility,
    Role,
    Section,
    Span,
    Target,
    Task,
    UnitCode,
)
from ..publication import (
    BASE_IRI,
    DESCRIPTOR,
    LICENSE,
    PACKAGE_PROFILE,
    PLAN_JSON,
    PUBLISHER,
    SOURCES,
    TABLE_SCHEMA_PROFILE,
    VERSION,
    SourceInfo,
    file_format,
    keywords,
    slug,
)
from ..serialize import dumps

__all__ = [
    "BASE_IRI",
    "CSV_DIALECT",
    "DESCRIPTOR",
    "PACKAGE_PROFILE",
    "PLAN_JSON",
    "SOURCES",
    "SUBJECT_KINDS",
    "TABLES",
    "TABLE_SCHEMA_PROFILE",
    "SourceInfo",
    "agency_rows",
    "check_plan_id",
    "data_files",
    "descriptor_bytes",
    "package_descriptor",
    "plan_json_bytes",
    "plan_rows",
    "source_path",
    "table_csv",
    "table_schemas",
]

TABLES = (
    "plans",
    "sections",
    "tasks",
    "measures",
    "points",
    "paragraphs",
    "subjects",
    "agencies",
    "responsibilities",
    "deadlines",
    "targets",
)
"""The tabular resources, in the order the descriptor lists them; each is `<name>.csv`."""

SUBJECT_KINDS = ("plan", "section", "task", "measure", "point", "paragraph", "standing")
"""What a row of `subjects` can be: a node of the plan's tree, or a standing assignment (an
assignment a responsibility line states for every later item, `Plan.standing`)."""

_SUBJECT_PATTERN = (
    "(sec|task)_[0-9]+(__meas_[0-9]+(__point_[0-9]+)?)?(__para_[0-9]+)?|standing_[0-9]+"
)
"""Every plan-local id a subject can have (plan ids aside)."""

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

_PLAN_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


# --- Table Schemas ----------------------------------------------------------------------------


def _doc(model: type[Any], name: str) -> str:
    """A model field's docstring: the model is where a column's meaning is written down once."""
    description = model.model_fields[name].description
    assert description, f"{model.__name__}.{name} has no docstring"
    return str(description)


def _field(
    name: str,
    type_: str,
    description: str,
    *,
    required: bool = False,
    unique: bool = False,
    **constraints: Any,
) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if required:
        constraints = {"required": True, **constraints}
    if unique:
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _coded(name: str, values: Iterable[str], description: str, *, required: bool) -> dict[str, Any]:
    """A string column with a closed set of values: `categories` says so, `enum` enforces it."""
    codes = list(values)
    field = _field(name, "string", description, required=required, enum=codes)
    field["categories"] = codes
    return field


def _span_fields(what: str) -> list[dict[str, Any]]:
    return [
        _field(
            "line",
            "integer",
            f"1-based line of the source text (the `source` resource) on which the {what} starts.",
            required=True,
            minimum=1,
        ),
        _field(
            "start",
            "integer",
            f"Offset of the {what}'s first character in the source text, counted in code points "
            "(Unicode characters, not bytes): text[start:end] is the source of the row.",
            required=True,
            minimum=0,
        ),
        _field(
            "end",
            "integer",
            f"Offset just past the {what}'s last character, in code points.",
            required=True,
            minimum=0,
        ),
    ]


def _id(name: str, pattern: str, description: str) -> dict[str, Any]:
    return _field(name, "string", description, required=True, unique=True, pattern=pattern)


def _subject_id() -> dict[str, Any]:
    return _field(
        "subject_id",
        "string",
        "The node the row belongs to (subjects.id): the plan, a task, a measure, a point, a "
        "paragraph (or segment) or a standing assignment.",
        required=True,
        pattern=f"({_PLAN_ID.pattern}|{_SUBJECT_PATTERN})",
    )


def _position(what: str) -> dict[str, Any]:
    return _field(
        "position",
        "integer",
        f"0-based order of the {what} within its subject.",
        required=True,
        minimum=0,
    )


def _reference(fields: str, resource: str | None, target: str = "id") -> dict[str, Any]:
    reference: dict[str, Any] = {"fields": [target]}
    if resource is not None:  # Table Schema v2: no `resource` means the same table
        reference = {"resource": resource, **reference}
    return {"fields": [fields], "reference": reference}


def _schema(
    fields: list[dict[str, Any]],
    primary_key: Sequence[str],
    foreign_keys: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "fields": fields,
        "missingValues": [""],
        "primaryKey": list(primary_key),
    }
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys)
    return schema


def table_schemas() -> dict[str, dict[str, Any]]:
    """Table name -> its Table Schema (v2), in `TABLES` order; the same for every plan."""
    plan_id = _PLAN_ID.pattern
    return {
        "plans": _schema(
            [
                _id("id", plan_id, _doc(Plan, "id")),
                _field("doc_number", "string", _doc(Plan, "doc_number")),
                _field("title", "string", _doc(Plan, "title"), required=True),
                _field("issuer", "string", _doc(Plan, "issuer")),
                _field(
                    "issuer_id",
                    "string",
                    "The issuing body's agencies.id; empty when the registry does not know it.",
                ),
                _field("issued", "date", _doc(Plan, "issued")),
                _field("addressees", "string", _doc(Plan, "addressees")),
                _field("plan_title", "string", _doc(Plan, "plan_title")),
            ],
            ["id"],
            [_reference("issuer_id", "agencies")],
        ),
        "sections": _schema(
            [
                _id("id", "sec_[0-9]+", _doc(Section, "id")),
                _field("plan_id", "string", "The plan the section belongs to.", required=True),
                _field("number", "integer", _doc(Section, "number"), required=True, minimum=1),
                _field("label", "string", _doc(Section, "label")),
                _field("title", "string", _doc(Section, "title")),
                *_span_fields("section heading"),
            ],
            ["id"],
            [_reference("plan_id", "plans")],
        ),
        "tasks": _schema(
            [
                _id("id", "task_[0-9]+", _doc(Task, "id")),
                _field("section_id", "string", "The section the task belongs to.", required=True),
                _field("number", "integer", _doc(Task, "number"), required=True, minimum=1),
                _field("label", "string", _doc(Task, "label"), required=True),
                _field("text", "string", _doc(Task, "text"), required=True),
                *_span_fields("task"),
            ],
            ["id"],
            [_reference("section_id", "sections")],
        ),
        "measures": _schema(
            [
                _id("id", "task_[0-9]+__meas_[0-9]+", _doc(Measure, "id")),
                _field("task_id", "string", "The key task the measure belongs to.", required=True),
                _field("number", "integer", _doc(Measure, "number"), required=True, minimum=1),
                _field("numbered", "boolean", _doc(Measure, "numbered"), required=True),
                _field("label", "string", _doc(Measure, "label")),
                _field("text", "string", _doc(Measure, "text"), required=True),
                *_span_fields("measure"),
            ],
            ["id"],
            [_reference("task_id", "tasks")],
        ),
        "points": _schema(
            [
                _id("id", "task_[0-9]+__meas_[0-9]+__point_[0-9]+", _doc(Point, "id")),
                _field("measure_id", "string", "The measure the point belongs to.", required=True),
                _field("number", "integer", _doc(Point, "number"), required=True, minimum=1),
                _field("label", "string", _doc(Point, "label"), required=True),
                _field("text", "string", _doc(Point, "text"), required=True),
                *_span_fields("point"),
            ],
            ["id"],
            [_reference("measure_id", "measures")],
        ),
        "paragraphs": _schema(
            [
                _id(
                    "id",
                    "(sec|task)_[0-9]+(__meas_[0-9]+(__point_[0-9]+)?)?__para_[0-9]+",
                    _doc(Paragraph, "id"),
                ),
                _field(
                    "parent_id",
                    "string",
                    "The section, task, measure or point the paragraph belongs to (subjects.id).",
                    required=True,
                ),
                _field(
                    "number",
                    "integer",
                    "Ordinal of the paragraph under its parent, from 1.",
                    required=True,
                    minimum=1,
                ),
                _field(
                    "segment",
                    "boolean",
                    "True for a sentence group that goes on in the same printed paragraph after "
                    "an assignment closed the text before it; false for a paragraph of its own.",
                    required=True,
                ),
                _field("text", "string", _doc(Paragraph, "text"), required=True),
                *_span_fields("paragraph (without its responsibility line)"),
            ],
            ["id"],
            [_reference("parent_id", "subjects")],
        ),
        "subjects": _schema(
            [
                _id(
                    "id",
                    f"({plan_id}|{_SUBJECT_PATTERN})",
                    "The id of the node: plans.id, sections.id, tasks.id, measures.id, points.id, "
                    "paragraphs.id, or standing_N for the N-th standing assignment.",
                ),
                _coded(
                    "kind",
                    SUBJECT_KINDS,
                    "The table that holds the node (plan for plans, ...); standing for an "
                    "assignment a responsibility line states for every later item "
                    "(以下均需…落实，不再列出), kept once: its rows in responsibilities give the "
                    "line's span.",
                    required=True,
                ),
            ],
            ["id"],
        ),
        "agencies": _schema(
            [
                _id("id", "[a-z0-9-]+", _doc(Agency, "id")),
                _field("name_zh", "string", _doc(Agency, "name_zh"), required=True),
                _field("full_name_zh", "string", _doc(Agency, "full_name_zh"), required=True),
                _field("name_en", "string", _doc(Agency, "name_en"), required=True),
                _field("abbreviation_en", "string", _doc(Agency, "abbreviation_en")),
                _coded("kind", get_args(AgencyKind), _doc(Agency, "kind"), required=True),
                _coded("category", CATEGORIES, _doc(Agency, "category"), required=True),
                _field("parent_id", "string", _doc(Agency, "parent_id")),
                _field("established", "year", _doc(Agency, "established")),
                _field("dissolved", "year", _doc(Agency, "dissolved")),
                _field("successor_id", "string", _doc(Agency, "successor_id")),
                _field("wikidata", "string", _doc(Agency, "wikidata"), pattern="Q[1-9][0-9]*"),
            ],
            ["id"],
            [_reference("parent_id", None), _reference("successor_id", None)],
        ),
        "responsibilities": _schema(
            [
                _subject_id(),
                _position("actor in the responsibility line"),
                _field("agency", "string", _doc(Assignment, "agency"), required=True),
                _field(
                    "agency_id",
                    "string",
                    "The agencies.id the name resolves to; empty when the registry does not "
                    "know the name.",
                ),
                _coded("role", get_args(Role), _doc(Assignment, "role"), required=True),
                _field("open_ended", "boolean", _doc(Responsibility, "open_ended"), required=True),
                *_span_fields("responsibility line"),
            ],
            ["subject_id", "position"],
            [_reference("subject_id", "subjects"), _reference("agency_id", "agencies")],
        ),
        "deadlines": _schema(
            [
                _subject_id(),
                _position("deadline"),
                _field("expression", "string", _doc(Deadline, "expression"), required=True),
                _field("date", "date", _doc(Deadline, "date"), required=True),
                _coded(
                    "precision", get_args(Precision), _doc(Deadline, "precision"), required=True
                ),
                _coded(
                    "recurrence", get_args(Recurrence), _doc(Deadline, "recurrence"), required=False
                ),
                *_span_fields("deadline phrase"),
            ],
            ["subject_id", "position"],
            [_reference("subject_id", "subjects")],
        ),
        "targets": _schema(
            [
                _subject_id(),
                _position("target"),
                _field("text", "string", _doc(Target, "text"), required=True),
                _field("quantity", "string", _doc(Target, "quantity")),
                _field("value", "number", _doc(Target, "value"), required=True),
                _coded("unit", get_args(UnitCode), _doc(Target, "unit"), required=True),
                _field("unit_text", "string", _doc(Target, "unit_text"), required=True),
                _coded(
                    "comparator", get_args(Comparator), _doc(Target, "comparator"), required=True
                ),
                _field("baseline", "number", _doc(Target, "baseline")),
                *_span_fields("target phrase"),
            ],
            ["subject_id", "position"],
            [_reference("subject_id", "subjects")],
        ),
    }


# --- rows -------------------------------------------------------------------------------------

Row = dict[str, Any]
"""One table row: column name -> a JSON value (str, int, float, bool or None)."""


def _span(span: Span) -> Row:
    return {"line": span.line, "start": span.start, "end": span.end}


def _tasks(plan: Plan) -> Iterator[tuple[Section, Task]]:
    for section in plan.sections:
        for task in section.tasks:
            yield section, task


Subject = Task | Measure | Point | Paragraph
"""A node that can carry a responsibility, deadlines and targets."""


def _prose(parent_id: str, paragraphs: Sequence[Paragraph]) -> Iterator[tuple[str, Subject]]:
    for paragraph in paragraphs:
        yield parent_id, paragraph


def _subjects(plan: Plan) -> Iterator[tuple[str, Subject]]:
    """(parent id, node) of every node that can carry a responsibility, in document order:
    each task, its paragraphs, then each measure with its paragraphs and points. Section
    paragraphs are included (a paragraph may carry an assignment wherever it stands)."""
    for section in plan.sections:
        yield from _prose(section.id, section.paragraphs)
        for task in section.tasks:
            yield section.id, task
            yield from _prose(task.id, task.paragraphs)
            for measure in task.measures:
                yield task.id, measure
                yield from _prose(measure.id, measure.paragraphs)
                for point in measure.points:
                    yield measure.id, point
                    yield from _prose(point.id, point.paragraphs)


def _standing_id(index: int) -> str:
    return f"standing_{index}"


def _assignments(plan: Plan) -> Iterator[Assignment]:
    """Every assignment of the plan: of its subjects, then its standing ones."""
    for _, subject in _subjects(plan):
        if subject.responsibility is not None:
            yield from subject.responsibility.assignments
    for resp in plan.standing:
        yield from resp.assignments


def _responsibility_rows(subject_id: str, resp: Responsibility | None) -> Iterator[Row]:
    if resp is None:
        return
    for assignment in resp.assignments:
        yield {
            "subject_id": subject_id,
            "position": assignment.position,
            "agency": assignment.agency,
            "agency_id": assignment.agency_id,
            "role": assignment.role,
            "open_ended": resp.open_ended,
            **_span(resp.span),
        }


def _deadline_rows(subject_id: str, deadlines: Sequence[Deadline]) -> Iterator[Row]:
    for position, deadline in enumerate(deadlines):
        yield {
            "subject_id": subject_id,
            "position": position,
            "expression": deadline.expression,
            "date": deadline.date.isoformat(),
            "precision": deadline.precision,
            "recurrence": deadline.recurrence,
            **_span(deadline.span),
        }


def _target_rows(subject_id: str, targets: Sequence[Target]) -> Iterator[Row]:
    for position, target in enumerate(targets):
        values = target.model_dump(mode="json")  # Decimal -> int or float, as in plan.json
        yield {
            "subject_id": subject_id,
            "position": position,
            "text": target.text,
            "quantity": target.quantity,
            "value": values["value"],
            "unit": target.unit,
            "unit_text": target.unit_text,
            "comparator": target.comparator,
            "baseline": values["baseline"],
            **_span(target.span),
        }


def _cited_agency_ids(plan: Plan, registry: Registry) -> list[str]:
    """Every agency id the plan cites, and its issuer's."""
    wanted = [a.agency_id for a in _assignments(plan) if a.agency_id is not None]
    issuer = registry.lookup(plan.issuer) if plan.issuer else None
    if issuer is not None:
        wanted.append(issuer.id)
    return wanted


def agency_rows(ids: Iterable[str], registry: Registry) -> list[Row]:
    """Rows of the agencies table: the agencies `ids` name, with the parents and successors
    they name in turn (so foreign keys resolve), sorted by id."""
    wanted = list(ids)
    found: dict[str, Agency] = {}
    while wanted:
        agency_id = wanted.pop()
        if agency_id in found:
            continue
        agency = registry.get(agency_id)
        if agency is None:
            raise ExportError(f"agency id {agency_id!r} is not in the registry")
        found[agency_id] = agency
        wanted.extend(i for i in (agency.parent_id, agency.successor_id) if i is not None)
    return [
        {
            "id": a.id,
            "name_zh": a.name_zh,
            "full_name_zh": a.full_name_zh,
            "name_en": a.name_en,
            "abbreviation_en": a.abbreviation_en,
            "kind": a.kind,
            "category": a.category,
            "parent_id": a.parent_id,
            "established": a.established,
            "dissolved": a.dissolved,
            "successor_id": a.successor_id,
            "wikidata": a.wikidata,
        }
        for a in sorted(found.values(), key=lambda a: a.id)
    ]


def plan_rows(plan: Plan, registry: Registry) -> dict[str, list[Row]]:
    """Table name -> rows, in `TABLES` order: document order, agencies sorted by id."""
    issuer = registry.lookup(plan.issuer) if plan.issuer else None
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    tables["plans"].append(
        {
            "id": plan.id,
            "doc_number": plan.doc_number,
            "title": plan.title,
            "issuer": plan.issuer,
            "issuer_id": issuer.id if issuer else None,
            "issued": plan.issued.isoformat() if plan.issued else None,
            "addressees": plan.addressees,
            "plan_title": plan.plan_title,
        }
    )
    subjects = tables["subjects"]
    subjects.append({"id": plan.id, "kind": "plan"})
    for section in plan.sections:
        subjects.append({"id": section.id, "kind": "section"})
        tables["sections"].append(
            {
                "id": section.id,
                "plan_id": plan.id,
                "number": section.number,
                "label": section.label,
                "title": section.title,
                **_span(section.span),
            }
        )
    number_under: dict[str, int] = {}
    for parent_id, subject in _subjects(plan):
        if isinstance(subject, Task):
            subjects.append({"id": subject.id, "kind": "task"})
            tables["tasks"].append(
                {
                    "id": subject.id,
                    "section_id": parent_id,
                    "number": subject.number,
                    "label": subject.label,
                    "text": subject.text,
                    **_span(subject.span),
                }
            )
        elif isinstance(subject, Measure):
            subjects.append({"id": subject.id, "kind": "measure"})
            tables["measures"].append(
                {
                    "id": subject.id,
                    "task_id": parent_id,
                    "number": subject.number,
                    "numbered": subject.numbered,
                    "label": subject.label,
                    "text": subject.text,
                    **_span(subject.span),
                }
            )
        elif isinstance(subject, Point):
            subjects.append({"id": subject.id, "kind": "point"})
            tables["points"].append(
                {
                    "id": subject.id,
                    "measure_id": parent_id,
                    "number": subject.number,
                    "label": subject.label,
                    "text": subject.text,
                    **_span(subject.span),
                }
            )
        else:
            subjects.append({"id": subject.id, "kind": "paragraph"})
            number = number_under[parent_id] = number_under.get(parent_id, 0) + 1
            tables["paragraphs"].append(
                {
                    "id": subject.id,
                    "parent_id": parent_id,
                    "number": number,
                    "segment": "\n" not in subject.gap,
                    "text": subject.text,
                    **_span(subject.span),
                }
            )
        tables["responsibilities"].extend(_responsibility_rows(subject.id, subject.responsibility))
        tables["deadlines"].extend(_deadline_rows(subject.id, subject.deadlines))
        tables["targets"].extend(_target_rows(subject.id, subject.targets))
    for index, resp in enumerate(plan.standing, 1):
        subjects.append({"id": _standing_id(index), "kind": "standing"})
        tables["responsibilities"].extend(_responsibility_rows(_standing_id(index), resp))
    tables["deadlines"].extend(_deadline_rows(plan.id, plan.deadlines))
    tables["agencies"] = agency_rows(_cited_agency_ids(plan, registry), registry)
    return tables


# --- cells ------------------------------------------------------------------------------------

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


# --- files and descriptor ---------------------------------------------------------------------


def check_plan_id(plan_id: str) -> str:
    """The plan id, checked to be safe as a file name (it comes from the document's content)."""
    if not _PLAN_ID.fullmatch(plan_id) or ".." in plan_id:
        raise ExportError(
            f"plan id {plan_id!r} cannot name a file: it must match {_PLAN_ID.pattern}"
        )
    return plan_id


def source_path(plan: Plan) -> str:
    """Where the package keeps the source text of the plan."""
    return f"source/{check_plan_id(plan.id)}.txt"


def data_files(plan: Plan, registry: Registry, source_text: str) -> dict[str, bytes]:
    """Path -> bytes of every data file of the package: the CSVs, plan.json and the source.

    `source_text` is the decoded text the plan was parsed from; it is stored as UTF-8, so the
    spans (offsets in code points) point into it whatever the encoding of the original file.
    """
    text_path = source_path(plan)  # checks the plan id before anything is made of it
    schemas = table_schemas()
    with cycle_collection_paused():
        rows = plan_rows(plan, registry)
        files = {f"{name}.csv": table_csv(rows[name], schemas[name]) for name in TABLES}
    files[PLAN_JSON] = plan_json_bytes(plan)
    files[text_path] = source_text.encode("utf-8")
    return files


@cache
def _plan_adapter() -> TypeAdapter[Plan]:
    return TypeAdapter(Plan)


def plan_json_bytes(plan: Plan) -> bytes:
    """`plan_to_json(plan)` as UTF-8, written as bytes by pydantic: a plan of 100,000 tasks
    makes some 100 MB of JSON, and the text would be twice or four times that again."""
    return _plan_adapter().dump_json(plan, indent=2) + b"\n"


def _hash(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


_TABLE_TITLES = {  # name -> English title, Chinese title, what one row is
    "plans": ("The plan", "方案", "plan: its doc number, title, issuer and date of issue"),
    "sections": ("Sections", "部分", "section (一、…) grouping key tasks"),
    "tasks": ("Key tasks", "重点任务", "key task （一）…, with its text"),
    "measures": ("Measures", "具体措施", "concrete measure (1．…) under a key task"),
    "points": ("Points", "分项", "numbered point （1）… under a measure"),
    "paragraphs": (
        "Paragraphs",
        "段落",
        (
            "prose paragraph under a section, task, measure or point, or a segment of one (a "
            "sentence group closed by its own responsibility line)"
        ),
    ),
    "subjects": (
        "Subjects",
        "主体节点",
        (
            "node that other rows refer to (the plan, a section, task, measure, point, paragraph "
            "or standing assignment) and its kind: every subject_id and parent_id is one of them"
        ),
    ),
    "agencies": (
        "Agencies",
        "单位",
        (
            "agency the plan cites or is issued by, or that such an agency belongs to or was "
            "succeeded by (from the project's agency registry)"
        ),
    ),
    "responsibilities": (
        "Responsibilities",
        "责任分工",
        (
            "actor cited in a responsibility line: who leads (牵头), is responsible for (负责), "
            "shares (按职责分工负责), guides (指导), takes part in (参与), supports (配合) or acts "
            "jointly on (会同) a task or measure"
        ),
    ),
    "deadlines": (
        "Deadlines",
        "完成时限",
        "time limit stated in the text, resolved to the last day it covers",
    ),
    "targets": ("Targets", "量化目标", "quantified commitment (20个工作日以内, …)"),
}


def _file_resource(path: str, data: bytes, **extra: Any) -> dict[str, Any]:
    """A resource for one file: where, what format, how big, its sha256 (`extra` first)."""
    known = file_format(path)
    resource: dict[str, Any] = {**extra, "path": path}
    resource.update(format=known.format, mediatype=known.mediatype)
    if known.text:
        resource["encoding"] = "utf-8"
    resource.update(bytes=len(data), hash=_hash(data))
    return resource


def package_descriptor(
    plan: Plan,
    files: Mapping[str, bytes],
    *,
    registry: Registry | None = None,
    source: SourceInfo | None = None,
) -> dict[str, Any]:
    """The `datapackage.json` of a plan's files (as `data_files` gives them, plus extra files).

    Every file becomes a resource with its size and sha256: the tables with their Table Schema
    and dialect, then plan.json and the source text, then any other file (the RDF outputs) in
    path order. `source` (default: `SOURCES[plan.id]`) gives the official URL and keywords.
    """
    source = source if source is not None else SOURCES.get(plan.id)
    schemas = table_schemas()
    resources: list[dict[str, Any]] = []
    for name in TABLES:
        path = f"{name}.csv"
        if path not in files:
            raise ExportError(f"the package has no {path}")
        title, title_zh, what = _TABLE_TITLES[name]
        spans = any(field["name"] == "start" for field in schemas[name]["fields"])
        resources.append(
            {
                "name": name,
                "type": "table",
                "title": f"{title} ({title_zh})",
                "description": f"One row per {what}."
                + (" Each row gives its source span (line, start, end)." if spans else ""),
                **_file_resource(path, files[path]),
                "dialect": dict(CSV_DIALECT),
                "schema": schemas[name],
            }
        )
    text_path = source_path(plan)
    resources.append(
        _file_resource(
            PLAN_JSON,
            files[PLAN_JSON],
            name="plan",
            title="The plan as canonical JSON",
            description="The whole parsed plan, nested, with every node's source span "
            "(its JSON Schema: https://w3id.org/fgf-opendata/schemas/plan.schema.json).",
        )
    )
    resources.append(
        _file_resource(
            text_path,
            files[text_path],
            name="source",
            title="Source text (原文)",
            description="The text the data was parsed from, in UTF-8. The line, start and end "
            "columns of the tables point into it: start and end count code points.",
        )
    )
    known = {f"{name}.csv" for name in TABLES} | {PLAN_JSON, text_path, DESCRIPTOR}
    for path in sorted(set(files) - known):
        kind = file_format(path).kind
        resources.append(
            _file_resource(
                path,
                files[path],
                name=slug(path),
                title=f"{kind}: {path}",
                description=f"{kind} of the plan, generated from the same parse as the tables.",
            )
        )

    plan_name = plan.plan_title or plan.title
    citation = ", ".join(
        part for part in (plan.doc_number, plan.issued and plan.issued.isoformat()) if part
    )
    source_entry: dict[str, Any] = {
        "title": f"{plan.title} ({citation})" if citation else plan.title
    }
    if source is not None:
        source_entry["path"] = source.url
    contributors: list[dict[str, Any]] = [{"title": PUBLISHER, "roles": ["publisher"]}]
    if plan.issuer:
        contributors.append({"title": plan.issuer, "roles": ["author"]})
    return {
        "$schema": PACKAGE_PROFILE,
        "name": check_plan_id(plan.id),
        "id": f"{BASE_IRI}/dataset/{plan.id}",
        "title": f"{plan_name} ({plan.doc_number or plan.id}) — key tasks, measures and "
        "responsibilities",
        "description": _description(plan, registry),
        "version": VERSION,
        "licenses": [dict(LICENSE)],
        "sources": [source_entry],
        "contributors": contributors,
        "keywords": list(keywords(plan.doc_number, source.keywords if source else ())),
        "resources": resources,
    }


_ROLE_VERBS: Mapping[Role, str] = MappingProxyType(
    {
        "lead": "牵头",
        "responsible": "负责",
        "shared": "按职责分工负责",
        "guiding": "指导",
        "participating": "参与",
        "supporting": "配合",
        "joint": "会同",
    }
)
"""Role -> the verb that gives it, for descriptions (rdf.ROLE_LABELS has the same)."""


def _description(plan: Plan, registry: Registry | None) -> str:
    """What the package holds, in Chinese then English, with the licence note."""
    sections = len(plan.sections)
    tasks = sum(len(s.tasks) for s in plan.sections)
    measures = sum(len(t.measures) for _, t in _tasks(plan))
    subjects = [subject for _, subject in _subjects(plan)]
    assignments = sum(1 for _ in _assignments(plan))
    deadlines = len(plan.deadlines) + sum(len(s.deadlines) for s in subjects)
    targets = sum(len(s.targets) for s in subjects)
    cited = {a.role for a in _assignments(plan)}
    roles = [role for role in get_args(Role) if role in cited]
    issued_zh = (
        f"{plan.issued.year}年{plan.issued.month}月{plan.issued.day}日" if plan.issued else ""
    )
    doc_zh = f"{plan.doc_number}，" if plan.doc_number else ""
    issuer = registry.lookup(plan.issuer) if registry is not None and plan.issuer else None
    issuer_en = issuer.name_en if issuer else plan.issuer or "the issuer"
    doc_en = f" ({plan.doc_number})" if plan.doc_number else ""
    issued_en = f" on {plan.issued.isoformat()}" if plan.issued else ""
    zh = (
        f"《{plan.plan_title or plan.title}》（{doc_zh}{plan.issuer or ''}{issued_zh}印发）"
        f"的结构化数据：{sections}个部分、{tasks}项重点任务、{measures}项具体措施，"
        f"{assignments}条责任分工（{'、'.join(_ROLE_VERBS[r] for r in roles) or '无'}），"
        f"{deadlines}个完成时限和{targets}个量化目标。每行数据注明其在原文中的位置（行号和字符偏移）。"
        "原文是国家机关的行政性质文件，依《中华人民共和国著作权法》第五条不适用该法；"
        "本派生数据以CC BY 4.0许可发布。"
    )
    en = (
        f"Structured data from a key-task division plan issued by the {issuer_en}{doc_en}"
        f"{issued_en}: {sections} sections, {tasks} key tasks, {measures} measures, "
        f"{assignments} assignments of agencies ({', '.join(roles) or 'none'}), {deadlines} "
        f"deadlines and {targets} quantified targets. Every row gives its place in the source "
        "text (line and character offsets). The source is a state document of an "
        "administrative nature, which Art. 5 of the Copyright Law of the PRC places outside "
        "copyright; the derived data is published under CC BY 4.0."
    )
    return f"{zh}\n\n{en}"


def descriptor_bytes(descriptor: Mapping[str, Any]) -> bytes:
    """The descriptor in the project's one JSON style (`serialize.dumps`)."""
    return dumps(descriptor).encode("utf-8")
