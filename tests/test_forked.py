"""A gate in a forked child: the same answer as in this process, whatever happens to the child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fgf_opendata.forked import start

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _printed(program: str) -> list[str]:
    """The words `program` prints, run in a fresh interpreter: a thread another test left
    running in this one would (rightly) make `start` compute here instead of forking."""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.split()


def test_the_child_computes_the_result() -> None:
    program = (
        "import os\n"
        "from fgf_opendata.forked import start\n"
        "def pid_and(value): return os.getpid(), value * 2\n"
        "pid, value = start(pid_and, 21).result()\n"
        "print(value, pid != os.getpid())\n"
    )
    assert _printed(program) == ["42", "True"]


def _fails(parent: int) -> None:
    raise ValueError(f"failed in {'the parent' if os.getpid() == parent else 'the child'}")


def test_an_exception_is_raised_here_as_without_a_child() -> None:
    with pytest.raises(ValueError, match="failed in the parent"):
        start(_fails, os.getpid()).result()


def _dies_in_the_child(parent: int) -> int:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def test_a_killed_child_is_computed_again_here() -> None:
    assert start(_dies_in_the_child, os.getpid()).result() == os.getpid()


def _children() -> str:
    pid = os.getpid()
    return Path(f"/proc/{pid}/task/{pid}/children").read_text()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="no /proc")
def test_cancel_kills_and_reaps_the_child() -> None:
    before = _children()
    pending = start(_pid_and, 1)
    pending.cancel()
    assert _children() == before
    assert pending.result() == (os.getpid(), 2)  # then computed here, if asked


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pid, _ = start(_pid_and, 1).result()
    finally:
        stop.set()
        thread.join()
    assert pid == os.getpid()


def test_the_collector_is_frozen_in_the_child_and_as_it_was_after() -> None:
    # gc.freeze across the fork (no copy of every shared page by a full collection); the
    # parent's collector is as it was once the result is in, or the child cancelled.
    program = (
        "import gc\n"
        "from fgf_opendata.forked import start\n"
        "def frozen(): return gc.get_freeze_count() > 0\n"
        "before = gc.get_freeze_count()\n"
        "pending = start(frozen)\n"
        "during = gc.get_freeze_count() > 0\n"
        "print(pending.result(), during, gc.get_freeze_count() == before)\n"
        "start(frozen).cancel()\n"
        "print(gc.get_freeze_count() == before)\n"
        "gc.freeze(); mine = gc.get_freeze_count()\n"
        "start(frozen).result()\n"
        "print(gc.get_freeze_count() == mine)\n"
    )
    assert _printed(program) == ["True", "True", "True", "True", "True"]


def test_prepare_runs_in_the_child_only_and_its_failure_is_the_childs() -> None:
    # `prepare` runs in the child before the function; when it fails, the result is computed
    # here, where `prepare` never runs.
    program = (
        "import os\n"
        "from fgf_opendata.forked import start\n"
        "parent, ran = os.getpid(), []\n"
        "def prepare(): ran.append(os.getpid())\n"
        "def fails(): raise SystemExit(3)\n"
        "def prepared(): return ran != [] and ran[0] != parent\n"
        "print(start(prepared, prepare=prepare).result(), ran == [])\n"
        "print(start(os.getpid, prepare=fails).result() == parent, ran == [])\n"
    )
    assert _printed(program) == ["True", "True", "True", "True"]
