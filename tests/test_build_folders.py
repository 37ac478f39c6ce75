"""Which folders `fgf build -o DIR` may replace, and the temporary folders it cleans up.

A build replaces DIR only when it is nothing yet, an empty folder, or a package fgf wrote: its
datapackage.json names fgf-opendata as publisher and every entry of the folder is that
descriptor or a file it lists. Anything else is refused, naming the first foreign entry, and
not one file is touched. Temporary folders beside DIR (`.DIR.new-PID-*`) that a killed build
left are removed by the next build, but only when they are recognisably its own and their
process is gone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REFERENCE
from fgf_opendata import files
from fgf_opendata.cli import main
from fgf_opendata.errors import ExportError

BUILD = [sys.executable, "-m", "fgf_opendata", "build", "--quiet", "--no-site"]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder`: file bytes, or None for a folder."""
    return {
        p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package written by `fgf build` (the reference plan), read-only for the tests."""
    out = tmp_path_factory.mktemp("built") / "pkg"
    subprocess.run([*BUILD, "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(built, target)
    return target


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--quiet", *args])
    return result.exit_code, result.stderr


# --- the folder rule --------------------------------------------------------------------------


def test_a_folder_with_a_foreign_descriptor_is_refused_and_untouched(tmp_path: Path) -> None:
    p = tmp_path / "p"
    (p / ".git").mkdir(parents=True)
    (p / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (p / "important.txt").write_text("keep\n", encoding="utf-8")
    (p / "datapackage.json").write_text("{}\n", encoding="utf-8")
    before = _snapshot(p)
    code, err = _build("-o", str(p))
    assert code == 2, err
    assert str(p) in err
    assert ".git" in err
    assert "not replacing it" in err
    assert _snapshot(p) == before


def test_the_current_folder_is_refused_when_it_holds_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "important.txt").write_text("keep\n", encoding="utf-8")
    (tmp_path / "datapackage.json").write_text("{}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    code, err = _build("-o", ".")
    assert code == 2, err
    assert "datapackage.json" in err  # the first foreign entry, in name order
    assert _snapshot(tmp_path) == before


def test_a_package_with_one_stray_file_is_refused(package: Path) -> None:
    (package / "linked" / "notes.md").write_text("mine\n", encoding="utf-8")
    before = _snapshot(package)
    code, err = _build("-o", str(package))
    assert code == 2
    assert "linked/notes.md" in err
    assert _snapshot(package) == before


def test_another_tools_package_is_refused(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["contributors"] = [{"title": "someone else", "roles": ["publisher"]}]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    before = _snapshot(package)
    code, err = _build("-o", str(package))
    assert code == 2
    assert "not replacing it" in err
    assert _snapshot(package) == before


def test_a_symlink_inside_the_package_is_foreign(package: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("precious\n", encoding="utf-8")
    (package / "tasks.csv").unlink()
    (package / "tasks.csv").symlink_to(outside)
    code, err = _build("-o", str(package))
    assert code == 2
    assert "tasks.csv" in err
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_a_package_fgf_wrote_is_replaced(package: Path) -> None:
    (package / "tasks.csv").write_text("edited by hand\n", encoding="utf-8")
    (package / "plan.json").unlink()  # a listed file that is missing is no obstacle
    code, err = _build("-o", str(package))
    assert code == 0, err
    assert CliRunner().invoke(main, ["build", "--check", "-o", str(package)]).exit_code == 0


def test_an_empty_folder_and_a_new_path_are_fine(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert _build("-o", str(tmp_path / "empty"))[0] == 0
    assert _build("-o", str(tmp_path / "a" / "new" / "pkg"))[0] == 0
    assert (tmp_path / "a" / "new" / "pkg" / "datapackage.json").is_file()


def test_a_symlink_target_is_refused_as_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    code, err = _build("-o", str(tmp_path / "link"))
    assert code == 2
    assert "symbolic link" in err
    assert "not a folder" not in err
    assert list((tmp_path / "real").iterdir()) == []


def test_a_corpus_build_follows_the_same_rule(tmp_path: Path) -> None:
    p = tmp_path / "p"
    p.mkdir()
    (p / "important.txt").write_text("keep\n", encoding="utf-8")
    (p / "datapackage.json").write_text("{}\n", encoding="utf-8")
    before = _snapshot(p)
    shutil.copy(REFERENCE, tmp_path / "a.txt")
    shutil.copy(REFERENCE, tmp_path / "b.txt")
    code, err = _build(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(p))
    assert code == 2, err
    assert "datapackage.json" in err  # first in name order, and not written by fgf
    assert _snapshot(p) == before


def test_a_corpus_package_can_be_rebuilt(tmp_path: Path) -> None:
    shutil.copy(REFERENCE, tmp_path / "a.txt")
    out = tmp_path / "corpus"
    for _ in range(2):
        code, err = _build(str(tmp_path / "a.txt"), str(tmp_path), "-o", str(out))
        assert code == 0, err
    assert files.foreign_entry(out) is None


def test_foreign_entry_names_the_first_entry_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.txt").write_text("", encoding="utf-8")
    assert files.foreign_entry(tmp_path) == "a"
    assert files.foreign_entry(tmp_path / "missing") is None
    with pytest.raises(ExportError, match=r"not a data package folder fgf wrote \(a is not"):
        files.check_replaceable(tmp_path)


# --- stale temporary folders ------------------------------------------------------------------


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _staging(parent: Path, name: str, pid: int, *, marker: bool = True) -> Path:
    folder = parent / f".{name}.new-{pid}-abcd1234"
    folder.mkdir()
    if marker:
        (folder / files.MARKER).write_bytes(b"")
    (folder / "tasks.csv").write_bytes(b"half a table")
    (folder / "linked").mkdir()
    (folder / "linked" / "plan.ttl").write_bytes(b"@prefix")
    return folder


def test_the_next_build_removes_what_a_killed_build_left(package: Path, built: Path) -> None:
    dead = _dead_pid()
    left = _staging(package.parent, package.name, dead)
    swapped_out = package.parent / f".{package.name}.new-{dead}-zz99yy88"
    shutil.copytree(built, swapped_out)  # a kill after the swap: the previous package
    emptied = package.parent / f".{package.name}.new-{dead}-00000000"
    emptied.mkdir()  # a kill right after the folder was made
    code, err = _build("-o", str(package))
    assert code == 0, err
    assert not left.exists()
    assert not swapped_out.exists()
    assert not emptied.exists()


def test_the_cleanup_leaves_what_it_cannot_prove_is_its_own(package: Path) -> None:
    dead = _dead_pid()
    unmarked = _staging(package.parent, package.name, dead, marker=False)
    running = _staging(package.parent, package.name, os.getpid())  # a build in progress
    other = _staging(package.parent, "other", dead)  # beside another target
    legacy = package.parent / f".{package.name}.new-abcd1234"  # no pid in the name
    legacy.mkdir()
    (legacy / files.MARKER).write_bytes(b"")
    keep = package.parent / f"{package.name}.new-{dead}-abcd1234"  # not hidden: the user's
    keep.mkdir()
    (keep / files.MARKER).write_bytes(b"")
    watched = [unmarked, running, other, legacy, keep]
    before = {folder: _snapshot(folder) for folder in watched}
    code, err = _build("-o", str(package))
    assert code == 0, err
    assert {folder: _snapshot(folder) for folder in watched} == before


def test_a_refused_build_cleans_nothing(tmp_path: Path) -> None:
    p = tmp_path / "p"
    p.mkdir()
    (p / "important.txt").write_text("keep\n", encoding="utf-8")
    left = _staging(tmp_path, "p", _dead_pid())
    assert _build("-o", str(p))[0] == 2
    assert left.exists()


def test_a_build_leaves_no_temporary_folder(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    for _ in range(2):
        assert _build("-o", str(out))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


# --- messages ---------------------------------------------------------------------------------


def test_check_names_the_full_command_to_run(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["build", "--check", "-o", str(out)])
    assert result.exit_code == 1
    assert f"run `fgf build -o {out}`" in result.stdout
    source = tmp_path / "plan.txt"
    shutil.copy(REFERENCE, source)
    result = CliRunner().invoke(main, ["build", str(source), "--check", "-o", str(out)])
    assert f"run `fgf build {source} -o {out}`" in result.stdout


def test_check_of_the_default_folder_says_fgf_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 1
    assert "run `fgf build`" in result.stdout


def test_one_plan_is_one_plan(tmp_path: Path) -> None:
    shutil.copy(REFERENCE, tmp_path / "a.txt")
    (tmp_path / "memo.txt").write_text("关于召开会议的通知\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert "(1 plan, 1 skipped)" in result.stdout


def test_a_parse_error_in_a_one_source_build_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(
        REFERENCE.read_text(encoding="utf-8").replace("（二）充分调动", "（三）充分调动", 1),
        encoding="utf-8",
    )
    code, err = _build(str(broken), "-o", str(tmp_path / "pkg"))
    assert code == 2
    assert err.startswith(f"fgf: error: {broken}: line ")
