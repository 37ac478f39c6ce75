"""`fgf build`: the Data Package of the reference plan, reproducible, fresh and written atomically."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REFERENCE, ROOT
from fgf_opendata import __version__, build
from fgf_opendata import files as file_output
from fgf_opendata.agencies import Registry
from fgf_opendata.build import (
    StaleFile,
    build_package,
    check_build,
    package_outputs,
    write_package,
)
from fgf_opendata.cli import main
from fgf_opendata.errors import ExportError, InvalidPackageError
from fgf_opendata.fileset import FileSet
from fgf_opendata.findings import Finding, TableLocation
from fgf_opendata.model import Plan
from fgf_opendata.publication import PACKAGE_PROFILE, TABLE_SCHEMA_PROFILE
from fgf_opendata.tabular import gates as package_check
from fgf_opendata.tabular.cells import table_csv
from fgf_opendata.tabular.columns import TABLES, table_schemas
from fgf_opendata.tabular.descriptor import check_plan_id, data_files, schema_files
from fgf_opendata.tabular.gates import check_built_package, validate_package
from fgf_opendata.tabular.report import PackageReport

CHECKED_IN = ROOT / "datapackage"
PROFILES = ROOT / "src" / "fgf_opendata" / "data" / "profiles"


def _no_linked(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, reference_text: str) -> Path:
    """The reference package without the RDF files (faster to build; read-only for tests).

    Tests that build again pass `linked=_no_linked` too; the CLI tests build the whole package.
    """
    target = tmp_path_factory.mktemp("built") / "datapackage"
    result = build_package(reference_text, target, linked=_no_linked)
    assert result.written
    return target


@pytest.fixture(scope="module")
def prose_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real document with points and paragraphs, which the reference plan has none of."""
    text = (ROOT / "tests" / "corpus" / "guobanfa-1997-11.txt").read_text(encoding="utf-8")
    target = tmp_path_factory.mktemp("prose") / "datapackage"
    assert build_package(text, target, linked=_no_linked).written
    return target


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --- content ----------------------------------------------------------------------------------


def test_rows_agree_with_the_parsed_plan(package: Path, reference_plan: Plan) -> None:
    tasks = [t for s in reference_plan.sections for t in s.tasks]
    measures = [m for t in tasks for m in t.measures]
    assert len(_rows(package, "plans")) == 1
    assert len(_rows(package, "sections")) == 5
    assert [r["id"] for r in _rows(package, "tasks")] == [t.id for t in tasks]
    assert len(tasks) == 25
    assert [r["id"] for r in _rows(package, "measures")] == [m.id for m in measures]
    assert len(measures) == 73
    assert len(_rows(package, "responsibilities")) == 383
    deadlines = _rows(package, "deadlines")
    measure_ids = {m.id for m in measures}
    assert sum(r["subject_id"] in measure_ids for r in deadlines) == 25
    assert [r["subject_id"] for r in deadlines if r["subject_id"] == reference_plan.id] == [
        "guobanfa-2021-25"
    ]
    assert len(deadlines) == 26
    assert len(_rows(package, "targets")) == sum(len(s.targets) for s in [*tasks, *measures])


def test_every_cited_agency_is_in_the_agencies_table(package: Path, reference_plan: Plan) -> None:
    agencies = {r["id"]: r for r in _rows(package, "agencies")}
    cited = {
        a.agency_id
        for t in (t for s in reference_plan.sections for t in s.tasks)
        for node in (t, *t.measures)
        if node.responsibility
        for a in node.responsibility.assignments
    }
    assert len(cited) == 41
    assert cited <= set(agencies)
    assert {r["agency_id"] for r in _rows(package, "responsibilities")} == cited
    for row in agencies.values():  # parents and successors travel with the agencies citing them
        for column in ("parent_id", "successor_id"):
            assert row[column] == "" or row[column] in agencies, (row["id"], column)
    assert agencies["cbirc"]["successor_id"] == "nfra"  # 银保监会 -> 国家金融监督管理总局
    assert _rows(package, "plans")[0]["issuer_id"] in agencies


