"""Plans -> the site's files (path -> bytes), through Jinja2 templates with escaping on.

`site_files` is pure and deterministic: the same plan, registry and package files give the
same bytes (no timestamps; charts with fixed ids). Paths are relative to the site's folder:

    index.html               landing page: licence, source, how to cite, every package file
    plans/<plan id>.html     sections -> tasks -> measures, role badges, deadlines, targets
    text/<plan id>.html      the source text; every node's span is an element to link to
    agencies/index.html      every agency cited, with its load per role
    agencies/<id>.html       what one agency is cited on, across every plan
    deadlines.html           what is due by year and month, and what has no deadline
    charts.html, charts/*.svg   the three charts, each with its numbers as a table
    static/site.css, static/filter.js

No list on a page grows without bound: past `pages.LIST_LIMIT` rows (items of a plan, of an
agency, deadlines) a page shows the first ones and says how many it leaves out; the numbers
count everything, and the source text page is always whole.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..agencies import Registry
from ..errors import ExportError
from ..fileset import overlay, stat_of
from ..linked.names import ROLE_LABELS
from ..model import Plan
from ..publication import DESCRIPTOR, GENERATOR, LANDING_PAGE
from ..tabular.descriptor import source_path
from . import cache, charts
from .counts import agency_load, deadline_series
from .pages import LIST_LIMIT, ROLES, PlanView, site_data
from .source import source_anchors, source_pieces

__all__ = ["corpus_site_files", "site_files"]
"""The generator named in every page's head; `fgf site` replaces only a folder that says so."""
STATIC = ("site.css", "filter.js")
CHARTS = {
    "agency-load": ("各单位承担事项", "Agency load by role"),
    "deadlines": ("截止时间分布", "Deadlines over time"),
    "co-assignment": ("单位协同网络", "Agency co-assignment network"),
}


@functools.cache
def _environment(template_cache: Path | None) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("fgf_opendata.site", "templates"),
        # Compiling the templates costs a build more than rendering them: compiled once, kept.
        bytecode_cache=None if template_cache is None else cache.template_cache(template_cache),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _static(name: str) -> bytes:
    return (resources.files("fgf_opendata.site") / "static" / name).read_bytes()


@dataclass(frozen=True)
class PackageFile:
    """A file of the package as the landing page lists it."""

    path: str
    size: int
    sha256: str
    href: str | None


def site_files(
    plan: Plan,
    registry: Registry,
    package_files: Mapping[str, bytes],
    *,
    package_href: str | None = "../",
) -> dict[str, bytes]:
    """The site of one plan's package; its source text is the package's `source/<id>.txt`.

    `package_files` (path -> bytes, datapackage.json included when there is one) is listed on
    the landing page with sizes and checksums, linked as `package_href` + path (None: not
    linked, when the site is published without its package).
    """
    text = package_files[source_path(plan)].decode("utf-8")
    return corpus_site_files([(plan, text)], registry, package_files, package_href=package_href)


