"""The DCAT catalogue of a plan's package (`linked/catalog.ttl`), for portals to harvest.

DCAT 3 as profiled by DCAT-AP 3.0.1: one `dcat:Catalog`, one `dcat:Dataset` for the plan's
structured data and one `dcat:Distribution` per published file, with media type, file type,
byte size, sha256 checksum, licence (CC BY 4.0) and the standard the file conforms to. The
dataset is not the plan: it points to the plan document with `prov:wasDerivedFrom` and
`dct:relation` (DCAT-AP's range shapes allow only a `dcat:Dataset` as `dct:source`).

DCAT-AP's range shapes check `sh:class` without inference, so every object from a controlled
vocabulary is typed here (languages, country, media and file types, theme, licence, frequency)
and the publisher is typed `foaf:Agent` explicitly (design notes §7).

What CKAN keeps when ckanext-dcat (profiles `euro_dcat_ap_2`, `euro_dcat_ap_3`) harvests it is
shaped here too: the licence IRI is the URL of `cc-by` in CKAN's default licence list (so
`license_id` is filled), each media type carries its name as `rdfs:label` (ckanext-dcat reads
the label of an IRI object, so `mimetype` is `text/csv` and CKAN's format list turns it into
`CSV`), and the dates are dates of the source, never of the build (builds are byte-identical).

`dataset_jsonld` describes the same dataset in schema.org terms for search engines. The two
stay in one module on purpose: they are one description of the dataset (titles, descriptions,
dates, keywords, licence, files), written in the two vocabularies that portals and search
engines read, and a test keeps them saying the same thing. That is why the module is longer
than the house's ~500 lines: the shared description (titles, descriptions, dates, keywords,
landing page: `dataset_dates`, `dataset_keywords`, `_titles`, `_descriptions`) is a quarter of
it, and splitting the two vocabularies into modules of their own would make those helpers an
API between them, for no other user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..agencies import Registry, default_registry
from ..errors import ExportError
from ..fileset import FileStat, stat_of
from ..model import Plan
from ..publication import (
    BASE_IRI,
    CC_BY,
    CORPUS_PLANS,
    DESCRIPTOR,
    JSON_SCHEMA_DIALECT,
    LANDING_PAGE,
    PACKAGE_PROFILE,
    PLAN_JSON,
    PLAN_SCHEMA,
    PLAN_SHAPES,
    PUBLISHER,
    SOURCE_FOLDER,
    SOURCES,
    TABLE_SCHEMA_PROFILE,
    VERSION,
    SourceInfo,
    dataset_iri,
    file_format,
    keywords,
    slug,
    table_schema_path,
)
from ..publication import LICENSE as LICENSE_ENTRY
from .iris import check_base, plan_iri
from .names import (
    DCAT,
    DCATAP,
    DCT,
    ELI,
    EN,
    EU_COUNTRY,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    FOAF,
    IANA_MEDIA_TYPE,
    IRI,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    SPDX,
    VCARD,
    XSD,
    ZH,
)
from .syntax import (
    Add,
    Groups,
    PlainLiteral,
    Triple,
    grouper,
    in_order,
    rdflib_graph,
    serialize_rows,
)
from .syntax import (
    plain_literal as literal,
)

if TYPE_CHECKING:  # the catalogue's graph is made for its readers; the build never loads rdflib
    from rdflib import Graph

__all__ = [
    "EU_LICENSE",
    "LICENSE",
    "PlanEntry",
    "catalog_graph",
    "catalog_turtle",
    "corpus_catalog_graph",
    "corpus_catalog_turtle",
    "dataset_jsonld",
]

LICENSE = IRI("http://www.opendefinition.org/licenses/cc-by")
"""CC BY 4.0 by the URL of `cc-by` ("Creative Commons Attribution") in CKAN's default licence
list: ckanext-dcat matches a distribution's `dct:license` against those URLs, then titles."""
EU_LICENSE = IRI("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
"""CC BY 4.0 in the EU licence list, linked from `LICENSE` with `rdfs:seeAlso`."""
_CC_BY = IRI(CC_BY)
_ATTRIBUTION = IRI("http://purl.org/adms/licencetype/Attribution")
_LICENCE_TYPES = IRI("http://purl.org/adms/licencetype/1.0")
_THEMES = IRI("http://publications.europa.eu/resource/authority/data-theme")
_GOVERNMENT = IRI(f"{_THEMES}/GOVE")
_AVAILABILITIES = IRI("http://publications.europa.eu/resource/authority/planned-availability")
_STABLE = IRI(f"{_AVAILABILITIES}/STABLE")
_SHACL = "https://www.w3.org/TR/shacl/"


def _text(value: str) -> PlainLiteral:
    """A keyword or title tagged zh-Hans when it is Chinese, en otherwise."""
    # A character test, not the regex class `[\u3400-\u9fff]`, whose compiling took 3 ms of
    # every build (its 27,000-character set is made into a bitmap).
    chinese = any("\u3400" <= character <= "\u9fff" for character in value)
    return literal(value, lang=ZH if chinese else EN)


def package_url(plan: Plan, base: str) -> str:
    """Where the package's files are published: its folder, ending in a slash."""
    return f"{base}/package/{plan.id}/"


def landing_page(plan: Plan, files: Mapping[str, bytes | None], base: str) -> str:
    """The package's landing page (`site/index.html`) when it has one, else its folder."""
    folder = package_url(plan, base)
    return folder + LANDING_PAGE if LANDING_PAGE in files else folder


def dataset_dates(plan: Plan, source: SourceInfo | None) -> tuple[dt.date | None, dt.date | None]:
    """(issued, modified): the plan's date of issue, and the date its source was published,
    which is the date of issue when the source's own date is not known."""
    published = source.published if source is not None else None
    return plan.issued, published or plan.issued


def temporal_range(plan: Plan) -> tuple[dt.date | None, dt.date | None]:
    """From the date of issue to the last deadline, each None when the plan does not say."""
    dates = [d.date for d in plan.deadlines]
    for section in plan.sections:
        for task in section.tasks:
            dates.extend(d.date for d in task.deadlines)
            dates.extend(d.date for m in task.measures for d in m.deadlines)
    return plan.issued, max(dates) if dates else None


def dataset_keywords(plan: Plan, source: SourceInfo | None) -> tuple[str, ...]:
    """The dataset's keywords, Chinese and English, without repeats."""
    return keywords(plan.doc_number, source.keywords if source else ())


def _titles(plan: Plan) -> tuple[str, str]:
    name = plan.plan_title or plan.title
    cited = plan.doc_number or plan.id
    return (
        f"{name}（{cited}）：重点任务、具体措施和责任分工",
        f"Key tasks, measures and responsibilities of {cited}",
    )


def _descriptions(plan: Plan, registry: Registry) -> tuple[str, str]:
    name = plan.plan_title or plan.title
    cited = plan.doc_number or plan.id
    issuer = registry.get(plan.issuer_id) if plan.issuer_id else None
    issuer_en = issuer.name_en if issuer else "the State Council"
    zh = (
        f"《{name}》（{cited}）的结构化数据：部分、重点任务、具体措施、"
        "牵头和参与单位、完成时限和量化目标，每项注明其在原文中的位置。"
    )
    en = (
        f"Structured data from a key-task division plan issued by the {issuer_en} "
        f"({cited}): sections, key tasks, measures, the agencies that lead or take "
        "part, deadlines and quantified targets, each with its place in the source "
        "text. Derived from a state document of an administrative nature (outside "
        "copyright under Art. 5 of the Copyright Law of the PRC); CC BY 4.0."
    )
    return zh, en


class _Catalogue:
    """Writes the triples of a catalogue into `add`, the writer's terms (`names.IRI`,
    `syntax.PlainLiteral`)."""

    def __init__(
        self, plan: Plan, registry: Registry, base: str, source: SourceInfo | None, add: Add
    ) -> None:
        self.add = add
        self.plan = plan
        self.registry = registry
        self.base = base
        self.source = source
        self.dataset = IRI(dataset_iri(plan.id, base))
        self.package = package_url(plan, base)
        self.written: set[tuple[str, ...]] = set()

    @classmethod
    def of_corpus(cls, name: str, registry: Registry, base: str, add: Add) -> _Catalogue:
        """A writer for a corpus's dataset (`dataset/<name>`): no one plan, no source."""
        writer = cls.__new__(cls)
        writer.add = add
        writer.registry, writer.base, writer.source = registry, base, None
        writer.dataset = IRI(dataset_iri(name, base))
        writer.package = f"{base}/package/{name}/"
        writer.written = set()
        return writer

    def prefixes(self) -> dict[str, str]:
        """The prefixes of the catalogue's Turtle: the vocabularies' and the distributions'."""
        return {**PREFIXES, "dist": f"{self.dataset}/dist/"}

    def first(self, *key: str) -> bool:
        """Whether the triples `key` names are still to be written: the nodes every
        distribution shares (media types, standards, concepts) are written once, not 3,000
        times over in a corpus, for the writer's set to drop."""
        if key in self.written:
            return False
        self.written.add(key)
        return True

    def concept(self, node: IRI, label: str, scheme: IRI, scheme_title: str) -> None:
        if not self.first("concept", node, label, scheme, scheme_title):
            return
        add = self.add
        add((node, RDF.type, SKOS.Concept))
        add((node, SKOS.prefLabel, literal(label, lang=EN)))
        add((node, SKOS.inScheme, scheme))
        add((scheme, RDF.type, SKOS.ConceptScheme))
        add((scheme, DCT.title, literal(scheme_title, lang=EN)))

    def standard(self, node: IRI, title: str) -> IRI:
        if self.first("standard", node, title):
            self.add((node, RDF.type, DCT.Standard))
            self.add((node, DCT.title, literal(title, lang=EN)))
        return node

    def shared_nodes(self) -> tuple[IRI, IRI]:
        """Publisher and licence, used by the catalogue, the dataset and every distribution."""
        add = self.add
        publisher = IRI(f"{self.base}/publisher")
        add((publisher, RDF.type, FOAF.Agent))
        add((publisher, RDF.type, FOAF.Organization))
        add((publisher, FOAF.name, literal(PUBLISHER, lang=EN)))
        add((LICENSE, RDF.type, DCT.LicenseDocument))
        add(
            (LICENSE, DCT.title, literal("Creative Commons Attribution 4.0 International", lang=EN))
        )
        add((LICENSE, DCT.identifier, literal(LICENSE_ENTRY["name"])))
        add((LICENSE, DCT.type, _ATTRIBUTION))
        add((LICENSE, RDFS.seeAlso, _CC_BY))
        add((LICENSE, RDFS.seeAlso, EU_LICENSE))
        self.concept(_ATTRIBUTION, "Attribution", _LICENCE_TYPES, "ADMS licence type")
        for code in ("ZHO", "ENG"):
            add((EU_LANGUAGE[code], RDF.type, DCT.LinguisticSystem))
        return publisher, LICENSE

    def catalogue(self, publisher: IRI) -> None:
        add = self.add
        catalog = IRI(f"{self.base}/catalog")
        homepage = IRI(self.base)
        add((catalog, RDF.type, DCAT.Catalog))
        add((catalog, DCT.title, literal("fgf-opendata: 国务院重点任务分工方案开放数据", lang=ZH)))
        add(
            (
                catalog,
                DCT.title,
                literal("fgf-opendata: State Council key-task division plans", lang=EN),
            )
        )
        add(
            (
                catalog,
                DCT.description,
                literal(
                    "国务院及国务院办公厅重点任务分工方案的结构化数据：重点任务、具体措施、"
                    "责任分工、完成时限和量化目标。",
                    lang=ZH,
                ),
            )
        )
        add(
            (
                catalog,
                DCT.description,
                literal(
                    "Chinese State Council key-task division plans (重点任务分工方案) as "
                    "structured open data: key tasks, measures, who leads and who takes part, "
                    "deadlines and quantified targets, each traced to its place in the text.",
                    lang=EN,
                ),
            )
        )
        add((catalog, DCT.publisher, publisher))
        add((catalog, DCT.license, LICENSE))
        add((catalog, DCT.language, EU_LANGUAGE["ZHO"]))
        add((catalog, DCT.language, EU_LANGUAGE["ENG"]))
        add((catalog, DCT.spatial, EU_COUNTRY["CHN"]))
        add((EU_COUNTRY["CHN"], RDF.type, DCT.Location))
        add((catalog, FOAF.homepage, homepage))
        add((homepage, RDF.type, FOAF.Document))
        add((catalog, DCAT.themeTaxonomy, _THEMES))
        add((catalog, DCAT.dataset, self.dataset))

    def dataset_node(
        self, publisher: IRI, keywords: tuple[str, ...], files: Mapping[str, bytes | None]
    ) -> None:
        add = self.add
        plan = self.plan
        node = self.dataset
        document = IRI(plan_iri(plan, self.base))
        title_zh, title_en = _titles(plan)
        description_zh, description_en = _descriptions(plan, self.registry)
        add((node, RDF.type, DCAT.Dataset))
        add((node, DCT.identifier, literal(plan.id)))
        add((node, DCT.title, literal(title_zh, lang=ZH)))
        add((node, DCT.title, literal(title_en, lang=EN)))
        add((node, DCT.description, literal(description_zh, lang=ZH)))
        add((node, DCT.description, literal(description_en, lang=EN)))
        issued, modified = dataset_dates(plan, self.source)
        if issued is not None:
            add((node, DCT.issued, literal(issued)))
        if modified is not None:
            add((node, DCT.modified, literal(modified)))
        page = IRI(landing_page(plan, files, self.base))
        add((node, DCAT.landingPage, page))
        add((page, RDF.type, FOAF.Document))
        add((node, DCT.publisher, publisher))
        add((node, DCT.language, EU_LANGUAGE["ZHO"]))
        add((node, DCT.spatial, EU_COUNTRY["CHN"]))
        add((EU_COUNTRY["CHN"], RDF.type, DCT.Location))
        add((node, DCAT.theme, _GOVERNMENT))
        self.concept(_GOVERNMENT, "Government and public sector", _THEMES, "Data theme")
        for keyword in keywords:
            add((node, DCAT.keyword, _text(keyword)))
        add((node, DCT.accrualPeriodicity, EU_FREQUENCY["NEVER"]))
        add((EU_FREQUENCY["NEVER"], RDF.type, DCT.Frequency))
        self.temporal(node, *temporal_range(plan))
        self.contact(node)
        # The dataset is derived from the plan document, which is not itself a dcat:Dataset.
        self.derived_from(node, PlanEntry.of(plan, self.base))
        self.generated_by(node, [document])

    def contact(self, node: IRI) -> None:
        add = self.add
        contact = IRI(f"{self.base}/contact")
        add((node, DCAT.contactPoint, contact))
        add((contact, RDF.type, VCARD.Kind))
        add((contact, RDF.type, VCARD.Organization))
        add((contact, VCARD.fn, literal(PUBLISHER)))
        # The project's home page: the only contact the project has; no e-mail address is
        # published, and the State Council answers for the plan, not for this data.
        add((contact, VCARD.hasURL, IRI(self.base)))

    def derived_from(self, node: IRI, entry: PlanEntry) -> IRI:
        add = self.add
        document = IRI(entry.iri)
        add((node, PROV.wasDerivedFrom, document))
        add((node, DCT.relation, document))
        add((document, RDF.type, ELI.LegalResource))
        add((document, DCT.title, literal(entry.title, lang=ZH)))
        if entry.doc_number:
            add((document, ELI.id_local, literal(entry.doc_number)))
        if self.source is not None:
            add((document, SDO.url, IRI(self.source.url)))
        return document

    def generated_by(self, node: IRI, documents: Sequence[IRI]) -> None:
        add = self.add
        build = IRI(f"{node}/build")
        software = IRI(f"{self.base}/software/fgf-opendata/{VERSION}")
        add((node, PROV.wasGeneratedBy, build))
        add((build, RDF.type, PROV.Activity))
        for document in documents:
            add((build, PROV.used, document))
        add((build, PROV.wasAssociatedWith, software))
        add((software, RDF.type, PROV.SoftwareAgent))
        add((software, FOAF.name, literal(f"fgf-opendata {VERSION}")))

    def temporal(self, node: IRI, start: dt.date | None, end: dt.date | None) -> None:
        """From the date of issue to the last deadline, when the plan states them."""
        if start is None and end is None:
            return
        period = IRI(f"{node}/temporal")
        self.add((node, DCT.temporal, period))
        self.add((period, RDF.type, DCT.PeriodOfTime))
        if start is not None:
            self.add((period, DCAT.startDate, literal(start)))
        if end is not None:
            self.add((period, DCAT.endDate, literal(end)))

    def conforms_to(self, path: str) -> IRI | None:
        """The standard a file conforms to. The project's own schemas are files of the
        package (`schemas/`), so their IRI is their download URL and resolves wherever the
        package does; the schema files conform to the public profiles."""
        name = path.rsplit("/", 1)[-1]
        if path == DESCRIPTOR:
            return self.standard(IRI(PACKAGE_PROFILE), "Data Package 2.0")
        if path == PLAN_JSON:
            return self.standard(IRI(f"{self.package}{PLAN_SCHEMA}"), "JSON Schema of the plan")
        if "/" not in path and name.endswith(".csv"):
            stem = name.removesuffix(".csv")
            return self.standard(
                IRI(f"{self.package}{table_schema_path(stem)}"),
                f"Table Schema of {name}",
            )
        if path == table_schema_path(name.removesuffix(".tableschema.json")):
            return self.standard(IRI(TABLE_SCHEMA_PROFILE), "Table Schema 2.0")
        if path == PLAN_SCHEMA:
            return self.standard(IRI(JSON_SCHEMA_DIALECT), "JSON Schema 2020-12")
        if path == PLAN_SHAPES:
            return self.standard(IRI(_SHACL), "SHACL")
        if path.startswith("linked/plan."):
            return self.standard(IRI(f"{self.package}{PLAN_SHAPES}"), "fgf-opendata SHACL shapes")
        return None

    def distribution(self, path: str, stat: FileStat | None, license_: IRI) -> IRI:
        add = self.add
        node = IRI(f"{self.dataset}/dist/{slug(path)}")
        media, file_type = (form := file_format(path)).mediatype, form.file_type
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCT.title, literal(path)))
        add((node, DCT.description, literal(_describe(path, file_type), lang=EN)))
        add((node, DCAT.accessURL, IRI(self.package)))
        add((node, DCAT.downloadURL, IRI(self.package + path)))
        add((node, DCAT.mediaType, IANA_MEDIA_TYPE[media]))
        if self.first("media type", media):
            add((IANA_MEDIA_TYPE[media], RDF.type, DCT.MediaType))
            # ckanext-dcat reads an IRI's rdfs:label as its value: `mimetype` is "text/csv".
            add((IANA_MEDIA_TYPE[media], RDFS.label, literal(media)))
        if file_type is not None:
            add((node, DCT.format, EU_FILE_TYPE[file_type]))
            if self.first("file type", file_type):
                add((EU_FILE_TYPE[file_type], RDF.type, DCT.MediaTypeOrExtent))
        add((node, DCT.license, license_))
        add((node, DCATAP.availability, _STABLE))
        self.concept(_STABLE, "stable", _AVAILABILITIES, "Planned availability")
        standard = self.conforms_to(path)
        if standard is not None:
            add((node, DCT.conformsTo, standard))
        if stat is not None:
            size, digest = stat
            checksum = IRI(f"{node}/checksum")
            add((node, DCAT.byteSize, literal(size, datatype=XSD.nonNegativeInteger)))
            add((node, SPDX.checksum, checksum))
            add((checksum, RDF.type, SPDX.Checksum))
            add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            hex_digest = digest.removeprefix("sha256:")
            add((checksum, SPDX.checksumValue, literal(hex_digest, datatype=XSD.hexBinary)))
        self.add((self.dataset, DCAT.distribution, node))
        return node


