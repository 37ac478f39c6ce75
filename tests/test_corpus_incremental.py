"""An incremental corpus build: only the sources that changed are parsed again, and the
package is byte-identical to a full build; a damaged cache entry is rebuilt, never used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REFERENCE
from fgf_opendata.corpus import build_corpus
from fgf_opendata.corpus import chunks as chunks_module
from fgf_opendata.corpus import package as package_module
from fgf_opendata.corpus.cache import FILES, known_conforming
from fgf_opendata.corpus.package import check_descriptor, plan_files
from fgf_opendata.errors import InvalidPackageError

GENRE = Path(__file__).parent / "cases" / "genre"
FIRST = ("flat-items.txt", "deadline-forms.txt", "articles-only.txt")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources parsed (not taken from the cache), in order."""
    seen: list[str] = []
    real = chunks_module.chunk

    def counting(path: Path, *args: object) -> object:
        seen.append(Path(path).name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(chunks_module, "chunk", counting)
    return seen


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FGF_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "a-reference.txt")
    for name in FIRST:
        shutil.copy(GENRE / name, folder / name)
    return folder


def test_a_rebuild_parses_only_the_changed_source(
    sources: Path, tmp_path: Path, parsed: list[str]
) -> None:
    build_corpus([sources], tmp_path / "cold", jobs=1, cache=True)
    assert len(parsed) == 4
    # one plan changes: another document takes its place under the same name
    shutil.copy(GENRE / "chapters-articles.txt", sources / "articles-only.txt")
    parsed.clear()
    build_corpus([sources], tmp_path / "warm", jobs=1, cache=True)
    assert parsed == ["articles-only.txt"]
    parsed.clear()
    build_corpus([sources], tmp_path / "full", jobs=1)  # no cache at all
    assert len(parsed) == 4
    assert _files(tmp_path / "warm") == _files(tmp_path / "full")
    assert _files(tmp_path / "warm") != _files(tmp_path / "cold")


def _entries(cache: Path) -> list[Path]:
    return sorted(p.parent for p in (cache / "corpus").glob("*/*/entry.json"))


def test_an_unchanged_plan_s_files_are_the_cache_s_not_written_again(
    sources: Path, tmp_path: Path
) -> None:
    build_corpus([sources], tmp_path / "cold", jobs=1, cache=True)
    shutil.copy(GENRE / "chapters-articles.txt", sources / "articles-only.txt")
    result = build_corpus([sources], tmp_path / "warm", jobs=1, cache=True)
    kept = {
        (p / name).stat().st_ino: p for p in _entries(tmp_path / "cache") for name in FILES.values()
    }
    for plan_id in result.plans:
        for path in plan_files(plan_id).values():
            inode = (tmp_path / "warm" / path).stat().st_ino
            assert inode in kept, path  # hard-linked from an entry, its hash taken from it
    descriptor = json.loads((tmp_path / "warm" / "datapackage.json").read_bytes())
    graphs = [r["path"] for r in descriptor["resources"] if r["path"].startswith("linked/")]
    assert graphs == [
        *(f"linked/plans/{plan_id}.nt" for plan_id in sorted(result.plans)),
        "linked/catalog.ttl",
    ]


def test_a_damaged_entry_is_rebuilt_not_published(
    sources: Path, tmp_path: Path, parsed: list[str]
) -> None:
    build_corpus([sources], tmp_path / "first", jobs=1, cache=True)
    first = _files(tmp_path / "first")
    entries = _entries(tmp_path / "cache")
    assert len(entries) == 4
    tables = bytearray((entries[0] / "tables.csv").read_bytes())
    tables[-10] ^= 0x01  # one bit of its rows flips on disk
    (entries[0] / "tables.csv").write_bytes(bytes(tables))
    entry = entries[1] / "entry.json"
    entry.write_bytes(entry.read_bytes()[:100])  # another is cut short
    graph = bytearray((entries[2] / "graph.nt").read_bytes())
    graph[-10] ^= 0x01  # a published file changed in place (through its link in a package)
    (entries[2] / "graph.nt").write_bytes(bytes(graph))
    parsed.clear()
    build_corpus([sources], tmp_path / "second", jobs=1, cache=True)
    assert len(parsed) == 3
    assert _files(tmp_path / "second") == first
    parsed.clear()
    build_corpus([sources], tmp_path / "third", jobs=1, cache=True)
    assert parsed == []  # the rebuilt entries were stored again
    assert _files(tmp_path / "third") == first


def test_a_package_file_edited_in_place_is_not_taken_back(
    sources: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """A package's unchanged files are links to the cache's: editing one in the package edits
    the entry, whose file then no longer has the size and time it recorded."""
    result = build_corpus([sources], tmp_path / "first", jobs=1, cache=True)
    first = _files(tmp_path / "first")
    edited = tmp_path / "first" / plan_files(result.plans[0])["text"]
    with edited.open("r+b") as handle:
        handle.write(b"X")
    parsed.clear()
    build_corpus([sources], tmp_path / "second", jobs=1, cache=True)
    assert len(parsed) == 1
    assert _files(tmp_path / "second") == first


def test_parallel_workers_fill_and_use_the_cache(sources: Path, tmp_path: Path) -> None:
    for name in ("chapters-articles.txt", "chapters-sections-articles.txt"):
        shutil.copy(GENRE / name, sources / name)
    build_corpus([sources], tmp_path / "one", jobs=2, cache=True)
    build_corpus([sources], tmp_path / "two", jobs=2, cache=True)
    build_corpus([sources], tmp_path / "three", jobs=1)
    assert _files(tmp_path / "one") == _files(tmp_path / "two") == _files(tmp_path / "three")


def _broken_copies(descriptor: dict[str, Any], changed: str) -> dict[str, dict[str, Any]]:
    """The descriptor broken in each place the profile checks: the top level, a resource of
    the changed plan, a Table Schema and a dialect the cache knows, and every resource known."""
    resources = descriptor["resources"]
    at = next(i for i, r in enumerate(resources) if r["path"] == changed)
    table = next(i for i, r in enumerate(resources) if "schema" in r)

    def with_resource(index: int, **change: Any) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(descriptor))
        copy["resources"][index].update(change)
        return copy

    schema = {**resources[table]["schema"], "fields": "id"}
    dialect = {**resources[table]["dialect"], "header": "yes"}
    return {
        "top level": {**descriptor, "name": 7},
        "changed plan": with_resource(at, bytes="many"),
        "changed plan's path": with_resource(at, path="../outside.json"),
        "known schema": with_resource(table, schema=schema),
        "known dialect": with_resource(table, dialect=dialect),
        "no resource": {**descriptor, "resources": []},
    }


