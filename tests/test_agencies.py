"""The agency registry: the packaged data, lookups, and loading an injected CSV."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from fgf_opendata.agencies import CATEGORIES, Registry, default_registry, load_registry
from fgf_opendata.errors import UnknownAgencyError
from fgf_opendata.model import Agency

REFERENCE = Path(__file__).parents[1] / "sources" / "guobanfa-2021-25.txt"
DATA = Path(__file__).parents[1] / "src" / "fgf_opendata" / "data" / "agencies.csv"

# Every actor the reference plan's responsibility lines cite, as printed (35 bodies, 7 collectives).
CITED = frozenset(
    {
        "中国残联", "交通运输部", "人力资源社会保障部", "人民银行", "住房城乡建设部", "公安部",
        "农业农村部", "司法部", "商务部", "国务院办公厅", "国务院国资委", "国家医保局",
        "国家卫生健康委", "国家发展改革委", "国家外汇局", "国家林草局", "国家知识产权局",
        "国家移民局", "国家能源局", "国家药监局", "外交部", "审计署", "工业和信息化部",
        "市场监管总局", "应急部", "教育部", "民政部", "水利部", "海关总署", "生态环境部",
        "科技部", "税务总局", "自然资源部", "财政部", "银保监会",
        "各地区", "各相关部门", "各部门", "国务院相关部门", "相关单位", "相关地区", "地区",
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


def _cited_in_reference() -> set[str]:
    """Names in the reference's responsibility lines: （…负责） split on 、，及等, roles cut off."""
    names: set[str] = set()
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not (line.startswith("（") and line.endswith("负责）")):
            continue
        for part in re.split("[、，及等]", line[1:-1]):
            name = re.sub("(按职责分工负责|牵头|负责)$", "", part)
            if name:
                names.add(name)
    return names


def test_reference_cites_the_listed_names() -> None:
    assert _cited_in_reference() == CITED


@pytest.mark.parametrize("name", sorted(CITED))
def test_every_cited_name_resolves(registry: Registry, name: str) -> None:
    agency = registry.resolve(name)
    assert name in {agency.name_zh, agency.full_name_zh, *agency.aliases}


def test_collectives_from_the_facts_file_keep_their_ids(registry: Registry) -> None:
    expected = {
        "各地区": "all-localities",
        "国务院相关部门": "sc-relevant-departments",
        "各部门": "all-departments",
        "相关单位": "relevant-units",
        "相关地区": "relevant-localities",
        "地方": "local-governments",
        "各相关部门": "all-relevant-departments",
        "地区": "localities",
    }
    assert {name: registry.resolve(name).id for name in expected} == expected