def _describe(path: str, file_type: str | None) -> str:
    if path == DESCRIPTOR:
        return "Frictionless Data Package descriptor: every file of the package, its schema, size and hash."
    if path == LANDING_PAGE:
        return (
            "The landing page of the package's static site (HTML): licence, source, how to "
            "cite, every file with its size and SHA-256, and the plan, agency and deadline pages."
        )
    if path == PLAN_JSON:
        return "The whole parsed plan as canonical JSON, nested, with every node's source span."
    if path.startswith(f"{SOURCE_FOLDER}/"):
        return "The source text the data was parsed from (UTF-8); spans count code points in it."
    if path.startswith(f"{CORPUS_PLANS}/"):
        return "One plan of the corpus as canonical JSON, nested, with every node's source span."
    if path.endswith(".nt"):
        return "Every plan of the corpus as one RDF graph (N-Triples): ELI, PROV-O, W3C ORG."
    if path.startswith("linked/plan."):
        kind = "JSON-LD" if path.endswith(".jsonld") else "Turtle"
        return f"The plan as an RDF graph ({kind}): ELI, PROV-O, W3C ORG, OWL-Time, schema.org."
    if file_type == "CSV":
        table = path.rsplit("/", 1)[-1].removesuffix(".csv")
        return f"The {table} table of the data package (CSV, UTF-8, one header row)."
    return f"File {path} of the data package."


