"""The tables of the package and their columns: one `Column` per column of every table.

A column says once what it is called, its Table Schema type, its description (the model
field's docstring, where it is a field of the model), its constraints, and how its value is
taken from a record (`Node`, `Item`, …, which `rows` makes from a plan). `table_schemas()`
makes the Table Schemas from the columns, and `rows` makes every row from the same columns, for
a single plan and a corpus alike. `TABLES` lists the tables in the order the descriptor gives
them. The schemas do not depend on the plan.

The module is longer than the house's ~500 lines on purpose: it is one declaration, the
columns of eleven tables with their bilingual labels (`_LABELS`), and the helpers that make a
column (`_column`, `_of`, `_coded`, …) exist only to keep that declaration short. Split by
table, each part would restate the helpers or import them back; split labels from columns,
a column's name and its label (keyed by model field) would live apart, which is what the
column spec was made to end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple, get_args

from ..agencies import AGENCY_ID, CATEGORIES
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


class Label(NamedTuple):
    """What a column is called in English and in Chinese, and an example of its value."""

    en: str
    zh: str
    example: str | None = None
    """A value as the CSV writes it; frictionless checks it against the field's type and
    constraints. Given where the form is not obvious from the type (ids, codes, dates)."""

    def title(self) -> str:
        """The field's `title`: "English (中文)", as the resources' titles are written.

        Table Schema v2 has one `title` string, not one per language; a title that holds
        both shows both in any tool that shows a field's title, with no custom property to
        learn."""
        return f"{self.en} ({self.zh})"


@dataclass(frozen=True)
class Column:
    """One column of a table: its Table Schema field, and how its value is taken from a record."""

    name: str
    type: str
    description: str
    get: Source
    """Where the value is: an attribute path of the record ("node.span.line"), or a function."""
    label: Label
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
            "title": self.label.title(),
            "description": self.description,
        }
        if self.label.example is not None:
            described["example"] = self.label.example
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
    label: Label,
    *,
    required: bool = False,
    unique: bool = False,
    **constraints: Any,
) -> Column:
    return Column(name, type_, description, get, label, required, unique, constraints=constraints)


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
    label = _LABELS[model, name]
    return _column(name, type_, _doc(model, name), getter, label, required=required, **constraints)


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
        _LABELS[model, name],
        required=required,
        categories=True,
        constraints={"enum": list(values)},
    )


def _id(model: type[Any], pattern: str, on: str) -> Column:
    return _of(model, "id", "string", on, required=True, unique=True, pattern=pattern)


def _parent(name: str, description: str, label: Label) -> Column:
    return _column(name, "string", description, "parent_id", label, required=True)


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
            Label("Line", "行号", "19"),
            required=True,
            minimum=1,
        ),
        _column(
            "start",
            "integer",
            f"Offset of the {what}'s first character in the source text, counted in code points "
            "(Unicode characters, not bytes): text[start:end] is the source of the row.",
            f"{span}.start",
            Label("Start offset", "起始位置", "433"),
            required=True,
            minimum=0,
        ),
        _column(
            "end",
            "integer",
            f"Offset just past the {what}'s last character, in code points.",
            f"{span}.end",
            Label("End offset", "结束位置", "491"),
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
        Label("Subject id", "所属节点标识", "task_2__meas_1"),
        required=True,
        pattern=f"({PLAN_ID.pattern}|{_SUBJECT_PATTERN})",
    )


def _position(what: str) -> Column:
    return _column(
        "position",
        "integer",
        f"0-based order of the {what} within its subject.",
        "position",
        Label("Position", "顺序", "0"),
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


# --- labels: what every column is called ------------------------------------------------------

_LABELS: Mapping[tuple[type[Any], str], Label] = MappingProxyType(
    {
        (Plan, "id"): Label("Plan id", "方案标识", "guobanfa-2021-25"),
        (Plan, "doc_number"): Label("Document number", "发文字号", "国办发〔2021〕25号"),
        (Plan, "title"): Label("Title", "标题"),
        (Plan, "issuer"): Label("Issuer", "发文机关", "国务院办公厅"),
        (Plan, "issued"): Label("Date of issue", "成文日期", "2021-07-11"),
        (Plan, "addressees"): Label("Addressees", "主送机关"),
        (Plan, "plan_title"): Label("Plan title", "方案标题"),
        (Section, "id"): Label("Section id", "部分标识", "sec_1"),
        (Section, "number"): Label("Section number", "部分序号", "1"),
        (Section, "label"): Label("Section label", "部分序号标记", "一、"),
        (Section, "title"): Label("Section title", "部分标题"),
        (Task, "id"): Label("Task id", "任务标识", "task_1"),
        (Task, "number"): Label("Task number", "任务序号", "1"),
        (Task, "label"): Label("Task label", "任务序号标记", "（一）"),
        (Task, "text"): Label("Task text", "任务内容"),
        (Measure, "id"): Label("Measure id", "措施标识", "task_1__meas_2"),
        (Measure, "number"): Label("Measure number", "措施序号", "2"),
        (Measure, "numbered"): Label("Numbered", "是否编号", "true"),
        (Measure, "label"): Label("Measure label", "措施序号标记", "2．"),
        (Measure, "text"): Label("Measure text", "措施内容"),
        (Point, "id"): Label("Point id", "分项标识", "task_1__meas_2__point_1"),
        (Point, "number"): Label("Point number", "分项序号", "1"),
        (Point, "label"): Label("Point label", "分项序号标记", "（1）"),
        (Point, "text"): Label("Point text", "分项内容"),
        (Paragraph, "id"): Label("Paragraph id", "段落标识", "task_1__para_1"),
        (Paragraph, "text"): Label("Paragraph text", "段落内容"),
        (Agency, "id"): Label("Agency id", "单位标识", "pboc"),
        (Agency, "name_zh"): Label("Short name (Chinese)", "简称", "人民银行"),
        (Agency, "full_name_zh"): Label("Full name (Chinese)", "全称", "中国人民银行"),
        (Agency, "name_en"): Label("Name (English)", "英文名称", "People's Bank of China"),
        (Agency, "abbreviation_en"): Label("Abbreviation (English)", "英文缩写", "PBC"),
        (Agency, "kind"): Label("Kind", "单位类型", "organisation"),
        (Agency, "category"): Label("Category", "机构类别", "constituent-department"),
        (Agency, "parent_id"): Label("Parent agency id", "上级单位标识", "state-council"),
        (Agency, "established"): Label("Year established", "成立年份", "1948"),
        (Agency, "dissolved"): Label("Year dissolved", "撤销年份"),
        (Agency, "successor_id"): Label("Successor agency id", "承继单位标识"),
        (Agency, "wikidata"): Label("Wikidata item", "维基数据条目", "Q249203"),
        (Assignment, "agency"): Label("Agency as cited", "原文单位名称", "人民银行"),
        (Assignment, "role"): Label("Role", "分工角色", "lead"),
        (Responsibility, "open_ended"): Label("Open-ended list", "列举未尽（含“等”）", "false"),
        (Deadline, "expression"): Label("Deadline as written", "时限原文", "2021年11月底前"),
        (Deadline, "date"): Label("Deadline date", "截止日期", "2021-11-30"),
        (Deadline, "precision"): Label("Precision", "时限精度", "month"),
        (Deadline, "recurrence"): Label("Recurrence", "重复周期"),
        (Target, "text"): Label("Target as written", "目标原文", "160千瓦及以下"),
        (Target, "quantity"): Label("Quantity", "指标", "城市地区用电报装容量"),
        (Target, "value"): Label("Value", "数值", "160"),
        (Target, "unit"): Label("Unit code", "单位代码", "KWT"),
        (Target, "unit_text"): Label("Unit as written", "单位原文", "千瓦"),
        (Target, "comparator"): Label("Comparator", "比较关系", "<="),
        (Target, "baseline"): Label("Baseline", "基数"),
    }
)
"""(model, field) -> the label of the column that holds the field: one entry per model field
that is a column (a test keeps the two in step); other columns give theirs where declared."""


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
                    Label("Issuer agency id", "发文机关单位标识", "gosc"),
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
                _parent(
                    "plan_id",
                    "The plan the section belongs to.",
                    Label("Plan id", "所属方案标识", "guobanfa-2021-25"),
                ),
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
                _parent(
                    "section_id",
                    "The section the task belongs to.",
                    Label("Section id", "所属部分标识", "sec_1"),
                ),
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
                _parent(
                    "task_id",
                    "The key task the measure belongs to.",
                    Label("Task id", "所属任务标识", "task_1"),
                ),
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
                _parent(
                    "measure_id",
                    "The measure the point belongs to.",
                    Label("Measure id", "所属措施标识", "task_1__meas_2"),
                ),
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
                    Label("Parent id", "所属节点标识", "task_1"),
                ),
                _column(
                    "number",
                    "integer",
                    "Ordinal of the paragraph under its parent, from 1.",
                    "number",
                    Label("Paragraph number", "段落序号", "1"),
                    required=True,
                    minimum=1,
                ),
                _column(
                    "segment",
                    "boolean",
                    "True for a sentence group that goes on in the same printed paragraph after "
                    "an assignment closed the text before it; false for a paragraph of its own.",
                    lambda r: "\n" not in r.node.gap,
                    Label("Segment", "是否为段中句群", "false"),
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
                    Label("Subject id", "节点标识", "task_1__meas_2"),
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
                    Label("Kind", "节点类型", "measure"),
                    required=True,
                    categories=True,
                    constraints={"enum": list(SUBJECT_KINDS)},
                ),
            ),
        ),
        "agencies": Table(
            (
                _id(Agency, AGENCY_ID.pattern, ""),
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
                    Label("Agency id", "单位标识", "pboc"),
                ),
                _coded(Assignment, "role", get_args(Role), "item", required=True),
                _of(Responsibility, "open_ended", "boolean", "owner", required=True),
                *_span_columns("responsibility line", "span"),
                _column(
                    "agency_start",
                    "integer",
                    "Offset of the agency's name in the source text, inside the responsibility "
                    "line, in code points: text[agency_start:agency_end] is the name as printed, "
                    "or the bare noun it is read from (地区 in 相关单位及地区, cited as 相关地区).",
                    "item.span.start",
                    Label("Agency start offset", "单位名称起始位置", "437"),
                    required=True,
                    minimum=0,
                ),
                _column(
                    "agency_end",
                    "integer",
                    "Offset just past the agency's name in the source text, in code points.",
                    "item.span.end",
                    Label("Agency end offset", "单位名称结束位置", "440"),
                    required=True,
                    minimum=0,
                ),
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
