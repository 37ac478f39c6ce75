"""Plan -> Frictionless Data Package v2: tables, Table Schemas and `datapackage.json`, in memory.

Pure functions from values to bytes; writing them out (atomically) is `fgf_opendata.build`'s job.
The package of a plan holds one CSV per table in `TABLES` (UTF-8, one header row, the dialect in
`CSV_DIALECT`), the canonical JSON of the plan (`plan.json`), the source text itself
(`source/<plan id>.txt`), which the `line`, `start` and `end` columns of every row point into,
and the schemas these files conform to (`schemas/`, which the catalogue's `dct:conformsTo`
names). `FILE_DESCRIPTIONS` says what every other file the build adds is.

Every cell is written by its Table Schema field (`table_csv`: the type's default form, the value
checked against the field's constraints), the stdlib `csv` module quotes and joins them, and
`serialize.dumps` writes the descriptor, so the same plan always gives the same bytes: no
timestamps, rows in document order, agencies sorted by id. Nothing here imports frictionless.
Every resource records its `bytes` and `hash` (sha256), so a one-character edit to any file
fails `frictionless validate` and `fgf build --check`. The Table Schemas do not depend on the
plan; the package's `schemas/` and the project's `schemas/` publish them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, get_args

from pydantic import TypeAdapter

from ..agencies import Registry
from ..errors import ExportError
from ..fileset import FileStat, file_stat, stat_of
from ..memory import cycle_collection_paused
from ..model import (
    ROLE_VERBS,
    Plan,
    Role,
)
from ..publication import (
    CATALOG_TURTLE,
    CITATION,
    CORPUS_GRAPHS,
    DATABASE,
    DATASETTE_METADATA,
    DESCRIPTOR,
    LICENSE,
    LICENSE_FILE,
    PACKAGE_PROFILE,
    PLAN_CONTEXT,
    PLAN_JSON,
    PLAN_JSONLD,
    PLAN_SCHEMA,
    PLAN_SHAPES,
    PLAN_TURTLE,
    PUBLISHER,
    README,
    SHAPES_DATA,
    SOURCE_FOLDER,
    SOURCES,
    VERSION,
    SourceInfo,
    dataset_iri,
    file_format,
    keywords,
    slug,
    table_schema_path,
)
from ..serialize import dumps, plan_json_schema
from .cells import CSV_DIALECT, table_csv
from .columns import PLAN_ID, TABLES, table_schemas
from .rows import assignments_of, plan_rows, section_tasks, subjects_of

__all__ = [
    "FILE_DESCRIPTIONS",
    "PLAN_SCHEMA",
    "PLAN_SHAPES",
    "FileStat",
    "check_plan_id",
    "data_files",
    "descriptor_bytes",
    "file_stat",
    "package_descriptor",
    "plan_json_bytes",
    "schema_files",
    "source_path",
    "table_schema_path",
]


def check_plan_id(plan_id: str) -> str:
    """The plan id, checked to be safe as a file name (it comes from the document's content)."""
    if not PLAN_ID.fullmatch(plan_id) or ".." in plan_id:
        raise ExportError(
            f"plan id {plan_id!r} cannot name a file: it must match {PLAN_ID.pattern}"
        )
    return plan_id


def source_path(plan: Plan) -> str:
    """Where the package keeps the source text of the plan."""
    return f"{SOURCE_FOLDER}/{check_plan_id(plan.id)}.txt"


def data_files(plan: Plan, registry: Registry, source_text: str) -> dict[str, bytes]:
    """Path -> bytes of every data file of the package: the CSVs, plan.json and the source.

    `source_text` is the decoded text the plan was parsed from; it is stored as UTF-8, so the
    spans (offsets in code points) point into it whatever the encoding of the original file.
    """
    text_path = source_path(plan)  # checks the plan id before anything is made of it
    schemas = table_schemas()
    with cycle_collection_paused():
        rows = plan_rows(plan, registry)
        files = {f"{name}.csv": table_csv(rows[name], schemas[name]) for name in TABLES}
    files[PLAN_JSON] = plan_json_bytes(plan)
    files[text_path] = source_text.encode("utf-8")
    files.update(schema_files())
    return files


@cache
def _schema_files() -> Mapping[str, bytes]:
    files = {PLAN_SCHEMA: dumps(plan_json_schema()).encode("utf-8")}
    for name, schema in table_schemas().items():
        files[table_schema_path(name)] = dumps(schema).encode("utf-8")
    files[PLAN_SHAPES] = resources.files("fgf_opendata").joinpath("data", SHAPES_DATA).read_bytes()
    return MappingProxyType(files)


def schema_files() -> dict[str, bytes]:
    """Path -> bytes of the schemas every package publishes (what the catalogue's
    `dct:conformsTo` names): `PLAN_SCHEMA`, one Table Schema per table, each equal to the
    schema the descriptor embeds, and the SHACL shapes (`PLAN_SHAPES`) of the RDF files. The
    same for every plan, so made once."""
    return dict(_schema_files())


@cache
def _plan_adapter() -> TypeAdapter[Plan]:
    return TypeAdapter(Plan)


def plan_json_bytes(plan: Plan) -> bytes:
    """`plan_to_json(plan)` as UTF-8, written as bytes by pydantic: a plan of 100,000 tasks
    makes some 100 MB of JSON, and the text would be twice or four times that again."""
    return _plan_adapter().dump_json(plan, indent=2) + b"\n"


def _stat(files: Mapping[str, bytes], path: str) -> FileStat:
    found = stat_of(files, path)
    if found is None:
        raise ExportError(f"the package's {path} is not made yet")
    return found


_TABLE_TITLES = {  # name -> English title, Chinese title, what one row is
    "plans": ("The plan", "方案", "plan: its doc number, title, issuer and date of issue"),
    "sections": ("Sections", "部分", "section (一、…) grouping key tasks"),
    "tasks": ("Key tasks", "重点任务", "key task （一）…, with its text"),
    "measures": ("Measures", "具体措施", "concrete measure (1．…) under a key task"),
    "points": ("Points", "分项", "numbered point （1）… under a measure"),
    "paragraphs": (
        "Paragraphs",
        "段落",
        (
            "prose paragraph under a section, task, measure or point, or a segment of one (a "
            "sentence group closed by its own responsibility line)"
        ),
    ),
    "subjects": (
        "Subjects",
        "主体节点",
        (
            "node that other rows refer to (the plan, a section, task, measure, point, paragraph "
            "or standing assignment) and its kind: every subject_id and parent_id is one of them"
        ),
    ),
    "agencies": (
        "Agencies",
        "单位",
        (
            "agency the plan cites or is issued by, or that such an agency belongs to or was "
            "succeeded by (from the project's agency registry)"
        ),
    ),
    "responsibilities": (
        "Responsibilities",
        "责任分工",
        (
            "actor cited in a responsibility line: who leads (牵头), is responsible for (负责), "
            "shares (按职责分工负责), guides (指导), takes part in (参与), supports (配合) or acts "
            "jointly on (会同) a task or measure"
        ),
    ),
    "deadlines": (
        "Deadlines",
        "完成时限",
        "time limit stated in the text, resolved to the last day it covers",
    ),
    "targets": ("Targets", "量化目标", "quantified commitment (20个工作日以内, …)"),
}


FILE_DESCRIPTIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        PLAN_JSON: (
            "The plan as canonical JSON (方案JSON)",
            (
                "The whole parsed plan, nested, with every node's source span; its JSON Schema is "
                f"{PLAN_SCHEMA}."
            ),
        ),
        README: (
            "Read me (说明)",
            (
                "What the package holds, its licence and source, its files and how to use them; "
                "generated from this descriptor."
            ),
        ),
        LICENSE_FILE: (
            "Licence (许可协议)",
            (
                "The licence of the data (CC BY 4.0), the attribution to give, and why the source "
                "text itself is not under copyright."
            ),
        ),
        CITATION: (
            "How to cite (引用)",
            (
                "Citation File Format metadata: the title, authors, version, licence and "
                "identifier to cite the package by, and the plan it is derived from."
            ),
        ),
        PLAN_SCHEMA: (
            "JSON Schema of plan.json",
            (
                "The JSON Schema (draft 2020-12) that plan.json conforms to, generated from the "
                "model; the catalogue's dct:conformsTo of plan.json names it."
            ),
        ),
        PLAN_SHAPES: (
            "SHACL shapes of the RDF files",
            (
                f"The SHACL shapes that {PLAN_TURTLE} and {PLAN_JSONLD} conform to (the tree, "
                "responsibilities, deadlines, targets, spans); `fgf validate` checks them."
            ),
        ),
        DATABASE: (
            "SQLite database (数据库)",
            (
                "The tables as one SQLite database, the same rows: foreign keys on, a full-text "
                "index on the texts of tasks, measures, points and paragraphs, and views for the "
                "common questions (who leads what, deadlines by month, items without a lead)."
            ),
        ),
        DATASETTE_METADATA: (
            "Datasette metadata",
            (
                "Metadata for `datasette plan.sqlite --metadata metadata.json`: the title, licence "
                "and source, and every table's, column's and view's description."
            ),
        ),
        PLAN_TURTLE: (
            "The plan as RDF (Turtle)",
            (
                "The plan as an RDF graph in Turtle (ELI, PROV-O, W3C ORG, OWL-Time, schema.org), "
                "with the ids of the tables in its IRIs."
            ),
        ),
        PLAN_JSONLD: (
            "The plan as RDF (JSON-LD)",
            (
                f"The same graph as {PLAN_TURTLE}, as compacted JSON-LD with its context embedded "
                "(no remote fetch): every node has its @type, numbers are native."
            ),
        ),
        PLAN_CONTEXT: (
            "JSON-LD context",
            (
                f"The JSON-LD context that {PLAN_JSONLD} embeds, as a file of its own: prefixes for "
                "the vocabularies and for the plan's and the agencies' IRIs, and the terms."
            ),
        ),
        CATALOG_TURTLE: (
            "DCAT-AP catalogue (Turtle)",
            (
                "The DCAT-AP 3 description of the package for data portals to harvest: the "
                "dataset, and a distribution per file with its media type, size, checksum, "
                "licence and the schema it conforms to."
            ),
        ),
    }
)
"""Path -> the title and description of every file a package may hold besides its tables,
its source text and the Table Schemas (`file_description` gives those too)."""


