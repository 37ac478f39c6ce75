"""Fuzzing `fgf validate`: a damaged package gives findings or an `FgfError`, never a crash.

A valid package of a small synthetic plan (RDF files included) is damaged at random: CSV rows
blanked, shortened, extended, dropped or doubled, cells replaced by hostile values, JSON values
replaced by deep nesting, long integers or wrong types, Turtle given deep lists, any file cut
short, sprinkled with bytes, removed or replaced by a link out of the package, stray files
added. Whatever comes out, `validate_package` returns a report or raises `FgfError`, and the
`fgf validate` command says the same (exit 0 valid, 1 invalid, 2 unreadable; never 3). Every
finding carries a kebab-case code and names where it is; nothing read through a link out of
the package is quoted.

The default run tries a few examples, derandomised; the slow run (`-m slow`, in CI) many more.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fgf_opendata.build import build_package
from fgf_opendata.cli import main
from fgf_opendata.errors import FgfError
from fgf_opendata.parsing import render_plan
from fgf_opendata.tabular.gates import linked_findings, validate_package
from strategies import synthetic_plan

SECRET = "root:x:0:0:root:/root:/bin/bash"
CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
HOSTILE = "\u0000hostile\u0000"

# Raw JSON texts that replace a value: what crashed the readers, and wrong types.
HOSTILE_JSON = (
    "[" * 5000 + "]" * 5000,
    '{"a": ' * 200 + "1" + "}" * 200,
    "9" * 5000,
    "-" + "9" * 4301,
    "1e999",
    "NaN",
    "null",
    '""',
    "[]",
    "{}",
    "true",
    "-1",
    '"(["',
    '"../../../etc/passwd"',
    '"/etc/passwd"',
    '"https://127.0.0.1:9/x.csv"',
)
# Cells that are out of type, of range, huge or of awkward characters.
HOSTILE_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "9" * 5000,
            "-1",
            "2021-02-30",
            "task_1",
            "sec_1",
            "x" * 140_000,
            '"',
            "a\rb",
            "a\r\nb",
            "\u2028",
            "\x85",
            "\x00",
            "true",
            "NaN",
        ]
    ),
    st.text(max_size=12),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid package of a small synthetic plan, RDF files included (fast to validate)."""
    text = render_plan(synthetic_plan(3, size=0.05))
    target = tmp_path_factory.mktemp("fuzz-base") / "pkg"
    assert build_package(text, target).written
    assert validate_package(target, linked=True).valid
    return target


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _csv_rows(data: bytes) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None


def _mutate_csv(data: bytes, draw: st.DrawFn) -> bytes:
    rows = _csv_rows(data)
    if not rows:
        return data
    index = draw(st.integers(0, len(rows) - 1))
    row = rows[index]
    kind = draw(st.sampled_from(["blank", "shorten", "extend", "cell", "drop", "double"]))
    if kind == "blank":
        rows[index] = []
    elif kind == "shorten":
        rows[index] = row[: draw(st.integers(0, max(len(row) - 1, 0)))]
    elif kind == "extend":
        rows[index] = row + draw(st.lists(HOSTILE_CELLS, min_size=1, max_size=3))
    elif kind == "cell" and row:
        row[draw(st.integers(0, len(row) - 1))] = draw(HOSTILE_CELLS)
    elif kind == "drop":
        del rows[index]
    else:
        rows.insert(index, list(row))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (bounded: JSON-LD can be large)."""
    found = [prefix]
    if len(prefix) < 6 and isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in list(items)[:40]:
            found.extend(_paths(child, (*prefix, key)))
    return found


def _mutate_json(data: bytes, draw: st.DrawFn) -> bytes:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # damaged already, by an earlier draw of this example
        return data
    path = draw(st.sampled_from(_paths(document)))
    if not path:
        return draw(st.sampled_from(HOSTILE_JSON)).encode("utf-8")
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    parent[path[-1]] = HOSTILE
    text = json.dumps(document, ensure_ascii=False)
    return text.replace(json.dumps(HOSTILE), draw(st.sampled_from(HOSTILE_JSON))).encode("utf-8")


def _mutate_turtle(data: bytes, draw: st.DrawFn) -> bytes:
    at = draw(st.integers(0, len(data)))
    insert = draw(st.sampled_from([b"( " * 5000 + b") " * 5000, b"[ " * 3000, b'"""', b"@prefix"]))
    return data[:at] + insert + data[at:]


