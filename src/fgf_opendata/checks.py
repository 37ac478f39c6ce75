"""The checks on a parsed plan: content problems that do not stop the work, as findings.

Each finding's code, severity and message come from `findings.CATALOGUE`; `--strict` turns
findings of severity "error" or "warning" into a failed run. The package rules
(`tabular.rules`) give the same codes on a package's rows, from the same catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator

from .agencies import Registry
from .findings import CATALOGUE, Finding, SourceLocation
from .model import Plan, Responsibility, Span, Task

__all__ = ["check_plan"]


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
    for subject in plan.subjects():
        resp: Responsibility | None = subject.responsibility
        kind = "task" if isinstance(subject, Task) else "measure"
        # A task whose measures carry the responsibility lines needs none of its own.
        covered = (
            isinstance(subject, Task)
            and subject.measures
            and all(m.responsibility is not None for m in subject.measures)
        )
        if resp is None and not covered:
            findings.append(
                CATALOGUE[f"{kind}-without-responsibility"](
                    _at(subject.id, subject.span, text),
                    label=subject.label or subject.id,
                )
            )
        if resp is not None:
            findings.extend(_unknown_agencies(subject.id, resp, registry, text))
        for deadline in subject.deadlines:
            if plan.issued is not None and deadline.date < plan.issued:
                findings.append(
                    CATALOGUE["deadline-before-issue-date"](
                        _at(subject.id, deadline.span, text),
                        expression=deadline.expression,
                        date=deadline.date,
                        issued=plan.issued,
                    )
                )
    return tuple(findings)
