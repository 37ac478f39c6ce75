"""An incremental corpus build: only the sources that changed are parsed again, and the
package is byte-identical to a full build; a damaged cache entry is rebuilt, never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REFERENCE
from fgf_opendata.corpus import build_corpus
from fgf_opendata.corpus import chunks as chunks_module

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


def test_a_damaged_entry_is_rebuilt_not_published(
    sources: Path, tmp_path: Path, parsed: list[str]
) -> None:
    build_corpus([sources], tmp_path / "first", jobs=1, cache=True)
    entries = sorted((tmp_path / "cache" / "corpus").rglob("*.chunk"))
    assert len(entries) == 4
    data = bytearray(entries[0].read_bytes())
    data[-10] ^= 0x01  # one bit of its triples flips on disk
    entries[0].write_bytes(bytes(data))
    entries[1].write_bytes(entries[1].read_bytes()[:100])  # another is cut short
    parsed.clear()
    build_corpus([sources], tmp_path / "second", jobs=1, cache=True)
    assert len(parsed) == 2
    assert _files(tmp_path / "second") == _files(tmp_path / "first")
    parsed.clear()
    build_corpus([sources], tmp_path / "third", jobs=1, cache=True)
    assert parsed == []  # the rebuilt entries were stored again


def test_parallel_workers_fill_and_use_the_cache(sources: Path, tmp_path: Path) -> None:
    for name in ("chapters-articles.txt", "chapters-sections-articles.txt"):
        shutil.copy(GENRE / name, sources / name)
    build_corpus([sources], tmp_path / "one", jobs=2, cache=True)
    build_corpus([sources], tmp_path / "two", jobs=2, cache=True)
    build_corpus([sources], tmp_path / "three", jobs=1)
    assert _files(tmp_path / "one") == _files(tmp_path / "two") == _files(tmp_path / "three")
