"""Plan <-> RDF graph, and the graph as Turtle and JSON-LD.

`to_graph` writes every field of a `Plan` with the vocabularies of the design notes
(`shared/reference/linked-data.md` §3): ELI for the document and its subdivisions, PROV-O
qualified attribution with `dcat:hadRole` for who does what, W3C ORG / CPOV / FOAF for agencies,
OWL-Time for deadlines, schema.org QuantitativeValue for targets and Web Annotation selectors for
source spans. What they cannot say (layout whitespace, the 等 flag, block kinds, ...) uses the
closed `fgf:` vocabulary. `from_graph` reads it all back: `from_graph(to_graph(p)) == p`.

IRIs hang off a configurable base (§4): `{base}/doc/cn/guobanfa/2021/25` for the plan, `…/sec_1`,
`…/task_5`, `…/task_5__meas_2`, `…/task_5__meas_2/resp_1`, agencies at `{base}/agency/{id}`,
collectives at `{base}/agent-group/{id}`. Every node has an IRI; there are no blank nodes, so
the serialisations are deterministic. `schema:position` is 1-based everywhere: the printed
ordinal of sections, tasks and measures, the order of blocks, deadlines, targets and of the
actors in a responsibility line (whose model `position` counts from 0).

Output bytes depend only on the triples: `serialize_turtle` and `serialize_jsonld` hand them,
sorted in N-Triples order, to oxigraph's serializers (`pyoxigraph.serialize`, written in Rust:
on the reference plan's graph 4 ms for Turtle and 8 ms for JSON-LD, against rdflib's 230 ms and
160 ms, which were most of a build's time); `plan_ntriples` keeps the writer's order. Turtle
groups a subject's triples and uses the bound prefixes; JSON-LD is in expanded document form
(no `@context`, so a reader needs nothing else, and never fetches anything); N-Triples is
canonical. Language tags are written lower-case (`zh-hans`), the form RDF 1.1 Concepts §3.3
gives their value space, so a graph built here and one read back from any of the files are
equal term for term. Nothing here touches the network: `parse_jsonld` refuses documents that
name a remote context.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType, SimpleNamespace
from typing import Any, NamedTuple, TypeVar, cast, get_args
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import DefinedNamespace
from rdflib.term import Node

from .agencies import Registry, default_registry
from .errors import ExportError
from .jsonld import context_document, jsonld_chunks
from .memory import cycle_collection_paused
from .model import (
    Agency,
    Assignment,
    Block,
    Comparator,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Precision,
    Recurrence,
    Responsibility,
    Role,
    Section,
    Span,
    Target,
    Task,
    UnitCode,
)
from .parsing.docnumber import split_doc_number
from .publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from .serialize import dumps
from .vocab import (
    BLOCK_KINDS,
    CV,
    DCAT,
    DCT,
    DOCUMENT_TYPE,
    ELI,
    EU_FREQUENCY,
    EU_LANGUAGE,
    FGF,
    FOAF,
    IANA_MEDIA_TYPE,
    OA,
    ORG,
    PREFIXES,
    PROV,
    QUDT,
    QUDT_UNITS,
    RDF,
    RDFS,
    ROLE_SCHEME,
    ROLES,
    SDO,
    SKOS,
    SUBDIVISION_TYPES,
    TIME,
    XSD,
    agency_category,
)

__all__ = [
    "DEFAULT_BASE",
    "bind_prefixes",
    "canonical_decimal",
    "check_base",
    "describe_difference",
    "from_graph",
    "jsonld_context",
    "linked_outputs",
    "parse_jsonld",
    "parse_turtle",
    "plan_iri",
    "prefixed_name",
    "serialize_jsonld",
    "serialize_turtle",
    "to_graph",
]

DEFAULT_BASE = BASE_IRI
"""Where the project's IRIs live until a different base is configured (a w3id.org redirect)."""

ZH = "zh-hans"
"""Simplified Chinese (BCP 47 `zh-Hans`), lower-case as RDF compares language tags."""
EN = "en"

ROLE_LABELS: Mapping[Role, tuple[str, str]] = MappingProxyType(
    {
        "lead": ("牵头", "lead"),
        "responsible": ("负责", "responsible"),
        "shared": ("按职责分工负责", "shared"),
        "guiding": ("指导", "guiding"),
        "participating": ("参与", "participating"),
        "supporting": ("配合", "supporting"),
        "joint": ("会同", "joint"),
    }
)
"""Role -> (zh-Hans, en) labels; data/fgf.ttl carries the same (a test keeps them equal)."""

RECURRENCES: Mapping[Recurrence, URIRef] = MappingProxyType({"yearly": EU_FREQUENCY["ANNUAL"]})
"""How often a deadline repeats, as a concept of the EU frequency list (as DCAT-AP uses)."""

_BASE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
_ROLE_OF = {iri: role for role, iri in ROLES.items()}
_RECURRENCE_OF = {iri: name for name, iri in RECURRENCES.items()}
_BLOCK_KIND_OF = {iri: kind for kind, iri in BLOCK_KINDS.items()}
_COMPARATOR_PROPERTY: Mapping[Comparator, URIRef] = {
    "<=": SDO.maxValue,
    ">=": SDO.minValue,
    "=": SDO.value,
}

# --- IRIs ----------------------------------------------------------------------------------------


def check_base(base: str) -> str:
    """The base without a trailing slash; raises `ExportError` unless it is an ASCII http(s) IRI."""
    base = base.rstrip("/")
    if not _BASE.fullmatch(base):
        raise ExportError(f"base {base!r} is not an ASCII http(s) IRI without query or fragment")
    return base


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")


def _segment(value: str) -> str:
    """A model id as one IRI path segment (ids are ASCII already; anything else is escaped)."""
    return value if _UNRESERVED.fullmatch(value) else quote(value, safe="-._~")


def plan_iri(plan: Plan, base: str = DEFAULT_BASE) -> str:
    """The plan's IRI: `{base}/doc/cn/{series}/{year}/{number}`, else `{base}/doc/{plan.id}`."""
    base = check_base(base)
    parts = split_doc_number(plan.doc_number)
    if parts is not None and parts.series is not None:
        return f"{base}/doc/cn/{parts.series}/{parts.year}/{parts.number}"
    return f"{base}/doc/{_segment(plan.id)}"


