"""Source: parentheses paired within each line, answered lazily, as the whole-text pairing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fgf_opendata.parsing.source import Source


def _pairing(text: str) -> tuple[dict[int, int], list[int]]:
    """The reference: every parenthesis of the text paired in one pass, line by line."""
    closes: dict[int, int] = {}
    unmatched: list[int] = []
    stack: list[int] = []
    for pos, ch in enumerate(text):
        if ch == "\n":
            stack.clear()
        elif ch in "（(":
            stack.append(pos)
        elif ch in "）)":
            if stack:
                closes[stack.pop()] = pos
            else:
                unmatched.append(pos)
    return closes, unmatched


pieces = st.sampled_from([*"（()）\n甲，。", "（甲）", "\r\n"])
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts, st.data())
def test_parentheses_pair_as_in_one_pass(text: str, data: st.DataObject) -> None:
    source = Source(text)
    closes, unmatched = _pairing(text)
    for pos in range(len(text)):
        assert source.matching_close(pos) == closes.get(pos, -1)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = next((u for u in unmatched if start <= u < end), -1)
    assert source.unmatched_close(start, end) == expected


def test_a_responsibility_line_closes_at_its_end() -> None:
    text = "加强监管。\n（财政部牵头，各地区（含兵团）负责）\n（未闭合\n）"
    source = Source(text)
    start = text.index("（财政部")
    assert source.matching_close(start) == text.index("负责）") + 2
    assert source.matching_close(text.index("（含")) == text.index("兵团）") + 2
    assert source.matching_close(text.index("（未")) == -1
    assert source.unmatched_close(0, len(text)) == len(text) - 1
