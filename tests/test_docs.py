"""The README documents every command; the checked-in schemas equal the generated ones."""

from __future__ import annotations

import re

import fgf_opendata
from conftest import ROOT
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