def _agent_iri(agency_id: str, registry: Registry, base: str) -> str:
    agency = registry.get(agency_id)
    folder = "agent-group" if agency is not None and agency.kind == "collective" else "agency"
    return f"{base}/{folder}/{_segment(agency_id)}"


# --- literals ------------------------------------------------------------------------------------


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


# --- Plan -> Graph -------------------------------------------------------------------------------


def _resolved(namespace: type[DefinedNamespace]) -> Any:
    """A closed namespace's terms as plain attributes: rdflib's `DefinedNamespace` builds a new
    `URIRef` on every attribute access (about 1 µs), and the writer makes some ten thousand
    per plan."""
    names = (name for name in namespace.__annotations__ if not name.startswith("_"))
    return SimpleNamespace(**{name: namespace[name] for name in names})


(
    _CV,
    _DCAT,
    _DCT,
    _ELI,
    _FGF,
    _FOAF,
    _OA,
    _ORG,
    _PROV,
    _QUDT,
    _RDF,
    _RDFS,
    _SDO,
    _SKOS,
    _TIME,
    _XSD,
) = map(
    _resolved, (CV, DCAT, DCT, ELI, FGF, FOAF, OA, ORG, PROV, QUDT, RDF, RDFS, SDO, SKOS, TIME, XSD)
)


def _iri(value: str) -> URIRef:
    """An rdflib IRI made without rdflib's check: the writer's IRIs are a checked base and
    `_segment`s, and the check (a regex per IRI) cost a fifth of the writer's time."""
    return str.__new__(URIRef, value)


