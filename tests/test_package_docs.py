"""README.md, LICENSE and CITATION.cff of a package (issue 12): people and citation tools read
them; CITATION.cff is valid Citation File Format 1.2.0 (the schema is checked in under
tests/data, from the citation-file-format project, CC BY 4.0)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from fgf_opendata.build import package_outputs
from fgf_opendata.package_docs import CITATION, DOCUMENTS, LICENSE_FILE, README, package_documents
from fgf_opendata.publication import CC_BY, DESCRIPTOR

CFF_SCHEMA = Path(__file__).parent / "data" / "cff-1.2.0.schema.json"


@pytest.fixture(scope="module")
def files(reference_text: str) -> dict[str, bytes]:
    return dict(package_outputs(reference_text).files)


def _citation_errors(data: bytes) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(yaml.safe_load(data))]


def test_the_package_carries_the_three_documents_and_lists_them(files: dict[str, bytes]) -> None:
    descriptor = json.loads(files[DESCRIPTOR])
    listed = {r["path"]: r for r in descriptor["resources"]}
    for path in DOCUMENTS:
        assert path in files
        assert listed[path]["bytes"] == len(files[path])


def test_the_citation_is_valid_cff(files: dict[str, bytes]) -> None:
    assert _citation_errors(files[CITATION]) == []
    citation = yaml.safe_load(files[CITATION])
    assert citation["type"] == "dataset"
    assert citation["license"] == "CC-BY-4.0"
    (reference,) = citation["references"]
    assert reference["type"] == "government-document"
    assert reference["authors"] == [{"name": "国务院办公厅"}]
    assert reference["date-published"] == "2021-07-11"
    assert reference["url"].startswith("https://www.gov.cn/")


def test_a_citation_that_breaks_the_format_is_caught() -> None:
    # The schema check can fail: a date that is not one, a type CFF does not know.
    broken = yaml.safe_dump(
        {
            "cff-version": "1.2.0",
            "message": "x",
            "title": "t",
            "authors": [{"name": "a"}],
            "type": "plan",
        }
    ).encode()
    assert _citation_errors(broken)


def test_the_readme_lists_every_file_and_says_licence_and_source(files: dict[str, bytes]) -> None:
    readme = files[README].decode("utf-8")
    descriptor = json.loads(files[DESCRIPTOR])
    for resource in descriptor["resources"]:
        if resource["path"] not in DOCUMENTS:
            assert f"| `{resource['path']}` |" in readme
    assert CC_BY in readme
    assert "https://www.gov.cn/zhengce/content/2021-07/11/content_5624201.htm" in readme
    assert "datasette plan.sqlite --metadata metadata.json" in readme


def test_the_licence_names_cc_by_and_the_source_status(files: dict[str, bytes]) -> None:
    notice = files[LICENSE_FILE].decode("utf-8")
    assert CC_BY in notice
    assert "Article 5 of the Copyright Law" in notice


def _descriptor(**extra: Any) -> dict[str, Any]:
    return {
        "name": "x",
        "id": "https://w3id.org/fgf-opendata/dataset/x",
        "title": "A | B\nC",
        "version": "0.1.0",
        "resources": [{"path": "tasks.csv", "title": "Key | tasks"}],
        **extra,
    }


def test_markdown_cells_stay_cells() -> None:
    readme = package_documents(_descriptor())[README].decode("utf-8")
    assert readme.startswith("# A \\| B C\n")
    assert "| `tasks.csv` | Key \\| tasks |" in readme


def test_a_corpus_descriptor_without_sources_gives_valid_documents() -> None:
    documents = package_documents(_descriptor(keywords=["重点任务分工"]))
    assert _citation_errors(documents[CITATION]) == []
    assert "references" not in yaml.safe_load(documents[CITATION])


def test_the_documents_are_deterministic() -> None:
    first = package_documents(_descriptor(), issued=dt.date(2021, 7, 11))
    assert first == package_documents(_descriptor(), issued=dt.date(2021, 7, 11))
