"""The agency registry: every body and collective that responsibility lines cite.

The data lives in `data/agencies.csv` inside the package: one row per agency, its columns the fields
of `fgf_opendata.model.Agency`, `aliases` separated by `|`, sorted by id. It covers the State
Council's structure across the 2018 and 2023 reforms (bodies dissolved since keep their row, with
`dissolved` and `successor_id`), the State Council's coordination bodies (议事协调机构) and their
offices, the Party Central Committee bodies and people's organisations that co-sign plans, and
collectives such as 各地区, 国务院相关部门 or 试点城市政府.

`category` records a body's place in the structure when the reference plan was issued (2021), or
in its last form for a body dissolved before then, or its first form for one created after.
国家知识产权局 is therefore a bureau under 市场监管总局, not the directly affiliated body it
became in 2023.

A `Registry` is immutable and is passed to the stages that need it; `default_registry()` loads
the packaged file once.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from pydantic import ValidationError

from fgf_opendata.errors import UnknownAgencyError
from fgf_opendata.model import Agency

__all__ = ["AGENCY_ID", "CATEGORIES", "Registry", "default_registry", "load_registry"]

CATEGORIES = (
    "state-council",  # 国务院
    "general-office",  # 国务院办公厅
    "constituent-department",  # 国务院组成部门
    "special-body",  # 国务院直属特设机构 (国务院国资委)
    "directly-affiliated",  # 国务院直属机构
    "office",  # 国务院办事机构
    "coordination-body",  # 国务院议事协调机构 and their offices (国务院安委会办公室)
    "institution",  # 国务院直属事业单位
    "ministry-administered",  # 部委管理的国家局
    "party-central",  # bodies of the Party Central Committee
    "other",  # people's organisations, courts, procuratorate, enterprises
    "collective",  # open sets of actors (各地区); the only category of kind collective
)
"""The values `Agency.category` may take in the registry."""

AGENCY_ID = re.compile(r"[a-z0-9-]+")
"""What an agency id is made of (the registry checks it; the agencies table declares it)."""
_FIELDS = tuple(Agency.model_fields)
_CUTOFF = 0.5
_STATE = "国家"  # the prefix lists drop: 标准委 for 国家标准委


def _key(name: str) -> str:
    """The form names are compared in: NFKC (full-width folds to half-width), outer space cut."""
    return unicodedata.normalize("NFKC", name).strip()


def _cited_names(agency: Agency) -> tuple[str, ...]:
    """Every name an agency is cited by, without repeats, short name first."""
    return tuple(dict.fromkeys((agency.name_zh, agency.full_name_zh, *agency.aliases)))


@dataclass(frozen=True)
class Registry:
    """A closed set of agencies, looked up by id or by any name they are cited by.

    Construction checks that ids are unique slugs, categories known, every name and alias names
    one agency only, and every parent and successor is in the registry; it raises `ValueError`
    otherwise. `where` labels each agency in those messages (load_registry passes CSV rows).
    """

    agencies: tuple[Agency, ...]
    where: InitVar[Sequence[str] | None] = None
    _by_id: Mapping[str, Agency] = field(init=False, repr=False, compare=False)
    _by_key: Mapping[str, Agency] = field(init=False, repr=False, compare=False)
    _by_name: Mapping[str, Agency] = field(init=False, repr=False, compare=False)
    _display: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _name_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self, where: Sequence[str] | None) -> None:
        agencies = tuple(self.agencies)
        labels = where if where is not None else [f"agency {a.id!r}" for a in agencies]
        if len(labels) != len(agencies):
            raise ValueError(f"{len(labels)} labels for {len(agencies)} agencies")
        by_id: dict[str, int] = {}
        by_key: dict[str, int] = {}
        display: dict[str, str] = {}
        for i, agency in enumerate(agencies):
            _check_row(agency, labels[i])
            if agency.id in by_id:
                first = labels[by_id[agency.id]]
                raise ValueError(f"{labels[i]}: duplicate id {agency.id!r} (first at {first})")
            by_id[agency.id] = i
            for name in _cited_names(agency):
                key = _key(name)
                if not key:
                    raise ValueError(f"{labels[i]}: empty name or alias")
                other = by_key.setdefault(key, i)
                if other != i:
                    raise ValueError(
                        f"{labels[i]}: name {name!r} also names {agencies[other].id!r}"
                        f" ({labels[other]})"
                    )
                display.setdefault(key, name)
        for i, agency in enumerate(agencies):
            for column in ("parent_id", "successor_id"):
                target = getattr(agency, column)
                if target is not None and target not in by_id:
                    raise ValueError(f"{labels[i]}: {column} {target!r} is not a known id")
        ordered = tuple(sorted(agencies, key=lambda a: a.id))
        object.__setattr__(self, "agencies", ordered)
        object.__setattr__(self, "_by_id", MappingProxyType({a.id: a for a in ordered}))
        object.__setattr__(
            self, "_by_key", MappingProxyType({k: agencies[i] for k, i in by_key.items()})
        )
        object.__setattr__(self, "_display", MappingProxyType(display))
        names = frozenset(name for a in ordered for name in _cited_names(a))
        object.__setattr__(self, "_names", tuple(sorted(names, key=lambda n: (-len(n), n))))
        object.__setattr__(self, "_name_set", names)
        # Names as printed need no normalising: each one's key is in _by_key by construction.
        by_name = {name: agencies[by_key[_key(name)]] for name in names}
        object.__setattr__(self, "_by_name", MappingProxyType(by_name))

    def __hash__(self) -> int:
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        # The dataclass's own hash would hash every agency on each call; parser memos key on
        # the registry once per document. Equal registries have the same ids, so the same
        # checksum of them (the same in every process, unlike hashes of strings).
        return zlib.crc32("\n".join(a.id for a in self.agencies).encode())

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self) -> Iterator[Agency]:
        return iter(self.agencies)

    def get(self, agency_id: str) -> Agency | None:
        """The agency with this id, or None."""
        return self._by_id.get(agency_id)

    def lookup(self, name: str) -> Agency | None:
        """The agency cited by this name (short, full or alias), or None.

        Surrounding whitespace and full-width/half-width differences are ignored, and so is a
        dropped 国家: State Council documents list 标准委, 邮政局, 粮食和储备局 for 国家标准委,
        国家邮政局, 国家粮食和储备局, so a name not found is tried once more with 国家 before it.
        """
        agency = self._by_name.get(name)  # a name as printed: no normalising needed
        if agency is not None:
            return agency
        key = _key(name)
        agency = self._by_key.get(key)
        if agency is None and key and not key.startswith(_STATE):
            agency = self._by_key.get(_STATE + key)
        return agency

    def resolve(self, name: str) -> Agency:
        """The agency cited by this name; raises `UnknownAgencyError` with close matches."""
        agency = self.lookup(name)
        if agency is None:
            raise UnknownAgencyError(name, self.close_matches(name))
        return agency

    def close_matches(self, name: str, n: int = 3) -> tuple[str, ...]:
        """Up to `n` known names that look like `name`, best first (市场监管总 -> 市场监管总局)."""
        keys = difflib.get_close_matches(_key(name), self._display, n=n, cutoff=_CUTOFF)
        return tuple(self._display[k] for k in keys)

    def names(self) -> tuple[str, ...]:
        """Every name and alias, longest first then in code-point order, for longest-match."""
        return self._names

    def name_set(self) -> frozenset[str]:
        """Every name and alias as printed, for exact membership tests while tokenising."""
        return self._name_set

    def longest_name(self) -> int:
        """Length of the longest name: the widest window a longest-match scan needs."""
        return len(self._names[0]) if self._names else 0

    def name_pattern(self) -> str:
        """A regex that matches, at a position, the longest name (as printed) found there.

        It is shaped like a trie of the names (国务院(?:办公厅)?), so a match takes one step per
        character of the name found however many names the registry holds; it never matches
        the empty string. Built on first use, then the same string every time.
        """
        return self._name_pattern

    @functools.cached_property
    def _name_pattern(self) -> str:
        return _trie_pattern(self._names)

    def collective_ids(self) -> frozenset[str]:
        """The ids of the collectives (各地区, 相关单位): open sets of actors, not bodies."""
        return self._collective_ids

    @functools.cached_property
    def _collective_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.agencies if a.kind == "collective")

    def ids_by_name(self) -> Mapping[str, str]:
        """The id each name and alias (as printed) cites, for many exact lookups at once.

        `lookup` finds the same agency for these names; other spellings need `lookup`.
        """
        return self._ids_by_name

    @functools.cached_property
    def _ids_by_name(self) -> Mapping[str, str]:
        return MappingProxyType({name: agency.id for name, agency in self._by_name.items()})


def _trie_pattern(names: Iterable[str]) -> str:
    """A regex matching the longest of `names` at a position (never the empty string).

    Names sharing a prefix share its branch (国务院(?:办公厅)?), so a match walks one branch
    per character; a greedy optional after a complete name tries the longer names first.
    """
    trie: dict[str, dict[str, Any]] = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}  # a name ends here

    def branch(node: dict[str, Any]) -> str:
        arms = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not arms:
            return ""
        body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(trie) if trie else "(?!)"


def _check_row(agency: Agency, label: str) -> None:
    """Checks one agency on its own: id slug, known category, kind agreeing with category."""
    if not AGENCY_ID.fullmatch(agency.id):
        raise ValueError(f"{label}: id {agency.id!r} is not a slug of [a-z0-9-]")
    if agency.category not in CATEGORIES:
        raise ValueError(f"{label}: unknown category {agency.category!r}")
    if (agency.kind == "collective") != (agency.category == "collective"):
        raise ValueError(f"{label}: kind {agency.kind!r} does not fit category {agency.category!r}")


def _agency(row: Mapping[str, str]) -> Agency:
    """One CSV row as an Agency: empty cells are None, aliases split on `|`."""
    values: dict[str, object] = {
        column: (cell.strip() or None) for column, cell in row.items() if column != "aliases"
    }
    aliases = row["aliases"].strip()
    values["aliases"] = tuple(a.strip() for a in aliases.split("|")) if aliases else ()
    return Agency.model_validate(values)


def _read(stream: IO[str], origin: str) -> Registry:
    reader = csv.DictReader(stream)
    if tuple(reader.fieldnames or ()) != _FIELDS:
        raise ValueError(f"{origin}: columns must be {','.join(_FIELDS)}")
    agencies: list[Agency] = []
    labels: list[str] = []
    for row in reader:
        label = f"{origin} row {reader.line_num}"
        if None in row or None in row.values():
            raise ValueError(f"{label}: expected {len(_FIELDS)} cells")
        try:
            agencies.append(_agency(row))
        except ValidationError as exc:
            raise ValueError(f"{label}: {exc}") from exc
        labels.append(label)
    return Registry(tuple(agencies), where=labels)


def load_registry(path: str | Path | None = None) -> Registry:
    """Reads and checks a registry CSV; by default the one packaged in `data/agencies.csv`.

    Raises `ValueError` naming the row when a row does not validate or the rows contradict each
    other (duplicate id, a name shared by two agencies, a parent or successor that is missing).
    """
    source: Traversable = (
        resources.files("fgf_opendata") / "data" / "agencies.csv" if path is None else Path(path)
    )
    # csv wants untranslated line ends; the file is small, so read it whole.
    stream = io.StringIO(source.read_text(encoding="utf-8-sig"), newline="")
    return _read(stream, source.name if path is None else str(path))


@functools.cache
def default_registry() -> Registry:
    """The packaged registry, loaded once (it is immutable, so sharing it is safe)."""
    return load_registry()