class _Writer:
    """Adds the triples of one plan to a graph, one `add` per triple.

    IRIs are rdflib `URIRef`s; literals come from `lit`, with rdflib's signature: rdflib's
    `Literal` for `to_graph`, or `_plain_literal`, which keeps the strings oxigraph needs for
    the files (an rdflib literal costs some 3 µs to make and as much to convert).
    """

    def __init__(
        self,
        add: Callable[[tuple[Any, Any, Any]], object],
        plan: Plan,
        registry: Registry,
        base: str,
        lit: Callable[..., Any] = Literal,
    ) -> None:
        self.add = add
        self.lit = lit
        self.registry = registry
        self.base = base
        self.plan_iri = plan_iri(plan, base)
        self.source = _iri(f"{self.plan_iri}/zho/txt")
        self.agents: dict[str, URIRef] = {}
        self.roles_cited: set[Role] = set()

    def zh(self, text: str) -> Any:
        return self.lit(text, lang=ZH)

    def en(self, text: str) -> Any:
        return self.lit(text, lang=EN)

    def count(self, value: int) -> Any:
        return self.lit(value, datatype=_XSD.nonNegativeInteger)

    def decimal(self, value: Decimal) -> Any:
        return self.lit(canonical_decimal(value), datatype=_XSD.decimal)

    def span(self, node: URIRef, span: Span, exact: str) -> None:
        add = self.add
        resource = _iri(f"{node}/span")
        position = _iri(f"{node}/span/position")
        quoted = _iri(f"{node}/span/quote")
        add((node, _PROV.wasDerivedFrom, resource))
        add((resource, _RDF.type, _OA.SpecificResource))
        add((resource, _OA.hasSource, self.source))
        add((resource, _OA.hasSelector, position))
        add((resource, _OA.hasSelector, quoted))
        add((position, _RDF.type, _OA.TextPositionSelector))
        add((position, _OA.start, self.count(span.start)))
        add((position, _OA.end, self.count(span.end)))
        add((position, _FGF.line, self.lit(span.line)))
        add((quoted, _RDF.type, _OA.TextQuoteSelector))
        add((quoted, _OA.exact, self.lit(exact)))

    def block(self, node: URIRef, block: Block, position: int) -> None:
        add = self.add
        add((node, _RDF.type, _FGF.Block))
        add((node, _FGF.blockKind, BLOCK_KINDS[block.kind]))
        add((node, _DCT.description, self.zh(block.text)))
        add((node, _SDO.position, self.lit(position)))
        add((node, _FGF.gap, self.lit(block.gap)))
        self.span(node, block.span, block.text)

    def deadlines(self, owner: URIRef, deadlines: tuple[Deadline, ...]) -> None:
        add = self.add
        for i, deadline in enumerate(deadlines, 1):
            node = _iri(f"{owner}/deadline_{i}")
            add((owner, _FGF.hasDeadline, node))
            add((node, _RDF.type, _TIME.Instant))
            add((node, _SDO.position, self.lit(i)))
            add((node, _RDFS.label, self.zh(deadline.expression)))
            add((node, _TIME.inXSDDate, self.lit(deadline.date)))
            date = deadline.date
            if deadline.precision == "year":
                add((node, _TIME.inXSDgYear, self.lit(f"{date.year:04d}", datatype=_XSD.gYear)))
            elif deadline.precision == "month":
                month = f"{date.year:04d}-{date.month:02d}"
                add((node, _TIME.inXSDgYearMonth, self.lit(month, datatype=_XSD.gYearMonth)))
            if deadline.recurrence is not None:
                add((node, _FGF.recurrence, RECURRENCES[deadline.recurrence]))
            self.span(node, deadline.span, deadline.expression)

    def targets(self, owner: URIRef, targets: tuple[Target, ...]) -> None:
        add = self.add
        for i, target in enumerate(targets, 1):
            node = _iri(f"{owner}/target_{i}")
            add((owner, _FGF.hasTarget, node))
            add((node, _SDO.position, self.lit(i)))
            add((node, _RDFS.label, self.zh(target.text)))
            if target.quantity is not None:
                add((node, _SDO.name, self.zh(target.quantity)))
            add((node, _COMPARATOR_PROPERTY[target.comparator], self.decimal(target.value)))
            self.unit(node, target.unit, target.unit_text)
            if target.baseline is not None:
                baseline = _iri(f"{node}/baseline")
                add((node, _FGF.baseline, baseline))
                add((baseline, _SDO.value, self.decimal(target.baseline)))
                self.unit(baseline, target.unit, target.unit_text)
            self.span(node, target.span, target.text)

    def unit(self, node: URIRef, code: UnitCode, text: str) -> None:
        add = self.add
        add((node, _RDF.type, _SDO.QuantitativeValue))
        add((node, _SDO.unitCode, self.lit(code)))
        add((node, _SDO.unitText, self.lit(text)))
        qudt = QUDT_UNITS.get(code)
        if qudt is not None:
            add((node, _QUDT.unit, qudt))

    def responsibility(self, owner: URIRef, resp: Responsibility | None) -> None:
        if resp is None:
            return
        add = self.add
        statement = _iri(f"{owner}/responsibility")
        add((owner, _FGF.responsibility, statement))
        add((statement, _RDF.type, _FGF.ResponsibilityStatement))
        add((statement, _DCT.description, self.zh(resp.text)))
        add((statement, _FGF.openEnded, self.lit(resp.open_ended)))
        add((statement, _FGF.gap, self.lit(resp.gap)))
        self.span(statement, resp.span, resp.text)
        for i, assignment in enumerate(resp.assignments, 1):
            self.attribution(owner, _iri(f"{owner}/resp_{i}"), assignment)

    def standing(self, plan: URIRef, position: int, resp: Responsibility) -> None:
        """A standing assignment: a statement of its own under the plan, which is also the
        subject of its attributions (they hold for every later item)."""
        add = self.add
        statement = _iri(f"{self.plan_iri}/standing_{position}")
        add((plan, _FGF.standing, statement))
        add((statement, _RDF.type, _FGF.ResponsibilityStatement))
        add((statement, _SDO.position, self.lit(position)))
        add((statement, _DCT.description, self.zh(resp.text)))
        add((statement, _FGF.openEnded, self.lit(resp.open_ended)))
        add((statement, _FGF.gap, self.lit(resp.gap)))
        self.span(statement, resp.span, resp.text)
        for i, assignment in enumerate(resp.assignments, 1):
            self.attribution(statement, _iri(f"{statement}/resp_{i}"), assignment)

    def attribution(self, owner: URIRef, node: URIRef, assignment: Assignment) -> None:
        add = self.add
        agent = self.agent(node, assignment)
        add((owner, _PROV.qualifiedAttribution, node))
        add((owner, _PROV.wasAttributedTo, agent))
        add((node, _RDF.type, _PROV.Attribution))
        add((node, _PROV.agent, agent))
        add((node, _DCAT.hadRole, ROLES[assignment.role]))
        self.roles_cited.add(assignment.role)
        add((node, _FGF.citedName, self.zh(assignment.agency)))
        add((node, _SDO.position, self.lit(assignment.position + 1)))

    def agent(self, attribution: URIRef, assignment: Assignment) -> URIRef:
        if assignment.agency_id is not None:
            return self.known_agent(assignment.agency_id)
        # A name the registry does not know is still an agent, but only of this line.
        node = _iri(f"{attribution}/agent")
        self.add((node, _RDF.type, _PROV.Agent))
        self.add((node, _RDF.type, _FOAF.Agent))
        self.add((node, _FOAF.name, self.zh(assignment.agency)))
        return node

    def known_agent(self, agency_id: str) -> URIRef:
        node = self.agents.get(agency_id)
        if node is None:
            node = self.agents[agency_id] = _iri(_agent_iri(agency_id, self.registry, self.base))
        return node

    def subdivision(
        self, node: URIRef, parent: URIRef, kind: str, ident: str, label: str, position: int
    ) -> None:
        add = self.add
        add((node, _RDF.type, _ELI.LegalResourceSubdivision))
        add((node, _ELI.type_subdivision, SUBDIVISION_TYPES[kind]))
        add((node, _ELI.id_local, self.lit(ident)))
        add((node, _ELI.is_part_of, parent))
        add((parent, _ELI.has_part, node))
        add((node, _SDO.position, self.lit(position)))
        if label:
            add((node, _ELI.number, self.lit(label)))

    def section(self, plan: URIRef, section: Section) -> None:
        node = _iri(f"{self.plan_iri}/{_segment(section.id)}")
        self.subdivision(node, plan, "section", section.id, section.label, section.number)
        if section.title:
            self.add((node, _DCT.title, self.zh(section.title)))
        self.add((node, _FGF.gap, self.lit(section.gap)))
        self.span(node, section.span, section.label + section.title)
        self.paragraphs(node, section.paragraphs)
        for task in section.tasks:
            self.task(node, task)

    def provision(self, node: URIRef, item: Task | Measure | Point | Paragraph, label: str) -> None:
        """What every item that can carry an assignment states, in this order: its text,
        layout, span (over `label` + text), responsibility, deadlines and targets."""
        self.add((node, _DCT.description, self.zh(item.text)))
        self.add((node, _FGF.gap, self.lit(item.gap)))
        self.span(node, item.span, label + item.text)
        self.responsibility(node, item.responsibility)
        self.deadlines(node, item.deadlines)
        self.targets(node, item.targets)

    def paragraphs(self, parent: URIRef, paragraphs: tuple[Paragraph, ...]) -> None:
        for position, paragraph in enumerate(paragraphs, 1):
            node = _iri(f"{self.plan_iri}/{_segment(paragraph.id)}")
            self.subdivision(node, parent, "paragraph", paragraph.id, "", position)
            self.provision(node, paragraph, "")

    def point(self, measure: URIRef, point: Point) -> None:
        node = _iri(f"{self.plan_iri}/{_segment(point.id)}")
        self.subdivision(node, measure, "point", point.id, point.label, point.number)
        self.provision(node, point, point.label)
        self.paragraphs(node, point.paragraphs)

    def task(self, section: URIRef, task: Task) -> None:
        add = self.add
        node = _iri(f"{self.plan_iri}/{_segment(task.id)}")
        self.subdivision(node, section, "task", task.id, task.label, task.number)
        self.provision(node, task, task.label)
        self.paragraphs(node, task.paragraphs)
        if task.measures_heading is not None:
            heading = _iri(f"{node}/measures_heading")
            add((node, _FGF.measuresHeading, heading))
            self.block(heading, task.measures_heading, 1)
        for measure in task.measures:
            self.measure(node, measure)

    def measure(self, task: URIRef, measure: Measure) -> None:
        node = _iri(f"{self.plan_iri}/{_segment(measure.id)}")
        self.subdivision(node, task, "measure", measure.id, measure.label, measure.number)
        self.add((node, _FGF.numbered, self.lit(measure.numbered)))
        self.provision(node, measure, measure.label)
        self.paragraphs(node, measure.paragraphs)
        for point in measure.points:
            self.point(node, point)

    def plan(self, plan: Plan) -> None:
        add = self.add
        node = _iri(self.plan_iri)
        expression = _iri(f"{self.plan_iri}/zho")
        add((node, _RDF.type, _ELI.LegalResource))
        add((node, _RDF.type, _SDO.Legislation))
        add((node, _ELI.type_document, DOCUMENT_TYPE))
        add((node, _DCT.identifier, self.lit(plan.id)))
        add((node, _DCT.title, self.zh(plan.title)))
        if plan.doc_number is not None:
            add((node, _ELI.id_local, self.lit(plan.doc_number)))
            add((node, _SDO.legislationIdentifier, self.lit(plan.doc_number)))
        if plan.issued is not None:
            add((node, _ELI.date_document, self.lit(plan.issued)))
        if plan.issuer is not None:
            add((node, _FGF.issuerName, self.zh(plan.issuer)))
            issuer = self.registry.lookup(plan.issuer)
            if issuer is not None:
                add((node, _ELI.passed_by, self.known_agent(issuer.id)))
        for prop, text in (
            (_FGF.addressees, plan.addressees),
            (_FGF.planTitle, plan.plan_title),
            (_FGF.preamble, plan.preamble),
            (_FGF.closing, plan.closing),
        ):
            if text is not None:
                add((node, prop, self.zh(text)))
        add((node, _FGF.tail, self.lit(plan.tail)))
        add((node, _FGF.leadByPosition, self.lit(plan.lead_by_position)))
        # The Chinese text (expression) and the plain-text file the spans point into.
        add((node, _ELI.is_realized_by, expression))
        add((expression, _RDF.type, _ELI.LegalExpression))
        add((expression, _ELI.realizes, node))
        add((expression, _ELI.title, self.zh(plan.title)))
        add((expression, _ELI.language, EU_LANGUAGE["ZHO"]))
        add((expression, _ELI.is_embodied_by, self.source))
        add((self.source, _RDF.type, _ELI.Format))
        add((self.source, _ELI.embodies, expression))
        add((self.source, _ELI.format, IANA_MEDIA_TYPE["text/plain"]))
        for i, block in enumerate(plan.front, 1):
            front = _iri(f"{self.plan_iri}/front_{i}")
            add((node, _FGF.frontMatter, front))
            self.block(front, block, i)
        for section in plan.sections:
            self.section(node, section)
        for i, block in enumerate(plan.back, 1):
            back = _iri(f"{self.plan_iri}/back_{i}")
            add((node, _FGF.backMatter, back))
            self.block(back, block, i)
        self.deadlines(node, plan.deadlines)
        for position, resp in enumerate(plan.standing, 1):
            self.standing(node, position, resp)

    def roles(self) -> None:
        add = self.add
        add((ROLE_SCHEME, _RDF.type, _SKOS.ConceptScheme))
        add((ROLE_SCHEME, _DCT.title, self.en("Roles in a responsibility line")))
        add((ROLE_SCHEME, _DCT.title, self.zh("责任分工角色")))
        for role, concept in ROLES.items():
            if role not in self.roles_cited:
                continue  # the scheme in full is in data/fgf.ttl; a plan describes what it cites
            zh, en = ROLE_LABELS[role]
            add((concept, _RDF.type, _SKOS.Concept))
            add((concept, _RDF.type, _DCAT.Role))
            add((concept, _RDF.type, _PROV.Role))
            add((concept, _SKOS.inScheme, ROLE_SCHEME))
            add((concept, _SKOS.notation, self.lit(role)))
            add((concept, _SKOS.prefLabel, self.zh(zh)))
            add((concept, _SKOS.prefLabel, self.en(en)))

    def agencies(self) -> None:
        """Describes every registry agent cited, with the bodies they belong to or became."""
        pending = sorted(self.agents)
        seen: set[str] = set()
        while pending:
            agency_id = pending.pop()
            if agency_id in seen:
                continue
            seen.add(agency_id)
            agency = self.registry.get(agency_id)
            node = self.known_agent(agency_id)
            self.add((node, _RDF.type, _PROV.Agent))
            self.add((node, _RDF.type, _FOAF.Agent))
            self.add((node, _DCT.identifier, self.lit(agency_id)))
            if agency is None:
                continue
            self.agency(node, agency)
            pending.extend(i for i in (agency.parent_id, agency.successor_id) if i is not None)

    def agency(self, node: URIRef, agency: Agency) -> None:
        add = self.add
        if agency.kind == "collective":
            add((node, _RDF.type, _FOAF.Group))
            add((node, _RDF.type, _FGF.CollectiveAgent))
        else:
            add((node, _RDF.type, _ORG.Organization))
            if agency.category not in ("party-central", "other"):
                add((node, _RDF.type, _CV.PublicOrganisation))
        add((node, _SKOS.prefLabel, self.zh(agency.full_name_zh)))
        add((node, _SKOS.prefLabel, self.en(agency.name_en)))
        add((node, _FOAF.name, self.zh(agency.name_zh)))
        add((node, _FOAF.name, self.en(agency.name_en)))
        for alias in dict.fromkeys((agency.name_zh, *agency.aliases)):
            if alias != agency.full_name_zh:
                add((node, _SKOS.altLabel, self.zh(alias)))
        if agency.abbreviation_en:
            add((node, _SKOS.altLabel, self.en(agency.abbreviation_en)))
        add((node, _ORG.classification, agency_category(agency.category)))
        if agency.parent_id is not None and agency.kind == "organisation":
            add((node, _ORG.subOrganizationOf, self.known_agent(agency.parent_id)))
        if agency.wikidata:
            add((node, _SDO.sameAs, URIRef(f"http://www.wikidata.org/entity/{agency.wikidata}")))
        if agency.successor_id is not None:
            # The 2021 body stays the agent of record; the reform is an event between bodies.
            event = _iri(f"{node}/change")
            successor = self.known_agent(agency.successor_id)
            add((node, _ORG.changedBy, event))
            add((event, _RDF.type, _ORG.ChangeEvent))
            add((event, _RDF.type, _PROV.Activity))
            add((event, _ORG.originalOrganization, node))
            add((event, _ORG.resultingOrganization, successor))
            add((successor, _ORG.resultedFrom, event))
            if agency.dissolved is not None:
                add((event, _DCT.date, self.lit(f"{agency.dissolved:04d}", datatype=_XSD.gYear)))


