"""A plan's source text cut at the spans of the items its page shows, so that each item links
to its words and its words back to it (the plan page's right-hand column).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .pages import PlanView

__all__ = ["SourcePiece", "source_anchors", "source_pieces"]


@dataclass(frozen=True)
class SourcePiece:
    """A run of the source text, or where a node's span opens or closes around such runs."""

    kind: str
    """text, open or close."""
    text: str = ""
    anchor: str = ""
    """The element id of an opening span: `src-` and the node id."""


def source_pieces(view: PlanView) -> tuple[SourcePiece, ...]:
    """The source text as runs of text between the openings and closings of the span of every
    item the plan page shows (the text stays whole: past them it runs on unmarked).

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
