"""The site's charts: matplotlib figures saved as SVG bytes, the same bytes on every build.

Text is drawn as paths (matplotlib's default `svg.fonttype`), so a chart reads the same in a
browser without any Chinese font; the font is needed here, when the chart is drawn. It is
Noto Sans CJK SC as the `mplfonts` package ships it (installed with fgf-opendata), else a
system font that covers Chinese (Debian's fonts-noto-cjk, WenQuanYi); with none of them the
charts are still made, with a `MissingFontWarning`, and their Chinese labels are boxes.

Determinism: ids inside the SVG come from `svg.hashsalt`, fixed here, and the date is left out
of the metadata. networkx places the co-assignment network with a fixed seed.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model import Role
from .pages import ROLES, AgencyLoad

__all__ = [
    "MissingFontWarning",
    "agency_load_svg",
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


class MissingFontWarning(UserWarning):
    """No font that covers Chinese was found: the charts' Chinese labels will not render."""


@functools.cache
def chinese_font() -> str | None:
    """The family name of a font covering Chinese, registered with matplotlib; None if none."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("mplfonts")  # located, not imported: it sets rcParams
    for folder in spec.submodule_search_locations or () if spec else ():
        path = Path(folder) / "fonts" / _MPLFONTS_FILE
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
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


def _svg(fig: Any, title: str) -> bytes:
    out = io.BytesIO()
    # Fixed margins, not bbox_inches="tight": that draws every figure twice.
    fig.savefig(out, format="svg", metadata={"Date": None, "Title": title})
    return out.getvalue()


def agency_load_svg(loads: Sequence[AgencyLoad], title: str) -> bytes:
    """Horizontal stacked bars: the most cited agencies, one segment per role."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    shown = list(loads[:LOAD_TOP])[::-1]
    roles = [r for r in ROLES if any(load.counts[r] for load in shown)]
    with rc_context(_rc()):
        height = 0.3 * max(len(shown), 3) + 1.2
        fig = Figure(figsize=(7.5, height))
        fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.45 / height, bottom=0.55 / height)
        ax = fig.add_subplot()
        left = [0] * len(shown)
        rows = list(range(len(shown)))  # numbers, not names: a categorical axis costs a third
        for role in roles:
            counts = [load.counts[role] for load in shown]
            ax.barh(rows, counts, left=left, color=_ROLE_COLOURS[role], label=role)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(rows, [load.name for load in shown])
        ax.set_xlabel("事项数 (items)")
        fig.text(0.01, 0.99, title, va="top", fontsize=11)  # set_title lays out the axes again
        ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, title)


def deadlines_svg(months: Sequence[tuple[str, int]], title: str) -> bytes:
    """Bars: how many deadlines fall in each period (YYYY-MM or YYYY), in time order."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with rc_context(_rc()):
        fig = Figure(figsize=(7.5, 3.4))
        fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.3)
        ax = fig.add_subplot()
        labels = [m for m, _ in months]
        ax.bar(labels, [n for _, n in months], color="#1b4f8a")
        ax.set_ylabel("截止事项数 (deadlines)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.text(0.01, 0.99, title, va="top", fontsize=11)  # set_title lays out the axes again
        ax.tick_params(axis="x", labelrotation=60)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, title)


def co_assignment_svg(
    names: dict[str, str], pairs: Sequence[tuple[str, str, int]], title: str
) -> bytes:
    """The agencies cited together on items: a node per agency, a line per pair, as thick as
    the number of items they share; placed by networkx's spring layout, seeded."""
    import networkx as nx
    from matplotlib import rc_context
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    graph: Any = nx.Graph()
    graph.add_nodes_from(sorted(names))
    for a, b, n in sorted(pairs):
        graph.add_edge(a, b, weight=n)
    positions = nx.spring_layout(graph, seed=13, k=1.2, iterations=100) if names else {}
    heaviest = max((n for _, _, n in pairs), default=1)
    with rc_context(_rc()):
        fig = Figure(figsize=(7.5, 6.5))
        fig.subplots_adjust(left=0.02, right=0.9, top=0.94, bottom=0.02)
        ax = fig.add_subplot()
        edges = sorted(pairs)
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