def corpus_site_files(
    plans: Sequence[tuple[Plan, str]],
    registry: Registry,
    package_files: Mapping[str, bytes],
    *,
    package_href: str | None = "../",
) -> dict[str, bytes]:
    """The site of several plans, each given with the source text its spans point into."""
    data = site_data(plans)
    views = data.views
    env = _environment(cache.cache_folder("templates"))
    descriptor = _descriptor(package_files)
    entries = data.entries
    loads = agency_load(data.roles, registry)
    deadlines = data.deadlines
    pairs = data.pairs
    common = {
        "generator": GENERATOR,
        "views": views,
        "descriptor": descriptor,
        "roles": ROLES,
        "role_zh": {role: ROLE_LABELS[role][0] for role in ROLES},
        "registry": registry,
        "limit": LIST_LIMIT,
    }

    def page(template: str, depth: int, **values: Any) -> bytes:
        root = "../" * depth
        html: str = env.get_template(template).render(root=root, **common, **values)
        return html.encode("utf-8")

    files: dict[str, bytes] = {}
    for name in STATIC:
        files[f"static/{name}"] = _static(name)

    listed = [
        PackageFile(
            path,
            *_size_and_digest(package_files, path),
            None if package_href is None else package_href + path,
        )
        for path in sorted(package_files)
    ]
    files["index.html"] = page(
        "index.html", 0, files=listed, loads=loads, dataset=_dataset(plans, registry, package_files)
    )

    for view in views:
        pieces = source_pieces(view)
        files[f"plans/{view.id}.html"] = page(
            "plan.html",
            1,
            view=view,
            anchors=source_anchors(pieces),
            agencies=_agencies_of(view, registry),
        )
        files[f"text/{view.id}.html"] = page("text.html", 1, view=view, pieces=pieces)

    files["agencies/index.html"] = page("agencies.html", 1, loads=loads, unknown=data.unknown)
    by_id = {load.agency_id: load for load in loads}
    for agency_id, rows in entries.items():
        agency = registry.get(agency_id)
        files[f"agencies/{agency_id}.html"] = page(
            "agency.html",
            1,
            agency=agency,
            agency_id=agency_id,
            rows=rows,
            load=by_id[agency_id],
            cited=entries.keys(),
        )

    files["deadlines.html"] = page("deadlines.html", 0, deadlines=deadlines)

    months = deadline_series(deadlines)
    network_ids = _network_ids(pairs)
    network_pairs = [p for p in pairs if p[0] in network_ids and p[1] in network_ids]
    names = {agency_id: _short(agency_id, registry) for agency_id in network_ids}
    kept = cache.cache_folder("charts")  # drawn once, then the same bytes from the cache
    files["charts/agency-load.svg"] = charts.agency_load_svg(
        loads, CHARTS["agency-load"][0], cache=kept
    )
    files["charts/deadlines.svg"] = charts.deadlines_svg(months, CHARTS["deadlines"][0], cache=kept)
    files["charts/co-assignment.svg"] = charts.co_assignment_svg(
        names, network_pairs, CHARTS["co-assignment"][0], cache=kept
    )
    files["charts.html"] = page(
        "charts.html",
        0,
        charts=CHARTS,
        loads=loads,
        load_top=charts.LOAD_TOP,
        months=months,
        network_pairs=network_pairs,
        names=names,
    )
    return dict(sorted(files.items()))


def _dataset(
    plans: Sequence[tuple[Plan, str]], registry: Registry, package_files: Mapping[str, bytes]
) -> dict[str, Any] | None:
    """The schema.org `Dataset` markup of a single plan's package, which search engines read
    from its landing page (this page); None for a corpus or for source texts alone."""
    if len(plans) != 1 or DESCRIPTOR not in package_files:
        return None
    from ..linked.catalog import dataset_jsonld

    return dataset_jsonld(
        plans[0][0], overlay({LANDING_PAGE: None}, package_files), registry=registry
    )


def _size_and_digest(package_files: Mapping[str, bytes], path: str) -> tuple[int, str]:
    """From `fileset.stat_of`: a `fileset.FileSet` gives them without reading the file."""
    stat = stat_of(package_files, path)
    if stat is None:
        raise ExportError(f"{path} is not made yet")
    return stat[0], stat[1].removeprefix("sha256:")


def _descriptor(package_files: Mapping[str, bytes]) -> dict[str, Any]:
    """What the landing page shows of the package's descriptor (each key there, maybe empty)."""
    data = package_files.get(DESCRIPTOR)
    loaded: dict[str, Any] = json.loads(data) if data is not None else {}
    return {key: loaded.get(key) for key in ("title", "version", "licenses", "sources")}


def _short(agency_id: str, registry: Registry) -> str:
    agency = registry.get(agency_id)
    return agency.name_zh if agency is not None else agency_id


def _agencies_of(view: PlanView, registry: Registry) -> list[tuple[str, str]]:
    """(id, name) of every agency the plan cites, by name, for the filter."""
    return sorted(((a, _short(a, registry)) for a in view.agency_ids()), key=lambda p: p[1])


def _network_ids(pairs: Sequence[tuple[str, str, int]]) -> frozenset[str]:
    """The agencies the network shows: those with the most co-assigned items."""
    degree: dict[str, int] = {}
    for a, b, n in pairs:
        degree[a] = degree.get(a, 0) + n
        degree[b] = degree.get(b, 0) + n
    ranked = sorted(degree, key=lambda a: (-degree[a], a))
    return frozenset(ranked[: charts.NETWORK_TOP])
