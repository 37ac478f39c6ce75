"""Findings: content problems as data, and the one catalogue of their codes.

A `Finding` has a stable kebab-case `code`, a severity, a message and a typed location, so
tests and CI can assert on a flat list and `--json` can print it as is: a `SourceLocation`
(a node of a plan, its line and column in the source text) for the plan checks, a
`TableLocation` (resource, row, field) for the package gates, a `GraphLocation` (a node's
IRI) for the SHACL gate. Every code the project
gives is a `Code` in `CATALOGUE` (code, severity, title, message template), as frictionless
states its error classes: the plan checks (`checks`), the package gates (`tabular`) and the
SHACL gate (`shacl`) make their findings from it, and docs/findings.md is generated from it
(`findings_table`; a test keeps the two in step). Two families are open: the error types of
frictionless, passed through as it names them, and the shapes of the SHACL gate, named by
their shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "CATALOGUE",
    "FAMILIES",
    "Code",
    "Finding",
    "GraphLocation",
    "Location",
    "Severity",
    "SourceLocation",
    "TableLocation",
    "findings_table",
]

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in a plan's source text: the node found there, its line and column."""

    node: str
    """The id of the node (task_1, task_1/measure_2, ...)."""
    line: int
    """The line of the source text, the first being 1."""
    column: int | None = None
    """The column on that line, the first being 1; None when the text was not at hand."""

    @property
    def where(self) -> str:
        return self.node


@dataclass(frozen=True, order=True)
class TableLocation:
    """A place in a package: a resource (or datapackage.json, or a file), a row, a field."""

    resource: str
    """The resource's name, datapackage.json for the descriptor, or a file's path."""
    row: int | None = None
    """The row of the table, the header being row 1; None when not about a row."""
    field: str | None = None
    """The column, when the finding is about one."""

    @property
    def where(self) -> str:
        return f"{self.resource}/{self.field}" if self.field else self.resource


@dataclass(frozen=True, order=True)
class GraphLocation:
    """A node of an RDF graph, by its IRI ("" when the finding names none)."""

    node: str

    @property
    def where(self) -> str:
        return self.node


Location = SourceLocation | TableLocation | GraphLocation
"""Where a finding was found: the three kinds never mix in one list but a package report's."""


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a plan or a package."""

    code: str
    """Stable kebab-case rule name (task-without-agency, unknown-agency, ...)."""
    severity: Severity
    message: str
    location: Location = TableLocation("")
    """Where it was found: in the source text, in a package's table, or in a graph."""

    @property
    def where(self) -> str:
        """The location as one name: the node id, resource or resource/field, or the IRI."""
        return self.location.where


Scope = Literal["plan", "plan and package", "package", "linked"]


@dataclass(frozen=True)
class Code:
    """One finding code: what it is called, how bad it is, and what its message says."""

    code: str
    severity: Severity
    title: str
    template: str
    """The message, with `{name}` for each value the finding fills in."""
    scope: Scope
    """What it is found on: a parsed plan (`checks`), a package's files and rows (`tabular`),
    or its RDF files (the SHACL gate and the round trips)."""
    in_package: Severity | None = None
    """Its severity when the package rules find it on the rows, if that differs: a package
    states that every task and measure is assigned, a plan (the document) may leave one out."""

    def __call__(self, location: Location | str = "", **values: Any) -> Finding:
        """The finding of this code at `location` (a bare name is a package's resource or
        file), its message the template filled with `values`."""
        at = TableLocation(location) if isinstance(location, str) else location
        return Finding(self.code, self.severity, self.template.format(**values), at)


def _codes(*codes: Code) -> Mapping[str, Code]:
    return MappingProxyType({code.code: code for code in codes})


