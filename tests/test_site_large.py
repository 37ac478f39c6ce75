"""The site of a plan far larger than any real one (issue 16: 99,900 tasks): no list on a page
holds more than `LIST_LIMIT` rows, a list cut there says how many it leaves out and where they
all are, every number still counts every item, and every link still resolves."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from fgf_opendata.agencies import Registry
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan
from fgf_opendata.site import pages, site_files
from fgf_opendata.site.counts import deadline_series
from fgf_opendata.site.pages import LIST_LIMIT, item_of, site_data, walk
from fgf_opendata.tabular.descriptor import source_path
from test_scale import scale
from test_site import _table, check_links, check_pages, parse, text_of


@pytest.fixture(scope="module", autouse=True)
def no_chart_cache() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FGF_OPENDATA_NO_CACHE", "1")
        yield


def large_text(n_tasks: int) -> str:
    """benchmarks/scale.py's plan of `n_tasks` tasks, 500 to a section, two tasks of three due
    in a month of 2022 to 2025."""

    def due(match: re.Match[str]) -> str:
        i = int(match[1])
        return f"第{i}项，{2022 + i % 4}年{i % 12 + 1}月底前完成。" if i % 3 else match[0]

    return re.sub(r"第(\d+)项。", due, scale.tasks_source(n_tasks, 500))


def large_site(n_tasks: int, registry: Registry) -> tuple[Plan, dict[str, bytes], dict[str, bytes]]:
    text = large_text(n_tasks)
    plan = parse_plan(text)
    package_files = {source_path(plan): text.encode("utf-8")}
    return plan, package_files, site_files(plan, registry, package_files)


@pytest.fixture(scope="module")
def large(registry: Registry) -> tuple[Plan, dict[str, bytes], dict[str, bytes]]:
    return large_site(2500, registry)


def cited(plan: Plan) -> Counter[str]:
    """Registry id -> items citing it, a row per role (as an agency page counts them)."""
    rows: Counter[str] = Counter()
    for subject in plan.subjects():
        if subject.responsibility:
            roles = {(a.agency_id, a.role) for a in subject.responsibility.assignments}
            rows.update(agency for agency, _ in roles if agency)
    return rows


def test_site_data_keeps_the_first_rows_and_counts_every_item(
    reference_plan: Plan, reference_text: str
) -> None:
    full = site_data([(reference_plan, reference_text)])
    cut = site_data([(reference_plan, reference_text)], limit=5)
    whole = full.views[0]
    every = [item.id for item in whole.items()]
    tree = (*whole.front, *(item_of(s) for s in reference_plan.sections), *whole.back)
    assert every == [item.id for item in walk(tree)]
    assert whole.shown == whole.total == len(every)
    view = cut.views[0]
    assert [item.id for item in view.items()] == every[:5]
    assert (view.shown, view.total, view.counts) == (5, len(every), whole.counts)
    assert view.count("task") == 25
    assert (cut.roles, cut.pairs, cut.unknown) == (full.roles, full.pairs, full.unknown)
    for agency_id, rows in full.entries.items():
        kept = [(row.item.id, row.role, row.within) for row in cut.entries[agency_id]]
        assert kept == [(row.item.id, row.role, row.within) for row in rows][:5]
        assert all(row.item.on_page == (row.item.id in every[:5]) for row in cut.entries[agency_id])

    def dated(deadlines: Any) -> list[tuple[str, str, Any]]:
        return [(p, i.id, d.date) for g in deadlines.groups for p, i, d in g.rows]

    assert len(dated(full.deadlines)) > 5
    assert dated(cut.deadlines) == dated(full.deadlines)[:5]  # the earliest, by date
    totals = [(g.key, g.total) for g in full.deadlines.groups]
    assert [(g.key, g.total) for g in cut.deadlines.groups] == totals
    assert deadline_series(cut.deadlines) == deadline_series(full.deadlines)
    undated = [item.id for _, item in full.deadlines.undated]
    assert [item.id for _, item in cut.deadlines.undated] == undated[:5]
    assert cut.deadlines.undated_count == full.deadlines.undated_count == len(undated)


def test_the_pages_of_a_large_plan_do_not_grow_with_it(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twice the tasks, every list already cut (each agency is cited on a quarter of them): the
    same pages, as large but for the numbers in them; the source text grows with the source. Items are made only of what a page shows (the agency pages, the
    plan page and the deadline page's two lists), not of every node."""
    made = 0
    make = pages._item

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal made
        made += 1
        return make(*args, **kwargs)

    monkeypatch.setattr(pages, "_item", counting)
    plan, source, small = large_site(4500, registry)
    assert made <= (3 + len(cited(plan))) * LIST_LIMIT
    made = 0
    larger, larger_source, big = large_site(9000, registry)
    assert made <= (3 + len(cited(larger))) * LIST_LIMIT
    assert set(big) == set(small)
    text = source_path(plan).replace("source/", "text/").replace(".txt", ".html")
    for path in sorted(p for p in set(big) - {text} if p.endswith(".html")):
        assert len(big[path]) <= len(small[path]) + 200, path  # the charts: their axes
    grown = len(larger_source[source_path(larger)]) - len(source[source_path(plan)])
    assert len(big[text]) - len(small[text]) >= grown


