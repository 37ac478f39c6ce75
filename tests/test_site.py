"""The static site: every page valid HTML with its basics of accessibility, every link whole,
the plan, agencies, deadlines and charts agreeing with the model, the same bytes twice."""

from __future__ import annotations

import itertools
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import html5lib
import pytest
from click.testing import CliRunner

from fgf_opendata.agencies import Registry
from fgf_opendata.build import build_package, package_outputs
from fgf_opendata.cli import main
from fgf_opendata.model import Plan, Span
from fgf_opendata.parsing import render_plan
from fgf_opendata.site import corpus_site_files, site_files
from fgf_opendata.site.pages import item_of, walk
from strategies import synthetic_plan

PLAN_PAGE = "plans/guobanfa-2021-25.html"
TEXT_PAGE = "text/guobanfa-2021-25.html"


@pytest.fixture(scope="module", autouse=True)
def no_chart_cache() -> Iterator[None]:
    """The charts here are drawn every time (tests/test_site_charts.py tests the cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FGF_OPENDATA_NO_CACHE", "1")
        yield


@pytest.fixture(scope="module")
def package_files(reference_text: str) -> dict[str, bytes]:
    return dict(package_outputs(reference_text).files)


@pytest.fixture(scope="module")
def site(
    reference_plan: Plan, registry: Registry, package_files: dict[str, bytes]
) -> dict[str, bytes]:
    return site_files(reference_plan, registry, package_files)


def parse(data: bytes) -> Any:
    """The page as an element tree; html5lib in strict mode raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data.decode("utf-8"))


def text_of(element: Any) -> str:
    return "".join(element.itertext())


def elements(tree: Any, *tags: str) -> Iterator[Any]:
    return (e for e in tree.iter() if e.tag in tags)


def pages(site: Mapping[str, bytes]) -> Iterator[tuple[str, Any]]:
    for path, data in site.items():
        if path.endswith(".html"):
            yield path, parse(data)


def test_every_page_is_valid_html_with_the_basics_of_accessibility(
    site: dict[str, bytes],
) -> None:
    check_pages(site)


def check_pages(site: Mapping[str, bytes]) -> None:
    """Every page parses strictly, with a language, a title, one h1, no skipped heading level,
    alt text on every image, unique ids, and nothing loaded from outside the site."""
    for path, tree in pages(site):
        assert tree.get("lang") == "zh-Hans", path
        assert tree.find("head/meta[@charset]").get("charset") == "utf-8", path
        assert text_of(tree.find("head/title")).strip(), path
        levels = [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", str(e.tag))]
        assert levels[0] == 1, (path, levels)
        assert levels.count(1) == 1, (path, levels)
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"{path}: heading levels skip {jumps}"
        for img in tree.iter("img"):
            assert (img.get("alt") or "").strip(), f"{path}: an image without alt text"
        ids = Counter(e.get("id") for e in tree.iter() if e.get("id"))
        assert not [i for i, n in ids.items() if n > 1], f"{path}: duplicate ids"
        for element in elements(tree, "script", "link", "img"):
            url = element.get("src") or element.get("href") or ""
            assert not urlsplit(url).scheme, f"{path}: {url} is not a file of the site"


def test_every_link_inside_the_site_resolves(
    site: dict[str, bytes], package_files: dict[str, bytes]
) -> None:
    check_links(site, package_files)


def check_links(site: Mapping[str, bytes], package_files: Mapping[str, bytes]) -> None:
    """Every link and source inside the site names a page of it (and an id on that page) or
    a file of the package beside it."""
    ids = {path: {e.get("id") for e in tree.iter() if e.get("id")} for path, tree in pages(site)}
    for path, tree in pages(site):
        for element in elements(tree, "a", "img", "script", "link"):
            url = element.get("href") or element.get("src")
            if url is None:  # an inline script (the landing page's schema.org markup)
                continue
            parts = urlsplit(url)
            if parts.scheme:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), parts.path))
            if target.startswith("../"):  # a file of the package, beside the site
                assert target[3:] in package_files, f"{path}: {url}"
                continue
            target = target if parts.path else path
            assert target in site, f"{path}: {url}"
            if parts.fragment:
                assert parts.fragment in ids[target], f"{path}: {url}"


