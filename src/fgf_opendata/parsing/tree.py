"""Items read from the body -> the model's sections, tasks, measures and paragraphs.

The document's levels map onto the model: with sections 一、 and tasks （一）, 1． items are
measures; a document whose top level is 一、 alone, （一） or 1． has one implicit section whose
tasks are its top items and whose measures are the items under them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..agencies import Registry
from ..model import (
    Deadline,
    Measure,
    Paragraph,
    Point,
    Section,
    Target,
    Task,
)
from .ids import measure_id, paragraph_id, point_id, section_id, task_id
from .nodes import construct_checked, node_spanned
from .numbering import Item, describe
from .phrases import NO_PHRASES, Phrases, deadlines_at, find_deadlines, phrases_of, targets_at
from .source import Source

__all__ = ["Context", "build_sections", "find_deadlines_in"]


@dataclass(frozen=True)
class Context:
    source: Source
    registry: Registry
    issue_year: int | None
    issued: dt.date | None
    lead_by_position: bool


def find_deadlines_in(text: str, offset: int, ctx: Context) -> tuple[Deadline, ...]:
    return find_deadlines(
        text, offset, issue_year=ctx.issue_year, source=ctx.source, issued=ctx.issued
    )


def _phrases(
    found: Phrases, offset: int, time_clauses: tuple[tuple[int, str], ...], ctx: Context
) -> tuple[tuple[Deadline, ...], tuple[Target, ...]]:
    """The deadlines and targets of the phrases `found` in a text at `offset`, and the
    deadlines of the time clauses of its responsibility line.

    Its callers skip it for the commonest text, with no phrase (`NO_PHRASES`) and no clause.
    """
    deadlines: tuple[Deadline, ...] = ()
    if found.deadlines:
        deadlines = deadlines_at(
            found.deadlines,
            offset,
            issue_year=ctx.issue_year,
            source=ctx.source,
            issued=ctx.issued,
        )
    for clause_offset, clause in time_clauses:
        deadlines += find_deadlines_in(clause, clause_offset, ctx)
    return deadlines, targets_at(found.targets, offset, ctx.source) if found.targets else ()


def _paragraphs(item: Item, owner_id: str, ctx: Context) -> tuple[Paragraph, ...]:
    out = []
    line_starts = ctx.source.line_starts
    for number, para in enumerate(item.paragraphs, 1):
        text = para.text
        found = phrases_of(text)
        deadlines: tuple[Deadline, ...] = ()
        targets: tuple[Target, ...] = ()
        if found is not NO_PHRASES or para.time_clauses:
            deadlines, targets = _phrases(found, para.start, para.time_clauses, ctx)
        fields: dict[str, object] = {
            "id": paragraph_id(owner_id, number),
            "text": text,
            "responsibility": para.responsibility,
            "deadlines": deadlines,
            "targets": targets,
            "gap": para.gap,
        }
        out.append(node_spanned(Paragraph, fields, line_starts, para.start, para.end))
    return tuple(out)


def _numbered(fields: dict[str, object], item: Item, node_id: str, ctx: Context) -> None:
    """Add to `fields` (id, number and, for a measure, numbered) what a task, measure and
    point share, from label to paragraphs, in the models' order."""
    text = item.text
    found = phrases_of(text)
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    # Most items hold no phrase and no time clause: no call for them.
    if found is not NO_PHRASES or item.time_clauses:
        deadlines, targets = _phrases(found, item.end - len(text), item.time_clauses, ctx)
    fields["label"] = item.label
    fields["text"] = text
    fields["responsibility"] = item.responsibility
    fields["deadlines"] = deadlines
    fields["targets"] = targets
    fields["paragraphs"] = _paragraphs(item, node_id, ctx) if item.paragraphs else ()


