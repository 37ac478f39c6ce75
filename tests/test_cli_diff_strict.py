"""`fgf diff --strict`: findings in either plan fail the comparison (issue 17)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import REFERENCE
from fgf_opendata.cli import main


def _without_one_responsibility(tmp_path: Path) -> Path:
    text = REFERENCE.read_text(encoding="utf-8")
    line = "（国务院办公厅牵头，国务院相关部门及各地区按职责分工负责）\n"
    assert line in text
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace(line, "", 1), encoding="utf-8")
    return changed


def test_diff_prints_findings_and_exits_1_under_strict(tmp_path: Path) -> None:
    changed = _without_one_responsibility(tmp_path)
    plain = CliRunner().invoke(main, ["diff", str(REFERENCE), str(REFERENCE)])
    assert plain.exit_code == 0, plain.output
    strict_same = CliRunner().invoke(main, ["diff", "--strict", str(REFERENCE), str(REFERENCE)])
    assert strict_same.exit_code == 0, strict_same.stderr
    result = CliRunner().invoke(main, ["diff", "--strict", str(REFERENCE), str(changed)])
    assert result.exit_code == 1
    assert f"{changed}:" in result.stderr
    assert "-without-responsibility]" in result.stderr
    assert "fgf: findings under --strict" in result.stderr


def test_diff_without_strict_reports_no_findings(tmp_path: Path) -> None:
    changed = _without_one_responsibility(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(REFERENCE), str(changed)])
    assert result.exit_code == 1  # they differ
    assert "without-responsibility" not in result.stderr