def test_ids_are_unique_slugs_in_order(registry: Registry) -> None:
    ids = [a.id for a in registry]
    assert ids == sorted(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


def test_csv_rows_are_sorted_by_id() -> None:
    with DATA.open(encoding="utf-8", newline="") as stream:
        ids = [row["id"] for row in csv.DictReader(stream)]
    assert ids == sorted(ids)
    assert 150 <= len(ids) <= 200


def test_no_name_names_two_agencies(registry: Registry) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for agency in registry:
        for name in {agency.name_zh, agency.full_name_zh, *agency.aliases}:
            key = unicodedata.normalize("NFKC", name).strip()
            if owner.setdefault(key, agency.id) != agency.id:
                clashes.append((name, owner[key], agency.id))
    assert clashes == []


def test_parents_and_successors_exist(registry: Registry) -> None:
    for agency in registry:
        for target in (agency.parent_id, agency.successor_id):
            assert target is None or registry.get(target) is not None, agency.id


def test_only_dissolved_bodies_have_successors(registry: Registry) -> None:
    for agency in registry:
        assert (agency.successor_id is None) or (agency.dissolved is not None), agency.id
        if agency.established is not None and agency.dissolved is not None:
            assert agency.established <= agency.dissolved, agency.id


def test_kind_and_category_agree(registry: Registry) -> None:
    for agency in registry:
        assert agency.category in CATEGORIES, agency.id
        assert (agency.kind == "collective") == (agency.category == "collective"), agency.id


def test_cbirc_was_replaced_by_nfra(registry: Registry) -> None:
    cbirc = registry.resolve("银保监会")
    assert (cbirc.id, cbirc.dissolved, cbirc.successor_id) == ("cbirc", 2023, "nfra")
    assert registry.resolve("中国银行保险监督管理委员会") is cbirc
    assert registry.resolve("金融监管总局").id == "nfra"


def test_cnipa_keeps_its_2021_status(registry: Registry) -> None:
    cnipa = registry.resolve("国家知识产权局")
    assert (cnipa.category, cnipa.parent_id) == ("ministry-administered", "samr")


@pytest.mark.parametrize(
    ("name", "agency_id"),
    [
        ("发展改革委", "ndrc"),
        ("国家发展和改革委员会", "ndrc"),
        ("工信部", "miit"),
        ("人社部", "mohrss"),
        ("住建部", "mohurd"),
        ("应急管理部", "mem"),
        ("国家市场监督管理总局", "samr"),
        ("中国人民银行", "pboc"),
        ("央行", "pboc"),
        ("中国证监会", "csrc"),
        ("国家统计局", "nbs"),
        ("外汇局", "safe"),
        ("国资委", "sasac"),
        ("国家网信办", "cac"),
        ("各省、自治区、直辖市人民政府", "provincial-governments"),
        ("国务院有关部门", "sc-relevant-departments"),
        ("各有关单位", "all-relevant-units"),
        ("网信办", "cac"),
        ("全国总工会", "acftu"),
        ("共青团中央", "cylc"),
        ("全国妇联", "acwf"),
        ("中国残联", "cdpf"),
        ("供销合作总社", "acfsmc"),
        ("中华全国供销合作总社", "acfsmc"),
        ("北京冬奥组委", "bocog"),
        ("空管委办公室", "atc-commission-office"),
        ("中国铁路总公司", "china-railway-corporation"),
        ("试点城市政府", "pilot-city-governments"),
        ("各省级人民政府", "provincial-governments"),
        ("国务院职能转变协调办", "sc-function-transformation-office"),
        ("国务院食品安全办", "sc-food-safety-office"),
        ("国务院安委会办公室", "sc-work-safety-office"),
        ("国务院农民工工作领导小组办公室", "sc-migrant-workers-office"),
        ("国务院农民工办", "sc-migrant-workers-office"),
    ],
)
def test_aliases(registry: Registry, name: str, agency_id: str) -> None:
    assert registry.resolve(name).id == agency_id


@pytest.mark.parametrize(
    ("name", "agency_id"),
    [("标准委", "samr"), ("邮政局", "spb"), ("铁路局", "nra"), ("粮食和储备局", "nfsra"),
     ("海洋局", "soa"), ("版权局", "cpc-publicity-department"), ("统计局", "nbs")],
)  # fmt: skip
def test_lists_drop_the_state_prefix(registry: Registry, name: str, agency_id: str) -> None:
    # 国发〔2018〕38号 and 国办发〔2018〕121号 cite 铁路局, 标准委 ... for 国家铁路局, 国家标准委.
    assert registry.resolve(name).id == agency_id


def test_the_state_prefix_is_tried_once_only(registry: Registry) -> None:
    assert registry.lookup("国家国家铁路局") is None
    assert registry.lookup("家铁路局") is None
    assert registry.lookup("") is None


def test_coordination_bodies_belong_to_the_state_council(registry: Registry) -> None:
    bodies = [a for a in registry if a.category == "coordination-body"]
    assert len(bodies) >= 9
    for agency in bodies:
        assert agency.source, agency.id
        parent = registry.get(agency.parent_id or "")
        assert parent is not None, agency.id
        assert parent.id == "state-council" or parent.category == "coordination-body", agency.id
    assert registry.resolve("国务院安委会办公室").parent_id == "sc-work-safety-commission"


def test_china_railway_corporation_became_the_group(registry: Registry) -> None:
    crc = registry.resolve("中国铁路总公司")
    assert (crc.dissolved, crc.successor_id) == (2019, "china-railway")


def test_lookup_ignores_outer_space_and_width(registry: Registry) -> None:
    assert registry.lookup("　财政部 \n") is registry.get("mof")
    assert registry.lookup("各省(自治区、直辖市)人民政府") is registry.get("provincial-governments")
    assert registry.lookup("财政") is None


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("市场监管总", {"市场监管总局"}), ("发改委", {"国家发展改革委", "发展改革委", "国家发改委"})],
)
def test_close_matches(registry: Registry, typo: str, expected: set[str]) -> None:
    matches = registry.close_matches(typo)
    assert 0 < len(matches) <= 3
    assert matches[0] in expected