def file_description(path: str) -> tuple[str, str]:
    """The title and description of a file of the package (not a table's CSV).

    A path that no table names (a file a custom `LinkedOutputs` adds) is described by its
    format."""
    if path in FILE_DESCRIPTIONS:
        return FILE_DESCRIPTIONS[path]
    for table in TABLES:
        if path == table_schema_path(table):
            return (
                f"Table Schema of {table}.csv",
                (
                    f"The Table Schema (v2) of {table}.csv, the same as this descriptor embeds; "
                    f"the catalogue's dct:conformsTo of {table}.csv names it."
                ),
            )
    if path.startswith(f"{CORPUS_GRAPHS}/"):
        return (
            "A plan of the corpus as RDF (N-Triples)",
            (
                "One plan's RDF graph in N-Triples; the files of every plan together are the "
                "corpus graph."
            ),
        )
    if path.startswith(f"{SOURCE_FOLDER}/"):
        return (
            "Source text (原文)",
            (
                "The text the data was parsed from, in UTF-8. The line, start and end columns "
                "of the tables point into it: start and end count code points."
            ),
        )
    kind = file_format(path).kind
    return f"{kind}: {path}", f"{kind} of the plan, generated from the same parse as the tables."


def file_resource(path: str, stat: FileStat, **extra: Any) -> dict[str, Any]:
    """A resource for one file: where, what format, how big, its sha256 (`extra` first)."""
    known = file_format(path)
    resource: dict[str, Any] = {**extra, "path": path}
    resource.update(format=known.format, mediatype=known.mediatype)
    if known.text:
        resource["encoding"] = "utf-8"
    size, digest = stat
    resource.update(bytes=size, hash=digest)
    return resource