def bind_prefixes(graph: Graph, extra: Mapping[str, str] = {}) -> None:
    for prefix, namespace in {**PREFIXES, **extra}.items():
        graph.bind(prefix, namespace, override=True, replace=True)


Triple = tuple[Node, Node, Node]


def _plan_prefixes(plan_iri: str, base: str) -> dict[str, str]:
    return {
        **PREFIXES,
        "plan": f"{plan_iri}/",
        "agency": f"{base}/agency/",
        "group": f"{base}/agent-group/",
    }


class _Lit(NamedTuple):
    """A literal the writer makes for oxigraph, kept as plain strings until it is serialised:
    an oxigraph literal holds its own copy of the text and costs some hundreds of bytes, and
    a plan of 100,000 tasks has two million literals; the text here is the model's own."""

    lexical: str
    language: str | None
    datatype: str | None


_XSD_BOOLEAN = str(XSD.boolean)
_XSD_INTEGER = str(XSD.integer)
_XSD_DATE = str(XSD.date)


def _plain_literal(value: object, lang: str | None = None, datatype: URIRef | None = None) -> _Lit:
    """The lexical form, language and datatype rdflib's `Literal` gives the same arguments,
    for the Python types the writer uses (str, bool, int, date)."""
    if lang is not None:
        return _Lit(cast(str, value), lang, None)
    if datatype is not None:
        return _Lit(str(value), None, str(datatype))
    if isinstance(value, str):
        return _Lit(value, None, None)
    if isinstance(value, bool):
        return _Lit("true" if value else "false", None, _XSD_BOOLEAN)
    if isinstance(value, int):
        return _Lit(str(value), None, _XSD_INTEGER)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _Lit(value.isoformat(), None, _XSD_DATE)
    raise ExportError(f"no RDF literal for {type(value).__name__} {value!r}")


