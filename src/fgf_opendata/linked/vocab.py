"""The RDF terms the project writes, as closed namespaces: a typo is an error, not a new IRI.

`FGF` holds the project's own terms (published with labels and comments in `data/fgf.ttl`); the
others hold the terms used from external vocabularies. rdflib's own PROV, ORG, FOAF, DCTERMS,
SKOS, RDF, RDFS, OWL and SH are already closed and are re-exported; its DCAT is DCAT 2 and its
TIME, SDO and XSD are open, so they are defined here.

The vocabulary namespace (`FGF`, the role scheme, the code lists) is fixed: it names terms, not
data. Only the data IRIs (documents, agencies) follow the configurable base of `linked.iris`.
"""

# Term names are the vocabularies' own local names (camelCase included): N815 does not apply.
# ruff: noqa: N815

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import get_args

from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

from ..model import ROLE_VERBS, BlockKind, Comparator, Recurrence, Role, UnitCode

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
]

DEF = "https://w3id.org/fgf-opendata/def/"
"""The project vocabulary's namespace: `fgf:` terms and the code lists under it."""

DCT = DCTERMS


class FGF(DefinedNamespace):
    """fgf-opendata's own terms: only what the reused vocabularies do not say."""

    _fail = True
    _NS = Namespace(DEF)

    # classes
    Block: URIRef  # a verbatim paragraph outside the task tree (header, preamble, closing)
    CollectiveAgent: URIRef  # an open set of actors cited as one (各地区)
    ResponsibilityStatement: URIRef  # the printed responsibility line of a task or measure

    # document layout and text
    addressees: URIRef
    backMatter: URIRef
    blockKind: URIRef
    closing: URIRef
    frontMatter: URIRef
    gap: URIRef
    issuerName: URIRef
    line: URIRef
    measuresHeading: URIRef
    numbered: URIRef
    planTitle: URIRef
    preamble: URIRef
    tail: URIRef

    # responsibilities, deadlines, targets
    baseline: URIRef
    citedName: URIRef
    hasDeadline: URIRef
    hasTarget: URIRef
    leadByPosition: URIRef
    openEnded: URIRef
    recurrence: URIRef
    responsibility: URIRef
    standing: URIRef


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology (the terms used here)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    Format: URIRef
    LegalExpression: URIRef
    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    date_document: URIRef
    embodies: URIRef
    format: URIRef
    has_part: URIRef
    id_local: URIRef
    is_embodied_by: URIRef
    is_part_of: URIRef
    is_realized_by: URIRef
    language: URIRef
    number: URIRef
    passed_by: URIRef
    realizes: URIRef
    title: URIRef
    type_document: URIRef
    type_subdivision: URIRef


class CV(DefinedNamespace):
    """SEMIC Core Public Organisation Vocabulary (m8g)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/m8g/")

    PublicOrganisation: URIRef


class OA(DefinedNamespace):
    """W3C Web Annotation vocabulary: selectors for source spans."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    end: URIRef
    exact: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    start: URIRef


