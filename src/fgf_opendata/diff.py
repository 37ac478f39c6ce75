"""Plan -> Plan: what changed between two versions of a plan, as data and as a readable report.

`diff_plans(old, new)` matches the sections, key tasks and measures of the two plans by their
text, not by their numbers, so a task that was renumbered or moved is recognised as the same task.
Matching runs level by level (sections, then tasks, then measures) in three passes, each only over
what the previous passes left unmatched:

1. identical text (preferring the same parent, then the same number);
2. the same parent and number, when the texts are similar (difflib ratio >= `SIMILARITY`);
3. the most similar remaining pairs first, greedily, above the same threshold
   (`real_quick_ratio` and `quick_ratio` discard most pairs before a full ratio is computed).
   This pass is bounded: it compares every remaining old node with every remaining new one
   only while that is at most `PAIR_LIMIT` pairs. Beyond that, each remaining new node is
   compared with the remaining old nodes nearest its place (the remaining nodes of each plan
   in document order, aligned in proportion, as many on either side as keep the total under
   `PAIR_LIMIT`, and at least `MIN_REACH`), so a diff takes time linear in the plans' size
   (at most `PAIR_LIMIT` or 2 x `MIN_REACH` + 1 pairs per new node); a node both reworded and
   moved far while thousands of others also changed is then reported as removed and added.

Unmatched nodes are added or removed. A matched pair is moved when its parent changed or when it
left the longest run of pairs that kept their relative order under the same parent (so swapping two
tasks moves one of them; deleting a task renumbers the rest without moving them). Then each
matched task and measure is compared: its text (reworded), its responsibility line (agencies added,
removed or given another role, compared by registry id, else by name), its deadlines and its
targets. A rewording is reported only when the texts differ outside the deadline and target
phrases, which have changes of their own.

`PlanDiff.to_dict()` is the JSON form, `{"old", "new", "same", "summary", "changes"}`: `old` and
`new` describe the two plans, `summary` counts changes by kind, and each change has the same keys:
`kind`, `old` and `new` (where the node stands in each plan, null when absent), `field` (for
`plan-changed`), `before` and `after` (texts, or deadline and target facts), `similarity` (for
rewordings and moves) and `agencies` (for `responsibility-changed`: one row per agency whose role
changed, with `old_role` and `new_role`, null when the agency is absent). Changes are listed in
the order of the new plan, removed nodes where they stood.

Not compared: layout (whitespace, printed labels such as 1． against 1.), spans, and the header
and closing blocks beyond the plan's fields (`doc_number`, `title`, ..., `closing`).

`read_plan` is the input edge of `fgf diff`: a plan text, a canonical plan JSON or a package folder.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import ValidationError

from .agencies import Registry, default_registry
from .errors import ExportError, ParseError
from .model import Assignment, Deadline, Measure, Plan, Responsibility, Role, Section, Target, Task
from .serialize import plan_from_json

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

SIMILARITY = 0.6
"""Least difflib ratio at which two texts are taken for versions of one another."""

PAIR_LIMIT = 200_000
"""Most text pairs the similarity pass of one level compares (about a second and a half here):
within it, every remaining pair; beyond it, a window around each node's place."""

