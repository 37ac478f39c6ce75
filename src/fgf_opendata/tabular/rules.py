"""The project's own rules, on the CSV rows: ids unique, every subject_id a node of the plan,
every task and measure assigned to an agency, agency ids known, no deadline before the date of
issue, spans that slice the source text to the row's text; and the foreign keys. Coverage and
deadlines are the rules of `checks` (`Coverage`, `early_deadline`), read over the rows.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import Coverage, early_deadline
from ..findings import CATALOGUE, Finding, TableLocation
from ..parsing.responsibility import BARE_NOUNS
from ..parsing.source import LINE_BREAK
from ..publication import DESCRIPTOR
from .columns import TABLES
from .reading import Reader, csv_field_limit, folder_reader, is_local, resources_of
from .report import clip

__all__ = ["Rules", "Table", "project_findings", "read_table", "read_tables"]

_SUBJECT_TABLES = ("responsibilities", "deadlines", "targets")
_ID_TABLES = tuple(name for name in TABLES if name not in _SUBJECT_TABLES)
_NODE_TABLES = {  # subjects.kind -> the table of such nodes (standing assignments have none)
    "plan": "plans",
    "section": "sections",
    "task": "tasks",
    "measure": "measures",
    "point": "points",
    "paragraph": "paragraphs",
}
_OPTIONAL_NODES = ("points", "paragraphs", "subjects")
"""Tables a package written before they existed lacks; their rules run when they are there."""


# --- gate 3: the project's rules --------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    """The rows with one cell per column; rows of another length are left out."""
    numbers: tuple[int, ...]
    """The row number of each row: the header is row 1."""

    def numbered(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, row) for every row."""
        return zip(self.numbers, self.rows, strict=True)

    def ids(self, column: str = "id") -> set[str]:
        return {row[column] for row in self.rows if row.get(column)}


def read_table(read: Reader, resource: Mapping[str, Any]) -> tuple[Table | None, list[Finding]]:
    """The rows of a CSV resource as strings (None when frictionless has more to say), and a
    finding for each row that does not have one cell per column (blank, short or long) or
    cannot be read as CSV; those rows are not checked further."""
    name = str(resource.get("name"))
    data = read(str(resource.get("path")))
    try:
        text = data.decode("utf-8-sig") if data is not None else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        return None, []
    findings: list[Finding] = []
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] = ()
    with csv_field_limit():
        try:
            header = tuple(next(reader, ()))
            for number, cells in enumerate(reader, 2):
                if len(cells) == len(header):
                    rows.append(dict(zip(header, cells, strict=True)))
                    numbers.append(number)
                    continue
                code = (
                    "blank-row"
                    if not any(cells)
                    else "missing-cell"
                    if len(cells) < len(header)
                    else "extra-cell"
                )
                findings.append(
                    CATALOGUE[code](
                        TableLocation(name, number), cells=len(cells), columns=len(header)
                    )
                )
        except csv.Error as exc:
            findings.append(
                CATALOGUE["csv-error"](TableLocation(name, reader.line_num), problem=exc)
            )
    return Table(name, header, tuple(rows), tuple(numbers)), findings


