"""The responsibility reader's quick paths against its general ones (issue 14, parse speed).

A line of one sentence of plain clauses (names and a verb) is read in one pass
(`_Grammar.read`), and a list of registry names cut at 、 and 等 without the tokens pattern
(`_Grammar._cite`, `_listed_names`); both must read exactly as the general reader
(`_Grammar._parse`) and the longest-match scan (`_scan`) do. The registry's grammar is shared
by the documents read against it: only by registries equal to it, and the benchmark's cold
figure starts without it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import benchmark_module
from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.parsing.responsibility import ResponsibilityReader, parse_responsibility
from test_responsibility_tokens import _cut, _scan, agency

REGISTRY: Registry = default_registry()
_NAMES = sorted(REGISTRY.name_set())


# Names the quick cut must leave to the pattern: one that holds 、 (甲、乙: its parts are
# names too), one that starts with a separator (和丙), a bare noun (地区), 以及….
_ODD = Registry(
    (
        agency("a", "甲"), agency("b", "乙"), agency("ab", "甲、乙"), agency("c", "和丙"),
        agency("d", "丁"), agency("e", "戊"), agency("r", "地区"), agency("rr", "相关地区"),
        agency("x", "以及局"), agency("y", "相关单位"),
    )
)  # fmt: skip


def test_a_list_is_cut_as_the_scan_cuts_it_around_names_the_quick_cut_leaves_alone() -> None:
    reader = ResponsibilityReader(_ODD)
    for text in (
        "甲、乙", "甲、乙部", "乙、甲、乙等丁", "甲、乙等戊", "丁、甲、乙", "甲、和丙", "丁、和丙等戊", "丁等和丙",
        "丁、地区", "相关单位、地区", "丁等地区", "丁、以及局", "丁等以及局", "丁等部门",
        "丁等单位", "丁等部门和单位", "丁等", "丁、", "、丁", "丁、、戊", "丁等戊等", "",
    ):  # fmt: skip
        assert _cut(reader, text) == _scan(text, _ODD), text
    assert [(a.agency, a.agency_id) for a in reader.parse("丁、甲、乙牵头").assignments] == [
        ("丁", "d"),
        ("甲、乙", "ab"),
    ]
    # A bare noun shares the prefix of the name before it.
    assert [a.agency for a in reader.parse("相关单位、地区负责").assignments] == [
        "相关单位",
        "相关地区",
    ]


def test_a_registry_with_a_name_holding_deng_is_always_cut_by_the_pattern() -> None:
    # 丁等戊 is one name: after 丁, 等 does not close the list.
    registry = Registry((agency("d", "丁"), agency("e", "戊"), agency("de", "丁等戊")))
    reader = ResponsibilityReader(registry)
    for text in ("丁等戊", "戊、丁等戊", "丁等戊等", "戊等丁"):
        assert _cut(reader, text) == _scan(text, registry), text
    assert [a.agency_id for a in reader.parse("戊、丁等戊负责").assignments] == ["e", "de"]


listed = st.lists(st.sampled_from(_NAMES), min_size=1, max_size=5).map("、".join)
tails = st.sampled_from(["", "等", "等各地区", "等部门", "等单位", "等部门和单位", "等地区"])


@settings(max_examples=800, deadline=None)
@given(listed, tails | st.sampled_from(_NAMES).map("等".__add__))
def test_registry_names_listed_with_dun_are_cut_as_the_scan_cuts_them(
    names: str, tail: str
) -> None:
    assert _cut(ResponsibilityReader(REGISTRY), names + tail) == _scan(names + tail, REGISTRY)


verbs = st.sampled_from(["", "牵头", "负责", "按职责分工负责", "配合", "参与", "指导", "落实"])
clauses = st.builds(
    lambda lead_in, names, tail, verb, space: space + lead_in + names + tail + verb,
    st.sampled_from(["", "", "由", "年内", "2021年底前"]),
    listed | st.sampled_from(["", "各地区", "相关单位及地区", "试点城市政府", "国务院会同财政部"]),
    tails,
    verbs,
    st.sampled_from(["", "", " ", "\u3000"]),
)
lines = st.lists(clauses, min_size=1, max_size=4).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["，", "；", ",", ";"]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True))[:-1])
)


@settings(max_examples=800, deadline=None)
@given(lines, st.booleans())
def test_a_plain_line_reads_as_the_general_reader_reads_it(line: str, lead: bool) -> None:
    grammar = ResponsibilityReader(REGISTRY)._grammar
    assert grammar.read(line, lead) == grammar._parse(line, lead)


def test_lines_the_plain_pass_leaves_to_the_general_reader() -> None:
    grammar = ResponsibilityReader(REGISTRY)._grammar
    for line in (
        "财政部牵头。列第一位者为牵头单位，下同",
        "负责部门：财政部、商务部",
        "以下均需试点城市政府落实，不再列出",
        "财政部牵头，以下均需试点城市政府落实",
        "财政部负责：年内完成",
    ):
        assert grammar.read(line, False) == grammar._parse(line, False)
    assert grammar.read("列第一位者为牵头单位，下同", False).parsed.declares_lead_by_position


def test_equal_registries_share_a_grammar_and_others_do_not() -> None:
    copy = Registry(REGISTRY.agencies)
    assert copy == REGISTRY
    assert copy is not REGISTRY
    assert hash(copy) == hash(REGISTRY)
    assert ResponsibilityReader(copy)._grammar is ResponsibilityReader(REGISTRY)._grammar
    # The same name under another id: the readings follow each registry.
    one = Registry((agency("one", "财政部"), agency("two", "商务部")))
    other = Registry((agency("uno", "财政部"), agency("two", "商务部")))
    assert one.name_pattern() == other.name_pattern()
    line = "财政部牵头，商务部负责"
    first = ResponsibilityReader(one).parse(line)
    second = ResponsibilityReader(other).parse(line)
    assert [a.agency_id for a in first.assignments] == ["one", "two"]
    assert [a.agency_id for a in second.assignments] == ["uno", "two"]
    assert parse_responsibility(line, one) == first


def test_the_benchmarks_cold_figure_starts_without_the_shared_grammar() -> None:
    module = benchmark_module("run")
    before = ResponsibilityReader(REGISTRY)._grammar
    assert ResponsibilityReader(REGISTRY)._grammar is before
    for cache_clear in module._parser_caches():
        cache_clear()
    assert ResponsibilityReader(REGISTRY)._grammar is not before