def test_rows_point_into_the_source_text(package: Path, reference_text: str) -> None:
    source = (package / "source" / "guobanfa-2021-25.txt").read_bytes()
    assert source == REFERENCE.read_bytes()
    for table in ("tasks", "measures"):
        for row in _rows(package, table):
            assert reference_text[int(row["start"]) : int(row["end"])] == row["label"] + row["text"]
    for row in _rows(package, "deadlines"):
        assert reference_text[int(row["start"]) : int(row["end"])] == row["expression"]
    first = _rows(package, "responsibilities")[0]
    assert reference_text[int(first["start"]) : int(first["end"])].startswith("（")


def test_csv_cells_are_typed_and_formatted(package: Path) -> None:
    text = (package / "measures.csv").read_text(encoding="utf-8")
    assert text.startswith("id,task_id,number,numbered,label,text,line,start,end\n")
    assert "\r" not in text
    row = _rows(package, "measures")[0]
    assert row["numbered"] == "true"
    target = next(r for r in _rows(package, "targets") if r["baseline"])
    assert (target["value"], target["baseline"], target["unit"]) == ("20", "45", "DAY")
    assert _rows(package, "plans")[0]["issued"] == "2021-07-11"


TARGET: dict[str, Any] = {
    "subject_id": "task_1",
    "position": 0,
    "text": "20个工作日以内",
    "quantity": None,
    "value": 20,
    "unit": "E49",
    "unit_text": "个工作日",
    "comparator": "<=",
    "baseline": None,
    "line": 3,
    "start": 10,
    "end": 18,
}


def _target_cells(**changes: Any) -> dict[str, str]:
    data = table_csv([{**TARGET, **changes}], table_schemas()["targets"]).decode("utf-8")
    return next(csv.DictReader(io.StringIO(data, newline="")))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (20, "20"),
        (0.5, "0.5"),
        (Decimal("1.50"), "1.5"),
        (Decimal(60), "60"),
        (Decimal("1E+2"), "100"),
        (1e-7, "0.0000001"),
        (-2.25, "-2.25"),
    ],
)
def test_numbers_are_written_as_plain_decimals(value: Any, cell: str) -> None:
    assert _target_cells(value=value)["value"] == cell


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", True, "bool True is not of type number"),
        ("value", "20", "str '20' is not of type number"),
        ("value", float("nan"), "is not of type number"),
        ("position", 1.0, "float 1.0 is not of type integer"),
        ("position", -1, "'-1' is below the minimum 0"),
        ("unit", "XXX", "'XXX' is not one of"),
        ("subject_id", "task 1", "does not match"),
        ("subject_id", "task_1\n", "does not match"),
        ("text", None, "a value is required"),
        ("text", "", "a value is required"),
        ("text", 5, "int 5 is not of type string"),
    ],
)
def test_a_value_that_does_not_fit_its_field_is_refused(
    column: str, value: Any, message: str
) -> None:
    with pytest.raises(ExportError, match=rf"row 1, field {column}: .*") as raised:
        _target_cells(**{column: value})
    assert message in str(raised.value)


# Line breaks and other separators a text cell may hold: each must come back as it went in.
LINE_BREAKS = ("\r", "\r\n", "\n", "\n\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c")


def _free_text_fields(schema: Mapping[str, Any]) -> list[str]:
    """The string fields without enum or pattern: the ones a plan's text can fill."""
    return [
        f["name"]
        for f in schema["fields"]
        if f.get("type") == "string" and not {"enum", "pattern"} & set(f.get("constraints", {}))
    ]


