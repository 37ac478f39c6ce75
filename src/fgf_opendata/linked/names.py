"""The RDF terms the project writes, as closed namespaces of plain IRIs, without rdflib.

`FGF` holds the project's own terms (published with labels and comments in `data/fgf.ttl`);
ELI, CV, OA, TIME, SDO, DCAT (3; rdflib's is DCAT 2), DCATAP, SPDX, VCARD, QUDT, UNIT and XSD
the terms used from vocabularies rdflib does not ship closed; PROV, ORG, FOAF, DCT, SKOS, RDF
and RDFS the terms used from rdflib's own closed namespaces (a test holds each one to
rdflib's). Each namespace is a class that declares its terms (`Vocabulary`): an instance
holds them as attributes made once, so a misspelt term is an error for mypy and at run time,
never a new IRI. Here the terms are `IRI`s; `vocab` makes the same classes with rdflib's
`URIRef` for the side that reads graphs. The writing side (`writer`, `agents`, `catalog`,
`jsonld`, `syntax`, `outputs`) names terms from here and never imports rdflib, whose import
(with html5rdf's) was a sixth of a cold `fgf build --check` (a test keeps both out).

The vocabulary namespace (`FGF`, the role scheme, the code lists) is fixed: it names terms, not
data. Only the data IRIs (documents, agencies) follow the configurable base of `linked.iris`.
"""

# Term names are the vocabularies' own local names (camelCase included): N815 does not apply.
# ruff: noqa: N815

from __future__ import annotations

from collections.abc import Callable, Mapping
from inspect import get_annotations
from types import MappingProxyType
from typing import ClassVar, Generic, NoReturn, TypeVar, get_args

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
    "EXTERNAL",
    "FGF",
    "FOAF",
    "IANA_MEDIA_TYPE",
    "IRI",
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
    "CvTerms",
    "DcatApTerms",
    "DcatTerms",
    "DctTerms",
    "EliTerms",
    "FgfTerms",
    "FoafTerms",
    "Namespace",
    "OaTerms",
    "OrgTerms",
    "ProvTerms",
    "QudtTerms",
    "RdfTerms",
    "RdfsTerms",
    "SdoTerms",
    "SkosTerms",
    "SpdxTerms",
    "TimeTerms",
    "UnitTerms",
    "VcardTerms",
    "Vocabulary",
    "XsdTerms",
    "agency_category",
]


class IRI(str):
    """An IRI of a triple the writer makes, told apart from a literal's text by its type.

    Made without a check: the writer's IRIs are a checked base (`iris.check_base`) followed by
    `iris.segment`s, and the vocabularies' terms; rdflib's `URIRef` checks each with a regex,
    which cost a fifth of the writer's time."""

    __slots__ = ()


_T = TypeVar("_T", bound=str)


class Vocabulary(Generic[_T]):
    """A closed namespace: the terms its class declares (`name: _T`), each the namespace's
    IRI (`_NS`) followed by its name, made once by `make` (`IRI` here, rdflib's `URIRef` in
    `vocab`). Reading a term not declared raises `AttributeError`; nothing can be set."""

    _NS: ClassVar[str]

    def __init__(self, make: Callable[[str], _T]) -> None:
        for name in self.terms():
            object.__setattr__(self, name, make(self._NS + name))

    @classmethod
    def terms(cls) -> tuple[str, ...]:
        """The names the class declares, in order."""
        return tuple(name for name in get_annotations(cls) if not name.startswith("_"))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is closed: cannot set {name}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._NS!r})"


class Namespace:
    """An open namespace: any name under it is a term (the EU's code lists, media types)."""

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, name: str) -> IRI:
        return IRI(self.iri + name)

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


DEF = "https://w3id.org/fgf-opendata/def/"
"""The project vocabulary's namespace: `fgf:` terms and the code lists under it."""