def test_resolve_unknown_raises_with_suggestions(registry: Registry) -> None:
    with pytest.raises(UnknownAgencyError) as caught:
        registry.resolve("市场监管总")
    assert caught.value.name == "市场监管总"
    assert "市场监管总局" in caught.value.suggestions


def test_names_are_longest_first(registry: Registry) -> None:
    names = registry.names()
    assert list(names) == sorted(names, key=lambda n: (-len(n), n))
    assert CITED <= set(names) == registry.name_set()
    assert registry.longest_name() == len(names[0])


FIELDS = list(Agency.model_fields)


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, FIELDS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(agency_id: str, name: str, **cells: str) -> dict[str, str]:
    base = {"id": agency_id, "name_zh": name, "full_name_zh": name, "name_en": agency_id}
    return base | {"kind": "organisation", "category": "constituent-department"} | cells


def test_injected_registry(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "agencies.csv",
        [
            _row("b-office", "乙办", parent_id="a-ministry", dissolved="2020", successor_id="a-ministry"),
            _row("a-ministry", "甲部", full_name_zh="甲部全称", aliases="甲| 甲甲 "),
            _row("everyone", "各方", kind="collective", category="collective"),
        ],
    )  # fmt: skip
    registry = load_registry(path)
    assert [a.id for a in registry] == ["a-ministry", "b-office", "everyone"]
    assert len(registry) == 3
    ministry = registry.resolve("甲甲")
    assert ministry.aliases == ("甲", "甲甲")
    assert ministry.abbreviation_en is None
    assert registry.resolve("乙办").dissolved == 2020
    assert registry.names() == ("甲部全称", "乙办", "各方", "甲甲", "甲部", "甲")
    assert registry.lookup("财政部") is None
    assert load_registry(str(path)) == registry


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("a", "甲"), _row("a", "乙")], "row 3: duplicate id 'a'"),
        ([_row("a", "甲"), _row("b", "乙", aliases="甲")], "row 3: name '甲' also names 'a'"),
        ([_row("a", "甲", parent_id="zz")], "row 2: parent_id 'zz' is not a known id"),
        ([_row("a", "甲", successor_id="zz")], "row 2: successor_id 'zz'"),
        ([_row("A", "甲")], "row 2: id 'A' is not a slug"),
        ([_row("a", "甲", category="ministry")], "row 2: unknown category"),
        ([_row("a", "甲", kind="collective")], "row 2: kind 'collective'"),
        ([_row("a", "甲", established="soon")], "row 2: 1 validation error"),
        ([_row("a", "甲", aliases="乙||丙")], "row 2: empty name"),
    ],
)
def test_bad_rows_are_reported_with_their_row(
    tmp_path: Path, rows: list[dict[str, str]], message: str
) -> None:
    path = _write(tmp_path / "agencies.csv", rows)
    with pytest.raises(ValueError, match=re.escape(message)):
        load_registry(path)


def test_wrong_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("id,name_zh\na,甲\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns must be"):
        load_registry(path)


def test_registry_built_in_code_checks_too() -> None:
    one = Agency(
        id="a", name_zh="甲", full_name_zh="甲", name_en="A", kind="organisation", category="other"
    )
    assert Registry((one,)).get("a") is one
    with pytest.raises(ValueError, match="agency 'a': duplicate id"):
        Registry((one, one))


def test_default_registry_is_shared() -> None:
    assert default_registry() is default_registry()


def test_ids_by_name_agree_with_lookup(registry: Registry) -> None:
    ids = registry.ids_by_name()
    assert set(ids) == registry.name_set()
    for name in registry.names():
        agency = registry.lookup(name)
        assert agency is not None, name
        assert ids[name] == agency.id, name
