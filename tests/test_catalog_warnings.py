"""Every DCAT-AP warning the published catalogue gets is one the README lists with its reason."""

from __future__ import annotations

import re

from conftest import ROOT
from fgf_opendata.rdf import parse_turtle
from fgf_opendata.shacl import check_catalog


def test_each_warning_left_is_documented() -> None:
    catalog = parse_turtle((ROOT / "datapackage" / "linked" / "catalog.ttl").read_bytes())
    findings = check_catalog(catalog)
    assert [f for f in findings if f.severity == "error"] == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The catalogue for portals", 1)[1].split("\n### ", 1)[0]
    table = section.split("| warning | why it is left |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    documented = set()
    for line in rows:
        what = line.split("|")[1]  # "`dct:issued`, `dct:modified` of the catalogue"
        subject = what.rsplit(" of the ", 1)[1].split()[0]
        documented.update((term, subject) for term in re.findall(r"`(\w+:\w+)`", what))
    subjects = {"country": "/country/", "catalogue": "/catalog", "publisher": "/publisher"}
    found = set()
    for finding in findings:
        term = finding.message.rsplit("(", 1)[1].rstrip(")")
        subject = next(name for name, part in subjects.items() if part in finding.where)
        found.add((term, subject))
    assert found == documented
    assert len(findings) == 5
