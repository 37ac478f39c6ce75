"""The site's charts: matplotlib figures saved as SVG bytes, the same bytes on every build.

Text is drawn as paths (matplotlib's default `svg.fonttype`), so a chart reads the same in a
browser without any Chinese font; the font is needed here, when the chart is drawn. It is
Noto Sans CJK SC as the `mplfonts` package ships it (installed with fgf-opendata; it wins
over a system copy of the family, so the bytes do not depend on the system's fonts), else a
system font that covers Chinese (Debian's fonts-noto-cjk, WenQuanYi); with none of them the
charts are still made, with a `MissingFontWarning`, and their Chinese labels are boxes.

Determinism: ids inside the SVG come from `svg.hashsalt`, fixed here, and the date is left out
of the metadata; a chart is drawn from matplotlib's default settings, whatever matplotlibrc the
user has. networkx places the co-assignment network with a fixed seed.

The chart cache: importing matplotlib and drawing the three charts is most of what the site
costs, so a chart drawn once is kept, as its SVG bytes, in the user's cache folder (`cache`:
`$XDG_CACHE_HOME/fgf-opendata/charts`, `FGF_OPENDATA_NO_CACHE=1` turns it off). Its key is the
sha256 of everything the bytes are drawn from: the chart's kind, title and data table (each
chart is drawn from its table alone), this module's source, Python, and the installed
matplotlib, numpy, networkx, mplfonts and the packages matplotlib draws with (their wheels'
RECORD, which holds a hash of every installed file, the font included). A chart is only kept
when the font is mplfonts' (a system font has no such fingerprint) and those packages have a
RECORD.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..model import Role
from .cache import read_entry, write_entry
from .counts import AgencyLoad
from .pages import ROLES

__all__ = [
    "MissingFontWarning",
    "agency_load_svg",
    "chart_key",
    "chinese_font",
    "co_assignment_svg",
    "deadlines_svg",
]

_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
_SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei")
_ROLE_COLOURS: dict[Role, str] = {
    "lead": "#1b4f8a",
    "responsible": "#2e86c1",
    "shared": "#85c1e9",
    "guiding": "#7d3c98",
    "participating": "#d68910",
    "supporting": "#28b463",
    "joint": "#c0392b",
}
_SALT = "fgf-opendata"
LOAD_TOP = 20
"""How many agencies the load chart shows (the table lists all)."""
NETWORK_TOP = 24
"""How many agencies the network shows: those cited with others most often."""

# Module -> distribution of what a chart's bytes depend on, beyond its data and this module.
_DRAWN_WITH = {
    "matplotlib": "matplotlib",
    "numpy": "numpy",
    "networkx": "networkx",
    "mplfonts": "mplfonts",
    "fontTools": "fonttools",
    "pyparsing": "pyparsing",
    "cycler": "cycler",
    "kiwisolver": "kiwisolver",
}


class MissingFontWarning(UserWarning):
    """No font that covers Chinese was found: the charts' Chinese labels will not render."""


def _mplfonts_file() -> Path | None:
    spec = importlib.util.find_spec("mplfonts")  # located, not imported: it sets rcParams
    for folder in spec.submodule_search_locations or () if spec else ():
        path = Path(folder) / "fonts" / _MPLFONTS_FILE
        if path.is_file():
            return path
    return None


