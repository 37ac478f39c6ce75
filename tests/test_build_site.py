"""`fgf build` publishes the static site inside the package (`site/`), after the descriptor.

The descriptor does not list the site (its landing page lists every file of the package with
its checksum, datapackage.json included); the catalogue names the landing page; the folder rule
and the build's unlisted-file gate accept `site/` when it is a site fgf wrote, by the site's own
rule; `--check` compares the site too; the library builds no site unless asked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from fgf_opendata.agencies import Registry
from fgf_opendata.build import package_outputs
from fgf_opendata.cli import main
from fgf_opendata.files import check_replaceable
from fgf_opendata.linked.catalog import dataset_jsonld, package_url
from fgf_opendata.linked.syntax import parse_turtle
from fgf_opendata.linked.vocab import DCAT
from fgf_opendata.model import Plan
from fgf_opendata.publication import BASE_IRI as DEFAULT_BASE
from fgf_opendata.publication import LANDING_PAGE
from fgf_opendata.tabular.gates import check_built_package, validate_package


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference package as `fgf build` writes it (with its site), read-only for tests."""
    out = tmp_path_factory.mktemp("site-build") / "pkg"
    result = CliRunner().invoke(main, ["build", "--quiet", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def package(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(built, target)
    return target


def _descriptor_paths(folder: Path) -> set[str]:
    descriptor = json.loads((folder / "datapackage.json").read_bytes())
    return {r["path"] for r in descriptor["resources"]}


def test_the_site_is_in_the_package_and_not_in_its_descriptor(built: Path) -> None:
    files = _files(built)
    site = {p for p in files if p.startswith("site/")}
    assert {LANDING_PAGE, "site/charts.html", "site/deadlines.html"} <= site
    assert all(not p.startswith("site/") for p in _descriptor_paths(built))
    assert b'<meta name="generator" content="fgf-opendata">' in files[LANDING_PAGE]
    report = validate_package(built, linked=True)
    assert report.valid, report.findings


def test_the_landing_page_lists_every_package_file_with_its_checksum(built: Path) -> None:
    files = _files(built)
    page = files[LANDING_PAGE].decode("utf-8")
    package = {p: d for p, d in files.items() if not p.startswith("site/")}
    assert "datapackage.json" in package
    assert "linked/catalog.ttl" in package
    for path, data in package.items():
        assert f'href="../{path}"' in page, path
        assert hashlib.sha256(data).hexdigest() in page, path


def test_the_catalogue_names_the_landing_page(built: Path, reference_plan: Plan) -> None:
    graph = parse_turtle((built / "linked" / "catalog.ttl").read_bytes())
    landing = URIRef(package_url(reference_plan, DEFAULT_BASE) + LANDING_PAGE)
    assert set(graph.objects(None, DCAT.landingPage)) == {landing}
    # Listed as a distribution without size or checksum: the page lists the catalogue's.
    (page,) = graph.subjects(DCAT.downloadURL, landing)
    assert graph.value(page, DCAT.byteSize) is None
    assert graph.value(page, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/text/html"
    )


def test_the_landing_page_carries_the_schema_org_markup(
    built: Path, reference_plan: Plan, registry: Registry
) -> None:
    files = _files(built)
    page = files[LANDING_PAGE].decode("utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(scripts) == 1
    package = {p: d for p, d in files.items() if not p.startswith("site/")}
    expected = dataset_jsonld(reference_plan, {**package, LANDING_PAGE: None}, registry=registry)
    assert json.loads(scripts[0]) == expected
    assert expected["url"].endswith("/site/index.html")
    assert "<" not in scripts[0]  # escaped by the template engine, not by hand


def test_a_second_build_is_byte_identical_and_check_compares_the_site(package: Path) -> None:
    before = _files(package)
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--quiet", "-o", str(package)]).exit_code == 0
    assert _files(package) == before
    check = runner.invoke(main, ["build", "--check", "-o", str(package)])
    assert (check.exit_code, check.stdout) == (0, f"{package} is up to date\n")
    chart = package / "site" / "charts.html"
    chart.write_bytes(chart.read_bytes().replace(b"</body>", b"<p>x</p></body>"))
    (package / "site" / "plans" / "guobanfa-2021-25.html").unlink()
    check = runner.invoke(main, ["build", "--check", "-o", str(package)])
    assert check.exit_code == 1
    assert "differs: site/charts.html" in check.stdout
    assert "missing: site/plans/guobanfa-2021-25.html" in check.stdout


def test_no_site_leaves_it_out_and_the_catalogue_names_the_folder(
    tmp_path: Path, reference_plan: Plan
) -> None:
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["build", "--quiet", "--no-site", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert not (out / "site").exists()
    graph = parse_turtle((out / "linked" / "catalog.ttl").read_bytes())
    folder = URIRef(package_url(reference_plan, DEFAULT_BASE))
    assert set(graph.objects(None, DCAT.landingPage)) == {folder}
    stale = CliRunner().invoke(main, ["build", "--check", "--no-site", "-o", str(out)])
    assert stale.exit_code == 0, stale.stdout


def test_the_library_builds_no_site_unless_asked(reference_text: str) -> None:
    plain = package_outputs(reference_text)
    assert not any(p.startswith("site/") for p in plain.files)
    assert LANDING_PAGE not in plain.files["linked/catalog.ttl"].decode("utf-8")


# --- the folder rule and the gate: a site fgf wrote, by the site's own rule ------------------


def test_a_package_with_its_site_may_be_replaced(package: Path) -> None:
    assert check_replaceable(package) == package


@pytest.mark.parametrize(
    ("setup", "named"),
    [
        (lambda site: (site / "notes.txt").write_text("keep me"), "site/notes.txt"),
        (lambda site: (site / "charts" / "data.csv").write_text("a\n"), "site/charts/data.csv"),
        (
            lambda site: (site / "index.html").write_text("<!doctype html><title>mine</title>"),
            "site/index.html",
        ),
        (lambda site: os.symlink("/etc/hostname", site / "host.html"), "site/host.html"),
    ],
    ids=["foreign-file", "foreign-file-deeper", "index-not-ours", "link"],
)
def test_a_site_fgf_did_not_write_is_refused(package: Path, setup: object, named: str) -> None:
    setup(package / "site")  # type: ignore[operator]
    kept = _files(package)
    result = CliRunner().invoke(main, ["build", "--quiet", "--no-site", "-o", str(package)])
    assert result.exit_code == 2
    assert f"({named} is not one of its files)" in result.stderr
    assert _files(package) == kept


def test_a_site_folder_in_a_package_fgf_did_not_write_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text('<meta name="generator" content="fgf-opendata">')
    result = CliRunner().invoke(main, ["build", "--quiet", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "(site is not one of its files)" in result.stderr


def test_the_build_gate_accepts_the_site_and_nothing_else_unlisted(built: Path) -> None:
    files = _files(built)
    assert [f for f in check_built_package(files).findings if f.code == "unlisted-file"] == []
    extra = {**files, "site/notes.txt": b"x"}
    unlisted = [f for f in check_built_package(extra).findings if f.code == "unlisted-file"]
    assert len(unlisted) == len([p for p in extra if p.startswith("site/")])
    foreign = {**files, LANDING_PAGE: b"<!doctype html><title>not ours</title>"}
    codes = [f.code for f in check_built_package(foreign).findings]
    assert "unlisted-file" in codes


def test_a_plan_without_a_known_source_url_builds_its_site(
    tmp_path: Path, reference_text: str
) -> None:
    """The descriptor's source has no `path` (URL) for a plan the project does not know: the
    landing page shows its title unlinked (it crashed the site's template before)."""
    source = tmp_path / "plan.txt"
    source.write_text(reference_text.replace("国办发〔2021〕25号", "国办发〔2021〕99号"), "utf-8")
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["build", "--quiet", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    descriptor = json.loads((out / "datapackage.json").read_bytes())
    assert all("path" not in s for s in descriptor["sources"])
    page = (out / LANDING_PAGE).read_text("utf-8")
    assert descriptor["sources"][0]["title"] in page
