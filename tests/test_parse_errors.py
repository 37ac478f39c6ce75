"""Malformed plans, one case file each: a clear, located `ParseError`, through the CLI too.

Each `cases/errors/NAME.txt` is a short plan (the reference cut down to a few tasks, or a genre
case) with one thing wrong. `NAME.json` beside it gives the expected error: `code`, 1-based
`line` and `column`, and a `message` substring that names what was expected and what was
found. Cases whose JSON holds `findings` instead are content problems that must not stop
parsing: the plan parses and `check_plan` reports them with stable codes.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fgf_opendata.agencies import Registry
from fgf_opendata.checks import check_plan
from fgf_opendata.cli import main
from fgf_opendata.errors import ParseError
from fgf_opendata.findings import SourceLocation
from fgf_opendata.parsing import parse_plan, render_plan

CASES_DIR = Path(__file__).parent / "cases" / "errors"


def _load(kind: str) -> list[tuple[Path, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.txt")):
        spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if kind in spec:
            cases.append((path, spec))
    return cases


ERRORS = _load("code")
FINDINGS = _load("findings")


def _ids(cases: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    return [path.stem for path, _ in cases]


def test_the_catalogue_is_complete() -> None:
    assert len(ERRORS) >= 35
    assert len(list(CASES_DIR.glob("*.json"))) == len(ERRORS) + len(FINDINGS)
    codes = {spec["code"] for _, spec in ERRORS}
    assert {
        "number-out-of-sequence",
        "measure-outside-task",
        "task-outside-section",
        "unbalanced-parenthesis",
        "responsibility-without-agency",
        "impossible-deadline",
        "no-plan-structure",
        "empty-item",
        "unexpected-text",
    } <= codes


def _cells(text: str) -> int:
    """Terminal cells `text` takes: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.mark.parametrize(("path", "spec"), ERRORS, ids=_ids(ERRORS))
def test_malformed_plan_raises_located_parse_error(
    path: Path, spec: dict[str, Any], registry: Registry
) -> None:
    text = path.read_text(encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        parse_plan(text, registry=registry)
    err = caught.value
    assert (err.code, err.line, err.column) == (spec["code"], spec["line"], spec["column"]), str(
        err
    )
    assert spec["message"] in err.message
    assert str(err).startswith(f"line {spec['line']}, column {spec['column']}: ")
    # The context shows the offending line (clipped around the column) with a caret under
    # the column's character.
    source_line = text.split("\n")[spec["line"] - 1]
    assert err.source_line == source_line
    shown, caret = err.get_context().split("\n")
    assert caret.strip() == "^"
    visible = shown.removeprefix("…")
    start = source_line.index(visible)
    assert _cells(shown[: len(shown) - len(visible)] + source_line[start : spec["column"] - 1]) == (
        len(caret) - 1
    )


@pytest.mark.parametrize(("path", "spec"), ERRORS, ids=_ids(ERRORS))
def test_malformed_plan_through_the_cli(path: Path, spec: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    first, *context = result.stderr.splitlines()
    assert first.startswith(f"fgf: error: {path}: line {spec['line']}, column {spec['column']}: ")
    assert spec["message"] in first
    assert first.endswith(f" [{spec['code']}]")
    source_line = path.read_text(encoding="utf-8").split("\n")[spec["line"] - 1]
    if context:  # the offending line and the caret; an empty input has no line to show
        shown, caret = context
        assert shown.strip().removeprefix("…") in source_line
        assert caret.strip() == "^"
    else:
        assert not source_line
    assert "Traceback" not in result.stderr
    out = tmp_path / "plan.json"
    written = runner.invoke(main, ["parse", str(path), "-o", str(out)])
    assert written.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("path", "spec"), FINDINGS, ids=_ids(FINDINGS))
def test_content_problems_are_findings_not_errors(
    path: Path, spec: dict[str, Any], registry: Registry
) -> None:
    text = path.read_text(encoding="utf-8")
    plan = parse_plan(text, registry=registry)
    assert render_plan(plan) == text
    findings = check_plan(plan, registry, text)
    located = [(f.code, f.location) for f in findings if isinstance(f.location, SourceLocation)]
    assert [(code, at.line, at.column) for code, at in located] == [
        (f["code"], f["line"], f["column"]) for f in spec["findings"]
    ]
    assert len(located) == len(findings)
    for finding, expected in zip(findings, spec["findings"], strict=True):
        assert expected["message"] in finding.message


def test_unknown_agency_suggests_the_registry_name(registry: Registry) -> None:
    text = (CASES_DIR / "finding-unknown-agency.txt").read_text(encoding="utf-8")
    findings = check_plan(parse_plan(text, registry=registry), registry, text)
    unknown = [f for f in findings if f.code == "unknown-agency"]
    assert len(unknown) == 1
    assert "'市场监管总'" in unknown[0].message
    assert "did you mean 市场监管总局" in unknown[0].message
