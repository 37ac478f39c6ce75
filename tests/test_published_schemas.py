"""The schemas a package publishes: field titles (zh and en) and examples, the schema files in
the package that the catalogue's `dct:conformsTo` names, and a specific title and description
for every file of the descriptor."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import frictionless
import pytest
from rdflib import Graph, URIRef

from fgf_opendata.linked.vocab import DCAT, DCT, RDF
from fgf_opendata.publication import BASE_IRI, TABLE_SCHEMA_PROFILE
from fgf_opendata.tabular import columns
from fgf_opendata.tabular.columns import COLUMNS, TABLES, table_schemas
from fgf_opendata.tabular.descriptor import (
    FILE_DESCRIPTIONS,
    PLAN_SCHEMA,
    PLAN_SHAPES,
    file_description,
    schema_files,
    table_schema_path,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "datapackage"
TITLE = re.compile(r"(?P<en>[ -~]+) \((?P<zh>[^()]*[\u3400-\u9fff][^()]*)\)")
"""A field's title: English in ASCII, then its Chinese in parentheses."""


@pytest.fixture(scope="module")
def descriptor() -> dict[str, Any]:
    return json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> Graph:
    return Graph().parse(PACKAGE / "linked" / "catalog.ttl", format="turtle")


# --- titles and examples -------------------------------------------------------------------


def test_every_field_has_a_title_in_english_and_chinese() -> None:
    fields = 0
    for name, schema in table_schemas().items():
        titles = [field.get("title", "") for field in schema["fields"]]
        for field, title in zip(schema["fields"], titles, strict=True):
            assert TITLE.fullmatch(title), f"{name}.{field['name']}: title {title!r}"
            fields += 1
        assert len(set(titles)) == len(titles), f"{name}: two columns share a title"
    assert fields == sum(len(table.columns) for table in COLUMNS.values()) == 95


def test_every_label_of_a_model_field_names_a_column() -> None:
    """The table of labels holds no entry that no column uses (a renamed field, a dropped one)."""
    used = {(column.name, column.label) for table in COLUMNS.values() for column in table.columns}
    for (model, name), label in columns._LABELS.items():
        assert name in model.model_fields, f"{model.__name__} has no field {name}"
        assert (name, label) in used, f"{model.__name__}.{name}: no column uses its label"


def _example_errors(field: dict[str, Any], example: str) -> list[list[str]]:
    """What frictionless finds in a one-row table that holds `example` in the field's column:
    its type and its constraints (the schema alone checks the type only)."""
    one = {"fields": [{**field, "example": example}]}
    data = [[field["name"]], [example]]
    report = frictionless.Resource(data=data, schema=frictionless.Schema.from_descriptor(one))
    return report.validate().flatten(["type"])


def test_the_examples_fit_their_fields() -> None:
    examples = 0
    for name, schema in table_schemas().items():
        frictionless.Schema.from_descriptor(schema)  # raises when an example is of a wrong type
        for field in schema["fields"]:
            if "example" in field:
                assert _example_errors(field, field["example"]) == [], (name, field["name"])
                examples += 1
    assert examples == 83


def test_an_example_that_breaks_a_constraint_is_caught() -> None:
    kind = next(f for f in table_schemas()["subjects"]["fields"] if f["name"] == "kind")
    task = next(f for f in table_schemas()["tasks"]["fields"] if f["name"] == "id")
    assert _example_errors(kind, "chapter") == [["constraint-error"]]
    assert _example_errors(task, "sec_1") == [["constraint-error"]]


# --- the schema files of the package --------------------------------------------------------