@pytest.mark.parametrize("table", [t for t in TABLES if t != "subjects"])  # ids and codes only
@pytest.mark.parametrize("brk", LINE_BREAKS, ids=repr)
def test_line_breaks_in_every_text_cell_read_back_unchanged(
    package: Path, prose_package: Path, table: str, brk: str
) -> None:
    from frictionless import Resource, Schema

    schema = table_schemas()[table]
    fields = _free_text_fields(schema)
    assert fields, table
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    read_as = {"integer": int, "year": int, "number": Decimal, "boolean": lambda v: v == "true"}
    row: dict[str, Any] = {
        k: read_as.get(types[k], str)(v) if v else None
        for k, v in (_rows(package, table) or _rows(prose_package, table))[0].items()
    }
    text = f"{brk}a{brk}b{brk}"
    data = table_csv([{**row, **dict.fromkeys(fields, text)}], schema)
    (back,) = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    assert [back[name] for name in fields] == [text] * len(fields)
    # frictionless reads the same cells (foreign keys need the other tables: left out here).
    schema = Schema.from_descriptor({k: v for k, v in schema.items() if k != "foreignKeys"})
    with Resource(data, format="csv", schema=schema) as resource:
        (cells,) = resource.read_rows()
    assert [cells[name] for name in fields] == [text] * len(fields)


def test_a_bare_cr_is_quoted_and_rows_without_one_are_written_as_before() -> None:
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "t", "type": "string"}]}
    rows = [{"n": 1, "t": "a"}, {"n": 2, "t": "a\rb"}, {"n": 3, "t": "a\nb"}]
    assert table_csv(rows, schema) == b'n,t\n1,a\n"2","a\rb"\n3,"a\nb"\n'


def test_dates_and_booleans_follow_their_fields() -> None:
    schema = {
        "fields": [
            {"name": "day", "type": "date"},
            {"name": "flag", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]},
        ]
    }
    rows = [{"day": "2021-07-11", "flag": True}, {"day": dt.date(2021, 7, 12), "flag": False}]
    assert table_csv(rows, schema) == b"day,flag\n2021-07-11,yes\n2021-07-12,no\n"
    for day in ("2021-11-31", "2021-7-11", "20210711", dt.datetime(2021, 7, 11)):
        with pytest.raises(ExportError, match="field day"):
            table_csv([{"day": day, "flag": True}], schema)
    with pytest.raises(ExportError, match="int 1 is not of type boolean"):
        table_csv([{"day": None, "flag": 1}], schema)


def test_unique_and_primary_key_are_checked_on_write() -> None:
    schema = table_schemas()["targets"]
    with pytest.raises(ExportError, match="row 2: primary key"):
        table_csv([TARGET, {**TARGET, "text": "other"}], schema)
    tasks = table_schemas()["tasks"]
    row = {"id": "task_1", "section_id": "sec_1", "number": 1, "label": "（一）", "text": "x"}
    span = {"line": 1, "start": 0, "end": 1}
    with pytest.raises(ExportError, match="row 2: id 'task_1' is not unique"):
        table_csv([{**row, **span}, {**row, **span}], tasks)


@pytest.mark.parametrize(
    "field",
    [
        {"name": "at", "type": "datetime"},
        {"name": "at", "type": "date", "format": "%d/%m/%Y"},
        {"name": "at", "type": "string", "constraints": {"jsonSchema": {}}},
    ],
)
def test_a_field_the_writer_cannot_honour_is_refused(field: dict[str, Any]) -> None:
    with pytest.raises(ExportError, match="is not supported"):
        table_csv([], {"fields": [field]})


