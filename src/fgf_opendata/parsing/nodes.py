"""Model nodes built from values the parser has checked itself, without validating them.

The parser builds tens of thousands of nodes per plan from offsets and literals it controls:
pydantic validation would cost more than the rest of parsing. This is the parser's fast path
only; users and `plan_from_json` keep the model's validating constructors, and
tests/test_parse_checked.py holds every parsed node equal to a validated one.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from ..model import Span

__all__ = ["construct_checked", "span_checked"]

_Model = TypeVar("_Model", bound=BaseModel)
_new = object.__new__  # BaseModel defines no __new__; looking up cls.__new__ costs a third
_set_dict = object.__setattr__
# The slots of every pydantic model, set through their descriptors: no attribute lookup.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def construct_checked(cls: type[_Model], /, **fields: object) -> _Model:
    """A node built from values its producer has already checked, without validating them.

    Every field must be given, in declaration order, with the type validation would produce
    (a tuple, not a list); the instance is then equal to, and prints and serialises like,
    `cls(**fields)`. Unlike `model_construct`, which is slower than validation, it sets the
    instance's four slots and nothing else.
    """
    node = _new(cls)
    _set_dict(node, "__dict__", fields)
    _set_fields_set(node, set(fields))
    _set_extra(node, None)
    _set_private(node, None)
    return node


def span_checked(line: int, start: int, end: int) -> Span:
    """`construct_checked(Span, line=line, start=start, end=end)`, the node the parser builds
    most (one per node), without the keyword arguments and the generic body."""
    node = _new(Span)
    _set_dict(node, "__dict__", {"line": line, "start": start, "end": end})
    _set_fields_set(node, {"line", "start", "end"})
    _set_extra(node, None)
    _set_private(node, None)
    return node
