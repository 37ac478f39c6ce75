"""What every output says about the publication itself, stated once.

The base IRI, the licence, the publisher, the generic keywords, the file names of the package
and the format of each kind of file: the tables, the graphs, the catalogue, the site and the
package descriptor all read them from here, so a change of licence or base IRI is one edit.
This module is on the ground floor: it imports nothing of the project.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "BASE_IRI",
    "CATALOG_TURTLE",
    "CC_BY",
    "CITATION",
    "CORPUS_GRAPHS",
    "CORPUS_PLANS",
    "DATABASE",
    "DATASETTE_METADATA",
    "DESCRIPTOR",
    "FILE_FORMATS",
    "GENERATOR",
    "JSON_SCHEMA_DIALECT",
    "LANDING_PAGE",
    "LICENSE",
    "LICENSE_FILE",
    "PACKAGE_FOLDER",
    "PACKAGE_PROFILE",
    "PLAN_CONTEXT",
    "PLAN_JSON",
    "PLAN_JSONLD",
    "PLAN_SCHEMA",
    "PLAN_SHAPES",
    "PLAN_TURTLE",
    "PUBLISHER",
    "README",
    "SHAPES_DATA",
    "SOURCES",
    "SOURCE_FOLDER",
    "TABLE_SCHEMA_PROFILE",
    "VERSION",
    "FileFormat",
    "SourceInfo",
    "dataset_iri",
    "file_format",
    "keywords",
    "schema_iri",
    "slug",
    "table_schema_path",
]

VERSION = "0.1.0"
"""The version of fgf-opendata; every package and catalogue it writes states it."""

BASE_IRI = "https://w3id.org/fgf-opendata"
"""The default base of every IRI the project mints (plans, agencies, datasets, terms)."""

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

PACKAGE_FOLDER = "datapackage"
"""The package folder `fgf build` writes, and `fgf validate` and `fgf query` read, when none is
named."""
DESCRIPTOR = "datapackage.json"
PLAN_JSON = "plan.json"
PLAN_TURTLE = "linked/plan.ttl"
PLAN_JSONLD = "linked/plan.jsonld"
PLAN_CONTEXT = "linked/context.jsonld"
"""The JSON-LD context `PLAN_JSONLD` embeds, as a file of its own."""
CATALOG_TURTLE = "linked/catalog.ttl"
CORPUS_GRAPHS = "linked/plans"
"""The folder of a corpus package that holds each plan's graph (`linked/plans/<id>.nt`): together
they are the corpus graph."""
CORPUS_PLANS = "plans"
SOURCE_FOLDER = "source"
"""The folder of a package that holds the source text of each plan (`source/<id>.txt`)."""
PLAN_SCHEMA = "schemas/plan.jsonschema.json"
"""The JSON Schema of `plan.json`, as a file of the package (the project's
`schemas/plan.schema.json`). Not `*.schema.json`: frictionless takes any file so named for a
Table Schema and fails the package; `jsonschema.json` is its own name for a JSON Schema."""
SHAPES_DATA = "fgf-shapes.ttl"
"""The project's SHACL shapes for a plan's graph, a file of the library's `data/` folder: the
RDF gate checks with it (`linked.shacl.plan_shapes`) and every package publishes it as
`PLAN_SHAPES`."""
PLAN_SHAPES = "schemas/shapes.ttl"
"""The SHACL shapes the plan's RDF files conform to (`SHAPES_DATA`), as a file of the package."""
README = "README.md"
LICENSE_FILE = "LICENSE"
CITATION = "CITATION.cff"
"""The documents a package carries for people (`package_docs` writes them)."""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema version of every JSON Schema the project publishes."""
"""The folder of a corpus package that holds each plan's canonical JSON (`plans/<id>.json`)."""
DATABASE = "plan.sqlite"
"""The package's tables as one SQLite database (foreign keys, full-text index, views)."""
DATASETTE_METADATA = "metadata.json"
"""Datasette's metadata for `DATABASE`: `datasette plan.sqlite --metadata metadata.json`."""
LANDING_PAGE = "site/index.html"
"""The package's landing page, when the package has one; else the package folder is."""

PUBLISHER = "fgf-opendata"
GENERATOR = "fgf-opendata"
"""What a site fgf wrote names as its generator (`<meta name="generator">`); the folder rule
(`files.site_intruder`) knows a site by it."""
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LICENSE: Mapping[str, str] = MappingProxyType(
    {"name": "CC-BY-4.0", "path": CC_BY, "title": "Creative Commons Attribution 4.0"}
)
"""The licence of the derived data, as a Data Package `licenses` entry."""

_KEYWORDS_ZH = ("重点任务分工", "国务院")
_KEYWORDS_EN = (
    "State Council of China",
    "key tasks",
    "division of responsibilities",
    "deadlines",
    "government agencies",
)


