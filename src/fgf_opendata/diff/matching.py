"""Which sections, key tasks and measures of two plans are the same node: matching by text.

`match_level` matches one level (sections, then tasks, then measures) of two plans flattened by
`flatten`, in three passes, each only over what the previous passes left unmatched:

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

A matched pair is moved when its parent changed or when it left the longest run of pairs that
kept their relative order under the same parent (so swapping two tasks moves one of them;
deleting a task renumbers the rest without moving them).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..model import Measure, Plan, Section, Task
from .changes import Where

__all__ = [
    "MIN_REACH",
    "PAIR_LIMIT",
    "SIMILARITY",
    "Entry",
    "Flat",
    "Pair",
    "flatten",
    "match_level",
    "node_text",
]

SIMILARITY = 0.6
"""Least difflib ratio at which two texts are taken for versions of one another."""

PAIR_LIMIT = 200_000
"""Most text pairs the similarity pass of one level compares (about a second and a half here):
within it, every remaining pair; beyond it, a window around each node's place."""

MIN_REACH = 2
"""Least number of old nodes on either side of a new node's place that its window holds, however
many nodes remain (a node pushed down by a few inserted before it is still found)."""


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
class Entry:
    """A node of one plan with its place: level, parent and order in the whole document."""

    node: Section | Task | Measure
    where: Where
    seq: int


@dataclass(frozen=True)
class Flat:
    """A plan's sections, tasks and measures, each level in document order."""

    sections: tuple[Entry, ...]
    tasks: tuple[Entry, ...]
    measures: tuple[Entry, ...]


def flatten(plan: Plan) -> Flat:
    sections: list[Entry] = []
    tasks: list[Entry] = []
    measures: list[Entry] = []
    seq = 0
    for section in plan.sections:
        where = Where("section", section.id, section.label, section.number, None)
        sections.append(Entry(section, where, seq := seq + 1))
        for task in section.tasks:
            where = Where("task", task.id, task.label, task.number, section.id)
            tasks.append(Entry(task, where, seq := seq + 1))
            for measure in task.measures:
                where = Where("measure", measure.id, measure.label, measure.number, task.id)
                measures.append(Entry(measure, where, seq := seq + 1))
    return Flat(tuple(sections), tuple(tasks), tuple(measures))


def node_text(node: Section | Task | Measure) -> str:
    """The text a node is matched and compared by: a section's title, else its text."""
    return node.title if isinstance(node, Section) else node.text


@dataclass(frozen=True)
class Pair:
    """Two entries taken to be one node, how similar their texts are, and whether it moved."""

    old: Entry
    new: Entry
    similarity: float
    moved: bool


def match_level(
    old: Sequence[Entry], new: Sequence[Entry], parent_match: Mapping[str, str]
) -> list[Pair]:
    """Match one level; `parent_match` maps old parent ids to the new ids they matched."""

    def group(entry: Entry, side: str) -> str:
        parent = entry.where.parent
        if parent is None or side == "new":
            return parent or ""
        return parent_match.get(parent, f"\0{parent}")  # an unmatched parent matches no group

    old_nodes = [
        _Node(i, group(e, "old"), e.where.number or 0, node_text(e.node)) for i, e in enumerate(old)
    ]
    new_nodes = [
        _Node(i, group(e, "new"), e.where.number or 0, node_text(e.node)) for i, e in enumerate(new)
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
        Pair(old[o], new[n], similarity, moved=o not in in_order)
        for o, (n, similarity) in sorted(matched.items())
    ]
