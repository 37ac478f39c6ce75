"""The site in a real browser: Debian's chromium, driven by Playwright, pages opened from file://.

Skipped, saying why, where /usr/bin/chromium or the playwright package is absent (`.ci/run`
installs both). Screenshots of every page visited go to test-artifacts/site/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fgf_opendata.agencies import Registry
from fgf_opendata.build import package_outputs
from fgf_opendata.model import Plan
from fgf_opendata.site import site_files

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "site"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file() and not os.environ.get("CI"),
        reason="no /usr/bin/chromium: apt-get install chromium fonts-noto-cjk (.ci/run does; "
        "under CI=true the tests run and fail instead of skipping)",
    ),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install '.[test]'"
)


@pytest.fixture(scope="module")
def site_folder(
    tmp_path_factory: pytest.TempPathFactory,
    reference_text: str,
    reference_plan: Plan,
    registry: Registry,
) -> Path:
    folder = tmp_path_factory.mktemp("site")
    files = site_files(reference_plan, registry, package_outputs(reference_text).files)
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # launch() gives chromium a new, empty --user-data-dir of its own, removed at close.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def citing(plan: Plan, agency_id: str) -> int:
    return sum(
        1
        for s in plan.subjects()
        if s.responsibility and any(a.agency_id == agency_id for a in s.responsibility.assignments)
    )


def test_from_the_landing_page_to_an_agency(page: Any, site_folder: Path) -> None:
    page.goto((site_folder / "index.html").as_uri())
    assert "全国深化“放管服”改革" in page.locator("h1").inner_text()
    shot(page, "index")
    page.get_by_role("link", name="单位 Agencies").first.click()
    page.wait_for_url("**/agencies/index.html")
    shot(page, "agencies")
    page.get_by_role("link", name="财政部", exact=True).click()
    page.wait_for_url("**/agencies/mof.html")
    assert page.locator("h1").inner_text().startswith("财政部")
    shot(page, "agency-mof")


@pytest.mark.parametrize("agency_id", ["mof", "all-localities"])
def test_filtering_the_plan_by_an_agency(
    page: Any, site_folder: Path, reference_plan: Plan, agency_id: str
) -> None:
    page.goto((site_folder / "plans" / "guobanfa-2021-25.html").as_uri())
    count = page.locator("#filter-count")
    everything = len(list(reference_plan.subjects()))
    assert everything == 98  # 25 tasks and 73 measures
    assert count.get_attribute("data-count") == str(everything)
    page.select_option("#filter-agency", agency_id)
    expected = citing(reference_plan, agency_id)
    assert count.get_attribute("data-count") == str(expected)
    assert page.locator(".item[data-match]:visible").count() == expected
    shown = page.locator(".item[data-counted]:visible").evaluate_all(
        "items => items.filter(i => !i.classList.contains('context')).map(i => i.id)"
    )
    assert len(shown) == expected
    shot(page, f"plan-filtered-{agency_id}")


def test_a_source_link_highlights_the_nodes_text(
    page: Any, site_folder: Path, reference_plan: Plan
) -> None:
    task = reference_plan.sections[1].tasks[0]
    page.goto((site_folder / "plans" / "guobanfa-2021-25.html").as_uri())
    page.locator(f"#{task.id} .source-link a").first.click()
    page.wait_for_url(f"**/text/guobanfa-2021-25.html#src-{task.id}")
    target = page.locator(":target")
    assert target.inner_text() == task.label + task.text
    colour = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(page, "source-highlight")


def test_charts_load_and_the_plan_reads_without_scripts(
    browser: Any, page: Any, site_folder: Path
) -> None:
    page.goto((site_folder / "charts.html").as_uri())
    widths = page.locator("img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 3
    assert all(w > 0 for w in widths)
    shot(page, "charts")
    page.goto((site_folder / "deadlines.html").as_uri())
    shot(page, "deadlines")
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto((site_folder / "plans" / "guobanfa-2021-25.html").as_uri())
        assert plain.locator(".item[data-counted]:visible").count() == 98
        assert not plain.locator("#filter").is_visible()
        plain.screenshot(path=str(ARTIFACTS / "plan-no-script.png"))
    finally:
        context.close()


def test_a_large_plan_shows_its_first_items_and_says_so(
    page: Any, tmp_path: Path, registry: Registry
) -> None:
    """A plan past the page's limit (tests/test_site_large.py): the plan page reads and
    filters the items it shows, says how many it leaves out, and an agency's page links only
    to items that are there."""
    from fgf_opendata.site.pages import LIST_LIMIT
    from test_site_large import large_site

    plan, _, files = large_site(2500, registry)
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    page.goto((tmp_path / "plans" / f"{plan.id}.html").as_uri())
    assert page.locator(".cut").first.is_visible()
    assert "共 2507 项" in page.locator(".cut").first.inner_text()
    order = ["preamble_1"] + [i for s in plan.sections for i in (s.id, *(t.id for t in s.tasks))]
    on_page = set(order[:LIST_LIMIT])
    shown = [t for s in plan.sections for t in s.tasks if t.id in on_page]
    count = page.locator("#filter-count")
    assert count.get_attribute("data-count") == str(len(shown))
    page.select_option("#filter-agency", "mof")
    citing_mof = [
        t for t in shown if any(a.agency_id == "mof" for a in t.responsibility.assignments)
    ]
    assert count.get_attribute("data-count") == str(len(citing_mof))
    shot(page, "large-plan-filtered-mof")
    page.goto((tmp_path / "agencies" / "mof.html").as_uri())
    linked = page.locator("tbody a[href*='plans/']")
    assert linked.count() == len(citing_mof)
    assert page.locator("tbody tr").count() == min(citing(plan, "mof"), LIST_LIMIT)
    shot(page, "large-plan-agency-mof")
    linked.last.click()
    page.wait_for_url(f"**/plans/{plan.id}.html#{citing_mof[-1].id}")
    assert page.locator(":target").get_attribute("id") == citing_mof[-1].id
