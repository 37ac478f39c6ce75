"""`fgf validate`: packages broken on purpose are caught with the right code and exit status."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT, run_offline
from fgf_opendata.build import build_package
from fgf_opendata.cli import main
from fgf_opendata.findings import Finding, TableLocation
from fgf_opendata.tabular.gates import check_built_package, validate_package
from fgf_opendata.tabular.report import PackageReport, clip, format_report, report_json_schema

Rows = list[list[str]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, reference_text: str) -> Path:
    target = tmp_path_factory.mktemp("validate") / "datapackage"
    build_package(reference_text, target)
    return target


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the reference package to break."""
    target = tmp_path / "datapackage"
    shutil.copytree(built, target)
    return target


def _edit_table(folder: Path, table: str, edit: Callable[[Rows], Rows | None]) -> None:
    path = folder / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows = edit(rows) or rows
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _save(folder: Path, descriptor: dict[str, Any]) -> None:
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _rehash(folder: Path) -> None:
    """Records the edited files' sizes and hashes, so only the rule under test fires."""
    descriptor = _descriptor(folder)
    for resource in descriptor["resources"]:
        path = folder / resource["path"]
        if path.exists():
            data = path.read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    _save(folder, descriptor)


def _column(rows: Rows, name: str) -> int:
    return rows[0].index(name)


def _set(table_rows: Rows, where: tuple[str, str], column: str, value: str) -> Rows:
    key, wanted = where
    k, c = _column(table_rows, key), _column(table_rows, column)
    hits = [row for row in table_rows[1:] if row[k] == wanted]
    assert hits, where
    hits[0][c] = value
    return table_rows


# --- each rule, alone -------------------------------------------------------------------------


def _drop_responsibilities(rows: Rows) -> Rows:
    return [r for r in rows if r[0] != "task_1__meas_1"]


def _drop_task(rows: Rows) -> Rows:
    return [r for r in rows if r[0] != "task_5"]


def _duplicate_agency(rows: Rows) -> Rows:
    return [*rows, rows[5]]


