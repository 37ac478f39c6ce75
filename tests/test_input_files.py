"""Reading input files safely: only regular files, never more than the size bound plus one byte.

A FIFO, a character device (/dev/zero, /dev/urandom) or a socket is refused up front, without
opening it for a blocking read, by every command that reads a source or a package file. Every
run through the real command line is bounded in time: a hang fails the test instead of
stalling the suite.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT, installed_fgf
from fgf_opendata.diff import read_plan
from fgf_opendata.errors import InputFileError, InputTooLargeError
from fgf_opendata.textio import read_file, read_source

BOUND = 30  # seconds: each command answers in about one; a blocked read never does

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
needs_devices = pytest.mark.skipif(
    not (Path("/dev/zero").exists() and Path("/dev/urandom").exists()),
    reason="no /dev/zero or /dev/urandom",
)


def fgf(*args: str, cwd: Path, bound: float = BOUND) -> subprocess.CompletedProcess[str]:
    """The installed `fgf` with this tree's code, time-bounded."""
    command = [installed_fgf()]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=bound,
        check=False,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    os.mkfifo(path)
    return path


# --- the Python API ---------------------------------------------------------------------------


@needs_fifo
def test_fifo_is_refused_without_blocking(fifo: Path) -> None:
    with pytest.raises(
        InputFileError, match=r"cannot read .*plan\.txt: it is a FIFO \(named pipe\)"
    ) as caught:
        read_source(fifo)
    assert caught.value.code == "not-a-regular-file"
    assert str(fifo) in str(caught.value)


@needs_devices
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_character_device_is_refused(device: str) -> None:
    with pytest.raises(
        InputFileError, match=rf"cannot read {device}: it is a character device"
    ) as caught:
        read_source(device)
    assert caught.value.code == "not-a-regular-file"


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        with pytest.raises(InputFileError, match=r"s\.txt: it is a socket") as caught:
            read_source(path)
    assert caught.value.code == "not-a-regular-file"


def test_folder_missing_file_and_dangling_link(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="it is a folder") as caught:
        read_source(tmp_path)
    assert caught.value.code == "is-a-folder"
    with pytest.raises(InputFileError, match=r"nope\.txt: it does not exist") as caught:
        read_source(tmp_path / "nope.txt")
    assert caught.value.code == "file-not-found"
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputFileError, match=r"link\.txt: it does not exist") as caught:
        read_source(tmp_path / "link.txt")
    assert caught.value.code == "file-not-found"