def _ox_literal(
    value: object, lang: str | None = None, datatype: URIRef | None = None
) -> ox.Literal:
    """The oxigraph literal of `_plain_literal`."""
    return cast(ox.Literal, _converter()(_plain_literal(value, lang, datatype)))


def _triples(
    plan: Plan,
    registry: Registry | None,
    base: str,
    lit: Callable[..., Any] = Literal,
    add: Callable[[Triple], object] | None = None,
) -> tuple[list[Triple], str]:
    """The plan's triples in writing order, duplicates included; and the plan's IRI. `base`
    has been through `check_base`. With `add`, the triples go there instead (the list is empty).
    """
    registry = registry if registry is not None else default_registry()
    triples: list[Triple] = []
    writer = _Writer(add or triples.append, plan, registry, base, lit)
    writer.plan(plan)
    writer.roles()
    writer.agencies()
    return triples, writer.plan_iri


def _write(
    plan: Plan, registry: Registry | None, base: str, lit: Callable[..., Any] = Literal
) -> tuple[list[Triple], str]:
    """The plan's triples, duplicates dropped, in writing order; and the plan's IRI. `base`
    has been through `check_base`."""
    triples, iri = _triples(plan, registry, base, lit)
    return list(dict.fromkeys(triples)), iri


def to_graph(plan: Plan, registry: Registry | None = None, base: str = DEFAULT_BASE) -> Graph:
    """The plan as an RDF graph: every field of the model, IRIs under `base`, no blank nodes.

    `registry` (default: the bundled one) describes the agencies the plan cites: names in
    zh-Hans and en, category, parent body and, for bodies changed since, the change event.
    """
    base = check_base(base)
    triples, iri = _write(plan, registry, base)
    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, _plan_prefixes(iri, base))
    for triple in triples:
        graph.add(triple)
    return graph


def plan_ntriples(plan: Plan, registry: Registry | None = None, base: str = DEFAULT_BASE) -> bytes:
    """The triples of `to_graph(plan)` as canonical N-Triples in writing order, without
    building a graph: what a corpus build streams, plan by plan."""
    triples, _ = _write(plan, registry, check_base(base), _plain_literal)
    # Line-based: no subject blocks to group, and the writing order is deterministic already.
    return _serialize(_ox_rows(triples), ox.RdfFormat.N_TRIPLES)


# --- Graph -> Plan -------------------------------------------------------------------------------

_T = TypeVar("_T")


