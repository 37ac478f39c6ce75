"""Plans -> what the site's pages show: pure functions from the model to plain, sorted values.

Nothing here knows HTML. The templates (`render.py`) only lay out what these functions give,
and the charts (`charts.py`) draw the tables given here, so the numbers a chart is drawn from
and the table printed under it are the same values.

The plan's tree is walked generically (`item_of`): every node with a `span` under one of the
fields in `CHILD_FIELDS` becomes an `Item`, its children in source order. A new kind of node
(prose paragraphs, assignment segments, points under measures) shows on the plan page, the
agency pages and the deadline page once its field is named there.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..agencies import Registry
from ..linked.vocab import ROLE_LABELS
from ..model import Deadline, Plan, Role, Span, Target

__all__ = [
    "CHILD_FIELDS",
    "COUNTED_KINDS",
    "ROLES",
    "AgencyLoad",
    "AgencyRow",
    "Badge",
    "DeadlineGroup",
    "Item",
    "PlanView",
    "SourcePiece",
    "agency_entries",
    "agency_load",
    "co_assignments",
    "deadline_groups",
    "deadline_series",
    "item_of",
    "plan_view",
    "source_pieces",
    "walk",
]

CHILD_FIELDS = ("paragraphs", "points", "tasks", "measures")
"""The fields of a node that hold its child nodes; children show in source order."""
COUNTED_KINDS = frozenset({"task", "measure", "paragraph", "point"})
"""Kinds of item that can carry a responsibility; a paragraph counts only when it does (an
assignment segment), prose that assigns nothing is context."""
ROLES: tuple[Role, ...] = tuple(ROLE_LABELS)
"""Every role, in the order the badges and chart columns show them."""


@dataclass(frozen=True)
class Badge:
    """One agency cited on an item, with its role."""

    agency_id: str | None
    """Registry id, None when the registry does not know the name."""
    name: str
    """The name as cited."""
    role: Role

    @property
    def role_zh(self) -> str:
        return ROLE_LABELS[self.role][0]

    @property
    def role_en(self) -> str:
        return ROLE_LABELS[self.role][1]


@dataclass(frozen=True)
class Item:
    """A node of the plan's tree as the plan page shows it."""

    kind: str
    """section, task, measure, or the lower-case class name of any other node."""
    id: str
    label: str
    text: str
    span: Span
    responsibility: str
    """The responsibility line as printed, empty when none."""
    responsibility_span: Span | None
    badges: tuple[Badge, ...]
    deadlines: tuple[Deadline, ...]
    targets: tuple[Target, ...]
    children: tuple[Item, ...]

    @property
    def counted(self) -> bool:
        """Whether the item counts among the plan's items (in the filter, the deadline page)."""
        return self.kind in COUNTED_KINDS and (
            self.kind != "paragraph" or bool(self.responsibility)
        )

    @property
    def agency_ids(self) -> tuple[str, ...]:
        """The registry ids cited on this item itself, sorted, each once."""
        return tuple(sorted({b.agency_id for b in self.badges if b.agency_id}))


def _children(node: Any) -> list[Any]:
    kids = [child for name in CHILD_FIELDS for child in getattr(node, name, ())]
    return sorted(kids, key=lambda child: child.span.start)


def item_of(node: Any) -> Item:
    """The `Item` of any node of the plan tree (section, task, measure, or a later kind)."""
    resp = getattr(node, "responsibility", None)
    badges = tuple(Badge(a.agency_id, a.agency, a.role) for a in (resp.assignments if resp else ()))
    kind = type(node).__name__.lower()
    text = node.title if kind == "section" else node.text
    return Item(
        kind=kind,
        id=node.id,
        label=getattr(node, "label", ""),
        text=text,
        span=node.span,
        responsibility=resp.text if resp else "",
        responsibility_span=resp.span if resp else None,
        badges=badges,
        deadlines=tuple(getattr(node, "deadlines", ())),
        targets=tuple(getattr(node, "targets", ())),
        children=tuple(item_of(child) for child in _children(node)),
    )


def walk(items: Iterable[Item]) -> Iterator[Item]:
    """Every item under `items`, depth first, in document order."""
    for item in items:
        yield item
        yield from walk(item.children)


