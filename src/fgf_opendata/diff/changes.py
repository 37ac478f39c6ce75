"""The change model of a diff: where a node stands, the facts compared, each change and the
whole `PlanDiff`, with their JSON form (`to_dict`).

`PlanDiff.to_dict()` is `{"old", "new", "same", "summary", "changes"}`: `old` and `new`
describe the two plans, `summary` counts changes by kind, and each change has the same keys:
`kind`, `old` and `new` (where the node stands in each plan, null when absent), `field` (for
`plan-changed`), `before` and `after` (texts, or deadline and target facts), `similarity` (for
rewordings and moves) and `agencies` (for `responsibility-changed`: one row per agency whose
role changed, with `old_role` and `new_role`, null when the agency is absent).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..model import Deadline, Plan, Role, Target

__all__ = [
    "AgencyChange",
    "Change",
    "ChangeKind",
    "DeadlineFacts",
    "Level",
    "PlanDiff",
    "PlanSummary",
    "TargetFacts",
    "Value",
    "Where",
    "change_kind",
]

Level = Literal["plan", "section", "task", "measure"]
ChangeKind = Literal[
    "plan-changed",
    "section-added",
    "section-removed",
    "section-reworded",
    "section-moved",
    "task-added",
    "task-removed",
    "task-reworded",
    "task-moved",
    "measure-added",
    "measure-removed",
    "measure-reworded",
    "measure-moved",
    "responsibility-changed",
    "deadline-added",
    "deadline-removed",
    "deadline-changed",
    "target-added",
    "target-removed",
    "target-changed",
]


@dataclass(frozen=True)
class Where:
    """Where a node stands in one of the two plans."""

    level: Level
    id: str
    label: str
    number: int | None
    parent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "id": self.id,
            "label": self.label,
            "number": self.number,
            "parent": self.parent,
        }


@dataclass(frozen=True)
class DeadlineFacts:
    """A deadline as compared: the phrase and what it resolves to."""

    expression: str
    date: dt.date
    precision: str
    recurrence: str | None

    @classmethod
    def of(cls, deadline: Deadline) -> DeadlineFacts:
        return cls(deadline.expression, deadline.date, deadline.precision, deadline.recurrence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expression": self.expression,
            "date": self.date.isoformat(),
            "precision": self.precision,
            "recurrence": self.recurrence,
        }

    def describe(self) -> str:
        every = ", yearly" if self.recurrence else ""
        return f"{self.expression} ({self.date.isoformat()}{every})"


@dataclass(frozen=True)
class TargetFacts:
    """A target as compared: the phrase and the commitment it states."""

    text: str
    quantity: str | None
    value: int | float
    unit: str
    comparator: str
    baseline: int | float | None

    @classmethod
    def of(cls, target: Target) -> TargetFacts:
        data = target.model_dump(mode="json")  # Decimal -> int or float, as in plan.json
        return cls(
            target.text,
            target.quantity,
            data["value"],
            target.unit,
            target.comparator,
            data["baseline"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "quantity": self.quantity,
            "value": self.value,
            "unit": self.unit,
            "comparator": self.comparator,
            "baseline": self.baseline,
        }

    def describe(self) -> str:
        return f"{self.text} ({self.comparator} {self.value} {self.unit})"


Value = str | DeadlineFacts | TargetFacts | None


@dataclass(frozen=True)
class AgencyChange:
    """An agency whose role in a responsibility line changed; None means it is not cited."""

    agency: str
    agency_id: str | None
    old_role: Role | None
    new_role: Role | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "agency_id": self.agency_id,
            "old_role": self.old_role,
            "new_role": self.new_role,
        }


@dataclass(frozen=True)
class Change:
    """One difference between the plans, located in both (None where the node is absent)."""

    kind: ChangeKind
    old: Where | None
    new: Where | None
    before: Value = None
    after: Value = None
    field: str | None = None
    similarity: float | None = None
    agencies: tuple[AgencyChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
            "field": self.field,
            "before": _value(self.before),
            "after": _value(self.after),
            "similarity": self.similarity,
            "agencies": [row.to_dict() for row in self.agencies],
        }


def _value(value: Value) -> Any:
    return value if value is None or isinstance(value, str) else value.to_dict()


@dataclass(frozen=True)
class PlanSummary:
    """Which plan one side of the comparison is."""

    id: str
    doc_number: str | None
    title: str
    sections: int
    tasks: int
    measures: int

    @classmethod
    def of(cls, plan: Plan) -> PlanSummary:
        tasks = [task for section in plan.sections for task in section.tasks]
        return cls(
            plan.id,
            plan.doc_number,
            plan.title,
            len(plan.sections),
            len(tasks),
            sum(len(task.measures) for task in tasks),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_number": self.doc_number,
            "title": self.title,
            "sections": self.sections,
            "tasks": self.tasks,
            "measures": self.measures,
        }


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans, in the order of the new plan."""

    old: PlanSummary
    new: PlanSummary
    changes: tuple[Change, ...]

    @property
    def same(self) -> bool:
        """True when nothing the comparison looks at differs."""
        return not self.changes

    def summary(self) -> dict[str, int]:
        """Number of changes of each kind, sorted by kind."""
        return dict(sorted(Counter(change.kind for change in self.changes).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "same": self.same,
            "summary": self.summary(),
            "changes": [change.to_dict() for change in self.changes],
        }


def change_kind(noun: str, what: str) -> ChangeKind:
    """The kind `{noun}-{what}` ("task", "moved" -> "task-moved"), which must be one of
    `ChangeKind`."""
    kind = f"{noun}-{what}"
    assert kind in get_args(ChangeKind)
    return kind  # type: ignore[return-value]
