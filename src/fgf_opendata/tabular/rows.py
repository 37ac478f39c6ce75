"""Plan -> rows: one list of rows per table of `columns.TABLES`, in document order."""

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
    Span,
    Target,
    Task,
)
from .columns import TABLES

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


def _span(span: Span) -> Row:
    return {"line": span.line, "start": span.start, "end": span.end}


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
    wanted = [a.agency_id for a in assignments_of(plan) if a.agency_id is not None]
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
    for parent_id, subject in subjects_of(plan):
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