CASES: dict[str, tuple[str, Callable[[Rows], Rows | None], set[str]]] = {
    "missing responsibility rows": (
        "responsibilities",
        _drop_responsibilities,
        {"measure-without-responsibility"},
    ),
    "missing task row": ("tasks", _drop_task, {"foreign-key", "unknown-subject"}),
    "dangling agency id": (
        "responsibilities",
        lambda rows: _set(rows, ("agency_id", "mof"), "agency_id", "mofx"),
        {"foreign-key", "unknown-agency-id"},
    ),
    "wrong type": (
        "deadlines",
        lambda rows: _set(rows, ("date", "2021-11-30"), "date", "2021-11-31"),
        {"type-error"},
    ),
    "duplicated id": (
        "agencies",
        _duplicate_agency,
        {"duplicate-id", "unique-error", "primary-key"},
    ),
    "deadline before the issue date": (
        "deadlines",
        lambda rows: _set(rows, ("date", "2021-09-30"), "date", "2021-03-31"),
        {"deadline-before-issue-date"},
    ),
    "unknown subject": (
        "targets",
        lambda rows: _set(rows, ("subject_id", "task_12__meas_2"), "subject_id", "task_99"),
        {"foreign-key", "unknown-subject"},  # subjects.csv: frictionless sees it too
    ),
    "span that misses its text": (
        "tasks",
        lambda rows: _set(rows, ("id", "task_3"), "start", "1700"),
        {"span-mismatch"},
    ),
    "value outside its categories": (
        "responsibilities",
        lambda rows: _set(rows, ("role", "lead"), "role", "boss"),
        {"constraint-error"},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_broken_package_is_found_with_the_right_code(package: Path, case: str) -> None:
    table, edit, codes = CASES[case]
    _edit_table(package, table, edit)
    _rehash(package)
    report = validate_package(package)
    assert not report.valid
    assert {f.code for f in report.findings} == codes
    result = CliRunner().invoke(main, ["validate", str(package)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{package}: invalid")
    for code in codes:
        assert f"[{code}]" in result.stdout
    assert result.stderr == ""


# What frictionless alone finds about cells: `fgf build` refuses such a value as it writes it.
CELL_CODES = {"type-error", "constraint-error", "unique-error", "primary-key"}


@pytest.mark.parametrize("case", CASES)
def test_the_build_gate_finds_every_rule_but_cell_types(package: Path, case: str) -> None:
    table, edit, codes = CASES[case]
    _edit_table(package, table, edit)
    _rehash(package)
    files = {
        p.relative_to(package).as_posix(): p.read_bytes() for p in package.rglob("*") if p.is_file()
    }
    report = check_built_package(files, package)
    assert {f.code for f in report.findings} == codes - CELL_CODES


def test_findings_name_resource_row_and_field(package: Path) -> None:
    _edit_table(package, "deadlines", CASES["wrong type"][1])
    _rehash(package)
    (finding,) = validate_package(package).findings
    assert finding.location == TableLocation("deadlines", 2, "date")
    assert '"2021-11-31"' in finding.message
    result = CliRunner().invoke(main, ["validate", str(package)])
    assert 'deadlines row 2 field date: error: value "2021-11-31"' in result.stdout


def test_a_one_character_edit_breaks_the_hash(package: Path) -> None:
    path = package / "plans.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace("各省".encode(), "各市".encode(), 1))
    report = validate_package(package)
    assert [(f.code, f.where) for f in report.findings] == [("hash-count", "plans")]


def test_a_task_covered_by_its_measures_needs_no_row_of_its_own(package: Path) -> None:
    _edit_table(package, "responsibilities", lambda rows: [r for r in rows if r[0] != "task_1"])
    _rehash(package)
    assert validate_package(package).findings == ()


def test_an_unknown_agency_is_a_warning_only(package: Path) -> None:
    _edit_table(
        package, "responsibilities", lambda rows: _set(rows, ("agency_id", "mof"), "agency_id", "")
    )
    _rehash(package)
    report = validate_package(package)
    assert report.valid
    assert [(f.code, f.severity) for f in report.findings] == [("unknown-agency", "warning")]
    assert CliRunner().invoke(main, ["validate", str(package)]).exit_code == 0


# --- the descriptor and the profiles ----------------------------------------------------------


def _break_descriptor(package: Path, edit: Callable[[dict[str, Any]], None]) -> PackageReport:
    descriptor = _descriptor(package)
    edit(descriptor)
    _save(package, descriptor)
    return validate_package(package)


def test_a_licence_without_name_or_path_fails_the_v2_profile(package: Path) -> None:
    report = _break_descriptor(package, lambda d: d.update(licenses=[{"title": "CC BY"}]))
    assert "package-profile-error" in {f.code for f in report.findings}


def test_fields_match_as_the_spec_writes_it_fails_the_buggy_profile(package: Path) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][2]["schema"]["fieldsMatch"] = "exact"  # profile bug #965

    report = _break_descriptor(package, edit)
    assert ("table-schema-profile-error", "tasks") in {(f.code, f.where) for f in report.findings}


def test_the_library_parts_conform_to_the_package_profile_too(built: Path) -> None:
    # `validate_package` leaves the library's own parts out of both profile checks: that is
    # only the same when each conforms to the package profile's definition as well.
    from fgf_opendata.tabular.profiles import library_parts, profile_errors

    descriptor = _descriptor(built)
    inline = [r[k] for r in descriptor["resources"] for k in ("schema", "dialect") if k in r]
    assert all(part in inline for part in library_parts())
    assert list(profile_errors("datapackage", descriptor)) == []


BROKEN_DESCRIPTORS: dict[str, Callable[[dict[str, Any]], None]] = {
    "a licence without a name": lambda d: d.update(licenses=[{"title": "CC BY"}]),
    "a schema of another profile": lambda d: d["resources"][2]["schema"].update(
        fieldsMatch="exact"
    ),
    "a field of no type": lambda d: d["resources"][3]["schema"]["fields"][0].update(type="x"),
    "a dialect of a number": lambda d: d["resources"][2]["dialect"].update(delimiter=1),
    "a schema of a string": lambda d: d["resources"][4].update(schema=7),
    "a resource without path or data": lambda d: d["resources"][1].pop("path"),
    "a resource name of a number": lambda d: d["resources"][0].update(name=5),
}


@pytest.mark.parametrize("edit", BROKEN_DESCRIPTORS.values(), ids=BROKEN_DESCRIPTORS)
def test_trusting_the_library_parts_finds_the_same(
    built: Path, edit: Callable[[dict[str, Any]], None]
) -> None:
    from fgf_opendata.tabular.profiles import library_parts, profile_findings

    descriptor = _descriptor(built)
    edit(descriptor)
    every = profile_findings(built, descriptor)
    assert every  # the edit breaks a profile
    assert profile_findings(built, descriptor, library_parts()) == every


def test_a_descriptor_without_schema_is_not_v2(package: Path) -> None:
    report = _break_descriptor(package, lambda d: d.pop("$schema"))
    assert "not-data-package-v2" in {f.code for f in report.findings}


def test_a_missing_resource_is_found(package: Path) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "targets"]

    (package / "targets.csv").unlink()
    report = _break_descriptor(package, edit)
    assert [f.code for f in report.findings] == ["missing-resource"]


def test_paths_outside_the_package_are_refused_offline(package: Path) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][0]["path"] = "https://example.org/plans.csv"
        descriptor["resources"][1]["path"] = "../datapackage/sections.csv"

    report = _break_descriptor(package, edit)
    codes = {(f.code, f.where) for f in report.findings}
    assert ("unsafe-path", "plans") in codes
    assert ("unsafe-path", "sections") in codes


# --- unreadable input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [(None, "nope does not exist"), ("file", "nope is not a folder")],
)
def test_a_missing_folder_is_exit_2(tmp_path: Path, make: str | None, message: str) -> None:
    if make == "file":
        (tmp_path / "nope").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.startswith("fgf: error: ")
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "has no datapackage.json"), ("{", "not valid JSON"), ("[]", "not a JSON object")],
)
def test_an_unreadable_descriptor_is_exit_2(
    tmp_path: Path, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "datapackage.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# --- the report -------------------------------------------------------------------------------


def test_the_reference_package_is_valid(built: Path) -> None:
    report = validate_package(built)
    assert report.findings == ()
    assert report.resources >= 10
    result = CliRunner().invoke(main, ["validate", str(built)])
    assert result.exit_code == 0
    first, *rest = result.stdout.splitlines()
    # The RDF gate reports five DCAT-AP recommended properties the catalogue cannot state
    # honestly (country bbox and centroid, catalogue dates, publisher type): warnings only.
    assert first == f"{built}: valid ({report.resources} resources, 0 errors, 5 warnings)"
    assert len(rest) == 5
    assert all(line.endswith("[dcat-ap-min-count]") for line in rest)


def test_repeats_are_grouped_and_capped(package: Path) -> None:
    def many(rows: Rows) -> Rows:
        for number, row in enumerate(rows[1:13]):
            row[0] = "x" * 60 + f"-{number}"
        return rows

    _edit_table(package, "deadlines", many)
    _rehash(package)
    result = CliRunner().invoke(main, ["validate", str(package)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    resources = len(_descriptor(package)["resources"])
    assert lines[0] == f"{package}: invalid ({resources} resources, 24 errors, 5 warnings)"
    shown = [line for line in lines if line.endswith("[unknown-subject]")]
    assert len(shown) == 6
    assert shown[-1] == "  … and 7 more [unknown-subject]"
    assert f'"{"x" * 39}…"' in shown[0]  # values are quoted short
    assert "x" * 41 not in result.stdout
    limited = CliRunner().invoke(main, ["validate", str(package), "--limit", "2"])
    assert "  … and 10 more [unknown-subject]" in limited.stdout


def test_json_report_follows_its_schema(package: Path) -> None:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    _edit_table(package, "responsibilities", CASES["dangling agency id"][1])
    result = CliRunner().invoke(main, ["validate", "--json", str(package)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "validation-report.schema.json").read_text("utf-8"))
    assert schema == report_json_schema()
    assert list(Draft202012Validator(schema).iter_errors(report)) == []
    assert report["valid"] is False
    found = {(f["code"], f["resource"], f["row"], f["field"]) for f in report["findings"]}
    assert ("unknown-agency-id", "responsibilities", 2, "agency_id") in found
    assert ("hash-count", "responsibilities", None, None) in found


def test_format_report_of_synthetic_findings() -> None:
    findings = tuple(
        Finding(
            "duplicate-id", "error", f"id {clip('y' * 50)} again", TableLocation("tasks", row, "id")
        )
        for row in range(2, 14)
    )
    text = format_report(PackageReport("pkg", findings, 3), limit=5)
    lines = text.splitlines()
    assert lines[0] == "pkg: invalid (3 resources, 12 errors, 0 warnings)"
    assert lines[1] == f'tasks row 2 field id: error: id "{"y" * 39}…" again [duplicate-id]'
    assert lines[-1] == "  … and 7 more [duplicate-id]"
    assert len(lines) == 7


# --- offline ----------------------------------------------------------------------------------


def test_a_remote_resource_is_not_fetched(package: Path) -> None:
    # That build and validate of the reference make no network access at all is
    # test_no_network's; here a resource path that names a server must not be fetched either.
    descriptor = _descriptor(package)
    descriptor["resources"][0]["path"] = "https://example.org/plans.csv"
    _save(package, descriptor)
    done = run_offline(["validate", package.name], package.parent)
    assert done.returncode == 1, done.stderr
    assert "NETWORK ACCESS" not in done.stderr
    assert "was not fetched" in done.stdout


def test_validate_runs_the_shacl_shapes_on_the_plan_graph(tmp_path: Path) -> None:
    import shutil

    from rdflib import URIRef
    from rdflib.namespace import PROV

    from fgf_opendata.linked.syntax import parse_turtle, serialize_turtle
    from fgf_opendata.tabular.gates import linked_findings

    package = tmp_path / "pkg"
    shutil.copytree(Path(__file__).resolve().parent.parent / "datapackage", package)
    assert [f for f in linked_findings(package) if f.severity == "error"] == []
    graph = parse_turtle((package / "linked" / "plan.ttl").read_bytes())
    measure = URIRef("https://w3id.org/fgf-opendata/doc/cn/guobanfa/2021/25/task_5__meas_2")
    graph.remove((measure, PROV.qualifiedAttribution, None))
    (package / "linked" / "plan.ttl").write_bytes(serialize_turtle(graph))
    errors = [f for f in linked_findings(package) if f.severity == "error"]
    assert errors
    assert all(f.where.startswith("linked-") for f in errors)
    assert any("task_5__meas_2" in f.message for f in errors)


def test_shape_paths_are_named_by_the_shapes_prefixes() -> None:
    # The DCAT-AP shapes are read by oxigraph; their prefixes must still name the paths in
    # pyshacl's messages, as rdflib's parser made them ("dct:issued", not the whole IRI).
    done = CliRunner().invoke(main, ["validate", str(ROOT / "datapackage")])
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stdout.splitlines() if "[dcat-ap-min-count]" in line]
    assert warnings
    for line in warnings:
        assert "->dct:" in line or "->dcat:" in line, line
        assert "-><http" not in line, line


# --- the RDF gate in a child --------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        None,
        ("linked/plan.jsonld", b'{"@context": '),  # not JSON: the child read it as if it were
        ("plan.json", b"[" * 100 + b"]" * 100),  # JSON nested past load_json's bound
    ],
)
def test_the_forked_rdf_gate_finds_what_it_finds_in_process(
    package: Path, damage: tuple[str, bytes] | None
) -> None:
    # `validate_package` runs the RDF gate in a child that takes the JSON files as they are,
    # and checks them in this process; the findings must be `linked_findings`', in order.
    from fgf_opendata.tabular.gates import linked_findings

    if damage is not None:
        name, data = damage
        (package / name).write_bytes(data)
    tabular = validate_package(package).findings
    in_process = tuple(linked_findings(package))
    assert validate_package(package, linked=True).findings == tabular + in_process
    if damage is not None:
        assert "invalid-json" in {f.code for f in in_process}