class Rules:
    """The project's checks over the tables of one package; `run` yields the findings."""

    def __init__(
        self, tables: Mapping[str, Table], source: str | None, listed: Collection[object]
    ) -> None:
        self.tables = tables
        self.source = source
        self.listed = listed
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        message: str,
        table: str,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        """A finding of `code` (its severity from the catalogue, as a package gives it)."""
        known = CATALOGUE[code]
        severity = known.in_package or known.severity
        self.findings.append(Finding(code, severity, message, TableLocation(table, row, field)))

    def need(self, name: str, *columns: str) -> Table | None:
        table = self.tables.get(name)
        if table is None:
            return None
        missing = [c for c in columns if c not in table.columns]
        for column in missing:
            self.add("missing-column", f"the table has no column {column}", name, None, column)
        return None if missing else table

    def run(self) -> list[Finding]:
        for name in ("plans", "sections", "tasks", "measures", "agencies", *_SUBJECT_TABLES):
            if name not in self.listed:
                self.add("missing-resource", f"the package has no {name} table", DESCRIPTOR)
        self.unique_ids()
        self.subjects()
        self.coverage()
        self.agency_ids()
        self.deadlines()
        self.spans()
        return self.findings

    def unique_ids(self) -> None:
        for name in (*_ID_TABLES, *_SUBJECT_TABLES):
            key = ("id",) if name in _ID_TABLES else ("subject_id", "position")
            table = self.need(name, *key)
            if table is None:
                continue
            first: dict[tuple[str, ...], int] = {}
            for number, row in table.numbered():
                value = tuple(row.get(k, "") for k in key)
                if value in first:
                    shown = ", ".join(clip(v) for v in value)
                    self.add(
                        "duplicate-id",
                        f"{'+'.join(key)} {shown} is already used in row {first[value]}",
                        name,
                        number,
                        key[0],
                    )
                else:
                    first[value] = number

    def _subject_ids(self) -> set[str] | None:
        parts = [self.need(name, "id") for name in ("plans", "tasks", "measures")]
        if any(p is None for p in parts):
            return None
        parts += [self.need(name, "id") for name in _OPTIONAL_NODES[:2] if name in self.tables]
        known: set[str] = set().union(*(p.ids() for p in parts if p is not None))
        subjects = self.tables.get("subjects")
        if subjects is not None and {"id", "kind"} <= set(subjects.columns):
            known.update(row["id"] for row in subjects.rows if row["kind"] == "standing")
        return known

    def subjects(self) -> None:
        known = self._subject_ids()
        if known is None:
            return
        for name in _SUBJECT_TABLES:
            table = self.need(name, "subject_id")
            if table is None:
                continue
            for number, row in table.numbered():
                if row["subject_id"] not in known:
                    self.add(
                        "unknown-subject",
                        f"subject_id {clip(row['subject_id'])} is not the id of the plan, a "
                        "task, measure, point, paragraph or standing assignment",
                        name,
                        number,
                        "subject_id",
                    )
        self.subject_kinds()

    def subject_kinds(self) -> None:
        """subjects lists every node once, under the kind of the table that holds it."""
        subjects = self.need("subjects", "id", "kind") if "subjects" in self.tables else None
        if subjects is None:
            return
        kind_of = {row["id"]: row["kind"] for row in subjects.rows}
        ids = {kind: t.ids() for kind, name in _NODE_TABLES.items() if (t := self.tables.get(name))}
        for number, row in subjects.numbered():
            kind = row["kind"]
            if kind in ids and row["id"] not in ids[kind]:
                self.add(
                    "unknown-subject",
                    f"subject {clip(row['id'])} of kind {clip(kind)} is not an id in "
                    f"{_NODE_TABLES[kind]}",
                    "subjects",
                    number,
                    "id",
                )
        for kind, name in _NODE_TABLES.items():
            table = self.tables.get(name)
            if table is None or "id" not in table.columns:
                continue
            for number, row in table.numbered():
                if row["id"] and kind_of.get(row["id"]) != kind:
                    self.add(
                        "missing-subject",
                        f"{kind} {clip(row['id'])} has no row of kind {kind} in subjects",
                        name,
                        number,
                        "id",
                    )

    def coverage(self) -> None:
        tasks = self.need("tasks", "id")
        measures = self.need("measures", "id", "task_id")
        assigned = self.need("responsibilities", "subject_id")
        if tasks is None or measures is None or assigned is None:
            return
        measures_of: dict[str, list[str]] = defaultdict(list)
        parent: dict[str, str] = {}
        for row in measures.rows:
            measures_of[row["task_id"]].append(row["id"])
            parent[row["id"]] = row["task_id"]
        for name, column in (("points", "measure_id"), ("paragraphs", "parent_id")):
            table = self.tables.get(name)
            if table is not None and {"id", column} <= set(table.columns):
                parent.update((row["id"], row[column]) for row in table.rows)
        section_of = {row["id"]: row.get("section_id") for row in tasks.rows}
        coverage = Coverage(
            parent, section_of, assigned.ids("subject_id"), self._standing_starts(assigned)
        )
        for table, kind in ((tasks, "task"), (measures, "measure")):
            for number, row in table.numbered():
                subject = row["id"]
                children = measures_of.get(subject, []) if kind == "task" else []
                if coverage.needs_line(subject, _int(row.get("start")), children):
                    code = f"{kind}-without-responsibility"
                    self.add(
                        code,
                        CATALOGUE[code].template.format(label=clip(subject)),
                        table.name,
                        number,
                        "id",
                    )

    def _standing_starts(self, assigned: Table) -> dict[str, int]:
        """Plan prefix ("" in a single plan's package) -> where its first standing assignment
        is stated, from the subjects of kind standing and their rows' spans."""
        subjects = self.tables.get("subjects")
        if subjects is None or not {"id", "kind"} <= set(subjects.columns):
            return {}
        standing = {row["id"] for row in subjects.rows if row["kind"] == "standing"}
        starts: dict[str, int] = {}
        for row in assigned.rows:
            if row["subject_id"] in standing and "start" in row:
                prefix = row["subject_id"].rpartition("/")[0]
                start = _int(row["start"])
                starts[prefix] = min(start, starts.get(prefix, start))
        return starts

    def agency_ids(self) -> None:
        agencies = self.need("agencies", "id")
        if agencies is None:
            return
        known = agencies.ids()
        checks = (
            ("responsibilities", "agency_id"),
            ("agencies", "parent_id"),
            ("agencies", "successor_id"),
            ("plans", "issuer_id"),
        )
        for name, column in checks:
            table = self.tables.get(name)
            if table is None or column not in table.columns:
                continue
            for number, row in table.numbered():
                value = row[column]
                if value and value not in known:
                    self.add(
                        "unknown-agency-id",
                        f"{column} {clip(value)} is not an id in agencies",
                        name,
                        number,
                        column,
                    )
        responsibilities = self.need("responsibilities", "agency_id", "agency")
        if responsibilities is None:
            return
        for number, row in responsibilities.numbered():
            if not row["agency_id"]:
                self.add(
                    "unknown-agency",
                    CATALOGUE["unknown-agency"].template.format(
                        agency=clip(row["agency"]), hint=""
                    ),
                    "responsibilities",
                    number,
                    "agency_id",
                )

    def deadlines(self) -> None:
        plans = self.need("plans", "id", "issued")
        deadlines = self.need("deadlines", "subject_id", "date")
        if plans is None or deadlines is None:
            return
        issued_on = {row["id"]: _date(row["issued"]) for row in plans.rows}
        only = next(iter(issued_on.values())) if len(issued_on) == 1 else None
        for number, row in deadlines.numbered():
            # A corpus prefixes every id with its plan's ("<plan id>/task_1").
            subject = row["subject_id"]
            owner = subject if subject in issued_on else subject.partition("/")[0]
            issued = issued_on.get(owner, only)
            date = _date(row["date"])
            if early_deadline(date, issued):
                self.add(
                    "deadline-before-issue-date",
                    CATALOGUE["deadline-before-issue-date"].template.format(
                        expression=clip(row.get("expression", "")), date=date, issued=issued
                    ),
                    "deadlines",
                    number,
                    "date",
                )

    def spans(self) -> None:
        if self.source is None:
            return
        expected: dict[str, Callable[[dict[str, str]], str | None]] = {
            "sections": lambda r: r.get("label", "") + r.get("title", ""),
            "tasks": lambda r: r.get("label", "") + r.get("text", ""),
            "measures": lambda r: r.get("label", "") + r.get("text", ""),
            "points": lambda r: r.get("label", "") + r.get("text", ""),
            "paragraphs": lambda r: r.get("text"),
            "deadlines": lambda r: r.get("expression"),
            "targets": lambda r: r.get("text"),
            "responsibilities": lambda r: None,
        }
        # Offsets of the line breaks, found once: counting them per row is quadratic.
        # Lines end at \n, \r\n or a lone \r, as the parser counts them (LINE_BREAK).
        breaks = [match.start() for match in LINE_BREAK.finditer(self.source)]
        for name, text_of in expected.items():
            table = self.tables.get(name)
            if table is None or not {"line", "start", "end"} <= set(table.columns):
                continue
            for number, row in table.numbered():
                problem = _span_problem(self.source, breaks, row, text_of(row))
                if problem:
                    self.add("span-mismatch", problem, name, number, "start")
        table = self.tables.get("responsibilities")
        if table is not None and {"start", "end", "agency_start", "agency_end"} <= set(
            table.columns
        ):
            for number, row in table.numbered():
                problem = _agency_span_problem(self.source, row)
                if problem:
                    self.add("span-mismatch", problem, "responsibilities", number, "agency_start")