def table_schema_path(table: str) -> str:
    """Where a package keeps the Table Schema of one of its tables."""
    return f"schemas/{table}.tableschema.json"


def schema_iri(name: str) -> str:
    """The `$id` of a JSON Schema the project publishes in its `schemas/` folder."""
    return f"{BASE_IRI}/schemas/{name}"


def dataset_iri(name: str, base: str = BASE_IRI) -> str:
    """The IRI of the dataset a package publishes (a plan's id, or a corpus's name), under the
    base IRI: the descriptor's `id` and the catalogue's dataset."""
    return f"{base}/dataset/{name}"


def keywords(doc_number: str | None = None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """A dataset's keywords: the generic Chinese ones, `extra`, the doc number, then English."""
    words = (*_KEYWORDS_ZH, *extra, *([doc_number] if doc_number else []), *_KEYWORDS_EN)
    return tuple(dict.fromkeys(words))


class FileFormat(NamedTuple):
    """How one kind of file is described to Data Package readers and DCAT portals."""

    format: str
    """The Data Package `format` (the usual suffix)."""
    mediatype: str
    """The IANA media type."""
    file_type: str | None
    """The EU file-type authority code, when the list has one."""
    kind: str
    """What such a file is, in words (for titles and descriptions)."""
    text: bool
    """Written as UTF-8 text (the descriptor then states its encoding)."""


FILE_FORMATS: Mapping[str, FileFormat] = MappingProxyType(
    {
        ".cff": FileFormat("cff", "application/yaml", "YAML", "Citation (CFF)", True),
        ".css": FileFormat("css", "text/css", "CSS", "Style sheet", True),
        ".csv": FileFormat("csv", "text/csv", "CSV", "CSV table", True),
        ".html": FileFormat("html", "text/html", "HTML", "Web page", True),
        ".js": FileFormat("js", "text/javascript", "JS", "Script", True),
        ".json": FileFormat("json", "application/json", "JSON", "JSON document", True),
        ".jsonld": FileFormat(
            "jsonld", "application/ld+json", "JSON_LD", "RDF graph (JSON-LD)", True
        ),
        ".md": FileFormat("md", "text/markdown", "TXT", "Text (Markdown)", True),
        ".nt": FileFormat(
            "nt", "application/n-triples", "RDF_N_TRIPLES", "RDF graph (N-Triples)", True
        ),
        ".sqlite": FileFormat("sqlite", "application/vnd.sqlite3", "BIN", "SQLite database", False),
        ".svg": FileFormat("svg", "image/svg+xml", "SVG", "Chart (SVG)", True),
        ".ttl": FileFormat("ttl", "text/turtle", "RDF_TURTLE", "RDF graph (Turtle)", True),
        ".txt": FileFormat("txt", "text/plain", "TXT", "Text", True),
        ".yaml": FileFormat("yaml", "application/yaml", "YAML", "YAML document", True),
        LICENSE_FILE: FileFormat("txt", "text/plain", "TXT", "Licence", True),
    }
)
"""File suffix (or a whole name without one) -> its format. The EU file-type list has no
Markdown (plain text, TXT) and no SQLite (binary data, BIN)."""

_UNKNOWN = FileFormat("bin", "application/octet-stream", None, "File", False)


def file_format(path: str) -> FileFormat:
    """The format of a file, from its suffix (or whole name); octet-stream when unknown."""
    name = path.rsplit("/", 1)[-1]
    suffix = name[name.rfind(".") :] if "." in name else name
    known = FILE_FORMATS.get(suffix)
    if known is not None:
        return known
    return _UNKNOWN._replace(format=suffix.lstrip(".") or "bin") if "." in name else _UNKNOWN


def slug(path: str) -> str:
    """A path as a name: lower case, runs of anything but [a-z0-9] as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


@dataclass(frozen=True)
class SourceInfo:
    """What the text itself does not say about a published plan: where it is, what it is about."""

    url: str
    """The official publication of the document (gov.cn)."""
    keywords: tuple[str, ...] = ()
    """Subject keywords for portals, in addition to the generic ones."""
    published: dt.date | None = None
    """The date the source was published at `url`, when it is known."""


SOURCES: Mapping[str, SourceInfo] = MappingProxyType(
    {
        "guobanfa-2021-25": SourceInfo(
            "https://www.gov.cn/zhengce/content/2021-07/11/content_5624201.htm",
            (
                "放管服",
                "市场主体",
                "营商环境",
                "streamlining administration",
                "business environment",
            ),
            dt.date(2021, 7, 11),
        ),
    }
)
"""Known sources by plan id; a plan not listed here is published without a source URL."""
