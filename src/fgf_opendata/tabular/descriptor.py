"""Plan -> Frictionless Data Package v2: tables, Table Schemas and `datapackage.json`, in memory.

Pure functions from values to bytes; writing them out (atomically) is `fgf_opendata.build`'s job.
The package of a plan holds one CSV per table in `TABLES` (UTF-8, one header row, the dialect in
`CSV_DIALECT`), the canonical JSON of the plan (`plan.json`) and the source text itself
(`source/<plan id>.txt`), which the `line`, `start` and `end` columns of every row point into.

Every cell is written by its Table Schema field (`table_csv`: the type's default form, the value
checked against the field's constraints), the stdlib `csv` module quotes and joins them, and
`serialize.dumps` writes the descriptor, so the same plan always gives the same bytes: no
timestamps, rows in document order, agencies sorted by id. Nothing here imports frictionless.
Every resource records its `bytes` and `hash` (sha256), so a one-character edit to any file
fails `frictionless validate` and `fgf build --check`. The Table Schemas do not depend on the
plan; `schemas/` publishes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any, get_args

from pydantic import TypeAdapter

from ..agencies import Registry
from ..errors import ExportError
from ..fileset import FileStat, file_stat, stat_of
from ..memory import cycle_collection_paused
from ..model import (
    Plan,
    Role,
)
from ..publication import (
    BASE_IRI,
    DESCRIPTOR,
    LICENSE,
    PACKAGE_PROFILE,
    PLAN_JSON,
    PUBLISHER,
    SOURCES,
    VERSION,
    SourceInfo,
    file_format,
    keywords,
    slug,
)
from ..serialize import dumps
from .cells import CSV_DIALECT, table_csv
from .columns import PLAN_ID, TABLES, table_schemas
from .rows import assignments_of, plan_rows, section_tasks, subjects_of

__all__ = [
    "FileStat",
    "check_plan_id",
    "data_files",
    "descriptor_bytes",
    "file_stat",
    "package_descriptor",
    "plan_json_bytes",
    "source_path",
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
    return f"source/{check_plan_id(plan.id)}.txt"


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
    return files


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
        "title": f"{title} ({title_zh})",
        "description": f"One row per {what}."
        + (" Each row gives its source span (line, start, end)." if spans else ""),
        **file_resource(f"{name}.csv", stat),
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
        "id": f"{BASE_IRI}/dataset/{dataset}",
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
    resources.append(
        file_resource(
            PLAN_JSON,
            _stat(files, PLAN_JSON),
            name="plan",
            title="The plan as canonical JSON",
            description="The whole parsed plan, nested, with every node's source span "
            "(its JSON Schema: https://w3id.org/fgf-opendata/schemas/plan.schema.json).",
        )
    )
    resources.append(
        file_resource(
            text_path,
            _stat(files, text_path),
            name="source",
            title="Source text (原文)",
            description="The text the data was parsed from, in UTF-8. The line, start and end "
            "columns of the tables point into it: start and end count code points.",
        )
    )
    known = {f"{name}.csv" for name in TABLES} | {PLAN_JSON, text_path, DESCRIPTOR}
    for path in sorted(set(files) - known):
        kind = file_format(path).kind
        resources.append(
            file_resource(
                path,
                _stat(files, path),
                name=slug(path),
                title=f"{kind}: {path}",
                description=f"{kind} of the plan, generated from the same parse as the tables.",
            )
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


_ROLE_VERBS: Mapping[Role, str] = MappingProxyType(
    {
        "lead": "牵头",
        "responsible": "负责",
        "shared": "按职责分工负责",
        "guiding": "指导",
        "participating": "参与",
        "supporting": "配合",
        "joint": "会同",
    }
)
"""Role -> the verb that gives it, for descriptions (rdf.ROLE_LABELS has the same)."""


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
    issuer = registry.lookup(plan.issuer) if registry is not None and plan.issuer else None
    issuer_en = issuer.name_en if issuer else plan.issuer or "the issuer"
    doc_en = f" ({plan.doc_number})" if plan.doc_number else ""
    issued_en = f" on {plan.issued.isoformat()}" if plan.issued else ""
    zh = (
        f"《{plan.plan_title or plan.title}》（{doc_zh}{plan.issuer or ''}{issued_zh}印发）"
        f"的结构化数据：{sections}个部分、{tasks}项重点任务、{measures}项具体措施，"
        f"{assignments}条责任分工（{'、'.join(_ROLE_VERBS[r] for r in roles) or '无'}），"
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