def test_the_plan_page_shows_every_task_and_measure(
    site: dict[str, bytes], reference_plan: Plan
) -> None:
    tree = parse(site[PLAN_PAGE])
    kinds = Counter(e.get("data-kind") for e in tree.iter() if e.get("data-kind"))
    assert kinds["task"] == 25
    assert kinds["measure"] == 73
    by_id = {e.get("id"): e for e in tree.iter("article")}
    for subject in reference_plan.subjects():
        article = by_id[subject.id]
        own = text_of(article.find("div"))
        assert subject.text in own
        cited = (
            {a.agency_id for a in subject.responsibility.assignments}
            if subject.responsibility
            else set()
        )
        assigned = {t.split(":")[0] for t in article.get("data-assign").split()}
        assert assigned == cited - {None}


def test_source_links_point_at_the_nodes_text(
    site: dict[str, bytes], reference_plan: Plan, reference_text: str
) -> None:
    plan_page = parse(site[PLAN_PAGE])
    links = {
        a.get("href").split("#")[1]
        for a in plan_page.iter("a")
        if a.get("href", "").startswith("../" + TEXT_PAGE + "#")
    }
    text = {e.get("id"): text_of(e) for e in parse(site[TEXT_PAGE]).iter() if e.get("id")}
    for subject in reference_plan.subjects():
        assert f"src-{subject.id}" in links
        assert text[f"src-{subject.id}"] == subject.label + subject.text
        if subject.responsibility:
            assert text[f"src-{subject.id}-resp"] == subject.responsibility.text
    closing = [b for b in reference_plan.back if b.kind == "closing"]
    assert text["src-closing_1"] == closing[0].text
    assert "src-closing_1" in links
    source = parse(site[TEXT_PAGE]).find(".//pre")
    assert text_of(source) == reference_text.removeprefix("\n")


def test_every_cited_agency_has_its_page(
    site: dict[str, bytes], reference_plan: Plan, registry: Registry
) -> None:
    cited: Counter[str] = Counter()
    for subject in reference_plan.subjects():
        if subject.responsibility:
            roles = {(a.agency_id, a.role) for a in subject.responsibility.assignments}
            cited.update(agency for agency, _ in roles if agency)
    pages_of = {p.removeprefix("agencies/") for p in site if p.startswith("agencies/")}
    assert pages_of == {f"{a}.html" for a in cited} | {"index.html"}
    for agency_id, n in cited.items():
        tree = parse(site[f"agencies/{agency_id}.html"])
        rows = tree.findall(".//tbody/tr")
        assert len(rows) == n, agency_id
        assert registry.get(agency_id).name_zh in text_of(tree.find(".//h1"))


def _table(tree: Any, caption: str) -> list[list[str]]:
    for table in tree.iter("table"):
        if caption in text_of(table.find("caption")):
            return [[text_of(c).strip() for c in row] for row in table.findall("tbody/tr")]
    raise AssertionError(f"no table {caption!r}")


def all_deadlines(plan: Plan) -> list[Any]:
    """Every deadline of the plan: its tasks' and measures', and its own (in the closing)."""
    return [d for s in plan.subjects() for d in s.deadlines] + list(plan.deadlines)


def test_the_charts_and_their_numbers(site: dict[str, bytes], reference_plan: Plan) -> None:
    for name in ("agency-load", "deadlines", "co-assignment"):
        svg = ET.fromstring(site[f"charts/{name}.svg"])
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert b"<dc:date>" not in site[f"charts/{name}.svg"]
    tree = parse(site["charts.html"])
    assert [img.get("src") for img in tree.iter("img")] == [
        "charts/agency-load.svg",
        "charts/deadlines.svg",
        "charts/co-assignment.svg",
    ]
    due = Counter(d.date.strftime("%Y-%m") for d in all_deadlines(reference_plan))
    series = {m: int(n) for m, n in _table(tree, "各时段截止事项数")}
    assert {m: n for m, n in series.items() if n} == dict(due)
    assert list(series) == ["2021-09", "2021-10", "2021-11", "2021-12", "2022-01"] + [
        f"2022-{m:02d}" for m in range(2, 13)
    ]  # every month from the first deadline to the last, empty ones as 0
    pairs = Counter[tuple[str, str]]()
    for s in reference_plan.subjects():
        ids = (
            sorted({a.agency_id for a in s.responsibility.assignments if a.agency_id})
            if s.responsibility
            else []
        )
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    shown = _table(tree, "单位两两共同承担的事项数")
    assert shown
    assert all(int(n) > 0 for *_, n in shown)
    assert int(shown[0][2]) == max(pairs.values())
    load = _table(tree, "各单位按角色的事项数")
    assert [r[0] for r in load][:2] == ["各地区", "国务院相关部门"]


