"""`diff_plans`, `format_diff` and `fgf diff`: each edit of the reference is reported once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REFERENCE, ROOT
from fgf_opendata.cli import main
from fgf_opendata.diff import diff_plans, format_diff, inline_diff
from fgf_opendata.diff import matching as diff_module
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan
from fgf_opendata.serialize import plan_to_json


def _replace(text: str, old: str, new: str) -> str:
    """Replace a passage that must occur exactly once, so an edit cannot silently miss."""
    assert text.count(old) == 1, f"{old[:20]!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def _task_block(text: str, label: str, next_label: str) -> str:
    start = text.index(f"\n{label}") + 1
    return text[start : text.index(f"\n{next_label}") + 1]


def _edited(text: str) -> str:
    """The reference with seven edits, one of each kind the tests expect."""
    # task （一） reworded
    text = _replace(
        text,
        "（一）继续围绕市场主体关切，科学精准实施宏观政策",
        "（一）继续聚焦市场主体关切，科学有效实施宏观政策",
    )
    # task （一） measure 1: the lead moves from 财政部 to 税务总局
    text = _replace(
        text,
        "（财政部牵头，审计署等国务院相关部门",
        "（税务总局牵头，审计署等国务院相关部门",
    )
    # task （二） measure 1: a deadline moves by a month
    text = _replace(text, "2021年11月底前组织开展", "2021年12月底前组织开展")
    # task （二） measure 2: a target tightens
    text = _replace(text, "压减至20个工作日以内", "压减至15个工作日以内")
    # task （三） measure 2 deleted, measure 3 renumbered
    block = _task_block(text, "（三）", "（四）")
    start = block.index("2．2021年底前制定出台维护新就业形态")
    end = block.index("3．增加保障性租赁住房")
    edited = block[:start] + "2．" + block[end + 2 :]
    text = _replace(text, block, edited)
    # task （四） gains a measure 3
    text = _replace(
        text,
        "有效解决企业面临的实际困难问题。\n（各地区负责）\n",
        "有效解决企业面临的实际困难问题。\n（各地区负责）\n"
        "3．建立惠企政策直达快享机制，2021年底前实现惠企政策网上集中发布。\n"
        "（国家发展改革委牵头，各地区按职责分工负责）\n",
    )
    # tasks （六） and （七） swap places (and numbers)
    six = _task_block(text, "（六）", "（七）")
    seven = _task_block(text, "（七）", "（八）")
    swapped = "（六）" + seven[len("（七）") :] + "（七）" + six[len("（六）") :]
    return _replace(text, six + seven, swapped)


@pytest.fixture(scope="module")
def edited_text(reference_text: str) -> str:
    return _edited(reference_text)


@pytest.fixture(scope="module")
def edited_plan(edited_text: str, registry) -> Plan:
    return parse_plan(edited_text, registry=registry)


def _flat(diff) -> list[tuple[str, str | None, str | None]]:
    return [
        (c.kind, c.old.id if c.old else None, c.new.id if c.new else None) for c in diff.changes
    ]


def test_a_plan_does_not_differ_from_itself(reference_plan: Plan) -> None:
    diff = diff_plans(reference_plan, reference_plan)
    assert diff.same
    assert diff.changes == ()
    assert diff.to_dict()["summary"] == {}
    assert format_diff(diff).endswith("no changes\n")


@pytest.mark.parametrize(
    "case", sorted((ROOT / "tests" / "cases" / "genre").glob("*.txt")), ids=lambda p: p.stem
)
def test_every_genre_case_equals_itself_and_differs_from_the_reference(
    case: Path, reference_plan: Plan, registry
) -> None:
    plan = parse_plan(case.read_text(encoding="utf-8"), registry=registry)
    assert diff_plans(plan, plan).same
    diff = diff_plans(reference_plan, plan)
    removed = [c for c in diff.changes if c.kind == "task-removed"]
    added = [c for c in diff.changes if c.kind == "task-added"]
    assert len(removed) == 25  # nothing in a short synthetic plan resembles the reference
    tasks = [t for s in plan.sections for t in s.tasks]
    assert len(added) == len(tasks)


def test_comparing_the_reference_with_itself_needs_no_similarity(
    reference_text: str, registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Equal texts match exactly, first: no text is compared by similarity (which is what
    # made diffs slow). Speed itself is measured in benchmarks/scale.py, not here.
    old = parse_plan(reference_text, registry=registry)
    new = parse_plan(reference_text, registry=registry)  # equal, but not the same objects

    def no_similarity(*args: object, **kwargs: object) -> None:
        raise AssertionError("an exact match was compared by similarity")

    class NoMatcher:  # may be made, never used
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def __getattr__(self, name: str) -> object:
            return no_similarity

    monkeypatch.setattr(diff_module, "SequenceMatcher", NoMatcher)
    monkeypatch.setattr(diff_module, "_ratio", no_similarity)
    diff = diff_plans(old, new)
    assert diff.same


def test_each_edit_is_reported_once_with_its_kind(reference_plan, edited_plan) -> None:
    diff = diff_plans(reference_plan, edited_plan)
    assert sorted(_flat(diff)) == sorted(
        [
            ("task-reworded", "task_1", "task_1"),
            ("responsibility-changed", "task_1__meas_1", "task_1__meas_1"),
            ("deadline-changed", "task_2__meas_1", "task_2__meas_1"),
            ("target-changed", "task_2__meas_2", "task_2__meas_2"),
            ("measure-removed", "task_3__meas_2", None),
            ("measure-added", None, "task_4__meas_3"),
            # swapping two tasks moves one of them: the other kept its place in the order
            ("task-moved", "task_6", "task_7"),
        ]
    )
    assert not diff.same


def test_the_details_of_each_change(reference_plan, edited_plan) -> None:
    changes = {c.kind: c for c in diff_plans(reference_plan, edited_plan).changes}

    lead = changes["responsibility-changed"]
    assert [(a.agency, a.old_role, a.new_role) for a in lead.agencies] == [
        ("财政部", "lead", None),
        ("税务总局", None, "lead"),
    ]
    deadline = changes["deadline-changed"].to_dict()
    assert deadline["before"]["expression"] == "2021年11月底前"
    assert deadline["before"]["date"] == "2021-11-30"
    assert deadline["after"]["date"] == "2021-12-31"
    target = changes["target-changed"].to_dict()
    assert (target["before"]["value"], target["after"]["value"]) == (20, 15)
    assert target["after"]["comparator"] == "<="
    assert target["after"]["unit"] == "E49"
    reworded = changes["task-reworded"]
    assert 0.6 < (reworded.similarity or 0) < 1
    moved = changes["task-moved"]
    assert (moved.old.label, moved.new.label) == ("（六）", "（七）")
    assert moved.before == moved.after  # moved as it was, not reworded


def test_a_renumbered_measure_is_not_reported(reference_plan, edited_plan) -> None:
    """task_3__meas_3 became task_3__meas_2 when measure 2 was deleted: no change of its own."""
    diff = diff_plans(reference_plan, edited_plan)
    assert not [c for c in diff.changes if c.old and c.old.id == "task_3__meas_3"]


def test_changes_follow_the_order_of_the_new_plan(reference_plan, edited_plan) -> None:
    kinds = [c.kind for c in diff_plans(reference_plan, edited_plan).changes]
    assert kinds == [
        "task-reworded",
        "responsibility-changed",
        "deadline-changed",
        "target-changed",
        "measure-removed",
        "measure-added",
        "task-moved",
    ]


def test_the_diff_runs_both_ways(reference_plan, edited_plan) -> None:
    kinds = sorted(c.kind for c in diff_plans(edited_plan, reference_plan).changes)
    assert kinds == sorted(
        [
            "task-reworded",
            "responsibility-changed",
            "deadline-changed",
            "target-changed",
            "measure-added",
            "measure-removed",
            "task-moved",
        ]
    )


def test_json_has_the_documented_keys(reference_plan, edited_plan) -> None:
    data = json.loads(json.dumps(diff_plans(reference_plan, edited_plan).to_dict()))
    assert list(data) == ["old", "new", "same", "summary", "changes"]
    assert data["same"] is False
    assert data["old"]["tasks"] == data["new"]["tasks"] == 25
    assert (data["old"]["measures"], data["new"]["measures"]) == (73, 73)
    assert data["summary"] == dict(sorted(data["summary"].items()))
    assert sum(data["summary"].values()) == len(data["changes"]) == 7
    for change in data["changes"]:
        assert list(change) == [
            "kind",
            "old",
            "new",
            "field",
            "before",
            "after",
            "similarity",
            "agencies",
        ]
        for side in ("old", "new"):
            if change[side] is not None:
                assert list(change[side]) == ["level", "id", "label", "number", "parent"]


def test_moved_measure_between_tasks_and_retitled_section(reference_text: str, registry) -> None:
    old = parse_plan(reference_text, registry=registry)
    text = _replace(
        reference_text,
        "二、着力打造市场化营商环境",
        "二、着力打造市场化营商环境和公平竞争环境",
    )
    # task （四） measure 2 moves to the end of task （五） (which has five measures)
    measure = (
        "2．健全企业合理诉求解决机制，完善问题受理、协同办理、结果反馈等流程，"
        "杜绝投诉无门、推诿扯皮现象，有效解决企业面临的实际困难问题。\n（各地区负责）\n"
    )
    text = _replace(text, measure, "")
    text = _replace(
        text,
        "（人力资源社会保障部牵头，国务院相关部门及各地区按职责分工负责）\n（六）",
        "（人力资源社会保障部牵头，国务院相关部门及各地区按职责分工负责）\n"
        "6．" + measure[2:] + "（六）",
    )
    diff = diff_plans(old, parse_plan(text, registry=registry))
    assert _flat(diff) == [
        ("section-reworded", "sec_2", "sec_2"),
        ("measure-moved", "task_4__meas_2", "task_5__meas_6"),
    ]
    report = format_diff(diff)
    assert report.splitlines()[4:] == [
        "~ sec_2 reworded (76% similar)",
        "    着力打造市场化营商环境{+和公平竞争环境+}",
        (
            "> task_4__meas_2 → task_5__meas_6 moved (from task_4 to task_5): "
            "健全企业合理诉求解决机制，完善问题受理、协同办理、结果反馈等流程，"
            "杜绝投诉无门、推诿扯皮现象，有效解决企业面临的实际困…"
        ),
    ]


def test_responsibility_roles_and_plan_fields(reference_text: str, registry) -> None:
    old = parse_plan(reference_text, registry=registry)
    text = _replace(
        reference_text,
        "（工业和信息化部牵头，财政部、国务院国资委等国务院相关部门及各地区按职责分工负责）",
        "（工业和信息化部、财政部牵头，国务院相关部门及各地区按职责分工负责）",
    )
    text = _replace(text, "2021年7月11日", "2021年7月12日")
    diff = diff_plans(old, parse_plan(text, registry=registry))
    kinds = [(c.kind, c.field) for c in diff.changes]
    assert kinds == [("plan-changed", "issued"), ("responsibility-changed", None)]
    assert "~ plan issued: 2021-07-11 → 2021-07-12" in format_diff(diff)
    rows = {(a.agency, a.old_role, a.new_role) for a in diff.changes[1].agencies}
    assert rows == {("财政部", "shared", "lead"), ("国务院国资委", "shared", None)}


def test_text_report_sample(reference_plan, edited_plan) -> None:
    report = format_diff(diff_plans(reference_plan, edited_plan), labels=("a.txt", "b.txt"))
    lines = report.splitlines()
    assert lines[0].startswith("--- a.txt: guobanfa-2021-25 国办发〔2021〕25号 (5 sections")
    assert lines[1].startswith("+++ b.txt: ")
    assert lines[2].startswith("7 changes: 1 deadline-changed, 1 measure-added,")
    assert "~ task_1 reworded (" in report
    assert "继续[-围绕-]{+聚焦+}市场主体关切，科学[-精准-]{+有效+}实施宏观政策" in report
    assert "~ task_1__meas_1 responsibility: lead 财政部 → 税务总局" in report
    assert (
        "~ task_2__meas_1 deadline: 2021年11月底前 (2021-11-30) → 2021年12月底前 (2021-12-31)"
        in report
    )
    assert "~ task_2__meas_2 target: 20个工作日以内 (<= 20 E49) → 15个工作日以内 (<= 15 E49)" in (
        report
    )
    assert "- task_3__meas_2 removed: 2021年底前制定出台维护新就业形态" in report
    assert "+ task_4__meas_3 added: 建立惠企政策直达快享机制" in report
    assert "> task_6 → task_7 moved: 加强部门衔接" in report
    assert all(len(line) <= 100 for line in lines[3:])  # entries are clipped


def test_inline_diff_elides_long_unchanged_runs() -> None:
    before = "甲" * 30 + "乙" + "丙" * 30
    after = "甲" * 30 + "丁" + "丙" * 30
    assert inline_diff(before, after) == "…" + "甲" * 10 + "[-乙-]{+丁+}" + "丙" * 10 + "…"


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def edited_file(tmp_path: Path, edited_text: str) -> Path:
    path = tmp_path / "edited.txt"
    path.write_text(edited_text, encoding="utf-8")
    return path


def test_cli_same_plans_exit_0(runner: CliRunner) -> None:
    result = runner.invoke(main, ["diff", str(REFERENCE), str(REFERENCE)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("no changes\n")
    assert result.stderr == ""


def test_cli_text_file_against_json_and_package(
    runner: CliRunner, tmp_path: Path, reference_plan
) -> None:
    as_json = tmp_path / "plan.json"
    as_json.write_text(plan_to_json(reference_plan), encoding="utf-8")
    for other in (as_json, tmp_path):
        result = runner.invoke(main, ["diff", str(REFERENCE), str(other)])
        assert result.exit_code == 0, (other, result.stdout, result.stderr)
    # the checked-in package reads as a plan (whether it is fresh is test_package's business)
    result = runner.invoke(main, ["diff", "--json", str(ROOT / "datapackage"), str(as_json)])
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["old"]["id"] == "guobanfa-2021-25"


def test_through_the_installed_entry_point(edited_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fgf_opendata", "diff", str(REFERENCE), str(edited_file)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "> task_6 → task_7 moved" in done.stdout


def test_cli_differences_exit_1(runner: CliRunner, edited_file: Path) -> None:
    result = runner.invoke(main, ["diff", str(REFERENCE), str(edited_file)])
    assert result.exit_code == 1, result.stderr
    assert "7 changes" in result.stdout
    assert f"+++ {edited_file}: " in result.stdout
    assert result.stderr == ""


def test_cli_json(runner: CliRunner, edited_file: Path) -> None:
    result = runner.invoke(main, ["diff", "--json", str(REFERENCE), str(edited_file)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["task-moved"] == 1
    assert "税务总局" in result.stdout  # not escaped


def test_cli_encoding_option(runner: CliRunner, tmp_path: Path, reference_text: str) -> None:
    """--encoding applies to both texts; a plan JSON or package is always UTF-8."""
    gb, json_file = tmp_path / "gb.txt", tmp_path / "plan.json"
    gb.write_bytes(reference_text.encode("gb18030"))
    json_file.write_text(plan_to_json(parse_plan(reference_text)), encoding="utf-8")
    result = runner.invoke(main, ["diff", "--encoding", "gb18030", str(gb), str(gb)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(main, ["diff", "--encoding", "gb18030", str(gb), str(json_file)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(main, ["diff", str(REFERENCE), str(gb)])
    assert result.exit_code == 2
    assert "gb18030" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("这不是一个方案。\n", r"line 1"),
        ('{"id": "x"', r"not valid JSON"),
        ('{"id": "x"}', r"not a plan JSON"),
    ],
)
def test_cli_unreadable_input_exit_2(
    runner: CliRunner, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["diff", str(REFERENCE), str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert re.search(message, result.stderr), result.stderr
    assert result.stderr.startswith("fgf: error: ")


def test_cli_folder_without_plan_json_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["diff", str(tmp_path), str(REFERENCE)])
    assert result.exit_code == 2
    assert "without plan.json" in result.stderr


def test_cli_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["diff", str(REFERENCE), str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
