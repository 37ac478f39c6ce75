"""The checks on a parsed plan: content problems that do not stop the work, as findings.

Each finding's code, severity and message come from `findings.CATALOGUE`; `--strict` turns
findings of severity "error" or "warning" into a failed run. The package rules
(`tabular.rules`) give the same codes on a package's rows, from the same catalogue, and the
same rule: `Coverage` says which task or measure needs a responsibility line, from plain
values that a Plan and a package's rows both give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping

from .agencies import Registry
from .findings import CATALOGUE, Finding, SourceLocation
from .model import Measure, Paragraph, Plan, Point, Responsibility, Span, Task

__all__ = ["Coverage", "check_plan", "early_deadline"]


def early_deadline(date: dt.date | None, issued: dt.date | None) -> bool:
    """The rule behind deadline-before-issue-date: the deadline falls before the plan was
    issued (nothing to say when either date is unknown)."""
    return date is not None and issued is not None and date < issued


class Coverage:
    """Which tasks and measures need a responsibility line they lack (the rule behind
    task-without-responsibility and measure-without-responsibility).

    `parent` maps every measure to its task, every point to its measure and every paragraph
    to the node it stands under (a section, task, measure or point); `section_of` maps every
    task to its section; `assigned` holds the ids of the nodes that carry a responsibility
    line; `standing` maps a plan's id prefix ("" in a single plan) to the offset where its
    first standing assignment (以下均需…落实，不再列出) is stated. An item is covered by
    its own line; by lines below it (an item assigned in segments, …。（A指导）…。（B负责）);
    a task by its measures when all of them are; an item after a standing assignment by it.
    Only sections that assign something are held to coverage: real documents leave sections
    of prose unassigned (一、总体要求 of an 意见, or a whole 意见).
    """

    def __init__(
        self,
        parent: Mapping[str, str],
        section_of: Mapping[str, str | None],
        assigned: Collection[str],
        standing: Mapping[str, int],
    ) -> None:
        self.parent = parent
        self.section_of = section_of
        self.assigned = assigned
        self.standing = standing
        below: set[str] = set()
        for subject in assigned:
            node = parent.get(subject)
            while node is not None and node not in below:
                below.add(node)
                node = parent.get(node)
        self.assigned_below = below
        self.assigning = {self.section(subject) for subject in assigned}

    def section(self, node: str) -> str | None:
        """The section a node stands in (a section's own id for a section paragraph)."""
        while node not in self.section_of and node in self.parent:
            node = self.parent[node]
        return self.section_of.get(node, node)

    def covered(self, node: str) -> bool:
        return node in self.assigned or node in self.assigned_below

    def needs_line(self, subject: str, start: int, measures: Collection[str] = ()) -> bool:
        """Whether the task or measure `subject`, starting at offset `start`, with `measures`
        under it (none for a measure), lacks the responsibility line it needs."""
        if self.covered(subject):
            return False
        if measures and all(self.covered(m) for m in measures):
            return False
        if self.section(subject) not in self.assigning:
            return False
        since = self.standing.get(subject.rpartition("/")[0])
        return since is None or start <= since


def _coverage(plan: Plan) -> Coverage:
    """The coverage rule's values, read from a plan."""
    parent: dict[str, str] = {}
    section_of: dict[str, str | None] = {}
    assigned: set[str] = set()

    def node(owner: str, node: Task | Measure | Point | Paragraph) -> None:
        parent[node.id] = owner
        if node.responsibility is not None:
            assigned.add(node.id)

    def prose(owner: str, paragraphs: tuple[Paragraph, ...]) -> None:
        for paragraph in paragraphs:
            node(owner, paragraph)

    for section in plan.sections:
        prose(section.id, section.paragraphs)
        for task in section.tasks:
            section_of[task.id] = section.id
            if task.responsibility is not None:
                assigned.add(task.id)
            prose(task.id, task.paragraphs)
            for measure in task.measures:
                node(task.id, measure)
                prose(measure.id, measure.paragraphs)
                for point in measure.points:
                    node(measure.id, point)
                    prose(point.id, point.paragraphs)
    starts = [resp.span.start for resp in plan.standing]
    return Coverage(parent, section_of, assigned, {"": min(starts)} if starts else {})


def _at(node: str, span: Span, plan_text: str | None) -> SourceLocation:
    """Where `span` starts: its line, and its column when the source text is at hand."""
    column = None if plan_text is None else span.start - plan_text.rfind("\n", 0, span.start)
    return SourceLocation(node, span.line, column)


def _unknown_agencies(
    subject_id: str, resp: Responsibility, registry: Registry, text: str | None
) -> Iterator[Finding]:
    for assignment in resp.assignments:
        if assignment.agency_id is None:
            close = registry.close_matches(assignment.agency)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            yield CATALOGUE["unknown-agency"](
                _at(subject_id, resp.span, text),
                agency=repr(assignment.agency),
                hint=hint,
            )


def check_plan(plan: Plan, registry: Registry, text: str | None = None) -> tuple[Finding, ...]:
    """Content findings for a parsed plan; `text` (the source) adds columns to locations."""
    findings: list[Finding] = []
    coverage = _coverage(plan)
    for subject in plan.subjects():
        resp: Responsibility | None = subject.responsibility
        kind = "task" if isinstance(subject, Task) else "measure"
        measures = [m.id for m in subject.measures] if isinstance(subject, Task) else []
        if coverage.needs_line(subject.id, subject.span.start, measures):
            findings.append(
                CATALOGUE[f"{kind}-without-responsibility"](
                    _at(subject.id, subject.span, text),
                    label=subject.label or subject.id,
                )
            )
        if resp is not None:
            findings.extend(_unknown_agencies(subject.id, resp, registry, text))
        for deadline in subject.deadlines:
            if early_deadline(deadline.date, plan.issued):
                findings.append(
                    CATALOGUE["deadline-before-issue-date"](
                        _at(subject.id, deadline.span, text),
                        expression=deadline.expression,
                        date=deadline.date,
                        issued=plan.issued,
                    )
                )
    return tuple(findings)
