"""The fixed cost of a parse: building a parsed plan's nodes when every value is already known,
and the round-trip check every parse makes. It bounds how fast the parser can be with the model
as it is, whatever the reading costs.

`straight_line(plan)` writes a Python function that builds `plan` again, one statement per
node, from literals: a bare instance and its four slots set, as the parser's fast path builds
a node (`fgf_opendata.parsing.nodes`), and nothing else. Each string is sliced from one pool
of the plan's strings, as the parser slices its strings from the text (a string literal would
be a constant, made once when the function is compiled). No text is read, no value computed,
no branch taken. `fixed_work(plans)` runs those functions, with the cycle collector paused and
restored around each as `parse_plan` does (the collection that follows scans the new nodes),
and `render_plan` on each plan (`parse_plan` renders every plan it returns to check that it
prints the text again). `benchmarks/run.py` times them round-robin with the parse of the same
texts and prints the bound beside the parse figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from pydantic import BaseModel

from fgf_opendata.memory import cycle_collection_paused
from fgf_opendata.model import Plan
from fgf_opendata.parsing import render_plan

__all__ = ["fixed_work", "straight_line"]

# The four slots of a pydantic model, set through their descriptors (as parsing.nodes does).
_SLOTS = {
    "new": object.__new__,
    "set_dict": BaseModel.__dict__["__dict__"].__set__,
    "set_given": BaseModel.__dict__["__pydantic_fields_set__"].__set__,
    "set_extra": BaseModel.__dict__["__pydantic_extra__"].__set__,
    "set_private": BaseModel.__dict__["__pydantic_private__"].__set__,
}
_LITERALS = (str, int, bool, type(None), dt.date, Decimal)
_CODES = frozenset(
    {"role", "kind", "agency_id", "issuer_id", "unit", "comparator", "precision", "recurrence"}
)
"""Fields whose strings come from the model's code lists or the registry, not the text."""


def straight_line(plan: Plan) -> Callable[[], Plan]:
    """A function that returns a plan equal to `plan`, built node by node from literals."""
    statements: list[str] = []
    namespace: dict[str, object] = {**_SLOTS, "datetime": dt, "Decimal": Decimal}
    pool: list[str] = []
    pooled = 0

    def expression(value: object, field: str = "") -> str:
        nonlocal pooled
        # "" and one character are shared objects; a code (role, kind, unit, an id of the
        # registry) is a constant the parser picks, not text it slices
        if isinstance(value, str) and len(value) > 1 and field not in _CODES:
            pool.append(value)
            pooled += len(value)
            return f"pool[{pooled - len(value)}:{pooled}]"
        if isinstance(value, tuple):
            return "(" + "".join(f"{expression(item, field)}," for item in value) + ")"
        if isinstance(value, BaseModel):
            cls = type(value)
            if cls.__name__ not in namespace:
                namespace[cls.__name__] = cls
                namespace[f"{cls.__name__}_given"] = set(cls.model_fields)
            fields = ", ".join(f"{k!r}: {expression(v, k)}" for k, v in value.__dict__.items())
            name = f"n{len(statements)}"
            statements.append(
                f"    {name} = new({cls.__name__}); set_dict({name}, {{{fields}}}); "
                f"set_given({name}, {cls.__name__}_given); set_extra({name}, None); "
                f"set_private({name}, None)"
            )
            return name
        if isinstance(value, _LITERALS):
            return repr(value)
        raise TypeError(f"no literal for {type(value).__name__}")

    result = expression(plan)
    namespace["pool"] = "".join(pool)
    source = "def build(pool=pool):\n" + "\n".join(statements) + f"\n    return {result}\n"
    # The source holds only reprs of the plan's values, slices of its strings and the names above.
    exec(compile(source, f"<straight line: {plan.id}>", "exec"), namespace)  # noqa: S102
    return namespace["build"]  # type: ignore[return-value]


def fixed_work(plans: Sequence[Plan]) -> dict[str, Callable[[], None]]:
    """The fixed part of parsing `plans` (the parser's output for their texts), as work to
    time: `build` builds them from literals, the collector paused and restored around each as
    in `parse_plan`; `render` renders them."""
    builders = [straight_line(plan) for plan in plans]

    def build() -> None:
        for builder in builders:
            with cycle_collection_paused():
                plan = builder()
            del plan

    def render() -> None:
        for plan in plans:
            render_plan(plan)

    return {"build": build, "render": render}
