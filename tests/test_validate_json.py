"""The one JSON loader for user files: bounded nesting and integers, errors with a position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fgf_opendata.errors import ParseError
from fgf_opendata.jsonload import MAX_DEPTH, load_json


def test_plain_json_loads_as_the_json_module_reads_it() -> None:
    text = '{"a": [1, -2, 3.5e10, "[[[{{", "\\"]"], "b": {"c": null, "d": true}}'
    assert load_json(text, "x.json") == json.loads(text)
    assert load_json(text.encode(), "x.json") == json.loads(text)


def test_nesting_100000_deep_is_a_located_error_not_a_recursion_error() -> None:
    text = "\n" + "[" * 100_000 + "]" * 100_000
    with pytest.raises(ParseError) as caught:
        load_json(text, "pkg/datapackage.json")
    error = caught.value
    assert error.code == "invalid-json"
    assert (error.line, error.column) == (2, MAX_DEPTH + 1)
    assert "pkg/datapackage.json: line 2, column 65: JSON nested deeper than 64 levels" in str(
        error
    )


def test_nesting_up_to_the_bound_is_accepted() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json(text, "x.json") is not None
    text = '{"k": ' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    assert load_json(text, "x.json") is not None


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
        ('{"k": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), 6 * MAX_DEPTH + 1),
        # the first branch within the bound, a later one past it: every branch counts
        ("[[1], " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "]", 7 + MAX_DEPTH - 1),
    ],
)
def test_nesting_one_past_the_bound_is_refused_though_python_reads_it(
    text: str, column: int
) -> None:
    # json.loads reads these (they nest far less than Python recurses): the bound is fgf's.
    json.loads(text)
    with pytest.raises(ParseError, match=f"column {column}: JSON nested deeper than 64 levels"):
        load_json(text, "x.json")


@pytest.mark.parametrize("sign", ["", "-"])
def test_an_integer_over_4300_digits_is_a_located_error(sign: str) -> None:
    text = '{"bytes": ' + sign + "9" * 5000 + "}"
    with pytest.raises(ParseError) as caught:
        load_json(text, "datapackage.json")
    assert "datapackage.json: line 1, column 11: an integer of 5,000 digits (at most 4,300)" in str(
        caught.value
    )
    assert caught.value.column == 11


@pytest.mark.parametrize(
    "text",
    ['"' + "9" * 5000 + '"', "0." + "9" * 5000, "9" * 5000 + ".5", "1e" + "9" * 5000, "9" * 4300],
)
def test_long_digit_runs_that_are_no_long_integer_are_read(text: str) -> None:
    assert load_json(text, "x.json") == json.loads(text)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{", "x.json: line 1, column 2: not valid JSON: Expecting property name"),
        ("[NaN]", "not valid JSON: NaN is not a JSON value"),
        (b'{"a": "\xff"}', "x.json: line 1, column 8: not UTF-8 (byte 0xff at offset 7)"),
        ('{"a": 1} x', "x.json: line 1, column 10: not valid JSON: Extra data"),
    ],
)
def test_broken_json_is_a_parse_error_naming_the_file(data: str | bytes, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        load_json(data, "x.json")
    assert message in str(caught.value)
    assert caught.value.code == "invalid-json"


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(_VALUES)
def test_every_json_value_reads_back(value: object) -> None:
    assert load_json(json.dumps(value), "x.json") == value


@given(st.text(alphabet='[]{}"\\,:0123456789-.eE ntrufalse', max_size=60))
def test_any_text_reads_as_the_json_module_reads_it_or_is_a_parse_error(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ParseError):
            load_json(text, "x.json")
    else:
        assert load_json(text, "x.json") == expected


# --- every reader of user JSON uses it ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"sections": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "JSON nested deeper than 64 levels",
        ),
        ('{"sections": [], "n": ' + "9" * 5000 + "}", "an integer of 5,000 digits"),
    ],
    ids=["deep", "long-integer"],
)
def test_diff_refuses_a_hostile_plan_json_with_exit_2(
    tmp_path: Path, text: str, message: str
) -> None:
    from click.testing import CliRunner

    from conftest import REFERENCE
    from fgf_opendata.cli import main

    plan = tmp_path / "plan.json"
    plan.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(plan), str(REFERENCE)])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"fgf: error: {plan}: line 1, column ")
    assert message in result.stderr
    assert "internal error" not in result.stderr
