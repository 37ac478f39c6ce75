"""The catalogue harvests completely into CKAN: ckanext-dcat's mapping rules on catalog.ttl.

ckanext-dcat cannot run in CI: its parser imports `ckan` (CKAN 2.12 from PyPI declares no
dependencies of its own; `ckan[requirements]` pins some 80 packages, among them Flask,
SQLAlchemy and psycopg2 built from source, and conflicts with this project's pins), and the
CI has no network to install them. So the rules it applies (ckanext-dcat 2.4.4,
`profiles/base.py` and `profiles/euro_dcat_ap_base.py`, shared by `euro_dcat_ap_2` and
`euro_dcat_ap_3`) are restated here, small enough to read against the source, and tested on
the published catalogue. Where ckanext-dcat is installed (in a venv of its own), set
`FGF_CKAN_PYTHON` to its interpreter: `test_ckanext_dcat_reads_what_the_rules_say` then runs
the real `RDFParser` on the same file and compares.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.linked.catalog import LICENSE, catalog_graph, package_url
from fgf_opendata.linked.syntax import parse_turtle, serialize_turtle
from fgf_opendata.linked.vocab import DCAT, DCT, RDF, RDFS, SPDX, VCARD
from fgf_opendata.model import Plan
from fgf_opendata.publication import FILE_FORMATS, LANDING_PAGE, SourceInfo

CATALOG = ROOT / "datapackage" / "linked" / "catalog.ttl"
IMT = URIRef("http://purl.org/dc/terms/IMT")
HAS_EMAIL = URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")

CKAN_LICENCES = {
    "notspecified": ("", "License not specified"),
    "odc-pddl": (
        "http://www.opendefinition.org/licenses/odc-pddl",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
    ),
    "odc-odbl": (
        "http://www.opendefinition.org/licenses/odc-odbl",
        "Open Data Commons Open Database License (ODbL)",
    ),
    "odc-by": (
        "http://www.opendefinition.org/licenses/odc-by",
        "Open Data Commons Attribution License",
    ),
    "cc-zero": ("http://www.opendefinition.org/licenses/cc-zero", "Creative Commons CCZero"),
    "cc-by": ("http://www.opendefinition.org/licenses/cc-by", "Creative Commons Attribution"),
    "cc-by-sa": (
        "http://www.opendefinition.org/licenses/cc-by-sa",
        "Creative Commons Attribution Share-Alike",
    ),
    "gfdl": ("http://www.opendefinition.org/licenses/gfdl", "GNU Free Documentation License"),
    "other-open": ("", "Other (Open)"),
    "other-pd": ("", "Other (Public Domain)"),
    "other-at": ("", "Other (Attribution)"),
    "uk-ogl": (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "UK Open Government Licence (OGL)",
    ),
    "cc-nc": (
        "http://creativecommons.org/licenses/by-nc/2.0/",
        "Creative Commons Non-Commercial (Any)",
    ),
    "other-nc": ("", "Other (Non-Commercial)"),
    "other-closed": ("", "Other (Not Open)"),
}
"""CKAN 2.12's default licence list (`ckan/model/license.py`, `LicenseRegister()` without
`licenses_group_url`): id -> (url, title)."""

CKAN_FORMAT_ROWS = (
    ("BIN", "application/octet-stream", ("bin",)),
    ("CSV", "text/csv", ("text/comma-separated-values",)),
    ("HTML", "text/html", ("htm", "http://purl.org/net/mediatypes/text/html")),
    ("JS", "application/x-javascript", ()),
    ("JSON", "application/json", ()),
    ("SVG", "image/svg+xml", ("svg",)),
    ("TXT", "text/plain", ()),
)
"""The rows of CKAN 2.12's `ckan/config/resource_formats.json` (name, media type,
alternatives) for the media types the package uses or may use. It has no Turtle, JSON-LD,
Markdown, YAML, SQLite, CSS or text/javascript row."""

CKAN_FORMATS = {
    key: name
    for name, media, alternatives in CKAN_FORMAT_ROWS
    for key in (name.lower(), media, *(a.lower() for a in alternatives))
}
"""How ckanext-dcat's `resource_formats()` looks them up: name, media type or alternative."""

