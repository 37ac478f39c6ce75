"""The tables of the package and their columns: one Table Schema per table.

`TABLES` lists the tabular resources in the order the descriptor gives them; `table_schemas()`
gives each its fields (names, types, descriptions from the model's field docstrings,
constraints), primary key and foreign keys. The schemas do not depend on the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, get_args

from ..agencies import CATEGORIES
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
    Target,
    Task,
    UnitCode,
)
from ..publication import (
    TABLE_SCHEMA_PROFILE,
)

__all__ = ["PLAN_ID", "SUBJECT_KINDS", "TABLES", "table_schemas"]

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

PLAN_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What a plan id must be: it names files and prefixes every id of a corpus."""


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
        pattern=f"({PLAN_ID.pattern}|{_SUBJECT_PATTERN})",
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
    plan_id = PLAN_ID.pattern
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
