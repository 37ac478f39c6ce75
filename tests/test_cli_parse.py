"""`fgf parse`, `fgf schema` and the error contract, through the real entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REFERENCE, installed_fgf
from fgf_opendata import __version__
from fgf_opendata.cli import main
from fgf_opendata.serialize import plan_to_json


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_parse_defaults_to_the_bundled_reference(runner: CliRunner, reference_plan) -> None:
    result = runner.invoke(main, ["parse"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == plan_to_json(reference_plan)
    assert "国办发〔2021〕25号" in result.stdout  # Chinese is not escaped
    assert result.stderr == ""


def test_parse_to_file(runner: CliRunner, tmp_path: Path, reference_plan) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(main, ["parse", str(REFERENCE), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "guobanfa-2021-25"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_missing_file_is_exit_2_with_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_not_a_plan_is_exit_2_with_location_and_caret(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("关于召开会议的通知\n请准时参加。\n", encoding="utf-8")
    result = runner.invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    first, context, caret = result.stderr.splitlines()
    assert first == (
        f"fgf: error: {path}: line 1, column 1: no plan structure: no section heading 一、 found"
        " [no-plan-structure]"
    )
    assert context.strip() == "关于召开会议的通知"
    assert caret.strip() == "^"


def test_gb18030_needs_encoding_option(runner: CliRunner, tmp_path: Path, reference_text) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(reference_text.encode("gb18030"))
    result = runner.invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    assert "--encoding gb18030" in result.stderr
    ok = runner.invoke(main, ["parse", str(path), "--encoding", "gb18030"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["doc_number"] == "国办发〔2021〕25号"


def test_strict_fails_on_findings(runner: CliRunner, tmp_path: Path, reference_text) -> None:
    path = tmp_path / "typo.txt"
    path.write_text(
        reference_text.replace("（税务总局负责）", "（税务总负责）", 1), encoding="utf-8"
    )
    lenient = runner.invoke(main, ["parse", str(path)])
    assert lenient.exit_code == 0
    assert "[unknown-agency]" in lenient.stderr
    assert "did you mean" in lenient.stderr
    strict = runner.invoke(main, ["parse", str(path), "--strict"])
    assert strict.exit_code == 1


def test_too_large_input_is_refused_up_front(runner: CliRunner) -> None:
    result = runner.invoke(main, ["parse", str(REFERENCE), "--max-bytes", "1000"])
    assert result.exit_code == 2
    assert "over the limit of 1,000 bytes" in result.stderr


def test_bad_option_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["parse", "--no-such-option"])
    assert result.exit_code == 2


def test_schema_writes_the_checked_in_files(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 0
    schemas = Path(__file__).resolve().parent.parent / "schemas"
    for written in tmp_path.iterdir():
        assert written.read_bytes() == (schemas / written.name).read_bytes(), written.name


def test_installed_entry_point(tmp_path: Path) -> None:
    # The script pip wrote, wherever it is: in a venv that is not activated, not on PATH.
    fgf = installed_fgf()
    result = subprocess.run([fgf, "parse"], capture_output=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["id"] == "guobanfa-2021-25"


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fgf_opendata", "--version"], capture_output=True, check=False
    )
    assert result.returncode == 0
    assert __version__ in result.stdout.decode()
