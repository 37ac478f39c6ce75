"""Plans -> what the site's pages show: pure functions from the model to plain, sorted values.

Nothing here knows HTML. The templates (`render.py`) only lay out what these functions give,
and the charts (`charts.py`) draw the tables `counts` makes of what is gathered here, so the
numbers a chart is drawn from and the table printed under it are the same values. A plan's
source text, cut at the spans of its items, is `source`.

The plan's tree is walked generically: every node with a `span` under one of the fields in
`CHILD_FIELDS` is an item, its children in source order (`item_of` makes the `Item` of a node
and all below it). A new kind of node (prose paragraphs, assignment segments, points under
measures) shows on the plan page, the agency pages and the deadline page once its field is
named there.

A page is for reading, so no list on it grows without bound: a plan page shows the first
`LIST_LIMIT` items of its plan, an agency page the first `LIST_LIMIT` items citing the agency,
the deadline page the `LIST_LIMIT` earliest deadlines and the first `LIST_LIMIT` items without
one, and each list cut there says how many it leaves out. The numbers (per kind, per agency and
role, per month, per pair of agencies) always count every item: `site_data` walks each plan
once, and makes an `Item` only of what a page shows. Real plans are far below the limit (the
reference plan has 105 items, the largest of the test corpus 149); a generated plan of 99,900
tasks is not, and its package holds every item for whoever needs them all.
"""

from __future__ import annotations

import functools
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from ..linked.names import ROLE_LABELS
from ..model import Deadline, Plan, Role, Span, Target

__all__ = [
    "CHILD_FIELDS",
    "COUNTED_KINDS",
    "LIST_LIMIT",
    "ROLES",
    "AgencyRow",
    "Badge",
    "DeadlineGroup",
    "Deadlines",
    "Item",
    "PlanView",
    "SiteData",
    "item_of",
    "site_data",
    "walk",
]

CHILD_FIELDS = ("paragraphs", "points", "tasks", "measures")
"""The fields of a node that hold its child nodes; children show in source order."""
COUNTED_KINDS = frozenset({"task", "measure", "paragraph", "point"})
"""Kinds of item that can carry a responsibility; a paragraph counts only when it does (an
assignment segment), prose that assigns nothing is context."""
ROLES: tuple[Role, ...] = tuple(ROLE_LABELS)
"""Every role, in the order the badges and chart columns show them."""
LIST_LIMIT = 1000
"""The most rows one list of a page shows: items on a plan page, items on an agency page,
deadlines and undated items on the deadline page, names the registry does not know."""


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
    on_page: bool = True
    """Whether the plan page shows it (it is among the first `LIST_LIMIT` items of its plan);
    a list elsewhere links only to an item that is there."""

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


@dataclass(frozen=True)
class _Shape:
    """What a class of node holds: its kind, child fields, and which optional fields it has."""

    kind: str
    children: tuple[str, ...]
    fields: frozenset[str]


@functools.cache
def _shape(cls: type) -> _Shape | None:
    """The shape of a pydantic node class, None for any other class (looked up per node).

    A pydantic model answers a missing attribute through `__getattr__` and an exception, which
    costs more than everything else an item does: its fields are known from the class instead.
    """
    fields = getattr(cls, "model_fields", None)
    if not isinstance(fields, dict):
        return None
    names = frozenset(fields)
    return _Shape(cls.__name__.lower(), tuple(f for f in CHILD_FIELDS if f in names), names)


def _shape_of(node: object) -> _Shape | None:
    return _shape(type(node))  # type: ignore[arg-type]  # mypy: a class is not Hashable


def _get(node: object, name: str, default: Any) -> Any:
    shape = _shape_of(node)
    if shape is None:
        return getattr(node, name, default)
    return getattr(node, name) if name in shape.fields else default


def _kind(node: object) -> str:
    shape = _shape_of(node)
    return shape.kind if shape is not None else type(node).__name__.lower()


def _children(node: object) -> Sequence[Any]:
    shape = _shape_of(node)
    names = shape.children if shape is not None else CHILD_FIELDS
    groups: list[Sequence[Any]] = [kids for name in names if (kids := getattr(node, name, ()))]
    if len(groups) == 1:
        return groups[0]  # one kind of child: already in source order
    return sorted((kid for kids in groups for kid in kids), key=lambda kid: kid.span.start)


def _item(node: Any, children: tuple[Item, ...], on_page: bool = True) -> Item:
    resp = _get(node, "responsibility", None)
    badges = tuple(Badge(a.agency_id, a.agency, a.role) for a in (resp.assignments if resp else ()))
    kind = _kind(node)
    return Item(
        kind=kind,
        id=node.id,
        label=_get(node, "label", ""),
        text=node.title if kind == "section" else node.text,
        span=node.span,
        responsibility=resp.text if resp else "",
        responsibility_span=resp.span if resp else None,
        badges=badges,
        deadlines=tuple(_get(node, "deadlines", ())),
        targets=tuple(_get(node, "targets", ())),
        children=children,
        on_page=on_page,
    )


