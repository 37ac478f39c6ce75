"""Fault injection: the output folder attacks of issue 16, as data (see tests/faults.py).

Every case runs the installed command line in a child process and asserts its exit code and
message, that no file outside what the tool writes is lost or changed, that no temporary
folder is left, and that it ends within its bound. `unprivileged` cases run without root's
permission overrides, so read-only and foreign-owned folders bind in CI (which runs as root)
as they do for a user. Add a case by appending a `FaultCase` to one of the lists.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from faults import (
    Check,
    FaultCase,
    built,
    chown_tree,
    copy_tree,
    debris_holds,
    is_debris,
    mode,
    no_debris,
    run,
    run_case,
    source,
    steps,
    write,
)

pytestmark = pytest.mark.slow

NEW_TEXT = ("完善常态化财政资金直达机制", "健全常态化财政资金直达机制")


def _foreign_package(name: str) -> FaultCase:
    return FaultCase(
        name=f"foreign files in -o {name}",
        setup=steps(
            write(f"{name}/.git/HEAD", "ref: refs/heads/main\n"),
            write(f"{name}/important.txt"),
            write(f"{name}/datapackage.json", "{}\n"),
        ),
        args=("build", "-o", name),
        exit=2,
        message="is not a data package folder fgf wrote",
        survive=(name,),
    )


def _package_is_fresh(name: str, *sources: str) -> Check:
    def check(work: Path) -> None:
        done = run(["build", *sources, "--check", "-o", name], work, bound=60)
        assert done.code == 0, done.stdout + done.stderr

    return check


FOLDER_CASES = [
    _foreign_package("p"),
    FaultCase(
        name="foreign files in -o .",
        setup=steps(write(".git/HEAD", "ref\n"), write("important.txt"), write("datapackage.json")),
        args=("build", "-o", "."),
        exit=2,
        message="not replacing it",
        survive=(".git", "important.txt", "datapackage.json"),
    ),
    FaultCase(
        name="a stray file in a package fgf wrote",
        setup=steps(built("pkg"), write("pkg/linked/notes.md")),
        args=("build", "-o", "pkg"),
        exit=2,
        message="linked/notes.md",
        survive=("pkg",),
    ),
    FaultCase(
        name="another tool's package",
        setup=steps(write("pkg/datapackage.json", json.dumps({"resources": [{"path": "a.csv"}]}))),
        args=("build", "-o", "pkg"),
        exit=2,
        message="not replacing it",
        survive=("pkg",),
    ),
    FaultCase(
        name="-o a symlink to a folder",
        setup=steps(write("real/keep.txt"), lambda work: (work / "link").symlink_to("real")),
        args=("build", "-o", "link"),
        exit=2,
        message="is a symbolic link",
        survive=("real", "link"),
    ),
    FaultCase(
        name="-o a file",
        setup=write("notes.txt"),
        args=("build", "-o", "notes.txt"),
        exit=2,
        message="is a file",
        survive=("notes.txt",),
    ),
    FaultCase(
        name="a corpus build into a foreign folder",
        setup=steps(source("a.txt"), source("b.txt"), write("p/important.txt")),
        args=("build", "a.txt", "b.txt", "-o", "p"),
        exit=2,
        message="important.txt",
        survive=("p",),
    ),
    FaultCase(
        name="rebuild of a package fgf wrote",
        setup=steps(built("pkg"), source("new.txt", *NEW_TEXT)),
        args=("build", "new.txt", "-o", "pkg"),
        exit=0,
        message="wrote pkg",
        may_change=("pkg",),
        check=_package_is_fresh("pkg", "new.txt"),
    ),
    FaultCase(
        name="rebuild of a corpus package fgf wrote",
        setup=steps(source("a.txt"), source("b.txt", *NEW_TEXT), built("c", "a.txt", "b.txt")),
        args=("build", "a.txt", "b.txt", "-o", "c"),
        exit=0,
        message="wrote c (1 plan, 1 skipped)",
        may_change=("c",),
    ),
]

PERMISSION_CASES = [
    FaultCase(
        name="build into a read-only parent",
        setup=steps(write("ro/keep.txt"), mode("ro", 0o555)),
        args=("build", "-o", "ro/pkg"),
        exit=2,
        message="ro",
        survive=("ro",),
        unprivileged=True,
    ),
    FaultCase(
        name="rebuild of a package in a read-only parent",
        setup=steps(built("ro/pkg"), mode("ro", 0o555)),
        args=("build", "-o", "ro/pkg"),
        exit=2,
        message="/ro",
        survive=("ro",),
        unprivileged=True,
    ),
    FaultCase(
        name="parse -o into a read-only folder",
        setup=steps(write("ro/keep.txt"), mode("ro", 0o555)),
        args=("parse", "-o", "ro/plan.json"),
        exit=2,
        message="ro",
        survive=("ro",),
        unprivileged=True,
    ),
    FaultCase(
        name="schema -o into a read-only folder",
        setup=steps(write("ro/keep.txt"), mode("ro", 0o555)),
        args=("schema", "-o", "ro/schemas"),
        exit=2,
        message="ro",
        survive=("ro",),
        unprivileged=True,
    ),
    FaultCase(
        name="schema -o a read-only schemas folder",
        setup=steps(write("schemas/keep.txt"), mode("schemas", 0o555)),
        args=("schema", "-o", "schemas"),
        exit=2,
        message="schemas",
        survive=("schemas",),
        unprivileged=True,
    ),
    FaultCase(
        name="rebuild of a read-only package",
        setup=steps(built("pkg"), mode("pkg", 0o555)),
        args=("build", "-o", "pkg"),
        exit=2,
        message="pkg",
        survive=("pkg",),
        unprivileged=True,
    ),
    FaultCase(
        name="rebuild of a package with a read-only subfolder",
        setup=steps(built("pkg"), mode("pkg/linked", 0o555)),
        args=("build", "-o", "pkg"),
        exit=2,
        message="pkg/linked",
        survive=("pkg",),
        unprivileged=True,
    ),
    FaultCase(
        name="rebuild of a package another user owns",
        setup=steps(built("pkg"), chown_tree("pkg")),
        args=("build", "-o", "pkg"),
        exit=2,
        message="pkg",
        survive=("pkg",),
        unprivileged=True,
    ),
    FaultCase(
        name="a corpus build into a read-only parent",
        setup=steps(source("a.txt"), write("ro/keep.txt"), mode("ro", 0o555)),
        args=("build", "a.txt", "a.txt", "-o", "ro/c"),
        exit=2,
        message="ro",
        survive=("ro",),
        unprivileged=True,
    ),
    FaultCase(
        name="root may rebuild a read-only package",
        setup=steps(built("pkg"), mode("pkg", 0o555)),
        args=("build", "-o", "pkg"),
        exit=0,
        may_change=("pkg",),
        check=_package_is_fresh("pkg"),
    ),
]


@pytest.mark.parametrize("case", FOLDER_CASES + PERMISSION_CASES, ids=lambda case: case.name)
def test_fault(case: FaultCase, tmp_path: Path) -> None:
    run_case(case, tmp_path / "work")


# --- SIGKILL during builds --------------------------------------------------------------------


def _old_or_new(work: Path) -> None:
    """After a kill, pkg is the old package or the new one, complete."""
    old = run(["build", "--check", "-o", "pkg"], work)
    new = run(["build", "new.txt", "--check", "-o", "pkg"], work)
    assert 0 in (old.code, new.code), old.stdout + new.stdout


KILL_CASES = (
    [
        FaultCase(
            name=f"SIGKILL after {delay:.2f} s of a rebuild",
            setup=steps(built("pkg"), source("new.txt", *NEW_TEXT)),
            args=("build", "--quiet", "new.txt", "-o", "pkg"),
            exit=None,
            may_change=("pkg",),
            kill_after=delay,
            debris=True,
            check=_old_or_new,
        )
        for delay in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8)
    ]
    + [
        FaultCase(
            name=f"SIGKILL once the new package holds {path}",
            setup=steps(built("pkg"), source("new.txt", *NEW_TEXT)),
            args=("build", "--quiet", "new.txt", "-o", "pkg"),
            exit=None,
            may_change=("pkg",),
            kill_when=debris_holds(path),
            debris=True,
            check=_old_or_new,
        )
        for path in ("agencies.csv", "linked/plan.ttl", "tasks.csv")
    ]
    + [
        FaultCase(
            name="SIGKILL once a corpus build holds its first plan",
            setup=steps(source("new.txt", *NEW_TEXT), *(source(f"s/{i}.txt") for i in range(6))),
            args=("build", "--quiet", "s", "new.txt", "-o", "pkg"),
            exit=None,
            kill_when=debris_holds("plans/guobanfa-2021-25.json"),
            debris=True,
            check=lambda work: None,
        )
    ]
)


@pytest.mark.parametrize("case", KILL_CASES, ids=lambda case: case.name)
def test_kill_then_rebuild_cleans_up(case: FaultCase, tmp_path: Path) -> None:
    work = tmp_path / "work"
    run_case(case, work)
    again = run(["build", "--quiet", "new.txt", "-o", "pkg"], work)
    assert again.code == 0, again.stderr
    no_debris(work)


def test_twenty_killed_corpus_builds_leave_nothing_behind(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    sources = work / "sources"
    sources.mkdir()
    for i in range(12):
        source(f"sources/plan-{i:02}.txt")(work)
    first = run(["build", "--quiet", "sources", "-o", "corpus"], work, bound=120)
    assert first.code == 0, first.stderr
    rng = random.Random(16)
    left = 0
    for _ in range(20):
        run(["build", "--quiet", "sources", "-o", "corpus"], work, kill_after=rng.uniform(0.1, 1.5))
        left = max(left, sum(is_debris(p.name) for p in work.iterdir()))
        assert (work / "corpus" / "datapackage.json").is_file()
    assert left <= 1  # each build removes what the previous kill left: never one more per kill
    again = run(["build", "--quiet", "sources", "-o", "corpus"], work, bound=120)
    assert again.code == 0, again.stderr
    no_debris(work)
    assert sorted(p.name for p in work.iterdir()) == ["corpus", "sources"]


def test_a_case_copies_its_setup(tmp_path: Path) -> None:
    """The helpers themselves: a copied tree is compared byte for byte."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("a", encoding="utf-8")
    case = FaultCase(
        name="version",
        setup=copy_tree(tmp_path / "src", "copy"),
        args=("--version",),
        exit=0,
        message="fgf",
        survive=("copy",),
    )
    run_case(case, tmp_path / "work")
    assert (tmp_path / "work" / "copy" / "a.txt").read_text(encoding="utf-8") == "a"