def table_resource(name: str, stat: FileStat, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The resource of one table of `TABLES`: its title, what a row is, the file, dialect and
    Table Schema (a corpus passes its schemas, whose ids may carry a plan prefix)."""
    title, title_zh, what = _TABLE_TITLES[name]
    spans = any(field["name"] == "start" for field in schema["fields"])
    return {
        "name": name,
        "type": "table",
        **file_resource(
            f"{name}.csv",
            stat,
            title=f"{title} ({title_zh})",
            description=f"One row per {what}."
            + (" Each row gives its source span (line, start, end)." if spans else ""),
        ),
        "dialect": dict(CSV_DIALECT),
        "schema": schema,
    }


def descriptor_frame(
    *,
    name: str,
    dataset: str,
    title: str,
    description: str,
    resources: list[dict[str, Any]],
    subject_keywords: Sequence[str],
    sources: Sequence[Mapping[str, Any]] = (),
    authors: Sequence[str] = (),
) -> dict[str, Any]:
    """A `datapackage.json` around its resources, for one plan or a corpus alike: the v2
    profile, the id (`dataset` under the base IRI), version and licence, the sources, the
    publisher (and `authors`), the keywords (`publication.keywords` gives them)."""
    contributors: list[dict[str, Any]] = [{"title": PUBLISHER, "roles": ["publisher"]}]
    contributors += [{"title": author, "roles": ["author"]} for author in authors]
    frame: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": name,
        "id": dataset_iri(dataset),
        "title": title,
        "description": description,
        "version": VERSION,
        "licenses": [dict(LICENSE)],
    }
    if sources:
        frame["sources"] = [dict(source) for source in sources]
    frame.update(contributors=contributors, keywords=list(subject_keywords), resources=resources)
    return frame


def package_descriptor(
    plan: Plan,
    files: Mapping[str, bytes],
    *,
    registry: Registry | None = None,
    source: SourceInfo | None = None,
) -> dict[str, Any]:
    """The `datapackage.json` of a plan's files (as `data_files` gives them, plus extra files;
    a `fileset.FileSet` gives their sizes and checksums without reading them).

    Every file becomes a resource with its size and sha256: the tables with their Table Schema
    and dialect, then plan.json and the source text, then any other file (the RDF outputs) in
    path order. `source` (default: `SOURCES[plan.id]`) gives the official URL and keywords.
    """
    source = source if source is not None else SOURCES.get(plan.id)
    schemas = table_schemas()
    resources: list[dict[str, Any]] = []
    for name in TABLES:
        path = f"{name}.csv"
        if path not in files:
            raise ExportError(f"the package has no {path}")
        resources.append(table_resource(name, _stat(files, path), schemas[name]))
    text_path = source_path(plan)
    others = sorted(set(files) - {f"{name}.csv" for name in TABLES} - {PLAN_JSON, text_path})
    for path, name in [(PLAN_JSON, "plan"), (text_path, "source")] + [
        (path, slug(path)) for path in others if path != DESCRIPTOR
    ]:
        title, description = file_description(path)
        resources.append(
            file_resource(path, _stat(files, path), name=name, title=title, description=description)
        )

    plan_name = plan.plan_title or plan.title
    citation = ", ".join(
        part for part in (plan.doc_number, plan.issued and plan.issued.isoformat()) if part
    )
    source_entry: dict[str, Any] = {
        "title": f"{plan.title} ({citation})" if citation else plan.title
    }
    if source is not None:
        source_entry["path"] = source.url
    return descriptor_frame(
        name=check_plan_id(plan.id),
        dataset=plan.id,
        title=f"{plan_name} ({plan.doc_number or plan.id}) — key tasks, measures and "
        "responsibilities",
        description=_description(plan, registry),
        resources=resources,
        subject_keywords=keywords(plan.doc_number, source.keywords if source else ()),
        sources=[source_entry],
        authors=[plan.issuer] if plan.issuer else [],
    )


def _description(plan: Plan, registry: Registry | None) -> str:
    """What the package holds, in Chinese then English, with the licence note."""
    sections = len(plan.sections)
    tasks = sum(len(s.tasks) for s in plan.sections)
    measures = sum(len(t.measures) for _, t in section_tasks(plan))
    subjects = [subject for _, subject in subjects_of(plan)]
    assignments = sum(1 for _ in assignments_of(plan))
    deadlines = len(plan.deadlines) + sum(len(s.deadlines) for s in subjects)
    targets = sum(len(s.targets) for s in subjects)
    cited = {a.role for a in assignments_of(plan)}
    roles = [role for role in get_args(Role) if role in cited]
    issued_zh = (
        f"{plan.issued.year}年{plan.issued.month}月{plan.issued.day}日" if plan.issued else ""
    )
    doc_zh = f"{plan.doc_number}，" if plan.doc_number else ""
    issuer = registry.get(plan.issuer_id) if registry is not None and plan.issuer_id else None
    issuer_en = issuer.name_en if issuer else plan.issuer or "the issuer"
    doc_en = f" ({plan.doc_number})" if plan.doc_number else ""
    issued_en = f" on {plan.issued.isoformat()}" if plan.issued else ""
    zh = (
        f"《{plan.plan_title or plan.title}》（{doc_zh}{plan.issuer or ''}{issued_zh}印发）"
        f"的结构化数据：{sections}个部分、{tasks}项重点任务、{measures}项具体措施，"
        f"{assignments}条责任分工（{'、'.join(ROLE_VERBS[r] for r in roles) or '无'}），"
        f"{deadlines}个完成时限和{targets}个量化目标。每行数据注明其在原文中的位置（行号和字符偏移）。"
        "原文是国家机关的行政性质文件，依《中华人民共和国著作权法》第五条不适用该法；"
        "本派生数据以CC BY 4.0许可发布。"
    )
    en = (
        f"Structured data from a key-task division plan issued by the {issuer_en}{doc_en}"
        f"{issued_en}: {sections} sections, {tasks} key tasks, {measures} measures, "
        f"{assignments} assignments of agencies ({', '.join(roles) or 'none'}), {deadlines} "
        f"deadlines and {targets} quantified targets. Every row gives its place in the source "
        "text (line and character offsets). The source is a state document of an "
        "administrative nature, which Art. 5 of the Copyright Law of the PRC places outside "
        "copyright; the derived data is published under CC BY 4.0."
    )
    return f"{zh}\n\n{en}"


def descriptor_bytes(descriptor: Mapping[str, Any]) -> bytes:
    """The descriptor in the project's one JSON style (`serialize.dumps`)."""
    return dumps(descriptor).encode("utf-8")
