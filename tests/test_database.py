"""`plan.sqlite`: the package's tables in SQLite, with keys, full-text search and views, and
its Datasette metadata, opened in Datasette's own test client."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from conftest import REFERENCE, ROOT
from fgf_opendata.build import package_outputs
from fgf_opendata.corpus import build_corpus
from fgf_opendata.errors import ExportError
from fgf_opendata.tabular import database
from fgf_opendata.tabular.columns import TABLES
from fgf_opendata.tabular.database import FTS_TABLES, VIEWS, database_bytes, datasette_metadata

PROSE = ROOT / "tests" / "corpus" / "guobanfa-1997-11.txt"
"""A real plan with points and paragraphs, which the reference plan has none of."""


@pytest.fixture(scope="module")
def reference(reference_text: str) -> dict[str, bytes]:
    return dict(package_outputs(reference_text).files)


@pytest.fixture(scope="module")
def prose() -> dict[str, bytes]:
    return dict(package_outputs(PROSE.read_text(encoding="utf-8")).files)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    sources = tmp_path_factory.mktemp("sources")
    shutil.copy(REFERENCE, sources / REFERENCE.name)
    shutil.copy(PROSE, sources / PROSE.name)
    out = tmp_path_factory.mktemp("corpus") / "corpus"
    build_corpus([sources], out, jobs=1, graph=False)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.fixture(params=["reference", "prose", "corpus"])
def package(request: pytest.FixtureRequest) -> dict[str, bytes]:
    files: dict[str, bytes] = request.getfixturevalue(request.param)
    return files


def _open(files: Mapping[str, bytes]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.deserialize(database_bytes(files))
    db.execute("PRAGMA foreign_keys = ON")
    return db


def _csv(files: Mapping[str, bytes], table: str) -> list[dict[str, str]]:
    text = files[f"{table}.csv"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _schemas(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    descriptor = json.loads(files["datapackage.json"])
    return {r["name"]: r["schema"] for r in descriptor["resources"] if r.get("type") == "table"}


# --- tables -----------------------------------------------------------------------------------


def test_every_table_holds_every_row_of_its_csv(package: Mapping[str, bytes]) -> None:
    db = _open(package)
    for table in TABLES:
        (count,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert count == len(_csv(package, table)), table
    assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] > 0


def test_cells_keep_their_values_typed(reference: Mapping[str, bytes]) -> None:
    db = _open(reference)
    db.row_factory = sqlite3.Row
    for table in TABLES:
        fields = {f["name"]: f["type"] for f in _schemas(reference)[table]["fields"]}
        rows = db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for row, cells in zip(rows, _csv(reference, table), strict=True):
            for name, type_ in fields.items():
                value, cell = row[name], cells[name]
                if cell == "":
                    assert value is None
                elif type_ == "boolean":
                    assert value == (cell == "true")
                elif type_ in ("integer", "year"):
                    assert value == int(cell)
                elif type_ == "number":
                    assert value == float(cell)
                else:
                    assert value == cell


def test_columns_keys_and_foreign_keys_follow_the_table_schemas(
    package: Mapping[str, bytes],
) -> None:
    db = _open(package)
    types = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "year": "INTEGER"}
    types |= {"number": "REAL", "boolean": "INTEGER"}
    for table, schema in _schemas(package).items():
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        assert [(c[1], c[2]) for c in info] == [
            (f["name"], types[f["type"]]) for f in schema["fields"]
        ]
        key = sorted((c[5], c[1]) for c in info if c[5])
        assert [name for _, name in key] == schema["primaryKey"]
        declared = {
            (k["fields"][0], k["reference"].get("resource", table), k["reference"]["fields"][0])
            for k in schema.get("foreignKeys", [])
        }
        found = {(k[3], k[2], k[4]) for k in db.execute(f"PRAGMA foreign_key_list({table})")}
        assert found == declared
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_foreign_keys_are_enforced_once_switched_on(reference: Mapping[str, bytes]) -> None:
    db = _open(reference)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("UPDATE responsibilities SET agency_id = 'no-such-agency' WHERE rowid = 1")


def _replace(files: Mapping[str, bytes], path: str, old: str, new: str) -> dict[str, bytes]:
    text = files[path].decode("utf-8")
    assert old in text
    return {**files, path: text.replace(old, new, 1).encode("utf-8")}


def test_a_dangling_foreign_key_is_refused_by_file_and_row(reference: Mapping[str, bytes]) -> None:
    first = _csv(reference, "responsibilities")[0]
    damaged = _replace(
        reference,
        "responsibilities.csv",
        f",{first['agency_id']},{first['role']},",
        f",nobody,{first['role']},",
    )
    with pytest.raises(ExportError, match=r"responsibilities\.csv, row 1: .*agencies"):
        database_bytes(damaged)


def test_a_cell_that_is_not_its_type_is_refused_by_file_and_line(
    reference: Mapping[str, bytes],
) -> None:
    damaged = _replace(reference, "tasks.csv", ",19,433,491\n", ",nineteen,433,491\n")
    with pytest.raises(ExportError, match=r"tasks\.csv, line 2, field line: .*nineteen"):
        database_bytes(damaged)


def test_a_package_without_its_tables_is_refused(reference: Mapping[str, bytes]) -> None:
    descriptor = json.loads(reference["datapackage.json"])
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "tasks"]
    with pytest.raises(ExportError, match="no table tasks"):
        database_bytes({**reference, "datapackage.json": json.dumps(descriptor).encode()})


# --- full text --------------------------------------------------------------------------------


def _search(db: sqlite3.Connection, table: str, phrase: str) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            f"SELECT t.id FROM {table}_fts AS f JOIN {table} AS t ON t.rowid = f.rowid "
            f"WHERE {table}_fts MATCH ? ORDER BY t.rowid",
            (f'"{phrase}"',),
        )
    ]


def test_full_text_search_finds_a_chinese_phrase(reference: Mapping[str, bytes]) -> None:
    db = _open(reference)
    phrase = "常态化财政资金直达机制"  # task (一) and its measure 1．
    for table in ("tasks", "measures"):
        expected = [row["id"] for row in _csv(reference, table) if phrase in row["text"]]
        assert expected
        assert _search(db, table, phrase) == expected
    assert _search(db, "tasks", "财政资金直达工具") == []  # a phrase not in the text


def test_a_sqlite_without_the_tokenizer_is_named(
    reference: Mapping[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "_TOKENIZER", "no-such-tokenizer")
    with pytest.raises(ExportError, match=r"needs SQLite 3\.34 or later with FTS5"):
        database_bytes(reference)


def test_every_text_of_every_item_is_indexed(package: Mapping[str, bytes]) -> None:
    db = _open(package)
    for table in FTS_TABLES:
        for row in _csv(package, table)[:20]:
            assert row["id"] in _search(db, table, row["text"][:12].replace('"', '""'))


# --- views ------------------------------------------------------------------------------------


def _view(db: sqlite3.Connection, name: str) -> list[dict[str, Any]]:
    db.row_factory = sqlite3.Row
    return [dict(row) for row in db.execute(f"SELECT * FROM {name}")]


def _items(files: Mapping[str, bytes]) -> Iterator[tuple[str, str, str]]:
    for table, kind in (("tasks", "task"), ("measures", "measure")):
        for row in _csv(files, table):
            yield row["id"], kind, row["text"]
    for table, kind in (("points", "point"), ("paragraphs", "paragraph")):
        for row in _csv(files, table):
            yield row["id"], kind, row["text"]


def test_work_items_and_assignments(package: Mapping[str, bytes]) -> None:
    db = _open(package)
    items = {item_id: (kind, text) for item_id, kind, text in _items(package)}
    assert {r["id"]: (r["kind"], r["text"]) for r in _view(db, "work_items")} == items
    responsibilities = _csv(package, "responsibilities")
    assignments = _view(db, "assignments")
    assert len(assignments) == len(responsibilities)
    by_key = {(a["subject_id"], a["position"]): a for a in assignments}
    for row in responsibilities:
        found = by_key[row["subject_id"], int(row["position"])]
        assert (found["agency"], found["role"]) == (row["agency"], row["role"])
        assert found["text"] == items.get(row["subject_id"], (None, None))[1]


def test_agency_roles_ranks_agencies_by_their_leads(package: Mapping[str, bytes]) -> None:
    db = _open(package)
    names = {row["id"]: row["name_zh"] for row in _csv(package, "agencies")}
    counts: dict[str, Counter[str]] = {}
    for row in _csv(package, "responsibilities"):
        name = names.get(row["agency_id"], row["agency"])
        counts.setdefault(name, Counter())[row["role"]] += 1
    expected = {
        name: (c["lead"], c["responsible"], c["shared"], c.total()) for name, c in counts.items()
    }
    rows = _view(db, "agency_roles")
    assert {r["name_zh"]: (r["lead"], r["responsible"], r["shared"], r["total"]) for r in rows} == (
        expected
    )
    assert [(r["lead"], r["total"]) for r in rows] == sorted(
        ((r["lead"], r["total"]) for r in rows), reverse=True
    )


def test_agency_roles_on_the_reference(reference: Mapping[str, bytes]) -> None:
    top = _view(_open(reference), "agency_roles")[0]
    # as `fgf query --example lead-ranking` answers: 国务院办公厅 leads 14 items
    assert (top["agency_id"], top["name_zh"], top["lead"]) == ("gosc", "国务院办公厅", 14)


def test_deadlines_by_month(package: Mapping[str, bytes]) -> None:
    deadlines = _csv(package, "deadlines")
    expected = Counter(row["date"][:7] for row in deadlines)
    items = {m: len({r["subject_id"] for r in deadlines if r["date"][:7] == m}) for m in expected}
    rows = _view(_open(package), "deadlines_by_month")
    assert [(r["month"], r["deadlines"], r["items"]) for r in rows] == [
        (month, expected[month], items[month]) for month in sorted(expected)
    ]


def test_deadlines_by_month_on_the_reference(reference: Mapping[str, bytes]) -> None:
    rows = _view(_open(reference), "deadlines_by_month")
    assert {r["month"]: r["deadlines"] for r in rows}["2021-12"] == 20  # 年底前 dominates


def test_items_without_lead(package: Mapping[str, bytes]) -> None:
    responsibilities = _csv(package, "responsibilities")
    led = {row["subject_id"] for row in responsibilities if row["role"] == "lead"}
    named = Counter(row["subject_id"] for row in responsibilities)
    expected = {item_id: named[item_id] for item_id, _, _ in _items(package) if item_id not in led}
    rows = _view(_open(package), "items_without_lead")
    assert {r["id"]: r["assigned"] for r in rows} == expected


def test_items_without_lead_on_the_reference(reference: Mapping[str, bytes]) -> None:
    rows = _view(_open(reference), "items_without_lead")
    assert "task_1" in {r["id"] for r in rows}  # 财政部、人民银行 etc. share it; nobody leads
    assert len(rows) == 58  # 22 of the 25 tasks and 36 of the 73 measures


def test_every_view_is_described() -> None:
    assert set(VIEWS) == {
        "work_items",
        "assignments",
        "agency_roles",
        "deadlines_by_month",
        "items_without_lead",
    }
    assert all(description for description, _ in VIEWS.values())


# --- bytes ------------------------------------------------------------------------------------


def test_the_same_files_give_the_same_bytes(reference: Mapping[str, bytes]) -> None:
    first = database_bytes(reference)
    assert database_bytes(dict(reversed(list(reference.items())))) == first
    assert first[16:18] == (4096).to_bytes(2, "big")  # the page size, fixed
    # another interpreter, another hash seed
    code = (
        "import hashlib, sys; from pathlib import Path\n"
        "from fgf_opendata.build import package_outputs\n"
        "from fgf_opendata.tabular.database import database_bytes\n"
        "files = package_outputs(Path(sys.argv[1]).read_text(encoding='utf-8')).files\n"
        "print(hashlib.sha256(database_bytes(files)).hexdigest())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(REFERENCE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert done.stdout.strip() == hashlib.sha256(first).hexdigest()


# --- Datasette --------------------------------------------------------------------------------


def test_metadata_names_licence_source_and_columns(reference: Mapping[str, bytes]) -> None:
    metadata = datasette_metadata(reference)
    descriptor = json.loads(reference["datapackage.json"])
    assert metadata["license"] == "Creative Commons Attribution 4.0"
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert metadata["source_url"] == descriptor["sources"][0]["path"]
    tables = metadata["databases"]["plan"]["tables"]
    assert set(tables) == set(TABLES) | set(VIEWS)
    for table, schema in _schemas(reference).items():
        assert tables[table]["columns"] == {f["name"]: f["description"] for f in schema["fields"]}
    json.dumps(metadata)  # what metadata.json is written from


def test_metadata_of_a_corpus(corpus: Mapping[str, bytes]) -> None:
    metadata = datasette_metadata(corpus, database="corpus")
    assert metadata["license"] == "Creative Commons Attribution 4.0"
    assert "source" not in metadata  # a corpus has one source per plan, in its plans table
    assert set(metadata["databases"]["corpus"]["tables"]) == set(TABLES) | set(VIEWS)


def test_datasette_serves_the_database_with_its_metadata(
    reference: Mapping[str, bytes], tmp_path: Path
) -> None:
    from datasette.app import Datasette
    from markupsafe import escape

    path = tmp_path / "plan.sqlite"
    path.write_bytes(database_bytes(reference))
    metadata = datasette_metadata(reference)
    description = metadata["databases"]["plan"]["tables"]["tasks"]["columns"]["text"]

    async def visit() -> None:
        datasette = Datasette([str(path)], metadata=metadata)
        await datasette.invoke_startup()
        client = datasette.client
        roles = await client.get("/plan/agency_roles.json?_shape=array")
        assert roles.status_code == 200
        assert roles.json()[0]["agency_id"] == "gosc"
        found = await client.get("/plan/tasks.json?_search=常态化财政资金&_shape=array")
        assert found.status_code == 200
        assert [row["id"] for row in found.json()] == ["task_1"]
        page = await client.get("/plan/tasks")
        assert page.status_code == 200
        assert "Creative Commons Attribution 4.0" in page.text
        # the column descriptions, as Datasette lists them under the table's title
        assert f"<dt>text</dt><dd>{escape(description)}</dd>" in page.text
        served = (await client.get("/-/metadata.json")).json()
        assert served["license_url"] == "https://creativecommons.org/licenses/by/4.0/"

    asyncio.run(visit())
