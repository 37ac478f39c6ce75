"""The IRIs of a plan's graph, and the lexical forms the writer and the catalogue share.

IRIs hang off a configurable base (`publication.BASE_IRI` unless configured, design notes §4):
`{base}/doc/cn/guobanfa/2021/25` for the plan, `…/sec_1`, `…/task_5`, `…/task_5__meas_2`,
`…/task_5__meas_2/resp_1`, agencies at `{base}/agency/{id}`, collectives at
`{base}/agent-group/{id}`. `check_base` is the one gate every base goes through.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

from ..agencies import Registry
from ..errors import ExportError
from ..model import Plan
from ..parsing.docnumber import split_doc_number
from ..publication import BASE_IRI
from .names import PREFIXES

__all__ = [
    "agent_iri",
    "canonical_decimal",
    "check_base",
    "documents_iri",
    "plan_iri",
    "plan_prefixes",
    "segment",
]

_BASE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")


def check_base(base: str) -> str:
    """The base without a trailing slash; raises `ExportError` unless it is an ASCII http(s) IRI."""
    base = base.rstrip("/")
    if not _BASE.fullmatch(base):
        raise ExportError(f"base {base!r} is not an ASCII http(s) IRI without query or fragment")
    return base


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")


def segment(value: str) -> str:
    """A model id as one IRI path segment (ids are ASCII already; anything else is escaped)."""
    return value if _UNRESERVED.fullmatch(value) else quote(value, safe="-._~")


def documents_iri(base: str = BASE_IRI) -> str:
    """What the IRI of every plan starts with: `{base}/doc/`."""
    return f"{check_base(base)}/doc/"


def plan_iri(plan: Plan, base: str = BASE_IRI) -> str:
    """The plan's IRI: `{base}/doc/cn/{series}/{year}/{number}`, else `{base}/doc/{plan.id}`."""
    documents = documents_iri(base)
    parts = split_doc_number(plan.doc_number)
    if parts is not None and parts.series is not None:
        return f"{documents}cn/{parts.series}/{parts.year}/{parts.number}"
    return f"{documents}{segment(plan.id)}"


def agent_iri(agency_id: str, registry: Registry, base: str) -> str:
    """An agency's IRI: `{base}/agency/{id}`, or `{base}/agent-group/{id}` for a collective."""
    agency = registry.get(agency_id)
    folder = "agent-group" if agency is not None and agency.kind == "collective" else "agency"
    return f"{base}/{folder}/{segment(agency_id)}"


def canonical_decimal(value: Decimal) -> str:
    """The XSD 1.0 canonical lexical form: 60 -> "60.0", 0.50 -> "0.5", 1E+2 -> "100.0".

    Turtle writes an `xsd:decimal` as a bare number that must contain a dot, so only this form
    survives a Turtle round trip unchanged ("60" would come back as "60.0", another RDF term).
    """
    if not value.is_finite():
        raise ExportError(f"{value} is not a finite decimal")
    # format(..., "f") is exact; Decimal.normalize() would round to the context's precision.
    text = format(value, "f")
    text = text.rstrip("0") if "." in text else text + "."
    text = text + "0" if text.endswith(".") else text
    return text[1:] if text.startswith("-") and value == 0 else text


def plan_prefixes(plan_iri: str, base: str) -> dict[str, str]:
    """The prefixes of a plan's graph: the vocabularies', the plan's own and the agencies'."""
    return {
        **PREFIXES,
        "plan": f"{plan_iri}/",
        "agency": f"{base}/agency/",
        "group": f"{base}/agent-group/",
    }
