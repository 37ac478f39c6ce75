"""`write_atomic` (fgf parse -o FILE, fgf schema -o DIR) never replaces what it did not write.

Found on this machine: `fgf parse -o /dev/null` renamed its temporary file onto the device,
so /dev/null became a regular file. A device is written as a shell redirection would write it;
a link is followed to the file it names; a FIFO, socket or folder is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from fgf_opendata.errors import ExportError
from fgf_opendata.files import write_atomic


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A character device like /dev/null (1, 3), made in tmp: the test never touches /dev."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root (CI runs as root)")
    return path


def test_a_device_stays_a_device(device: Path) -> None:
    write_atomic(device, b"plan")
    assert stat.S_ISCHR(device.stat().st_mode)
    assert [p.name for p in device.parent.iterdir()] == ["null"]  # no temporary file left


def test_cli_parse_to_a_device(device: Path) -> None:
    from click.testing import CliRunner

    from fgf_opendata.cli import main

    result = CliRunner().invoke(main, ["parse", "-o", str(device)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_link_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match=r"pipe.*FIFO"):
        write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        write_atomic(tmp_path, b"x")
