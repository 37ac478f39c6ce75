"""Cutting actor lists: the registry's trie pattern against a plain longest-match scan.

`ResponsibilityReader` cuts a list of actors with one regex built from
`Registry.name_pattern()`. These tests hold it to the character-by-character scan it replaced:
separators, 以及, 等 (with 部门, 单位 or 部门和单位 after it), the longest known name that a
separator, 等, the end or another known name follows, else an unknown name up to the next
、 及 等 与.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import Agency
from fgf_opendata.parsing.responsibility import (
    BARE_NOUNS,
    Cited,
    ResponsibilityReader,
    parse_responsibility,
)

REGISTRY: Registry = default_registry()
_SEPARATORS = frozenset("、，,及和与 \u3000")
_UNKNOWN_STOP = frozenset("、，,及等与")
# What may follow a registry name for it to count: a separator, 等, 以 (以及) or the end.
_NAME_ENDS = _SEPARATORS | frozenset("等以")


def _scan(names: str, registry: Registry) -> tuple[list[str], bool]:
    """The reference: a position-by-position longest match (the tokeniser before the regex)."""
    known = registry.name_set()
    longest = registry.longest_name()
    tokens: list[str] = []
    open_ended = False
    pos, size = 0, len(names)

    def starts_a_name(at: int) -> bool:
        return any(names[at : at + n] in known for n in range(1, longest + 1))

    while pos < size:
        if names.startswith("以及", pos):
            pos += 2
            continue
        ch = names[pos]
        if ch in _SEPARATORS:
            pos += 1
            continue
        if ch == "等":
            open_ended = True
            for tail in ("部门和单位", "部门及单位", "部门", "单位", ""):
                if names.startswith(tail, pos + 1):
                    pos += 1 + len(tail)
                    break
            continue
        for length in range(min(longest, size - pos), 0, -1):
            after = pos + length
            if names[pos:after] in known and (
                after == size or names[after] in _NAME_ENDS or starts_a_name(after)
            ):
                tokens.append(names[pos : pos + length])
                pos += length
                break
        else:
            end = pos + 1
            while end < size and names[end] not in _UNKNOWN_STOP:
                end += 1
            chunk, start = names[pos:end], 0
            for i, c in enumerate(chunk):
                if (
                    c == "和"
                    and i - start <= longest
                    and chunk[start:i] in known
                    and i + 1 < len(chunk)
                ):
                    tokens.append(chunk[start:i])
                    start = i + 1
            tokens.append(chunk[start:])
            pos = end
    return tokens, open_ended


# Names, their pieces and the characters that matter to the scan, then anything.
_NAMES = sorted(REGISTRY.name_set())
pieces = st.sampled_from(_NAMES) | st.sampled_from([n[: len(n) // 2] for n in _NAMES if len(n) > 1])
specials = st.sampled_from(
    [*"、，,及和与等以 \u3000", "以及", "相关", "地区", "部门", "单位", "x", "(", "\\"]
)
actor_lists = st.lists(pieces | specials | st.text(max_size=3), max_size=12).map("".join)


def _cut(reader: ResponsibilityReader, names: str) -> tuple[list[str], bool]:
    """The names the reader cuts `names` into, as printed at the offsets it gives (the
    assignment's span, issue 15), each checked to be the actor cited but for a bare noun,
    which is cited as the name it shares a prefix with (相关单位及地区: 相关地区); whether 等
    left the list open."""
    cited: list[Cited] = []
    _, open_ended = reader._grammar._cite(names, 0, "responsible", cited)
    printed = [names[c.start : c.end] for c in cited]
    assert all(c.agency == p or p in BARE_NOUNS for c, p in zip(cited, printed, strict=True))
    return printed, open_ended


@settings(max_examples=1500, deadline=None)
@given(actor_lists)
def test_tokens_match_the_longest_match_scan(names: str) -> None:
    assert _cut(ResponsibilityReader(REGISTRY), names) == _scan(names, REGISTRY)


def test_name_pattern_takes_the_longest_name() -> None:
    pattern = re.compile(REGISTRY.name_pattern())
    for name in _NAMES:
        match = pattern.match(name + "牵头")
        assert match is not None
        assert match.group() == name
    assert pattern.match("牵头") is None


def agency(agency_id: str, name: str, *aliases: str) -> Agency:
    """An agency of a made-up registry, named `name` (and `aliases`)."""
    return Agency(
        id=agency_id, name_zh=name, full_name_zh=name, name_en=agency_id, aliases=aliases,
        kind="organisation", category="other",
    )  # fmt: skip


def test_names_with_regex_characters_and_shared_prefixes() -> None:
    registry = Registry(
        (agency("a", "甲(乙)部", "甲.部"), agency("b", "甲"), agency("c", "甲(乙)部办公室"))
    )
    reader = ResponsibilityReader(registry)
    for text in (
        "甲(乙)部办公室、甲(乙)部及甲.部和甲",
        "甲x部、甲(乙部",
        "甲甲(乙)部办",
        "甲、甲等部门",
        "甲(乙)部甲.部",
        "甲(乙)部x",
        "甲等部门和单位乙",
    ):
        assert _cut(reader, text) == _scan(text, registry)
    parsed = parse_responsibility("甲(乙)部办公室牵头，甲.部负责", registry)
    assert [(a.agency, a.agency_id, a.role) for a in parsed.assignments] == [
        ("甲(乙)部办公室", "c", "lead"),
        ("甲.部", "a", "responsible"),
    ]


def test_a_registry_without_names_cuts_every_name_as_unknown() -> None:
    registry = Registry(())
    assert registry.name_pattern() == "(?!)"
    reader = ResponsibilityReader(registry)
    assert _cut(reader, "财政部、商务部等") == (["财政部", "商务部"], True)


def test_a_repeated_line_is_read_once_per_reader() -> None:
    reader = ResponsibilityReader(REGISTRY)
    line = "财政部牵头，各地区按职责分工负责"
    assert reader.parse(line) is reader.parse(line)
    assert reader.parse(line) == parse_responsibility(line, REGISTRY)