@functools.cache
def chinese_font() -> str | None:
    """The family name of a font covering Chinese, registered with matplotlib; None if none."""
    from matplotlib import font_manager

    path = _mplfonts_file()
    if path is not None:
        manager = font_manager.fontManager
        manager.addfont(str(path))
        # A system copy of the family (fonts-noto-cjk) would win the tie by coming first;
        # the charts are drawn with the font the cache key names, on every machine alike.
        manager.ttflist.sort(key=lambda entry: entry.fname != str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    for family in _SYSTEM_FAMILIES:
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        return family
    warnings.warn(
        "no font covering Chinese found (pip install mplfonts, or apt-get install "
        "fonts-noto-cjk): the charts' Chinese labels will show as boxes",
        MissingFontWarning,
        stacklevel=2,
    )
    return None


def _rc() -> Any:  # rcParams; matplotlib types the keys as a closed Literal
    family = chinese_font()
    return {
        "svg.hashsalt": _SALT,
        "svg.fonttype": "path",
        "font.family": "sans-serif",
        "font.sans-serif": [*([family] if family else []), "DejaVu Sans"],
        "font.size": 9,
        "axes.unicode_minus": False,
    }


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """matplotlib's defaults (not the user's matplotlibrc) with the charts' settings."""
    from matplotlib import rc_context, style

    with style.context("default"), rc_context(_rc()):
        yield


def _svg(fig: Any, title: str) -> bytes:
    out = io.BytesIO()
    # Fixed margins, not bbox_inches="tight": that draws every figure twice.
    fig.savefig(out, format="svg", metadata={"Date": None, "Title": title})
    return out.getvalue()


# -- the cache ---------------------------------------------------------------------------


def _record(module: str, distribution: str) -> bytes | None:
    """The RECORD of the wheel that installed `module`: a hash of every file it put there."""
    spec = importlib.util.find_spec(module)  # a top-level name: located, not imported
    if spec is None or spec.origin is None:
        return None
    origin = Path(spec.origin)
    folder = origin.parent.parent if spec.submodule_search_locations else origin.parent
    pattern = re.compile(rf"{re.escape(distribution)}-[^-]+\.dist-info", re.IGNORECASE)
    try:
        found = [name for name in os.listdir(folder) if pattern.fullmatch(name)]
        return (folder / found[0] / "RECORD").read_bytes() if len(found) == 1 else None
    except OSError:
        return None


@functools.cache
def _drawn_with() -> str | None:
    """A fingerprint of this module, the Python and the packages a chart is drawn with;
    None when one of them, or mplfonts' font, cannot be fingerprinted (no caching then)."""
    if _mplfonts_file() is None:
        return None
    parts = [sys.version, hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
    for module, distribution in _DRAWN_WITH.items():
        record = _record(module, distribution)
        if record is None:
            return None
        parts.append(f"{distribution} {hashlib.sha256(record).hexdigest()}")
    return "\n".join(parts)


def chart_key(kind: str, title: str, table: object) -> str | None:
    """The cache key of a chart: the sha256 of its kind, title and data table (JSON) and of
    what it is drawn with; None when a chart here cannot be cached."""
    drawn_with = _drawn_with()
    if drawn_with is None:
        return None
    what = json.dumps(
        {"kind": kind, "title": title, "table": table, "drawn with": drawn_with},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(what.encode("utf-8")).hexdigest()


def _cached(
    kind: str, title: str, table: Any, draw: Callable[[Any, str], bytes], cache: Path | None
) -> bytes:
    """`draw(table, title)`, or the bytes it gave before for the same key, kept in `cache`."""
    key = chart_key(kind, title, table) if cache is not None else None
    if cache is None or key is None:
        return draw(table, title)
    path = cache / f"{key}.svg"
    svg = read_entry(path, key)
    if svg is None:
        svg = draw(table, title)
        write_entry(path, key, svg)
    return svg


# -- the charts: each drawn from its table alone, so its key holds all it depends on -----


def agency_load_svg(loads: Sequence[AgencyLoad], title: str, *, cache: Path | None = None) -> bytes:
    """Horizontal stacked bars: the most cited agencies, one segment per role. `cache`:
    the folder of the chart cache (None: drawn every time)."""
    table = {
        "roles": list(ROLES),
        "rows": [[load.name, [load.counts[r] for r in ROLES]] for load in loads[:LOAD_TOP]],
    }
    return _cached("agency-load", title, table, _draw_agency_load, cache)


def _draw_agency_load(table: Any, title: str) -> bytes:
    from matplotlib.figure import Figure

    roles: list[Role] = table["roles"]
    shown = table["rows"][::-1]
    drawn = [i for i, role in enumerate(roles) if any(counts[i] for _, counts in shown)]
    with _style():
        height = 0.3 * max(len(shown), 3) + 1.2
        fig = Figure(figsize=(7.5, height))
        fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.45 / height, bottom=0.55 / height)
        ax = fig.add_subplot()
        left = [0] * len(shown)
        rows = list(range(len(shown)))  # numbers, not names: a categorical axis costs a third
        for i in drawn:
            counts = [row_counts[i] for _, row_counts in shown]
            ax.barh(rows, counts, left=left, color=_ROLE_COLOURS[roles[i]], label=roles[i])
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(rows, [name for name, _ in shown])
        ax.set_xlabel("事项数 (items)")
        fig.text(0.01, 0.99, title, va="top", fontsize=11)  # set_title lays out the axes again
        if drawn:  # a plan that assigns nothing has no bars, so no legend to draw
            ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, title)


def deadlines_svg(
    months: Sequence[tuple[str, int]], title: str, *, cache: Path | None = None
) -> bytes:
    """Bars: how many deadlines fall in each period (YYYY-MM or YYYY), in time order.
    `cache`: the folder of the chart cache (None: drawn every time)."""
    table = [[month, count] for month, count in months]
    return _cached("deadlines", title, table, _draw_deadlines, cache)


def _draw_deadlines(table: Any, title: str) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _style():
        fig = Figure(figsize=(7.5, 3.4))
        fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.3)
        ax = fig.add_subplot()
        ax.bar([m for m, _ in table], [n for _, n in table], color="#1b4f8a")
        ax.set_ylabel("截止事项数 (deadlines)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.text(0.01, 0.99, title, va="top", fontsize=11)  # set_title lays out the axes again
        ax.tick_params(axis="x", labelrotation=60)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, title)