def test_descriptor(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == PACKAGE_PROFILE
    assert descriptor["name"] == "guobanfa-2021-25"
    assert descriptor["id"] == "https://w3id.org/fgf-opendata/dataset/guobanfa-2021-25"
    assert descriptor["version"] == __version__
    assert "国办发〔2021〕25号" in descriptor["title"]
    assert "key tasks" in descriptor["title"]
    assert "著作权法》第五条" in descriptor["description"]
    assert "Art. 5 of the Copyright Law" in descriptor["description"]
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    (source,) = descriptor["sources"]
    assert source["path"] == "https://www.gov.cn/zhengce/content/2021-07/11/content_5624201.htm"
    assert "2021-07-11" in source["title"]
    assert {"title": "国务院办公厅", "roles": ["author"]} in descriptor["contributors"]
    assert "created" not in descriptor
    names = [r["name"] for r in descriptor["resources"]]
    assert names[: len(TABLES)] == list(TABLES)
    assert {"plan", "source"} <= set(names)
    for resource in descriptor["resources"]:
        data = (package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_table_schemas(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    assert [t["schema"] for t in tables] == list(table_schemas().values())
    for table in tables:
        schema = table["schema"]
        assert schema["$schema"] == TABLE_SCHEMA_PROFILE
        assert "fieldsMatch" not in schema  # profile bug #965
        assert schema["primaryKey"]
        assert table["dialect"]["header"] is True
        header = (package / table["path"]).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == [f["name"] for f in schema["fields"]]
        for field in schema["fields"]:
            assert field["type"], field  # profile bug #1147
            assert len(field["description"]) > 10, field
    role = next(f for f in table_schemas()["responsibilities"]["fields"] if f["name"] == "role")
    assert role["categories"] == role["constraints"]["enum"] == [
        "lead", "responsible", "shared", "guiding", "participating", "supporting", "joint"
    ]  # fmt: skip


def test_profiles_are_the_upstream_files() -> None:
    documented = {  # sha256 prefixes from shared/reference/README.md and data/profiles/README.md
        "frictionless-2.0-datapackage.json": "a9ef0fc168b3402a",
        "frictionless-2.0-dataresource.json": "067d769b44b22178",
        "frictionless-2.0-tableschema.json": "a67779642acc7f51",
        "frictionless-2.0-tabledialect.json": "54e884a84e499b9f",
    }
    for name, prefix in documented.items():
        assert hashlib.sha256((PROFILES / name).read_bytes()).hexdigest()[:16] == prefix, name
    assert "The Unlicense" in (PROFILES / "README.md").read_text(encoding="utf-8")


# --- reproducible and fresh -------------------------------------------------------------------


def test_two_builds_give_the_same_bytes(package: Path, reference_text: str) -> None:
    first, second = package_outputs(reference_text), package_outputs(reference_text)
    assert first.files == second.files  # the RDF files included, when rdf.py provides them
    plain = package_outputs(reference_text, linked=_no_linked)
    assert dict(plain.files) == _snapshot(package)


def test_the_checked_in_package_is_fresh(reference_text: str) -> None:
    stale = check_build(reference_text, CHECKED_IN, site=True)  # as `fgf build --check`
    assert stale == (), f"datapackage/ is stale: run `fgf build` ({stale})"


def test_frictionless_cli_says_the_checked_in_package_is_valid() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=CHECKED_IN,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is True
    assert len(report["tasks"]) >= 10


@pytest.fixture
def copy(package: Path, tmp_path: Path) -> Path:
    target = tmp_path / "datapackage"
    shutil.copytree(package, target)
    return target


@pytest.mark.parametrize("table", TABLES)
def test_check_finds_a_one_character_edit(copy: Path, reference_text: str, table: str) -> None:
    path = copy / f"{table}.csv"
    data = path.read_bytes()
    at = data.rindex(b",") + 1  # the first character of the last cell
    path.write_bytes(data[:at] + (b"9" if data[at : at + 1] != b"9" else b"8") + data[at + 1 :])
    stale = check_build(reference_text, copy, linked=_no_linked)
    assert stale == (StaleFile(f"{table}.csv", "differs"),)


def test_check_finds_missing_and_extra_files(copy: Path, reference_text: str) -> None:
    (copy / "targets.csv").unlink()
    (copy / "notes.txt").write_text("x", encoding="utf-8")
    assert check_build(reference_text, copy, linked=_no_linked) == (
        StaleFile("notes.txt", "extra"),
        StaleFile("targets.csv", "missing"),
    )


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "in-a-folder"])
def test_check_finds_the_same_in_memory_and_in_a_folder(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    # A small source is checked in memory, a big one in a temporary folder: the same files,
    # the same answer. The reference is small: a limit of 0 sends it to the folder.
    folders: list[str] = []
    temporary = tempfile.TemporaryDirectory

    def counted(*args: Any, **kwargs: Any) -> tempfile.TemporaryDirectory[str]:
        folder = temporary(*args, **kwargs)
        folders.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", counted)
    if not in_memory:
        monkeypatch.setattr(build, "CHECKED_IN_MEMORY", 0)
    (copy / "targets.csv").unlink()
    (copy / "notes.txt").write_text("x", encoding="utf-8")
    path = copy / "tasks.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    assert check_build(reference_text, copy, linked=_no_linked) == (
        StaleFile("notes.txt", "extra"),
        StaleFile("targets.csv", "missing"),
        StaleFile("tasks.csv", "differs"),
    )
    assert len(folders) == (0 if in_memory else 1)
    assert not any(Path(folder).exists() for folder in folders)


def test_producing_a_package_pauses_the_cycle_collector(reference_text: str) -> None:
    # A full collection walks every object alive; it came during the site's pages and cost
    # `build --check` some 30 ms. Paused while the files are made, restored after.
    seen: list[bool] = []

    def linked(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
        seen.append(gc.isenabled())
        return {}

    assert gc.isenabled()
    package_outputs(reference_text, linked=linked)
    assert seen == [False]
    assert gc.isenabled()


def test_check_syncs_nothing_a_build_syncs_the_whole_folder_once(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--check` throws its files away: syncing them buys nothing, while a build must have
    # every file on disk before it swaps the folder in: one sync of the folder, filled.
    from fgf_opendata import files

    synced: list[dict[str, bytes]] = []
    real_sync = files.sync_folder

    def counting_sync(folder: Path) -> None:
        synced.append(_snapshot(folder))
        real_sync(folder)

    monkeypatch.setattr(files, "sync_folder", counting_sync)
    monkeypatch.setattr(os, "fsync", lambda fd: pytest.fail("a file synced one by one"))
    assert check_build(reference_text, copy, linked=_no_linked) == ()
    assert synced == []
    changed = reference_text.replace("完善常态化", "完善", 1)
    build_package(changed, copy, linked=_no_linked)
    assert synced == [_snapshot(copy)]
    assert check_build(changed, copy, linked=_no_linked) == ()
    assert len(synced) == 1


# --- the command ------------------------------------------------------------------------------


def test_cli_build_then_check(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "out" / "datapackage"
    result = runner.invoke(main, ["build", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {target} (")
    assert result.stderr == ""
    assert (target / "datapackage.json").is_file()
    result = runner.invoke(main, ["build", "--check", "-o", str(target)])
    assert (result.exit_code, result.stdout) == (0, f"{target} is up to date\n")
    path = target / "deadlines.csv"
    path.write_bytes(path.read_bytes().replace(b"2021-11-30", b"2021-11-29", 1))
    result = runner.invoke(main, ["build", "--check", "--quiet", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{target} is stale; run `fgf build -o {target}`:\n  differs: deadlines.csv\n"
    )
    assert b"2021-11-29" in path.read_bytes()  # --check wrote nothing


def test_cli_check_of_a_missing_folder_names_every_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--check", "-o", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "missing: datapackage.json" in result.stdout
    assert "missing: tasks.csv" in result.stdout


def _with_unknown_agency(tmp_path: Path) -> Path:
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "（财政部牵头，审计署等", "（财政部牵头，审计总署等", 1
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_strict_build_with_findings_writes_nothing(tmp_path: Path) -> None:
    source = _with_unknown_agency(tmp_path)
    target = tmp_path / "datapackage"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(target), "--strict"])
    assert result.exit_code == 1
    assert "审计总署" in result.stderr
    assert "[unknown-agency]" in result.stderr
    assert "was not written" in result.stderr
    assert not target.exists()


def test_lenient_build_publishes_an_unknown_agency_without_id(tmp_path: Path) -> None:
    source = _with_unknown_agency(tmp_path)
    target = tmp_path / "datapackage"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "[unknown-agency]" in result.stderr
    row = next(r for r in _rows(target, "responsibilities") if r["agency"] == "审计总署")
    assert row["agency_id"] == ""
    report = validate_package(target)
    assert report.valid
    assert [f.code for f in report.findings] == ["unknown-agency"]


def test_build_from_gb18030_stores_the_source_as_utf8(tmp_path: Path) -> None:
    source = tmp_path / "plan-gbk.txt"
    source.write_bytes(REFERENCE.read_text(encoding="utf-8").encode("gb18030"))
    target = tmp_path / "datapackage"
    args = ["build", str(source), "-o", str(target), "--encoding", "gb18030", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    assert _snapshot(target) == _snapshot(CHECKED_IN)


def test_oversized_source_is_refused_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "datapackage"
    result = CliRunner().invoke(main, ["build", "-o", str(target), "--max-bytes", "100"])
    assert result.exit_code == 2
    assert "over the limit" in result.stderr
    assert not target.exists()


# --- atomic output ----------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_failure_after_writing_leaves_the_old_package(copy: Path, reference_text: str) -> None:
    before = _snapshot(copy)
    changed = reference_text.replace("完善常态化财政资金直达机制", "完善财政资金直达机制", 1)

    def explode(folder: Path) -> PackageReport:
        assert (folder / "tasks.csv").is_file()  # the new package is complete at this point
        raise RuntimeError("killed during validation")

    with pytest.raises(RuntimeError, match="killed"):
        build_package(changed, copy, check=explode, linked=_no_linked)
    assert _snapshot(copy) == before
    assert _leftovers(copy.parent) == []


@pytest.mark.parametrize("when", ["writing", "syncing"])
def test_a_failure_while_writing_leaves_the_old_package(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    from fgf_opendata import files, fileset

    before = _snapshot(copy)
    written: list[int] = []
    real_write = fileset._Hashing.write

    def failing_write(self: fileset._Hashing, data: bytes) -> int:
        written.append(len(data))
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    def failing_sync(folder: Path) -> None:
        raise OSError(5, "Input/output error", str(folder))

    if when == "writing":
        monkeypatch.setattr(fileset._Hashing, "write", failing_write)
    else:
        monkeypatch.setattr(files, "sync_folder", failing_sync)
    with pytest.raises(ExportError, match="No space" if when == "writing" else "Input/output"):
        build_package(reference_text.replace("完善常态化", "完善", 1), copy, linked=_no_linked)
    assert len(written) == (5 if when == "writing" else 0)
    assert _snapshot(copy) == before
    assert _leftovers(copy.parent) == []


def test_sync_folder_without_syncfs_syncs_every_file_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fgf_opendata import files

    (tmp_path / "linked").mkdir()
    for name in ("a.csv", "linked/plan.ttl"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "a.csv")
    synced: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(files, "_syncfs", lambda: None)
    monkeypatch.setattr(os, "fsync", counting_fsync)
    files.sync_folder(tmp_path)
    # every file and folder once, the link not followed (its file is synced as itself)
    folder = tmp_path.resolve()
    expected = [folder / p for p in ("a.csv", "linked/plan.ttl", "linked")] + [folder]
    assert sorted(synced) == sorted(map(str, expected))


def test_an_invalid_build_is_refused(copy: Path) -> None:
    before = _snapshot(copy)
    files = dict(_snapshot(copy))
    files["tasks.csv"] = files["tasks.csv"].replace(b"task_2,", b"task_1,", 1)
    with pytest.raises(InvalidPackageError, match=r"does not validate[\s\S]*duplicate-id"):
        write_package(files, copy)
    assert _snapshot(copy) == before
    assert _leftovers(copy.parent) == []


def test_the_build_refuses_to_swap_in_when_a_gate_fails(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(copy)
    gated: list[Path | None] = []

    def failing_gate(files: Mapping[str, bytes], folder: Path | None = None) -> PackageReport:
        gated.append(folder)
        assert folder is not None
        assert (folder / "datapackage.json").is_file()
        finding = Finding(
            "span-mismatch", "error", "injected by the test", TableLocation("tasks", 2, "start")
        )
        return PackageReport(str(folder), (finding,), len(files))

    monkeypatch.setattr(package_check, "check_built_package", failing_gate)
    result = CliRunner().invoke(main, ["build", "-o", str(copy)])
    assert result.exit_code == 1  # invalid output, not bad input
    assert "does not validate; nothing was written" in result.stderr
    assert "injected by the test [span-mismatch]" in result.stderr
    assert len(gated) == 1
    assert _snapshot(copy) == before
    assert _leftovers(copy.parent) == []


def test_the_gate_checks_the_bytes_on_disk(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(copy)
    produce = build._produce

    def short_write(
        plan: Plan,
        text: str,
        registry: Registry,
        linked: Any,
        into: FileSet,
        *rest: Any,
        **kw: Any,
    ) -> None:
        produce(plan, text, registry, linked, into, *rest, **kw)
        assert into.folder is not None  # written into the new package's folder as made
        path = into.folder / "tasks.csv"
        path.write_bytes(path.read_bytes()[:-10])  # a write that lost its end

    monkeypatch.setattr(build, "_produce", short_write)
    with pytest.raises(ExportError, match=r"byte-count[\s\S]*hash-count"):
        build_package(reference_text, copy, linked=_no_linked)
    assert _snapshot(copy) == before


def test_the_build_gate_passes_the_reference_package(package: Path) -> None:
    report = check_built_package(_snapshot(package), package)
    assert report.findings == ()
    assert report.resources == len(_snapshot(package)) - 1


def test_the_build_gate_finds_unlisted_and_missing_files(package: Path) -> None:
    files = _snapshot(package)
    files["notes.txt"] = b"x"
    del files["targets.csv"]
    found = {(f.code, f.where) for f in check_built_package(files).findings}
    assert found == {("unlisted-file", "datapackage.json"), ("missing-file", "targets")}


def test_the_library_table_schemas_and_dialect_conform_to_the_v2_profiles() -> None:
    # The build gate trusts these constants (profiles.library_parts); this is the check.
    from fgf_opendata.tabular.profiles import library_parts, profile_errors

    parts = library_parts()
    *schemas, dialect = parts
    assert len(schemas) == len(TABLES)
    for schema in schemas:
        assert list(profile_errors("tableschema", schema)) == [], schema
    assert list(profile_errors("tabledialect", dialect)) == []


def test_the_build_gate_runs_the_v2_profiles(package: Path) -> None:
    files = _snapshot(package)
    descriptor = json.loads(files["datapackage.json"])
    descriptor["licenses"] = [{"title": "CC BY"}]
    descriptor["resources"][2]["schema"]["fieldsMatch"] = "exact"
    files["datapackage.json"] = json.dumps(descriptor).encode()
    found = {(f.code, f.where) for f in check_built_package(files).findings}
    assert ("package-profile-error", "datapackage.json") in found
    assert ("table-schema-profile-error", "tasks") in found


IMPORTED = """
import sys
from fgf_opendata.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = ("frictionless", "jsonschema", "pyshacl", "rdflib", "html5rdf")
print(" ".join(name for name in heavy if name in sys.modules))
"""


def test_build_and_check_import_only_what_they_use(tmp_path: Path) -> None:
    def imported(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", IMPORTED, *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    # The RDF files are written without rdflib (`linked.names`): its import (and html5rdf's)
    # was a sixth of `build --check`.
    assert imported("build", "-o", "pkg", "-q") == "jsonschema"
    assert imported("build", "--check", "-o", "pkg", "-q") == ""


def test_tolerated_findings_do_not_stop_the_build(copy: Path) -> None:
    def report(folder: Path) -> PackageReport:
        finding = Finding(
            "measure-without-responsibility", "error", "from the source", TableLocation("measures")
        )
        return PackageReport(str(folder), (finding,), 10)

    files = _snapshot(copy)
    files["notes.txt"] = b"new\n"
    with pytest.raises(ExportError):
        write_package(files, copy, check=report)
    assert not (copy / "notes.txt").exists()
    write_package(
        files, copy, check=report, tolerated=frozenset({"measure-without-responsibility"})
    )
    assert (copy / "notes.txt").read_bytes() == b"new\n"


def _add_stale_file(package: Path) -> None:
    """A file an older build wrote (its descriptor lists it) that this build does not."""
    (package / "stale.txt").write_text("old", encoding="utf-8")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append({"name": "stale", "path": "stale.txt"})
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_swap_without_renameat2(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_output, "_exchange", lambda a, b: False)
    _add_stale_file(copy)
    build_package(reference_text, copy, linked=_no_linked)
    assert not (copy / "stale.txt").exists()
    assert check_build(reference_text, copy, linked=_no_linked) == ()
    assert _leftovers(copy.parent) == []


def test_swap_with_renameat2_when_available(
    copy: Path, reference_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    swaps: list[bool] = []
    exchange = file_output._exchange

    def spy(a: Path, b: Path) -> bool:
        swaps.append(exchange(a, b))
        return swaps[-1]

    monkeypatch.setattr(file_output, "_exchange", spy)
    _add_stale_file(copy)
    build_package(reference_text, copy, linked=_no_linked)
    assert swaps == [sys.platform.startswith("linux")]
    assert check_build(reference_text, copy, linked=_no_linked) == ()
    assert _leftovers(copy.parent) == []


def test_refuses_to_replace_a_folder_that_is_not_a_package(
    tmp_path: Path, reference_text: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError, match="not a data package folder"):
        build_package(reference_text, home)
    assert (home / "thesis.tex").read_text(encoding="utf-8") == "precious"
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="not a folder"):
        build_package(reference_text, file)


# --- ids and extra outputs --------------------------------------------------------------------


@pytest.mark.parametrize("plan_id", ["../evil", "a/b", "UPPER", "", "-x", "x\\y", ".."])
def test_a_plan_id_that_cannot_name_a_file_is_refused(
    reference_plan: Plan, registry: Registry, reference_text: str, plan_id: str
) -> None:
    with pytest.raises(ExportError, match="cannot name a file"):
        data_files(reference_plan.model_copy(update={"id": plan_id}), registry, reference_text)


def test_check_plan_id_accepts_derived_ids() -> None:
    for plan_id in ("guobanfa-2021-25", "plan-2021-07-11", "plan"):
        assert check_plan_id(plan_id) == plan_id


def test_linked_outputs_become_resources(tmp_path: Path, reference_text: str) -> None:
    seen: dict[str, Any] = {}

    def linked(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
        seen.update(files)
        return {
            "linked/plan.ttl": b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n",
            "linked/plan.jsonld": b'{"@id": "http://example.org/a"}\n',
        }

    target = tmp_path / "datapackage"
    build_package(reference_text, target, linked=linked)
    assert "tasks.csv" in seen
    assert "datapackage.json" not in seen
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    extra = {r["path"]: r for r in descriptor["resources"] if r["path"].startswith("linked/")}
    assert extra["linked/plan.ttl"]["mediatype"] == "text/turtle"
    assert extra["linked/plan.ttl"]["name"] == "linked-plan-ttl"
    assert extra["linked/plan.jsonld"]["mediatype"] == "application/ld+json"
    data = (target / "linked" / "plan.ttl").read_bytes()
    assert extra["linked/plan.ttl"]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert "type" not in extra["linked/plan.ttl"]
    assert validate_package(target).findings == ()


@pytest.mark.parametrize("path", ["../plan.ttl", "/tmp/plan.ttl", "tasks.csv", "datapackage.json"])
def test_a_linked_output_cannot_escape_or_replace(reference_text: str, path: str) -> None:
    with pytest.raises(ExportError, match="cannot be a file of the package"):
        package_outputs(reference_text, linked=lambda plan, registry, files: {path: b"x"})


def test_outputs_do_not_depend_on_the_linked_seam(reference_text: str) -> None:
    plain = package_outputs(reference_text, linked=_no_linked)
    assert set(plain.files) == {
        *(f"{t}.csv" for t in TABLES),
        "plan.json",
        *schema_files(),
        "source/guobanfa-2021-25.txt",
        "plan.sqlite",
        "metadata.json",
        "README.md",
        "LICENSE",
        "CITATION.cff",
        "datapackage.json",
    }
    assert plain.findings == ()