class _Reader:
    """Reads a plan back from the triples `to_graph` writes, following links, never IRIs."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def one(self, node: Node, prop: URIRef) -> Node:
        value = self.graph.value(node, prop)
        if value is None:
            raise ExportError(f"<{node}> has no {prop.n3(self.graph.namespace_manager)}")
        return value

    def text(self, node: Node, prop: URIRef) -> str:
        return str(self.one(node, prop))

    def optional(self, node: Node, prop: URIRef) -> str | None:
        value = self.graph.value(node, prop)
        return None if value is None else str(value)

    def integer(self, node: Node, prop: URIRef) -> int:
        value = self.one(node, prop)
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise ExportError(f"<{node}> {prop}: {value!r} is not an integer")
        return cast(int, value.toPython())

    def flag(self, node: Node, prop: URIRef) -> bool:
        value = self.one(node, prop)
        if not isinstance(value, Literal) or value.datatype != XSD.boolean:
            raise ExportError(f"<{node}> {prop}: {value!r} is not a boolean")
        return bool(value.toPython())

    def decimal(self, node: Node, prop: URIRef) -> Decimal | None:
        value = self.graph.value(node, prop)
        return None if value is None else Decimal(str(value))

    def ordered(self, node: Node, prop: URIRef) -> list[Node]:
        children = list(self.graph.objects(node, prop))
        return sorted(children, key=lambda child: self.integer(child, SDO.position))

    def each(self, node: Node, prop: URIRef, read: Callable[[Node], _T]) -> tuple[_T, ...]:
        return tuple(read(child) for child in self.ordered(node, prop))

    def parts(self, node: Node, kind: str, read: Callable[[Node], _T]) -> tuple[_T, ...]:
        """The subdivisions of one type under a node, in order."""
        wanted = SUBDIVISION_TYPES[kind]
        children = [
            child
            for child in self.graph.objects(node, ELI.has_part)
            if self.graph.value(child, ELI.type_subdivision) == wanted
        ]
        children.sort(key=lambda child: self.integer(child, SDO.position))
        return tuple(read(child) for child in children)

    def span(self, node: Node) -> Span:
        resource = self.one(node, PROV.wasDerivedFrom)
        for selector in self.graph.objects(resource, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) in self.graph:
                return Span(
                    line=self.integer(selector, FGF.line),
                    start=self.integer(selector, OA.start),
                    end=self.integer(selector, OA.end),
                )
        raise ExportError(f"<{node}> has no text position selector")

    def block(self, node: Node) -> Block:
        kind = _BLOCK_KIND_OF.get(cast(URIRef, self.one(node, FGF.blockKind)))
        if kind is None:
            raise ExportError(f"<{node}> has an unknown block kind")
        return Block(
            kind=kind,
            text=self.text(node, DCT.description),
            gap=self.text(node, FGF.gap),
            span=self.span(node),
        )

    def deadline(self, node: Node) -> Deadline:
        graph = self.graph
        precision: Precision = "day"
        if graph.value(node, TIME.inXSDgYear) is not None:
            precision = "year"
        elif graph.value(node, TIME.inXSDgYearMonth) is not None:
            precision = "month"
        recurrence = graph.value(node, FGF.recurrence)
        if recurrence is not None and recurrence not in _RECURRENCE_OF:
            raise ExportError(f"<{node}> has an unknown recurrence <{recurrence}>")
        date = self.one(node, TIME.inXSDDate)
        if not isinstance(date, Literal) or not isinstance(date.toPython(), dt.date):
            raise ExportError(f"<{node}> time:inXSDDate {date!r} is not an xsd:date")
        return Deadline(
            expression=self.text(node, RDFS.label),
            date=cast(dt.date, date.toPython()),
            precision=precision,
            recurrence=None if recurrence is None else _RECURRENCE_OF[cast(URIRef, recurrence)],
            span=self.span(node),
        )

    def target(self, node: Node) -> Target:
        bound = [
            (comparator, value)
            for comparator, prop in _COMPARATOR_PROPERTY.items()
            if (value := self.decimal(node, prop)) is not None
        ]
        if len(bound) != 1:
            raise ExportError(f"<{node}> needs one of schema:value, minValue or maxValue")
        comparator, value = bound[0]
        baseline = self.graph.value(node, FGF.baseline)
        unit = self.text(node, SDO.unitCode)
        if unit not in get_args(UnitCode):
            raise ExportError(f"<{node}> has an unknown unit code {unit!r}")
        return Target(
            text=self.text(node, RDFS.label),
            quantity=self.optional(node, SDO.name),
            value=value,
            unit=cast(UnitCode, unit),
            unit_text=self.text(node, SDO.unitText),
            comparator=comparator,
            baseline=None if baseline is None else self.decimal(baseline, SDO.value),
            span=self.span(node),
        )

    def assignment(self, node: Node) -> Assignment:
        agent = self.one(node, PROV.agent)
        role = _ROLE_OF.get(cast(URIRef, self.one(node, DCAT.hadRole)))
        if role is None:
            raise ExportError(f"<{node}> has a role outside the role scheme")
        return Assignment(
            agency=self.text(node, FGF.citedName),
            agency_id=self.optional(agent, DCT.identifier),
            role=role,
            position=self.integer(node, SDO.position) - 1,
        )

    def responsibility(self, owner: Node) -> Responsibility | None:
        statement = self.graph.value(owner, FGF.responsibility)
        if statement is None:
            return None
        return self.statement(statement, owner)

    def standing(self, statement: Node) -> Responsibility:
        return self.statement(statement, statement)

    def statement(self, statement: Node, owner: Node) -> Responsibility:
        return Responsibility(
            text=self.text(statement, DCT.description),
            open_ended=self.flag(statement, FGF.openEnded),
            assignments=self.each(owner, PROV.qualifiedAttribution, self.assignment),
            gap=self.text(statement, FGF.gap),
            span=self.span(statement),
        )

    def provision(self, node: Node) -> dict[str, Any]:
        """The fields every item that can carry an assignment has (the writer's `provision`):
        text, responsibility, deadlines, targets, layout and span."""
        return {
            "text": self.text(node, DCT.description),
            "responsibility": self.responsibility(node),
            "deadlines": self.each(node, FGF.hasDeadline, self.deadline),
            "targets": self.each(node, FGF.hasTarget, self.target),
            "gap": self.text(node, FGF.gap),
            "span": self.span(node),
        }

    def measure(self, node: Node) -> Measure:
        return Measure(
            id=self.text(node, ELI.id_local),
            number=self.integer(node, SDO.position),
            numbered=self.flag(node, FGF.numbered),
            label=self.optional(node, ELI.number) or "",
            **self.provision(node),
            paragraphs=self.parts(node, "paragraph", self.paragraph),
            points=self.parts(node, "point", self.point),
        )

    def paragraph(self, node: Node) -> Paragraph:
        return Paragraph(
            id=self.text(node, ELI.id_local),
            **self.provision(node),
        )

    def point(self, node: Node) -> Point:
        return Point(
            id=self.text(node, ELI.id_local),
            number=self.integer(node, SDO.position),
            label=self.optional(node, ELI.number) or "",
            **self.provision(node),
            paragraphs=self.parts(node, "paragraph", self.paragraph),
        )

    def task(self, node: Node) -> Task:
        heading = self.graph.value(node, FGF.measuresHeading)
        return Task(
            id=self.text(node, ELI.id_local),
            number=self.integer(node, SDO.position),
            label=self.optional(node, ELI.number) or "",
            **self.provision(node),
            paragraphs=self.parts(node, "paragraph", self.paragraph),
            measures_heading=None if heading is None else self.block(heading),
            measures=self.parts(node, "measure", self.measure),
        )

    def section(self, node: Node) -> Section:
        return Section(
            id=self.text(node, ELI.id_local),
            number=self.integer(node, SDO.position),
            label=self.optional(node, ELI.number) or "",
            title=self.optional(node, DCT.title) or "",
            paragraphs=self.parts(node, "paragraph", self.paragraph),
            tasks=self.parts(node, "task", self.task),
            gap=self.text(node, FGF.gap),
            span=self.span(node),
        )

    def plan(self, node: Node) -> Plan:
        issued = self.graph.value(node, ELI.date_document)
        return Plan(
            id=self.text(node, DCT.identifier),
            doc_number=self.optional(node, SDO.legislationIdentifier),
            title=self.text(node, DCT.title),
            issuer=self.optional(node, FGF.issuerName),
            issued=None if issued is None else cast(Literal, issued).toPython(),
            addressees=self.optional(node, FGF.addressees),
            plan_title=self.optional(node, FGF.planTitle),
            preamble=self.optional(node, FGF.preamble),
            closing=self.optional(node, FGF.closing),
            deadlines=self.each(node, FGF.hasDeadline, self.deadline),
            sections=self.parts(node, "section", self.section),
            front=self.each(node, FGF.frontMatter, self.block),
            back=self.each(node, FGF.backMatter, self.block),
            tail=self.text(node, FGF.tail),
            lead_by_position=self.flag(node, FGF.leadByPosition),
            standing=self.each(node, FGF.standing, self.standing),
        )


def from_graph(graph: Graph, base: str = DEFAULT_BASE) -> Plan:
    """The plan a graph describes (the inverse of `to_graph`).

    The plan is the one `eli:LegalResource` under `{base}/doc/`. Raises `ExportError` when there
    is none, several, or a node lacks what the model requires.
    """
    prefix = check_base(base) + "/doc/"
    plans = sorted(
        node
        for node in graph.subjects(RDF.type, ELI.LegalResource)
        if isinstance(node, URIRef) and node.startswith(prefix)
    )
    if len(plans) != 1:
        raise ExportError(
            f"expected one plan (eli:LegalResource) under {prefix}, found {len(plans)}"
        )
    try:
        return _Reader(graph).plan(plans[0])
    except (ValueError, ArithmeticError) as exc:  # pydantic's ValidationError; bad decimals
        raise ExportError(f"the graph does not describe a valid plan: {exc}") from exc


# --- serialisations ------------------------------------------------------------------------------


@cache
def _context_text() -> str:
    return (resources.files("fgf_opendata") / "data" / "context.jsonld").read_text("utf-8")


def jsonld_context() -> dict[str, Any]:
    """A JSON-LD `@context` with the project's prefixes (packaged as `data/context.jsonld`),
    to compact the expanded JSON-LD files with a JSON-LD processor, e.g. pyld's
    `jsonld.compact(document, {"@context": jsonld_context()})`."""
    return cast(dict[str, Any], json.loads(_context_text())["@context"])


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


def prefixed_name(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """`prefix:local` for an IRI whose namespace (up to its last / or #) is in `prefixes`
    (prefix -> namespace), else None."""
    namespace, local = _split(iri)
    for prefix, candidate in prefixes.items():
        if candidate == namespace and local:
            return f"{prefix}:{local}"
    return None


def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term, language=term.language)
        if term.datatype:
            return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise ExportError(f"{term!r} is not an RDF term that can be serialised")


def _ox_rows(triples: Iterable[Triple]) -> list[ox.Triple]:
    """The triples (rdflib terms, or literals from `_plain_literal`) as oxigraph triples,
    in the order given (`_in_order` sorts them)."""
    term = _converter()
    try:
        return [ox.Triple(term(s), term(p), term(o)) for s, p, o in triples]
    except ValueError as error:
        raise ExportError(f"cannot serialise the graph: {error}") from None


def _converter() -> Callable[[Any], Any]:
    """rdflib terms and `_Lit`s to oxigraph terms; each distinct IRI (datatypes included) is
    converted once: subjects, predicates and classes recur many times."""
    iris: dict[Node | str, ox.NamedNode] = {}

    def named(iri: Any) -> ox.NamedNode:
        found = iris.get(iri)
        if found is None:
            found = iris[iri] = ox.NamedNode(iri)
        return found

    def term(node: Any) -> Any:
        found = iris.get(node)  # most terms are IRIs seen before: one lookup
        if found is not None:
            return found
        kind = type(node)
        if kind is URIRef:
            return named(node)
        if kind is _Lit:
            if node.language is not None:
                return ox.Literal(node.lexical, language=node.language)
            if node.datatype is not None:
                return ox.Literal(node.lexical, datatype=named(node.datatype))
            return ox.Literal(node.lexical)
        return _ox_term(node)

    return term


_Groups = dict[Node, list[Any]]
"""Subject -> its predicates and objects, flat: [p1, o1, p2, o2, ...] (a tuple per triple
would cost four times the memory of the two references)."""


def _grouper(groups: _Groups) -> Callable[[Triple], None]:
    """An `add` that puts each triple into `groups`, in the order given."""

    def add(triple: Triple) -> None:
        subject, predicate, value = triple
        group = groups.get(subject)
        if group is None:
            groups[subject] = [predicate, value]
        else:
            group += (predicate, value)

    return add


def _by_subject(triples: Iterable[Triple]) -> _Groups:
    groups: _Groups = {}
    add = _grouper(groups)
    for triple in triples:
        add(triple)
    return groups


def _in_order(groups: _Groups) -> Iterator[ox.Triple]:
    """The triples of the groups (`_grouper`), without duplicates, as oxigraph triples in
    N-Triples order, consuming the groups.

    N-Triples order is the order of the lines `<s> <p> o .`; since no subject's N-Triples form
    is a proper prefix of another's (an IRI ends at its `>`, a blank node label before a
    space), it is the order of the subjects' forms, then of the lines within each subject.
    So only the subjects are sorted as a whole, and each subject's triples become oxigraph
    triples (each holding copies of its three terms) only when their turn comes: a plan of
    100,000 tasks has some five million triples, which would not fit in memory at once.
    """
    term = _converter()
    try:
        subjects = sorted(groups, key=lambda subject: str(term(subject)))
        for subject in subjects:
            node = term(subject)
            flat = groups.pop(subject)
            rows = [
                ox.Triple(node, term(p), term(o))
                for p, o in dict.fromkeys(zip(flat[::2], flat[1::2], strict=True))
            ]
            rows.sort(key=str)
            yield from rows
    except ValueError as error:
        raise ExportError(f"cannot serialise the graph: {error}") from None


def _serialize(
    rows: Iterable[ox.Triple] | Iterable[ox.Quad],
    format: ox.RdfFormat,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Triples (`_ox_rows`, `_in_order`) through oxigraph's serializer for `format`.

    Written into a `BytesIO`, whose bytes `getvalue` hands over without a copy: the bytes oxigraph
    returns itself are copied out of its buffer, twice the file (600 MB of JSON-LD for a plan of
    100,000 tasks) at once."""
    out = io.BytesIO()
    ox.serialize(rows, out, format=format, prefixes=dict(prefixes or {}))
    return out.getvalue()


def serialize_turtle(graph: Graph) -> bytes:
    """Turtle, UTF-8: one block per subject, sorted; the graph's bound prefixes are used."""
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    return _serialize(_in_order(_by_subject(graph)), ox.RdfFormat.TURTLE, prefixes)


def serialize_jsonld(graph: Graph) -> bytes:
    """Compacted JSON-LD 1.1, UTF-8 (`jsonld.jsonld_chunks`): one node object per subject, in
    the N-Triples order of the subjects, the graph's bound prefixes as its embedded context,
    so reading it fetches nothing."""
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    return b"".join(jsonld_chunks(_in_order(_by_subject(graph)), prefixes))


def parse_turtle(data: bytes | str) -> Graph:
    """A graph from Turtle text."""
    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph)
    return graph.parse(data=data, format="turtle")


