"""Every DCAT-AP warning the published catalogue gets is one the README lists with its reason."""

from __future__ import annotations

import re

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.linked.catalog import catalog_graph
from fgf_opendata.linked.shacl import check_catalog
from fgf_opendata.linked.syntax import parse_turtle, serialize_turtle
from fgf_opendata.linked.vocab import DCAT, DCT, IANA_MEDIA_TYPE, RDF
from fgf_opendata.model import Plan


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


def test_the_files_other_stages_add_get_no_new_warning(
    reference_plan: Plan, registry: Registry
) -> None:
    """README, LICENSE, citation, SQLite, Datasette metadata and the landing page each get a
    media type and a file type, so DCAT-AP warns about nothing new when they join."""
    files = dict.fromkeys(
        (
            "tasks.csv",
            "README.md",
            "LICENSE",
            "CITATION.cff",
            "plan.sqlite",
            "metadata.json",
            "schemas/tasks.tableschema.json",
            "site/index.html",
            "site/style.css",
            "site/app.js",
        ),
        b"x",
    )
    graph = catalog_graph(reference_plan, files, registry=registry)
    for node in graph.subjects(RDF.type, DCAT.Distribution):
        assert graph.value(node, DCT["format"]) is not None, node
        assert graph.value(node, DCAT.mediaType) != IANA_MEDIA_TYPE["application/octet-stream"]
    findings = check_catalog(parse_turtle(serialize_turtle(graph)))
    assert [f for f in findings if f.severity == "error"] == []
    assert all(f.where.endswith(("/country/CHN", "/catalog", "/publisher")) for f in findings)
    assert len(findings) == 5