def test_this_process_runs_frictionless_and_the_child_the_rest(built: Path) -> None:
    # frictionless and the v2 profiles are the longer path: this process runs them; the child
    # the links, the project's rules, the JSON check and the RDF gate, with pyshacl imported
    # without rdflib's SPARQL engine (`import_pyshacl_without_sparql`). A fresh interpreter:
    # a thread another test left running here would (rightly) stop the fork.
    import subprocess
    import sys

    program = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from fgf_opendata.tabular import gates\n"
        "log = Path(sys.argv[1])\n"
        "def recorded(name, func):\n"
        "    def call(*args, **kwargs):\n"
        "        engine = 'engine' if 'rdflib.plugins.sparql' in sys.modules else ''\n"
        "        with log.open('a') as out: out.write(f'{name}{engine} {os.getpid()}\\n')\n"
        "        return func(*args, **kwargs)\n"
        "    return call\n"
        "for name in ('load_json', '_checked_linked', 'link_findings', '_other_findings',\n"
        "             'frictionless_findings', 'profile_findings'):\n"
        "    setattr(gates, name, recorded(name, getattr(gates, name)))\n"
        "valid = gates.validate_package(Path(sys.argv[2]), linked=True).valid\n"
        "print(valid, os.getpid(), 'fgf_opendata.parsing' in sys.modules)\n"
    )
    log = built.parent / "calls.log"
    done = subprocess.run(
        [sys.executable, "-c", program, str(log), str(built)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    valid, parent, parser_here = done.stdout.split()
    calls = [line.split() for line in log.read_text().splitlines()]
    log.unlink()
    assert valid == "True"
    assert parser_here == "False"  # the rules (and the parser's modules) only in the child
    (child,) = [pid for name, pid in calls if name == "_checked_linked"]
    assert child != parent
    assert sorted(calls) == sorted(
        [
            ["frictionless_findings", parent],
            ["profile_findings", parent],
            ["link_findings", child],
            ["_other_findings", child],  # the links, the rules, the RDF gate
            ["load_json", child],  # plan.jsonld
            ["load_json", child],  # plan.json
            ["_checked_linked", child],
        ]
    )


@pytest.mark.parametrize("command", ["validate", "build --check --output"])
def test_read_only_commands_leave_the_cycle_collector_out_of_their_exit(
    built: Path, command: str
) -> None:
    # The process ends with the report: the collector's pass at exit over every object the
    # gates left alive (0.05-0.1 s) is skipped by freezing them first: one freeze at exit
    # however often main ran (validate's fork freezes too, while it runs). `build --check`
    # compares with the published package.
    import subprocess
    import sys

    package = built if command == "validate" else Path(__file__).parents[1] / "datapackage"
    program = (
        "import atexit, gc, sys\n"
        "freezes = []\n"
        "freeze = gc.freeze\n"
        "gc.freeze = lambda: freezes.append(freeze())\n"
        "atexit.register(lambda: print('frozen at exit:', freezes[ran:], gc.get_freeze_count() > 0))\n"
        "from fgf_opendata.cli import main\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        main(sys.argv[1:])\n"
        "    except SystemExit as end:\n"
        "        assert not end.code, end.code\n"
        "ran = len(freezes)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, *command.split(), str(package)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "frozen at exit: [None] True"
