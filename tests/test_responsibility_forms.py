"""Responsibility lines as real documents print them: one case file per form, and the corpus.

Each `cases/responsibility/NAME.txt` holds parentheticals, one a line, read in order by one
`ResponsibilityReader` as a parser would: a line that `declares_lead_by_position` makes the
later lines read with the lead by position, and `standing` assignments are listed for the later
lines. `NAME.json` beside it is what the reader says; rewrite with `pytest --update-golden` and
review the diff.

The corpus tests read every parenthetical of the real documents (`tests/corpus/` when the corpus
is copied into the project, else `../shared/corpus/`): the assignment parentheticals of the four
positive files read as responsibility lines, cite only registry names, and give the roles the
text says; no other parenthetical of the corpus reads as one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import SKOS

from conftest import check_golden
from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.linked.reader import from_graph
from fgf_opendata.linked.shacl import check_plan_graph
from fgf_opendata.linked.vocab import ROLE_LABELS
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import ROLE_VERBS, Assignment, Plan, Responsibility, Role
from fgf_opendata.parsing.responsibility import ResponsibilityReader
from fgf_opendata.tabular import descriptor as package

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases" / "responsibility").glob("*.txt"))
# The project's copy of the corpus once it has one, else ../shared/corpus beside the project
# (or beside the folder of worktrees).
_CORPORA = (HERE / "corpus", *(up / "shared" / "corpus" for up in HERE.parents[1:3]))
CORPUS = next((p for p in _CORPORA if p.is_dir()), HERE / "corpus")
POSITIVE = {
    "guofa-2018-38": 53,
    "guofa-2018-42": 18,
    "guobanfa-2018-121": 21,
    "guobanfa-2018-128": 37,
}


def _cited(assignments: tuple[Assignment, ...]) -> list[str]:
    return [f"{a.agency}={a.agency_id}:{a.role}" for a in assignments]


def read_lines(lines: list[str], registry: Registry) -> list[dict[str, Any]]:
    """What the reader says of each line, applying the document rules as the parser does."""
    reader = ResponsibilityReader(registry)
    lead_by_position = False
    standing: tuple[Assignment, ...] = ()
    out: list[dict[str, Any]] = []
    for line in lines:
        content = line[1:-1]
        parsed = reader.parse(content, lead_by_position=lead_by_position)
        entry: dict[str, Any] = {"line": line, "looks_like": reader.looks_like(content)}
        entry["assignments"] = _cited(parsed.assignments)
        if parsed.open_ended:
            entry["open_ended"] = True
        if parsed.time_clauses:
            entry["time_clauses"] = [f"{offset}:{text}" for offset, text in parsed.time_clauses]
        if parsed.declares_lead_by_position:
            entry["declares_lead_by_position"] = True
        if parsed.standing:
            entry["standing"] = _cited(parsed.standing)
        if standing:
            entry["standing_from_earlier_lines"] = _cited(standing)
        unknown = sorted({a.agency for a in parsed.assignments if a.agency_id is None})
        if unknown:
            entry["unknown"] = {name: list(registry.close_matches(name)) for name in unknown}
        out.append(entry)
        lead_by_position = lead_by_position or parsed.declares_lead_by_position
        standing = standing + parsed.standing
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, registry: Registry, update_golden: bool) -> None:
    lines = case.read_text(encoding="utf-8").splitlines()
    assert all(line.startswith("（") and line.endswith("）") for line in lines), case.name
    actual = json.dumps(read_lines(lines, registry), ensure_ascii=False, indent=2) + "\n"
    check_golden(case.with_suffix(".json"), actual, update_golden)


def test_the_asides_are_not_responsibility_lines(registry: Registry) -> None:
    lines = (HERE / "cases" / "responsibility" / "asides.txt").read_text("utf-8").splitlines()
    reader = ResponsibilityReader(registry)
    assert [line for line in lines if reader.looks_like(line[1:-1])] == []


# --- the corpus ----------------------------------------------------------------------------


def _parentheticals(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every outermost full-width parenthetical, parentheses included."""
    depth = start = 0
    for i, ch in enumerate(text):
        if ch == "（":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "）" and depth:
            depth -= 1
            if depth == 0:
                yield start, i + 1


def _assignment_lines(text: str) -> list[str]:
    """The parentheticals that close a sentence group: right after 。 (as all of them are)."""
    return [text[s:e] for s, e in _parentheticals(text) if s > 0 and text[s - 1] == "。"]


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    return sorted(CORPUS.glob("*.txt"))


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


