"""The people's view of a package: static HTML pages and SVG charts, made from the model.

It sits on top of the model and the package: `pages` turns plans into what the pages show
(pure), `charts` draws the charts with matplotlib, `render` lays the pages out with Jinja2
(escaping on) and returns every file of the site as bytes. Nothing here writes the site;
`fgf site` and `fgf build` do. What is written here is the cache (`cache`): charts drawn
and templates compiled, kept in the user's cache folder so a rebuild need not make them again.
"""

from __future__ import annotations

from .render import corpus_site_files, site_files

__all__ = ["corpus_site_files", "site_files"]
