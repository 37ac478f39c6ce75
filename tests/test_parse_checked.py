"""The parser builds its nodes without validating them: they must equal validated ones.

`construct_checked` skips pydantic validation for values the parser has checked itself. These
tests hold it to that: every node of a parsed plan passes validation unchanged, carries its
fields in declaration order with all of them set (as `Model(**fields)` would), and the whole
plan survives a validating JSON round trip as an equal plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import REFERENCE
from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import Plan, Span
from fgf_opendata.parsing import parse_plan
from fgf_opendata.parsing.nodes import construct_checked
from fgf_opendata.serialize import plan_from_json, plan_to_json
from strategies import synthetic_text

REGISTRY: Registry = default_registry()
GENRE = sorted((Path(__file__).parent / "cases" / "genre").glob("*.txt"))


def _texts() -> Iterator[tuple[str, str]]:
    yield REFERENCE.name, REFERENCE.read_text(encoding="utf-8")
    for path in GENRE:
        yield path.name, path.read_text(encoding="utf-8")
    for seed in range(3):
        yield f"synthetic-{seed}", synthetic_text(seed, size=0.3)


TEXTS = dict(_texts())


def _nodes(value: object) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for field in type(value).model_fields:
            yield from _nodes(getattr(value, field))
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes(item)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_parsed_nodes_equal_validated_nodes(name: str) -> None:
    plan = parse_plan(TEXTS[name], registry=REGISTRY)
    for node in _nodes(plan):
        cls = type(node)
        fields = list(cls.model_fields)
        assert list(node.__dict__) == fields, cls.__name__
        assert node.model_fields_set == set(fields), cls.__name__
        validated = cls.model_validate(dict(node.__dict__))
        assert validated == node
        assert repr(validated) == repr(node)
        assert validated.model_dump_json() == node.model_dump_json()
    again = plan_from_json(plan_to_json(plan))
    assert again == plan
    assert repr(again) == repr(plan)
    assert isinstance(again, Plan)


def test_construct_checked_matches_the_validating_constructor() -> None:
    checked = construct_checked(Span, line=2, start=3, end=5)
    validated = Span(line=2, start=3, end=5)
    assert checked == validated
    assert hash(checked) == hash(validated)
    assert repr(checked) == repr(validated)
    assert checked.model_dump_json() == validated.model_dump_json()
    assert checked.model_copy(update={"end": 9}) == Span(line=2, start=3, end=9)
