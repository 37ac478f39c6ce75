"""Fault injection for the `fgf` command: one case is data, one runner checks every case.

A `FaultCase` says how to set up a work folder, which `fgf` command to run in it, and what must
come out: the exit code, a fragment of the message, the files that must survive byte for byte,
and a time bound. `run_case` runs the command in a child process (optionally without root's
permission overrides, optionally killed after a delay) and asserts the case, plus two rules for
every case:

- no file is lost or changed outside what the tool may write (`may_change`, path prefixes
  relative to the work folder: the package folders the command (re)writes);
- the command ends within its bound (it is killed and the case fails otherwise).

To add a case, append a `FaultCase` to a list that a test parametrises over (see
tests/test_fault_injection.py); setup helpers take the work folder and prepare it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

FGF = [sys.executable, "-m", "fgf_opendata"]
REFERENCE = Path(__file__).resolve().parent.parent / "sources" / "guobanfa-2021-25.txt"

Setup = Callable[[Path], None]
Check = Callable[[Path], None]
Condition = Callable[[Path], bool]


@dataclass(frozen=True)
class FaultCase:
    """One attack on the command line and what must hold after it."""

    name: str
    setup: Setup
    """Prepares the work folder (the command's current folder)."""
    args: tuple[str, ...]
    """The `fgf` arguments; relative paths are relative to the work folder."""
    exit: int | None
    """The expected exit code; None when the command may be killed (see `kill_after`)."""
    message: str = ""
    """A fragment the command must print (stderr, or stdout when it exits 0 or 1)."""
    survive: tuple[str, ...] = ()
    """Paths (files or folders, relative) whose every byte must be as before, even under
    `may_change`."""
    may_change: tuple[str, ...] = ()
    """Path prefixes the command may rewrite; every other file must survive unchanged."""
    bound: float = 60.0
    """Seconds the command may take; past them it is killed and the case fails."""
    unprivileged: bool = False
    """Run without the overrides root has (permission bits then apply to root too)."""
    kill_after: float | None = None
    """Send SIGKILL after this many seconds (if the command is still running)."""
    kill_when: Condition | None = None
    """Send SIGKILL as soon as this returns true on the work folder (polled every 5 ms)."""
    debris: bool = False
    """Temporary folders (`.NAME.new-*`) may be left beside a target (a killed build)."""
    check: Check | None = None
    """More assertions on the work folder after the run."""


@dataclass(frozen=True)
class Outcome:
    """What the command did."""

    code: int
    stdout: str
    stderr: str
    seconds: float


# --- running without root's overrides ---------------------------------------------------------

# A child that drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER (linux/capability.h)
# from its bounding set, then execs its arguments: without them, root obeys permission bits and
# cannot write into a folder it does not own (exit 97 when the system will not drop them).
DROP_OVERRIDES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for cap in (1, 2, 3):
    if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        sys.exit(97)
os.execv(sys.argv[1], sys.argv[1:])
"""


def unprivileged_prefix() -> list[str]:
    """A command prefix that makes the rest of the command obey permission bits: empty when it
    already does (not root). Skips where root cannot give up its overrides."""
    if os.geteuid() != 0:
        return []
    if not sys.platform.startswith("linux"):
        pytest.skip("permission bits do not bind root here (needs Linux capabilities)")
    prefix = [sys.executable, "-c", DROP_OVERRIDES]
    if subprocess.run([*prefix, sys.executable, "-c", "pass"], check=False).returncode == 97:
        pytest.skip("root here may not drop CAP_DAC_OVERRIDE (no CAP_SETPCAP)")
    return prefix


def require_root(reason: str) -> None:
    """Skip a case that needs root for its setup (chown); CI runs as root."""
    if os.geteuid() != 0:
        pytest.skip(f"{reason} needs root (CI runs as root)")


# --- snapshots --------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder` (relative posix path): file bytes, None for a folder, the
    link text for a symlink."""
    found: dict[str, bytes | None] = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(root, name)
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = os.readlink(path).encode()
            elif path.is_dir():
                found[key] = None
            elif not path.is_file():  # a FIFO, socket or device: reading it would block
                found[key] = f"<{oct(path.lstat().st_mode)}>".encode()
            else:
                try:
                    found[key] = path.read_bytes()
                except OSError:  # a FIFO or an unreadable file: its presence is what counts
                    found[key] = b"<unreadable>"
    return found


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def is_debris(name: str) -> bool:
    """A temporary folder name of a build: `.NAME.new-*` or `.NAME.old-*`."""
    return name.startswith(".") and (".new-" in name or ".old-" in name)


def lost_files(
    before: Mapping[str, bytes | None],
    after: Mapping[str, bytes | None],
    may_change: Sequence[str],
    survive: Sequence[str],
) -> list[str]:
    """Entries gone or changed outside `may_change`, and any change under `survive`."""
    lost = []
    for path, data in before.items():
        if _under(path, may_change) and not _under(path, survive):
            continue
        if path not in after:
            lost.append(f"{path}: gone")
        elif after[path] != data:
            lost.append(f"{path}: changed")
    return lost


def _chmod_writable(folder: Path) -> None:
    """Make everything under `folder` writable again, so pytest can remove it."""
    for root, dirs, _ in os.walk(folder):
        for name in dirs:
            path = Path(root, name)
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o700)
    folder.chmod(folder.stat().st_mode | 0o700)


# --- the runner -------------------------------------------------------------------------------


