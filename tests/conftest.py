"""Shared fixtures: the reference text, the registry, the parsed reference plan."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sources" / "guobanfa-2021-25.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the expected files under tests/ from the current output (review the diff).",
    )


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """fgf's cache (corpus query stores, per-source chunks) in a folder of this test session,
    never the user's: `fgf build` of a corpus fills it, in this process and in subprocesses."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FGF_CACHE_DIR", str(tmp_path_factory.mktemp("fgf-cache")))
        yield


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return default_registry()


@pytest.fixture(scope="session")
def reference_plan(reference_text: str, registry: Registry) -> Plan:
    return parse_plan(reference_text, registry=registry)


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the checked-in file; rewrite it instead under --update-golden."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{path.name} did not exist; wrote it: review and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{path.name} differs; rerun with --update-golden and review the diff"
    )


# A child interpreter that aborts (exit 99) on any socket connection, DNS lookup or urllib
# request, then runs the `fgf` command line with its arguments.
GUARD = """
import sys

def guard(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "urllib.Request", "http.client.connect"):
        sys.stderr.write(f"NETWORK ACCESS: {event} {args!r}\\n")
        sys.stderr.flush()
        import os
        os._exit(99)

sys.addaudithook(guard)
from fgf_opendata.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_offline(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `fgf ARGS` in a child process that fails on any network access."""
    return subprocess.run(
        [sys.executable, "-c", GUARD, *args], capture_output=True, text=True, cwd=cwd, check=False
    )
