"""Shared fixtures: the reference text, the registry, the parsed reference plan."""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.errors import ParseError
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sources" / "guobanfa-2021-25.txt"


def pytest_configure(config: pytest.Config) -> None:
    # The site's chart and template cache goes to a folder of this run (each xdist worker its
    # own), never the user's ~/.cache; tests that need an empty or a given cache set their own.
    folder = tempfile.mkdtemp(prefix="fgf-test-cache-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ["XDG_CACHE_HOME"] = folder


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


def installed_fgf() -> Path:
    """The `fgf` script pip installed with this interpreter's fgf-opendata, found from the
    distribution's record of its files rather than PATH (a venv is on PATH only once activated)."""
    try:
        files = importlib.metadata.distribution("fgf-opendata").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name in ("fgf", "fgf.exe") and Path(file.locate()).is_file():
            return Path(file.locate()).resolve()
    pytest.fail(
        f"no fgf script installed for {sys.executable}: run `python3 -m pip install '.[test]'`"
    )


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


# The tests' one network guard: the opening of a child interpreter's script, after which any
# socket connection, DNS lookup or urllib request aborts the child with exit 99 and
# "NETWORK ACCESS: <event>" on stderr.
NETWORK_GUARD = """
import sys

def _network_guard(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "urllib.Request", "http.client.connect"):
        sys.stderr.write(f"NETWORK ACCESS: {event} {args!r}\\n")
        sys.stderr.flush()
        import os
        os._exit(99)

sys.addaudithook(_network_guard)
"""

# The guard, then the `fgf` command line with the script's arguments.
GUARD = NETWORK_GUARD + "from fgf_opendata.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def run_offline(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `fgf ARGS` in a child process that fails on any network access."""
    return subprocess.run(
        [sys.executable, "-c", GUARD, *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def readable_plans(paths: list[Path]) -> list[Path]:
    """The documents the parser reads as plans (the others are refused with a located error,
    which tests/test_corpus_real.py checks): chosen when the tests are collected, so none of
    them is a skip."""
    registry = default_registry()
    readable = []
    for path in paths:
        try:
            parse_plan(path.read_text(encoding="utf-8"), registry=registry)
        except ParseError:
            continue
        readable.append(path)
    return readable


@functools.cache
def benchmark_module(name: str) -> ModuleType:
    """`benchmarks/NAME.py`, loaded once (the folder is not a package). It is registered in
    `sys.modules` as `benchmarks_NAME`, where its dataclasses look their module up."""
    spec = importlib.util.spec_from_file_location(
        f"benchmarks_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.name]  # no half-run module left behind, as importlib does
        raise
    return module
