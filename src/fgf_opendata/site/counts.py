"""What the site's charts count: each agency's items per role, and deadlines per month or
year. The charts (`charts`) draw these values and the pages print them as tables under the
charts, so the two never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ..agencies import Registry
from ..model import Role
from .pages import ROLES, Deadlines

__all__ = ["MONTHLY_SPAN", "AgencyLoad", "agency_load", "deadline_series"]


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
    roles: Mapping[str, Mapping[Role, int]], registry: Registry
) -> tuple[AgencyLoad, ...]:
    """Per agency, the items it is cited on per role (`SiteData.roles`); most cited first,
    then by id."""
    loads = [
        AgencyLoad(agency_id, _name(agency_id, registry), {r: counts.get(r, 0) for r in ROLES})
        for agency_id, counts in roles.items()
    ]
    return tuple(sorted(loads, key=lambda load: (-load.total, load.agency_id)))


def _name(agency_id: str, registry: Registry) -> str:
    agency = registry.get(agency_id)
    return agency.name_zh if agency is not None else agency_id


MONTHLY_SPAN = 36
"""Up to this many months from the first deadline to the last the chart counts by month, else
by year."""


def deadline_series(deadlines: Deadlines) -> tuple[tuple[str, int], ...]:
    """(period, deadlines due in it) from the first period to the last, empty ones included so
    the time axis is even: months (YYYY-MM) over up to `MONTHLY_SPAN` months, else years."""
    if not deadlines.groups:
        return ()
    counts = {(g.year, g.month): g.total for g in deadlines.groups}
    (y0, m0), (y1, m1) = min(counts), max(counts)
    if (y1 - y0) * 12 + m1 - m0 < MONTHLY_SPAN:
        months = [divmod(i, 12) for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]
        return tuple((f"{y:04d}-{m + 1:02d}", counts.get((y, m + 1), 0)) for y, m in months)
    years = Counter[int]()
    for (year, _), n in counts.items():
        years[year] += n
    return tuple((f"{y:04d}", years[y]) for y in range(y0, y1 + 1))
