"""Text -> model and back: the parsing floor (source, numerals, phrases, doc numbers, header,
body, tree, render). `parse_plan` and `render_plan` are its entry points."""

from __future__ import annotations

from .parse import parse_plan
from .render import layout_plan, render_plan

__all__ = ["layout_plan", "parse_plan", "render_plan"]
