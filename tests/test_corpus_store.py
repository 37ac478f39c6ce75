"""A corpus's indexed query store: the same answers as the N-Triples, the same bounds, used only
when it is whole and holds the package's graph."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import REFERENCE
from fgf_opendata.cli import main
from fgf_opendata.corpus import build_corpus
from fgf_opendata.linked.query import example_names, example_query, load_graph, load_queryable
from fgf_opendata.linked.sparql import QueryError, StoreGraph, run_query
from fgf_opendata.linked.store import (
    LAYOUT,
    STAMP,
    build_store,
    find_store,
    graph_digest,
    graph_files,
)

GENRE = Path(__file__).parent / "cases" / "genre"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _cache_env(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FGF_CACHE_DIR", str(cache))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    sources = tmp_path_factory.mktemp("sources")
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    for name in ("flat-items.txt", "deadline-forms.txt"):
        shutil.copy(GENRE / name, sources / name)
    out = tmp_path_factory.mktemp("out") / "corpus"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FGF_CACHE_DIR", str(cache))
        result = build_corpus([sources], out, jobs=1, store=True)
    assert result.store is not None
    assert result.store_error is None
    return out


@pytest.mark.parametrize("name", example_names())
def test_the_store_answers_as_the_ntriples_do(corpus: Path, name: str) -> None:
    store = load_queryable(corpus)
    assert isinstance(store, StoreGraph)
    from_store = run_query(example_query(name), store)
    from_file = run_query(example_query(name), load_graph(corpus))
    assert from_store.columns == from_file.columns
    assert from_store.rows  # the examples find something in the reference
    # ties of ORDER BY may fall either way; the rows are the same, as terms
    assert Counter(from_store.rows) == Counter(from_file.rows)


def test_a_damaged_or_foreign_store_is_not_used(corpus: Path) -> None:
    found = find_store(corpus)
    assert found is not None
    stamp = found.parent / STAMP
    kept = stamp.read_bytes()
    try:
        stamp.write_text("{", encoding="utf-8")
        assert isinstance(load_queryable(corpus), Graph)
        record = json.loads(kept)
        record["graph"] = "sha256:" + "0" * 64
        stamp.write_text(json.dumps(record), encoding="utf-8")
        assert isinstance(load_queryable(corpus), Graph)
    finally:
        stamp.write_bytes(kept)
    assert isinstance(load_queryable(corpus), StoreGraph)


def test_a_store_of_an_older_layout_is_made_again(corpus: Path) -> None:
    """A store from before stores were compacted once loaded (its stamp names no layout, or
    layout 1 or 2) is not read: its queries take four times as long at 1,000 plans, and a
    layout 2 store is named by the digest of a graph file that corpora no longer publish."""
    found = find_store(corpus)
    assert found is not None
    stamp = found.parent / STAMP
    record = json.loads(stamp.read_bytes())
    assert record["layout"] == LAYOUT
    for older in (
        {k: v for k, v in record.items() if k != "layout"},
        {**record, "layout": 1},
        {**record, "layout": 2},
    ):
        stamp.write_text(json.dumps(older), encoding="utf-8")
        assert find_store(corpus) is None
        assert isinstance(load_queryable(corpus), Graph)
        graphs = graph_files(corpus)
        assert graphs is not None
        assert [p for p, _ in graphs] == sorted(p for p, _ in graphs)
        files = [corpus / path for path, _ in graphs]
        assert build_store(files, graph_digest(graphs)) == found
        assert json.loads(stamp.read_bytes())["layout"] == LAYOUT
        assert isinstance(load_queryable(corpus), StoreGraph)


def test_the_bounds_hold_over_the_store(corpus: Path) -> None:
    store = load_queryable(corpus)
    assert isinstance(store, StoreGraph)
    with pytest.raises(QueryError) as remote:
        run_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", store)
    assert remote.value.code == "query-remote"
    with pytest.raises(QueryError) as dataset:
        run_query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", store)
    assert dataset.value.code == "query-dataset"
    cut = run_query("SELECT * WHERE { ?s ?p ?o }", store, max_rows=7)
    assert len(cut.rows) == 7
    assert not cut.complete
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    with pytest.raises(QueryError) as slow:
        run_query(cross, store, timeout=1)
    assert slow.value.code == "query-timeout"
    huge = "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?a ?b ?c LIMIT 1"
    with pytest.raises(QueryError) as memory:
        run_query(huge, store, timeout=60, max_memory=64 << 20)
    assert memory.value.code == "query-memory"


def test_cli_builds_the_store_unless_told_not_to(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    sources.mkdir()
    shutil.copy(GENRE / "flat-items.txt", sources / "a.txt")
    shutil.copy(GENRE / "deadline-forms.txt", sources / "b.txt")
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["build", str(sources), "-o", str(out), "--no-store"])
    assert done.exit_code == 0, done.stderr
    assert find_store(out) is None
    done = CliRunner().invoke(main, ["build", str(sources), "-o", str(out)])
    assert done.exit_code == 0, done.stderr
    assert find_store(out) is not None
    answer = CliRunner().invoke(main, ["query", "--example", "lead-ranking", str(out)])
    assert answer.exit_code == 0, answer.stderr
    assert "(0 rows)" not in answer.stdout
