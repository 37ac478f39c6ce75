"""The report of the package gates: `PackageReport`, its JSON Schema, and how it is printed.

A package finding locates itself with a `TableLocation`: the resource, the row number (the
header is row 1, so it is the line of the CSV file when no cell holds a line break) and the
field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..findings import Finding, Severity, TableLocation
from ..publication import JSON_SCHEMA_DIALECT, schema_iri

__all__ = ["PackageReport", "clip", "clip_quoted", "format_report", "report_json_schema"]

_VALUE_WIDTH = 40
_QUOTED = re.compile(f'"([^"]{{{_VALUE_WIDTH + 1},}})"')


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageReport:
    """What `validate_package` found in one package folder."""

    path: str
    """The folder that was validated, as given."""
    findings: tuple[Finding, ...]
    """Every finding, gate by gate, in resource and row order."""
    resources: int
    """How many resources the descriptor lists."""

    @property
    def valid(self) -> bool:
        """True when no finding is an error (warnings do not make a package invalid)."""
        return not any(f.severity == "error" for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self) -> dict[str, Any]:
        """The report as data (`fgf validate --json`); `report_json_schema()` describes it."""
        return {
            "path": self.path,
            "valid": self.valid,
            "resources": self.resources,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "findings": [_finding_dict(f) for f in self.findings],
        }


def _in_table(finding: Finding) -> TableLocation:
    """The finding's place as resource, row and field (a node elsewhere is named by `where`)."""
    location = finding.location
    return location if isinstance(location, TableLocation) else TableLocation(finding.where)


def _finding_dict(finding: Finding) -> dict[str, Any]:
    location = _in_table(finding)
    return {
        "code": finding.code,
        "severity": finding.severity,
        "resource": location.resource,
        "row": location.row,
        "field": location.field,
        "message": finding.message,
    }


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `fgf validate --json` output."""
    nullable_int = {"type": ["integer", "null"], "minimum": 1}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_iri("validation-report.schema.json"),
        "title": "fgf validate report",
        "description": "What `fgf validate --json` prints: the findings of the frictionless, "
        "Data Package v2 profile and project gates on one package folder.",
        "type": "object",
        "additionalProperties": False,
        "required": ["path", "valid", "resources", "errors", "warnings", "findings"],
        "properties": {
            "path": {"type": "string", "description": "The package folder, as given."},
            "valid": {"type": "boolean", "description": "True when there is no error."},
            "resources": {
                "type": "integer",
                "minimum": 0,
                "description": "How many resources the descriptor lists.",
            },
            "errors": {
                "type": "integer",
                "minimum": 0,
                "description": "Findings of severity error.",
            },
            "warnings": {
                "type": "integer",
                "minimum": 0,
                "description": "Findings of severity warning.",
            },
            "findings": {
                "type": "array",
                "description": "Every finding, gate by gate, in resource and row order.",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code", "severity", "resource", "row", "field", "message"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                            "description": "Stable kebab-case rule name: a frictionless error "
                            "type (type-error, foreign-key, hash-count, ...), a profile gate "
                            "(package-profile-error, table-schema-profile-error, "
                            "dialect-profile-error) or a project rule (duplicate-id, "
                            "unknown-subject, missing-subject, task-without-responsibility, "
                            "measure-without-responsibility, unknown-agency-id, "
                            "deadline-before-issue-date, span-mismatch, ...).",
                        },
                        "severity": {"enum": ["error", "warning", "info"]},
                        "resource": {
                            "type": "string",
                            "description": "The resource name, or datapackage.json for the "
                            "descriptor as a whole.",
                        },
                        "row": {
                            **nullable_int,
                            "description": "Row number in the table, the header being row 1; "
                            "null when the finding is not about a row.",
                        },
                        "field": {
                            "type": ["string", "null"],
                            "description": "The column, when the finding is about one.",
                        },
                        "message": {"type": "string", "description": "What is wrong."},
                    },
                },
            },
        },
    }


# --- formatting -------------------------------------------------------------------------------


def clip(value: object, width: int = _VALUE_WIDTH) -> str:
    """A value quoted for a message, cut to `width` characters with an ellipsis."""
    text = str(value)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f'"{text}"'


def clip_quoted(message: str) -> str:
    """Shortens every long double-quoted value inside a message (frictionless quotes cells)."""
    return _QUOTED.sub(lambda m: clip(m.group(1)), message)


def _location(finding: Finding) -> str:
    location = _in_table(finding)
    parts = [location.resource]
    if location.row is not None:
        parts.append(f"row {location.row}")
    if location.field:
        parts.append(f"field {location.field}")
    return " ".join(parts)


def format_report(report: PackageReport, *, limit: int = 5) -> str:
    """The report as text: a summary line, then one line per finding, `limit` per rule.

    Findings of one code are grouped (in the order the codes first appear); past `limit`, a
    line "… and N more [code]" stands for the rest.
    """
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.code].append(finding)
    errors, warnings = report.count("error"), report.count("warning")
    verdict = "valid" if report.valid else "invalid"
    summary = (
        f"{report.path}: {verdict} ({report.resources} resources, {errors} "
        f"error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''})"
    )
    lines = [summary]
    for code, findings in groups.items():
        for finding in findings[:limit]:
            lines.append(
                f"{_location(finding)}: {finding.severity}: {finding.message} [{finding.code}]"
            )
        if len(findings) > limit:
            lines.append(f"  … and {len(findings) - limit} more [{code}]")
    return "\n".join(lines) + "\n"
