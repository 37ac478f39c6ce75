"""The closed namespaces of `names` with rdflib terms, for the side that reads graphs.

The reader, the SHACL gate, the query side and the tests look terms up in rdflib graphs,
where an IRI is an rdflib `URIRef` (a plain `str` or a `names.IRI` of the same text is
another term there). Here are the same namespaces, code lists and constants as in `names`,
each term made once as a `URIRef`, so the two sides name every term the same way from one
source. rdflib's own closed PROV, ORG, FOAF, DCTERMS, SKOS, RDF, RDFS, OWL and SH are
re-exported whole (`names` lists the terms the writer uses of them; a test holds those to
these).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, Namespace
from rdflib.term import URIRef

from . import names
from .names import (
    DEF,
    EN,
    PREFIXES,
    ROLE_LABELS,
    ZH,
    CvTerms,
    DcatApTerms,
    DcatTerms,
    EliTerms,
    FgfTerms,
    OaTerms,
    QudtTerms,
    SdoTerms,
    SpdxTerms,
    TimeTerms,
    UnitTerms,
    VcardTerms,
    XsdTerms,
)

__all__ = [
    "AGENCY_CATEGORY_SCHEME",
    "BLOCK_KINDS",
    "BLOCK_KIND_SCHEME",
    "COMPARATOR_PROPERTIES",
    "CV",
    "DCAT",
    "DCATAP",
    "DCT",
    "DEF",
    "DOCUMENT_TYPE",
    "ELI",
    "EN",
    "EU_COUNTRY",
    "EU_FILE_TYPE",
    "EU_FREQUENCY",
    "EU_LANGUAGE",
    "FGF",
    "FOAF",
    "IANA_MEDIA_TYPE",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUDT",
    "QUDT_UNITS",
    "RDF",
    "RDFS",
    "RECURRENCES",
    "ROLES",
    "ROLE_LABELS",
    "ROLE_SCHEME",
    "SDO",
    "SH",
    "SHAPES",
    "SKOS",
    "SPDX",
    "SUBDIVISION_TYPES",
    "SUBDIVISION_TYPE_SCHEME",
    "TIME",
    "UNIT",
    "VCARD",
    "XSD",
    "ZH",
    "agency_category",
    "uri",
]


def uri(value: str) -> URIRef:
    """An rdflib IRI made without rdflib's check (a regex per IRI): for the vocabularies'
    terms and for the writer's IRIs (`names.IRI`), which are checked where they are made."""
    return str.__new__(URIRef, value)


DCT = DCTERMS
FGF = FgfTerms(uri)
ELI = EliTerms(uri)
CV = CvTerms(uri)
OA = OaTerms(uri)
TIME = TimeTerms(uri)
SDO = SdoTerms(uri)
DCAT = DcatTerms(uri)
DCATAP = DcatApTerms(uri)
SPDX = SpdxTerms(uri)
VCARD = VcardTerms(uri)
QUDT = QudtTerms(uri)
UNIT = UnitTerms(uri)
XSD = XsdTerms(uri)

EU_LANGUAGE = Namespace(str(names.EU_LANGUAGE))
EU_COUNTRY = Namespace(str(names.EU_COUNTRY))
EU_FILE_TYPE = Namespace(str(names.EU_FILE_TYPE))
EU_FREQUENCY = Namespace(str(names.EU_FREQUENCY))
IANA_MEDIA_TYPE = Namespace(str(names.IANA_MEDIA_TYPE))

ROLE_SCHEME = uri(names.ROLE_SCHEME)
SUBDIVISION_TYPE_SCHEME = uri(names.SUBDIVISION_TYPE_SCHEME)
BLOCK_KIND_SCHEME = uri(names.BLOCK_KIND_SCHEME)
AGENCY_CATEGORY_SCHEME = uri(names.AGENCY_CATEGORY_SCHEME)
DOCUMENT_TYPE = uri(names.DOCUMENT_TYPE)
SHAPES = uri(names.SHAPES)

_K = TypeVar("_K")


def _urirefs(mapping: Mapping[_K, names.IRI]) -> Mapping[_K, URIRef]:
    return MappingProxyType({key: uri(iri) for key, iri in mapping.items()})


ROLES = _urirefs(names.ROLES)
SUBDIVISION_TYPES = _urirefs(names.SUBDIVISION_TYPES)
BLOCK_KINDS = _urirefs(names.BLOCK_KINDS)
QUDT_UNITS = _urirefs(names.QUDT_UNITS)
RECURRENCES = _urirefs(names.RECURRENCES)
COMPARATOR_PROPERTIES = _urirefs(names.COMPARATOR_PROPERTIES)


def agency_category(category: str) -> URIRef:
    """The concept of an agency category (`fgf_opendata.agencies.CATEGORIES`)."""
    return uri(names.agency_category(category))