NOT_IN_CKAN_FORMATS = {
    "text/turtle",
    "application/ld+json",
    "text/markdown",
    "application/yaml",
    "application/vnd.sqlite3",
    "text/css",
    "text/javascript",
    "application/n-triples",
}
"""Media types CKAN's format list lacks: ckanext-dcat keeps the `dct:format` IRI (the EU file
type) as the resource's format. The README says so."""


# --- ckanext-dcat's rules, restated ---------------------------------------------------------


def object_value(graph: Graph, subject: Node, predicate: URIRef, lang: str = "en") -> str:
    """`RDFProfile._object_value`: a literal in the default language, else the first literal;
    an IRI or blank node is its rdfs:label when it has one, else its string."""
    fallback = ""
    for obj in graph.objects(subject, predicate):
        if isinstance(obj, Literal):
            if obj.language == lang:
                return str(obj)
            fallback = fallback or str(obj)
        else:
            label = graph.value(obj, RDFS.label)
            return str(label) if label is not None else str(obj)
    return fallback


def distribution_format(graph: Graph, node: Node) -> tuple[str | None, str | None]:
    """`RDFProfile._distribution_format` with `normalize_ckan_format` (the default):
    (mimetype, format)."""
    imt: str | None = object_value(graph, node, DCAT.mediaType) or None
    label: str | None = None
    fmt = graph.value(node, DCT["format"])
    if isinstance(fmt, Literal):
        if not imt and "/" in fmt:
            imt = str(fmt)
        else:
            label = str(fmt)
    elif isinstance(fmt, (URIRef, BNode)):
        if graph.value(fmt, RDF.type) == IMT:
            imt = imt or str(graph.value(fmt, RDF.value))
            label = object_value(graph, fmt, RDFS.label)
        elif isinstance(fmt, URIRef):
            if "iana.org/assignments/media-types" in fmt and not imt:
                imt = str(fmt)
            else:
                label = str(fmt)
    if imt in CKAN_FORMATS:
        label = CKAN_FORMATS[imt]
    elif label in CKAN_FORMATS:
        label = CKAN_FORMATS[label]
    return imt, label or imt


def license_id(graph: Graph, dataset: Node) -> str:
    """`RDFProfile._license`: the first distribution's licence found in CKAN's list, by URL
    and then by title."""
    by_url = {url: key for key, (url, _) in CKAN_LICENCES.items()}
    by_title = {title: key for key, (_, title) in CKAN_LICENCES.items()}
    for distribution in graph.objects(dataset, DCAT.distribution):
        licence = graph.value(distribution, DCT.license)
        if licence is not None:
            found = by_url.get(str(licence)) or by_title.get(
                object_value(graph, licence, DCT.title)
            )
            if found:
                return found
    return ""


def harvest(graph: Graph) -> dict[str, Any]:
    """The CKAN dataset dict ckanext-dcat makes of the catalogue's one dataset (the fields
    this project fills)."""
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    contact = graph.value(dataset, DCAT.contactPoint)
    extras = {
        "issued": object_value(graph, dataset, DCT.issued),
        "modified": object_value(graph, dataset, DCT.modified),
        "contact_name": object_value(graph, contact, VCARD.fn) if contact else "",
        "contact_email": (
            object_value(graph, contact, HAS_EMAIL).removeprefix("mailto:") if contact else ""
        ),
        "contact_url": object_value(graph, contact, VCARD.hasURL) if contact else "",
    }
    resources = []
    for node in graph.objects(dataset, DCAT.distribution):
        mimetype, fmt = distribution_format(graph, node)
        checksum = graph.value(node, SPDX.checksum)
        size = graph.value(node, DCAT.byteSize)
        resources.append(
            {
                "name": object_value(graph, node, DCT.title),
                "url": object_value(graph, node, DCAT.downloadURL)
                or object_value(graph, node, DCAT.accessURL),
                "mimetype": mimetype,
                "format": fmt,
                "license": object_value(graph, node, DCT.license),
                "size": int(size.toPython()) if isinstance(size, Literal) else None,
                "hash": object_value(graph, checksum, SPDX.checksumValue) if checksum else None,
            }
        )
    return {
        "title": object_value(graph, dataset, DCT.title),
        "url": object_value(graph, dataset, DCAT.landingPage),
        "license_id": license_id(graph, dataset),
        "extras": {key: value for key, value in extras.items() if value},
        "resources": sorted(resources, key=lambda r: r["name"]),
    }


