"""The outputs of real documents: nothing the parser reads is lost on the way to the package
or the graph (issue 16's "nothing silently lost").

Real documents assign work in segments (…。（A指导）…。（B负责）), under points （1） and once for
every later item (以下均需…落实，不再列出). Each such node is a subject of the package (a row of
paragraphs.csv, points.csv and subjects.csv) and a subdivision of the graph, and every
responsibility, deadline and target it carries is a row and a node. The counts here are taken
from the parsed model by a walk of its own, not from the package code.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from fgf_opendata.build import build_package
from fgf_opendata.cli import main
from fgf_opendata.errors import ParseError
from fgf_opendata.linked.reader import from_graph
from fgf_opendata.linked.shacl import check_plan_graph
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import Deadline, Paragraph, Plan, Responsibility, Target
from fgf_opendata.parsing import parse_plan
from fgf_opendata.tabular.gates import validate_package

CORPUS = ROOT / "tests" / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))
# Responsibility lines (parentheticals) counted by hand, as tests/test_corpus_real.py states them.
LINES = {
    "guofa-2018-38.txt": 53,
    "guofa-2018-42.txt": 18,
    "guobanfa-2018-121.txt": 21,
    "guobanfa-2018-128.txt": 39,
}


@cache
def _parsed(name: str) -> Plan | None:
    try:
        return parse_plan((CORPUS / name).read_text(encoding="utf-8"))
    except ParseError:
        return None


LISTED = (
    "plans",
    "sections",
    "tasks",
    "measures",
    "points",
    "paragraphs",
    "subjects",
    "responsibilities",
    "deadlines",
    "targets",
)
PARSED = [path.name for path in FILES if _parsed(path.name) is not None]


Carrier = tuple[str, Responsibility | None, tuple[Deadline, ...], tuple[Target, ...]]


def _carriers(plan: Plan) -> Iterator[Carrier]:
    """(id, responsibility, deadlines, targets) of every node of the model that carries them."""

    def prose(paragraphs: tuple[Paragraph, ...]) -> Iterator[Carrier]:
        for para in paragraphs:
            yield para.id, para.responsibility, para.deadlines, para.targets

    for section in plan.sections:
        yield from prose(section.paragraphs)
        for task in section.tasks:
            yield task.id, task.responsibility, task.deadlines, task.targets
            yield from prose(task.paragraphs)
            for measure in task.measures:
                yield measure.id, measure.responsibility, measure.deadlines, measure.targets
                yield from prose(measure.paragraphs)
                for point in measure.points:
                    yield point.id, point.responsibility, point.deadlines, point.targets
                    yield from prose(point.paragraphs)


def _expected(plan: Plan) -> dict[str, Counter[str]]:
    """Table -> subject id -> how many rows the package must hold for it."""
    expected: dict[str, Counter[str]] = {t: Counter() for t in ("resp", "deadline", "target")}
    for ident, resp, deadlines, targets in _carriers(plan):
        if resp is not None:
            expected["resp"][ident] += len(resp.assignments)
        expected["deadline"][ident] += len(deadlines)
        expected["target"][ident] += len(targets)
    for index, resp in enumerate(plan.standing, 1):
        expected["resp"][f"standing_{index}"] += len(resp.assignments)
    expected["deadline"][plan.id] += len(plan.deadlines)
    return {table: +counts for table, counts in expected.items()}  # drop zeros


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _no_linked(*_: object) -> dict[str, bytes]:
    return {}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The package of every parsed corpus document (tables only)."""
    root = tmp_path_factory.mktemp("real")
    built = {}
    for name in PARSED:
        target = root / name.removesuffix(".txt")
        text = (CORPUS / name).read_text(encoding="utf-8")
        assert build_package(text, target, linked=_no_linked).written
        built[name] = target
    return built


@pytest.mark.parametrize("name", PARSED)
def test_every_parsed_document_round_trips_through_the_graph(name: str) -> None:
    plan = _parsed(name)
    assert plan is not None
    assert from_graph(to_graph(plan)) == plan


@pytest.mark.parametrize("name", PARSED)
def test_every_assignment_deadline_and_target_is_a_row(
    packages: dict[str, Path], name: str
) -> None:
    plan = _parsed(name)
    assert plan is not None
    expected = _expected(plan)
    for key, table in (
        ("resp", "responsibilities"),
        ("deadline", "deadlines"),
        ("target", "targets"),
    ):
        found = Counter(row["subject_id"] for row in _rows(packages[name], table))
        assert found == expected[key], table


