"""The canonical model of a key-task division plan (重点任务分工方案).

One set of frozen pydantic models is the contract between every stage: the parser produces a
`Plan`, the renderer writes it back to text, and the package and RDF stages publish it. Field
docstrings become descriptions in the generated JSON Schema (`schemas/plan.schema.json`).

Layout is part of the model: every block keeps the whitespace that precedes it (`gap`) and the
plan keeps what follows the last block (`tail`), so `render_plan(parse_plan(text)) == text`.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import sys
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

__all__ = [
    "Agency",
    "AgencyKind",
    "Assignment",
    "Block",
    "BlockKind",
    "Comparator",
    "Deadline",
    "Measure",
    "Paragraph",
    "Plan",
    "Point",
    "Precision",
    "Recurrence",
    "Responsibility",
    "Role",
    "Section",
    "Span",
    "Target",
    "Task",
    "UnitCode",
]

Role = Literal["lead", "responsible", "shared", "guiding", "participating", "supporting", "joint"]
ROLE_VERBS: Mapping[Role, str] = MappingProxyType(
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
"""Role -> the verb that gives it in a responsibility line: its Chinese label wherever a role
is named (descriptions, the RDF code list, the site)."""
Precision = Literal["year", "month", "day"]
Recurrence = Literal["yearly"]
Comparator = Literal["<=", ">=", "="]
UnitCode = Literal["KWT", "DAY", "E49", "P1", "C62", "MON", "ANN", "HUR"]
AgencyKind = Literal["organisation", "collective"]
BlockKind = Literal[
    "title",
    "doc-number",
    "addressees",
    "body",
    "issuer",
    "date",
    "note",
    "plan-title",
    "preamble",
    "closing",
    "measures-heading",
    "annex",
]


def _number(value: Decimal) -> int | float:
    """JSON form of a decimal: an integer when it is whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]
"""A decimal quantity, written to JSON as a plain number."""


class _Frozen(BaseModel):
    # defer_build: the validators and serialisers are built when a model first validates or
    # dumps, not at import (a third of the import; the parser's nodes need neither). The field
    # docstrings become descriptions as use_attribute_docstrings would make them, but read in
    # one pass at the end of the module (`_describe_fields`).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Span(_Frozen):
    """Where a node stands in the source text, in code points of the decoded text."""

    line: int = Field(ge=1)
    """1-based number of the line on which the node starts."""
    start: int = Field(ge=0)
    """Offset of the node's first code point (`text[start:end]` is the node's source)."""
    end: int = Field(ge=0)
    """Offset just past the node's last code point."""

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span ends ({self.end}) before it starts ({self.start})")
        return self


class Block(_Frozen):
    """A verbatim paragraph outside the task tree: header lines, preamble, closing, 具体措施：."""

    kind: BlockKind
    """What the paragraph is (title line, doc number, addressees, closing, ...)."""
    text: str
    """The paragraph exactly as printed, without surrounding whitespace."""
    gap: str = "\n"
    """Whitespace between the previous element and this one in the source."""
    span: Span
    """Where the paragraph stands in the source."""


class Deadline(_Frozen):
    """A time limit stated in the text, resolved to the last day it covers."""

    expression: str
    """The phrase as printed, e.g. "2021年11月底前"."""
    date: dt.date
    """The last day the phrase covers (2021年11月底前 -> 2021-11-30)."""
    precision: Precision
    """The granularity the text states: year, month or day."""
    recurrence: Recurrence | None = None
    """Set when the deadline repeats (每年2月底前 -> yearly); `date` is then its first occurrence."""
    span: Span
    """Where the phrase stands in the source."""


class Target(_Frozen):
    """A quantified commitment, such as 20个工作日以内 or 由45天压减为20天."""

    text: str
    """The phrase as printed."""
    quantity: str | None = None
    """What is measured, when the text names it (e.g. 公示时间)."""
    value: Number
    """The committed figure."""
    unit: UnitCode
    """UN/CEFACT Rec. 20 unit code: KWT kilowatt, DAY day, E49 working day, P1 percent, C62 count."""
    unit_text: str
    """The unit as printed (个工作日, 天, %, 千瓦, 项)."""
    comparator: Comparator
    """How the figure binds: <= for 以内/以下, >= for 以上/至少, = otherwise; all inclusive."""
    baseline: Number | None = None
    """The starting figure when the text states one (45 in 由45天压减为20天)."""
    span: Span
    """Where the phrase stands in the source."""


class Assignment(_Frozen):
    """One actor cited in a responsibility line, with its role."""

    agency: str
    """The actor's name as cited (相关单位及地区 is read as 相关单位 and 相关地区)."""
    agency_id: str | None
    """The registry id the name resolves to; null when the registry does not know the name."""
    role: Role
    """lead (牵头), responsible (负责), shared (按职责分工负责), guiding (指导), participating (参与), supporting (配合), joint (会同)."""
    position: int = Field(ge=0)
    """0-based order of the actor in the line."""
    span: Span
    """Where the name stands in the source, inside its responsibility line: `text[start:end]`
    is the name as printed, or, for a name read from a bare noun after another name
    (相关单位及地区 -> 相关地区), that noun (地区)."""