class FgfTerms(Vocabulary[_T]):
    """fgf-opendata's own terms: only what the reused vocabularies do not say."""

    _NS = DEF

    # classes
    Block: _T  # a verbatim paragraph outside the task tree (header, preamble, closing)
    CollectiveAgent: _T  # an open set of actors cited as one (各地区)
    ResponsibilityStatement: _T  # the printed responsibility line of a task or measure

    # document layout and text
    addressees: _T
    backMatter: _T
    blockKind: _T
    closing: _T
    frontMatter: _T
    gap: _T
    issuerName: _T
    line: _T
    measuresHeading: _T
    numbered: _T
    planTitle: _T
    preamble: _T
    tail: _T

    # responsibilities, deadlines, targets
    baseline: _T
    citedName: _T
    hasDeadline: _T
    hasTarget: _T
    leadByPosition: _T
    openEnded: _T
    recurrence: _T
    responsibility: _T
    standing: _T


class EliTerms(Vocabulary[_T]):
    """European Legislation Identifier ontology (the terms used here)."""

    _NS = "http://data.europa.eu/eli/ontology#"

    Format: _T
    LegalExpression: _T
    LegalResource: _T
    LegalResourceSubdivision: _T
    date_document: _T
    embodies: _T
    format: _T
    has_part: _T
    id_local: _T
    is_embodied_by: _T
    is_part_of: _T
    is_realized_by: _T
    language: _T
    number: _T
    passed_by: _T
    realizes: _T
    title: _T
    type_document: _T
    type_subdivision: _T


class CvTerms(Vocabulary[_T]):
    """SEMIC Core Public Organisation Vocabulary (m8g)."""

    _NS = "http://data.europa.eu/m8g/"

    PublicOrganisation: _T


class OaTerms(Vocabulary[_T]):
    """W3C Web Annotation vocabulary: selectors for source spans."""

    _NS = "http://www.w3.org/ns/oa#"

    SpecificResource: _T
    TextPositionSelector: _T
    TextQuoteSelector: _T
    end: _T
    exact: _T
    hasSelector: _T
    hasSource: _T
    start: _T


class TimeTerms(Vocabulary[_T]):
    """W3C OWL-Time (2017): instants and their XSD positions."""

    _NS = "http://www.w3.org/2006/time#"

    Instant: _T
    hasBeginning: _T
    hasEnd: _T
    inXSDDate: _T
    inXSDgYear: _T
    inXSDgYearMonth: _T


class SdoTerms(Vocabulary[_T]):
    """schema.org, https form (DCAT-AP's shapes use http; nothing here mixes the two)."""

    _NS = "https://schema.org/"

    Legislation: _T
    QuantitativeValue: _T
    legislationIdentifier: _T
    maxValue: _T
    minValue: _T
    name: _T
    position: _T
    sameAs: _T
    unitCode: _T
    unitText: _T
    url: _T
    value: _T


class DcatTerms(Vocabulary[_T]):
    """DCAT 3 (rdflib's DCAT is DCAT 2)."""

    _NS = "http://www.w3.org/ns/dcat#"

    Catalog: _T
    Dataset: _T
    Distribution: _T
    Role: _T
    accessURL: _T
    byteSize: _T
    contactPoint: _T
    dataset: _T
    distribution: _T
    downloadURL: _T
    endDate: _T
    hadRole: _T
    keyword: _T
    landingPage: _T
    mediaType: _T
    startDate: _T
    theme: _T
    themeTaxonomy: _T


class DcatApTerms(Vocabulary[_T]):
    """DCAT-AP's own properties."""

    _NS = "http://data.europa.eu/r5r/"

    availability: _T


class SpdxTerms(Vocabulary[_T]):
    """SPDX terms for file checksums."""

    _NS = "http://spdx.org/rdf/terms#"

    Checksum: _T
    algorithm: _T
    checksum: _T
    checksumAlgorithm_sha256: _T
    checksumValue: _T


class VcardTerms(Vocabulary[_T]):
    """vCard ontology: the dataset's contact point."""

    _NS = "http://www.w3.org/2006/vcard/ns#"

    Kind: _T
    Organization: _T
    fn: _T
    hasURL: _T


