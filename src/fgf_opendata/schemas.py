"""The schemas the project publishes in `schemas/`, generated from the code that defines them.

A test compares the checked-in files with `generated_schemas()`, so they cannot drift.
"""

from __future__ import annotations

from .serialize import dumps, plan_json_schema

__all__ = ["generated_schemas"]


def generated_schemas() -> dict[str, str]:
    """File name -> text of every generated schema, in a stable order."""
    return {"plan.schema.json": dumps(plan_json_schema())}
