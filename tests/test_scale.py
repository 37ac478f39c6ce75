"""Cost bounds of issue 16: `fgf diff` grows linearly with the plans, `fgf build` of a source of
99,900 tasks stays within its time and memory (slow). The big sources come from
benchmarks/scale.py, which also runs them by hand."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from typing import Any

import pytest

from conftest import benchmark_module
from fgf_opendata.diff import diff_plans
from fgf_opendata.diff import matching as diff_module
from fgf_opendata.diff.matching import _Node, _windows
from fgf_opendata.memory import cycle_collection_paused
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan
from fgf_opendata.serialize import plan_to_json
from fgf_opendata.tabular.descriptor import plan_json_bytes

scale = benchmark_module("scale")


class _CountingMatcher(diff_module.SequenceMatcher):  # type: ignore[misc]
    """difflib's matcher, counting the texts it is given as a first sequence: one per pair."""

    pairs = 0

    def set_seq1(self, a: str) -> None:
        type(self).pairs += 1
        super().set_seq1(a)


@pytest.fixture
def count_pairs(monkeypatch: pytest.MonkeyPatch) -> type[_CountingMatcher]:
    _CountingMatcher.pairs = 0
    monkeypatch.setattr(diff_module, "SequenceMatcher", _CountingMatcher)
    return _CountingMatcher


def _reworded_diff(n_tasks: int, per_section: int) -> tuple[dict[str, int], int]:
    old = parse_plan(scale.tasks_source(n_tasks, per_section))
    new = parse_plan(scale.tasks_source(n_tasks, per_section, reworded=True, inserted=True))
    _CountingMatcher.pairs = 0
    summary = diff_plans(old, new).summary()
    return summary, _CountingMatcher.pairs


def test_diff_of_every_text_reworded_compares_pairs_linearly(
    count_pairs: type[_CountingMatcher],
) -> None:
    """Every task reworded and one added at the head of every section, so no task keeps its
    number: the similarity pass has every task to match. Before the bound it compared every
    old task with every new one (16 times the pairs for 4 times the tasks)."""
    small, small_pairs = _reworded_diff(1000, 100)
    large, large_pairs = _reworded_diff(4000, 400)
    # Each section's last task falls off, each section gains its head: all else is reworded.
    assert small["task-reworded"] == 1000 - 10
    assert large["task-reworded"] == 4000 - 10
    assert small["task-added"] == small["task-removed"] == 10
    assert large["task-added"] == large["task-removed"] == 10
    assert large_pairs <= diff_module.PAIR_LIMIT + 4000  # and pass 2: one per old task
    assert large_pairs <= 5 * small_pairs, (small_pairs, large_pairs)


def _nodes(count: int) -> list[_Node]:
    return [_Node(i, "", i + 1, f"text {i}") for i in range(count)]


@pytest.mark.parametrize(("n_old", "n_new"), [(10, 10), (300, 5), (5, 300), (900, 1000)])
def test_windows_compare_at_most_the_limit(n_old: int, n_new: int) -> None:
    windows = list(_windows(_nodes(n_old), _nodes(n_new), limit=1000))
    assert [n.index for n, _ in windows] == list(range(n_new))
    compared = sum(len(olds) for _, olds in windows)
    assert compared <= max(1000, (2 * diff_module.MIN_REACH + 1) * n_new)
    if n_old * n_new <= 1000:
        assert compared == n_old * n_new  # under the limit: every pair, as before the bound
    else:
        assert all(olds for _, olds in windows)  # each new node still meets its neighbours


def test_windows_align_the_rest_in_proportion() -> None:
    windows = {
        n.index: [o.index for o in olds]
        for n, olds in _windows(_nodes(2000), _nodes(1000), limit=5000)
    }
    # (5000 // 1000 - 1) // 2 = 2 on either side of twice the new node's place
    assert windows[0] == [0, 1, 2]
    assert windows[500] == [998, 999, 1000, 1001, 1002]
    assert windows[999] == [1996, 1997, 1998, 1999]


def test_plan_json_bytes_are_the_canonical_json(reference_plan: Plan) -> None:
    assert plan_json_bytes(reference_plan) == plan_to_json(reference_plan).encode("utf-8")


def test_the_cycle_collector_is_paused_for_the_block_and_restored() -> None:
    def fail_inside() -> None:
        with cycle_collection_paused():
            assert not gc.isenabled()
            raise RuntimeError("the block fails")

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        fail_inside()
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()  # it was off before the block: left off
    finally:
        gc.enable()


# --- the build bound (slow) ----------------------------------------------------------------------

BUILD_TASKS = 99_900
BUILD_SECONDS = 60.0
BUILD_BYTES = 1 << 30
MARGIN = 1.25
"""The issue's bound is 60 s and 1 GB here. The time is the CPU time of the build (user +
system): the machine is shared, and the wall clock grows with whatever else runs. CPU time
grows too on a loaded machine, if less (the linked outputs of this build: 33 s idle, 43.6 s
at a load of 3 on 2 cores), so the test allows a quarter more, not the twice it allowed
while the build took 42 s: at 2.0 a build of 61 s (assignments' spans, before the linked
outputs were made cheaper) passed it unnoticed."""

# A child that runs `fgf build ARGS` in a grandchild and prints what the grandchild used.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "fgf_opendata", "build", *sys.argv[1:]],
                      capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "stderr": done.stderr[-2000:],
                  "wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": usage.ru_maxrss * 1024}))
"""


@pytest.fixture(scope="module")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("scale")
    source = folder / "tasks.txt"
    source.write_text(scale.tasks_source(BUILD_TASKS), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(source), "-o", str(folder / "package")],
        capture_output=True,
        text=True,
        check=True,
        timeout=20 * BUILD_SECONDS,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    result["files"] = sorted(p.name for p in (folder / "package").iterdir())
    print(f"build of {BUILD_TASKS} tasks: {result}")
    return result


@pytest.mark.slow
def test_a_source_of_99900_tasks_builds_within_the_time_bound(big_build: dict[str, Any]) -> None:
    assert big_build["code"] == 0, big_build["stderr"]
    assert "plan.json" in big_build["files"]
    assert big_build["cpu"] <= MARGIN * BUILD_SECONDS, big_build


MEMORY_BOUND = 1_000_000_000
"""The issue's 1 GB (10^9 bytes), without a margin: `fgf build` (site included) peaks at
833 MiB (873 MB) here, assignments' spans included, since it writes each file as it is made, the Turtle and the JSON-LD
from one run of the writer a few units at a time, and the site's lists are bounded (1,777 MiB
before, when it held every file and `linked_outputs` the grouped triples, the Turtle and the
JSON-LD at once; 975 MiB with the Turtle in parts). See benchmarks/scale.py."""


@pytest.mark.slow
def test_a_source_of_99900_tasks_builds_within_the_memory_bound(
    big_build: dict[str, Any],
) -> None:
    assert big_build["code"] == 0, big_build["stderr"]
    assert big_build["rss"] <= MEMORY_BOUND, big_build
