"""Plan -> rows: one list of rows per table of `columns.TABLES`, in document order.

A plan becomes records (`columns.PlanRecord`, `Node`, `SubjectRecord`, `Item`, an `Agency`),
and each record a row through its table's columns (`columns.COLUMNS`), the same columns that
give the Table Schemas.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..agencies import Registry
from ..errors import ExportError
from ..model import (
    Agency,
    Assignment,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Responsibility,
    Section,
    Target,
    Task,
)
from .columns import COLUMNS, TABLES, Item, Node, PlanRecord, SubjectRecord

__all__ = [
    "Row",
    "Subject",
    "agency_rows",
    "assignments_of",
    "plan_rows",
    "section_tasks",
    "subjects_of",
]

Row = dict[str, Any]
"""One table row: column name -> a JSON value (str, int, float, bool or None)."""


def section_tasks(plan: Plan) -> Iterator[tuple[Section, Task]]:
    for section in plan.sections:
        for task in section.tasks:
            yield section, task


Subject = Task | Measure | Point | Paragraph
"""A node that can carry a responsibility, deadlines and targets."""


def _prose(parent_id: str, paragraphs: Sequence[Paragraph]) -> Iterator[tuple[str, Subject]]:
    for paragraph in paragraphs:
        yield parent_id, paragraph


def subjects_of(plan: Plan) -> Iterator[tuple[str, Subject]]:
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


def assignments_of(plan: Plan) -> Iterator[Assignment]:
    """Every assignment of the plan: of its subjects, then its standing ones."""
    for _, subject in subjects_of(plan):
        if subject.responsibility is not None:
            yield from subject.responsibility.assignments
    for resp in plan.standing:
        yield from resp.assignments


def _responsibility_rows(subject_id: str, resp: Responsibility | None) -> Iterator[Row]:
    if resp is None:
        return
    table = COLUMNS["responsibilities"]
    for assignment in resp.assignments:
        yield table.row(Item(subject_id, assignment.position, assignment, resp.span, resp))


def _deadline_rows(subject_id: str, deadlines: Sequence[Deadline]) -> Iterator[Row]:
    table = COLUMNS["deadlines"]
    for position, deadline in enumerate(deadlines):
        yield table.row(Item(subject_id, position, deadline, deadline.span))


def _target_rows(subject_id: str, targets: Sequence[Target]) -> Iterator[Row]:
    table = COLUMNS["targets"]
    for position, target in enumerate(targets):
        dumped = target.model_dump(mode="json")
        yield table.row(Item(subject_id, position, target, target.span, dumped=dumped))


def _cited_agency_ids(plan: Plan, registry: Registry) -> list[str]:
    """Every agency id the plan cites, and its issuer's."""
    wanted = [a.agency_id for a in assignments_of(plan) if a.agency_id is not None]
    if plan.issuer_id is not None:
        wanted.append(plan.issuer_id)
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
    table = COLUMNS["agencies"]
    return [table.row(agency) for agency in sorted(found.values(), key=lambda a: a.id)]


def plan_rows(plan: Plan, registry: Registry) -> dict[str, list[Row]]:
    """Table name -> rows, in `TABLES` order: document order, agencies sorted by id."""
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    tables["plans"].append(COLUMNS["plans"].row(PlanRecord(plan, plan.issuer_id)))
    subjects = tables["subjects"]
    subject_row = COLUMNS["subjects"].row
    subjects.append(subject_row(SubjectRecord(plan.id, "plan")))
    for section in plan.sections:
        subjects.append(subject_row(SubjectRecord(section.id, "section")))
        tables["sections"].append(COLUMNS["sections"].row(Node(plan.id, section)))
    number_under: dict[str, int] = {}
    for parent_id, subject in subjects_of(plan):
        kind, name = _KINDS[type(subject)]
        subjects.append(subject_row(SubjectRecord(subject.id, kind)))
        number = 0
        if isinstance(subject, Paragraph):
            number = number_under[parent_id] = number_under.get(parent_id, 0) + 1
        tables[name].append(COLUMNS[name].row(Node(parent_id, subject, number)))
        tables["responsibilities"].extend(_responsibility_rows(subject.id, subject.responsibility))
        tables["deadlines"].extend(_deadline_rows(subject.id, subject.deadlines))
        tables["targets"].extend(_target_rows(subject.id, subject.targets))
    for index, resp in enumerate(plan.standing, 1):
        subjects.append(subject_row(SubjectRecord(_standing_id(index), "standing")))
        tables["responsibilities"].extend(_responsibility_rows(_standing_id(index), resp))
    tables["deadlines"].extend(_deadline_rows(plan.id, plan.deadlines))
    tables["agencies"] = agency_rows(_cited_agency_ids(plan, registry), registry)
    return tables


_KINDS: dict[type, tuple[str, str]] = {
    Task: ("task", "tasks"),
    Measure: ("measure", "measures"),
    Point: ("point", "points"),
    Paragraph: ("paragraph", "paragraphs"),
}
"""A subject's model -> its kind in subjects and its table."""
