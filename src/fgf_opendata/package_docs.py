"""The documents a package carries for people: README.md, LICENSE and CITATION.cff.

Each is made from the package's descriptor (a draft that does not list them yet: they list
every other file, and the final descriptor lists them), so a single plan and a corpus get the
same three: what the package is and holds, under which licence, and how to cite it. The README
is a Jinja2 template; the citation is YAML written by PyYAML in Citation File Format 1.2.0
(`tests/data/cff-1.2.0.schema.json` checks it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
import yaml

from .publication import (
    BASE_IRI,
    CC_BY,
    CITATION,
    DESCRIPTOR,
    LICENSE,
    LICENSE_FILE,
    PUBLISHER,
    README,
)

__all__ = ["CITATION", "DOCUMENTS", "LICENSE_FILE", "README", "package_documents"]

DOCUMENTS = (README, LICENSE_FILE, CITATION)

_README = """\
# {{ title | md }}

{{ description }}

- **Licence**: {{ licence.title }} ({{ licence.path }}) — see `LICENSE`.
{%- for source in sources %}
- **Source**: {{ source.title | md }}{% if source.path is defined %} <{{ source.path }}>{% endif %}
{%- endfor %}
- **Identifier**: <{{ id }}>
- **Version of fgf-opendata**: {{ version }}
- **How to cite**: see `CITATION.cff`.

## Files

| file | what it is |
|---|---|
{%- for resource in resources %}
| `{{ resource.path }}` | {{ resource.what | md }} |
{%- endfor %}
| `{{ descriptor }}` | the Data Package descriptor: every file above with its size and SHA-256, Table Schemas |
| `README.md`, `LICENSE`, `CITATION.cff` | this file, the licence, the citation |

## Use

- Check it: `frictionless validate {{ descriptor }}` (or `fgf validate .`).
- Tables: the CSV files are UTF-8, comma-separated, one header row; their Table Schemas are in
  `{{ descriptor }}`. Ids are local to the package; `subject_id` and `parent_id` point into
  `subjects.csv`.
{%- if database %}
- SQL: `datasette {{ database }} --metadata metadata.json`, or any SQLite client.
{%- endif %}
{%- if graphs %}
- Linked data: {{ graphs | join(", ") }}; query them with `fgf query 'SELECT …' .`.
{%- endif %}

Made by fgf-opendata from the source text; every row gives its place in that text.
"""

_LICENSE = """\
The data in this package ({title}) is licensed under the {licence} licence:
{url}

You may share and adapt it for any purpose, provided you give appropriate credit
({publisher}, with a link to the licence) and indicate if changes were made.

The source it was derived from is a state document of an administrative nature, which
Article 5 of the Copyright Law of the People's Republic of China places outside copyright.
"""


def _md(value: object) -> str:
    """Text for a Markdown table cell or heading: no line breaks, no bare pipes."""
    return " ".join(str(value).split()).replace("|", "\\|")


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        autoescape=False,  # Markdown, not HTML; cells are made safe by the `md` filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = _md
    return environment.from_string(_README)


def _what(resource: Mapping[str, Any]) -> str:
    title = str(resource.get("title") or resource.get("name") or "")
    return title.split(": ", 1)[0] if title.endswith(str(resource["path"])) else title


def _readme(descriptor: Mapping[str, Any]) -> str:
    resources = [
        {"path": r["path"], "what": _what(r)}
        for r in descriptor.get("resources", ())
        if isinstance(r.get("path"), str)
    ]
    paths = [r["path"] for r in resources]
    return _template().render(
        title=descriptor.get("title") or descriptor.get("name", ""),
        description=descriptor.get("description", ""),
        licence=(descriptor.get("licenses") or [dict(LICENSE)])[0],
        sources=descriptor.get("sources", []),
        id=descriptor.get("id", BASE_IRI),
        version=descriptor.get("version", ""),
        resources=resources,
        descriptor=DESCRIPTOR,
        database=next((p for p in paths if p.endswith(".sqlite")), None),
        graphs=[f"`{p}`" for p in paths if p.endswith((".ttl", ".nt")) and "catalog" not in p],
    )


def _citation(descriptor: Mapping[str, Any], issued: dt.date | None) -> dict[str, Any]:
    licence = (descriptor.get("licenses") or [dict(LICENSE)])[0]
    citation: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": descriptor.get("title") or descriptor["name"],
        "authors": [{"name": PUBLISHER, "website": BASE_IRI}],
        "version": descriptor.get("version"),
        "license": licence.get("name", LICENSE["name"]),
        "url": descriptor.get("id", BASE_IRI),
        "identifiers": [{"type": "url", "value": descriptor.get("id", BASE_IRI)}],
        "keywords": list(descriptor.get("keywords", [])),
    }
    authors = [
        {"name": c["title"]}
        for c in descriptor.get("contributors", [])
        if "author" in c.get("roles", []) and c.get("title")
    ]
    references = []
    for source in descriptor.get("sources", []):
        reference: dict[str, Any] = {
            "type": "government-document",
            "title": source["title"],
            "authors": authors or [{"name": "State Council of the People's Republic of China"}],
        }
        if source.get("path"):
            reference["url"] = source["path"]
        if issued is not None:
            reference["date-published"] = issued.isoformat()
            reference["year"] = issued.year
        references.append(reference)
    if references:
        citation["references"] = references
    return {key: value for key, value in citation.items() if value not in (None, [], "")}


def package_documents(
    descriptor: Mapping[str, Any], *, issued: dt.date | None = None
) -> dict[str, bytes]:
    """README.md, LICENSE and CITATION.cff of a package, from its (draft) descriptor; `issued`
    is the source's date of issue, for the citation of the source."""
    licence = (descriptor.get("licenses") or [dict(LICENSE)])[0]
    notice = _LICENSE.format(
        title=descriptor.get("title") or descriptor.get("name", ""),
        licence=licence.get("title", LICENSE["title"]),
        url=licence.get("path", CC_BY),
        publisher=PUBLISHER,
    )
    citation = yaml.safe_dump(
        _citation(descriptor, issued), allow_unicode=True, sort_keys=False, width=100
    )
    return {
        README: _readme(descriptor).encode("utf-8"),
        LICENSE_FILE: notice.encode("utf-8"),
        CITATION: citation.encode("utf-8"),
    }
