"""Checks that return findings as data: content problems that do not stop the work.

Each finding has a stable kebab-case `code`, a severity, a message and where it was found, so
tests and CI can assert on a flat list and `--json` can print it as is. `--strict` turns
findings of severity "error" or "warning" into a failed run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .agencies import Registry
from .model import Plan, Responsibility, Task

__all__ = ["Finding", "Severity", "check_plan"]

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a plan or a package."""

    code: str
    """Stable kebab-case rule name (task-without-agency, unknown-agency, ...)."""
    severity: Severity
    message: str
    where: str = ""
    """The node id, or resource/row/field for a package."""
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _column(plan_text: str | None, offset: int) -> int | None:
    if plan_text is None:
        return None
    return offset - plan_text.rfind("\n", 0, offset)


def _unknown_agencies(
    subject_id: str, resp: Responsibility, registry: Registry, text: str | None
) -> Iterator[Finding]:
    for assignment in resp.assignments:
        if assignment.agency_id is None:
            close = registry.close_matches(assignment.agency)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            yield Finding(
                "unknown-agency",
                "warning",
                f"agency {assignment.agency!r} is not in the registry{hint}",
                subject_id,
                resp.span.line,
                _column(text, resp.span.start),
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
                Finding(
                    f"{kind}-without-responsibility",
                    "warning",
                    f"{kind} {subject.label or subject.id} has no responsibility line",
                    subject.id,
                    subject.span.line,
                    _column(text, subject.span.start),
                )
            )
        if resp is not None:
            findings.extend(_unknown_agencies(subject.id, resp, registry, text))
        for deadline in subject.deadlines:
            if plan.issued is not None and deadline.date < plan.issued:
                findings.append(
                    Finding(
                        "deadline-before-issue-date",
                        "error",
                        f"deadline {deadline.expression} ({deadline.date}) is before the plan "
                        f"was issued ({plan.issued})",
                        subject.id,
                        deadline.span.line,
                        _column(text, deadline.span.start),
                    )
                )
    return tuple(findings)
