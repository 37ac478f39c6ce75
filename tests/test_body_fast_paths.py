"""The body reader's shortcuts answer what the general path they replace answers.

`numbering.expects` holds the numbering rule that `expected_numbers` once held (the old form is
kept here to hold both to it); the end of an item's line is found in the scan view with
`str.find` instead of `Source.line_end`.
Both are held to the general path on generated states and texts.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fgf_opendata.parsing.markers import Marker
from fgf_opendata.parsing.numbering import Item, State, expected_numbers, expects, is_expected
from fgf_opendata.parsing.source import Source

_SMALL = st.integers(0, 4)


@st.composite
def _states(draw: st.DrawFn) -> State:
    parent = None
    if draw(st.booleans()):
        parent = Item(draw(st.integers(1, 3)), 1, "1．", "", "", 0, 0)
        parent.children = [
            Item(3, n, "", "", "", 0, 0, numbered=draw(st.booleans()))
            for n in range(draw(st.integers(0, 2)))
        ]
    holder = Item(2, 1, "（一）", "", "", 0, 0) if draw(st.booleans()) else None
    return State(
        section=draw(_SMALL),
        task=draw(_SMALL),
        task_in_section=draw(_SMALL),
        restarting=draw(st.sampled_from([None, True, False])),
        measure=draw(_SMALL),
        parent=parent,
        last=None,
        top=draw(st.integers(1, 3)),
        point=draw(_SMALL),
        holder=holder,
    )


def _expected_numbers_as_it_was(level: int, state: State) -> tuple[int, ...]:
    """`numbering.expected_numbers` as it was written before `expects` held the rule."""
    top = state.top
    if level < top:
        return ()
    if level == 4:
        return (state.point + 1,) if state.holder is not None else ()
    if level == 1:
        return (state.section + 1,)
    if level == 2:
        if top == 2:
            return (state.task + 1,)
        if state.section == 0 and state.task == 0:
            return (1,)
        if state.restarting is True:
            return (state.task_in_section + 1,)
        if state.restarting is False:
            return (state.task + 1,)
        return tuple(sorted({state.task + 1, state.task_in_section + 1}))
    if top == 3:
        return (state.measure + 1,)
    if state.parent is None or (state.parent.children and not state.parent.children[-1].numbered):
        return ()
    return (state.measure + 1,)


@given(_states(), st.integers(1, 4), st.integers(0, 6))
def test_expects_equals_membership_in_expected_numbers(
    state: State, level: int, number: int
) -> None:
    wanted = number in _expected_numbers_as_it_was(level, state)
    assert expects(level, number, state) == wanted
    assert is_expected(Marker(level, number, 0), state) == wanted
    assert not is_expected(None, state)
    assert expected_numbers(level, state) == _expected_numbers_as_it_was(level, state)


@given(st.text(alphabet="a国（）\n\r ", max_size=12), st.data())
def test_the_line_end_found_in_the_view_is_the_line_end_of_the_source(
    text: str, data: st.DataObject
) -> None:
    source = Source(text)
    pos = data.draw(st.integers(0, len(text)))
    found = source.text.find("\n", pos)
    assert (found if found >= 0 else len(text)) == source.line_end(pos)
