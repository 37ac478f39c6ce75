"""One rule says which task or measure lacks a responsibility line (`checks.Coverage`): the
plan checks on a Plan and the package rules on its rows flag the same items (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, readable_plans
from fgf_opendata.agencies import Registry
from fgf_opendata.build import package_outputs
from fgf_opendata.checks import check_plan
from fgf_opendata.findings import TableLocation
from fgf_opendata.parsing import parse_plan
from fgf_opendata.tabular.rules import Rules, read_tables

CODES = ("task-without-responsibility", "measure-without-responsibility")
CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.txt"))


def _flagged_by_the_package(text: str, registry: Registry) -> set[str]:
    files = package_outputs(text, registry=registry, linked=lambda *_: {}).files
    descriptor = json.loads(files["datapackage.json"])
    tables, source, _, _ = read_tables(descriptor, files.get)
    names = {resource["name"] for resource in descriptor["resources"]}
    flagged = set()
    for finding in Rules(tables, source, names).run():
        if finding.code in CODES:
            assert isinstance(finding.location, TableLocation)
            rows = dict(tables[finding.location.resource].numbered())
            flagged.add(rows[finding.location.row or 0]["id"])
    return flagged


@pytest.mark.parametrize(
    "path", readable_plans([ROOT / "sources" / "guobanfa-2021-25.txt", *CORPUS]), ids=str
)
def test_the_plan_and_its_package_flag_the_same_items(path: Path, registry: Registry) -> None:
    text = path.read_text(encoding="utf-8")
    plan = parse_plan(text, registry=registry)
    flagged = {f.where for f in check_plan(plan, registry, text) if f.code in CODES}
    assert flagged == _flagged_by_the_package(text, registry)


@pytest.mark.parametrize("case", ["task", "measure"])
def test_an_unassigned_item_is_flagged_on_both_sides(case: str, registry: Registry) -> None:
    path = ROOT / "tests" / "cases" / "errors" / f"finding-{case}-without-responsibility.txt"
    text = path.read_text(encoding="utf-8")
    plan = parse_plan(text, registry=registry)
    flagged = {f.where for f in check_plan(plan, registry, text) if f.code in CODES}
    assert flagged
    assert flagged == _flagged_by_the_package(text, registry)