def _mutate(folder: Path, outside: Path, draw: st.DrawFn) -> None:
    name = draw(st.sampled_from(_files(folder)))
    path = folder / name
    kind = draw(st.sampled_from(["content", "content", "content", "truncate", "bytes", "files"]))
    if kind == "files":
        action = draw(st.sampled_from(["remove", "link-out", "stray", "stray-link"]))
        if action in ("remove", "link-out"):
            path.unlink()
        if action == "link-out":
            path.symlink_to(outside / "secret")
        elif action == "stray":
            (folder / "stray.csv").write_bytes(draw(st.binary(max_size=30)))
        elif action == "stray-link":
            (folder / "linked" / "extra.ttl").symlink_to(outside / "secret")
        return
    data = path.read_bytes()
    if kind == "truncate":
        path.write_bytes(data[: draw(st.integers(0, max(len(data) - 1, 0)))])
    elif kind == "bytes":
        at = draw(st.integers(0, len(data)))
        path.write_bytes(data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:])
    elif name.endswith(".csv"):
        path.write_bytes(_mutate_csv(data, draw))
    elif name.endswith((".json", ".jsonld")):
        path.write_bytes(_mutate_json(data, draw))
    elif name.endswith(".ttl"):
        path.write_bytes(_mutate_turtle(data, draw))


def _rehash(folder: Path) -> None:
    """Records the damaged files' sizes and hashes, so the gates behind the hash look deeper."""
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        resources = [r for r in descriptor["resources"] if isinstance(r, dict)]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return  # the descriptor itself was damaged past reading: nothing to re-hash
    for resource in resources:
        path = folder / str(resource.get("path"))
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    text = json.dumps(descriptor, ensure_ascii=False, indent=2)
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _check(base: Path, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        outside = Path(scratch) / "outside"
        outside.mkdir()
        (outside / "secret").write_text(f"id\n{SECRET}\n", encoding="utf-8")
        package = Path(scratch) / "pkg"
        shutil.copytree(base, package)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            _mutate(package, outside, data.draw)
        if data.draw(st.booleans(), label="rehash"):
            _rehash(package)

        try:
            report = validate_package(package, linked=True)
        except FgfError as exc:
            expected, shown = getattr(exc, "exit_code", 2), str(exc)
        else:
            expected = 0 if report.valid else 1
            shown = "\n".join(f.message for f in report.findings)
            for finding in report.findings:
                assert CODE.fullmatch(finding.code), finding
                assert finding.where, finding
        assert SECRET not in shown
        result = CliRunner().invoke(main, ["validate", str(package)])
        assert result.exit_code == expected, (result.exit_code, result.stderr[-500:])
        assert SECRET not in result.stdout + result.stderr


# Damage the fuzzer found to crash rdflib (IndexError, AssertionError, UnboundLocalError, a
# bare Exception from an IRI with spaces): the file, and what becomes of its bytes.
FOUND: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "catalog cut to one byte": ("linked/catalog.ttl", lambda data: data[:1]),
    "plan.ttl cut to one byte": ("linked/plan.ttl", lambda data: data[:1]),
    "plan.ttl cut at 1715": ("linked/plan.ttl", lambda data: data[:1715]),
    "plan.ttl cut at 5567": ("linked/plan.ttl", lambda data: data[:5567]),
    "plan.ttl cut at 9384": ("linked/plan.ttl", lambda data: data[:9384]),
    "deep list in an IRI": (
        "linked/plan.ttl",
        lambda data: data[:60] + b"( " * 5000 + b") " * 5000 + data[60:],
    ),
    "JSON-LD that is true": ("linked/plan.jsonld", lambda data: b"true"),
    "JSON-LD that is null": ("linked/plan.jsonld", lambda data: b"null"),
}


@pytest.mark.parametrize("case", FOUND)
def test_damaged_rdf_files_are_findings(base: Path, tmp_path: Path, case: str) -> None:
    name, damage = FOUND[case]
    package = tmp_path / "pkg"
    shutil.copytree(base, package)
    (package / name).write_bytes(damage((package / name).read_bytes()))
    findings = linked_findings(package)
    assert "linked-file-unreadable" in {f.code for f in findings}


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_damaged_package_gives_findings_or_a_clear_error(base: Path, data: st.DataObject) -> None:
    _check(base, data)


@pytest.mark.slow
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_many_damaged_packages_give_findings_or_a_clear_error(
    base: Path, data: st.DataObject
) -> None:
    _check(base, data)