CATALOGUE: Mapping[str, Code] = _codes(
    # on a parsed plan (checks.check_plan), and on a package's rows (tabular.rules)
    Code(
        "task-without-responsibility",
        "warning",
        "A key task has no responsibility line",
        "task {label} has no responsibility line",
        "plan and package",
        in_package="error",
    ),
    Code(
        "measure-without-responsibility",
        "warning",
        "A measure has no responsibility line",
        "measure {label} has no responsibility line",
        "plan and package",
        in_package="error",
    ),
    Code(
        "unknown-agency",
        "warning",
        "An agency is not in the registry",
        "agency {agency} is not in the registry{hint}",
        "plan and package",
    ),
    Code(
        "deadline-before-issue-date",
        "error",
        "A deadline falls before the plan was issued",
        "deadline {expression} ({date}) is before the plan was issued ({issued})",
        "plan and package",
    ),
    # on a package: its files
    Code("missing-file", "error", "A resource's file is missing", "{path} is missing", "package"),
    Code(
        "byte-count",
        "error",
        "A file's size is not the one the descriptor records",
        "the file has {size} bytes, the descriptor says {recorded}",
        "package",
    ),
    Code(
        "hash-count",
        "error",
        "A file's sha256 is not the one the descriptor records",
        "the file's sha256 is not the hash the descriptor records",
        "package",
    ),
    Code(
        "unlisted-file",
        "error",
        "A file of the package is not a resource",
        "{path} is not a resource",
        "package",
    ),
    Code(
        "unsafe-path",
        "error",
        "A resource's path leaves the package",
        "path {path} is not a relative path inside the package",
        "package",
    ),
    Code(
        "unsafe-link",
        "error",
        "A file is a link that leaves the package",
        "{path} {problem}: not read",
        "package",
    ),
    Code(
        "not-a-file",
        "error",
        "A path names something other than a regular file",
        "{path} {problem}: not read",
        "package",
    ),
    Code(
        "invalid-json",
        "error",
        "A JSON file of the package is not JSON within bounds",
        "{problem}",
        "package",
    ),
    # on a package: the standard's gates
    Code(
        "frictionless-error",
        "error",
        "frictionless could not validate the package",
        "{problem}",
        "package",
    ),
    Code(
        "package-profile-error",
        "error",
        "The descriptor fails the Data Package v2.0 profile",
        "{problem}",
        "package",
    ),
    Code(
        "not-data-package-v2",
        "error",
        "The descriptor does not declare Data Package v2",
        "$schema is {found}, not {expected}",
        "package",
    ),
    Code(
        "table-schema-profile-error",
        "error",
        "A Table Schema fails the Table Schema v2.0 profile",
        "{problem}",
        "package",
    ),
    Code(
        "not-table-schema-v2",
        "error",
        "A Table Schema does not declare Table Schema v2",
        "schema $schema is {found}, not {expected}",
        "package",
    ),
    Code(
        "dialect-profile-error",
        "error",
        "A dialect fails the Table Dialect v2.0 profile",
        "{problem}",
        "package",
    ),
    Code(
        "invalid-pattern",
        "error",
        "A pattern constraint is not a regular expression",
        "{problem}",
        "package",
    ),
    # on a package: its rows (the project's rules)
    Code(
        "csv-error",
        "error",
        "A table is not readable as CSV",
        "not readable as CSV: {problem}",
        "package",
    ),
    Code("blank-row", "error", "A row of a table is blank", "the row is blank", "package"),
    Code(
        "missing-cell",
        "error",
        "A row has fewer cells than the header",
        "the row has {cells} of {columns} cells",
        "package",
    ),
    Code(
        "extra-cell",
        "error",
        "A row has more cells than the header",
        "the row has {cells} cells, not {columns}",
        "package",
    ),
    Code(
        "missing-resource",
        "error",
        "A table the project's rules need is not in the package",
        "the package has no {table} table",
        "package",
    ),
    Code(
        "missing-column",
        "error",
        "A column the project's rules need is not in its table",
        "the table has no column {column}",
        "package",
    ),
    Code(
        "duplicate-id",
        "error",
        "An id is used twice",
        "{key} {value} is already used in row {row}",
        "package",
    ),
    Code(
        "unknown-subject",
        "error",
        "A subject_id or subject is not a node of the plan",
        "{problem}",
        "package",
    ),
    Code(
        "missing-subject",
        "error",
        "A node of the plan has no row in subjects",
        "{kind} {id} has no row of kind {kind} in subjects",
        "package",
    ),
    Code(
        "unknown-agency-id",
        "error",
        "An agency id is not in agencies",
        "{column} {value} is not an id in agencies",
        "package",
    ),
    Code(
        "foreign-key",
        "error",
        "A value is not in the table its foreign key names",
        "{fields} {values} is not in {target}",
        "package",
    ),
    Code("span-mismatch", "error", "A row's span does not slice its text", "{problem}", "package"),
    # on a package: its RDF files (the SHACL gate and the round trips)
    Code(
        "linked-file-missing",
        "error",
        "An RDF file of the package is missing",
        "{path} is missing",
        "linked",
    ),
    Code(
        "linked-file-unreadable",
        "error",
        "An RDF file cannot be read or checked",
        "{problem}",
        "linked",
    ),
    Code(
        "linked-graphs-differ",
        "error",
        "The Turtle and JSON-LD graphs differ",
        "{problem}",
        "linked",
    ),
    Code(
        "linked-plan-mismatch",
        "error",
        "The graph does not read back as plan.json",
        "{problem}",
        "linked",
    ),
)
"""Every finding code the project gives, by code."""

FAMILIES: Mapping[str, str] = MappingProxyType(
    {
        "frictionless": "any error type of frictionless (type-error, constraint-error, …), "
        "passed through under its own name, severity error",
        "shacl": "a shape of the project's SHACL shapes (data/shapes), named by the shape; "
        "`dcat-ap-…` for a DCAT-AP 3.0.1 shape on the catalogue; severity from the shape",
    }
)
"""The open families of codes, named by what gives them."""


def findings_table() -> str:
    """docs/findings.md: the catalogue as a Markdown table, then the open families."""
    lines = [
        "# Finding codes",
        "",
        "Generated from `fgf_opendata.findings.CATALOGUE`; a test keeps this page in step.",
        "",
        "| code | severity | on | title | message |",
        "|---|---|---|---|---|",
    ]
    for code in CATALOGUE.values():
        template = code.template.replace("|", "\\|")
        severity = code.severity + (
            f" (in a package: {code.in_package})" if code.in_package else ""
        )
        lines.append(f"| `{code.code}` | {severity} | {code.scope} | {code.title} | {template} |")
    lines += ["", "Open families:", ""]
    lines += [f"- {name}: {what}" for name, what in FAMILIES.items()]
    return "\n".join(lines) + "\n"