MIN_REACH = 2
"""Least number of old nodes on either side of a new node's place that its window holds, however
many nodes remain (a node pushed down by a few inserted before it is still found)."""

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


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A section, task or measure as the matcher sees it."""

    index: int
    group: str
    number: int
    text: str


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _match(old: Sequence[_Node], new: Sequence[_Node]) -> dict[int, tuple[int, float]]:
    """Old index -> (new index, similarity) for the nodes taken to be the same."""
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()

    def pair(o: _Node, n: _Node, ratio: float) -> None:
        pairs[o.index] = (n.index, ratio)
        used.add(n.index)

    # Pass 1: queues of new nodes by text (and parent, number, both or neither), in document
    # order; a used node leaves a queue when next seen at its head, so the pass is linear.
    queues: dict[tuple[str, str | None, int | None], deque[_Node]] = {}
    for n in new:
        for key in (
            (n.text, n.group, n.number),
            (n.text, n.group, None),
            (n.text, None, n.number),
            (n.text, None, None),
        ):
            queues.setdefault(key, deque()).append(n)

    def first_unused(text: str, group: str | None, number: int | None) -> _Node | None:
        queue = queues.get((text, group, number))
        while queue and queue[0].index in used:
            queue.popleft()
        return queue[0] if queue else None

    for same_group in (True, False):
        for o in old:
            if o.index in pairs:
                continue
            group = o.group if same_group else None
            found = first_unused(o.text, group, o.number) or first_unused(o.text, group, None)
            if found is not None:
                pair(o, found, 1.0)

    # Pass 2: the same slot, when similar.
    by_slot = {(n.group, n.number): n for n in new}
    for o in old:
        slot = by_slot.get((o.group, o.number))
        if o.index not in pairs and slot is not None and slot.index not in used:
            ratio = _ratio(o.text, slot.text)
            if ratio >= SIMILARITY:
                pair(o, slot, ratio)

    # Pass 3: the most similar of the rest first, among at most PAIR_LIMIT pairs.
    rest_old = [o for o in old if o.index not in pairs]
    rest_new = [n for n in new if n.index not in used]
    candidates: list[tuple[float, bool, int, int]] = []
    matcher = SequenceMatcher(None, autojunk=False)
    for n, olds in _windows(rest_old, rest_new):
        matcher.set_seq2(n.text)  # b2j and the b counts are cached across set_seq1
        for o in olds:
            matcher.set_seq1(o.text)
            if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILARITY:
                candidates.append((-ratio, o.group != n.group, o.index, n.index))
    new_by_index = {n.index: n for n in new}
    old_by_index = {o.index: o for o in old}
    for negative, _, o_index, n_index in sorted(candidates):
        if o_index not in pairs and n_index not in used:
            pair(old_by_index[o_index], new_by_index[n_index], -negative)
    return pairs


def _windows(
    old: Sequence[_Node], new: Sequence[_Node], limit: int | None = None
) -> Iterator[tuple[_Node, Sequence[_Node]]]:
    """Each new node with the old nodes pass 3 compares it with: all of them while the pairs
    number at most `limit` (default `PAIR_LIMIT`), else those nearest its place in proportion,
    `reach` on either side, so that at most `limit` pairs (or, with many new nodes, 2 x
    `MIN_REACH` + 1 per new node) are compared."""
    limit = PAIR_LIMIT if limit is None else limit
    if not old:
        return
    if len(old) * len(new) <= limit:
        for n in new:
            yield n, old
        return
    reach = max(MIN_REACH, (limit // len(new) - 1) // 2)
    for position, n in enumerate(new):
        centre = position * len(old) // len(new)
        yield n, old[max(0, centre - reach) : centre + reach + 1]


def _increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of `values`."""
    tails: list[int] = []  # tails[k]: least last value of an increasing run of length k + 1
    tail_at: list[int] = []
    before: list[int] = []
    for position, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[k] = value
            tail_at[k] = position
        before.append(tail_at[k - 1] if k else -1)
    kept: set[int] = set()
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        kept.add(position)
        position = before[position]
    return kept


# --- the plan as flat lists ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A node of one plan with its place: level, parent and order in the whole document."""

    node: Section | Task | Measure
    where: Where
    seq: int


@dataclass(frozen=True)
class _Flat:
    sections: tuple[_Entry, ...]
    tasks: tuple[_Entry, ...]
    measures: tuple[_Entry, ...]


def _flatten(plan: Plan) -> _Flat:
    sections: list[_Entry] = []
    tasks: list[_Entry] = []
    measures: list[_Entry] = []
    seq = 0
    for section in plan.sections:
        where = Where("section", section.id, section.label, section.number, None)
        sections.append(_Entry(section, where, seq := seq + 1))
        for task in section.tasks:
            where = Where("task", task.id, task.label, task.number, section.id)
            tasks.append(_Entry(task, where, seq := seq + 1))
            for measure in task.measures:
                where = Where("measure", measure.id, measure.label, measure.number, task.id)
                measures.append(_Entry(measure, where, seq := seq + 1))
    return _Flat(tuple(sections), tuple(tasks), tuple(measures))


