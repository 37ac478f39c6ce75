"""A corpus package keeps a single plan's promises: a catalogue, a graph `fgf query` reads,
`fgf diff` between two of its plans."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REFERENCE
from fgf_opendata.cli import main
from fgf_opendata.corpus import build_corpus

GENRE = Path(__file__).parent / "cases" / "genre"
OTHERS = ("flat-items.txt", "deadline-forms.txt")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("sources")
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    for name in OTHERS:
        shutil.copy(GENRE / name, sources / name)
    out = tmp_path_factory.mktemp("out") / "corpus"
    build_corpus([sources], out, jobs=1)
    return out


def _descriptor(folder: Path) -> dict[str, object]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_the_catalogue_lists_every_file_with_its_size_and_checksum(corpus: Path) -> None:
    from fgf_opendata.linked.syntax import parse_turtle
    from fgf_opendata.linked.vocab import DCAT, DCT, RDF, SPDX

    graph = parse_turtle((corpus / "linked" / "catalog.ttl").read_bytes())
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert [str(d) for d in datasets] == [_descriptor(corpus)["id"]]
    listed = {}
    for dist in graph.objects(datasets[0], DCAT.distribution):
        size = graph.value(dist, DCAT.byteSize)
        digest = graph.value(graph.value(dist, SPDX.checksum), SPDX.checksumValue)
        path = str(graph.value(dist, DCT.title))
        listed[path] = (int(size), f"sha256:{digest}") if size is not None else None
    resources = _descriptor(corpus)["resources"]
    assert isinstance(resources, list)
    expected = {
        r["path"]: (r["bytes"], r["hash"]) for r in resources if r["path"] != "linked/catalog.ttl"
    }
    assert listed == {**expected, "datapackage.json": None}
    plans = {str(o) for o in graph.objects(datasets[0], DCT.relation)}
    assert len(plans) == 3  # derived from every plan of the corpus
    assert "linked/catalog.ttl" in {r["path"] for r in resources}


def test_the_catalogue_passes_dcat_ap(corpus: Path) -> None:
    from fgf_opendata.linked.shacl import check_catalog
    from fgf_opendata.linked.syntax import parse_turtle

    findings = check_catalog(parse_turtle((corpus / "linked" / "catalog.ttl").read_bytes()))
    assert [f for f in findings if f.severity == "error"] == []


def test_query_runs_over_the_corpus_graph(corpus: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", "--example", "lead-ranking", str(corpus), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    single = CliRunner().invoke(
        main,
        [
            "query",
            "--example",
            "lead-ranking",
            str(REFERENCE.parent.parent / "datapackage"),
            "--format",
            "json",
        ],
    )
    alone = {row["agency"]: row["leads"] for row in json.loads(single.stdout)}
    together = {row["agency"]: row["leads"] for row in rows}
    assert set(alone) <= set(together)
    assert sum(together.values()) > sum(alone.values())  # the other plans' leads count too


def test_diff_compares_two_plans_of_a_corpus(corpus: Path) -> None:
    old = corpus / "plans" / "guobanfa-2021-25.json"
    same = CliRunner().invoke(main, ["diff", str(old), str(old)])
    assert same.exit_code == 0, same.stderr
    other = next(p for p in sorted((corpus / "plans").glob("*.json")) if p != old)
    differs = CliRunner().invoke(main, ["diff", str(old), str(other), "--json"])
    assert differs.exit_code == 1, differs.stderr
    assert json.loads(differs.stdout)["same"] is False


def test_diff_of_a_corpus_folder_says_how_to_name_a_plan(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(corpus), str(corpus)])
    assert result.exit_code == 2
    assert "corpus package of 3 plans" in result.stderr
    assert f"{corpus}/plans/" in result.stderr
