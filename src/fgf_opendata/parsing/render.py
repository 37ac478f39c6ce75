"""Plan -> text: the inverse of `parse_plan`.

Writes every block with the whitespace it was found after (`gap`), so a parsed plan renders back
to its source character for character. `layout_plan` goes the other way for plans built in code:
it recomputes every span from where `render_plan` puts each node.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, TypeVar

from ..model import (
    Assignment,
    Block,
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
from .source import line_starts

__all__ = ["layout_plan", "render_plan"]

_Node = TypeVar("_Node", Block, Responsibility, Measure, Task, Section, Paragraph, Point)
_Subject = TypeVar("_Subject", Task, Measure, Point)


def _prose(paragraphs: tuple[Paragraph, ...]) -> Iterator[tuple[str, str, object]]:
    for para in paragraphs:
        yield para.gap, para.text, para
        if para.responsibility is not None:
            yield para.responsibility.gap, para.responsibility.text, para.responsibility


def _pieces(plan: Plan) -> Iterator[tuple[str, str, object]]:
    """(gap, text, node) for every printed node, in document order."""
    for block in plan.front:
        yield block.gap, block.text, block
    for section in plan.sections:
        yield section.gap, section.label + section.title, section
        if section.paragraphs:
            yield from _prose(section.paragraphs)
        for task in section.tasks:
            yield task.gap, task.label + task.text, task
            if task.responsibility is not None:
                yield task.responsibility.gap, task.responsibility.text, task.responsibility
            if task.paragraphs:
                yield from _prose(task.paragraphs)
            if task.measures_heading is not None:
                yield task.measures_heading.gap, task.measures_heading.text, task.measures_heading
            for measure in task.measures:
                yield measure.gap, measure.label + measure.text, measure
                if measure.responsibility is not None:
                    resp = measure.responsibility
                    yield resp.gap, resp.text, resp
                if measure.paragraphs:
                    yield from _prose(measure.paragraphs)
                for point in measure.points:
                    yield point.gap, point.label + point.text, point
                    if point.responsibility is not None:
                        yield (
                            point.responsibility.gap,
                            point.responsibility.text,
                            point.responsibility,
                        )
                    if point.paragraphs:
                        yield from _prose(point.paragraphs)
    for block in plan.back:
        yield block.gap, block.text, block
    yield plan.tail, "", None


def render_plan(plan: Plan) -> str:
    """The text of a plan, exactly as it was parsed.

    What `_pieces` yields, joined; written out here as the parser renders every plan it makes
    to check it (tests/test_parse_phrases_fast.py holds the two to each other).
    """
    out: list[str] = []
    for block in plan.front:
        out += block.gap, block.text
    for section in plan.sections:
        out += section.gap, section.label, section.title
        if section.paragraphs:
            _render_prose(section.paragraphs, out)
        for task in section.tasks:
            _render_subject(task, out)
            heading = task.measures_heading
            if heading is not None:
                out += heading.gap, heading.text
            for measure in task.measures:
                _render_subject(measure, out)
                for point in measure.points:
                    _render_subject(point, out)
    for block in plan.back:
        out += block.gap, block.text
    out.append(plan.tail)
    return "".join(out)


def _render_subject(node: Task | Measure | Point, out: list[str]) -> None:
    """Append a task's, measure's or point's own line, its responsibility and its prose."""
    out += node.gap, node.label, node.text
    resp = node.responsibility
    if resp is not None:
        out += resp.gap, resp.text
    if node.paragraphs:
        _render_prose(node.paragraphs, out)


def _render_prose(paragraphs: tuple[Paragraph, ...], out: list[str]) -> None:
    for para in paragraphs:
        out += para.gap, para.text
        resp = para.responsibility
        if resp is not None:
            out += resp.gap, resp.text