def test_unreadable_file(tmp_path: Path) -> None:
    """Read by a child that obeys permission bits (root drops its overrides: CI runs as root)."""
    from faults import unprivileged_prefix

    path = tmp_path / "secret.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    probe = (
        "import sys\n"
        "from fgf_opendata.textio import read_source\n"
        "from fgf_opendata.errors import InputFileError\n"
        "try:\n"
        "    read_source(sys.argv[1])\n"
        "except InputFileError as exc:\n"
        "    print(exc.code, exc, sep='|')\n"
    )
    run = subprocess.run(
        [*unprivileged_prefix(), sys.executable, "-c", probe, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    code, message = run.stdout.strip().split("|", 1)
    assert code == "permission-denied"
    assert "secret.txt: permission denied" in message


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(REFERENCE)
    assert read_source(tmp_path / "link.txt").text == REFERENCE.read_text(encoding="utf-8")


def test_limit_holds_for_files_that_report_size_zero() -> None:
    """/proc files are regular and report size 0: the bound holds on what is read."""
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("no /proc with size-0 files")
    with pytest.raises(InputTooLargeError, match=r"status is over the limit of 16 bytes") as caught:
        read_source(status, limit=16)
    assert caught.value.code == "input-too-large"
    assert read_source(status, limit=1 << 20).text.startswith("Name:")


def test_limit_exact_and_one_over(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1024)
    assert read_file(path, limit=1024) == b"x" * 1024
    with pytest.raises(
        InputTooLargeError, match=r"big\.txt is 1,024 bytes, over the limit of 1,023"
    ):
        read_file(path, limit=1023)


@needs_fifo
def test_diff_read_plan_refuses_a_fifo_and_a_fifo_plan_json(tmp_path: Path, fifo: Path) -> None:
    with pytest.raises(InputFileError, match="FIFO"):
        read_plan(fifo)
    package = tmp_path / "package"
    package.mkdir()
    os.mkfifo(package / "plan.json")
    with pytest.raises(InputFileError, match=r"plan\.json: it is a FIFO"):
        read_plan(package)


# --- the command line -------------------------------------------------------------------------


def _assert_refused(result: subprocess.CompletedProcess[str], name: str, what: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("fgf: error: "), result.stderr
    assert name in result.stderr
    assert what in result.stderr
    assert "Traceback" not in result.stderr


@needs_devices
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", [["parse"], ["build", "-o", "out"], ["diff", str(REFERENCE)]])
def test_cli_refuses_devices(tmp_path: Path, device: str, command: list[str]) -> None:
    result = fgf(*command, device, cwd=tmp_path)
    _assert_refused(result, device, "is a character device, not a regular file")
    assert not (tmp_path / "out").exists()


@needs_fifo
@pytest.mark.parametrize(
    "command",
    [
        ["parse", "plan.txt"],
        ["build", "plan.txt", "-o", "out"],
        ["diff", "plan.txt", str(REFERENCE)],
        ["diff", str(REFERENCE), "plan.txt"],
        ["parse", "--encoding", "gb18030", "plan.txt"],
    ],
)
def test_cli_refuses_a_fifo(tmp_path: Path, fifo: Path, command: list[str]) -> None:
    result = fgf(*command, cwd=tmp_path)
    _assert_refused(result, "plan.txt", "is a FIFO (named pipe), not a regular file")
    assert not (tmp_path / "out").exists()


@needs_fifo
def test_cli_corpus_build_skips_a_fifo(tmp_path: Path, fifo: Path) -> None:
    shutil.copy(REFERENCE, tmp_path / "reference.txt")
    result = fgf("build", "reference.txt", "plan.txt", "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "skipped plan.txt: cannot read plan.txt: it is a FIFO (named pipe)" in result.stderr
    assert (tmp_path / "out" / "datapackage.json").is_file()


@needs_fifo
def test_cli_validate_refuses_a_fifo_descriptor(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    os.mkfifo(package / "datapackage.json")
    result = fgf("validate", "package", cwd=tmp_path)
    _assert_refused(result, "datapackage.json", "FIFO")


@needs_fifo
def test_cli_diff_refuses_a_package_whose_plan_json_is_a_fifo(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    os.mkfifo(package / "plan.json")
    result = fgf("diff", str(REFERENCE), "package", cwd=tmp_path)
    _assert_refused(result, "plan.json", "is a FIFO (named pipe)")


@needs_fifo
def test_cli_validate_refuses_a_fifo_resource(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(ROOT / "datapackage", package)
    (package / "tasks.csv").unlink()
    os.mkfifo(package / "tasks.csv")
    result = fgf("validate", "package", cwd=tmp_path)  # a full validate: the default bound
    assert result.returncode in (1, 2), result.stderr
    assert "tasks.csv" in result.stderr + result.stdout


@needs_fifo
def test_cli_corpus_build_reports_a_fifo_in_a_folder(tmp_path: Path) -> None:
    """A FIFO among a folder's *.txt files is reported as skipped, not silently left out."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(REFERENCE, sources / "reference.txt")
    os.mkfifo(sources / "pipe.txt")
    result = fgf("build", "sources", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pipe.txt: it is a FIFO (named pipe)" in result.stderr
    assert "1 skipped" in result.stdout


@pytest.mark.parametrize("limit", [10**12, 10**30])
def test_a_huge_limit_reads_only_what_the_file_holds(tmp_path: Path, limit: int) -> None:
    """FGF_MAX_BYTES far past memory: the read must not allocate the limit up front."""
    from fgf_opendata.textio import read_file

    path = tmp_path / "plan.txt"
    path.write_bytes(b"x" * 100_000)
    assert read_file(path, limit=limit) == b"x" * 100_000
    assert read_file(Path("/proc/self/status"), limit=limit).startswith(b"Name:")


def test_cli_build_check_with_a_huge_limit_from_the_environment(tmp_path: Path) -> None:
    """Found by the CLI property test: `FGF_MAX_BYTES=10**30 fgf build --check` was exit 3."""
    from click.testing import CliRunner

    from fgf_opendata.cli import main

    result = CliRunner(env={"FGF_MAX_BYTES": str(10**30)}).invoke(
        main, ["build", "--check", "-o", str(tmp_path / "none")]
    )
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr
