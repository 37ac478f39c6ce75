"""The README documents every command and says what the program does, quoting the messages it
prints; the checked-in schemas equal the generated ones."""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import fgf_opendata
from conftest import REFERENCE, ROOT
from fgf_opendata.cli import main
from fgf_opendata.schemas import generated_schemas

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    for name in main.commands:
        assert f"`fgf {name}" in README, f"fgf {name} is not documented in README.md"


def test_readme_has_exactly_two_setup_commands() -> None:
    setup = README.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.DOTALL)
    assert commands == [
        "python3 -m pip install . && fgf build",
        "python3 -m pip install '.[test]' && python3 -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_schemas_have_not_drifted() -> None:
    for name, text in generated_schemas().items():
        path = ROOT / "schemas" / name
        assert path.exists(), f"schemas/{name} is missing: run `fgf schema`"
        assert path.read_text(encoding="utf-8") == text, f"schemas/{name} drifted: run `fgf schema`"


def test_public_api_is_honest() -> None:
    for name in fgf_opendata.__all__:
        assert getattr(fgf_opendata, name) is not None, name
    assert sorted(fgf_opendata.__all__) == fgf_opendata.__all__
    assert set(fgf_opendata.__all__) == {*fgf_opendata._EXPORTS, "__version__"}
    assert set(dir(fgf_opendata)) >= set(fgf_opendata.__all__)


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_setup_names_the_python_the_package_requires() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    required = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject)
    assert required is not None
    setup = _section("Set up on a fresh machine")
    assert f"Python {required[1]} or later" in setup
    assert "python3 -m venv" in setup


def test_the_python_example_runs_and_uses_what_it_imports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (snippet,) = re.findall(r"```python\n(.*?)```", _section("Python"), flags=re.DOTALL)
    tree = ast.parse(snippet)
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert imported <= used, f"imported, never used: {sorted(imported - used)}"
    monkeypatch.chdir(ROOT)
    exec(compile(tree, "README.md", "exec"), {})  # noqa: S102 -- the README's own example
    assert capsys.readouterr().out.startswith("task_1 （一） ")


def test_the_readme_names_the_tables_whose_rows_carry_a_span() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text("utf-8"))
    with_span = {
        resource["path"]
        for resource in descriptor["resources"]
        if isinstance(resource.get("schema"), dict)
        and {"line", "start", "end"} <= {f["name"] for f in resource["schema"]["fields"]}
    }
    sentence = _section("The published package (`datapackage/`)").split("Every row of ", 1)[1]
    sentence = sentence.split(" carries the source span", 1)[0]
    assert set(re.findall(r"`([a-z]+\.csv)`", sentence)) == with_span


# --- the messages the README quotes are the ones the program prints ----------------------------

_REFERENCE = REFERENCE.read_text(encoding="utf-8")


def _edited(old: str, new: str) -> bytes:
    assert old in _REFERENCE
    return _REFERENCE.replace(old, new, 1).encode("utf-8")


def _stale_package(folder: Path) -> None:
    shutil.copytree(ROOT / "datapackage", folder / "datapackage")
    with (folder / "datapackage" / "tasks.csv").open("a", encoding="utf-8") as file:
        file.write("x\n")


@dataclass(frozen=True)
class Case:
    """How to make `fgf` print a quoted message: the arguments, the files to write first (in an
    empty folder, the working directory), and anything else to lay out there."""

    argv: tuple[str, ...]
    files: Mapping[str, bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None


_NOT_A_PLAN = Case(("parse", "memo.txt"), {"memo.txt": "关于召开会议的通知\n".encode()})
_SKIPPED = Case(("parse", "tasks.txt"), {"tasks.txt": _edited("（二）充分调动", "（三）充分调动")})

# Every message quoted in "When things go wrong", and an example command there (by its `$`
# line), mapped to the run that prints it. A new quoted message needs a case here.
QUOTED: dict[str, Case] = {
    "fgf parse tasks.txt": _SKIPPED,
    "… is not UTF-8 (byte 0x… at offset …); it looks like GB18030/GBK: convert it to UTF-8 or "
    "pass --encoding gb18030 (or the right codec) [not-utf8]": Case(
        ("parse", "gbk.txt"), {"gbk.txt": _REFERENCE.encode("gb18030")}
    ),
    "task number skipped: expected （二）, found （三）": _SKIPPED,
    "unbalanced parentheses in responsibility line": Case(
        ("parse", "p.txt"), {"p.txt": _edited("（税务总局负责）", "（税务总局负责")}
    ),
    "responsibility line names no agency": Case(
        ("parse", "p.txt"), {"p.txt": _edited("（税务总局负责）", "（）")}
    ),
    "impossible deadline 2021年13月底前: expected a month from 1 to 12, found 13": Case(
        ("parse", "p.txt"), {"p.txt": _edited("2021年底前实现城市", "2021年13月底前实现城市")}
    ),
    "no plan structure: no section heading 一、 found": _NOT_A_PLAN,
    "warning: agency '市场监管总' is not in the registry (did you mean 市场监管总局, …?) "
    "[unknown-agency]": Case(
        ("parse", "p.txt"), {"p.txt": _edited("（税务总局负责）", "（市场监管总负责）")}
    ),
    "datapackage is stale; run `fgf build`:": Case(("build", "--check"), setup=_stale_package),
    "differs: tasks.csv": Case(("build", "--check"), setup=_stale_package),
    "DIR is not a data package folder fgf wrote (important.txt is not one of its files); not "
    "replacing it: …": Case(("build", "-o", "DIR"), {"DIR/important.txt": b"keep me"}),
}

# Spans in the section that quote no message: commands (`fgf build`, `parse -o`), options,
# codes, file names and names in the Python API.
_MENTIONS = re.compile(rf"fgf |--|({'|'.join(main.commands)}) -|[\w./()*-]+$")


def _quotes() -> dict[str, str | list[str]]:
    """The section's quoted messages (each to its own text) and its example commands (each to
    the lines it prints)."""
    section = _section("When things go wrong")
    quotes: dict[str, str | list[str]] = {}
    for block in re.findall(r"```\n(.*?)```", section, flags=re.DOTALL):
        command, *output = block.rstrip("\n").split("\n")
        quotes[command.removeprefix("$ ")] = output
    prose = re.sub(r"```\n.*?```", "", section, flags=re.DOTALL)
    for _, span in re.findall(r"(`+)(.+?)\1", prose, flags=re.DOTALL):
        text = re.sub(r"\s*\n\s*", " ", span.strip())
        if not _MENTIONS.match(text) and text != "…":
            quotes[text] = text
    return quotes


def _pattern(quoted: str) -> re.Pattern[str]:
    return re.compile("[^\n]*?".join(re.escape(part) for part in quoted.split("…")))


def test_every_quoted_message_has_a_case() -> None:
    assert set(_quotes()) == set(QUOTED)


@pytest.mark.parametrize("quoted", list(QUOTED))
def test_the_program_prints_what_the_readme_quotes(
    quoted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = QUOTED[quoted]
    for name, data in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    if case.setup is not None:
        case.setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    expected = _quotes()[quoted]
    if isinstance(expected, list):  # an example command: the lines it prints, in order
        assert tuple(shlex.split(quoted)) == ("fgf", *case.argv)
    result = CliRunner().invoke(main, list(case.argv))
    printed = result.stderr + result.stdout
    if isinstance(expected, list):
        lines = result.stderr.splitlines()
        assert len(lines) == len(expected), printed
        for line, want in zip(lines, expected, strict=True):
            assert _pattern(want).fullmatch(line), (want, line)
    else:
        assert _pattern(expected).search(printed), printed


def test_every_documented_code_is_one_the_program_has() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "src" / "fgf_opendata").rglob("*.py")
    )
    section = _section("When things go wrong")
    documented = set(re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", section))
    assert len(documented) > 20

    def in_source(code: str) -> bool:  # a literal, or the end of one: f"{kind}-without-…"
        ends = (code[i:] for i, ch in enumerate(code) if ch == "-")
        return f'"{code}"' in source or any(f'}}{end}"' in source for end in ends)

    assert not {code for code in documented if not in_source(code)}


def test_every_error_class_code_is_documented() -> None:
    from test_cli_errors import _error_classes

    codes = {cls.code for cls in _error_classes()} - {"fgf-error"}
    assert not {code for code in codes if f"`{code}`" not in README}
