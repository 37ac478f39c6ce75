"""A corpus build: several plans in one package and one graph, non-plans skipped."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import REFERENCE
from fgf_opendata.corpus import build_corpus, expand_sources

GENRE = Path(__file__).parent / "cases" / "genre"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    sources = tmp_path_factory.mktemp("sources")
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    for case in GENRE.glob("*.txt"):
        shutil.copy(case, sources / case.name)
    (sources / "memo.txt").write_text("关于召开会议的通知\n请准时参加。\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out") / "corpus"
    return out, build_corpus([sources], out, jobs=1)


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_plan_is_published_and_the_memo_skipped(corpus) -> None:
    out, result = corpus
    assert len(result.plans) == 1 + len(list(GENRE.glob("*.txt")))
    assert [Path(s.source).name for s in result.skipped] == ["memo.txt"]
    assert "no plan structure" in result.skipped[0].reason
    assert {row["id"] for row in _rows(out, "plans")} == set(result.plans)


def test_ids_are_prefixed_by_plan_and_unique(corpus) -> None:
    out, result = corpus
    tasks = _rows(out, "tasks")
    assert len({t["id"] for t in tasks}) == len(tasks)
    assert all(t["id"].split("/")[0] in result.plans for t in tasks)
    reference = [t for t in tasks if t["id"].startswith("guobanfa-2021-25/")]
    assert len(reference) == 25
    measures = _rows(out, "measures")
    assert sum(m["id"].startswith("guobanfa-2021-25/") for m in measures) == 73
    resp = _rows(out, "responsibilities")
    assert sum(r["subject_id"].startswith("guobanfa-2021-25/") for r in resp) == 383


def test_agencies_are_shared_across_plans(corpus) -> None:
    out, _ = corpus
    agencies = _rows(out, "agencies")
    ids = [a["id"] for a in agencies]
    assert len(ids) == len(set(ids))
    cited = {r["agency_id"] for r in _rows(out, "responsibilities") if r["agency_id"]}
    assert cited <= set(ids)


def test_one_graph_and_one_json_per_plan(corpus) -> None:
    from rdflib import Graph

    out, result = corpus
    graph = Graph()
    for plan_id in result.plans:
        graph.parse(out / "linked" / "plans" / f"{plan_id}.nt", format="nt")
    assert sorted(p.stem for p in (out / "linked" / "plans").iterdir()) == sorted(result.plans)
    plans = {str(s) for s in graph.subjects() if str(s).endswith("/guobanfa/2021/25")}
    assert plans
    for plan_id in result.plans:
        data = json.loads((out / "plans" / f"{plan_id}.json").read_text(encoding="utf-8"))
        assert data["id"] == plan_id
        assert (out / "source" / f"{plan_id}.txt").exists()


def test_corpus_package_validates(corpus) -> None:
    from fgf_opendata.tabular.gates import validate_package

    out, _ = corpus
    report = validate_package(out)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == []


def test_a_parallel_build_writes_the_same_bytes(corpus, tmp_path: Path) -> None:
    out, _ = corpus
    sources = sorted([REFERENCE, *GENRE.glob("*.txt")], key=lambda path: path.name)
    again = tmp_path / "corpus"
    build_corpus(sources, again, jobs=2)  # the fixture's build ran with jobs=1

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}

    assert files(again) == files(out)


def test_no_plan_at_all_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    from fgf_opendata.errors import ExportError

    memo = tmp_path / "memo.txt"
    memo.write_text("没有结构\n", encoding="utf-8")
    with pytest.raises(ExportError, match="none of the sources is a plan"):
        build_corpus([memo], tmp_path / "out", jobs=1)
    assert not (tmp_path / "out").exists()


def test_expand_sources_sorts_folder_contents(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_sources([tmp_path])] == ["a.txt", "b.txt"]


def test_cli_builds_a_corpus_from_a_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fgf_opendata.cli import main

    sources = tmp_path / "src"
    sources.mkdir()
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    shutil.copy(GENRE / "one-line.txt", sources / "one-line.txt")
    (sources / "memo.txt").write_text("没有结构\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(sources), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stdout
    assert "(2 plans, 1 skipped)" in result.stdout
    assert "skipped" in result.stderr
    assert "memo.txt" in result.stderr
    assert "\r" not in result.stderr  # no progress line when stderr is not a terminal
    refused = CliRunner().invoke(main, ["build", str(sources), "--check", "-o", str(out)])
    assert refused.exit_code == 2


def test_progress_line_counts_rate_and_eta(capsys: pytest.CaptureFixture[str]) -> None:
    from fgf_opendata.cli import _Progress

    progress = _Progress()
    progress(5, 10, "/x/plan-0005.txt")
    progress.finish()
    err = capsys.readouterr().err
    assert err.startswith("\r5/10 plans")
    assert "/s" in err
    assert "ETA" in err
    assert "plan-0005.txt" in err