def _text(node: Section | Task | Measure) -> str:
    return node.title if isinstance(node, Section) else node.text


@dataclass(frozen=True)
class _Pair:
    old: _Entry
    new: _Entry
    similarity: float
    moved: bool


def _match_level(
    old: Sequence[_Entry], new: Sequence[_Entry], parent_match: Mapping[str, str]
) -> list[_Pair]:
    """Match one level; `parent_match` maps old parent ids to the new ids they matched."""

    def group(entry: _Entry, side: str) -> str:
        parent = entry.where.parent
        if parent is None or side == "new":
            return parent or ""
        return parent_match.get(parent, f"\0{parent}")  # an unmatched parent matches no group

    old_nodes = [
        _Node(i, group(e, "old"), e.where.number or 0, _text(e.node)) for i, e in enumerate(old)
    ]
    new_nodes = [
        _Node(i, group(e, "new"), e.where.number or 0, _text(e.node)) for i, e in enumerate(new)
    ]
    matched = _match(old_nodes, new_nodes)
    by_group: dict[str, list[int]] = {}
    for o_index in sorted(matched):
        n_index, _ = matched[o_index]
        if old_nodes[o_index].group == new_nodes[n_index].group:
            by_group.setdefault(new_nodes[n_index].group, []).append(o_index)
    in_order: set[int] = set()
    for members in by_group.values():
        kept = _increasing([matched[o][0] for o in members])
        in_order.update(members[k] for k in kept)
    return [
        _Pair(old[o], new[n], similarity, moved=o not in in_order)
        for o, (n, similarity) in sorted(matched.items())
    ]


# --- comparing matched nodes ---------------------------------------------------------------------


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
        yield Change(_kind(noun, what), *where, before=before, after=after)


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


def _content_changes(pair: _Pair) -> Iterator[Change]:
    """Rewording, moves, responsibility, deadlines and targets of one matched pair."""
    old, new = pair.old.node, pair.new.node
    a, b = pair.old.where, pair.new.where
    level = a.level
    similarity = round(pair.similarity, 3)
    if pair.moved:
        yield Change(_kind(level, "moved"), a, b, _text(old), _text(new), similarity=similarity)
    if isinstance(old, Section) or isinstance(new, Section):
        if _text(old) != _text(new):
            yield Change(
                _kind(level, "reworded"), a, b, _text(old), _text(new), similarity=similarity
            )
        return
    phrases = _phrases(old) + _phrases(new)
    if _masked(old.text, phrases) != _masked(new.text, phrases):
        yield Change(_kind(level, "reworded"), a, b, old.text, new.text, similarity=similarity)
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


def _kind(noun: str, what: str) -> ChangeKind:
    kind = f"{noun}-{what}"
    assert kind in get_args(ChangeKind)
    return kind  # type: ignore[return-value]


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
    flat_old, flat_new = _flatten(old), _flatten(new)
    pairs: list[_Pair] = []
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
    unmatched: list[tuple[_Entry | None, _Entry | None]] = []
    for old_level, new_level in levels:
        level_pairs = _match_level(old_level, new_level, parent_match)
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
            change = Change(_kind(now.where.level, "added"), None, now.where, after=_text(now.node))
            changes.append(((now.seq, 0, 0, 0), change))
        elif was is not None:
            change = Change(
                _kind(was.where.level, "removed"), was.where, None, before=_text(was.node)
            )
            changes.append(((removed_key(was.seq), 1, was.seq, 0), change))
    changes.sort(key=lambda item: (item[0][:3], _rank(item[1]), item[0][3]))
    return PlanDiff(PlanSummary.of(old), PlanSummary.of(new), tuple(c for _, c in changes))