class QudtTerms(Vocabulary[_T]):
    """QUDT schema: the link from a value to its unit."""

    _NS = "http://qudt.org/schema/qudt/"

    unit: _T


class UnitTerms(Vocabulary[_T]):
    """QUDT units for the UN/CEFACT codes that have one."""

    _NS = "http://qudt.org/vocab/unit/"

    DAY: _T
    HR: _T
    KiloW: _T
    MO: _T
    NUM: _T
    PERCENT: _T
    YR: _T


class XsdTerms(Vocabulary[_T]):
    """XML Schema datatypes (the ones written here)."""

    _NS = "http://www.w3.org/2001/XMLSchema#"

    boolean: _T
    date: _T
    decimal: _T
    gYear: _T
    gYearMonth: _T
    hexBinary: _T
    integer: _T
    nonNegativeInteger: _T
    string: _T


# --- the terms used from the namespaces rdflib ships closed (a test holds them to rdflib's) --


class ProvTerms(Vocabulary[_T]):
    """PROV-O (the terms written here)."""

    _NS = "http://www.w3.org/ns/prov#"

    Activity: _T
    Agent: _T
    Attribution: _T
    Role: _T
    SoftwareAgent: _T
    agent: _T
    qualifiedAttribution: _T
    used: _T
    wasAssociatedWith: _T
    wasAttributedTo: _T
    wasDerivedFrom: _T
    wasGeneratedBy: _T


class OrgTerms(Vocabulary[_T]):
    """W3C Organization ontology (the terms written here)."""

    _NS = "http://www.w3.org/ns/org#"

    ChangeEvent: _T
    Organization: _T
    changedBy: _T
    classification: _T
    originalOrganization: _T
    resultedFrom: _T
    resultingOrganization: _T
    subOrganizationOf: _T


class FoafTerms(Vocabulary[_T]):
    """FOAF (the terms written here)."""

    _NS = "http://xmlns.com/foaf/0.1/"

    Agent: _T
    Document: _T
    Group: _T
    Organization: _T
    homepage: _T
    name: _T


class DctTerms(Vocabulary[_T]):
    """DCMI Metadata Terms (the terms written here)."""

    _NS = "http://purl.org/dc/terms/"

    Frequency: _T
    LicenseDocument: _T
    LinguisticSystem: _T
    Location: _T
    MediaType: _T
    MediaTypeOrExtent: _T
    PeriodOfTime: _T
    Standard: _T
    accrualPeriodicity: _T
    conformsTo: _T
    date: _T
    description: _T
    format: _T
    identifier: _T
    issued: _T
    language: _T
    license: _T
    modified: _T
    publisher: _T
    relation: _T
    spatial: _T
    temporal: _T
    title: _T
    type: _T


class SkosTerms(Vocabulary[_T]):
    """SKOS (the terms written here)."""

    _NS = "http://www.w3.org/2004/02/skos/core#"

    Concept: _T
    ConceptScheme: _T
    altLabel: _T
    inScheme: _T
    notation: _T
    prefLabel: _T


class RdfTerms(Vocabulary[_T]):
    """RDF (the terms written here)."""

    _NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    type: _T


class RdfsTerms(Vocabulary[_T]):
    """RDF Schema (the terms written here)."""

    _NS = "http://www.w3.org/2000/01/rdf-schema#"

    label: _T
    seeAlso: _T


FGF = FgfTerms(IRI)
ELI = EliTerms(IRI)
CV = CvTerms(IRI)
OA = OaTerms(IRI)
TIME = TimeTerms(IRI)
SDO = SdoTerms(IRI)
DCAT = DcatTerms(IRI)
DCATAP = DcatApTerms(IRI)
SPDX = SpdxTerms(IRI)
VCARD = VcardTerms(IRI)
QUDT = QudtTerms(IRI)
UNIT = UnitTerms(IRI)
XSD = XsdTerms(IRI)
PROV = ProvTerms(IRI)
ORG = OrgTerms(IRI)
FOAF = FoafTerms(IRI)
DCT = DctTerms(IRI)
SKOS = SkosTerms(IRI)
RDF = RdfTerms(IRI)
RDFS = RdfsTerms(IRI)
OWL = "http://www.w3.org/2002/07/owl#"
"""OWL's namespace: bound as a prefix, no term of it written."""

