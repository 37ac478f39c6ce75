"""The stable ids of a plan's nodes, derived from the document's structure (issue 15: one
place for the rule, which the parser and the synthetic plans both follow).

A section is `sec_N`, a task `task_N` (numbered across the plan), a measure its task's id,
`__meas_` and its number, a point its measure's id, `__point_` and its number, a paragraph its
owner's id, `__para_` and its ordinal: task_5__meas_2__point_1, task_5__para_2.
"""

from __future__ import annotations

__all__ = ["measure_id", "paragraph_id", "point_id", "section_id", "task_id"]


def section_id(number: int) -> str:
    return f"sec_{number}"


def task_id(number: int) -> str:
    return f"task_{number}"


def measure_id(task: str, number: int) -> str:
    return f"{task}__meas_{number}"


def point_id(measure: str, number: int) -> str:
    return f"{measure}__point_{number}"


def paragraph_id(owner: str, ordinal: int) -> str:
    return f"{owner}__para_{ordinal}"