def co_assignment_svg(
    names: dict[str, str],
    pairs: Sequence[tuple[str, str, int]],
    title: str,
    *,
    cache: Path | None = None,
) -> bytes:
    """The agencies cited together on items: a node per agency, a line per pair, as thick as
    the number of items they share; placed by networkx's spring layout, seeded. `cache`:
    the folder of the chart cache (None: drawn every time)."""
    table = {
        "names": [[node, names[node]] for node in sorted(names)],
        "pairs": [[a, b, n] for a, b, n in sorted(pairs)],
    }
    return _cached("co-assignment", title, table, _draw_co_assignment, cache)


def _draw_co_assignment(table: Any, title: str) -> bytes:
    import networkx as nx
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    names: dict[str, str] = dict(table["names"])
    edges: list[list[Any]] = table["pairs"]
    graph: Any = nx.Graph()
    graph.add_nodes_from(sorted(names))
    for a, b, n in edges:
        graph.add_edge(a, b, weight=n)
    positions = nx.spring_layout(graph, seed=13, k=1.2, iterations=100) if names else {}
    heaviest = max((n for _, _, n in edges), default=1)
    with _style():
        fig = Figure(figsize=(7.5, 6.5))
        fig.subplots_adjust(left=0.02, right=0.9, top=0.94, bottom=0.02)
        ax = fig.add_subplot()
        ax.add_collection(
            LineCollection(
                [(positions[a], positions[b]) for a, b, _ in edges],
                linewidths=[0.5 + 3.5 * n / heaviest for _, _, n in edges],
                colors="#7f8c8d",
                alpha=0.5,
            )
        )
        nodes = sorted(names)
        ax.scatter(
            [positions[n][0] for n in nodes],
            [positions[n][1] for n in nodes],
            s=60,
            color="#1b4f8a",
            zorder=3,
        )
        for node in nodes:
            ax.annotate(names[node], positions[node], xytext=(4, 4), textcoords="offset points")
        fig.text(0.01, 0.99, title, va="top", fontsize=11)  # set_title lays out the axes again
        ax.set_axis_off()
        return _svg(fig, title)
