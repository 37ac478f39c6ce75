"""One descriptor builder: a corpus's `datapackage.json` is made by the same functions as a
single plan's (`tabular.descriptor`), so the two agree on everything but what they hold."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REFERENCE
from fgf_opendata.agencies import default_registry
from fgf_opendata.corpus import build_corpus
from fgf_opendata.parsing import parse_plan
from fgf_opendata.publication import DESCRIPTOR
from fgf_opendata.tabular.columns import TABLES
from fgf_opendata.tabular.descriptor import (
    data_files,
    descriptor_frame,
    file_stat,
    package_descriptor,
)
from fgf_opendata.textio import read_source


def test_a_corpus_and_a_plan_share_the_frame_and_the_table_resources(tmp_path: Path) -> None:
    registry = default_registry()
    text = read_source(REFERENCE).text
    plan = parse_plan(text, registry=registry)
    single = package_descriptor(plan, data_files(plan, registry, text), registry=registry)
    build_corpus([REFERENCE], tmp_path / "corpus", graph=False, jobs=1)
    corpus = json.loads((tmp_path / "corpus" / DESCRIPTOR).read_text(encoding="utf-8"))

    assert list(corpus) == [key for key in single if key != "sources"]
    for key in ("$schema", "version", "licenses"):
        assert corpus[key] == single[key]
    assert corpus["contributors"][0] == single["contributors"][0]  # the publisher
    tables = {r["name"]: r for r in single["resources"]}
    for resource in corpus["resources"][: len(TABLES)]:
        mine = tables[resource["name"]]
        assert list(resource) == list(mine)
        for key in ("type", "title", "description", "format", "mediatype", "dialect"):
            assert resource[key] == mine[key]


def test_the_frame_states_the_project_once() -> None:
    frame = descriptor_frame(
        name="x",
        dataset="x",
        title="t",
        description="d",
        resources=[],
        subject_keywords=("k",),
    )
    assert frame["id"].endswith("/dataset/x")
    assert "sources" not in frame  # a corpus names no single source
    assert file_stat(b"abc")[0] == 3
    assert file_stat(b"abc")[1].startswith("sha256:ba7816bf")