@pytest.fixture(scope="module")
def corpus_readings(registry: Registry) -> dict[str, list[tuple[str, bool, Any]]]:
    """Per corpus file: every parenthetical, whether it reads as a responsibility line, and
    what it says (read with the document rules applied in order)."""
    readings: dict[str, list[tuple[str, bool, Any]]] = {}
    for path in _corpus_files():
        text = path.read_text(encoding="utf-8")
        reader = ResponsibilityReader(registry)
        lead = False
        rows = []
        for s, e in _parentheticals(text):
            content = text[s + 1 : e - 1]
            looks = reader.looks_like(content)
            parsed = reader.parse(content, lead_by_position=lead) if looks else None
            if parsed is not None:
                lead = lead or parsed.declares_lead_by_position
            rows.append((text[s:e], looks, parsed))
        readings[_stem(path)] = rows
    return readings


@pytest.mark.parametrize(("stem", "count"), sorted(POSITIVE.items()))
def test_corpus_assignment_lines_read_with_known_agencies(
    corpus_readings: dict[str, list[tuple[str, bool, Any]]], stem: str, count: int
) -> None:
    rows = corpus_readings[stem]
    text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    lines = _assignment_lines(text)
    assert len(lines) == count
    read = [(line, parsed) for line, looks, parsed in rows if looks]
    assert [line for line, _ in read] == lines  # nothing else in the file reads as one
    for line, parsed in read:
        assert parsed.assignments, line
        unknown = [a.agency for a in (*parsed.assignments, *parsed.standing) if not a.agency_id]
        assert unknown == [], line


def test_no_other_corpus_file_has_a_responsibility_line(
    corpus_readings: dict[str, list[tuple[str, bool, Any]]],
) -> None:
    found = {
        stem: [line for line, looks, _ in rows if looks]
        for stem, rows in corpus_readings.items()
        if stem not in POSITIVE
    }
    assert {stem: lines for stem, lines in found.items() if lines} == {}
    assert len(found) == 37


def _roles(rows: list[tuple[str, bool, Any]], line: str) -> list[str]:
    parsed = next(p for text, looks, p in rows if looks and text == line)
    return [f"{a.agency_id}:{a.role}" for a in parsed.assignments]


@pytest.mark.parametrize(
    ("stem", "line", "expected"),
    [
        (
            "guobanfa-2018-128",
            "（生态环境部牵头，国家发展改革委、工业和信息化部、住房城乡建设部、农业农村部、国家统计局参与）",
            ["mee:lead", "ndrc:participating", "miit:participating", "mohurd:participating",
             "mara:participating", "nbs:participating"],
        ),
        (
            "guobanfa-2018-128",
            "（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）",
            ["mee:guiding", "pilot-city-governments:responsible"],
        ),
        ("guobanfa-2018-128", "（商务部指导，供销合作总社参与）", ["mofcom:guiding", "acfsmc:participating"]),
        ("guobanfa-2018-128", "（财政部、税务总局指导）", ["mof:guiding", "sta:guiding"]),
        ("guobanfa-2018-128", "（市场监管总局、工业和信息化部负责）", ["samr:responsible", "miit:responsible"]),
        (
            "guobanfa-2018-121",
            "（公安部、工业和信息化部、交通运输部、水利部、海洋局、空管委办公室负责）",
            ["mps:responsible", "miit:responsible", "mot:responsible", "mwr:responsible",
             "soa:responsible", "atc-commission-office:responsible"],
        ),
        (
            "guobanfa-2018-121",
            "（体育总局、公安部、标准委、统计局负责）",
            ["sport-administration:responsible", "mps:responsible", "samr:responsible",
             "nbs:responsible"],
        ),
        (
            "guofa-2018-38",
            "（负责部门：发展改革委、粮食和储备局，适用范围：浙江自贸试验区）",
            ["ndrc:responsible", "nfsra:responsible"],
        ),
        (
            "guofa-2018-38",
            "（负责部门：邮政局、中国铁路总公司，适用范围：重庆自贸试验区）",
            ["spb:responsible", "china-railway-corporation:responsible"],
        ),
        (
            "guofa-2018-42",
            "（工业和信息化部、发展改革委、科技部、农业农村部等负责。列第一位者为牵头单位，下同）",
            ["miit:lead", "ndrc:responsible", "most:responsible", "mara:responsible"],
        ),
        ("guofa-2018-42", "（各省级人民政府负责）", ["provincial-governments:lead"]),
        (
            "guofa-2018-42",
            "（农业农村部、工业和信息化部牵头负责）",
            ["mara:lead", "miit:lead"],
        ),
    ],
)  # fmt: skip
def test_corpus_roles(
    corpus_readings: dict[str, list[tuple[str, bool, Any]]],
    stem: str,
    line: str,
    expected: list[str],
) -> None:
    assert _roles(corpus_readings[stem], line) == expected