def test_the_deadline_page_holds_every_deadline(
    site: dict[str, bytes], reference_plan: Plan
) -> None:
    tree = parse(site["deadlines.html"])
    listed = [t.get("datetime") for t in tree.iter("time")]
    expected = sorted(d.date.isoformat() for d in all_deadlines(reference_plan))
    assert reference_plan.deadlines  # the closing's 年底前 is listed too
    assert sorted(listed) == expected
    undated = [s for s in reference_plan.subjects() if not s.deadlines and s.responsibility]
    assert f"（{len(undated)}）" in text_of(tree.find(".//h2[@id='undated']"))


def test_the_landing_page_lists_every_package_file(
    site: dict[str, bytes], package_files: dict[str, bytes]
) -> None:
    import hashlib

    tree = parse(site["index.html"])
    rows = _table(tree, "文件、大小与 SHA-256")
    assert [r[0] for r in rows] == sorted(package_files)
    for path, size, digest in rows:
        assert int(size) == len(package_files[path])
        assert digest == hashlib.sha256(package_files[path]).hexdigest()
    page = text_of(tree)
    for fact in ("CC-BY-4.0", "国办发〔2021〕25号", "2021-07-11", "如何引用"):
        assert fact in page or fact in site["index.html"].decode()


def test_the_site_is_the_same_bytes_twice(
    site: dict[str, bytes],
    reference_plan: Plan,
    registry: Registry,
    package_files: dict[str, bytes],
) -> None:
    assert site_files(reference_plan, registry, package_files) == site


def test_text_is_escaped_not_trusted(
    reference_plan: Plan, registry: Registry, package_files: dict[str, bytes]
) -> None:
    section = reference_plan.sections[0]
    task = section.tasks[0].model_copy(update={"text": '<script>alert("x")</script>&'})
    sections = (section.model_copy(update={"tasks": (task, *section.tasks[1:])}),)
    plan = reference_plan.model_copy(update={"sections": sections + reference_plan.sections[1:]})
    page = site_files(plan, registry, package_files)[PLAN_PAGE].decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in page


@dataclass(frozen=True)
class Paragraph:
    """A stand-in for a node kind the model does not have yet (prose under a measure)."""

    id: str
    text: str
    span: Span
    responsibility: Any = None
    deadlines: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    text: str
    span: Span
    responsibility: Any = None
    paragraphs: tuple[Paragraph, ...] = field(default=())


def test_new_kinds_of_node_show_without_changes_to_the_pages(reference_plan: Plan) -> None:
    resp = reference_plan.sections[0].tasks[0].responsibility
    paragraph = Paragraph("m__para_1", "以政府为责任主体", Span(line=2, start=20, end=28), resp)
    measure = Measure("m", "1．", "完善机制。", Span(line=1, start=0, end=8), None, (paragraph,))
    item = item_of(measure)
    assert [(i.kind, i.id) for i in walk([item])] == [("measure", "m"), ("paragraph", "m__para_1")]
    assert item.children[0].counted  # an assignment segment counts; prose alone does not
    prose = item_of(Paragraph("m__para_2", "背景说明", Span(line=3, start=30, end=34)))
    assert not prose.counted
    assert item.children[0].agency_ids == tuple(
        sorted({a.agency_id for a in resp.assignments if a.agency_id})
    )


def test_a_corpus_links_agencies_across_plans(
    reference_plan: Plan, reference_text: str, registry: Registry
) -> None:
    other = synthetic_plan(7, size=0.5)
    other = other.model_copy(update={"id": "synthetic-7"})
    site = corpus_site_files(
        [(reference_plan, reference_text), (other, render_plan(other))], registry, {}
    )
    assert {"plans/guobanfa-2021-25.html", "plans/synthetic-7.html"} <= set(site)
    both = set(item_of_agencies(reference_plan)) & set(item_of_agencies(other))
    assert both
    for agency_id in sorted(both):
        tree = parse(site[f"agencies/{agency_id}.html"])
        hrefs = [a.get("href") for a in tree.iter("a")]
        linked = {h.split("#")[0] for h in hrefs if h.startswith("../plans/") and "#" in h}
        assert linked == {"../plans/guobanfa-2021-25.html", "../plans/synthetic-7.html"}
    assert all(tree.get("lang") == "zh-Hans" for _, tree in pages(site))  # strict parse


def item_of_agencies(plan: Plan) -> set[str]:
    return {a for s in plan.sections for i in walk([item_of(s)]) for a in i.agency_ids}


