"""Validate a data package: the full gate `fgf validate` runs, and the lighter one of `fgf build`.

`validate_package` runs three gates on a package folder, each returning `Finding`s (never
raising for content problems):

1. frictionless: the descriptor, every file's size and sha256, types, constraints, primary and
   foreign keys. It runs offline: its HTTP session is replaced by one that refuses to fetch, so
   a remote path or profile becomes a finding instead of a download.
2. the official Data Package v2.0 profiles (`data/profiles/`, JSON Schema draft-07) on the
   descriptor, every Table Schema and every dialect; frictionless 5 checks only part of v2.
   An inline part equal to one the library writes (`library_parts`, constants the test suite
   checks against both profiles) is not validated again.
3. the project's own rules, on the CSV rows: ids unique, every subject_id a task, measure or
   the plan, every task and measure assigned to an agency, agency ids known, no deadline
   before the date of issue, spans that slice the source text to the row's text.

Each gate is a module of its own: `profiles` (1 and 2), `rules` (3), `reading` (the folder,
safe paths, links), `report` (the report and how it is printed); this module runs them.

`check_built_package` is what `fgf build` runs on a package it has just produced: gates 2 and
3, foreign keys and every file's size and sha256, on the files in memory, without frictionless
(whose cell checks `cells.table_csv` already applied when it wrote the cells).

A finding locates itself as `where` = "resource" or "resource/field" and `line` = the row
number (the header is row 1, so it is the line of the CSV file when no cell holds a line
break). An unreadable folder (missing, no `datapackage.json`, broken JSON) raises `ExportError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExportError, FgfError
from ..files import SITE, site_intruder
from ..findings import CATALOGUE, Finding, TableLocation
from ..forked import start
from ..jsonload import load_json
from ..publication import (
    CATALOG_TURTLE,
    DESCRIPTOR,
    LANDING_PAGE,
    PLAN_JSON,
    PLAN_JSONLD,
    PLAN_TURTLE,
    slug,
)
from .profiles import (
    descriptor_profile_findings,
    frictionless_findings,
    library_parts,
    load_part,
    part_profile_findings,
    profile_findings,
    without_parts,
)
from .reading import (
    Reader,
    folder_reader,
    is_local,
    link_findings,
    read_descriptor,
    resources_of,
    unsafe_path,
)
from .report import PackageReport, clip

if TYPE_CHECKING:
    from .rules import Table

__all__ = ["Digest", "check_built_package", "linked_findings", "validate_package"]

# --- the build's gates -----------------------------------------------------------------------


def _foreign_key_findings(
    descriptor: Mapping[str, Any], tables: Mapping[str, Table]
) -> list[Finding]:
    """Every foreign key of the inline Table Schemas, on the rows (a missing value is no
    reference). `fgf validate` leaves this to frictionless."""
    findings: list[Finding] = []
    for resource in resources_of(descriptor):
        name, schema = resource.get("name"), resource.get("schema")
        table = tables.get(str(name))
        if table is None or not isinstance(schema, dict):
            continue
        for key in schema.get("foreignKeys", ()):
            fields, reference = key["fields"], key["reference"]
            target = tables.get(reference.get("resource") or table.name)
            if target is None:
                continue
            known = {tuple(row.get(f, "") for f in reference["fields"]) for row in target.rows}
            for number, row in table.numbered():
                values = tuple(row.get(f, "") for f in fields)
                if any(values) and values not in known:
                    findings.append(
                        CATALOGUE["foreign-key"](
                            TableLocation(table.name, number, fields[0]),
                            fields="+".join(fields),
                            values=", ".join(clip(v) for v in values),
                            target=f"{target.name}.{'+'.join(reference['fields'])}",
                        )
                    )
    return findings


Digest = Callable[[str], tuple[int, str] | None]
"""The size and sha256 (hex) of a file of the package by its local path, None when it cannot
be read."""


def _memory_digest(files: Mapping[str, bytes]) -> Digest:
    def digest(path: str) -> tuple[int, str] | None:
        data = files.get(path)
        return None if data is None else (len(data), hashlib.sha256(data).hexdigest())

    return digest


def _folder_digest(folder: Path) -> Digest:
    """Hashes a package file in chunks (a JSON-LD file of a big plan is hundreds of MB), unless
    `unsafe_path` refuses it."""

    def digest(path: str) -> tuple[int, str] | None:
        if unsafe_path(folder, path) is not None:
            return None
        try:
            with open(folder / path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                return size, hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None

    return digest


def _file_findings(
    descriptor: Mapping[str, Any], paths: Collection[str], digest: Digest, read: Reader
) -> list[Finding]:
    """Every listed file is there with the size and sha256 the descriptor records, and every
    one of `paths` (the package's files) is listed, but for a site fgf wrote in `site/`."""
    findings: list[Finding] = []
    listed = {DESCRIPTOR}
    for resource in resources_of(descriptor):
        path, name = resource.get("path"), str(resource.get("name"))
        if not is_local(path):
            continue  # the project gate reports it
        listed.add(str(path))
        found = digest(str(path))
        if found is None:
            findings.append(CATALOGUE["missing-file"](name, path=clip(path)))
            continue
        size, sha256 = found
        if resource.get("bytes") != size:
            findings.append(
                CATALOGUE["byte-count"](name, size=size, recorded=resource.get("bytes"))
            )
        if resource.get("hash") != f"sha256:{sha256}":
            findings.append(CATALOGUE["hash-count"](name))
    unlisted = set(paths) - listed
    site = sorted(p.removeprefix(f"{SITE}/") for p in unlisted if p.startswith(f"{SITE}/"))
    # the package's site, made after the descriptor: the site's own rule applies
    if site and site_intruder(site, read(LANDING_PAGE)) is None:
        unlisted.difference_update(f"{SITE}/{p}" for p in site)
    for path in sorted(unlisted):
        findings.append(CATALOGUE["unlisted-file"](DESCRIPTOR, path=clip(path)))
    return findings


def check_built_package(files: Mapping[str, bytes], folder: Path | None = None) -> PackageReport:
    """The gates `fgf build` runs on a package it has just produced, without frictionless.

    `files` is the package (path -> bytes, datapackage.json included); `folder`, when given,
    is where it was written, and its files must be the ones the descriptor records. The gates:
    the v2.0 profiles on the descriptor, each Table Schema and dialect (each part validated
    once; parts equal to the library's own, `library_parts`, are not: the test suite checks
    those); every file there with its recorded size and sha256, and listed; the project's rules
    and every foreign key on the rows, read from `files` (not from disk). Types and
    constraints are not re-checked: `cells.table_csv` refused any value that did not fit
    its field when it wrote the cell. `validate_package` is the full gate, frictionless
    included; `fgf validate` and CI run it. Raises `ExportError` without a descriptor,
    `ParseError` when it is not JSON (`jsonload.load_json`).
    """
    from .rules import Rules, read_tables

    if DESCRIPTOR not in files:
        raise ExportError(f"the package has no {DESCRIPTOR}")
    descriptor = load_json(files[DESCRIPTOR], DESCRIPTOR)
    if not isinstance(descriptor, dict):
        raise ExportError(f"{DESCRIPTOR} is not a JSON object")
    in_memory: Reader = files.get
    tables, source, findings, row_findings = read_tables(descriptor, in_memory)
    names = {resource.get("name") for resource in resources_of(descriptor)}
    findings = [
        *descriptor_profile_findings(without_parts(descriptor)),
        *part_profile_findings(
            descriptor, lambda value: load_part(in_memory, value), library_parts()
        ),
        *_file_findings(
            descriptor,
            files,
            _folder_digest(folder) if folder else _memory_digest(files),
            folder_reader(folder) if folder else in_memory,
        ),
        *findings,
        *row_findings,
        *_foreign_key_findings(descriptor, tables),
        *Rules(tables, source, names).run(),
    ]
    where = str(folder) if folder is not None else "(in memory)"
    return PackageReport(where, tuple(findings), len(resources_of(descriptor)))


def validate_package(folder: str | Path, *, linked: bool = False) -> PackageReport:
    """The tabular gates on a package folder, plus the RDF gate (`linked_findings`: pyshacl,
    round trips) when `linked` is true, as `fgf validate` asks.

    Content problems, however broken the files, are findings; a link out of the package is
    one (`link_findings`) and is never read through. Raises `ExportError` when the folder or
    its `datapackage.json` cannot be read, `ParseError` when that is not JSON."""
    path = Path(folder)
    descriptor = read_descriptor(path)
    # frictionless (and the v2 profiles, which use the jsonschema it imports) is the longest
    # gate that needs no other; with `linked`, the rest runs in a child, on the other core,
    # meanwhile (`_other_findings`): each reads the package's files for itself.
    pending = (
        start(_other_findings, path, descriptor, True, prepare=_lean_child) if linked else None
    )
    try:
        # The library's own Table Schemas and dialect are constants the test suite checks.
        profiles = profile_findings(path, descriptor, library_parts())
        broken = {f.where for f in profiles if f.code in _PART_PROFILE_ERRORS}
        checked = frictionless_findings(path, descriptor, skip=broken)
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    links, project, rdf = (
        pending.result() if pending is not None else _other_findings(path, descriptor, False)
    )
    findings = [*links, *checked, *profiles, *project, *rdf]
    return PackageReport(str(folder), tuple(findings), len(resources_of(descriptor)))


def _other_findings(
    folder: Path, descriptor: Mapping[str, Any], linked: bool
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """The gates that need neither frictionless nor jsonschema: the links out of the package,
    the project's rules, and with `linked` the RDF gate (`linked_findings`). The rules are
    imported here (the parser's modules with them): `fgf validate` needs them in the child."""
    from .rules import project_findings

    return (
        link_findings(folder, descriptor),
        project_findings(folder, descriptor),
        linked_findings(folder) if linked else [],
    )


_PART_PROFILE_ERRORS = ("table-schema-profile-error", "dialect-profile-error")
_LINKED_FILES = (PLAN_TURTLE, PLAN_JSONLD, CATALOG_TURTLE, PLAN_JSON)
_JSON_FILES = (PLAN_JSONLD, PLAN_JSON)


def linked_findings(folder: Path) -> list[Finding]:
    """Gate 4: a single plan's RDF files with pyshacl (the project's shapes on the plan graph,
    DCAT-AP 3.0.1 on the catalogue), Turtle against JSON-LD, and the graph read back against
    plan.json. Packages without `linked/plan.ttl` (a corpus, a package without RDF) skip it.
    A file that `unsafe_path` refuses is left out (`link_findings` reports it); a JSON file
    that `load_json` refuses is reported here and left out."""
    files = _linked_files(folder)
    if PLAN_TURTLE not in files:
        return []
    refused = _json_refusals(files)
    return refused + _checked_linked(files, {f.where for f in refused})


def _linked_files(folder: Path) -> dict[str, bytes]:
    """Those of the files gate 4 reads that can be read: path -> bytes."""
    read = folder_reader(folder)
    return {name: data for name in _LINKED_FILES if (data := read(name)) is not None}


def _json_refusals(files: dict[str, bytes]) -> list[Finding]:
    """A finding for each JSON file of `files` that `load_json` refuses, which is taken out."""
    refused: list[Finding] = []
    for name in _JSON_FILES:
        try:
            if name in files:
                load_json(files[name], name)
        except FgfError as exc:
            refused.append(CATALOGUE["invalid-json"](slug(name), problem=exc))
            del files[name]
    return refused


def _lean_child() -> None:
    """The child's pyshacl, imported without what the gate never uses (rdflib's SPARQL engine:
    `linked.shacl.import_pyshacl_without_sparql`)."""
    from ..linked.shacl import import_pyshacl_without_sparql

    import_pyshacl_without_sparql()


def _checked_linked(files: Mapping[str, bytes], left_out: Collection[str]) -> list[Finding]:
    """`linked.shacl.check_linked`'s findings on `files`, located in the package's files; a
    file missing because it is in `left_out` (refused as JSON) is not reported again."""
    from ..linked.shacl import check_linked

    try:
        checked = check_linked(files)
    except RecursionError:
        message = "the RDF files nest too deeply to be read"
        return [CATALOGUE["linked-file-unreadable"](slug(PLAN_TURTLE), problem=message)]
    except Exception as exc:  # noqa: BLE001 - rdflib fails in any way on a damaged graph
        # (compare.isomorphic raises a bare Exception on an IRI with spaces): still a finding.
        message = f"the RDF files cannot be checked: {type(exc).__name__}: {clip(exc, 200)}"
        return [CATALOGUE["linked-file-unreadable"](slug(PLAN_TURTLE), problem=message)]
    # Findings name the focus node by IRI; the report's `where` is resource/field, so name the
    # file (the resource) and keep the IRI in the message.
    return [
        replace(
            finding,
            location=TableLocation(_linked_resource(finding.code)),
            message=f"<{finding.where}>: {finding.message}"
            if "://" in finding.where
            else finding.message,
        )
        for finding in checked
        if not (finding.code == "linked-file-missing" and slug(finding.where) in left_out)
    ]


def _linked_resource(code: str) -> str:
    return slug(CATALOG_TURTLE if code.startswith("dcat-ap") else PLAN_TURTLE)