def test_a_large_plans_site_is_whole_and_says_what_it_leaves_out(
    registry: Registry, large: tuple[Plan, dict[str, bytes], dict[str, bytes]]
) -> None:
    plan, package_files, site = large
    check_pages(site)
    check_links(site, package_files)
    subjects = list(plan.subjects())
    prose = [b for b in (*plan.front, *plan.back) if b.kind in ("preamble", "closing")]
    total = len(subjects) + len(plan.sections) + len(prose)

    tree = parse(site[f"plans/{plan.id}.html"])
    assert sum(1 for e in tree.iter("article")) == LIST_LIMIT
    notes = [text_of(p) for p in tree.iter("p") if p.get("class") == "cut"]
    assert len(notes) == 2  # above the items and below them
    assert f"本页列出前 {LIST_LIMIT} 项，共 {total} 项" in notes[0]
    counts = text_of(next(p for p in tree.iter("p") if p.get("class") == "counts"))
    assert f"{len(subjects)} 项重点任务" in counts

    text_page = parse(site[f"text/{plan.id}.html"])
    assert text_of(text_page.find(".//pre")) == package_files[source_path(plan)].decode()

    charts = parse(site["charts.html"])
    load = {row[0]: int(row[-1]) for row in _table(charts, "各单位按角色的事项数")}
    names = {registry.get(a).name_zh: n for a, n in cited(plan).items()}  # type: ignore[union-attr]
    assert load == names
    due = Counter(str(d.date.year) for s in subjects for d in s.deadlines)
    series = {period: int(n) for period, n in _table(charts, "各时段截止事项数")}
    assert series == dict(due)  # 48 months: counted by year

    for agency_id, n in cited(plan).items():
        page = parse(site[f"agencies/{agency_id}.html"])
        assert f"共 {n} 项" in text_of(page.find(".//p[@class='counts']"))
        assert len(page.findall(".//tbody/tr")) == min(n, LIST_LIMIT)
        cut = [text_of(p) for p in page.iter("p") if p.get("class") == "cut"]
        assert len(cut) == (n > LIST_LIMIT)
        assert all(f"下列前 {LIST_LIMIT} 项，共 {n} 项" in note for note in cut)

    deadlines = parse(site["deadlines.html"])
    undated = sum(1 for s in subjects if not s.deadlines and s.responsibility)
    listed = deadlines.findall(".//ul/li/time")
    every = sorted(d.date.isoformat() for s in subjects for d in s.deadlines)
    assert len(every) > LIST_LIMIT
    assert sorted(t.get("datetime") for t in listed) == every[:LIST_LIMIT]  # the earliest
    more = [
        int(re.match(r"另有 (\d+) 项", text_of(p))[1])  # type: ignore[index]
        for p in deadlines.iter("p")
        if text_of(p).startswith("另有")
    ]
    assert LIST_LIMIT + sum(more) == sum(due.values())
    assert f"（{undated}）" in text_of(deadlines.find(".//h2[@id='undated']"))
