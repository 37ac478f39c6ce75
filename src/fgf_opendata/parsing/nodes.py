"""Model nodes built from values the parser has checked itself, without validating them.

The parser builds tens of thousands of nodes per plan from offsets and literals it controls:
pydantic validation would cost more than the rest of parsing. This is the parser's fast path
only; users and `plan_from_json` keep the model's validating constructors, and
tests/test_parse_checked.py holds every parsed node equal to a validated one.

What a node costs is mostly the garbage collector's: every container the parser leaves alive
is traversed again by each collection while the plan is built. A node built here is two
tracked objects (the instance and its `__dict__`; a span's dict holds only integers, which
CPython does not track) instead of three: its set of fields given is every field, and one set
per model is shared by all its nodes. Pydantic only reads that set, and copies it before it
adds to it (`model_copy(update=...)`), so sharing it is safe.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from ..model import Assignment, Span

__all__ = [
    "assignments_checked",
    "construct_checked",
    "node_checked",
    "node_spanned",
    "span_at",
]

_Model = TypeVar("_Model", bound=BaseModel)
_new = object.__new__  # BaseModel defines no __new__; looking up cls.__new__ costs a third
# The slots of every pydantic model (its __dict__ too), set through their descriptors: no
# attribute lookup.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_ALL_FIELDS: dict[type[BaseModel], set[str]] = {}
"""Model -> the set of its field names, shared by every node built here (a memo that only
grows by one entry per model)."""
_SPAN_FIELDS = {"line", "start", "end"}
_ASSIGNMENT_FIELDS = {"agency", "agency_id", "role", "position", "span"}


def _all_fields(cls: type[BaseModel]) -> set[str]:
    fields = _ALL_FIELDS.get(cls)
    if fields is None:
        fields = _ALL_FIELDS[cls] = set(cls.model_fields)
    return fields


def construct_checked(cls: type[_Model], /, **fields: object) -> _Model:
    """A node built from values its producer has already checked, without validating them.

    Every field must be given, in declaration order, with the type validation would produce
    (a tuple, not a list); the instance is then equal to, and prints and serialises like,
    `cls(**fields)`. Unlike `model_construct`, which is slower than validation, it sets the
    instance's four slots and nothing else.
    """
    return node_checked(cls, fields)


def node_checked(cls: type[_Model], fields: dict[str, object], /) -> _Model:
    """`construct_checked(cls, **fields)` for a dict the caller built and hands over (the node
    keeps it as its `__dict__`): no copy of the fields into keyword arguments."""
    node = _new(cls)
    _set_dict(node, fields)
    fields_set = _ALL_FIELDS.get(cls)
    _set_fields_set(node, fields_set if fields_set is not None else _all_fields(cls))
    _set_extra(node, None)
    _set_private(node, None)
    return node


def span_at(line_starts: Sequence[int], start: int, end: int) -> Span:
    """The span of text[start:end] in a text whose lines start at `line_starts`
    (`Source.span`): `construct_checked(Span, ...)` with its line found by bisection, the
    node the parser builds most (one per node), without keyword arguments or a generic body."""
    node = _new(Span)
    _set_dict(node, {"line": bisect_right(line_starts, start), "start": start, "end": end})
    _set_fields_set(node, _SPAN_FIELDS)
    _set_extra(node, None)
    _set_private(node, None)
    return node


def node_spanned(
    cls: type[_Model],
    fields: dict[str, object],
    line_starts: Sequence[int],
    start: int,
    end: int,
    /,
) -> _Model:
    """`node_checked(cls, fields)` with `fields["span"]` set to `span_at(line_starts, start,
    end)`: a node and its span in one call, the parser's commonest pair.

    `span` must be the model's last field, as the fields' order is the order in which the node
    prints and serialises (tests/test_parse_checked.py holds every parsed node to it).
    """
    # span_at's body, inlined: a call costs as much as the span.
    span = _new(Span)
    _set_dict(span, {"line": bisect_right(line_starts, start), "start": start, "end": end})
    _set_fields_set(span, _SPAN_FIELDS)
    _set_extra(span, None)
    _set_private(span, None)
    fields["span"] = span
    return node_checked(cls, fields)


def assignments_checked(
    cited: Iterable[tuple[str, str | None, str, int, int, int]], offset: int, line: int
) -> tuple[Assignment, ...]:
    """The assignments of (agency, agency_id, role, position, start, end) rows, each with its
    span shifted by `offset` on line `line`: a node and its span built inline,
    as a plan has hundreds of them and a call costs as much as a node."""
    out: list[Assignment] = []
    append = out.append
    for agency, agency_id, role, position, start, end in cited:
        span = _new(Span)
        _set_dict(span, {"line": line, "start": start + offset, "end": end + offset})
        _set_fields_set(span, _SPAN_FIELDS)
        _set_extra(span, None)
        _set_private(span, None)
        node = _new(Assignment)
        _set_dict(
            node,
            {
                "agency": agency,
                "agency_id": agency_id,
                "role": role,
                "position": position,
                "span": span,
            },
        )
        _set_fields_set(node, _ASSIGNMENT_FIELDS)
        _set_extra(node, None)
        _set_private(node, None)
        append(node)
    return tuple(out)