def item_of(node: Any) -> Item:
    """The `Item` of any node of the plan tree (section, task, measure, or a later kind), with
    every node below it."""
    return _item(node, tuple(item_of(child) for child in _children(node)))


def walk(items: Iterable[Item]) -> Iterator[Item]:
    """Every item under `items`, depth first, in document order."""
    for item in items:
        yield item
        yield from walk(item.children)


@dataclass(frozen=True)
class PlanView:
    """One plan as its pages show it: the items shown (the first `LIST_LIMIT`), and what is
    counted over all of them."""

    plan: Plan
    sections: tuple[Item, ...]
    text: str
    """The source text the spans point into."""
    front: tuple[Item, ...] = ()
    """The preamble's paragraphs, before the sections."""
    back: tuple[Item, ...] = ()
    """The closing paragraphs, after the last task; the plan's own deadlines stand here."""
    counts: Mapping[str, int] = field(default_factory=dict)
    """Items per kind, every item of the plan."""
    cited: tuple[str, ...] = ()
    """The registry ids of every agency the plan cites, sorted."""
    total: int = 0
    """How many items the plan has."""
    shown: int = 0
    """How many of them the plan page shows."""

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def title(self) -> str:
        return self.plan.plan_title or self.plan.title

    @property
    def left_out(self) -> int:
        """Items the plan page does not show."""
        return self.total - self.shown

    def items(self) -> Iterator[Item]:
        """Every item shown, in document order: preamble, the task tree, closing."""
        return walk((*self.front, *self.sections, *self.back))

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    def agency_ids(self) -> tuple[str, ...]:
        return self.cited


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


def _shown(nodes: Sequence[Any], room: list[int]) -> tuple[Item, ...]:
    """The items of `nodes` and below, in document order, while `room[0]` lasts (each takes
    one); what comes after is not made at all."""
    items = []
    for node in nodes:
        if room[0] <= 0:
            break
        room[0] -= 1
        if isinstance(node, Item):
            items.append(node)
        else:
            items.append(_item(node, _shown(_children(node), room)))
    return tuple(items)


def _document(plan: Plan) -> Iterator[tuple[Any, str]]:
    """Every node of the plan in document order (preamble and closing as their items), each
    with the labels of the items above it below the section (（五） for a measure of task 5)."""
    yield from ((item, "") for item in _prose(plan, "preamble"))
    for section in plan.sections:
        yield from _below(section, "")
    yield from ((item, "") for item in _prose(plan, "closing"))


def _below(node: Any, within: str) -> Iterator[tuple[Any, str]]:
    yield node, within
    kids = _children(node)
    if kids:
        below = within if _kind(node) == "section" else within + _get(node, "label", "")
        for kid in kids:
            yield from _below(kid, below)


# --- every plan in one pass --------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    """One item an agency is cited on."""

    plan_id: str
    plan_title: str
    item: Item
    role: Role
    within: str = ""
    """The labels of the items above it, below the section (（五） for a measure of task 5)."""


@dataclass(frozen=True)
class DeadlineGroup:
    """What falls due in one month."""

    year: int
    month: int
    rows: tuple[tuple[str, Item, Deadline], ...]
    """(plan id, item, deadline), by date then document order: those the page shows."""
    left_out: int = 0
    """Deadlines in the month the page does not show (beyond the earliest `LIST_LIMIT`)."""

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def total(self) -> int:
        return len(self.rows) + self.left_out


@dataclass(frozen=True)
class Deadlines:
    """The deadline page: months with what is due, and the items that carry no deadline."""

    groups: tuple[DeadlineGroup, ...]
    undated: tuple[tuple[str, Item], ...] = field(default=())
    """(plan id, item) of the first `LIST_LIMIT` tasks and measures without a deadline."""
    undated_total: int | None = None
    """How many there are; None: as many as `undated` holds."""

    def by_year(self) -> dict[int, tuple[DeadlineGroup, ...]]:
        years: dict[int, list[DeadlineGroup]] = defaultdict(list)
        for group in self.groups:
            years[group.year].append(group)
        return {year: tuple(groups) for year, groups in years.items()}

    @property
    def undated_count(self) -> int:
        return len(self.undated) if self.undated_total is None else self.undated_total


@dataclass(frozen=True)
class SiteData:
    """What every page of a site shows, from one walk over every plan."""

    views: tuple[PlanView, ...]
    entries: Mapping[str, tuple[AgencyRow, ...]]
    """Registry id -> the first `LIST_LIMIT` items citing it (a row per role cited), plans in
    order; ids sorted."""
    roles: Mapping[str, Mapping[Role, int]]
    """Registry id -> how many items cite it in each role (every item)."""
    deadlines: Deadlines
    pairs: tuple[tuple[str, str, int], ...]
    """(agency a, agency b, items citing both) for every pair cited together; a < b; most
    shared first."""
    unknown: tuple[tuple[str, int], ...]
    """Names cited that the registry does not know, with how often, most cited first."""