@dataclass(frozen=True)
class PlanView:
    """One plan as its pages show it."""

    plan: Plan
    sections: tuple[Item, ...]
    text: str
    """The source text the spans point into."""
    front: tuple[Item, ...] = ()
    """The preamble's paragraphs, before the sections."""
    back: tuple[Item, ...] = ()
    """The closing paragraphs, after the last task; the plan's own deadlines stand here."""

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def title(self) -> str:
        return self.plan.plan_title or self.plan.title

    def items(self) -> Iterator[Item]:
        """Every item in document order: preamble, the task tree, closing."""
        return walk((*self.front, *self.sections, *self.back))

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items() if item.kind == kind)

    def agency_ids(self) -> tuple[str, ...]:
        return tuple(sorted({a for item in self.items() for a in item.agency_ids}))


def plan_view(plan: Plan, text: str) -> PlanView:
    """The page data of `plan`, whose spans point into `text`."""
    sections = tuple(item_of(section) for section in plan.sections)
    return PlanView(plan, sections, text, _prose(plan, "preamble"), _prose(plan, "closing"))


def _prose(plan: Plan, kind: str) -> tuple[Item, ...]:
    """The plan's paragraphs of `kind` as items; each plan-level deadline goes with the
    paragraph that states it."""
    blocks = [b for b in (*plan.front, *plan.back) if b.kind == kind]
    return tuple(
        Item(
            kind=kind,
            id=f"{kind}_{number}",
            label="",
            text=block.text,
            span=block.span,
            responsibility="",
            responsibility_span=None,
            badges=(),
            deadlines=tuple(
                d for d in plan.deadlines if block.span.start <= d.span.start < block.span.end
            ),
            targets=(),
            children=(),
        )
        for number, block in enumerate(blocks, start=1)
    )


# --- the source text, cut at the spans ---------------------------------------------------------


@dataclass(frozen=True)
class SourcePiece:
    """A run of the source text, or where a node's span opens or closes around such runs."""

    kind: str
    """text, open or close."""
    text: str = ""
    anchor: str = ""
    """The element id of an opening span: `src-` and the node id."""


def source_pieces(view: PlanView) -> tuple[SourcePiece, ...]:
    """The source text as runs of text between the openings and closings of every node's span.

    Spans that nest or are disjoint each become one element; a span that crosses one opened
    before it is left out (its node then links to its line instead), so the pieces always
    nest. Empty spans (an implicit section) are left out too.
    """
    spans: list[tuple[int, int, str]] = []
    for item in view.items():
        if item.span.end > item.span.start:
            spans.append((item.span.start, item.span.end, f"src-{item.id}"))
        if item.responsibility_span is not None:
            s = item.responsibility_span
            spans.append((s.start, s.end, f"src-{item.id}-resp"))
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))
    pieces: list[SourcePiece] = []
    open_ends: list[int] = []
    at = 0
    text = view.text

    def advance(to: int) -> None:
        nonlocal at
        while open_ends and open_ends[-1] <= to:
            end = open_ends.pop()
            if end > at:
                pieces.append(SourcePiece("text", text[at:end]))
                at = end
            pieces.append(SourcePiece("close"))
        if to > at:
            pieces.append(SourcePiece("text", text[at:to]))
            at = to

    for start, end, anchor in spans:
        advance(start)
        if open_ends and end > open_ends[-1]:
            continue  # crosses the span that is open: not nested
        pieces.append(SourcePiece("open", anchor=anchor))
        open_ends.append(end)
    advance(len(text))
    return tuple(pieces)


def source_anchors(pieces: Sequence[SourcePiece]) -> frozenset[str]:
    """The anchors `source_pieces` kept."""
    return frozenset(p.anchor for p in pieces if p.kind == "open")


# --- agencies across plans -----------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    """One item an agency is cited on."""

    plan_id: str
    plan_title: str
    item: Item
    role: Role
    within: str = ""
    """The labels of the items above it, below the section (（五） for a measure of task 5)."""


def agency_entries(views: Sequence[PlanView]) -> dict[str, tuple[AgencyRow, ...]]:
    """Registry id -> every item that cites it (one row per role cited), plans in order."""
    rows: dict[str, list[AgencyRow]] = defaultdict(list)
    for view in views:
        for item, within in _walk_within(view.sections, ""):
            seen: set[tuple[str, Role]] = set()
            for badge in item.badges:
                if badge.agency_id and (badge.agency_id, badge.role) not in seen:
                    seen.add((badge.agency_id, badge.role))
                    row = AgencyRow(view.id, view.title, item, badge.role, within)
                    rows[badge.agency_id].append(row)
    return {agency_id: tuple(rows[agency_id]) for agency_id in sorted(rows)}


