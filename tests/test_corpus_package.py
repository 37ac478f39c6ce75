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


def test_the_catalogue_is_written_as_rdflib_s_graph_of_it_would_be(corpus: Path) -> None:
    """`corpus_catalog_turtle` skips the rdflib graph: its bytes are `serialize_turtle` of
    `corpus_catalog_graph`, the graph is isomorphic to what the Turtle reads back, and the
    corpus publishes those bytes; with a landing page, and plans without a date or number."""
    import dataclasses

    from rdflib.compare import isomorphic

    from fgf_opendata.linked.catalog import (
        PlanEntry,
        corpus_catalog_graph,
        corpus_catalog_turtle,
    )
    from fgf_opendata.linked.syntax import parse_turtle, serialize_turtle
    from fgf_opendata.publication import LANDING_PAGE
    from fgf_opendata.serialize import plan_from_json

    plans = sorted((corpus / "plans").glob("*.json"))
    entries = [PlanEntry.of(plan_from_json(p.read_bytes())) for p in plans]
    resources = _descriptor(corpus)["resources"]
    assert isinstance(resources, list)
    files: dict[str, tuple[int, str] | None] = {
        r["path"]: (r["bytes"], r["hash"]) for r in resources if r["path"] != "linked/catalog.ttl"
    }
    assert corpus_catalog_turtle(entries, files) == (corpus / "linked" / "catalog.ttl").read_bytes()
    undated = dataclasses.replace(entries[0], issued=None, end=None, doc_number=None)
    for given, listed in (
        (entries, {**files, LANDING_PAGE: None}),
        ([undated, *entries[1:]], files),
        ([undated], {"plans.csv": (3, "sha256:" + "0" * 64)}),
    ):
        graph = corpus_catalog_graph(given, listed)
        turtle = corpus_catalog_turtle(given, listed)
        assert turtle == serialize_turtle(graph)
        assert isomorphic(parse_turtle(turtle), graph)


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


@pytest.fixture(scope="module")
def with_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("sources-site")
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    for name in ("chapters-articles.txt", "flat-items.txt"):
        shutil.copy(GENRE / name, sources / name)
    out = tmp_path_factory.mktemp("out-site") / "corpus"
    build_corpus([sources], out, jobs=1, site=True)
    return out


def test_a_corpus_build_writes_its_site(with_site: Path) -> None:
    from fgf_opendata.linked.syntax import parse_turtle
    from fgf_opendata.linked.vocab import DCAT

    index = (with_site / "site" / "index.html").read_text(encoding="utf-8")
    plans = sorted(p.stem for p in (with_site / "plans").glob("*.json"))
    for path in ("datapackage.json", "linked/catalog.ttl", f"linked/plans/{plans[0]}.nt"):
        assert path in index
    graph = parse_turtle((with_site / "linked" / "catalog.ttl").read_bytes())
    pages = {str(o) for o in graph.objects(None, DCAT.landingPage)}
    assert pages == {"https://w3id.org/fgf-opendata/package/corpus/site/index.html"}
    plans = sorted(p.stem for p in (with_site / "plans").glob("*.json"))
    for plan_id in plans:
        assert (with_site / "site" / "plans" / f"{plan_id}.html").is_file()


def test_the_site_links_an_agency_across_plans(with_site: Path) -> None:
    import csv

    with (with_site / "responsibilities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    plans_of: dict[str, set[str]] = {}
    for row in rows:
        if row["agency_id"]:
            plans_of.setdefault(row["agency_id"], set()).add(row["subject_id"].split("/")[0])
    shared = sorted(a for a, plans in plans_of.items() if len(plans) > 1)
    assert shared, "the test corpus has an agency cited by two plans"
    page = (with_site / "site" / "agencies" / f"{shared[0]}.html").read_text(encoding="utf-8")
    for plan_id in plans_of[shared[0]]:
        assert f'href="../plans/{plan_id}.html' in page


def test_a_corpus_with_its_site_is_rebuilt_in_place_and_validates(
    with_site: Path, tmp_path: Path
) -> None:
    from fgf_opendata.tabular.gates import validate_package

    before = {p.relative_to(with_site).as_posix(): p.read_bytes() for p in with_site.rglob("*.*")}
    sources = tmp_path / "src"
    sources.mkdir()
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    for name in ("chapters-articles.txt", "flat-items.txt"):
        shutil.copy(GENRE / name, sources / name)
    build_corpus([sources], with_site, jobs=1, site=True)  # replaces a package holding a site
    after = {p.relative_to(with_site).as_posix(): p.read_bytes() for p in with_site.rglob("*.*")}
    assert after == before
    errors = [f for f in validate_package(with_site).findings if f.severity == "error"]
    assert errors == []