def test_the_package_publishes_every_schema_the_descriptor_embeds(
    descriptor: dict[str, Any],
) -> None:
    paths = {resource["path"] for resource in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if resource.get("type") != "table":
            continue
        path = table_schema_path(resource["name"])
        assert path in paths, f"{path} is not a resource of the package"
        published = json.loads((PACKAGE / path).read_text(encoding="utf-8"))
        assert published == resource["schema"], path
    assert PLAN_SCHEMA in paths
    assert set(schema_files()) <= paths


def test_the_package_schemas_are_the_projects_schemas() -> None:
    """The package's `schemas/` holds the same bytes as the project's `schemas/`."""
    published = schema_files()
    assert published.pop(PLAN_SCHEMA) == (ROOT / "schemas" / "plan.schema.json").read_bytes()
    shapes = ROOT / "src" / "fgf_opendata" / "data" / "fgf-shapes.ttl"
    assert published.pop(PLAN_SHAPES) == shapes.read_bytes() == (PACKAGE / PLAN_SHAPES).read_bytes()
    assert len(published) == len(TABLES)
    for path, data in published.items():
        assert (PACKAGE / path).read_bytes() == data == (ROOT / path).read_bytes(), path


def test_every_conforms_to_of_the_project_is_a_file_of_the_package(
    catalog: Graph, descriptor: dict[str, Any]
) -> None:
    """Each of the project's standards is a file of the package: the IRI is that file's
    download URL (so it resolves wherever the package does), typed `dct:Standard`."""
    paths = {resource["path"] for resource in descriptor["resources"]}
    downloads = {
        str(url): str(node)
        for node in catalog.subjects(RDF.type, DCAT.Distribution)
        for url in catalog.objects(node, DCAT.downloadURL)
    }
    ours = set()
    for distribution, standard in catalog.subject_objects(DCT.conformsTo):
        assert (standard, RDF.type, DCT.Standard) in catalog
        assert catalog.value(standard, DCT.title) is not None
        if not str(standard).startswith(BASE_IRI):
            continue
        ours.add(standard)
        assert str(standard) in downloads, f"{standard} is no distribution's download URL"
        folder = str(catalog.value(URIRef(downloads[str(standard)]), DCAT.accessURL))
        assert str(standard).removeprefix(folder) in paths, standard
        assert distribution != URIRef(downloads[str(standard)])
    assert len(ours) == len(TABLES) + 2  # a Table Schema per table, plan.json's, the shapes


def test_the_schema_files_conform_to_the_public_profiles(catalog: Graph) -> None:
    by_path = {
        str(catalog.value(node, DCT.title)): catalog.value(node, DCT.conformsTo)
        for node in catalog.subjects(RDF.type, DCAT.Distribution)
    }
    assert by_path[table_schema_path("tasks")] == URIRef(TABLE_SCHEMA_PROFILE)
    assert by_path[PLAN_SCHEMA] == URIRef("https://json-schema.org/draft/2020-12/schema")
    assert by_path[PLAN_SHAPES] == URIRef("https://www.w3.org/TR/shacl/")


# --- titles and descriptions of the files ---------------------------------------------------


def test_every_file_has_its_own_title_and_description(descriptor: dict[str, Any]) -> None:
    titles = [resource["title"] for resource in descriptor["resources"]]
    descriptions = [resource["description"] for resource in descriptor["resources"]]
    assert len(set(titles)) == len(titles)
    assert len(set(descriptions)) == len(descriptions)
    for resource in descriptor["resources"]:
        generic = file_description("elsewhere/" + resource["path"])
        assert (resource["title"], resource["description"]) != generic, resource["path"]
        assert not resource["title"].endswith(resource["path"]), resource["path"]


def test_an_unknown_file_is_described_by_its_format() -> None:
    assert file_description("extra/notes.ttl") == (
        "RDF graph (Turtle): extra/notes.ttl",
        "RDF graph (Turtle) of the plan, generated from the same parse as the tables.",
    )
    assert "linked/context.jsonld" in FILE_DESCRIPTIONS
    assert file_description("linked/context.jsonld")[0] == "JSON-LD context"


def test_the_package_readme_lists_the_files_by_their_titles(descriptor: dict[str, Any]) -> None:
    readme = (PACKAGE / "README.md").read_text(encoding="utf-8")
    assert "| `linked/context.jsonld` | JSON-LD context |" in readme
    assert "| `metadata.json` | Datasette metadata |" in readme
    assert f"| `{PLAN_SCHEMA}` | JSON Schema of plan.json |" in readme