def site_data(plans: Sequence[tuple[Plan, str]], *, limit: int = LIST_LIMIT) -> SiteData:
    """The pages' data of `plans`, each given with the source text its spans point into: one
    walk over every node of every plan counts it, and makes an `Item` of it only for a row a
    page shows."""
    views = []
    rows: dict[str, list[AgencyRow]] = defaultdict(list)
    roles: dict[str, Counter[Role]] = defaultdict(Counter)
    due: Counter[tuple[int, int]] = Counter()
    # The earliest deadlines so far, keys negated so the latest is on top; their items are
    # made once the walk is done (a deadline may be pushed out again).
    earliest: list[tuple[int, int, str, Deadline, Any, bool]] = []
    undated: list[tuple[str, Item]] = []
    undated_total = 0
    pairs: Counter[tuple[str, str]] = Counter()
    unknown: Counter[str] = Counter()
    sequence = 0  # each deadline's place in document order
    for plan, text in plans:
        title = plan.plan_title or plan.title
        counts: Counter[str] = Counter()
        cited: set[str] = set()
        for position, (node, within) in enumerate(_document(plan)):
            item: Item | None = None  # made once, for the first row that shows the node
            if isinstance(node, Item):  # a paragraph of the preamble or the closing
                kind, resp, deadlines = node.kind, None, node.deadlines
            else:
                kind = _kind(node)
                resp = _get(node, "responsibility", None)
                deadlines = _get(node, "deadlines", ())
            counts[kind] += 1
            assignments = resp.assignments if resp is not None else ()
            ids: set[str] = set()
            seen: set[tuple[str, Role]] = set()
            for a in assignments:
                if a.agency_id is None:
                    unknown[a.agency] += 1
                    continue
                ids.add(a.agency_id)
                if (a.agency_id, a.role) in seen:
                    continue
                seen.add((a.agency_id, a.role))
                roles[a.agency_id][a.role] += 1
                kept = rows[a.agency_id]
                if len(kept) < limit:
                    item = item or _row_item(node, position < limit)
                    kept.append(AgencyRow(plan.id, title, item, a.role, within))
            cited |= ids
            if len(ids) > 1:
                pairs.update(combinations(sorted(ids), 2))
            for deadline in deadlines:
                sequence += 1
                due[(deadline.date.year, deadline.date.month)] += 1
                key = (-deadline.date.toordinal(), -sequence)
                if len(earliest) < limit or key > earliest[0][:2]:
                    entry = (*key, plan.id, deadline, node, position < limit)
                    if len(earliest) < limit:
                        heapq.heappush(earliest, entry)
                    else:
                        heapq.heapreplace(earliest, entry)
            counted = kind in COUNTED_KINDS and (kind != "paragraph" or bool(resp and resp.text))
            if not deadlines and counted and assignments:
                undated_total += 1
                if len(undated) < limit:
                    undated.append((plan.id, item or _row_item(node, position < limit)))
        room = [limit]
        front = _shown(_prose(plan, "preamble"), room)
        sections = _shown(plan.sections, room)
        back = _shown(_prose(plan, "closing"), room)
        views.append(
            PlanView(
                plan,
                sections,
                text,
                front,
                back,
                counts=dict(counts),
                cited=tuple(sorted(cited)),
                total=sum(counts.values()),
                shown=limit - room[0],
            )
        )
    return SiteData(
        views=tuple(views),
        entries={agency_id: tuple(rows[agency_id]) for agency_id in sorted(rows)},
        roles={agency_id: dict(roles[agency_id]) for agency_id in sorted(roles)},
        deadlines=_deadlines(due, earliest, tuple(undated), undated_total),
        pairs=tuple(sorted(((a, b, n) for (a, b), n in pairs.items()), key=lambda p: (-p[2], p))),
        unknown=tuple(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _row_item(node: Any, on_page: bool) -> Item:
    """The item of `node` alone, as a row elsewhere shows it (its children are not made)."""
    if isinstance(node, Item):
        return node if node.on_page == on_page else replace(node, on_page=on_page)
    return _item(node, (), on_page)


def _deadlines(
    due: Mapping[tuple[int, int], int],
    earliest: Iterable[tuple[int, int, str, Deadline, Any, bool]],
    undated: tuple[tuple[str, Item], ...],
    undated_total: int,
) -> Deadlines:
    """Every month with a deadline, the earliest deadlines kept as rows of their months."""
    shown: dict[tuple[int, int], list[tuple[str, Item, Deadline]]] = defaultdict(list)
    for *_, plan_id, deadline, node, on_page in sorted(earliest, reverse=True):
        row = (plan_id, _row_item(node, on_page), deadline)
        shown[(deadline.date.year, deadline.date.month)].append(row)
    groups = tuple(
        DeadlineGroup(year, month, tuple(shown[(year, month)]), n - len(shown[(year, month)]))
        for (year, month), n in sorted(due.items())
    )
    return Deadlines(groups, undated, undated_total)
