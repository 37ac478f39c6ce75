"""fgf's cache folder, in one place: what a build made once and need not make again.

    <root>/charts/      a chart's SVG bytes (`site.charts`)
    <root>/templates/   page templates compiled by Jinja2 (`site.cache`)
    <root>/corpus/      each corpus source's share of the package (`corpus.cache`)
    <root>/stores/      a corpus graph loaded into an indexed store (`linked.store`)

The root is `FGF_CACHE_DIR`, else `$XDG_CACHE_HOME/fgf-opendata` (an unset or relative
`XDG_CACHE_HOME` means `~/.cache`, as the XDG spec says); `FGF_OPENDATA_NO_CACHE=1` turns the
cache off, and so does a missing home folder. Nothing in it is needed: the folder may be
deleted at any time, and every entry is checked before it is used.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_VARIABLE", "NO_CACHE_VARIABLE", "cache_root"]

CACHE_VARIABLE = "FGF_CACHE_DIR"
"""Set in the environment, the cache folder itself."""
NO_CACHE_VARIABLE = "FGF_OPENDATA_NO_CACHE"
"""Set (non-empty) in the environment, nothing is kept and nothing is read from the cache."""


def cache_root() -> Path | None:
    """The cache folder, or None when the cache is off or there is no home folder for it."""
    if os.environ.get(NO_CACHE_VARIABLE):
        return None
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    return root / "fgf-opendata"
