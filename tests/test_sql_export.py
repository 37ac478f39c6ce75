"""The package loads into SQLite with frictionless's own SQL adapter: every table, every row.

frictionless turns Table Schema constraints into SQL CHECKs; a `pattern` becomes a REGEXP whose
Python function raises on NULL, so a pattern on an optional column (agencies.wikidata had one)
made `frictionless index` fail on the first empty cell.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from frictionless import Package
from pydantic import ValidationError

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.build import build_package
from fgf_opendata.model import Agency
from fgf_opendata.tabular.columns import TABLES, table_schemas

SOURCES = {
    "reference": ROOT / "sources" / "guobanfa-2021-25.txt",
    # points and paragraphs, which the reference plan has none of
    "prose": ROOT / "tests" / "corpus" / "guobanfa-1997-11.txt",
}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built package, RDF files and all (they are resources that are not tables)."""
    text = SOURCES[request.param].read_text(encoding="utf-8")
    target = tmp_path_factory.mktemp("sql") / "datapackage"
    assert build_package(text, target).written
    return target


def _csv_rows(folder: Path, table: str) -> int:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    return sum(1 for _ in csv.DictReader(io.StringIO(text, newline="")))


def _db_rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _expected(folder: Path) -> dict[str, int]:
    return {table: _csv_rows(folder, table) for table in TABLES}


def test_no_optional_field_has_a_pattern() -> None:
    for table, schema in table_schemas().items():
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            if "pattern" in constraints:
                assert constraints.get("required"), f"{table}.{field['name']}"


def test_the_model_checks_the_wikidata_form_the_schema_no_longer_states(
    registry: Registry,
) -> None:
    agency = next(a for a in registry.agencies if a.wikidata)
    data = agency.model_dump()
    for bad in ("7604", "Q0", "Q12x", ""):
        with pytest.raises(ValidationError):
            Agency.model_validate({**data, "wikidata": bad})


def test_frictionless_index_loads_every_table(package: Path, tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    names = Package(str(package / "datapackage.json")).index(f"sqlite:///{database}")
    assert sorted(names) == sorted(TABLES)
    counts = _db_rows(database)
    assert counts == _expected(package)
    assert counts["agencies"] > 0  # the table with empty wikidata cells


def test_frictionless_index_command_loads_every_table(package: Path, tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    url = f"sqlite:///{database}"
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "index", "datapackage.json", "--database", url],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # frictionless 5.21's command (not its `index` function) goes on to the non-table resources
    # after the tables and exits 1 on the first ("plan.json ... is not indexable"); every table
    # is loaded by then, and none errored.
    assert "errored" not in done.stdout, done.stdout + done.stderr
    assert _db_rows(database) == _expected(package)


def test_package_publish_loads_every_table(package: Path, tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    whole = Package(str(package / "datapackage.json"))
    # `publish` makes a table of every resource, so the non-table files are left out first
    tables = Package(
        resources=[r.to_copy() for r in whole.resources if r.type == "table"],
        basepath=whole.basepath,
    )
    tables.publish(f"sqlite:///{database}")
    assert _db_rows(database) == _expected(package)
