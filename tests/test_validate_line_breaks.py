"""Sources with CR line breaks and very long texts build packages that both validators accept
(issues 16 and 17): a lone CR, CRLF and LF are line breaks alike, the CSV writer quotes a bare
CR, the readers raise the csv field limit."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from fgf_opendata.agencies import Registry
from fgf_opendata.build import build_package
from fgf_opendata.corpus import build_corpus
from fgf_opendata.findings import TableLocation
from fgf_opendata.model import Plan
from fgf_opendata.tabular.cells import table_csv
from fgf_opendata.tabular.columns import table_schemas
from fgf_opendata.tabular.gates import validate_package
from fgf_opendata.tabular.rows import plan_rows


def _frictionless_errors(package: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    return [e["type"] for e in report["errors"]] + [
        f"{task['name']}: {e['type']}" for task in report["tasks"] for e in task["errors"]
    ]


def _no_linked(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {}


def _build(text: str, target: Path) -> Path:
    """The package of `text` without its RDF files: the CSVs are under test here."""
    assert build_package(text, target, linked=_no_linked).written
    return target


def _errors(package: Path) -> list[tuple[str, str, int | None]]:
    report = validate_package(package)
    return [
        (f.code, f.where, f.location.row)
        for f in report.findings
        if f.severity == "error" and isinstance(f.location, TableLocation)
    ]


def _mixed_breaks(text: str) -> str:
    """Every line break in turn a lone CR, a CRLF and an LF: lines as editors count them.

    A lone CR is a line break wherever it stands (the parser reads it so), so no CR reaches a
    cell of a parsed plan; `test_cells_with_a_bare_cr_are_quoted_by_the_csv_writer` writes one.
    """
    lines = text.split("\n")
    breaks = ("\r", "\r\n", "\n")
    return "".join(
        line + (breaks[i % 3] if i < len(lines) - 1 else "") for i, line in enumerate(lines)
    )


@pytest.mark.parametrize(
    "variant",
    [_mixed_breaks, lambda text: text.replace("\n", "\r\n"), lambda text: text + "\r"],
    ids=["mixed-breaks", "crlf", "trailing-cr"],
)
def test_a_source_with_crs_builds_a_package_both_validators_accept(
    tmp_path: Path, reference_text: str, variant: object
) -> None:
    assert callable(variant)
    target = _build(variant(reference_text), tmp_path / "pkg")
    assert _errors(target) == []
    assert _frictionless_errors(target) == []


def test_cells_with_a_bare_cr_are_quoted_by_the_csv_writer(
    reference_plan: Plan, registry: Registry
) -> None:
    rows = plan_rows(reference_plan, registry)["tasks"]
    with_crs = [{**row, "text": row["text"].replace("，", "，\r")} for row in rows]
    data = table_csv(with_crs, table_schemas()["tasks"])
    assert data.count(b"\r") >= 25
    lines = data.split(b"\n")  # every CR inside a quoted cell, none ending a line
    assert all(line.count(b'"') % 2 == 0 for line in lines if b"\r" not in line)
    assert [row["text"] for row in csv.DictReader(io.StringIO(data.decode(), newline=""))] == [
        row["text"] for row in with_crs
    ]


def test_a_corpus_with_mixed_line_breaks_validates(tmp_path: Path, reference_text: str) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "plan.txt").write_text(_mixed_breaks(reference_text), encoding="utf-8", newline="")
    target = tmp_path / "corpus"
    build_corpus([sources], target, jobs=1, graph=False)
    assert _errors(target) == []
    assert _frictionless_errors(target) == []


def test_a_cr_only_source_builds_and_its_csv_is_valid(tmp_path: Path, reference_text: str) -> None:
    target = _build(reference_text.replace("\n", "\r"), tmp_path / "pkg")
    assert _frictionless_errors(target) == []
    # Every table reads back row by row: no row split at a CR, none short.
    codes = {code for code, _, _ in _errors(target)}
    assert not codes & {"blank-row", "missing-cell", "extra-cell", "span-mismatch", "type-error"}


def test_a_cr_only_source_builds_a_valid_package(tmp_path: Path, reference_text: str) -> None:
    target = _build(reference_text.replace("\n", "\r"), tmp_path / "pkg")
    assert _errors(target) == []


def test_a_task_text_over_the_csv_field_limit_builds_and_validates(
    tmp_path: Path, reference_text: str
) -> None:
    start = reference_text.index("（一）")
    stop = reference_text.index("。", start)
    text = reference_text[:stop] + "甲" * 140_000 + reference_text[stop:]
    target = _build(text, tmp_path / "pkg")
    assert _errors(target) == []
    assert _frictionless_errors(target) == []
