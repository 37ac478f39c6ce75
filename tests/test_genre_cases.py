"""Small plans of the genre's other layouts, one case file each, with an expected outline.

Each `cases/genre/NAME.txt` is a short synthetic text written for one variation of the genre
(inline responsibility lines, half-width dots, task numbers restarting, one-line scraped text,
an 意见 issued directly, ...). `NAME.json` beside it is the expected outline of the parsed plan;
rewrite them with `pytest --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import check_golden
from fgf_opendata.agencies import Registry
from fgf_opendata.checks import check_plan
from fgf_opendata.model import Deadline, Measure, Paragraph, Plan, Responsibility, Target, Task
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.serialize import dumps

# cases/layout: the reference cut down, with prose under items or tasks at the top level;
# kept apart from cases/genre, whose plans must not resemble the reference (test_diff).
CASES = sorted(
    path
    for folder in ("genre", "layout")
    for path in (Path(__file__).parent / "cases" / folder).glob("*.txt")
)


def _resp(resp: Responsibility | None) -> dict[str, Any] | None:
    if resp is None:
        return None
    return {
        "open_ended": resp.open_ended,
        "assignments": [f"{a.agency}={a.agency_id}:{a.role}" for a in resp.assignments],
    }


def _deadline(d: Deadline) -> str:
    recurrence = f" every {d.recurrence}" if d.recurrence else ""
    return f"{d.expression} -> {d.date} ({d.precision}{recurrence})"


def _target(t: Target) -> str:
    base = f" from {t.baseline}" if t.baseline is not None else ""
    return f"{t.text}: {t.quantity or '-'} {t.comparator} {t.value} {t.unit}{base}"


def _prose(paragraphs: tuple[Paragraph, ...]) -> list[dict[str, Any]]:
    out = []
    for para in paragraphs:
        entry: dict[str, Any] = {"id": para.id, "text": para.text}
        if para.responsibility is not None:
            entry["responsibility"] = _resp(para.responsibility)
        if para.deadlines:
            entry["deadlines"] = [_deadline(d) for d in para.deadlines]
        out.append(entry)
    return out


def _subject(node: Task | Measure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node.id, "label": node.label, "text": node.text}
    out["responsibility"] = _resp(node.responsibility)
    if node.deadlines:
        out["deadlines"] = [_deadline(d) for d in node.deadlines]
    if node.targets:
        out["targets"] = [_target(t) for t in node.targets]
    if node.paragraphs:
        out["paragraphs"] = _prose(node.paragraphs)
    if isinstance(node, Task) and node.measures:
        out["measures"] = [_subject(m) for m in node.measures]
    return out


def outline(plan: Plan) -> dict[str, Any]:
    """What a reader checks in a parsed plan, compact enough to review as a diff."""
    return {
        "id": plan.id,
        "doc_number": plan.doc_number,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued": plan.issued.isoformat() if plan.issued else None,
        "plan_title": plan.plan_title,
        "lead_by_position": plan.lead_by_position,
        "front": [b.kind for b in plan.front],
        "back": [b.kind for b in plan.back],
        "deadlines": [_deadline(d) for d in plan.deadlines],
        "sections": [
            {
                "id": s.id,
                "label": s.label,
                "title": s.title,
                **({"paragraphs": _prose(s.paragraphs)} if s.paragraphs else {}),
                "tasks": [_subject(t) for t in s.tasks],
            }
            for s in plan.sections
        ],
    }


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_genre_case(case: Path, registry: Registry, update_golden: bool) -> None:
    text = case.read_text(encoding="utf-8")
    plan = parse_plan(text, registry=registry)
    assert render_plan(plan) == text
    check_golden(case.with_suffix(".json"), dumps(outline(plan)), update_golden)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_every_cited_agency_resolves(case: Path, registry: Registry) -> None:
    plan = parse_plan(case.read_text(encoding="utf-8"), registry=registry)
    codes = [f.code for f in check_plan(plan, registry)]
    assert "unknown-agency" not in codes
