"""The tables of the package and their columns: one `Column` per column of every table.

A column says once what it is called, its Table Schema type, its description (the model
field's docstring, where it is a field of the model), its constraints, and how its value is
taken from a record (`Node`, `Item`, …, which `rows` makes from a plan). `table_schemas()`
makes the Table Schemas from the columns, and `rows` makes every row from the same columns, for
a single plan and a corpus alike. `TABLES` lists the tables in the order the descriptor gives
them. The schemas do not depend on the plan. The module is one declaration, the columns of
eleven tables, and so longer than most.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple, get_args

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
    Span,
    Target,
    Task,
    UnitCode,
)
from ..publication import (
    TABLE_SCHEMA_PROFILE,
)

__all__ = [
    "COLUMNS",
    "PLAN_ID",
    "SUBJECT_KINDS",
    "TABLES",
    "Column",
    "Item",
    "Node",
    "PlanRecord",
    "SubjectRecord",
    "Table",
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

PLAN_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What a plan id must be: it names files and prefixes every id of a corpus."""


def _doc(model: type[Any], name: str) -> str:
    """A model field's docstring: the model is where a column's meaning is written down once."""
    description = model.model_fields[name].description
    assert description, f"{model.__name__}.{name} has no docstring"
    return str(description)


# --- records: what one row is made from ------------------------------------------------------


class PlanRecord(NamedTuple):
    """The row of `plans`: the plan, and its issuer's agency id (the registry's, or None)."""

    plan: Plan
    issuer_id: str | None


class Node(NamedTuple):
    """A row of a node's table: the node, the id of its parent, its ordinal under the parent
    (for paragraphs, which number from 1 under each parent)."""

    parent_id: str
    node: Any
    number: int = 0


class SubjectRecord(NamedTuple):
    """A row of `subjects`: a node's id and the kind of node it is."""

    id: str
    kind: str


class Item(NamedTuple):
    """A row of a subject's list (an assignment, a deadline, a target), with the span it was
    read from; `owner` is the responsibility an assignment belongs to."""

    subject_id: str
    position: int
    item: Any
    span: Span
    owner: Responsibility | None = None
    dumped: Mapping[str, Any] | None = None
    """The item as plan.json writes it, for the numbers (a Decimal as an int or a float)."""


# --- columns ---------------------------------------------------------------------------------


Source = str | Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """One column of a table: its Table Schema field, and how its value is taken from a record."""

    name: str
    type: str
    description: str
    get: Source
    """Where the value is: an attribute path of the record ("node.span.line"), or a function."""
    required: bool = False
    unique: bool = False
    categories: bool = False
    """A closed set of values: `enum` enforces it, `categories` says so."""
    constraints: Mapping[str, Any] = field(default_factory=dict)

    def schema_field(self) -> dict[str, Any]:
        """The Table Schema field of the column."""
        constraints: dict[str, Any] = {"required": True} if self.required else {}
        constraints.update(self.constraints)
        if self.unique:
            constraints["unique"] = True
        described: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if constraints:
            described["constraints"] = constraints
        if self.categories:
            described["categories"] = list(self.constraints["enum"])
        return described


def _column(
    name: str,
    type_: str,
    description: str,
    get: Source,
    *,
    required: bool = False,
    unique: bool = False,
    **constraints: Any,
) -> Column:
    return Column(name, type_, description, get, required, unique, constraints=constraints)


def _of(
    model: type[Any],
    name: str,
    type_: str,
    on: str,
    *,
    required: bool = False,
    get: Source | None = None,
    **constraints: Any,
) -> Column:
    """The column of the model field `name` of the record's `on`, described by its docstring."""
    getter = get if get is not None else f"{on}.{name}" if on else name
    return _column(name, type_, _doc(model, name), getter, required=required, **constraints)


def _coded(
    model: type[Any], name: str, values: Iterable[str], on: str, *, required: bool
) -> Column:
    """A string column of the model field `name` with a closed set of values."""
    getter = f"{on}.{name}" if on else name
    return Column(
        name,
        "string",
        _doc(model, name),
        getter,
        required=required,
        categories=True,
        constraints={"enum": list(values)},
    )


def _id(model: type[Any], pattern: str, on: str) -> Column:
    return _of(model, "id", "string", on, required=True, unique=True, pattern=pattern)


def _parent(name: str, description: str) -> Column:
    return _column(name, "string", description, "parent_id", required=True)


def _number(model: type[Any]) -> Column:
    return _of(model, "number", "integer", "node", required=True, minimum=1)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _span_columns(what: str, span: str) -> tuple[Column, ...]:
    """line, start and end of the record's `span` (an attribute path to a `Span`)."""
    return (
        _column(
            "line",
            "integer",
            f"1-based line of the source text (the `source` resource) on which the {what} starts.",
            f"{span}.line",
            required=True,
            minimum=1,
        ),
        _column(
            "start",
            "integer",
            f"Offset of the {what}'s first character in the source text, counted in code points "
            "(Unicode characters, not bytes): text[start:end] is the source of the row.",
            f"{span}.start",
            required=True,
            minimum=0,
        ),
        _column(
            "end",
            "integer",
            f"Offset just past the {what}'s last character, in code points.",
            f"{span}.end",
            required=True,
            minimum=0,
        ),
    )


