"""The chart cache and what the chart bytes depend on: a chart drawn once is kept in the
user's cache folder under a key of everything it is drawn from, and handed back only for
that key, whole; the bytes do not depend on the user's matplotlibrc or the system's fonts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fgf_opendata.agencies import Registry
from fgf_opendata.build import package_outputs
from fgf_opendata.caching import CACHE_VARIABLE
from fgf_opendata.site import cache, charts, render, site_files

MONTHS = [("2021-09", 2), ("2021-12", 5), ("2022", 1)]
TITLE = "截止时间分布"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.svg"))


def no_drawing(*args: Any, **kwargs: Any) -> bytes:
    raise AssertionError("drawn, though the cache holds the chart")


def test_a_kept_chart_is_the_drawn_bytes_and_is_not_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = charts.deadlines_svg(MONTHS, TITLE)
    assert charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path) == drawn
    [entry] = entries(tmp_path)
    assert entry.stem == charts.chart_key("deadlines", TITLE, [list(m) for m in MONTHS])
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed, not left
    monkeypatch.setattr(charts, "_draw_deadlines", no_drawing)
    assert charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path) == drawn


def test_other_data_or_title_is_another_key(tmp_path: Path) -> None:
    first = charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path)
    second = charts.deadlines_svg([*MONTHS, ("2023", 4)], TITLE, cache=tmp_path)
    third = charts.deadlines_svg(MONTHS, "另一个标题", cache=tmp_path)
    assert len({first, second, third}) == 3
    assert len(entries(tmp_path)) == 3
    assert charts.deadlines_svg([*MONTHS, ("2023", 4)], TITLE) == second


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: data[:-20] + b"<!-- x -->" + data[-10:], id="changed"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data.split(b"\n", 1)[1], id="no-head"),
    ],
)
def test_a_damaged_entry_is_drawn_again_and_mended(tmp_path: Path, damage: Any) -> None:
    drawn = charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path)
    [entry] = entries(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))
    assert charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path) == drawn
    assert entry.read_bytes().endswith(drawn)
    assert entry.read_bytes().split(b"\n", 1)[1] == drawn


def test_an_entry_is_trusted_for_its_own_key_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = [*MONTHS, ("2030", 9)]
    drawn = charts.deadlines_svg(other, TITLE)
    charts.deadlines_svg(MONTHS, TITLE, cache=tmp_path)
    [entry] = entries(tmp_path)
    key = charts.chart_key("deadlines", TITLE, [list(m) for m in other])
    (tmp_path / f"{key}.svg").write_bytes(entry.read_bytes())  # a whole entry, wrong name
    assert charts.deadlines_svg(other, TITLE, cache=tmp_path) == drawn


def test_the_key_holds_the_code_and_the_packages_it_draws_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = [list(m) for m in MONTHS]
    key = charts.chart_key("deadlines", TITLE, table)
    assert key is not None
    edited = tmp_path / "charts.py"
    edited.write_bytes(Path(charts.__file__).read_bytes().replace(b"#1b4f8a", b"#000000"))
    with monkeypatch.context() as patch:
        patch.setattr(charts, "__file__", str(edited))  # the module's code as edited
        charts._drawn_with.cache_clear()
        assert charts.chart_key("deadlines", TITLE, table) not in (None, key)
    record = charts._record

    def changed(module: str, distribution: str) -> bytes | None:
        found = record(module, distribution)
        return None if found is None else found + b"x" if module == "numpy" else found

    monkeypatch.setattr(charts, "_record", changed)
    charts._drawn_with.cache_clear()
    try:
        assert charts.chart_key("deadlines", TITLE, table) not in (None, key)
        monkeypatch.setattr(charts, "_record", lambda module, distribution: None)
        charts._drawn_with.cache_clear()
        assert charts.chart_key("deadlines", TITLE, table) is None  # no RECORD: not cached
        monkeypatch.setattr(charts, "_record", record)
        monkeypatch.setattr(charts, "_mplfonts_file", lambda: None)
        charts._drawn_with.cache_clear()
        assert charts.chart_key("deadlines", TITLE, table) is None  # a system font: same
    finally:
        charts._drawn_with.cache_clear()


def test_a_chart_that_cannot_be_kept_is_still_made(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")  # a file where the folder should be
    assert charts.deadlines_svg(MONTHS, TITLE, cache=blocked / "charts") == (
        charts.deadlines_svg(MONTHS, TITLE)
    )


def test_the_cache_folder_follows_xdg_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE, raising=False)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "given"))  # fgf's own folder comes first
    assert cache.cache_folder("charts") == tmp_path / "given" / "charts"
    monkeypatch.delenv(CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder("charts") == tmp_path / "fgf-opendata" / "charts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_folder("charts") == tmp_path / "home" / ".cache" / "fgf-opendata" / "charts"
    monkeypatch.setenv(cache.NO_CACHE_VARIABLE, "1")
    assert cache.cache_folder("charts") is None


def test_a_site_from_the_cache_is_the_drawn_site(
    reference_text: str, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = package_outputs(reference_text, registry=registry)
    monkeypatch.setenv(cache.NO_CACHE_VARIABLE, "1")
    drawn = site_files(outputs.plan, registry, outputs.files)
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE)
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert site_files(outputs.plan, registry, outputs.files) == drawn  # drawn and kept
    assert len(entries(tmp_path / "fgf-opendata" / "charts")) == 3
    assert site_files(outputs.plan, registry, outputs.files) == drawn  # from the cache


def test_a_rebuild_with_a_warm_cache_does_not_import_matplotlib(
    reference_text: str, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from fgf_opendata.build import package_outputs\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "package_outputs(text, site=True)\n"
        "print('matplotlib' in sys.modules, 'networkx' in sys.modules)\n"
    )
    source = tmp_path / "plan.txt"
    source.write_text(reference_text, encoding="utf-8")
    env = {**os.environ, CACHE_VARIABLE: str(tmp_path / "cache")}
    env.pop(cache.NO_CACHE_VARIABLE, None)

    def imported() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, str(source)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert imported() == "True True"  # a cold cache: drawn
    assert imported() == "False False"


def test_the_charts_are_drawn_with_mplfonts_font_over_a_system_copy() -> None:
    from matplotlib import font_manager

    family = charts.chinese_font()
    path = charts._mplfonts_file()
    assert path is not None, "mplfonts is installed with fgf-opendata"
    assert family is not None
    assert Path(font_manager.findfont(family)) == path


def test_the_users_matplotlibrc_does_not_change_the_bytes() -> None:
    from matplotlib import rc_context

    drawn = charts.deadlines_svg(MONTHS, TITLE)
    with rc_context({"axes.edgecolor": "red", "xtick.major.size": 9.0, "axes.linewidth": 3}):
        assert charts.deadlines_svg(MONTHS, TITLE) == drawn


def test_compiled_templates_are_kept_and_checked_against_their_source(tmp_path: Path) -> None:
    import jinja2

    def render(source: str) -> str:
        env = jinja2.Environment(
            loader=jinja2.DictLoader({"page.html": source}),
            bytecode_cache=cache.template_cache(tmp_path),
            autoescape=True,
        )
        return env.get_template("page.html").render(name="<b>")

    assert render("一 {{ name }}") == "一 &lt;b&gt;"
    [entry] = sorted(tmp_path.glob("*.jinja"))
    kept = entry.read_bytes()
    assert render("一 {{ name }}") == "一 &lt;b&gt;"  # from the entry
    assert render("二 {{ name }}") == "二 &lt;b&gt;"  # the source changed: compiled again
    assert entry.read_bytes() != kept
    entry.write_bytes(entry.read_bytes()[:-7])  # damaged: compiled again
    assert render("二 {{ name }}") == "二 &lt;b&gt;"
    assert cache.read_entry(entry, entry.stem) is not None  # and mended


def test_the_site_with_its_templates_from_the_cache_is_the_same(
    reference_text: str, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = package_outputs(reference_text, registry=registry)
    monkeypatch.setenv(cache.NO_CACHE_VARIABLE, "1")
    made = site_files(outputs.plan, registry, outputs.files)
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE)
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    render._environment.cache_clear()  # a fresh process: templates compiled, then kept
    try:
        assert site_files(outputs.plan, registry, outputs.files) == made
        templates = sorted((tmp_path / "fgf-opendata" / "templates").glob("*.jinja"))
        assert len(templates) >= 9
        render._environment.cache_clear()
        assert site_files(outputs.plan, registry, outputs.files) == made
    finally:
        render._environment.cache_clear()


def test_a_plan_that_assigns_nothing_draws_its_load_chart_without_a_warning() -> None:
    # No bars, so no legend: matplotlib warns "No artists with labels found" (an error under
    # the tests' warnings filter, and an internal error of `fgf build` in the CLI property test).
    svg = charts.agency_load_svg([], "无分工")
    assert svg.startswith(b"<?xml")