class Responsibility(_Frozen):
    """The parenthesised line that says who carries out a task or measure."""

    text: str
    """The line as printed, parentheses included."""
    open_ended: bool
    """True when 等 marks the list of named actors as not exhaustive."""
    assignments: tuple[Assignment, ...]
    """The actors in the order they are cited."""
    gap: str = "\n"
    """Whitespace between the task or measure text and this line (empty when inline)."""
    span: Span
    """Where the line stands in the source."""


class Paragraph(_Frozen):
    """Prose under a section, task or measure, and the assignment that closes it, if any.

    Either a paragraph of its own (its `gap` holds the line break), or a sentence group that
    goes on in the same paragraph after an assignment closed the text before it (`gap` empty):
    in …骨干企业。（工业和信息化部指导）以政府为责任主体…（…）, the text from 以政府 to the next
    assignment is such a segment, and that assignment is its `responsibility`.
    """

    id: str
    """Stable id: the owner's id, `__para_` and the ordinal under it (task_5__para_2)."""
    text: str
    """The prose as printed, without the responsibility line that closes it."""
    responsibility: Responsibility | None = None
    """The assignment that closes this text; null for prose that assigns nothing."""
    deadlines: tuple[Deadline, ...] = ()
    """Deadlines stated in the text or its responsibility line."""
    targets: tuple[Target, ...] = ()
    """Quantified commitments stated in the text."""
    gap: str = "\n"
    """Whitespace between the previous element and this text (empty for a segment that goes
    on in the same line)."""
    span: Span
    """Where the text (without its responsibility line) stands in the source."""


class Point(_Frozen):
    """A numbered point （1） under a measure, the lowest level of an official document."""

    id: str
    """Stable id: the measure's id, `__point_` and the number (task_5__meas_2__point_1)."""
    number: int = Field(ge=1)
    """The printed number."""
    label: str
    """The number as printed, with its parentheses ("（1）")."""
    text: str
    """The point's text, without its number."""
    responsibility: Responsibility | None
    """Who carries it out; null when the source gives no responsibility line."""
    deadlines: tuple[Deadline, ...] = ()
    """Deadlines stated in the point's text or responsibility line."""
    targets: tuple[Target, ...] = ()
    """Quantified commitments stated in the point's text."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Prose after the point's text (and responsibility line)."""
    gap: str = "\n"
    """Whitespace between the previous element and this point."""
    span: Span
    """Where the point (number and text) stands in the source."""


class Measure(_Frozen):
    """A concrete measure (具体措施) under a key task."""

    id: str
    """Stable id: the task id, `__meas_` and the ordinal (task_5__meas_2)."""
    number: int = Field(ge=1)
    """Ordinal of the measure within its task (printed number, or position when unnumbered)."""
    numbered: bool
    """False for a measure printed without a number."""
    label: str
    """The number as printed, with its dot ("1．"); empty when unnumbered."""
    text: str
    """The measure's text, without its number."""
    responsibility: Responsibility | None
    """Who carries it out; null when the source gives no responsibility line."""
    deadlines: tuple[Deadline, ...] = ()
    """Deadlines stated in the measure's text or responsibility line."""
    targets: tuple[Target, ...] = ()
    """Quantified commitments stated in the measure's text."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Prose after the measure's text (and responsibility line), in document order."""
    points: tuple[Point, ...] = ()
    """The numbered points （1）, （2）, ... under the measure."""
    gap: str = "\n"
    """Whitespace between the previous element and this measure."""
    span: Span
    """Where the measure (number and text) stands in the source."""


class Task(_Frozen):
    """A key task (重点任务), numbered （一）, （二）, ... or 一、, 二、 in the source."""

    id: str
    """Stable id: `task_` and the number across the plan (task_5)."""
    number: int = Field(ge=1)
    """Number of the task across the whole plan, from 1."""
    label: str
    """The number as printed ("（五）")."""
    text: str
    """The task's text, without its number."""
    responsibility: Responsibility | None
    """Who carries it out; null when the source gives no responsibility line."""
    deadlines: tuple[Deadline, ...] = ()
    """Deadlines stated in the task's text or responsibility line."""
    targets: tuple[Target, ...] = ()
    """Quantified commitments stated in the task's text."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Prose after the task's text (and responsibility line), before its measures."""
    measures_heading: Block | None = None
    """The 具体措施： line that introduces the measures, when printed."""
    measures: tuple[Measure, ...] = ()
    """The concrete measures under this task."""
    gap: str = "\n"
    """Whitespace between the previous element and this task."""
    span: Span
    """Where the task (number and text) stands in the source."""