def _group_gone(pgid: int, within: float) -> bool:
    """Whether every process of group `pgid` has ended (waiting up to `within` seconds)."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    bound: float = 60.0,
    prefix: Sequence[str] = (),
    kill_after: float | None = None,
    kill_when: Condition | None = None,
) -> Outcome:
    """Run `fgf ARGS` in `cwd` (after `prefix`, such as `unprivileged_prefix()`); kill it after
    `kill_after` seconds or once `kill_when(cwd)`, fail it past `bound` or when a process it
    started outlives it."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Files, not pipes: a stray child holding a pipe open cannot hang the runner. A session
        # of its own: every process the command starts can be found (and ended) afterwards.
        proc = subprocess.Popen(
            [*prefix, *FGF, *args], cwd=cwd, stdout=out, stderr=err, start_new_session=True
        )
        try:
            if kill_after is not None:
                try:
                    proc.wait(timeout=kill_after)
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
            while kill_when is not None and proc.poll() is None:
                if kill_when(cwd):
                    proc.send_signal(signal.SIGKILL)
                    break
                if time.monotonic() - start > bound:
                    break
                time.sleep(0.005)
            proc.wait(timeout=max(0.1, bound - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"fgf {' '.join(args)} still ran after {bound} s")
        finally:
            stray = not _group_gone(proc.pid, within=5.0)
            if stray:
                os.killpg(proc.pid, signal.SIGKILL)
        if stray:
            pytest.fail(f"fgf {' '.join(args)} left processes running after it ended")
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Outcome(proc.returncode, stdout, stderr, time.monotonic() - start)


def run_case(case: FaultCase, work: Path) -> Outcome:
    """Set up `work`, run the case's command in it and assert everything the case promises."""
    work.mkdir(parents=True, exist_ok=True)
    case.setup(work)
    prefix = unprivileged_prefix() if case.unprivileged else []
    before = snapshot(work)
    try:
        outcome = run(
            case.args,
            work,
            bound=case.bound,
            prefix=prefix,
            kill_after=case.kill_after,
            kill_when=case.kill_when,
        )
    finally:
        _chmod_writable(work)
    after = snapshot(work)
    said = outcome.stderr if outcome.code not in (0, 1) else outcome.stdout + outcome.stderr
    where = f"{case.name}: exit {outcome.code}\n{outcome.stdout}{outcome.stderr}"
    if case.exit is not None:
        assert outcome.code == case.exit, where
    assert outcome.code != 3, where
    assert "internal error" not in outcome.stderr, where
    assert case.message in said, where
    assert lost_files(before, after, case.may_change, case.survive) == [], where
    if not case.debris:
        assert [p for p in after if is_debris(Path(p).name)] == [], where
    if case.check is not None:
        case.check(work)
    return outcome


# --- setup helpers ----------------------------------------------------------------------------


def steps(*setups: Setup) -> Setup:
    """One setup made of several, run in order."""

    def run_all(work: Path) -> None:
        for setup in setups:
            setup(work)

    return run_all


def copy_tree(source: Path, name: str) -> Setup:
    """Copy folder `source` to `work/name`."""
    return lambda work: shutil.copytree(source, work / name, symlinks=True) and None


def write(path: str, data: str = "keep\n") -> Setup:
    """Write a file (its folders made as needed)."""

    def setup(work: Path) -> None:
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(data, encoding="utf-8")

    return setup


def mode(path: str, bits: int) -> Setup:
    """chmod `path` (e.g. 0o555 for a read-only folder)."""
    return lambda work: (work / path).chmod(bits)


def chown_tree(path: str, uid: int = 65534) -> Setup:
    """Give `path` and everything under it to another user (nobody by default)."""

    def setup(work: Path) -> None:
        require_root("chown to another user")
        for root, dirs, names in os.walk(work / path):
            for name in dirs + names:
                os.lchown(Path(root, name), uid, uid)
        os.lchown(work / path, uid, uid)

    return setup


def source(name: str, old: str = "", new: str = "") -> Setup:
    """A copy of the reference plan at `work/name`, with its first `old` replaced by `new`."""

    def setup(work: Path) -> None:
        text = REFERENCE.read_text(encoding="utf-8")
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text.replace(old, new, 1) if old else text, encoding="utf-8")

    return setup


def built(name: str, *sources: str) -> Setup:
    """A package built by `fgf build SOURCES -o name` (default: the reference plan)."""

    def setup(work: Path) -> None:
        subprocess.run(
            [*FGF, "build", "--quiet", *sources, "-o", name], cwd=work, check=True, timeout=120
        )

    return setup


def debris_holds(path: str) -> Condition:
    """True once a temporary folder of a build holds `path` (e.g. "tasks.csv"): a build caught
    in the middle of writing its package."""

    def condition(work: Path) -> bool:
        return any(is_debris(folder.name) and (folder / path).exists() for folder in work.iterdir())

    return condition


def no_debris(work: Path) -> None:
    """No temporary folder of a build is left anywhere under `work`."""
    left = [p for p in work.rglob(".*") if is_debris(p.name)]
    assert left == [], left


__all__ = [
    "FGF",
    "REFERENCE",
    "Check",
    "Condition",
    "FaultCase",
    "Outcome",
    "built",
    "chown_tree",
    "copy_tree",
    "debris_holds",
    "is_debris",
    "lost_files",
    "mode",
    "no_debris",
    "require_root",
    "run",
    "run_case",
    "snapshot",
    "source",
    "steps",
    "unprivileged_prefix",
    "write",
]
