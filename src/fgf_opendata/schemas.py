"""The schemas the project publishes in `schemas/`, generated from the code that defines them.

A test compares the checked-in files with `generated_schemas()`, so they cannot drift:
`plan.schema.json` (the canonical plan JSON), one `<table>.tableschema.json` per table of the
data package (Table Schema v2, as embedded in `datapackage.json`), and
`validation-report.schema.json` (the output of `fgf validate --json`).
"""

from __future__ import annotations

from .serialize import dumps, plan_json_schema
from .tabular.columns import table_schemas
from .tabular.report import report_json_schema

__all__ = ["generated_schemas"]


def generated_schemas() -> dict[str, str]:
    """File name -> text of every generated schema, in a stable order."""
    schemas = {"plan.schema.json": dumps(plan_json_schema())}
    for name, schema in table_schemas().items():
        schemas[f"{name}.tableschema.json"] = dumps(schema)
    schemas["validation-report.schema.json"] = dumps(report_json_schema())
    return schemas