def test_fgf_site_of_a_package_links_its_files(tmp_path: Path, reference_text: str) -> None:
    package = tmp_path / "package"
    build_package(reference_text, package)
    target = tmp_path / "out" / "site"
    result = CliRunner().invoke(main, ["site", str(package), "-o", str(target)])
    assert result.exit_code == 0, result.output
    tree = parse((target / "index.html").read_bytes())
    hrefs = [a.get("href") for a in tree.iter("a") if a.get("href", "").endswith(".csv")]
    assert hrefs
    assert all((target / href).resolve().is_file() for href in hrefs)
    for _ in range(2):  # the second run must not list the first run's site as package files
        inside = CliRunner().invoke(main, ["site", str(package), "-o", str(package / "site")])
        assert inside.exit_code == 0, inside.output
    listed = _table(parse((package / "site" / "index.html").read_bytes()), "文件、大小")
    assert not [path for path, *_ in listed if path.startswith("site/")]
    assert all((package / "site" / "../" / path).is_file() for path, *_ in listed)
    again = CliRunner().invoke(main, ["site", str(package), "-o", str(target), "-q"])
    assert again.exit_code == 0
    assert again.output == ""


def test_fgf_site_of_a_source_and_a_refused_folder(tmp_path: Path) -> None:
    target = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / PLAN_PAGE).is_file()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = CliRunner().invoke(main, ["site", "-o", str(mine)])
    assert refused.exit_code == 2
    assert "not a site fgf wrote" in refused.stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    (target / "stray.txt").write_text("x", encoding="utf-8")
    stray = CliRunner().invoke(main, ["site", "-o", str(target)])
    assert stray.exit_code == 2
    assert "stray.txt" in stray.stderr


def test_without_a_chinese_font_the_charts_are_made_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    from matplotlib import font_manager

    from fgf_opendata.site import charts

    def no_font(*args: Any, **kwargs: Any) -> str:
        raise ValueError("no font")

    charts.chinese_font.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(font_manager, "findfont", no_font)
    try:
        with pytest.warns(charts.MissingFontWarning, match="fonts-noto-cjk"):
            assert charts.chinese_font() is None
        monkeypatch.undo()  # the answer is cached: the chart is drawn without a Chinese font
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # and matplotlib's: glyphs missing from DejaVu
            assert charts.deadlines_svg([("2021-11", 3)], "截止").startswith(b"<?xml")
    finally:
        charts.chinese_font.cache_clear()


def test_deadlines_over_many_years_are_counted_by_year(reference_plan: Plan) -> None:
    from fgf_opendata.site.counts import deadline_series
    from fgf_opendata.site.pages import DeadlineGroup, Deadlines

    item = item_of(reference_plan.sections[0])
    groups = tuple(
        DeadlineGroup(year, month, ((reference_plan.id, item, None),) * n)  # type: ignore[arg-type]
        for year, month, n in ((1990, 5, 2), (1990, 7, 1), (1993, 5, 4))
    )
    assert deadline_series(Deadlines(groups)) == (
        ("1990", 3),
        ("1991", 0),
        ("1992", 0),
        ("1993", 4),
    )
    assert deadline_series(Deadlines(groups[:2])) == (
        ("1990-05", 2),
        ("1990-06", 0),
        ("1990-07", 1),
    )
    assert deadline_series(Deadlines(())) == ()


def test_fgf_site_of_a_corpus_package_links_agencies_across_plans(
    tmp_path: Path, reference_text: str, reference_plan: Plan, registry: Registry
) -> None:
    other = synthetic_plan(11, size=0.5)
    (tmp_path / "a.txt").write_text(reference_text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(render_plan(other), encoding="utf-8")
    package = tmp_path / "corpus"
    built = CliRunner().invoke(
        main, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(package), "-q"]
    )
    assert built.exit_code == 0, built.output
    target = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", str(package), "-o", str(target)])
    assert result.exit_code == 0, result.output
    plan_pages = sorted(p.name for p in (target / "plans").iterdir())
    assert plan_pages == sorted(["guobanfa-2021-25.html", f"{other.id}.html"])
    shared = sorted(item_of_agencies(other) & item_of_agencies(reference_plan))
    assert shared
    page = parse((target / "agencies" / f"{shared[0]}.html").read_bytes())
    linked = {a.get("href").split("#")[0] for a in page.iter("a") if "#" in a.get("href")}
    assert {f"../plans/{name}" for name in plan_pages} <= linked