# --- the published catalogue ----------------------------------------------------------------


@pytest.fixture(scope="module")
def published() -> Graph:
    return parse_turtle(CATALOG.read_bytes())


@pytest.fixture(scope="module")
def harvested(published: Graph) -> dict[str, Any]:
    return harvest(published)


def test_the_licence_is_in_ckans_default_list(harvested: dict[str, Any]) -> None:
    assert harvested["license_id"] == "cc-by"
    assert {r["license"] for r in harvested["resources"]} == {str(LICENSE)}


def test_the_dataset_has_a_landing_page(harvested: dict[str, Any]) -> None:
    # The package holds its site: the landing page is the site's index.html.
    url = "https://w3id.org/fgf-opendata/package/guobanfa-2021-25/site/index.html"
    assert harvested["url"] == url


def test_the_contact_has_a_url(harvested: dict[str, Any]) -> None:
    extras = harvested["extras"]
    assert extras["contact_name"] == "fgf-opendata"
    assert extras["contact_url"] == "https://w3id.org/fgf-opendata"
    assert "contact_email" not in extras  # the project publishes no e-mail address


def test_the_dates_are_the_plans(harvested: dict[str, Any]) -> None:
    assert harvested["extras"]["issued"] == "2021-07-11"  # the date of issue
    assert harvested["extras"]["modified"] == "2021-07-11"  # published on gov.cn that day


def test_every_resource_has_a_readable_media_type_and_format(harvested: dict[str, Any]) -> None:
    resources = harvested["resources"]
    # 35 files of the descriptor (11 tables, 13 schemas) and the landing page
    assert len(resources) == 36
    assert {form.mediatype for form in FILE_FORMATS.values()} <= {
        *CKAN_FORMATS,
        *NOT_IN_CKAN_FORMATS,
    }
    for resource in resources:
        assert resource["mimetype"] in {form.mediatype for form in FILE_FORMATS.values()}, resource
        if resource["mimetype"] in NOT_IN_CKAN_FORMATS:
            assert resource["format"].startswith(
                "http://publications.europa.eu/resource/authority/file-type/"
            )
        else:
            assert resource["format"] == CKAN_FORMATS[resource["mimetype"]], resource
        assert resource["url"].startswith(harvested["url"].removesuffix(LANDING_PAGE)), resource
    formats = {r["name"]: r["format"] for r in resources}
    assert formats["tasks.csv"] == "CSV"
    assert formats["plan.json"] == "JSON"
    assert formats["source/guobanfa-2021-25.txt"] == "TXT"
    # Made after the catalogue, each of these lists it: no size or checksum of theirs.
    later = {"datapackage.json", LANDING_PAGE, "README.md", "LICENSE", "CITATION.cff"}
    sized = [r for r in resources if r["name"] not in later]
    assert all(r["size"] and len(r["hash"]) == 64 for r in sized)


def test_the_rules_see_a_gap_when_there_is_one(published: Graph) -> None:
    """The restated rules tell a catalogue without these values from one with them."""
    bare = Graph()
    for triple in published:
        bare.add(triple)
    for predicate in (DCAT.landingPage, DCT.issued, DCT.modified):
        bare.remove((None, predicate, None))
    bare.remove((None, RDFS.label, None))
    bare.remove((None, VCARD.hasURL, None))
    bare.remove((None, DCT.license, None))
    eu = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    for node in bare.subjects(RDF.type, DCAT.Distribution):
        bare.add((node, DCT.license, eu))
    bare.add((eu, DCT.title, Literal("Creative Commons Attribution 4.0 International", lang="en")))
    before = harvest(bare)
    assert before["license_id"] == ""
    assert before["url"] == ""
    assert set(before["extras"]) == {"contact_name"}
    csv = next(r for r in before["resources"] if r["name"] == "tasks.csv")
    assert csv["mimetype"] == "http://www.iana.org/assignments/media-types/text/csv"