def layout_plan(plan: Plan) -> Plan:
    """The same plan with every span set to where `render_plan` writes its node.

    Deadlines and targets are found again by text inside their task or measure, and the
    actors of a responsibility line by name inside the line, in order.
    """
    text = render_plan(plan)
    starts = line_starts(text)
    spans: dict[int, Span] = {}
    pos = 0
    for gap, printed, node in _pieces(plan):
        pos += len(gap)
        if node is not None:
            spans[id(node)] = _span(starts, pos, pos + len(printed))
        pos += len(printed)

    def relocate(node: _Node, **update: Any) -> _Node:
        span = spans.get(id(node))
        return node.model_copy(update={**update, **({"span": span} if span else {})})

    def phrases(items: tuple[Any, ...], owner: Any, base: int, text: str) -> tuple[Any, ...]:
        out, cursor = [], 0
        for item in items:
            found = text.find(_phrase(item), cursor)
            if found < 0:
                out.append(item)
                continue
            start = base + found
            out.append(
                item.model_copy(update={"span": _span(starts, start, start + len(_phrase(item)))})
            )
            cursor = found + 1
        return tuple(out)

    def where(owner: Task | Measure | Point) -> tuple[Any, int, str]:
        return owner, owner.span.start + len(owner.label), owner.text

    def resp(node: Responsibility | None) -> Responsibility | None:
        if node is None:
            return None
        relocated = relocate(node)
        return relocated.model_copy(
            update={"assignments": names(node.assignments, relocated.span.start, node.text)}
        )

    def names(items: tuple[Assignment, ...], base: int, text: str) -> tuple[Assignment, ...]:
        out, cursor = [], 0
        for item in items:
            found = text.find(item.agency, cursor)
            if found < 0:
                out.append(item)
                continue
            start = base + found
            out.append(
                item.model_copy(update={"span": _span(starts, start, start + len(item.agency))})
            )
            cursor = found + len(item.agency)
        return tuple(out)

    def prose(nodes: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
        out = []
        for node in nodes:
            relocated = relocate(node, responsibility=resp(node.responsibility))
            base = relocated.span.start
            out.append(
                relocated.model_copy(
                    update={
                        "deadlines": phrases(node.deadlines, None, base, node.text),
                        "targets": phrases(node.targets, None, base, node.text),
                    }
                )
            )
        return tuple(out)

    def subject(node: _Subject, **update: Any) -> _Subject:
        """A task, measure or point relocated, its responsibility, paragraphs and `update`
        (its children) too, and its phrases found again in its text."""
        relocated = relocate(
            node,
            responsibility=resp(node.responsibility),
            paragraphs=prose(node.paragraphs),
            **update,
        )
        return relocated.model_copy(
            update={
                "deadlines": phrases(node.deadlines, *where(relocated)),
                "targets": phrases(node.targets, *where(relocated)),
            }
        )

    def measure(node: Measure) -> Measure:
        return subject(node, points=tuple(subject(p) for p in node.points))

    def task(node: Task) -> Task:
        heading = None if node.measures_heading is None else relocate(node.measures_heading)
        return subject(
            node, measures_heading=heading, measures=tuple(measure(m) for m in node.measures)
        )

    def section(node: Section) -> Section:
        return relocate(
            node, paragraphs=prose(node.paragraphs), tasks=tuple(task(t) for t in node.tasks)
        )

    def blocks(nodes: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(relocate(b) for b in nodes)

    back = blocks(plan.back)
    closing = [b for b in back if b.kind == "closing"]
    deadlines = plan.deadlines
    if closing:
        # Plan-level deadlines are stated in the (first) closing paragraph.
        deadlines = phrases(plan.deadlines, None, closing[0].span.start, closing[0].text)
    return plan.model_copy(
        update={
            "front": blocks(plan.front),
            "sections": tuple(section(s) for s in plan.sections),
            "back": back,
            "deadlines": deadlines,
        }
    )


def _phrase(item: Deadline | Target) -> str:
    return item.expression if isinstance(item, Deadline) else item.text


def _span(starts: list[int], start: int, end: int) -> Span:
    return Span(line=bisect_right(starts, start), start=start, end=end)