# --- the text report -----------------------------------------------------------------------------

_WIDTH = 60
_CONTEXT = 10
_INLINE_LIMIT = 120
_MARK = {"added": "+", "removed": "-", "moved": ">"}


def _clip(text: str, width: int = _WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def inline_diff(before: str, after: str, context: int = _CONTEXT) -> str:
    """A one-line character diff: [-removed-]{+inserted+}, long unchanged runs elided with …."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    codes = matcher.get_opcodes()
    parts: list[str] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            run = before[i1:i2]
            first, last = i == 0, i == len(codes) - 1
            slack = 4  # eliding a few characters only makes the line harder to read
            if first and len(run) > context + slack:
                run = "…" + run[-context:]
            elif last and len(run) > context + slack:
                run = run[:context] + "…"
            elif not first and not last and len(run) > 2 * context + slack:
                run = run[:context] + "…" + run[-context:]
            parts.append(run)
            continue
        if tag in ("delete", "replace"):
            parts.append(f"[-{before[i1:i2]}-]")
        if tag in ("insert", "replace"):
            parts.append(f"{{+{after[j1:j2]}+}}")
    return "".join(parts)


def _where(change: Change) -> str:
    a, b = change.old, change.new
    if (a and a.level == "plan") or (b and b.level == "plan"):
        return "plan"
    if a and b and a.id != b.id:
        return f"{a.id} → {b.id}"
    spot = b or a
    assert spot is not None
    return spot.id


def _text_lines(before: str, after: str) -> list[str]:
    inline = inline_diff(before, after)
    if len(inline) <= _INLINE_LIMIT:
        return [f"    {inline}"]
    return [f"    - {_clip(before)}", f"    + {_clip(after)}"]


def _role_summary(rows: Sequence[AgencyChange]) -> str:
    parts: list[str] = []
    leads_old = [r.agency for r in rows if r.old_role == "lead"]
    leads_new = [r.agency for r in rows if r.new_role == "lead"]
    if leads_old or leads_new:
        parts.append(f"lead {'、'.join(leads_old) or '—'} → {'、'.join(leads_new) or '—'}")
    for row in rows:
        if row.old_role is None and row.new_role != "lead":
            parts.append(f"+{row.agency} ({row.new_role})")
        elif row.new_role is None and row.old_role != "lead":
            parts.append(f"-{row.agency} ({row.old_role})")
        elif row.old_role and row.new_role:
            parts.append(f"{row.agency} {row.old_role} → {row.new_role}")
    return "; ".join(parts) or "reworded"


def _describe(change: Change) -> list[str]:
    head = f"{_where(change)} "
    kind = change.kind
    before, after = change.before, change.after
    what = kind.partition("-")[2]
    if kind == "plan-changed":
        if isinstance(before, str) and isinstance(after, str) and len(before + after) > 40:
            return [f"~ {head}{change.field} changed", *_text_lines(before, after)]
        return [f"~ {head}{change.field}: {before or '(none)'} → {after or '(none)'}"]
    if what in ("added", "removed", "moved") and kind.split("-")[0] in (
        "section",
        "task",
        "measure",
    ):
        text = after if what == "added" else before
        note = ""
        if what == "moved" and change.old and change.new and change.old.parent != change.new.parent:
            note = f" (from {change.old.parent} to {change.new.parent})"
        return [f"{_MARK[what]} {head}{what}{note}: {_clip(str(text or ''))}"]
    if what == "reworded":
        similarity = f" ({change.similarity:.0%} similar)" if change.similarity else ""
        assert isinstance(before, str)
        assert isinstance(after, str)
        return [f"~ {head}reworded{similarity}", *_text_lines(before, after)]
    if kind == "responsibility-changed":
        lines = [f"~ {head}responsibility: {_role_summary(change.agencies)}"]
        lines.append(f"    - {_clip(before) if isinstance(before, str) else '(none)'}")
        lines.append(f"    + {_clip(after) if isinstance(after, str) else '(none)'}")
        return lines
    noun = kind.partition("-")[0]
    if what == "changed":
        assert isinstance(before, DeadlineFacts | TargetFacts)
        assert isinstance(after, DeadlineFacts | TargetFacts)
        return [f"~ {head}{noun}: {before.describe()} → {after.describe()}"]
    fact = after if what == "added" else before
    assert isinstance(fact, DeadlineFacts | TargetFacts)
    return [f"{_MARK[what]} {head}{noun} {what}: {fact.describe()}"]


def _side(summary: PlanSummary) -> str:
    number = f" {summary.doc_number}" if summary.doc_number else ""
    return (
        f"{summary.id}{number} ({summary.sections} sections, {summary.tasks} tasks, "
        f"{summary.measures} measures)"
    )


def format_diff(diff: PlanDiff, *, labels: tuple[str, str] | None = None) -> str:
    """The readable report: a header, a count by kind, then one entry per change.

    Entries start with + (added), - (removed), > (moved) or ~ (changed) and the node's id in the
    new plan (old id → new id when it changed). Text changes show an inline character diff,
    [-removed-]{+inserted+}, or the old and new text clipped to 60 characters.
    """
    old_label, new_label = labels or ("old", "new")
    lines = [f"--- {old_label}: {_side(diff.old)}", f"+++ {new_label}: {_side(diff.new)}"]
    if diff.same:
        return "\n".join([*lines, "no changes"]) + "\n"
    counts = ", ".join(f"{count} {kind}" for kind, count in diff.summary().items())
    total = len(diff.changes)
    lines.append(f"{total} change{'s' if total != 1 else ''}: {counts}")
    lines.append("")
    for change in diff.changes:
        lines += _describe(change)
    return "\n".join(lines) + "\n"


# --- input -------------------------------------------------------------------------------------


def read_plan(
    path: str | Path,
    *,
    encoding: str | None = None,
    limit: int | None = None,
    registry: Registry | None = None,
) -> Plan:
    """Read a plan from a plan text, a canonical plan JSON (text starting with "{", such as a
    corpus package's `plans/<id>.json`) or a package folder (its plan.json). `encoding` applies to plan texts only: JSON is UTF-8 (RFC 8259).
    Raises `DecodeError`, `InputTooLargeError`, `ParseError`, or `ExportError` for a folder that
    holds no plan.json."""
    from .parsing import parse_plan
    from .textio import read_source

    path = Path(path)
    if path.is_dir():
        inside = path / "plan.json"
        if not inside.exists():  # a plan.json that is not a file: read_source says what it is
            plans = sorted(p.stem for p in (path / "plans").glob("*.json"))
            if plans:  # a corpus package: one of its plans is a file of its own
                shown = ", ".join(plans[:3]) + (", …" if len(plans) > 3 else "")
                raise ExportError(
                    f"{path} is a corpus package of {len(plans)} plans ({shown}): give one of "
                    f"them as {path / 'plans' / plans[0]}.json"
                )
            raise ExportError(f"{path} is a folder without plan.json; expected a package folder")
        path = inside
    if _starts_like_json(path):
        encoding = None
    text = read_source(path, encoding, limit=limit).text
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return _plan_from_json(text, str(path))
    return parse_plan(text, registry=registry or default_registry())


def _starts_like_json(path: Path) -> bool:
    from .textio import open_regular  # a FIFO or device must not block here

    try:
        with open_regular(path) as file:
            head = file.read(64)
    except OSError:
        return False  # read_source reports it
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"{")


def _plan_from_json(text: str, name: str) -> Plan:
    from .jsonload import load_json

    data = load_json(text, name)  # bounded: ParseError, never RecursionError or ValueError
    if not isinstance(data, dict):
        raise ParseError("not a plan JSON (not an object)", code="invalid-plan-json").with_path(
            name
        )
    try:
        return plan_from_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise ParseError(
            f"not a plan JSON ({exc.error_count()} problems; first at {where}: {first['msg']})",
            code="invalid-plan-json",
        ).with_path(name) from None