def _int(value: str | None) -> int:
    """A cell as an integer; -1 when it is not one (frictionless reports the type)."""
    try:
        return int(value or "")
    except ValueError:
        return -1


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _span_problem(
    source: str, breaks: Sequence[int], row: Mapping[str, str], text: str | None
) -> str | None:
    """What is wrong with a row's span, or None: in range, on its line, slicing to its text.
    `breaks` are the offsets of the source's line breaks, in order."""
    try:
        line, start, end = int(row["line"]), int(row["start"]), int(row["end"])
    except ValueError:
        return None  # frictionless reports the type error
    if not 0 <= start <= end <= len(source):
        return f"span {start}-{end} is outside the source text ({len(source)} characters)"
    if bisect.bisect_left(breaks, start) + 1 != line:
        return f"offset {start} is not on line {line}"
    if text is not None and source[start:end] != text:
        return f"the source at {start}-{end} reads {clip(source[start:end])}, not {clip(text)}"
    return None


def _agency_span_problem(source: str, row: Mapping[str, str]) -> str | None:
    """What is wrong with an assignment's agency span, or None: inside its responsibility line,
    slicing to the agency's name as printed (or the bare noun it is read from)."""
    try:
        start, end = int(row["agency_start"]), int(row["agency_end"])
        line_start, line_end = int(row["start"]), int(row["end"])
    except ValueError:
        return None  # frictionless reports the type error
    if not line_start <= start <= end <= line_end:
        return (
            f"agency span {start}-{end} is not inside its responsibility line "
            f"({line_start}-{line_end})"
        )
    printed, agency = source[start:end], row.get("agency", "")
    if printed != agency and not (printed in BARE_NOUNS and agency.endswith(printed)):
        return f"the source at {start}-{end} reads {clip(printed)}, not {clip(agency)}"
    return None


