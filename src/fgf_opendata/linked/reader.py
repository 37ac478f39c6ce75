"""RDF -> Plan: `from_graph` reads back what `writer.to_graph` writes, so that
`from_graph(to_graph(p)) == p` for every plan.

The reader follows links from the plan's node, never the shape of IRIs, and names every term
as the writer does (`terms`). A node that lacks what the model requires raises `ExportError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar, cast, get_args

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import ExportError
from ..model import (
    Assignment,
    Block,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Precision,
    Responsibility,
    Section,
    Span,
    Target,
    Task,
    UnitCode,
)
from ..publication import BASE_IRI
from .iris import documents_iri
from .terms import (
    DCAT,
    DCT,
    ELI,
    FGF,
    OA,
    PROV,
    RDF,
    RDFS,
    SDO,
    TIME,
    XSD,
)
from .vocab import BLOCK_KINDS, COMPARATOR_PROPERTIES, RECURRENCES, ROLES, SUBDIVISION_TYPES

__all__ = ["from_graph"]

_ROLE_OF = {iri: role for role, iri in ROLES.items()}
_RECURRENCE_OF = {iri: name for name, iri in RECURRENCES.items()}
_BLOCK_KIND_OF = {iri: kind for kind, iri in BLOCK_KINDS.items()}
_T = TypeVar("_T")


class _Reader:
    """Reads a plan back from the triples `to_graph` writes, following links, never IRIs."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        # `rdfload.OneGraphStore` answers a lookup directly (a fifth of the gate's read-back)
        objects_of = getattr(graph.store, "objects_of", None)
        self.objects: Callable[[Node, Node], Iterable[Node]] = objects_of or graph.objects

    def value(self, node: Node, prop: URIRef) -> Node | None:
        """The first object of (node, prop), as `Graph.value` answers, or None."""
        return next(iter(self.objects(node, prop)), None)

    def one(self, node: Node, prop: URIRef) -> Node:
        value = self.value(node, prop)
        if value is None:
            raise ExportError(f"<{node}> has no {prop.n3(self.graph.namespace_manager)}")
        return value

    def text(self, node: Node, prop: URIRef) -> str:
        return str(self.one(node, prop))

    def optional(self, node: Node, prop: URIRef) -> str | None:
        value = self.value(node, prop)
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
        value = self.value(node, prop)
        return None if value is None else Decimal(str(value))

    def ordered(self, node: Node, prop: URIRef) -> list[Node]:
        children = list(self.objects(node, prop))
        return sorted(children, key=lambda child: self.integer(child, SDO.position))

    def each(self, node: Node, prop: URIRef, read: Callable[[Node], _T]) -> tuple[_T, ...]:
        return tuple(read(child) for child in self.ordered(node, prop))

    def parts(self, node: Node, kind: str, read: Callable[[Node], _T]) -> tuple[_T, ...]:
        """The subdivisions of one type under a node, in order."""
        wanted = SUBDIVISION_TYPES[kind]
        children = [
            child
            for child in self.objects(node, ELI.has_part)
            if self.value(child, ELI.type_subdivision) == wanted
        ]
        children.sort(key=lambda child: self.integer(child, SDO.position))
        return tuple(read(child) for child in children)

    def span(self, node: Node) -> Span:
        resource = self.one(node, PROV.wasDerivedFrom)
        for selector in self.objects(resource, OA.hasSelector):
            if OA.TextPositionSelector in self.objects(selector, RDF.type):
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
        precision: Precision = "day"
        if self.value(node, TIME.inXSDgYear) is not None:
            precision = "year"
        elif self.value(node, TIME.inXSDgYearMonth) is not None:
            precision = "month"
        recurrence = self.value(node, FGF.recurrence)
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
            for comparator, prop in COMPARATOR_PROPERTIES.items()
            if (value := self.decimal(node, prop)) is not None
        ]
        if len(bound) != 1:
            raise ExportError(f"<{node}> needs one of schema:value, minValue or maxValue")
        comparator, value = bound[0]
        baseline = self.value(node, FGF.baseline)
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

    def issuer_id(self, plan: Node) -> str | None:
        issuer = self.value(plan, ELI.passed_by)
        return None if issuer is None else self.optional(issuer, DCT.identifier)

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
            span=self.span(node),
        )

    def responsibility(self, owner: Node) -> Responsibility | None:
        statement = self.value(owner, FGF.responsibility)
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
        heading = self.value(node, FGF.measuresHeading)
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
        issued = self.value(node, ELI.date_document)
        return Plan(
            id=self.text(node, DCT.identifier),
            doc_number=self.optional(node, SDO.legislationIdentifier),
            title=self.text(node, DCT.title),
            issuer=self.optional(node, FGF.issuerName),
            issuer_id=self.issuer_id(node),
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


def from_graph(graph: Graph, base: str = BASE_IRI) -> Plan:
    """The plan a graph describes (the inverse of `to_graph`).

    The plan is the one `eli:LegalResource` under `{base}/doc/`. Raises `ExportError` when there
    is none, several, or a node lacks what the model requires.
    """
    prefix = documents_iri(base)
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
