"""Plan -> Plan: what changed between two versions of a plan, as data and as a readable report.

`diff_plans(old, new)` matches the sections, key tasks and measures of the two plans by their
text, not by their numbers, so a task that was renumbered or moved is recognised as the same
task; then it compares what each matched pair says. The stages, each importing only those
listed before it:

- `changes`: the change model (`Where`, `Change`, `PlanDiff`, ...) and its JSON form;
- `matching`: which nodes are the same (exact, same slot, then bounded similarity:
  `SIMILARITY`, `PAIR_LIMIT`, `MIN_REACH`) and which of them moved;
- `compare`: `diff_plans`, the changes of the matched pairs and the nodes added or removed;
- `report`: `format_diff`, the readable report, and `inline_diff`;
- `reading`: `read_plan`, the input edge of `fgf diff` (a plan text, a plan JSON or a package
  folder).
"""

from __future__ import annotations

from .changes import (
    AgencyChange,
    Change,
    ChangeKind,
    DeadlineFacts,
    Level,
    PlanDiff,
    PlanSummary,
    TargetFacts,
    Where,
)
from .compare import diff_plans
from .matching import MIN_REACH, PAIR_LIMIT, SIMILARITY
from .reading import read_plan
from .report import format_diff, inline_diff

__all__ = [
    "MIN_REACH",
    "PAIR_LIMIT",
    "SIMILARITY",
    "AgencyChange",
    "Change",
    "ChangeKind",
    "DeadlineFacts",
    "Level",
    "PlanDiff",
    "PlanSummary",
    "TargetFacts",
    "Where",
    "diff_plans",
    "format_diff",
    "inline_diff",
    "read_plan",
]
