"""A killed `fgf build` leaves the previous package or the new one on disk, never a mix.

The build runs in a child process and gets SIGKILL at random moments (seeded, so a failure
reproduces); after each kill the output folder must hash like the old package or like a
complete new one, and the next build removes any temporary folder the kill left.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REFERENCE

BUILD = [sys.executable, "-m", "fgf_opendata", "build", "--quiet", "--no-site"]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(source: Path, out: Path) -> None:
    subprocess.run([*BUILD, str(source), "-o", str(out)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def two_packages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The reference package (old) and one of a reworded copy (new), built once."""
    work = tmp_path_factory.mktemp("atomic")
    old_src, new_src = work / "old.txt", work / "new.txt"
    old_src.write_bytes(REFERENCE.read_bytes())
    text = REFERENCE.read_text(encoding="utf-8")
    new_src.write_text(
        text.replace("完善常态化财政资金直达机制", "健全常态化财政资金直达机制", 1),
        encoding="utf-8",
    )
    old_pkg, new_pkg = work / "old-pkg", work / "new-pkg"
    _build(old_src, old_pkg)
    _build(new_src, new_pkg)
    assert _digest(old_pkg) != _digest(new_pkg)
    return new_src, old_pkg, new_pkg


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_old_or_new(
    two_packages: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    new_src, old_pkg, new_pkg = two_packages
    old, new = _digest(old_pkg), _digest(new_pkg)
    # How long a whole build takes here, to spread the kills over it.
    start = time.perf_counter()
    _build(new_src, tmp_path / "timing")
    full = time.perf_counter() - start
    rng = random.Random(20210711)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(12):
        target = tmp_path / f"pkg-{attempt}"
        shutil.copytree(old_pkg, target)
        proc = subprocess.Popen(
            [*BUILD, str(new_src), "-o", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, full * 1.1))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        state = _digest(target)
        assert state in (old, new), f"attempt {attempt}: a mix of old and new files"
        outcomes["old" if state == old else "new"] += 1
        # A temporary folder may be left beside the target, never in place of it; the next
        # build into the target removes it.
        left = [p for p in tmp_path.iterdir() if p.name.startswith(f".{target.name}.")]
        assert all(p.name.startswith(f".{target.name}.new-") for p in left), left
        if left:
            _build(new_src, target)
            assert [p for p in tmp_path.iterdir() if p.name.startswith(f".{target.name}.")] == []
            assert _digest(target) == new
    assert outcomes["old"] + outcomes["new"] == 12


def test_failed_build_leaves_previous_package_byte_identical(
    two_packages: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, old_pkg, _ = two_packages
    target = tmp_path / "pkg"
    shutil.copytree(old_pkg, target)
    broken = tmp_path / "broken.txt"
    broken.write_text(
        REFERENCE.read_text(encoding="utf-8").replace("（二）充分调动", "（三）充分调动", 1),
        encoding="utf-8",
    )
    done = subprocess.run(
        [*BUILD, str(broken), "-o", str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "expected （二）" in done.stderr
    assert _digest(target) == _digest(old_pkg)