def project_findings(folder: Path, descriptor: Mapping[str, Any]) -> list[Finding]:
    """Gate 3: the project's rules on the rows of the package's tables. Rows without one cell
    per column are left out, unreported: frictionless (gate 1) reports them."""
    tables, source, findings, _rows = read_tables(descriptor, folder_reader(folder))
    names = {resource.get("name") for resource in resources_of(descriptor)}
    return findings + Rules(tables, source, names).run()


def read_tables(
    descriptor: Mapping[str, Any], read: Reader
) -> tuple[dict[str, Table], str | None, list[Finding], list[Finding]]:
    """The tables and source text the descriptor lists, a finding per unsafe path, and a
    finding per row that is not one cell per column."""
    tables: dict[str, Table] = {}
    source: str | None = None
    findings: list[Finding] = []
    row_findings: list[Finding] = []
    for resource in resources_of(descriptor):
        name = resource.get("name")
        if not is_local(resource.get("path")):
            findings.append(CATALOGUE["unsafe-path"](str(name), path=clip(resource.get("path"))))
            continue
        if resource.get("type") == "table" and isinstance(name, str):
            table, problems = read_table(read, resource)
            row_findings.extend(problems)
            if table is not None:
                tables[name] = table
        elif name == "source":
            data = read(str(resource["path"]))
            try:
                source = data.decode("utf-8") if data is not None else None
            except UnicodeDecodeError:
                source = None
    return tables, source, findings, row_findings
