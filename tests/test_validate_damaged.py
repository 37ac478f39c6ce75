"""`fgf validate` on damaged and hostile packages: findings or a clear error, never a crash,
never a read through a link out of the package (issues 16 and 17)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fgf_opendata.agencies import Registry
from fgf_opendata.build import build_package
from fgf_opendata.cli import main
from fgf_opendata.errors import FgfError, ParseError
from fgf_opendata.findings import TableLocation
from fgf_opendata.model import Plan
from fgf_opendata.tabular.gates import check_built_package, validate_package

SECRET = "root:x:0:0:root:/root:/bin/bash"


def _no_linked(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, reference_text: str) -> Path:
    """The reference package without its RDF files (the tabular gates are under test)."""
    target = tmp_path_factory.mktemp("damaged") / "datapackage"
    assert build_package(reference_text, target, linked=_no_linked).written
    return target


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(built, target)
    return target


def _validate(package: Path) -> Result:
    return CliRunner().invoke(main, ["validate", str(package)])


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --- short and blank rows (issue 17) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "appended", "code"),
    [
        ("tasks", "x\n", "missing-cell"),
        ("measures", "\n", "blank-row"),
        ("deadlines", "task_1,0\n", "missing-cell"),
        ("targets", "task_1,0," + ",x" * 20 + "\n", "extra-cell"),
    ],
    ids=["short", "blank", "two-cells", "long"],
)
def test_a_blank_short_or_long_row_is_a_finding(
    package: Path, table: str, appended: str, code: str
) -> None:
    with (package / f"{table}.csv").open("a", encoding="utf-8") as file:
        file.write(appended)
    report = validate_package(package)
    assert not report.valid
    found = {(f.code, f.where.partition("/")[0]) for f in report.findings}
    assert (code, table) in found
    result = _validate(package)
    assert result.exit_code == 1, result.stderr
    assert f"[{code}]" in result.stdout
    assert result.stderr == ""
    # The build's gate, which runs without frictionless, says the same.
    built = check_built_package(_files(package))
    assert (code, table) in {(f.code, f.where) for f in built.findings}


def test_rows_after_a_bad_row_keep_their_numbers(package: Path) -> None:
    path = package / "deadlines.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[2][rows[0].index("date")] = "2000-01-01"
    rows.insert(2, [])  # a blank row 3: the row that was 3 is now 4
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    built = check_built_package(_files(package))
    early = [f for f in built.findings if f.code == "deadline-before-issue-date"]
    assert [f.location for f in early] == [TableLocation("deadlines", 4, "date")]
    assert ("blank-row", TableLocation("deadlines", 3)) in {
        (f.code, f.location) for f in built.findings
    }


# --- JSON that would crash the readers (issue 17) --------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[" * 100_000 + "]" * 100_000,
            "datapackage.json: line 1, column 65: JSON nested deeper than 64 levels",
        ),
        (
            '{"resources": ' + "9" * 5000 + "}",
            "datapackage.json: line 1, column 15: an integer of 5,000 digits",
        ),
    ],
    ids=["deep", "long-integer"],
)
def test_a_hostile_descriptor_is_exit_2_naming_the_file(
    package: Path, text: str, message: str
) -> None:
    (package / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match=message) as raised:
        validate_package(package)
    assert raised.value.code == "invalid-json"
    result = _validate(package)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "line 1, column" in result.stderr
    assert "internal error" not in result.stderr


def test_a_hostile_schema_file_is_a_finding(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][2]["schema"] = "tasks.schema.json"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (package / "tasks.schema.json").write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    report = validate_package(package)
    assert ("table-schema-profile-error", "tasks") in {(f.code, f.where) for f in report.findings}
    assert _validate(package).exit_code == 1


def test_a_pattern_that_is_no_regular_expression_is_a_finding(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    (field,) = [f for f in descriptor["resources"][2]["schema"]["fields"] if f["name"] == "id"]
    field["constraints"]["pattern"] = "task_(["
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate_package(package)
    (finding,) = [f for f in report.findings if f.code == "invalid-pattern"]
    assert finding.where == "tasks/id"
    assert 'pattern "task_([" is not a regular expression' in finding.message
    result = _validate(package)
    assert result.exit_code == 1
    assert "tasks field id: error: pattern" in result.stdout


# --- links out of the package (issue 16) ------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(f"id\n{SECRET}\n", encoding="utf-8")
    (folder / "tasks.csv").write_text(f"id\n{SECRET}\n", encoding="utf-8")
    (folder / "plan.ttl").write_text(f'<urn:x> <urn:y> "{SECRET}" .\n', encoding="utf-8")
    return folder


def _assert_refused(package: Path, link: str, where: str) -> None:
    report = validate_package(package, linked=True)
    assert not report.valid
    refused = [f for f in report.findings if f.code == "unsafe-link"]
    assert [(f.where, f.message) for f in refused] == [
        (where, f'"{link}" is a link that leads out of the package: not read')
    ]
    for finding in report.findings:
        assert "root:x" not in finding.message
    result = CliRunner().invoke(main, ["validate", str(package)])
    assert result.exit_code == 1
    assert "root:x" not in result.stdout + result.stderr
    assert f'"{link}" is a link that leads out of the package' in result.stdout


def test_a_resource_file_linked_out_of_the_package_is_not_read(
    package: Path, outside: Path
) -> None:
    (package / "tasks.csv").unlink()
    (package / "tasks.csv").symlink_to(outside / "passwd")
    _assert_refused(package, "tasks.csv", "tasks")


def test_a_folder_linked_out_of_the_package_is_not_read(package: Path, outside: Path) -> None:
    shutil.rmtree(package / "source")
    (package / "source").symlink_to(outside)
    _assert_refused(package, "source", "source")


def test_rdf_files_linked_out_of_the_package_are_not_read(package: Path, outside: Path) -> None:
    (package / "linked").symlink_to(outside)
    _assert_refused(package, "linked", "linked")


def test_a_link_inside_the_package_is_followed(package: Path) -> None:
    (package / "tasks.csv").rename(package / "tasks-data.csv")
    (package / "tasks.csv").symlink_to("tasks-data.csv")
    assert validate_package(package).findings == ()


def test_a_descriptor_linked_out_of_the_package_is_not_read(package: Path, outside: Path) -> None:
    (package / "datapackage.json").unlink()
    (package / "datapackage.json").symlink_to(outside / "passwd")
    with pytest.raises(FgfError, match="is a link that leads out of the package: not read"):
        validate_package(package)
    result = _validate(package)
    assert result.exit_code == 2
    assert "root:x" not in result.stdout + result.stderr


def test_a_fifo_is_refused_without_blocking(package: Path) -> None:
    (package / "targets.csv").unlink()
    os.mkfifo(package / "targets.csv")
    done = subprocess.run(
        [sys.executable, "-m", "fgf_opendata", "validate", str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert (
        '"targets.csv" is a FIFO (named pipe), not a regular file: not read [not-a-file]'
        in done.stdout
    )


def test_a_schema_frictionless_cannot_read_is_a_profile_finding(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][3]["schema"]["foreignKeys"] = -1  # frictionless: TypeError
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate_package(package)
    assert ("table-schema-profile-error", "measures") in {
        (f.code, f.where) for f in report.findings
    }
    assert _validate(package).exit_code == 1


def test_a_loop_of_links_is_a_finding(package: Path) -> None:
    (package / "loop1").symlink_to("loop2")
    (package / "loop2").symlink_to("loop1")
    report = validate_package(package)
    assert [(f.code, f.where, f.message) for f in report.findings] == [
        ("unsafe-link", "loop1", '"loop1" is a link that cannot be resolved: not read'),
        ("unsafe-link", "loop2", '"loop2" is a link that cannot be resolved: not read'),
    ]