def catalog_turtle(
    plan: Plan,
    files: Mapping[str, bytes | None],
    *,
    registry: Registry | None = None,
    base: str = BASE_IRI,
    source: SourceInfo | None = None,
) -> bytes:
    """`catalog_graph` as Turtle (`linked/catalog.ttl`): the bytes `syntax.serialize_turtle`
    writes of it, made from the triples as they are written, without an rdflib graph."""
    groups: Groups = {}
    writer = _plan_catalogue(plan, files, registry, base, source, grouper(groups))
    return serialize_rows(in_order(groups), ox.RdfFormat.TURTLE, writer.prefixes())


def catalog_graph(
    plan: Plan,
    files: Mapping[str, bytes | None],
    *,
    registry: Registry | None = None,
    base: str = BASE_IRI,
    source: SourceInfo | None = None,
) -> Graph:
    """The DCAT catalogue of a plan's package, as an rdflib graph (`catalog_turtle` writes
    its Turtle).

    `files` maps each published path to its bytes (size and checksum come from them, or from
    a `fileset.FileSet` without reading them: `fileset.stat_of`), or to
    None for a file made after the catalogue (the site's landing page, which lists the
    catalogue with its checksum); datapackage.json is listed too, without size or checksum,
    since it lists this catalogue in turn. `source` (default: `SOURCES[plan.id]`) gives the official URL, keywords and date.
    Raises `ExportError` when two paths would get the same distribution IRI.
    """
    triples: list[Triple] = []
    writer = _plan_catalogue(plan, files, registry, base, source, triples.append)
    return rdflib_graph(triples, writer.prefixes())


