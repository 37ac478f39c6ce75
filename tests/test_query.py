"""`fgf query`: the README's example queries, answered from the graph and checked against the
model, and the three output formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.cli import main
from fgf_opendata.errors import ExportError
from fgf_opendata.linked.query import example_names, example_query, load_graph, resolve_query
from fgf_opendata.linked.sparql import QueryError, format_table, run_query
from fgf_opendata.linked.syntax import serialize_jsonld, serialize_turtle
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import Measure, Plan, Task


@pytest.fixture(scope="module")
def graph(reference_plan: Plan, registry: Registry) -> Graph:
    return to_graph(reference_plan, registry)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Path:
    folder = tmp_path_factory.mktemp("package")
    (folder / "linked").mkdir()
    (folder / "linked" / "plan.ttl").write_bytes(serialize_turtle(graph))
    (folder / "linked" / "plan.jsonld").write_bytes(serialize_jsonld(graph))
    return folder


def provisions(plan: Plan) -> list[Task | Measure]:
    return [node for s in plan.sections for t in s.tasks for node in (t, *t.measures)]


def test_the_examples_ship_with_the_package() -> None:
    assert example_names() == ("due-by-2021", "lead-ranking", "measures-led-by")
    for name in example_names():
        assert example_query(name).lstrip().startswith("#")  # each says what it asks
    with pytest.raises(QueryError, match="no example query"):
        example_query("nope")


def test_measures_led_by_an_agency_with_their_deadlines(reference_plan: Plan, graph: Graph) -> None:
    table = run_query(example_query("measures-led-by"), graph)
    assert table.columns == ("measure", "task", "deadline", "due", "text")
    got = [(str(r[0]), r[3].toPython() if r[3] is not None else None) for r in table.rows]
    expected = []
    for node in provisions(reference_plan):
        resp = node.responsibility
        if not isinstance(node, Measure) or resp is None:
            continue
        if any(a.agency_id == "gosc" and a.role == "lead" for a in resp.assignments):
            dates = sorted(d.date for d in node.deadlines) or [None]
            expected.extend((node.id, date) for date in dates)
    assert got == expected
    assert len(got) == 13
    assert ("task_12__meas_4", dt.date(2021, 11, 30)) in got


def test_agencies_ranked_by_lead_assignments(reference_plan: Plan, graph: Graph) -> None:
    table = run_query(example_query("lead-ranking"), graph)
    assert table.columns == ("agency", "name", "name_en", "leads")
    got = [(str(r[0]), int(r[3])) for r in table.rows]  # type: ignore[arg-type]
    counts = Counter(
        a.agency_id
        for node in provisions(reference_plan)
        for a in (node.responsibility.assignments if node.responsibility else ())
        if a.role == "lead" and a.agency_id
    )
    assert got == sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    assert got[0] == ("gosc", 14)
    top = table.rows[0]
    assert top[1] == Literal("国务院办公厅", lang="zh-Hans")
    assert top[2] == Literal("General Office of the State Council", lang="en")


def test_everything_due_by_the_end_of_2021(reference_plan: Plan, graph: Graph) -> None:
    table = run_query(example_query("due-by-2021"), graph)
    got = Counter((str(r[1]), str(r[2]), r[0].toPython()) for r in table.rows)  # type: ignore[union-attr]
    end = dt.date(2021, 12, 31)
    expected = Counter(
        (node.id, d.expression, d.date)
        for node in provisions(reference_plan)
        for d in node.deadlines
        if d.date <= end
    )
    expected.update(
        (reference_plan.doc_number, d.expression, d.date) for d in reference_plan.deadlines
    )
    assert got == expected
    dates = [r[0].toPython() for r in table.rows]  # type: ignore[union-attr]
    assert dates == sorted(dates)
    assert all(date <= end for date in dates)
    # A measure with a 2022 deadline is not due.
    assert not any(str(r[1]) == "task_12__meas_3" and r[2] == "2022年底前" for r in table.rows)


def test_formats(graph: Graph) -> None:
    table = run_query(example_query("lead-ranking"), graph)
    text = format_table(table, "table", graph)
    lines = text.splitlines()
    assert lines[0].split() == ["agency", "name", "name_en", "leads"]
    assert lines[2].startswith("gosc    国务院办公厅")
    assert lines[-1] == f"({len(table.rows)} rows)"
    # Chinese takes two columns: the English names line up after it.
    column = _display_column(lines[0], "name_en")
    for line, row in zip(lines[2:], table.rows, strict=False):
        assert _display_column(line, str(row[2])) == column, line
    rows = list(csv.reader(io.StringIO(format_table(table, "csv"))))
    assert rows[0] == ["agency", "name", "name_en", "leads"]
    assert rows[1] == ["gosc", "国务院办公厅", "General Office of the State Council", "14"]
    records = json.loads(format_table(table, "json"))
    assert records[0] == {
        "agency": "gosc",
        "name": "国务院办公厅",
        "name_en": "General Office of the State Council",
        "leads": 14,
    }


def _display_column(line: str, word: str) -> int:
    import unicodedata

    prefix = line[: line.index(word)]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in prefix)


def test_iris_are_shortened_in_tables_only(graph: Graph) -> None:
    table = run_query("SELECT ?role WHERE { ?a prov:agent ?x ; dcat:hadRole ?role } LIMIT 1", graph)
    assert format_table(table, "table", graph).splitlines()[2].startswith("role:")
    assert format_table(table, "csv").splitlines()[1].startswith("https://w3id.org/")


def test_ask_and_construct(graph: Graph) -> None:
    ask = run_query("ASK { ?s a eli:LegalResource }", graph)
    assert json.loads(format_table(ask, "json")) == [{"ask": True}]
    construct = run_query(
        "CONSTRUCT { ?s a eli:LegalResource } WHERE { ?s a eli:LegalResource }", graph
    )
    assert construct.columns == ("subject", "predicate", "object")
    assert len(construct.rows) == 1


def test_bad_queries_raise_query_error(graph: Graph) -> None:
    with pytest.raises(QueryError, match="SPARQL"):
        run_query("SELEC ?x WHERE {}", graph)
    with pytest.raises(QueryError, match="SPARQL"):
        run_query("SELECT ?x WHERE { ?x nope:p ?y }", graph)


def test_graph_paths(package: Path) -> None:
    for path in (package, package / "linked" / "plan.ttl", package / "linked" / "plan.jsonld"):
        assert len(load_graph(path)) > 8000, path
    with pytest.raises(ExportError, match="does not exist"):
        load_graph(package / "missing.ttl")
    assert len(load_graph(package / "linked")) > 8000  # a folder holding plan.ttl
    empty = package / "empty"
    empty.mkdir()
    with pytest.raises(ExportError, match="package folder"):
        load_graph(empty)
    (package / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match=r"\.ttl, \.nt or \.jsonld"):
        load_graph(package / "notes.txt")


def test_resolve_query_arguments(tmp_path: Path) -> None:
    assert resolve_query("ASK {}", "g.ttl", None) == ("ASK {}", "g.ttl")
    text, path = resolve_query("datapackage", None, "lead-ranking")
    assert path == "datapackage"
    assert "COUNT" in text
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert resolve_query(str(query_file), None, None) == ("ASK { ?s ?p ?o }", None)
    with pytest.raises(QueryError):
        resolve_query(None, None, None)
    with pytest.raises(QueryError):
        resolve_query("ASK {}", "g.ttl", "lead-ranking")


def test_cli_query(package: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["query", "--example", "lead-ranking", str(package)])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[2].startswith("gosc")
    done = runner.invoke(
        main,
        [
            "query",
            "SELECT (COUNT(?a) AS ?n) WHERE { ?a a prov:Attribution }",
            str(package / "linked" / "plan.jsonld"),
            "--format",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == [{"n": 383}]
    done = runner.invoke(
        main, ["query", "--format", "csv", "--example", "due-by-2021", str(package)]
    )
    assert done.stdout.splitlines()[0] == "due,item,deadline"


def test_cli_query_errors_exit_2(package: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["query", "SELEC", str(package)])
    assert done.exit_code == 2
    assert done.stderr.startswith("fgf: error: SPARQL")
    done = runner.invoke(main, ["query", "ASK {}", str(tmp_path / "nothing.ttl")])
    assert done.exit_code == 2
    assert "does not exist" in done.stderr
    done = runner.invoke(main, ["query", "--example", "nope", str(package)])
    assert done.exit_code == 2


def test_query_through_the_module_entry_point(package: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "fgf_opendata", "query", "--example", "lead-ranking", "--format",
         "csv", str(package)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("gosc,国务院办公厅,")