@pytest.mark.parametrize("name", PARSED)
def test_every_node_is_a_subject_of_its_kind(packages: dict[str, Path], name: str) -> None:
    plan = _parsed(name)
    assert plan is not None
    kinds = {row["id"]: row["kind"] for row in _rows(packages[name], "subjects")}
    paragraphs = {row["id"] for row in _rows(packages[name], "paragraphs")}
    points = {row["id"] for row in _rows(packages[name], "points")}
    for ident, *_ in _carriers(plan):
        kind = "paragraph" if "__para_" in ident else "point" if "__point_" in ident else None
        if kind == "paragraph":
            assert ident in paragraphs
        elif kind == "point":
            assert ident in points
        assert kinds[ident] == (kind or ("measure" if "__meas_" in ident else "task"))
    assert [k for k in kinds.values() if k == "standing"] == ["standing"] * len(plan.standing)


@pytest.mark.parametrize("name", sorted(LINES))
def test_the_positive_files_publish_every_responsibility_line(
    packages: dict[str, Path], name: str
) -> None:
    rows = _rows(packages[name], "responsibilities")
    lines = {(row["subject_id"], row["start"]) for row in rows}
    standing = {(s, start) for s, start in lines if s.startswith("standing_")}
    assert len(lines - standing) == LINES[name]
    report = validate_package(packages[name])
    assert report.valid, [f.message for f in report.findings if f.severity == "error"][:3]


def test_segments_of_guobanfa_2018_128_are_rows_with_their_own_agencies(
    packages: dict[str, Path],
) -> None:
    folder = packages["guobanfa-2018-128.txt"]
    segments = {row["id"]: row for row in _rows(folder, "paragraphs")}
    # …骨干企业。（工业和信息化部、商务部、生态环境部指导）以铅酸蓄电池…: the second sentence group
    # of task 7's first paragraph is a segment of its own, assigned by its own line.
    assert segments["task_7__para_2"]["segment"] == "true"
    assert segments["task_7__para_1"]["segment"] == "false"
    assert segments["task_7__para_2"]["parent_id"] == "task_7"
    cited = {
        (row["agency_id"], row["role"])
        for row in _rows(folder, "responsibilities")
        if row["subject_id"] == "task_7__para_4"
    }
    assert cited == {("miit", "guiding")}
    standing = [r for r in _rows(folder, "responsibilities") if r["subject_id"] == "standing_1"]
    assert [(r["agency"], r["role"]) for r in standing] == [("试点城市政府", "responsible")]
    text = (folder / "source" / "guobanfa-2018-128.txt").read_text(encoding="utf-8")
    start, end = int(standing[0]["start"]), int(standing[0]["end"])
    assert "以下均需试点城市政府落实" in text[start:end]


def test_coverage_sees_segments_and_standing_assignments(packages: dict[str, Path]) -> None:
    """An item is assigned by its own line, by a segment under it, or by a standing assignment
    stated before it; the package's rule finds it only when none of these is there."""
    from fgf_opendata.tabular.rules import Rules, Table, read_table

    folder = packages["guobanfa-2018-128.txt"]
    tables: dict[str, Table] = {}
    for name in (*LISTED, "agencies"):
        resource = {"name": name, "path": f"{name}.csv"}
        table, _ = read_table(lambda p: (folder / p).read_bytes(), resource)
        assert table is not None
        tables[name] = table
    resp = tables["responsibilities"]

    def findings_without(*subjects: str) -> list[tuple[str, str]]:
        def gone(subject: str) -> bool:
            return any(subject == s or subject.startswith(f"{s}__") for s in subjects)

        kept = [(n, r) for n, r in resp.numbered() if not gone(r["subject_id"])]
        rows = tuple(r for _, r in kept)
        tables["responsibilities"] = Table(resp.name, resp.columns, rows, tuple(n for n, _ in kept))
        found = Rules(tables, None, set(tables)).run()
        return [(f.code, f.message) for f in found]

    assert findings_without() == []
    # task_8 keeps its segments: they cover it, standing assignment or not.
    assert findings_without("standing_1") == []
    # Without its own line and its segments, the standing assignment still covers it ...
    assert findings_without("task_8") == []
    # ... and without that too, it is an item nobody is assigned to.
    assert findings_without("task_8", "standing_1") == [
        ("task-without-responsibility", 'task "task_8" has no responsibility line')
    ]


def test_a_corpus_package_holds_every_assignment_and_validates(tmp_path: Path) -> None:
    target = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["build", str(CORPUS), "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = _rows(target, "responsibilities")
    total = 0
    for name in PARSED:
        plan = _parsed(name)
        assert plan is not None
        expected = _expected(plan).get("resp", Counter())
        mine = Counter(
            row["subject_id"].partition("/")[2]
            for row in rows
            if row["subject_id"].startswith(f"{plan.id}/")
        )
        assert mine == expected, name
        total += sum(expected.values())
    assert len(rows) == total
    checked = CliRunner().invoke(main, ["validate", str(target)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("name", sorted(LINES))
def test_the_graphs_of_the_positive_files_conform_to_the_shapes(name: str) -> None:
    plan = _parsed(name)
    assert plan is not None
    assert check_plan_graph(to_graph(plan)) == ()