def _remote_contexts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                items = item if isinstance(item, list) else [item]
                yield from (i for i in items if isinstance(i, str))
                yield from (i["@import"] for i in items if isinstance(i, dict) and "@import" in i)
            yield from _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _remote_contexts(item)


def parse_jsonld(data: bytes | str) -> Graph:
    """A graph from JSON-LD whose context is embedded; a remote context raises `ExportError`
    instead of being fetched."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    document = json.loads(text)
    remote = next(_remote_contexts(document), None)
    if remote is not None:
        raise ExportError(f"JSON-LD names a remote context ({remote}); it is never fetched")
    parsed = Graph(bind_namespaces="none")
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        parsed.parse(data=text, format="json-ld")
    # The parser binds rdflib's own prefixes into its store as well: the graph returned has
    # the project's prefixes and the document's, as `parse_turtle` has.
    graph = Graph(bind_namespaces="none")
    graph += parsed
    context = document.get("@context") if isinstance(document, dict) else None
    declared = {
        prefix: iri
        for prefix, iri in (context.items() if isinstance(context, dict) else ())
        if isinstance(iri, str) and not prefix.startswith("@")
    }
    bind_prefixes(graph, declared)
    return graph


def describe_difference(expected: Graph, actual: Graph, limit: int = 20) -> str:
    """'' when the graphs are isomorphic, else the triples only in one or the other."""
    if isomorphic(expected, actual):
        return ""
    _, only_expected, only_actual = graph_diff(expected, actual)

    def lines(graph: Iterable[tuple[Node, Node, Node]], sign: str) -> list[str]:
        rows = sorted(" ".join(term.n3() for term in triple) for triple in graph)
        return [f"{sign} {row}" for row in rows[:limit]]

    return "\n".join(
        [
            (
                f"{len(only_expected)} triples only in the first graph, "
                f"{len(only_actual)} only in the second:"
            ),
            *lines(only_expected, "-"),
            *lines(only_actual, "+"),
        ]
    )


# --- package outputs -----------------------------------------------------------------------------


def linked_outputs(
    plan: Plan,
    registry: Registry | None,
    files: Mapping[str, bytes | None],
    *,
    base: str = DEFAULT_BASE,
) -> dict[str, bytes]:
    """The RDF files of a plan's package: the plan graph as Turtle and JSON-LD, and the DCAT
    catalogue that lists them and `files` (the package's other files, datapackage.json aside)
    with their sizes and sha256 checksums (None: a file made later, listed without)."""
    from .catalog import catalog_graph

    base = check_base(base)
    with cycle_collection_paused():
        groups: _Groups = {}
        _, iri = _triples(plan, registry, base, _plain_literal, _grouper(groups))
        turtle = _serialize(_in_order(groups), ox.RdfFormat.TURTLE, _plan_prefixes(iri, base))
        # JSON-LD from the Turtle just written: oxigraph reads it back in the order it was
        # written (that of `_in_order`) with the same terms, faster than converting again.
        prefixes = _plan_prefixes(iri, base)
        jsonld = b"".join(jsonld_chunks(ox.parse(turtle, format=ox.RdfFormat.TURTLE), prefixes))
    outputs = {
        PLAN_TURTLE: turtle,
        PLAN_JSONLD: jsonld,
        PLAN_CONTEXT: dumps(context_document(prefixes)).encode("utf-8"),
    }
    catalog = catalog_graph(plan, {**files, **outputs}, registry=registry, base=base)
    outputs[CATALOG_TURTLE] = serialize_turtle(catalog)
    return outputs