def _subject_id() -> Column:
    return _column(
        "subject_id",
        "string",
        "The node the row belongs to (subjects.id): the plan, a task, a measure, a point, a "
        "paragraph (or segment) or a standing assignment.",
        "subject_id",
        required=True,
        pattern=f"({PLAN_ID.pattern}|{_SUBJECT_PATTERN})",
    )


def _position(what: str) -> Column:
    return _column(
        "position",
        "integer",
        f"0-based order of the {what} within its subject.",
        "position",
        required=True,
        minimum=0,
    )


def _json(name: str) -> Callable[[Item], Any]:
    """A number of the item as plan.json writes it (a Decimal as an int or a float)."""
    return lambda record: record.dumped[name] if record.dumped is not None else None


def _reference(fields: str, resource: str | None, target: str = "id") -> dict[str, Any]:
    reference: dict[str, Any] = {"fields": [target]}
    if resource is not None:  # Table Schema v2: no `resource` means the same table
        reference = {"resource": resource, **reference}
    return {"fields": [fields], "reference": reference}


@dataclass(frozen=True)
class Table:
    """A table: its columns, primary key and foreign keys."""

    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ("id",)
    foreign_keys: tuple[tuple[str, str | None], ...] = ()
    """(column, the table it refers to by id; None for the same table)."""

    def schema(self) -> dict[str, Any]:
        """The Table Schema (v2) of the table (a new dict each time: a corpus edits its copy)."""
        schema: dict[str, Any] = {
            "$schema": TABLE_SCHEMA_PROFILE,
            "fields": [column.schema_field() for column in self.columns],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [_reference(name, to) for name, to in self.foreign_keys]
        return schema

    @cached_property
    def _reader(self) -> tuple[tuple[str, ...], Callable[[Any], Any], tuple[Any, ...]]:
        """The columns read by attribute path, all in one `attrgetter`, and the computed ones."""
        paths = [(c.name, c.get) for c in self.columns if isinstance(c.get, str)]
        computed = tuple((c.name, c.get) for c in self.columns if not isinstance(c.get, str))
        one = attrgetter(*(path for _, path in paths))
        fetch = one if len(paths) > 1 else lambda record: (one(record),)  # always a tuple
        return tuple(name for name, _ in paths), fetch, computed

    def row(self, record: Any) -> dict[str, Any]:
        """The row of a record: column name -> its value."""
        names, fetch, computed = self._reader
        row = dict(zip(names, fetch(record), strict=True))
        for name, get in computed:
            row[name] = get(record)
        return row


_ASSIGNED = ("subject_id", "position")

COLUMNS: Mapping[str, Table] = MappingProxyType(
    {
        "plans": Table(
            (
                _id(Plan, PLAN_ID.pattern, "plan"),
                _of(Plan, "doc_number", "string", "plan"),
                _of(Plan, "title", "string", "plan", required=True),
                _of(Plan, "issuer", "string", "plan"),
                _column(
                    "issuer_id",
                    "string",
                    "The issuing body's agencies.id; empty when the registry does not know it.",
                    "issuer_id",
                ),
                _of(Plan, "issued", "date", "plan", get=lambda r: _iso(r.plan.issued)),
                _of(Plan, "addressees", "string", "plan"),
                _of(Plan, "plan_title", "string", "plan"),
            ),
            foreign_keys=(("issuer_id", "agencies"),),
        ),
        "sections": Table(
            (
                _id(Section, "sec_[0-9]+", "node"),
                _parent("plan_id", "The plan the section belongs to."),
                _number(Section),
                _of(Section, "label", "string", "node"),
                _of(Section, "title", "string", "node"),
                *_span_columns("section heading", "node.span"),
            ),
            foreign_keys=(("plan_id", "plans"),),
        ),
        "tasks": Table(
            (
                _id(Task, "task_[0-9]+", "node"),
                _parent("section_id", "The section the task belongs to."),
                _number(Task),
                _of(Task, "label", "string", "node", required=True),
                _of(Task, "text", "string", "node", required=True),
                *_span_columns("task", "node.span"),
            ),
            foreign_keys=(("section_id", "sections"),),
        ),
        "measures": Table(
            (
                _id(Measure, "task_[0-9]+__meas_[0-9]+", "node"),
                _parent("task_id", "The key task the measure belongs to."),
                _number(Measure),
                _of(Measure, "numbered", "boolean", "node", required=True),
                _of(Measure, "label", "string", "node"),
                _of(Measure, "text", "string", "node", required=True),
                *_span_columns("measure", "node.span"),
            ),
            foreign_keys=(("task_id", "tasks"),),
        ),
        "points": Table(
            (
                _id(Point, "task_[0-9]+__meas_[0-9]+__point_[0-9]+", "node"),
                _parent("measure_id", "The measure the point belongs to."),
                _number(Point),
                _of(Point, "label", "string", "node", required=True),
                _of(Point, "text", "string", "node", required=True),
                *_span_columns("point", "node.span"),
            ),
            foreign_keys=(("measure_id", "measures"),),
        ),
        "paragraphs": Table(
            (
                _id(
                    Paragraph,
                    "(sec|task)_[0-9]+(__meas_[0-9]+(__point_[0-9]+)?)?__para_[0-9]+",
                    "node",
                ),
                _parent(
                    "parent_id",
                    "The section, task, measure or point the paragraph belongs to (subjects.id).",
                ),
                _column(
                    "number",
                    "integer",
                    "Ordinal of the paragraph under its parent, from 1.",
                    "number",
                    required=True,
                    minimum=1,
                ),
                _column(
                    "segment",
                    "boolean",
                    "True for a sentence group that goes on in the same printed paragraph after "
                    "an assignment closed the text before it; false for a paragraph of its own.",
                    lambda r: "\n" not in r.node.gap,
                    required=True,
                ),
                _of(Paragraph, "text", "string", "node", required=True),
                *_span_columns("paragraph (without its responsibility line)", "node.span"),
            ),
            foreign_keys=(("parent_id", "subjects"),),
        ),
        "subjects": Table(
            (
                _column(
                    "id",
                    "string",
                    "The id of the node: plans.id, sections.id, tasks.id, measures.id, points.id, "
                    "paragraphs.id, or standing_N for the N-th standing assignment.",
                    "id",
                    required=True,
                    unique=True,
                    pattern=f"({PLAN_ID.pattern}|{_SUBJECT_PATTERN})",
                ),
                Column(
                    "kind",
                    "string",
                    "The table that holds the node (plan for plans, ...); standing for an "
                    "assignment a responsibility line states for every later item "
                    "(以下均需…落实，不再列出), kept once: its rows in responsibilities give the "
                    "line's span.",
                    "kind",
                    required=True,
                    categories=True,
                    constraints={"enum": list(SUBJECT_KINDS)},
                ),
            ),
        ),
        "agencies": Table(
            (
                _id(Agency, "[a-z0-9-]+", ""),
                _of(Agency, "name_zh", "string", "", required=True),
                _of(Agency, "full_name_zh", "string", "", required=True),
                _of(Agency, "name_en", "string", "", required=True),
                _of(Agency, "abbreviation_en", "string", ""),
                _coded(Agency, "kind", get_args(AgencyKind), "", required=True),
                _coded(Agency, "category", CATEGORIES, "", required=True),
                _of(Agency, "parent_id", "string", ""),
                _of(Agency, "established", "year", ""),
                _of(Agency, "dissolved", "year", ""),
                _of(Agency, "successor_id", "string", ""),
                # No `pattern` (the model checks the form): frictionless maps one to a SQL REGEXP
                # whose function raises on NULL, so `frictionless index` fails on empty cells.
                _of(Agency, "wikidata", "string", ""),
            ),
            foreign_keys=(("parent_id", None), ("successor_id", None)),
        ),
        "responsibilities": Table(
            (
                _subject_id(),
                _position("actor in the responsibility line"),
                _of(Assignment, "agency", "string", "item", required=True),
                _column(
                    "agency_id",
                    "string",
                    "The agencies.id the name resolves to; empty when the registry does not "
                    "know the name.",
                    "item.agency_id",
                ),
                _coded(Assignment, "role", get_args(Role), "item", required=True),
                _of(Responsibility, "open_ended", "boolean", "owner", required=True),
                *_span_columns("responsibility line", "span"),
            ),
            _ASSIGNED,
            (("subject_id", "subjects"), ("agency_id", "agencies")),
        ),
        "deadlines": Table(
            (
                _subject_id(),
                _position("deadline"),
                _of(Deadline, "expression", "string", "item", required=True),
                _of(
                    Deadline, "date", "date", "item", required=True, get=lambda r: _iso(r.item.date)
                ),
                _coded(Deadline, "precision", get_args(Precision), "item", required=True),
                _coded(Deadline, "recurrence", get_args(Recurrence), "item", required=False),
                *_span_columns("deadline phrase", "span"),
            ),
            _ASSIGNED,
            (("subject_id", "subjects"),),
        ),
        "targets": Table(
            (
                _subject_id(),
                _position("target"),
                _of(Target, "text", "string", "item", required=True),
                _of(Target, "quantity", "string", "item"),
                _of(Target, "value", "number", "item", required=True, get=_json("value")),
                _coded(Target, "unit", get_args(UnitCode), "item", required=True),
                _of(Target, "unit_text", "string", "item", required=True),
                _coded(Target, "comparator", get_args(Comparator), "item", required=True),
                _of(Target, "baseline", "number", "item", get=_json("baseline")),
                *_span_columns("target phrase", "span"),
            ),
            _ASSIGNED,
            (("subject_id", "subjects"),),
        ),
    }
)
"""Table name -> its columns and keys, in `TABLES` order."""


def table_schemas() -> dict[str, dict[str, Any]]:
    """Table name -> its Table Schema (v2), in `TABLES` order; the same for every plan."""
    return {name: COLUMNS[name].schema() for name in TABLES}
