"""`fileset.FileSet`: a build writes each file as it is made and keeps only its size and sha256;
what needs only those (descriptor, catalogue, landing page, `--check`) never reads the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fgf_opendata.build import compare_files, package_outputs
from fgf_opendata.errors import ExportError
from fgf_opendata.fileset import FileSet, file_stat, overlay, stat_of
from fgf_opendata.linked.outputs import linked_outputs, write_linked
from fgf_opendata.model import Plan
from fgf_opendata.publication import PLAN_JSONLD, PLAN_TURTLE


@pytest.mark.parametrize("in_folder", [True, False])
def test_a_file_set_records_what_it_wrote(tmp_path: Path, in_folder: bool) -> None:
    files = FileSet(tmp_path if in_folder else None)
    files.add("b/two.txt", (b"tw", b"o"))
    files.add("a.csv", b"one")
    with files.writer("c.ttl") as out:
        out.write(b"three")
    assert list(files) == ["a.csv", "b/two.txt", "c.ttl"]
    assert dict(files.items()) == {"a.csv": b"one", "b/two.txt": b"two", "c.ttl": b"three"}
    assert files.stat("b/two.txt") == file_stat(b"two")
    assert files.stat("c.ttl") == (5, f"sha256:{hashlib.sha256(b'three').hexdigest()}")
    assert "a.csv" in files
    assert "d.csv" not in files
    if in_folder:
        assert (tmp_path / "b" / "two.txt").read_bytes() == b"two"
    with files.reader("c.ttl") as handle:
        assert handle.read() == b"three"


@pytest.mark.parametrize("path", ["a.csv", "../x", "/abs", "a/./b", "c:x", ""])
def test_a_file_set_refuses_a_second_or_unsafe_path(tmp_path: Path, path: str) -> None:
    files = FileSet(tmp_path)
    files.add("a.csv", b"one")
    with pytest.raises(ExportError, match=r"cannot be a file of the package|made twice"):
        files.add(path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_sizes_and_checksums_come_without_reading_the_files(tmp_path: Path) -> None:
    files = FileSet(tmp_path)
    files.add("a.csv", b"one")
    (tmp_path / "a.csv").unlink()  # reading it now would fail
    view = overlay({"later.html": None, "b.txt": b"bb"}, files)
    assert stat_of(view, "a.csv") == file_stat(b"one")
    assert stat_of(view, "later.html") is None
    assert stat_of(view, "b.txt") == file_stat(b"bb")
    assert list(view) == ["a.csv", "b.txt", "later.html"]
    with pytest.raises(KeyError):
        stat_of(view, "c.csv")


def test_write_linked_writes_what_linked_outputs_returns(
    tmp_path: Path, reference_plan: Plan, reference_text: str
) -> None:
    made = package_outputs(reference_text, linked=lambda *_: {}).files
    into = FileSet(tmp_path)
    write_linked(reference_plan, None, made, into)
    assert dict(into.items()) == linked_outputs(reference_plan, None, made)
    assert {PLAN_TURTLE, PLAN_JSONLD} <= set(into)


def test_compare_files_compares_the_checksums(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "a.csv").write_bytes(b"one")
    (package / "b.csv").write_bytes(b"two")
    (package / "c.csv").write_bytes(b"x")
    files = FileSet(tmp_path / "new")
    (tmp_path / "new").mkdir()
    files.add("a.csv", b"one")
    files.add("b.csv", b"twO")  # same size, other bytes
    files.add("d.csv", b"d")
    expected = {("b.csv", "differs"), ("c.csv", "extra"), ("d.csv", "missing")}
    assert {(s.path, s.status) for s in compare_files(files, package)} == expected
    in_memory = {"a.csv": b"one", "b.csv": b"twO", "d.csv": b"d"}
    assert {(s.path, s.status) for s in compare_files(in_memory, package)} == expected
