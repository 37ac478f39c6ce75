"""A build that cannot write is a clean error (exit 2, naming the path) that leaves the old
package as it was and no temporary folder behind.

Permission errors are injected at each step of `fgf build`, `parse -o` and `schema -o` by
making one os function raise, so they bind as root too; tests/test_fault_injection.py runs the
same situations for real, with read-only and foreign-owned folders and root's overrides
dropped.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from faults import snapshot
from fgf_opendata import files, fileset
from fgf_opendata.cli import main

BUILD = [sys.executable, "-m", "fgf_opendata", "build", "--quiet", "--no-site"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "pkg"
    subprocess.run([*BUILD, "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out" / "pkg"
    shutil.copytree(built, target)
    return target


def _denied(*_: object, **__: object) -> None:
    raise PermissionError(errno.EACCES, "Permission denied", "/injected")


@dataclass(frozen=True)
class Step:
    """Where the injected error strikes: `patch` installs it and returns a restore."""

    name: str
    patch: Callable[[pytest.MonkeyPatch], None]


def _after_swap(monkeypatch: pytest.MonkeyPatch, attr: str, module: object = os) -> None:
    """`module.attr` fails from the first swap to the next (the old package is in the
    temporary folder then)."""
    exchange, real = files._exchange, getattr(module, attr)
    swapped = [False]

    def spy(a: Path, b: Path) -> bool:
        done = exchange(a, b)
        swapped[0] = not swapped[0]
        return done

    def maybe(*args: object, **kwargs: object) -> object:
        if swapped[0]:
            _denied()
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "_exchange", spy)
    monkeypatch.setattr(module, attr, maybe)


def _read_only(name: str) -> Callable[[pytest.MonkeyPatch], None]:
    """os.access says a folder called `name` may not be written to."""

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = os.access

        def access(path: str | Path, mode: int, **kwargs: object) -> bool:
            if Path(path).name == name and mode & os.W_OK:
                return False
            return real(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)

    return patch


def _writes_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    """A package's file cannot be written: opened by `FileSet` (a plan), synced by the corpus's
    writer (a corpus)."""
    monkeypatch.setattr(fileset, "open", _denied, raising=False)
    monkeypatch.setattr(os, "fsync", _denied)


BUILD_STEPS = [
    Step("make the temporary folder", lambda m: m.setattr(tempfile, "mkdtemp", _denied)),
    Step("write a file", lambda m: _writes_denied(m)),
    Step("sync the folder", lambda m: m.setattr(files, "sync_folder", _denied)),
    Step("set the folder's mode", lambda m: m.setattr(os, "chmod", _denied)),
    Step("swap", lambda m: m.setattr(files, "_exchange", _denied)),
    Step("a read-only parent", _read_only("out")),
    Step("a read-only package", _read_only("pkg")),
    Step("a read-only folder in the package", _read_only("linked")),
    # The old package turned read-only after the check: it cannot even be marked for deletion.
    Step("mark the old package", lambda m: _after_swap(m, "_mark", files)),
]


@pytest.mark.parametrize("step", BUILD_STEPS, ids=lambda step: step.name)
def test_a_permission_error_leaves_the_old_package(
    step: Step, package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(package.parent)
    step.patch(monkeypatch)
    result = CliRunner().invoke(main, ["build", "-o", str(package)])
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("fgf: error: ")
    assert "Permission denied" in result.stderr
    assert str(package) in result.stderr
    assert snapshot(package.parent) == before  # the old package, and nothing else


@pytest.mark.parametrize("step", BUILD_STEPS[:3], ids=lambda step: step.name)
def test_a_permission_error_in_a_new_folder_leaves_nothing(
    step: Step, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step.patch(monkeypatch)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "pkg")])
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", BUILD_STEPS[:4], ids=lambda step: step.name)
def test_a_permission_error_in_a_corpus_build_leaves_the_old_package(
    step: Step, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import REFERENCE

    shutil.copy(REFERENCE, tmp_path / "a.txt")
    target = tmp_path / "out" / "c"
    runner = CliRunner()
    args = ["build", "--quiet", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"), "-o"]
    assert runner.invoke(main, [*args, str(target)]).exit_code == 0
    before = snapshot(target.parent)
    step.patch(monkeypatch)
    result = runner.invoke(main, [*args, str(target)])
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    assert str(target) in result.stderr
    assert snapshot(target.parent) == before


@pytest.fixture
def unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder in which making a file is denied (as a read-only folder would be)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    real = tempfile.mkstemp

    def mkstemp(*args: object, dir: str | Path | None = None, **kwargs: object) -> object:
        if dir is not None and Path(dir).is_relative_to(folder):
            _denied()
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return folder


def test_parse_into_an_unwritable_folder_is_a_clean_error(unwritable_folder: Path) -> None:
    result = CliRunner().invoke(main, ["parse", "-o", str(unwritable_folder / "plan.json")])
    assert result.exit_code == 2, result.stderr
    assert f"cannot write {unwritable_folder / 'plan.json'}" in result.stderr
    assert list(unwritable_folder.iterdir()) == []


def test_schema_into_an_unwritable_folder_is_a_clean_error(unwritable_folder: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "-o", str(unwritable_folder)])
    assert result.exit_code == 2, result.stderr
    assert f"cannot write {unwritable_folder}" in result.stderr
    assert list(unwritable_folder.iterdir()) == []


def test_a_failed_rename_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", _denied)
    result = CliRunner().invoke(main, ["parse", "-o", str(tmp_path / "plan.json")])
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unremovable_names_the_first_folder_that_blocks(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert files.unremovable(package) is None
    _read_only("linked")(monkeypatch)
    assert files.unremovable(package) == package / "linked"


# `fgf build -o PACKAGE` in which deleting in a folder `linked` other than the package's own
# is denied: the old package's, after the swap.
DENIED_IN_OLD_LINKED = """
import os, sys
from pathlib import Path
from fgf_opendata.cli import main

package, real = Path(sys.argv[1]), os.unlink

def unlink(path, *args, **kwargs):
    folder = Path(path).parent
    if folder.name == "linked" and folder.parent != package:
        raise PermissionError(13, "Permission denied", str(path))
    real(path, *args, **kwargs)

os.unlink = unlink
main(["build", "-o", str(package)])
"""


def test_a_deletion_that_fails_midway_keeps_the_new_package_and_is_cleaned_next_time(
    package: Path,
) -> None:
    """A folder of the old package turned read-only after the check (a race): the new
    package stays, the rest of the old one is left marked, and the next build removes it."""
    done = subprocess.run(
        [sys.executable, "-c", DENIED_IN_OLD_LINKED, str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "the next build removes it" in done.stderr
    left = [p for p in package.parent.iterdir() if p != package]
    assert len(left) == 1
    assert (left[0] / files.MARKER).is_file()
    assert CliRunner().invoke(main, ["build", "--check", "-o", str(package)]).exit_code == 0
    subprocess.run([*BUILD, "-o", str(package)], check=True)
    assert list(package.parent.iterdir()) == [package]
