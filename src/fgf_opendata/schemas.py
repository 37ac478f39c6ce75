"""The schemas the project publishes in `schemas/`, generated from the code that defines them.

A test compares the checked-in files with `generated_schemas()`, so they cannot drift:
`plan.schema.json` (the canonical plan JSON), one `<table>.tableschema.json` per table of the
data package (Table Schema v2, as embedded in `datapackage.json`), and
`validation-report.schema.json` (the output of `fgf validate --json`). Every package carries
the first two kinds in its own `schemas/` (`tabular.descriptor.schema_files`, the same bytes;
the plan's JSON Schema as `plan.jsonschema.json` there).
"""

from __future__ import annotations

from .serialize import dumps
from .tabular.descriptor import PLAN_SCHEMA, PLAN_SHAPES, schema_files
from .tabular.report import report_json_schema

__all__ = ["generated_schemas"]


def generated_schemas() -> dict[str, str]:
    """File name -> text of every generated schema, in a stable order."""
    published = schema_files()
    del published[PLAN_SHAPES]  # written by hand (data/fgf-shapes.ttl), not generated
    schemas = {"plan.schema.json": published.pop(PLAN_SCHEMA).decode("utf-8")}
    for path, data in published.items():
        schemas[path.removeprefix("schemas/")] = data.decode("utf-8")
    schemas["validation-report.schema.json"] = dumps(report_json_schema())
    return schemas