class TIME(DefinedNamespace):
    """W3C OWL-Time (2017): instants and their XSD positions."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2006/time#")

    Instant: URIRef
    hasBeginning: URIRef
    hasEnd: URIRef
    inXSDDate: URIRef
    inXSDgYear: URIRef
    inXSDgYearMonth: URIRef


class SDO(DefinedNamespace):
    """schema.org, https form (DCAT-AP's shapes use http; nothing here mixes the two)."""

    _fail = True
    _NS = Namespace("https://schema.org/")

    Legislation: URIRef
    QuantitativeValue: URIRef
    legislationIdentifier: URIRef
    maxValue: URIRef
    minValue: URIRef
    name: URIRef
    position: URIRef
    sameAs: URIRef
    unitCode: URIRef
    unitText: URIRef
    url: URIRef
    value: URIRef


class DCAT(DefinedNamespace):
    """DCAT 3 (rdflib's DCAT is DCAT 2)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/dcat#")

    Catalog: URIRef
    Dataset: URIRef
    Distribution: URIRef
    Role: URIRef
    accessURL: URIRef
    byteSize: URIRef
    contactPoint: URIRef
    dataset: URIRef
    distribution: URIRef
    downloadURL: URIRef
    endDate: URIRef
    hadRole: URIRef
    keyword: URIRef
    landingPage: URIRef
    mediaType: URIRef
    startDate: URIRef
    theme: URIRef
    themeTaxonomy: URIRef


class DCATAP(DefinedNamespace):
    """DCAT-AP's own properties."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/r5r/")

    availability: URIRef


class SPDX(DefinedNamespace):
    """SPDX terms for file checksums."""

    _fail = True
    _NS = Namespace("http://spdx.org/rdf/terms#")

    Checksum: URIRef
    algorithm: URIRef
    checksum: URIRef
    checksumAlgorithm_sha256: URIRef
    checksumValue: URIRef


class VCARD(DefinedNamespace):
    """vCard ontology: the dataset's contact point."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2006/vcard/ns#")

    Kind: URIRef
    Organization: URIRef
    fn: URIRef
    hasURL: URIRef


class QUDT(DefinedNamespace):
    """QUDT schema: the link from a value to its unit."""

    _fail = True
    _NS = Namespace("http://qudt.org/schema/qudt/")

    unit: URIRef


class UNIT(DefinedNamespace):
    """QUDT units for the UN/CEFACT codes that have one."""

    _fail = True
    _NS = Namespace("http://qudt.org/vocab/unit/")

    DAY: URIRef
    HR: URIRef
    KiloW: URIRef
    MO: URIRef
    NUM: URIRef
    PERCENT: URIRef
    YR: URIRef


class XSD(DefinedNamespace):
    """XML Schema datatypes (the ones written here)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2001/XMLSchema#")

    boolean: URIRef
    date: URIRef
    decimal: URIRef
    gYear: URIRef
    gYearMonth: URIRef
    hexBinary: URIRef
    integer: URIRef
    nonNegativeInteger: URIRef
    string: URIRef


EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
IANA_MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")

# --- the project's code lists (SKOS concept schemes in data/fgf.ttl) ---------------------------

ROLE_SCHEME = URIRef(DEF + "role")
SUBDIVISION_TYPE_SCHEME = URIRef(DEF + "subdivision-type")
BLOCK_KIND_SCHEME = URIRef(DEF + "block-kind")
AGENCY_CATEGORY_SCHEME = URIRef(DEF + "agency-category")
DOCUMENT_TYPE = URIRef(DEF + "document-type/division-plan")
"""The one document type: a key-task division plan (重点任务分工方案) and its notice."""
SHAPES = URIRef(DEF + "shapes")
"""The IRI of the project's SHACL shapes graph (data/fgf-shapes.ttl)."""

ROLES: Mapping[Role, URIRef] = MappingProxyType(
    {role: URIRef(f"{ROLE_SCHEME}/{role}") for role in get_args(Role)}
)
SUBDIVISION_TYPES: Mapping[str, URIRef] = MappingProxyType(
    {
        kind: URIRef(f"{SUBDIVISION_TYPE_SCHEME}/{kind}")
        for kind in ("section", "task", "measure", "point", "paragraph")
    }
)
BLOCK_KINDS: Mapping[BlockKind, URIRef] = MappingProxyType(
    {kind: URIRef(f"{BLOCK_KIND_SCHEME}/{kind}") for kind in get_args(BlockKind)}
)
QUDT_UNITS: Mapping[UnitCode, URIRef] = MappingProxyType(
    {
        "KWT": UNIT.KiloW,
        "DAY": UNIT.DAY,
        "P1": UNIT.PERCENT,
        "C62": UNIT.NUM,
        "MON": UNIT.MO,
        "ANN": UNIT.YR,
        "HUR": UNIT.HR,
    }
)
"""UN/CEFACT code -> QUDT unit; E49 (working day) has no QUDT unit."""


ZH = "zh-hans"
"""Simplified Chinese (BCP 47 `zh-Hans`), lower-case as RDF compares language tags."""
EN = "en"

ROLE_LABELS: Mapping[Role, tuple[str, str]] = MappingProxyType(
    {role: (verb, role) for role, verb in ROLE_VERBS.items()}
)
"""Role -> (zh-Hans, en) labels; data/fgf.ttl carries the same (a test keeps them equal)."""

RECURRENCES: Mapping[Recurrence, URIRef] = MappingProxyType({"yearly": EU_FREQUENCY["ANNUAL"]})
"""How often a deadline repeats, as a concept of the EU frequency list (as DCAT-AP uses)."""

COMPARATOR_PROPERTIES: Mapping[Comparator, URIRef] = MappingProxyType(
    {"<=": SDO.maxValue, ">=": SDO.minValue, "=": SDO.value}
)
"""A target's comparator -> the schema.org property its value is written with."""


def agency_category(category: str) -> URIRef:
    """The concept of an agency category (`fgf_opendata.agencies.CATEGORIES`)."""
    return URIRef(f"{AGENCY_CATEGORY_SCHEME}/{category}")


PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "cv": str(CV._NS),
        "dcat": str(DCAT._NS),
        "dcatap": str(DCATAP._NS),
        "dct": str(DCT._NS),
        "eli": str(ELI._NS),
        "fgf": DEF,
        "foaf": str(FOAF._NS),
        "oa": str(OA._NS),
        "org": str(ORG._NS),
        "owl": str(OWL._NS),
        "prov": str(PROV._NS),
        "qudt": str(QUDT._NS),
        "rdf": str(RDF._NS),
        "rdfs": str(RDFS._NS),
        "role": f"{ROLE_SCHEME}/",
        "schema": str(SDO._NS),
        "skos": str(SKOS._NS),
        "spdx": str(SPDX._NS),
        "subdivision": f"{SUBDIVISION_TYPE_SCHEME}/",
        "time": str(TIME._NS),
        "unit": str(UNIT._NS),
        "vcard": str(VCARD._NS),
        "xsd": str(XSD._NS),
    }
)
"""Prefix -> namespace for every vocabulary written; Turtle binds them, the JSON-LD context
declares the same ones (a test keeps the two equal)."""