def _measure(item: Item, task: str, ctx: Context) -> Measure:
    node_id = measure_id(task, item.number)
    children = item.children
    points = tuple([_point(child, node_id, ctx) for child in children]) if children else ()
    fields: dict[str, object] = {"id": node_id, "number": item.number, "numbered": item.numbered}
    _numbered(fields, item, node_id, ctx)
    fields["points"] = points
    fields["gap"] = item.gap
    return node_spanned(Measure, fields, ctx.source.line_starts, item.start, item.end)


def _point(item: Item, measure: str, ctx: Context) -> Point:
    node_id = point_id(measure, item.number)
    fields: dict[str, object] = {"id": node_id, "number": item.number}
    _numbered(fields, item, node_id, ctx)
    fields["gap"] = item.gap
    return node_spanned(Point, fields, ctx.source.line_starts, item.start, item.end)


def _task(item: Item, number: int, ctx: Context) -> Task:
    node_id = task_id(number)
    children = item.children
    if children:
        levels = {child.level for child in children}
        if len(levels) > 1:
            # Points （1） right under the task, and measures 1． too: the points belong nowhere.
            stray = next(c for c in children if c.level == max(levels))
            raise ctx.source.error(
                f"{describe(stray)} is not inside a measure: expected a measure between "
                f"{describe(item)} and it, or the task's points numbered one way",
                stray.start,
                "measure-outside-task",
            )
    measures = tuple([_measure(child, node_id, ctx) for child in children]) if children else ()
    fields: dict[str, object] = {"id": node_id, "number": number}
    _numbered(fields, item, node_id, ctx)
    fields["measures_heading"] = item.heading
    fields["measures"] = measures
    fields["gap"] = item.gap
    return node_spanned(Task, fields, ctx.source.line_starts, item.start, item.end)


def build_sections(items: list[Item], ctx: Context, top: int) -> tuple[Section, ...]:
    nested = top == 1 and any(child.level == 2 for item in items for child in item.children)
    if not nested:
        # Items numbered 一、 directly: each is a task, in one implicit section.
        flat = tuple(_task(item, i, ctx) for i, item in enumerate(items, 1))
        first = items[0].start
        return (
            construct_checked(
                Section, id=section_id(1), number=1, label="", title="", paragraphs=(), tasks=flat,
                gap="", span=ctx.source.span(first, first),
            ),
        )  # fmt: skip
    sections: list[Section] = []
    counter = 0
    line_starts = ctx.source.line_starts
    for item in items:
        # read_body refuses a task before the first section, so every item is a section.
        if item.responsibility is not None:
            raise ctx.source.error(
                f"responsibility line under section {item.label}: a section heading carries "
                "none; expected a task （…） before it",
                item.responsibility.span.start,
                "misplaced-responsibility",
            )
        if item.heading is not None:
            raise ctx.source.error(
                f"{item.heading.text} under section {item.label}: measures belong to a task; "
                "expected a task （…） before it",
                item.heading.span.start,
                "misplaced-heading",
            )
        tasks: list[Task] = []
        # A section whose items are numbered 1． (or （1）) rather than （一） holds them as its
        # tasks; one that mixes them with tasks （一） has a measure outside a task.
        by_level = any(child.level == 2 for child in item.children)
        for child in item.children:
            if by_level and child.level != 2:
                raise ctx.source.error(
                    f"{describe(child)} is not inside a task: expected a task （…） between "
                    f"section {item.label} and it",
                    child.start,
                    "measure-outside-task",
                )
            counter += 1
            tasks.append(_task(child, counter, ctx))
        node_id = section_id(item.number)
        fields: dict[str, object] = {
            "id": node_id,
            "number": item.number,
            "label": item.label,
            "title": item.text,
            "paragraphs": _paragraphs(item, node_id, ctx) if item.paragraphs else (),
            "tasks": tuple(tasks),
            "gap": item.gap,
        }
        sections.append(node_spanned(Section, fields, line_starts, item.start, item.end))
    return tuple(sections)
