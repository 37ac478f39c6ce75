"""The catalogue of finding codes: every code the source gives is in it, with its severity,
and docs/findings.md is generated from it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from conftest import ROOT
from fgf_opendata.findings import (
    CATALOGUE,
    Finding,
    GraphLocation,
    SourceLocation,
    TableLocation,
    findings_table,
)

SRC = ROOT / "src" / "fgf_opendata"


def _literal_findings() -> Iterator[tuple[str, str, str | None]]:
    """(place, code, severity) of every finding the source makes with a literal code:
    `CATALOGUE["code"]`, a `Finding("code", severity, …)` call, or the package rules'
    `self.add("code", …)`."""
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            place = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "CATALOGUE"
                and isinstance(node.slice, ast.Constant)
            ):
                yield place, str(node.slice.value), None
            if not isinstance(node, ast.Call) or not node.args:
                continue
            called = ast.unparse(node.func)
            first = node.args[0]
            if called == "Finding" and isinstance(first, ast.Constant):
                second = node.args[1] if len(node.args) > 1 else None
                severity = str(second.value) if isinstance(second, ast.Constant) else None
                yield place, str(first.value), severity
            elif called == "self.add" and isinstance(first, ast.Constant):
                yield place, str(first.value), None


def test_every_literal_code_is_in_the_catalogue_with_its_severity() -> None:
    found = list(_literal_findings())
    assert len(found) > 20  # the walk sees the gates
    wrong = []
    for place, code, severity in found:
        known = CATALOGUE.get(code)
        if known is None:
            wrong.append(f"{place}: {code} is not in findings.CATALOGUE")
        elif severity is not None and severity not in (known.severity, known.in_package):
            wrong.append(f"{place}: {code} is {severity}, the catalogue says {known.severity}")
    assert not wrong, "\n".join(wrong)


def test_every_code_of_the_catalogue_is_given_somewhere() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py")))
    given = {code for _place, code, _severity in _literal_findings()}
    # two are made as f"{kind}-without-responsibility", by kind
    unused = [
        code
        for code in CATALOGUE
        if code not in given
        and not (code.endswith("-without-responsibility") and "-without-responsibility" in source)
        and f'"{code}"' not in source
    ]
    assert not unused, f"codes nothing gives (take them out of the catalogue): {unused}"


def test_docs_findings_is_the_catalogue() -> None:
    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == findings_table(), "regenerate docs/findings.md from findings_table()"
    for code in CATALOGUE:
        assert f"`{code}`" in page


def test_a_code_makes_its_finding_from_its_template() -> None:
    at = SourceLocation("task_1", 12, 3)
    finding = CATALOGUE["deadline-before-issue-date"](
        at, expression="2020年底前", date="2020-12-31", issued="2021-03-01"
    )
    assert finding == Finding(
        "deadline-before-issue-date",
        "error",
        "deadline 2020年底前 (2020-12-31) is before the plan was issued (2021-03-01)",
        at,
    )
    assert finding.where == "task_1"


def test_a_bare_name_is_a_resource_and_where_joins_resource_and_field() -> None:
    assert CATALOGUE["hash-count"]("plans").location == TableLocation("plans")
    assert TableLocation("deadlines", 4, "date").where == "deadlines/date"
    assert TableLocation("deadlines", 4).where == "deadlines"
    assert GraphLocation("https://example.org/a").where == "https://example.org/a"


def test_codes_are_kebab_case_and_titled() -> None:
    for code, known in CATALOGUE.items():
        assert code == known.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert known.title
        assert known.template