# --- the landing page and the dates follow the package ----------------------------------------


def _files() -> dict[str, bytes]:
    return {"tasks.csv": b"id\ntask_1\n", "plan.json": b"{}\n"}


def test_the_landing_page_is_the_site_when_the_package_has_one(
    reference_plan: Plan, registry: Registry
) -> None:
    files = {**_files(), LANDING_PAGE: b"<!doctype html><title>x</title>\n"}
    graph = parse_turtle(serialize_turtle(catalog_graph(reference_plan, files, registry=registry)))
    harvested = harvest(graph)
    folder = package_url(reference_plan, "https://w3id.org/fgf-opendata")
    assert harvested["url"] == folder + "site/index.html"
    page = next(r for r in harvested["resources"] if r["name"] == LANDING_PAGE)
    assert (page["mimetype"], page["format"]) == ("text/html", "HTML")


def test_modified_is_the_sources_date_and_never_the_build_time(
    reference_plan: Plan, registry: Registry
) -> None:
    later = SourceInfo("https://example.org/plan", (), published=reference_plan.issued)
    assert later.published is not None
    moved = SourceInfo("https://example.org/plan", (), published=later.published.replace(day=20))
    graphs = [
        catalog_graph(reference_plan, _files(), registry=registry, source=source)
        for source in (moved, moved, None)
    ]
    assert serialize_turtle(graphs[0]) == serialize_turtle(graphs[1])
    extras = [harvest(parse_turtle(serialize_turtle(g)))["extras"] for g in graphs]
    assert (extras[0]["issued"], extras[0]["modified"]) == ("2021-07-11", "2021-07-20")
    assert (extras[2]["issued"], extras[2]["modified"]) == ("2021-07-11", "2021-07-11")


def test_a_plan_without_a_date_states_none(reference_plan: Plan, registry: Registry) -> None:
    undated = reference_plan.model_copy(update={"issued": None})
    graph = catalog_graph(undated, _files(), registry=registry, source=SourceInfo("https://x.org/"))
    assert not set(graph.triples((None, DCT.issued, None)))
    assert not set(graph.triples((None, DCT.modified, None)))


# --- the real parser, where it is installed -----------------------------------------------------

_PARSE = """
import json, sys
from ckanext.dcat.processors import RDFParser
out = {}
for profile in ("euro_dcat_ap_2", "euro_dcat_ap_3"):
    parser = RDFParser(profiles=[profile])
    parser.parse(open(sys.argv[1], "rb").read(), _format="turtle")
    out[profile] = list(parser.datasets())
print(json.dumps(out))
"""


def _as_rules_see_it(dataset: Mapping[str, Any]) -> dict[str, Any]:
    keys = {"issued", "modified", "contact_name", "contact_email", "contact_url"}
    resources = [
        {
            "name": r.get("name"),
            "url": r.get("url"),
            "mimetype": r.get("mimetype"),
            "format": r.get("format"),
            "license": r.get("license"),
            "size": r.get("size"),
            "hash": r.get("hash"),
        }
        for r in dataset["resources"]
    ]
    return {
        "title": dataset.get("title"),
        "url": dataset.get("url", ""),
        "license_id": dataset.get("license_id", ""),
        "extras": {e["key"]: e["value"] for e in dataset["extras"] if e["key"] in keys},
        "resources": sorted(resources, key=lambda r: r["name"]),
    }


@pytest.mark.ckan
def test_ckanext_dcat_reads_what_the_rules_say(harvested: dict[str, Any]) -> None:
    assert os.environ.get("FGF_CKAN_PYTHON"), "set FGF_CKAN_PYTHON to a Python with ckan"
    python = Path(os.environ["FGF_CKAN_PYTHON"])
    run = subprocess.run(
        [str(python), "-c", _PARSE, str(CATALOG)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    parsed = json.loads(run.stdout)
    for profile, datasets in parsed.items():
        assert len(datasets) == 1, profile
        assert _as_rules_see_it(datasets[0]) == harvested, profile