def test_the_profile_check_with_the_cache_fails_as_the_whole_check_does(
    sources: Path, tmp_path: Path
) -> None:
    """The rebuild checks only what the last build did not find conforming, with the same
    verdict and message as a check of the whole descriptor: a resource of the changed plan
    that breaks the profile still fails, as does a broken part the cache knew whole."""
    cache = tmp_path / "cache" / "corpus"
    cold = build_corpus([sources], tmp_path / "cold", jobs=1, cache=True)
    assert known_conforming(cache)
    shutil.copy(GENRE / "chapters-articles.txt", sources / "articles-only.txt")
    warm = build_corpus([sources], tmp_path / "warm", jobs=1, cache=True)
    descriptor = json.loads((tmp_path / "warm" / "datapackage.json").read_bytes())
    (plan_id,) = set(warm.plans) - set(cold.plans)
    changed = plan_files(plan_id)["plan_json"]
    check_descriptor(descriptor, cache)  # the package as published passes either way
    check_descriptor(descriptor)
    for case, broken in _broken_copies(descriptor, changed).items():
        with pytest.raises(InvalidPackageError) as whole:
            check_descriptor(broken)
        with pytest.raises(InvalidPackageError) as known:
            check_descriptor(broken, cache)
        assert str(known.value) == str(whole.value), case
    check_descriptor(descriptor, cache)  # a failed check did not forget what conforms


def test_a_rebuild_checks_only_what_changed_against_the_profile(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = build_corpus([sources], tmp_path / "cold", jobs=1, cache=True)
    shutil.copy(GENRE / "chapters-articles.txt", sources / "articles-only.txt")
    checked: list[dict[str, Any]] = []
    real = package_module.profile_errors

    def recording(name: str, instance: Any) -> Any:
        checked.append(instance)
        return real(name, instance)

    monkeypatch.setattr(package_module, "profile_errors", recording)
    warm = build_corpus([sources], tmp_path / "warm", jobs=1, cache=True)
    assert len(checked) == 1
    paths = {r["path"] for r in checked[0]["resources"]}
    (plan_id,) = set(warm.plans) - set(cold.plans)
    assert set(plan_files(plan_id).values()) <= paths  # and the tables, the catalogue
    published = json.loads((tmp_path / "warm" / "datapackage.json").read_bytes())
    assert len(paths) < len(published["resources"])
    assert all("schema" not in r and "dialect" not in r for r in checked[0]["resources"])
    checked.clear()
    build_corpus([sources], tmp_path / "full", jobs=1)  # without the cache: the whole
    assert checked == [published]


def test_a_plan_entry_is_kept_as_it_was_made() -> None:
    import dataclasses
    import datetime as dt

    from fgf_opendata.linked.catalog import PlanEntry

    entry = PlanEntry(
        "p-1", "https://x/p-1", "方案", "国办发〔2021〕1号", dt.date(2021, 1, 2), None
    )
    undated = dataclasses.replace(entry, doc_number=None, issued=None, end=dt.date(2025, 12, 31))
    for made in (entry, undated):
        assert PlanEntry.from_json(json.loads(json.dumps(made.to_json()))) == made
    for broken in ({**entry.to_json(), "title": 3}, {**entry.to_json(), "issued": "soon"}, {}):
        with pytest.raises((ValueError, KeyError, TypeError)):
            PlanEntry.from_json(broken)


def test_the_package_profile_checks_each_resource_and_part_on_its_own() -> None:
    """What lets `check_descriptor` leave out what conformed before: in the Data Package
    profile no keyword relates two resources, or a resource's schema or dialect to anything
    else (no `$ref`, no conditionals, `oneOf` only on `name`, `data` and `path`). A profile
    that changes this shape fails here before the shortcut could pass a broken package."""
    from importlib import resources

    from fgf_opendata.tabular.profiles import PROFILES

    annotations = {"title", "description", "propertyOrder", "examples", "context", "default"}
    text = (
        resources.files("fgf_opendata") / "data" / "profiles" / PROFILES["datapackage"]
    ).read_text(encoding="utf-8")
    for keyword in ('"$ref"', '"if"', '"dependencies"', '"dependentRequired"', '"allOf"'):
        assert keyword not in text, keyword
    profile = json.loads(text)
    listed = profile["properties"]["resources"]
    assert set(listed) - annotations == {"type", "minItems", "items"}
    item = listed["items"]
    assert set(item) - annotations == {"type", "oneOf", "properties"}
    for branch in item["oneOf"]:
        assert set(branch) == {"required"}
        assert set(branch["required"]) <= {"name", "data", "path"}
