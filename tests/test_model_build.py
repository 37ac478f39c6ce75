"""How the model's classes are built: the field docstrings are their descriptions, and importing
the model builds no validator (the import stays cheap for the commands that only parse)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import BaseModel
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from fgf_opendata import model

MODELS = [
    value
    for value in vars(model).values()
    if isinstance(value, type)
    and issubclass(value, BaseModel)
    and value.__module__ == model.__name__
    and not value.__name__.startswith("_")
]


def _docstrings(cls: type[BaseModel]) -> dict[str, str]:
    """Field -> the string right under it in the class body, as pydantic's own
    `use_attribute_docstrings` reads it (its private reader, so a difference between
    `model._describe_fields` and pydantic is what this test finds)."""
    return extract_docstrings_from_cls(cls, use_inspect=True)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_every_field_is_described_by_its_docstring(cls: type[BaseModel]) -> None:
    docs = _docstrings(cls)
    assert set(docs) == set(cls.model_fields), "every field has a docstring under it"
    for name, info in cls.model_fields.items():
        assert info.description == docs[name]
    properties = cls.model_json_schema()["properties"]
    assert {name: properties[name].get("description") for name in docs} == docs


def test_a_multi_line_docstring_is_cleaned_as_pydantic_cleans_it() -> None:
    description = model.Assignment.model_fields["span"].description
    assert description is not None
    assert description.startswith("Where the name stands in the source, inside its ")
    assert "\n(相关单位及地区 -> 相关地区), that noun (地区)." in description
    assert "\n    " not in description


def test_importing_the_model_builds_no_validator() -> None:
    # In a fresh process: here other tests may have validated plans already.
    script = (
        "from fgf_opendata import model\n"
        "built = [c.__name__ for c in vars(model).values()\n"
        "         if isinstance(c, type) and getattr(c, '__pydantic_complete__', False)]\n"
        "assert built == [], built\n"
        "model.Span(line=1, start=0, end=0)\n"
        "assert model.Span.__pydantic_complete__\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_a_deferred_model_still_validates() -> None:
    with pytest.raises(ValueError, match="span ends"):
        model.Span(line=1, start=5, end=4)
