"""Plan -> Plan: `diff_plans`, every difference between two versions of a plan.

The nodes of each level are matched by `matching`; unmatched nodes are added or removed, and
each matched task and measure is compared: its text (reworded), its responsibility line
(agencies added, removed or given another role, compared by registry id, else by name), its
deadlines and its targets. A rewording is reported only when the texts differ outside the
deadline and target phrases, which have changes of their own. Changes are listed in the order
of the new plan, removed nodes where they stood.

Not compared: layout (whitespace, printed labels such as 1． against 1.), spans, and the
header and closing blocks beyond the plan's fields
(`doc_number`, `title`, ..., `closing`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ..model import Assignment, Deadline, Measure, Plan, Responsibility, Section, Target, Task
from .changes import (
    AgencyChange,
    Change,
    DeadlineFacts,
    PlanDiff,
    PlanSummary,
    TargetFacts,
    Where,
    change_kind,
)
from .matching import Entry, Pair, flatten, match_level, node_text

__all__ = ["diff_plans"]

_PLAN_FIELDS = (
    "doc_number",
    "title",
    "issuer",
    "issued",
    "addressees",
    "plan_title",
    "preamble",
    "closing",
)


def _masked(text: str, phrases: Sequence[str]) -> str:
    """The text with deadline and target phrases blanked, so their changes count once."""
    for phrase in sorted(set(phrases), key=len, reverse=True):
        if phrase:
            text = text.replace(phrase, "\0")
    return text


def _phrases(node: Task | Measure) -> list[str]:
    return [d.expression for d in node.deadlines] + [t.text for t in node.targets]


def _agency_key(assignment: Assignment) -> str:
    return assignment.agency_id or f"name:{assignment.agency}"


def _roles(resp: Responsibility | None) -> dict[str, Assignment]:
    roles: dict[str, Assignment] = {}
    for assignment in resp.assignments if resp else ():
        roles.setdefault(_agency_key(assignment), assignment)
    return roles


def _responsibility_change(
    old: Responsibility | None, new: Responsibility | None, phrases: Sequence[str]
) -> tuple[AgencyChange, ...] | None:
    """The agency rows of a changed responsibility line; None when the line did not change."""
    old_text = _masked(old.text, phrases) if old else None
    new_text = _masked(new.text, phrases) if new else None
    if old_text == new_text:
        return None
    before, after = _roles(old), _roles(new)
    rows = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        old_role = was.role if was else None
        new_role = now.role if now else None
        if old_role != new_role:
            cited = now or was
            assert cited is not None
            rows.append(AgencyChange(cited.agency, cited.agency_id, old_role, new_role))
    return tuple(rows)


F = TypeVar("F", DeadlineFacts, TargetFacts)


def _pair_up(
    old: Sequence[F], new: Sequence[F], affinity: Callable[[F, F], bool]
) -> Iterator[tuple[F | None, F | None]]:
    """Pairs of facts that changed: identical ones drop out, the rest pair by affinity, in order."""
    rest_new = list(new)
    rest_old: list[F] = []
    for fact in old:
        if fact in rest_new:
            rest_new.remove(fact)
        else:
            rest_old.append(fact)
    for strict in (True, False):
        unpaired: list[F] = []
        for fact in rest_old:
            partner = next((n for n in rest_new if not strict or affinity(fact, n)), None)
            if partner is None:
                unpaired.append(fact)
            else:
                rest_new.remove(partner)
                yield fact, partner
        rest_old = unpaired
    for fact in rest_old:
        yield fact, None
    for partner in rest_new:
        yield None, partner


def _same_deadline_kind(a: DeadlineFacts, b: DeadlineFacts) -> bool:
    return a.recurrence == b.recurrence


def _same_unit(a: TargetFacts, b: TargetFacts) -> bool:
    return a.unit == b.unit


def _fact_changes(
    noun: str,
    old: Sequence[F],
    new: Sequence[F],
    affinity: Callable[[F, F], bool],
    where: tuple[Where, Where],
) -> Iterator[Change]:
    for before, after in _pair_up(old, new, affinity):
        what = "added" if before is None else "removed" if after is None else "changed"
        yield Change(change_kind(noun, what), *where, before=before, after=after)


def _deadline_changes(
    old: Sequence[Deadline], new: Sequence[Deadline], where: tuple[Where, Where]
) -> Iterator[Change]:
    olds = [DeadlineFacts.of(d) for d in old]
    news = [DeadlineFacts.of(d) for d in new]
    return _fact_changes("deadline", olds, news, _same_deadline_kind, where)


def _target_changes(
    old: Sequence[Target], new: Sequence[Target], where: tuple[Where, Where]
) -> Iterator[Change]:
    olds = [TargetFacts.of(t) for t in old]
    news = [TargetFacts.of(t) for t in new]
    return _fact_changes("target", olds, news, _same_unit, where)


def _content_changes(pair: Pair) -> Iterator[Change]:
    """Rewording, moves, responsibility, deadlines and targets of one matched pair."""
    old, new = pair.old.node, pair.new.node
    a, b = pair.old.where, pair.new.where
    level = a.level
    similarity = round(pair.similarity, 3)
    if pair.moved:
        yield Change(
            change_kind(level, "moved"), a, b, node_text(old), node_text(new), similarity=similarity
        )
    if isinstance(old, Section) or isinstance(new, Section):
        if node_text(old) != node_text(new):
            yield Change(
                change_kind(level, "reworded"),
                a,
                b,
                node_text(old),
                node_text(new),
                similarity=similarity,
            )
        return
    phrases = _phrases(old) + _phrases(new)
    if _masked(old.text, phrases) != _masked(new.text, phrases):
        yield Change(
            change_kind(level, "reworded"), a, b, old.text, new.text, similarity=similarity
        )
    rows = _responsibility_change(old.responsibility, new.responsibility, phrases)
    if rows is not None:
        yield Change(
            "responsibility-changed",
            a,
            b,
            old.responsibility.text if old.responsibility else None,
            new.responsibility.text if new.responsibility else None,
            agencies=rows,
        )
    yield from _deadline_changes(old.deadlines, new.deadlines, (a, b))
    yield from _target_changes(old.targets, new.targets, (a, b))


def _plan_changes(old: Plan, new: Plan) -> Iterator[Change]:
    a = Where("plan", old.id, "", None, None)
    b = Where("plan", new.id, "", None, None)
    phrases = [d.expression for d in old.deadlines + new.deadlines]
    for name in _PLAN_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if isinstance(before, dt.date):
            before = before.isoformat()
        if isinstance(after, dt.date):
            after = after.isoformat()
        if (
            name == "closing"
            and before
            and after
            and _masked(before, phrases) == _masked(after, phrases)
        ):
            continue
        if before != after:
            yield Change("plan-changed", a, b, before, after, field=name)
    if old.id != new.id:
        yield Change("plan-changed", a, b, old.id, new.id, field="id")
    yield from _deadline_changes(old.deadlines, new.deadlines, (a, b))


_ORDER = {
    "plan": -1,
    "moved": 0,
    "reworded": 1,
    "added": 2,
    "removed": 2,
    "responsibility": 3,
    "deadline": 4,
    "target": 5,
}


def _rank(change: Change) -> int:
    head, _, tail = change.kind.partition("-")
    return _ORDER.get(tail, _ORDER.get(head, 9))


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Every difference between two plans: nodes added, removed, reworded or moved, and the
    responsibilities, deadlines and targets of the nodes both plans have."""
    flat_old, flat_new = flatten(old), flatten(new)
    pairs: list[Pair] = []
    parent_match: dict[str, str] = {}
    changes: list[tuple[tuple[int, int, int, int], Change]] = [
        ((-1, 0, 0, i), change) for i, change in enumerate(_plan_changes(old, new))
    ]
    new_seq: dict[int, int] = {}  # old seq -> new seq of the matched node
    levels = (
        (flat_old.sections, flat_new.sections),
        (flat_old.tasks, flat_new.tasks),
        (flat_old.measures, flat_new.measures),
    )
    unmatched: list[tuple[Entry | None, Entry | None]] = []
    for old_level, new_level in levels:
        level_pairs = match_level(old_level, new_level, parent_match)
        pairs += level_pairs
        parent_match = {p.old.where.id: p.new.where.id for p in level_pairs}
        new_seq.update((p.old.seq, p.new.seq) for p in level_pairs)
        taken_old = {p.old.seq for p in level_pairs}
        taken_new = {p.new.seq for p in level_pairs}
        unmatched += [(e, None) for e in old_level if e.seq not in taken_old]
        unmatched += [(None, e) for e in new_level if e.seq not in taken_new]

    old_order = sorted(new_seq)

    def removed_key(seq: int) -> int:
        """Where a removed node is listed: after the new place of the node before it."""
        k = bisect_left(old_order, seq)
        return new_seq[old_order[k - 1]] if k else 0

    for pair in pairs:
        for rank, change in enumerate(_content_changes(pair)):
            changes.append(((pair.new.seq, 0, 0, rank), change))
    for was, now in unmatched:
        if now is not None:
            change = Change(
                change_kind(now.where.level, "added"), None, now.where, after=node_text(now.node)
            )
            changes.append(((now.seq, 0, 0, 0), change))
        elif was is not None:
            change = Change(
                change_kind(was.where.level, "removed"), was.where, None, before=node_text(was.node)
            )
            changes.append(((removed_key(was.seq), 1, was.seq, 0), change))
    changes.sort(key=lambda item: (item[0][:3], _rank(item[1]), item[0][3]))
    return PlanDiff(PlanSummary.of(old), PlanSummary.of(new), tuple(c for _, c in changes))
