"""The schema.org `Dataset` markup of a package, against the properties Google documents.

Google's Dataset structured data (developers.google.com/search/docs/appearance/
structured-data/dataset) requires `name` and `description` (50 to 5000 characters) and
recommends the properties listed in `GOOGLE_RECOMMENDED`; a property left out is in
`LEFT_OUT` with the reason. The vocabulary check uses rdflib's copy of schema.org, offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import URIRef
from rdflib.namespace import SDO as SCHEMA_ORG

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.linked.catalog import catalog_graph, dataset_jsonld
from fgf_opendata.linked.syntax import parse_jsonld
from fgf_opendata.linked.vocab import DCAT, DCT, RDF, RDFS
from fgf_opendata.model import Plan
from fgf_opendata.publication import CC_BY, LANDING_PAGE, SourceInfo

GOOGLE_REQUIRED = ("name", "description")
GOOGLE_RECOMMENDED = (
    "alternateName",
    "citation",
    "creator",
    "distribution",
    "funder",
    "hasPart",
    "identifier",
    "includedInDataCatalog",
    "isAccessibleForFree",
    "isBasedOn",
    "keywords",
    "license",
    "measurementTechnique",
    "sameAs",
    "spatialCoverage",
    "temporalCoverage",
    "variableMeasured",
    "version",
    "url",
)
LEFT_OUT = {
    "citation": "no publication to cite besides the dataset; the source is `isBasedOn`",
    "funder": "nobody funds the project",
    "hasPart": "one dataset per plan, no sub-datasets",
    "sameAs": "no other page describes the same dataset",
}
"""Recommended properties without an honest value."""


@pytest.fixture(scope="module")
def files() -> dict[str, bytes | None]:
    """The package's files as the build gives them to the catalogue: the site's landing page
    by name only (it is made after the catalogue), the rest of the site not at all."""
    root = ROOT / "datapackage"
    package: dict[str, bytes | None] = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.relative_to(root).as_posix().startswith("site/")
    }
    assert (root / LANDING_PAGE).is_file()
    return {**package, LANDING_PAGE: None}


@pytest.fixture(scope="module")
def doc(reference_plan: Plan, registry: Registry, files: dict[str, bytes | None]) -> dict[str, Any]:
    return dataset_jsonld(reference_plan, files, registry=registry)


def test_required_and_recommended_properties(doc: dict[str, Any]) -> None:
    for name in GOOGLE_REQUIRED:
        assert doc[name], name
    assert 50 <= len(doc["description"]) <= 5000
    missing = {name for name in GOOGLE_RECOMMENDED if not doc.get(name)}
    assert missing == set(LEFT_OUT)
    assert doc["@type"] == "Dataset"
    assert doc["license"] == CC_BY
    assert doc["isAccessibleForFree"] is True


def test_creators_and_downloads_have_what_google_asks(doc: dict[str, Any]) -> None:
    for creator in doc["creator"]:
        assert creator["@type"] == "Organization"
        assert creator["name"]
    assert [c["name"] for c in doc["creator"]] == ["国务院办公厅", "fgf-opendata"]
    assert doc["includedInDataCatalog"]["@type"] == "DataCatalog"
    for download in doc["distribution"]:
        assert download["@type"] == "DataDownload"
        assert download["contentUrl"].startswith(doc["url"].removesuffix(LANDING_PAGE))
        assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", download["encodingFormat"]), download


def test_keywords_and_names_in_chinese_and_english(doc: dict[str, Any]) -> None:
    cjk = re.compile(r"[\u3400-\u9fff]")
    assert any(cjk.search(k) for k in doc["keywords"])
    assert any(re.fullmatch(r"[A-Za-z ]+", k) for k in doc["keywords"])
    assert cjk.search(doc["name"])
    assert doc["alternateName"].startswith("Key tasks")
    assert "Structured data" in doc["description"]
    assert "结构化数据" in doc["description"]


def _terms(node: Any) -> Iterator[tuple[str, str]]:
    """(kind, name) of every property and type the document uses."""
    if isinstance(node, list):
        for item in node:
            yield from _terms(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@type":
                yield "type", value
            elif not key.startswith("@"):
                yield "property", key
            yield from _terms(value)


def test_every_term_is_schema_org(doc: dict[str, Any]) -> None:
    known = set(SCHEMA_ORG.__annotations__)
    used = set(_terms(doc))
    assert {name for _, name in used} - known == set()
    assert {name for kind, name in used if kind == "type"} == {
        "Dataset",
        "Organization",
        "CreativeWork",
        "Country",
        "DataCatalog",
        "DataDownload",
    }


def test_it_is_json_ld_of_a_schema_org_dataset(doc: dict[str, Any]) -> None:
    offline = {**doc, "@context": {"@vocab": str(SCHEMA_ORG._NS)}}  # no fetch of schema.org
    graph = parse_jsonld(json.dumps(offline, ensure_ascii=False))
    dataset = URIRef(doc["@id"])
    assert (dataset, RDF.type, SCHEMA_ORG.Dataset) in graph
    assert len(set(graph.objects(dataset, SCHEMA_ORG.distribution))) == len(doc["distribution"])
    assert len(set(graph.objects(dataset, SCHEMA_ORG.keywords))) == len(doc["keywords"])


def test_it_says_what_the_dcat_catalogue_says(
    doc: dict[str, Any], reference_plan: Plan, registry: Registry, files: dict[str, bytes | None]
) -> None:
    catalog = catalog_graph(reference_plan, files, registry=registry)
    dataset = URIRef(doc["@id"])
    assert str(catalog.value(dataset, DCAT.landingPage)) == doc["url"]
    assert str(catalog.value(dataset, DCT.issued)) == doc["datePublished"]
    assert str(catalog.value(dataset, DCT.modified)) == doc["dateModified"]
    period = catalog.value(dataset, DCT.temporal)
    start, end = catalog.value(period, DCAT.startDate), catalog.value(period, DCAT.endDate)
    assert doc["temporalCoverage"] == f"{start}/{end}" == "2021-07-11/2022-12-31"
    downloads = {str(u) for u in catalog.objects(None, DCAT.downloadURL)}
    # The landing page is the dataset's `url` in schema.org, not a download.
    assert {d["contentUrl"] for d in doc["distribution"]} == downloads - {doc["url"]}
    licence = catalog.value(dataset, DCAT.distribution)
    assert URIRef(doc["license"]) in set(
        catalog.objects(catalog.value(licence, DCT.license), RDFS.seeAlso)
    )
    keywords = {str(k) for k in catalog.objects(dataset, DCAT.keyword)}
    assert set(doc["keywords"]) == keywords


def test_the_landing_page_is_the_site_and_not_a_download(
    reference_plan: Plan, registry: Registry
) -> None:
    files = {"tasks.csv": b"id\n", LANDING_PAGE: b"<!doctype html>\n", "site/style.css": b""}
    doc = dataset_jsonld(reference_plan, files, registry=registry)
    assert doc["url"].endswith("/package/guobanfa-2021-25/site/index.html")
    assert [d["name"] for d in doc["distribution"]] == ["datapackage.json", "tasks.csv"]


def test_it_is_the_same_every_time_and_states_only_known_dates(
    reference_plan: Plan, registry: Registry
) -> None:
    files = {"tasks.csv": b"id\n"}
    assert dataset_jsonld(reference_plan, files, registry=registry) == dataset_jsonld(
        reference_plan, files, registry=registry
    )
    undated = reference_plan.model_copy(update={"issued": None})
    doc = dataset_jsonld(undated, files, registry=registry, source=SourceInfo("https://x.org/"))
    assert "datePublished" not in doc
    assert "dateModified" not in doc
    assert doc["temporalCoverage"] == "../2022-12-31"
    assert "datePublished" not in doc["isBasedOn"]