def _plan_catalogue(
    plan: Plan,
    files: Mapping[str, bytes | None],
    registry: Registry | None,
    base: str,
    source: SourceInfo | None,
    add: Add,
) -> _Catalogue:
    """Writes the triples of `catalog_graph` into `add`; the writer that wrote them."""
    registry = registry if registry is not None else default_registry()
    base = check_base(base)
    source = source if source is not None else SOURCES.get(plan.id)
    writer = _Catalogue(plan, registry, base, source, add)
    publisher, license_ = writer.shared_nodes()
    writer.catalogue(publisher)
    writer.dataset_node(publisher, dataset_keywords(plan, source), files)
    slugs: dict[str, str] = {}
    for path in sorted({*files, DESCRIPTOR}):  # sizes and checksums from `stat_of`: no copy
        other = slugs.setdefault(slug(path), path)
        if other != path:
            raise ExportError(f"files {other!r} and {path!r} would share a distribution IRI")
        stat = None if path == DESCRIPTOR else stat_of(files, path)
        writer.distribution(path, stat, license_)
    return writer


@dataclass(frozen=True)
class PlanEntry:
    """What a corpus catalogue says of one of its plans (made where the plan is parsed)."""

    id: str
    iri: str
    title: str
    doc_number: str | None
    issued: dt.date | None
    end: dt.date | None
    """The plan's last deadline."""

    @classmethod
    def of(cls, plan: Plan, base: str = BASE_IRI) -> PlanEntry:
        _, end = temporal_range(plan)
        return cls(plan.id, plan_iri(plan, base), plan.title, plan.doc_number, plan.issued, end)

    def to_json(self) -> dict[str, str | None]:
        """The entry as a JSON object, dates in ISO 8601 (`from_json` reads it back)."""
        return {
            "id": self.id,
            "iri": self.iri,
            "title": self.title,
            "doc_number": self.doc_number,
            "issued": self.issued.isoformat() if self.issued else None,
            "end": self.end.isoformat() if self.end else None,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> PlanEntry:
        """The entry `to_json` wrote; raises `ValueError` (or `KeyError`, `TypeError`) for
        anything else."""
        id_, iri, title, number = (value[k] for k in ("id", "iri", "title", "doc_number"))
        if not all(isinstance(v, str) for v in (id_, iri, title, number or "")):
            raise TypeError(f"not a plan entry: {value!r}")
        day = {k: dt.date.fromisoformat(value[k]) if value[k] else None for k in ("issued", "end")}
        return cls(id_, iri, title, number, **day)


def corpus_catalog_graph(
    plans: Sequence[PlanEntry],
    files: Mapping[str, tuple[int, str] | None],
    *,
    name: str = "corpus",
    registry: Registry | None = None,
    base: str = BASE_IRI,
) -> Graph:
    """The DCAT catalogue of a corpus package: one dataset (`dataset/<name>`, the descriptor's
    id) derived from every plan, with one distribution per file.

    `files` maps each path to its (size, "sha256:<hex>"), or None for a file made after the
    catalogue (the landing page). Its dates span the plans: issued is the earliest date of
    issue, modified the latest, the temporal coverage from the first issue to the last
    deadline.
    """
    registry = registry if registry is not None else default_registry()
    triples: list[Triple] = []
    writer = _Catalogue.of_corpus(name, registry, check_base(base), triples.append)
    _write_corpus(writer, plans, files, name)
    return rdflib_graph(triples, writer.prefixes())


def corpus_catalog_turtle(
    plans: Sequence[PlanEntry],
    files: Mapping[str, tuple[int, str] | None],
    *,
    name: str = "corpus",
    registry: Registry | None = None,
    base: str = BASE_IRI,
) -> bytes:
    """`corpus_catalog_graph` as Turtle: the bytes `syntax.serialize_turtle` writes of it,
    made from the triples as they are written, without an rdflib graph (whose indexes cost
    two thirds of the time on a corpus of 1,000 plans: 75,000 triples, 3,000 files)."""
    registry = registry if registry is not None else default_registry()
    groups: Groups = {}
    writer = _Catalogue.of_corpus(name, registry, check_base(base), grouper(groups))
    _write_corpus(writer, plans, files, name)
    return serialize_rows(in_order(groups), ox.RdfFormat.TURTLE, writer.prefixes())


def _write_corpus(
    writer: _Catalogue,
    plans: Sequence[PlanEntry],
    files: Mapping[str, tuple[int, str] | None],
    name: str,
) -> None:
    publisher, license_ = writer.shared_nodes()
    writer.catalogue(publisher)
    add, node = writer.add, writer.dataset
    count = len(plans)
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCT.identifier, literal(name)))
    add((node, DCT.title, literal(f"重点任务分工方案语料：{count} 个方案", lang=ZH)))
    add((node, DCT.title, literal(f"A corpus of {count} key-task division plans", lang=EN)))
    add(
        (
            node,
            DCT.description,
            literal(
                f"{count} 个重点任务分工方案的结构化数据：部分、重点任务、具体措施、牵头和参与单位、"
                "完成时限和量化目标；编号以所属方案为前缀。",
                lang=ZH,
            ),
        )
    )
    add(
        (
            node,
            DCT.description,
            literal(
                f"Structured data from {count} key-task division plans as one package: "
                "sections, key tasks, measures, the agencies that lead or take part, deadlines "
                "and quantified targets; every id is prefixed by its plan. Derived from state "
                "documents of an administrative nature; CC BY 4.0.",
                lang=EN,
            ),
        )
    )
    issued = sorted(p.issued for p in plans if p.issued is not None)
    ends = [p.end for p in plans if p.end is not None]
    if issued:
        add((node, DCT.issued, literal(issued[0])))
        add((node, DCT.modified, literal(issued[-1])))
    folder = writer.package
    page = IRI(folder + LANDING_PAGE if LANDING_PAGE in files else folder)
    add((node, DCAT.landingPage, page))
    add((page, RDF.type, FOAF.Document))
    add((node, DCT.publisher, publisher))
    add((node, DCT.language, EU_LANGUAGE["ZHO"]))
    add((node, DCT.spatial, EU_COUNTRY["CHN"]))
    add((node, DCAT.theme, _GOVERNMENT))
    writer.concept(_GOVERNMENT, "Government and public sector", _THEMES, "Data theme")
    for keyword in keywords():
        add((node, DCAT.keyword, _text(keyword)))
    add((node, DCT.accrualPeriodicity, EU_FREQUENCY["IRREG"]))
    add((EU_FREQUENCY["IRREG"], RDF.type, DCT.Frequency))
    writer.temporal(node, issued[0] if issued else None, max(ends) if ends else None)
    writer.contact(node)
    documents = [writer.derived_from(node, entry) for entry in plans]
    writer.generated_by(node, documents)
    slugs: dict[str, str] = {}
    listed: dict[str, tuple[int, str] | None] = {**files, DESCRIPTOR: None}
    for path in sorted(listed):
        other = slugs.setdefault(slug(path), path)
        if other != path:
            raise ExportError(f"files {other!r} and {path!r} would share a distribution IRI")
        writer.distribution(path, listed[path], license_)