def _walk_within(items: Iterable[Item], within: str) -> Iterator[tuple[Item, str]]:
    for item in items:
        yield item, within
        below = within if item.kind == "section" else within + item.label
        yield from _walk_within(item.children, below)


def unknown_names(views: Sequence[PlanView]) -> tuple[tuple[str, int], ...]:
    """Names cited that the registry does not know, with how often, most cited first."""
    counts = Counter(
        badge.name
        for view in views
        for item in view.items()
        for badge in item.badges
        if badge.agency_id is None
    )
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class AgencyLoad:
    """How many items cite one agency, per role."""

    agency_id: str
    name: str
    counts: Mapping[Role, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def agency_load(
    entries: Mapping[str, Sequence[AgencyRow]], registry: Registry
) -> tuple[AgencyLoad, ...]:
    """Per agency, the items it is cited on per role; most cited first, then by id."""
    loads = []
    for agency_id, rows in entries.items():
        counts = Counter(row.role for row in rows)
        loads.append(
            AgencyLoad(agency_id, _name(agency_id, registry), {r: counts.get(r, 0) for r in ROLES})
        )
    return tuple(sorted(loads, key=lambda load: (-load.total, load.agency_id)))


def _name(agency_id: str, registry: Registry) -> str:
    agency = registry.get(agency_id)
    return agency.name_zh if agency is not None else agency_id


def co_assignments(views: Sequence[PlanView]) -> tuple[tuple[str, str, int], ...]:
    """(agency a, agency b, items citing both) for every pair cited together; a < b."""
    pairs: Counter[tuple[str, str]] = Counter()
    for view in views:
        for item in view.items():
            pairs.update(combinations(item.agency_ids, 2))
    return tuple(sorted(((a, b, n) for (a, b), n in pairs.items()), key=lambda p: (-p[2], p)))


# --- deadlines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineGroup:
    """What falls due in one month."""

    year: int
    month: int
    rows: tuple[tuple[str, Item, Deadline], ...]
    """(plan id, item, deadline), by date then document order."""

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Deadlines:
    """The deadline page: months with what is due, and the items that carry no deadline."""

    groups: tuple[DeadlineGroup, ...]
    undated: tuple[tuple[str, Item], ...] = field(default=())

    def by_year(self) -> dict[int, tuple[DeadlineGroup, ...]]:
        years: dict[int, list[DeadlineGroup]] = defaultdict(list)
        for group in self.groups:
            years[group.year].append(group)
        return {year: tuple(groups) for year, groups in years.items()}


def deadline_groups(views: Sequence[PlanView]) -> Deadlines:
    """Every deadline of every item by month, and the tasks and measures without one."""
    due: dict[tuple[int, int], list[tuple[dt.date, int, str, Item, Deadline]]] = defaultdict(list)
    undated: list[tuple[str, Item]] = []
    order = 0
    for view in views:
        for item in view.items():
            order += 1
            for deadline in item.deadlines:
                key = (deadline.date.year, deadline.date.month)
                due[key].append((deadline.date, order, view.id, item, deadline))
            if not item.deadlines and item.counted and item.badges:
                undated.append((view.id, item))
    groups = tuple(
        DeadlineGroup(
            year, month, tuple((p, i, d) for _, _, p, i, d in sorted(due[(year, month)], key=_k))
        )
        for year, month in sorted(due)
    )
    return Deadlines(groups, tuple(undated))


MONTHLY_SPAN = 36
"""Up to this many months from the first deadline to the last the chart counts by month, else
by year."""


def deadline_series(deadlines: Deadlines) -> tuple[tuple[str, int], ...]:
    """(period, deadlines due in it) from the first period to the last, empty ones included so
    the time axis is even: months (YYYY-MM) over up to `MONTHLY_SPAN` months, else years."""
    if not deadlines.groups:
        return ()
    counts = {(g.year, g.month): len(g.rows) for g in deadlines.groups}
    (y0, m0), (y1, m1) = min(counts), max(counts)
    if (y1 - y0) * 12 + m1 - m0 < MONTHLY_SPAN:
        months = [divmod(i, 12) for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]
        return tuple((f"{y:04d}-{m + 1:02d}", counts.get((y, m + 1), 0)) for y, m in months)
    years = Counter[int]()
    for (year, _), n in counts.items():
        years[year] += n
    return tuple((f"{y:04d}", years[y]) for y in range(y0, y1 + 1))


def _k(row: tuple[dt.date, int, str, Item, Deadline]) -> tuple[dt.date, int]:
    return row[0], row[1]