class Section(_Frozen):
    """A section (一、...) grouping key tasks; implicit when the document has no sections."""

    id: str
    """Stable id: `sec_` and the section number (sec_1)."""
    number: int = Field(ge=1)
    """Number of the section, from 1."""
    label: str
    """The number as printed ("一、"); empty for an implicit section."""
    title: str
    """The heading after the number; empty for an implicit section."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Prose after the heading, before the first task."""
    tasks: tuple[Task, ...]
    """The key tasks of the section."""
    gap: str = "\n"
    """Whitespace between the previous element and this heading."""
    span: Span
    """Where the heading stands in the source (empty for an implicit section)."""


class Plan(_Frozen):
    """A key-task division plan: the notice that issues it and the plan's task tree."""

    id: str
    """Stable ASCII id derived from the doc number (guobanfa-2021-25)."""
    doc_number: str | None
    """The document number as printed (国办发〔2021〕25号)."""
    title: str
    """The document's title, its printed line breaks removed."""
    issuer: str | None
    """The issuing body as printed at the signature (国务院办公厅)."""
    issuer_id: str | None = None
    """The registry id the issuer resolves to (resolved once, when the plan is parsed); null
    when there is no issuer or the registry does not know it."""
    issued: dt.date | None
    """The date of issue from the signature."""
    addressees: str | None
    """The addressees line (主送机关), without its closing colon."""
    plan_title: str | None
    """The title of the transmitted plan, line breaks removed; null when issued directly."""
    preamble: str | None
    """The paragraph(s) between the title and the first section."""
    closing: str | None
    """The paragraph(s) after the last task."""
    deadlines: tuple[Deadline, ...] = ()
    """Plan-level deadlines, stated in the closing paragraph."""
    sections: tuple[Section, ...]
    """The sections, in document order."""
    front: tuple[Block, ...]
    """Every paragraph before the first section, verbatim and classified."""
    back: tuple[Block, ...] = ()
    """Every paragraph after the last task, verbatim and classified."""
    tail: str = ""
    """Whitespace after the last paragraph (usually one line break)."""
    lead_by_position: bool = False
    """True when the document says the first-named agency leads (列第一位者为牵头单位)."""
    standing: tuple[Responsibility, ...] = ()
    """Assignments a responsibility line says hold for every later item too
    (以下均需试点城市政府落实，不再列出): kept once, with the span of the line that states
    them, not copied into the items."""

    def subjects(self) -> Iterator[Task | Measure]:
        """Every task and measure, in document order (each task before its measures)."""
        for section in self.sections:
            for task in section.tasks:
                yield task
                yield from task.measures


class Agency(_Frozen):
    """An actor that responsibility lines cite: a State Council body or a collective."""

    id: str
    """Stable ASCII id (slug), used in IRIs; never changes when the body is renamed."""
    name_zh: str
    """The short name as commonly cited (财政部, 市场监管总局)."""
    full_name_zh: str
    """The full official Chinese name; for collectives, the name itself."""
    name_en: str
    """The official English name, or an English gloss for collectives."""
    abbreviation_en: str | None = None
    """Common English abbreviation (MOF, SAMR)."""
    kind: AgencyKind
    """organisation for a body, collective for an open set of actors (各地区)."""
    category: str
    """Place in the state structure (constituent-department, directly-affiliated, ...)."""
    parent_id: str | None = None
    """The body it is administered by or part of (国家能源局 -> ndrc)."""
    aliases: tuple[str, ...] = ()
    """Other names it is cited by, full names and older short names included."""
    established: int | None = None
    """Year the body was created in its cited form, when known."""
    dissolved: int | None = None
    """Year the body ceased in its cited form (2023 for 银保监会)."""
    successor_id: str | None = None
    """The body that took over its functions, when it was dissolved or merged."""
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")] | None = None
    """Wikidata item (Q-number), when known."""
    source: str | None = None
    """Where the facts were checked."""


def _describe_fields(models: Iterable[type[BaseModel]]) -> None:
    """Give each field of `models` the docstring under it as its description.

    What pydantic's `use_attribute_docstrings` does (a string right after an annotated field,
    cleaned by `inspect.cleandoc`; a description given in `Field` wins), with this module's
    source parsed once: pydantic parses each class's source after it finds the class through
    the call stack, which cost a fifth of the import (17 ms of 88). Runs before any model
    builds its schema (`defer_build`), so the schemas read the descriptions.
    """
    by_name = {model.__name__: model for model in models}
    try:
        source = inspect.getsource(sys.modules[__name__])
    except OSError:  # pragma: no cover - no source shipped; pydantic then finds none either
        return
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef) or node.name not in by_name:
            continue
        fields = by_name[node.name].model_fields
        for field, doc in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                info = fields.get(field.target.id)
                if info is not None and info.description is None:
                    info.description = inspect.cleandoc(doc.value.value)


_describe_fields(
    model
    for model in list(globals().values())
    if isinstance(model, type) and issubclass(model, _Frozen) and model is not _Frozen
)