# --- schema.org -----------------------------------------------------------------------------


def _organization(
    name: str, url: str | None = None, alternate: str | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Organization", "name": name}
    if alternate:
        node["alternateName"] = alternate
    if url:
        node["url"] = url
    return node


def dataset_jsonld(
    plan: Plan,
    files: Mapping[str, bytes | None],
    *,
    registry: Registry | None = None,
    base: str = BASE_IRI,
    source: SourceInfo | None = None,
) -> dict[str, Any]:
    """The package as a schema.org `Dataset` (JSON-LD), the markup search engines read.

    The same dataset as the DCAT catalogue describes, with the properties Google documents
    for Dataset: names and keywords in Chinese and English, licence, creators, temporal
    and spatial coverage, the source it is based on and one `DataDownload` per file of
    `files` (the package's files; the landing page's own files under `site/` are not
    downloads). Pure: no clock, no I/O; `json.dumps` of it is the file or the
    `<script type="application/ld+json">` content (escape `<` when embedding in HTML).
    """
    registry = registry if registry is not None else default_registry()
    base = check_base(base)
    source = source if source is not None else SOURCES.get(plan.id)
    title_zh, title_en = _titles(plan)
    description_zh, description_en = _descriptions(plan, registry)
    issued, modified = dataset_dates(plan, source)
    start, end = temporal_range(plan)
    folder = package_url(plan, base)
    issuer = registry.get(plan.issuer_id) if plan.issuer_id else None
    project = _organization(PUBLISHER, base)
    creators = [project]
    document: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": plan.title,
        "inLanguage": "zh-Hans",
    }
    if plan.doc_number:
        document["identifier"] = plan.doc_number
    if issued is not None:
        document["datePublished"] = issued.isoformat()
    if source is not None:
        document["url"] = source.url
    if plan.issuer:
        author = _organization(plan.issuer, alternate=issuer.name_en if issuer else None)
        document["author"] = author
        creators.insert(0, author)
    doc: dict[str, Any] = {
        "@context": SDO._NS,
        "@type": "Dataset",
        "@id": dataset_iri(plan.id, base),
        "name": title_zh,
        "alternateName": title_en,
        "description": f"{description_en}\n\n{description_zh}",
        "url": landing_page(plan, files, base),
        "identifier": [dataset_iri(plan.id, base), plan.id],
        "inLanguage": "zh-Hans",
        "keywords": list(dataset_keywords(plan, source)),
        "license": CC_BY,
        "isAccessibleForFree": True,
        "creator": creators,
        "publisher": project,
        "isBasedOn": document,
        "version": VERSION,
        "measurementTechnique": (
            "Parsed from the published text by fgf-opendata; every row keeps its place "
            "(line and character offsets) in the source text."
        ),
        "variableMeasured": [
            "key tasks (重点任务)",
            "measures (具体措施)",
            "lead and participating agencies (责任分工)",
            "deadlines (完成时限)",
            "quantified targets (量化目标)",
        ],
        "spatialCoverage": {"@type": "Country", "name": "China", "alternateName": "中国"},
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": "fgf-opendata: State Council key-task division plans",
            "url": base,
        },
    }
    if issued is not None:
        doc["datePublished"] = issued.isoformat()
    if modified is not None:
        doc["dateModified"] = modified.isoformat()
    if start is not None or end is not None:
        doc["temporalCoverage"] = "/".join(d.isoformat() if d else ".." for d in (start, end))
    doc["distribution"] = [
        {
            "@type": "DataDownload",
            "name": path,
            "contentUrl": folder + path,
            "encodingFormat": file_format(path).mediatype,
        }
        for path in sorted({*files, DESCRIPTOR})
        if not path.startswith("site/")
    ]
    return doc
