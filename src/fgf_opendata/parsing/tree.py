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
from .nodes import construct_checked, node_checked
from .numbering import Item, describe
from .phrases import DEADLINE_CUE, FIGURE, find_deadlines, find_targets
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


# Most texts hold no deadline cue and no figure: tested here, they cost no call to a finder.
_has_cue = DEADLINE_CUE.search
_has_figure = FIGURE.search


def _subject_phrases(item: Item, ctx: Context) -> tuple[tuple[Deadline, ...], tuple[Target, ...]]:
    text = item.text
    content = item.end - len(text)
    source = ctx.source
    deadlines: tuple[Deadline, ...] = ()
    if _has_cue(text) is not None:
        deadlines = find_deadlines(
            text, content, issue_year=ctx.issue_year, source=source, issued=ctx.issued
        )
    for offset, clause in item.time_clauses:
        deadlines += find_deadlines_in(clause, offset, ctx)
    if _has_figure(text) is None:
        return deadlines, ()
    return deadlines, find_targets(text, content, source=source)


def _paragraphs(item: Item, owner_id: str, ctx: Context) -> tuple[Paragraph, ...]:
    out = []
    source = ctx.source
    for number, para in enumerate(item.paragraphs, 1):
        text = para.text
        deadlines: tuple[Deadline, ...] = ()
        if _has_cue(text) is not None:
            deadlines = find_deadlines(
                text, para.start, issue_year=ctx.issue_year, source=source, issued=ctx.issued
            )
        for offset, clause in para.time_clauses:
            deadlines += find_deadlines_in(clause, offset, ctx)
        fields: dict[str, object] = {
            "id": paragraph_id(owner_id, number),
            "text": text,
            "responsibility": para.responsibility,
            "deadlines": deadlines,
            "targets": find_targets(text, para.start, source=source)
            if _has_figure(text) is not None
            else (),
            "gap": para.gap,
            "span": source.span(para.start, para.end),
        }
        out.append(node_checked(Paragraph, fields))
    return tuple(out)


def _numbered(fields: dict[str, object], item: Item, node_id: str, ctx: Context) -> None:
    """Add to `fields` (id, number and, for a measure, numbered) what a task, measure and
    point share, from label to paragraphs, in the models' order."""
    text = item.text
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    # Most items hold no deadline cue, no time clause and no figure: no call for them.
    if _has_cue(text) is not None or item.time_clauses or _has_figure(text) is not None:
        deadlines, targets = _subject_phrases(item, ctx)
    fields["label"] = item.label
    fields["text"] = text
    fields["responsibility"] = item.responsibility
    fields["deadlines"] = deadlines
    fields["targets"] = targets
    fields["paragraphs"] = _paragraphs(item, node_id, ctx) if item.paragraphs else ()


def _measure(item: Item, task: str, ctx: Context) -> Measure:
    node_id = measure_id(task, item.number)
    points = tuple([_point(child, node_id, ctx) for child in item.children])
    fields: dict[str, object] = {"id": node_id, "number": item.number, "numbered": item.numbered}
    _numbered(fields, item, node_id, ctx)
    fields["points"] = points
    fields["gap"] = item.gap
    fields["span"] = ctx.source.span(item.start, item.end)
    return node_checked(Measure, fields)


def _point(item: Item, measure: str, ctx: Context) -> Point:
    node_id = point_id(measure, item.number)
    fields: dict[str, object] = {"id": node_id, "number": item.number}
    _numbered(fields, item, node_id, ctx)
    fields["gap"] = item.gap
    fields["span"] = ctx.source.span(item.start, item.end)
    return node_checked(Point, fields)


def _task(item: Item, number: int, ctx: Context) -> Task:
    node_id = task_id(number)
    levels = {child.level for child in item.children}
    if len(levels) > 1:
        # Points （1） right under the task, and measures 1． too: the points belong nowhere.
        stray = next(c for c in item.children if c.level == max(levels))
        raise ctx.source.error(
            f"{describe(stray)} is not inside a measure: expected a measure between "
            f"{describe(item)} and it, or the task's points numbered one way",
            stray.start,
            "measure-outside-task",
        )
    measures = tuple([_measure(child, node_id, ctx) for child in item.children])
    fields: dict[str, object] = {"id": node_id, "number": number}
    _numbered(fields, item, node_id, ctx)
    fields["measures_heading"] = item.heading
    fields["measures"] = measures
    fields["gap"] = item.gap
    fields["span"] = ctx.source.span(item.start, item.end)
    return node_checked(Task, fields)


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
        sections.append(
            construct_checked(
                Section,
                id=node_id,
                number=item.number,
                label=item.label,
                title=item.text,
                paragraphs=_paragraphs(item, node_id, ctx),
                tasks=tuple(tasks),
                gap=item.gap,
                span=ctx.source.span(item.start, item.end),
            )
        )
    return tuple(sections)