def test_corpus_document_rules(corpus_readings: dict[str, list[tuple[str, bool, Any]]]) -> None:
    declared = [
        (stem, line)
        for stem, rows in corpus_readings.items()
        for line, looks, parsed in rows
        if looks and parsed.declares_lead_by_position
    ]
    assert declared == [
        (
            "guofa-2018-42",
            "（工业和信息化部、发展改革委、科技部、农业农村部等负责。列第一位者为牵头单位，下同）",
        )
    ]
    standing = [
        (stem, _cited(parsed.standing))
        for stem, rows in corpus_readings.items()
        for line, looks, parsed in rows
        if looks and parsed.standing
    ]
    assert standing == [("guobanfa-2018-128", ["试点城市政府=pilot-city-governments:responsible"])]


# --- the roles through the outputs ---------------------------------------------------------


def _with_every_role(plan: Plan) -> Plan:
    """The plan with its assignments given every role in turn (one role per line)."""
    roles = get_args(Role)
    count = 0

    def recast(responsibility: Responsibility | None) -> Responsibility | None:
        nonlocal count
        if responsibility is None:
            return None
        role = roles[count % len(roles)]
        count += 1
        assignments = tuple(a.model_copy(update={"role": role}) for a in responsibility.assignments)
        return responsibility.model_copy(update={"assignments": assignments})

    sections = []
    for section in plan.sections:
        tasks = []
        for task in section.tasks:
            measures = tuple(
                m.model_copy(update={"responsibility": recast(m.responsibility)})
                for m in task.measures
            )
            tasks.append(
                task.model_copy(
                    update={"responsibility": recast(task.responsibility), "measures": measures}
                )
            )
        sections.append(section.model_copy(update={"tasks": tuple(tasks)}))
    return plan.model_copy(update={"sections": tuple(sections)})


def test_every_role_round_trips_through_rdf_and_conforms(
    reference_plan: Plan, registry: Registry
) -> None:
    plan = _with_every_role(reference_plan)
    cited = {
        a.role for s in plan.subjects() if s.responsibility for a in s.responsibility.assignments
    }
    assert cited == set(get_args(Role))
    graph = to_graph(plan, registry)
    assert from_graph(graph) == plan
    assert check_plan_graph(graph) == ()
    described = {str(o) for o in graph.objects(None, SKOS.notation)}
    assert set(get_args(Role)) <= described  # each role cited is described in the graph


def test_the_reference_graph_describes_only_the_roles_it_cites(
    reference_plan: Plan, registry: Registry
) -> None:
    graph = to_graph(reference_plan, registry)
    assert {str(o) for o in graph.objects(None, SKOS.notation)} & set(get_args(Role)) == {
        "lead",
        "responsible",
        "shared",
    }


def test_the_package_names_the_roles_a_plan_cites(reference_plan: Plan) -> None:
    assert {role: zh for role, (zh, _) in ROLE_LABELS.items()} == dict(ROLE_VERBS)
    described = package._description(_with_every_role(reference_plan), None)
    assert "（牵头、负责、按职责分工负责、指导、参与、配合、会同）" in described
    assert "(lead, responsible, shared, guiding, participating, supporting, joint)" in described
    assert "（牵头、负责、按职责分工负责）" in package._description(reference_plan, None)


_PIECES = st.sampled_from(
    ["财政部", "国务院", "各有关部门", "单位", "地区", "等", "等部门和单位", "会同", "由", "牵头",
     "负责", "指导", "参与", "配合", "落实", "负责部门：", "适用范围：", "完成时限：", "：", "。",
     "，", "；", "、", "和", "及", "以下均需", "不再列出", "列第一位者为牵头单位", "下同",
     "2021年底前", " ", "x"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=2), max_size=14).map("".join))
def test_any_content_reads_without_error(content: str) -> None:
    registry = default_registry()
    reader = ResponsibilityReader(registry)
    looks = reader.looks_like(content)
    for lead in (False, True):
        parsed = reader.parse(content, lead_by_position=lead)
        cited = (*parsed.assignments, *parsed.standing)
        assert all(a.agency for a in cited)
        assert all(a.agency_id is None or registry.get(a.agency_id) for a in cited)
        assert [a.position for a in parsed.assignments] == list(range(len(parsed.assignments)))
        for offset, clause in parsed.time_clauses:
            assert content[offset : offset + len(clause)] == clause
    if looks:
        assert reader.parse(content).assignments
