"""The readable report of a `PlanDiff` (`format_diff`) and its one-line character diff
(`inline_diff`)."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from .changes import AgencyChange, Change, DeadlineFacts, PlanDiff, PlanSummary, TargetFacts

__all__ = ["format_diff", "inline_diff"]

_WIDTH = 60
_CONTEXT = 10
_INLINE_LIMIT = 120
_MARK = {"added": "+", "removed": "-", "moved": ">"}


def _clip(text: str, width: int = _WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def inline_diff(before: str, after: str, context: int = _CONTEXT) -> str:
    """A one-line character diff: [-removed-]{+inserted+}, long unchanged runs elided with …."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    codes = matcher.get_opcodes()
    parts: list[str] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            run = before[i1:i2]
            first, last = i == 0, i == len(codes) - 1
            slack = 4  # eliding a few characters only makes the line harder to read
            if first and len(run) > context + slack:
                run = "…" + run[-context:]
            elif last and len(run) > context + slack:
                run = run[:context] + "…"
            elif not first and not last and len(run) > 2 * context + slack:
                run = run[:context] + "…" + run[-context:]
            parts.append(run)
            continue
        if tag in ("delete", "replace"):
            parts.append(f"[-{before[i1:i2]}-]")
        if tag in ("insert", "replace"):
            parts.append(f"{{+{after[j1:j2]}+}}")
    return "".join(parts)


def _where(change: Change) -> str:
    a, b = change.old, change.new
    if (a and a.level == "plan") or (b and b.level == "plan"):
        return "plan"
    if a and b and a.id != b.id:
        return f"{a.id} → {b.id}"
    spot = b or a
    assert spot is not None
    return spot.id


def _text_lines(before: str, after: str) -> list[str]:
    inline = inline_diff(before, after)
    if len(inline) <= _INLINE_LIMIT:
        return [f"    {inline}"]
    return [f"    - {_clip(before)}", f"    + {_clip(after)}"]


def _role_summary(rows: Sequence[AgencyChange]) -> str:
    parts: list[str] = []
    leads_old = [r.agency for r in rows if r.old_role == "lead"]
    leads_new = [r.agency for r in rows if r.new_role == "lead"]
    if leads_old or leads_new:
        parts.append(f"lead {'、'.join(leads_old) or '—'} → {'、'.join(leads_new) or '—'}")
    for row in rows:
        if row.old_role is None and row.new_role != "lead":
            parts.append(f"+{row.agency} ({row.new_role})")
        elif row.new_role is None and row.old_role != "lead":
            parts.append(f"-{row.agency} ({row.old_role})")
        elif row.old_role and row.new_role:
            parts.append(f"{row.agency} {row.old_role} → {row.new_role}")
    return "; ".join(parts) or "reworded"


def _describe(change: Change) -> list[str]:
    head = f"{_where(change)} "
    kind = change.kind
    before, after = change.before, change.after
    what = kind.partition("-")[2]
    if kind == "plan-changed":
        if isinstance(before, str) and isinstance(after, str) and len(before + after) > 40:
            return [f"~ {head}{change.field} changed", *_text_lines(before, after)]
        return [f"~ {head}{change.field}: {before or '(none)'} → {after or '(none)'}"]
    if what in ("added", "removed", "moved") and kind.split("-")[0] in (
        "section",
        "task",
        "measure",
    ):
        text = after if what == "added" else before
        note = ""
        if what == "moved" and change.old and change.new and change.old.parent != change.new.parent:
            note = f" (from {change.old.parent} to {change.new.parent})"
        return [f"{_MARK[what]} {head}{what}{note}: {_clip(str(text or ''))}"]
    if what == "reworded":
        similarity = f" ({change.similarity:.0%} similar)" if change.similarity else ""
        assert isinstance(before, str)
        assert isinstance(after, str)
        return [f"~ {head}reworded{similarity}", *_text_lines(before, after)]
    if kind == "responsibility-changed":
        lines = [f"~ {head}responsibility: {_role_summary(change.agencies)}"]
        lines.append(f"    - {_clip(before) if isinstance(before, str) else '(none)'}")
        lines.append(f"    + {_clip(after) if isinstance(after, str) else '(none)'}")
        return lines
    noun = kind.partition("-")[0]
    if what == "changed":
        assert isinstance(before, DeadlineFacts | TargetFacts)
        assert isinstance(after, DeadlineFacts | TargetFacts)
        return [f"~ {head}{noun}: {before.describe()} → {after.describe()}"]
    fact = after if what == "added" else before
    assert isinstance(fact, DeadlineFacts | TargetFacts)
    return [f"{_MARK[what]} {head}{noun} {what}: {fact.describe()}"]


def _side(summary: PlanSummary) -> str:
    number = f" {summary.doc_number}" if summary.doc_number else ""
    return (
        f"{summary.id}{number} ({summary.sections} sections, {summary.tasks} tasks, "
        f"{summary.measures} measures)"
    )


def format_diff(diff: PlanDiff, *, labels: tuple[str, str] | None = None) -> str:
    """The readable report: a header, a count by kind, then one entry per change.

    Entries start with + (added), - (removed), > (moved) or ~ (changed) and the node's id in the
    new plan (old id → new id when it changed). Text changes show an inline character diff,
    [-removed-]{+inserted+}, or the old and new text clipped to 60 characters.
    """
    old_label, new_label = labels or ("old", "new")
    lines = [f"--- {old_label}: {_side(diff.old)}", f"+++ {new_label}: {_side(diff.new)}"]
    if diff.same:
        return "\n".join([*lines, "no changes"]) + "\n"
    counts = ", ".join(f"{count} {kind}" for kind, count in diff.summary().items())
    total = len(diff.changes)
    lines.append(f"{total} change{'s' if total != 1 else ''}: {counts}")
    lines.append("")
    for change in diff.changes:
        lines += _describe(change)
    return "\n".join(lines) + "\n"