EXTERNAL: Mapping[str, Vocabulary[IRI]] = MappingProxyType(
    {"PROV": PROV, "ORG": ORG, "FOAF": FOAF, "DCTERMS": DCT, "SKOS": SKOS, "RDF": RDF, "RDFS": RDFS}
)
"""The namespaces above that list terms of rdflib's, by the name rdflib.namespace gives them."""

EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
IANA_MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")

# --- the project's code lists (SKOS concept schemes in data/fgf.ttl) ---------------------------

ROLE_SCHEME = IRI(DEF + "role")
SUBDIVISION_TYPE_SCHEME = IRI(DEF + "subdivision-type")
BLOCK_KIND_SCHEME = IRI(DEF + "block-kind")
AGENCY_CATEGORY_SCHEME = IRI(DEF + "agency-category")
DOCUMENT_TYPE = IRI(DEF + "document-type/division-plan")
"""The one document type: a key-task division plan (重点任务分工方案) and its notice."""
SHAPES = IRI(DEF + "shapes")
"""The IRI of the project's SHACL shapes graph (data/fgf-shapes.ttl)."""

ROLES: Mapping[Role, IRI] = MappingProxyType(
    {role: IRI(f"{ROLE_SCHEME}/{role}") for role in get_args(Role)}
)
SUBDIVISION_TYPES: Mapping[str, IRI] = MappingProxyType(
    {
        kind: IRI(f"{SUBDIVISION_TYPE_SCHEME}/{kind}")
        for kind in ("section", "task", "measure", "point", "paragraph")
    }
)
BLOCK_KINDS: Mapping[BlockKind, IRI] = MappingProxyType(
    {kind: IRI(f"{BLOCK_KIND_SCHEME}/{kind}") for kind in get_args(BlockKind)}
)
QUDT_UNITS: Mapping[UnitCode, IRI] = MappingProxyType(
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

RECURRENCES: Mapping[Recurrence, IRI] = MappingProxyType({"yearly": EU_FREQUENCY["ANNUAL"]})
"""How often a deadline repeats, as a concept of the EU frequency list (as DCAT-AP uses)."""

COMPARATOR_PROPERTIES: Mapping[Comparator, IRI] = MappingProxyType(
    {"<=": SDO.maxValue, ">=": SDO.minValue, "=": SDO.value}
)
"""A target's comparator -> the schema.org property its value is written with."""


def agency_category(category: str) -> IRI:
    """The concept of an agency category (`fgf_opendata.agencies.CATEGORIES`)."""
    return IRI(f"{AGENCY_CATEGORY_SCHEME}/{category}")


PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "cv": CV._NS,
        "dcat": DCAT._NS,
        "dcatap": DCATAP._NS,
        "dct": DCT._NS,
        "eli": ELI._NS,
        "fgf": DEF,
        "foaf": FOAF._NS,
        "oa": OA._NS,
        "org": ORG._NS,
        "owl": OWL,
        "prov": PROV._NS,
        "qudt": QUDT._NS,
        "rdf": RDF._NS,
        "rdfs": RDFS._NS,
        "role": f"{ROLE_SCHEME}/",
        "schema": SDO._NS,
        "skos": SKOS._NS,
        "spdx": SPDX._NS,
        "subdivision": f"{SUBDIVISION_TYPE_SCHEME}/",
        "time": TIME._NS,
        "unit": UNIT._NS,
        "vcard": VCARD._NS,
        "xsd": XSD._NS,
    }
)
"""Prefix -> namespace for every vocabulary written; Turtle binds them, the JSON-LD context
declares the same ones (a test keeps the two equal)."""
