"""Plan -> RDF: the triples of every field of a `Plan`.

`to_graph` writes every field of a `Plan` with the vocabularies of the design notes
(`shared/reference/linked-data.md` §3): ELI for the document and its subdivisions, PROV-O
qualified attribution with `dcat:hadRole` for who does what, W3C ORG / CPOV / FOAF for agencies,
OWL-Time for deadlines, schema.org QuantitativeValue for targets and Web Annotation selectors for
source spans. What they cannot say (layout whitespace, the 等 flag, block kinds, ...) uses the
closed `fgf:` vocabulary. `reader.from_graph` reads it all back: `from_graph(to_graph(p)) == p`.

Every node has an IRI (`iris`); there are no blank nodes, so the serialisations are
deterministic. `schema:position` is 1-based everywhere: the printed ordinal of sections, tasks
and measures, the order of blocks, deadlines, targets and of the actors in a responsibility
line (whose model `position` counts from 0). `plan_ntriples` writes canonical N-Triples in the
writer's order without building a graph; `write_triples` hands the triples to any `add`;
`PlanWriter.units` hands them unit by unit (the plan, each subdivision), which is how
`outputs.triple_units` writes the package's files. The agents and roles the plan cites are
described by `agents.CitedAgents`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..agencies import Registry, default_registry
from ..model import (
    Assignment,
    Block,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Responsibility,
    Section,
    Span,
    Target,
    Task,
    UnitCode,
)
from ..publication import BASE_IRI, file_format
from .agents import CitedAgents
from .iris import canonical_decimal, check_base, plan_iri, plan_prefixes, segment
from .names import (
    BLOCK_KINDS,
    COMPARATOR_PROPERTIES,
    DCAT,
    DCT,
    DOCUMENT_TYPE,
    ELI,
    EN,
    EU_LANGUAGE,
    FGF,
    FOAF,
    IANA_MEDIA_TYPE,
    IRI,
    OA,
    PROV,
    QUDT,
    QUDT_UNITS,
    RDF,
    RDFS,
    RECURRENCES,
    ROLES,
    SDO,
    SUBDIVISION_TYPES,
    TIME,
    XSD,
    ZH,
)
from .syntax import Triple, ox_rows, plain_literal, rdflib_graph, serialize_rows

if TYPE_CHECKING:  # `to_graph` makes an rdflib graph; the rest of the writer never loads rdflib
    from rdflib import Graph

__all__ = ["PlanWriter", "plan_ntriples", "to_graph", "write_triples"]


def _printed(assignment: Assignment, resp: Responsibility) -> str:
    """The actor's name as its line prints it, for the span's quote: the line's text at the
    assignment's span; the name as cited when the span is not inside the line (a plan built
    in code with spans of its own)."""
    start = assignment.span.start - resp.span.start
    end = assignment.span.end - resp.span.start
    return resp.text[start:end] if 0 <= start <= end <= len(resp.text) else assignment.agency


_SOURCE_MEDIA_TYPE = file_format(".txt").mediatype
"""The plain-text file the spans point into, as the package lists its source texts."""


class PlanWriter:
    """Adds the triples of one plan to a graph, one `add` per triple.

    IRIs are `names.IRI`s; literals are `syntax.plain_literal`s, which keep the strings
    oxigraph needs for the files (an rdflib literal costs some 3 µs to make and as much to
    convert). `to_graph` turns both into rdflib terms where the triples enter its graph.
    """

    def __init__(
        self,
        add: Callable[[tuple[Any, Any, Any]], object],
        plan: Plan,
        registry: Registry,
        base: str,
        *,
        whole: bool = True,
    ) -> None:
        self.add = add
        self.whole = whole
        self.lit = plain_literal
        self.plan_iri = plan_iri(plan, base)
        self.source = IRI(f"{self.plan_iri}/zho/txt")
        self.cited = CitedAgents(registry, base)
        self.linked: list[IRI] = []

    def zh(self, text: str) -> Any:
        return self.lit(text, lang=ZH)

    def en(self, text: str) -> Any:
        return self.lit(text, lang=EN)

    def count(self, value: int) -> Any:
        return self.lit(value, datatype=XSD.nonNegativeInteger)

    def decimal(self, value: Decimal) -> Any:
        return self.lit(canonical_decimal(value), datatype=XSD.decimal)

    def span(self, node: IRI, span: Span, exact: str) -> None:
        add = self.add
        resource = IRI(f"{node}/span")
        position = IRI(f"{node}/span/position")
        quoted = IRI(f"{node}/span/quote")
        add((node, PROV.wasDerivedFrom, resource))
        add((resource, RDF.type, OA.SpecificResource))
        add((resource, OA.hasSource, self.source))
        add((resource, OA.hasSelector, position))
        add((resource, OA.hasSelector, quoted))
        add((position, RDF.type, OA.TextPositionSelector))
        add((position, OA.start, self.count(span.start)))
        add((position, OA.end, self.count(span.end)))
        add((position, FGF.line, self.lit(span.line)))
        add((quoted, RDF.type, OA.TextQuoteSelector))
        add((quoted, OA.exact, self.lit(exact)))

    def block(self, node: IRI, block: Block, position: int) -> None:
        add = self.add
        add((node, RDF.type, FGF.Block))
        add((node, FGF.blockKind, BLOCK_KINDS[block.kind]))
        add((node, DCT.description, self.zh(block.text)))
        add((node, SDO.position, self.lit(position)))
        add((node, FGF.gap, self.lit(block.gap)))
        self.span(node, block.span, block.text)

    def deadlines(self, owner: IRI, deadlines: tuple[Deadline, ...]) -> None:
        add = self.add
        for i, deadline in enumerate(deadlines, 1):
            node = IRI(f"{owner}/deadline_{i}")
            add((owner, FGF.hasDeadline, node))
            add((node, RDF.type, TIME.Instant))
            add((node, SDO.position, self.lit(i)))
            add((node, RDFS.label, self.zh(deadline.expression)))
            add((node, TIME.inXSDDate, self.lit(deadline.date)))
            date = deadline.date
            if deadline.precision == "year":
                add((node, TIME.inXSDgYear, self.lit(f"{date.year:04d}", datatype=XSD.gYear)))
            elif deadline.precision == "month":
                month = f"{date.year:04d}-{date.month:02d}"
                add((node, TIME.inXSDgYearMonth, self.lit(month, datatype=XSD.gYearMonth)))
            if deadline.recurrence is not None:
                add((node, FGF.recurrence, RECURRENCES[deadline.recurrence]))
            self.span(node, deadline.span, deadline.expression)

    def targets(self, owner: IRI, targets: tuple[Target, ...]) -> None:
        add = self.add
        for i, target in enumerate(targets, 1):
            node = IRI(f"{owner}/target_{i}")
            add((owner, FGF.hasTarget, node))
            add((node, SDO.position, self.lit(i)))
            add((node, RDFS.label, self.zh(target.text)))
            if target.quantity is not None:
                add((node, SDO.name, self.zh(target.quantity)))
            add((node, COMPARATOR_PROPERTIES[target.comparator], self.decimal(target.value)))
            self.unit(node, target.unit, target.unit_text)
            if target.baseline is not None:
                baseline = IRI(f"{node}/baseline")
                add((node, FGF.baseline, baseline))
                add((baseline, SDO.value, self.decimal(target.baseline)))
                self.unit(baseline, target.unit, target.unit_text)
            self.span(node, target.span, target.text)

    def unit(self, node: IRI, code: UnitCode, text: str) -> None:
        add = self.add
        add((node, RDF.type, SDO.QuantitativeValue))
        add((node, SDO.unitCode, self.lit(code)))
        add((node, SDO.unitText, self.lit(text)))
        qudt = QUDT_UNITS.get(code)
        if qudt is not None:
            add((node, QUDT.unit, qudt))

    def responsibility(self, owner: IRI, resp: Responsibility | None) -> None:
        if resp is None:
            return
        add = self.add
        statement = IRI(f"{owner}/responsibility")
        add((owner, FGF.responsibility, statement))
        add((statement, RDF.type, FGF.ResponsibilityStatement))
        add((statement, DCT.description, self.zh(resp.text)))
        add((statement, FGF.openEnded, self.lit(resp.open_ended)))
        add((statement, FGF.gap, self.lit(resp.gap)))
        self.span(statement, resp.span, resp.text)
        for i, assignment in enumerate(resp.assignments, 1):
            self.attribution(owner, IRI(f"{owner}/resp_{i}"), assignment, resp)

    def standing(self, plan: IRI, position: int, resp: Responsibility) -> None:
        """A standing assignment: a statement of its own under the plan, which is also the
        subject of its attributions (they hold for every later item)."""
        add = self.add
        statement = IRI(f"{self.plan_iri}/standing_{position}")
        add((plan, FGF.standing, statement))
        add((statement, RDF.type, FGF.ResponsibilityStatement))
        add((statement, SDO.position, self.lit(position)))
        add((statement, DCT.description, self.zh(resp.text)))
        add((statement, FGF.openEnded, self.lit(resp.open_ended)))
        add((statement, FGF.gap, self.lit(resp.gap)))
        self.span(statement, resp.span, resp.text)
        for i, assignment in enumerate(resp.assignments, 1):
            self.attribution(statement, IRI(f"{statement}/resp_{i}"), assignment, resp)

    def attribution(
        self, owner: IRI, node: IRI, assignment: Assignment, resp: Responsibility
    ) -> None:
        add = self.add
        agent = self.agent(node, assignment)
        add((owner, PROV.qualifiedAttribution, node))
        add((owner, PROV.wasAttributedTo, agent))
        add((node, RDF.type, PROV.Attribution))
        add((node, PROV.agent, agent))
        add((node, DCAT.hadRole, ROLES[assignment.role]))
        self.cited.roles.add(assignment.role)
        add((node, FGF.citedName, self.zh(assignment.agency)))
        add((node, SDO.position, self.lit(assignment.position + 1)))
        self.span(node, assignment.span, _printed(assignment, resp))

    def agent(self, attribution: IRI, assignment: Assignment) -> IRI:
        if assignment.agency_id is not None:
            return self.cited.agent(assignment.agency_id)
        # A name the registry does not know is still an agent, but only of this line.
        node = IRI(f"{attribution}/agent")
        self.add((node, RDF.type, PROV.Agent))
        self.add((node, RDF.type, FOAF.Agent))
        self.add((node, FOAF.name, self.zh(assignment.agency)))
        return node

    def part(self, parent: IRI, node: IRI, write: Callable[[], None]) -> None:
        """A subdivision of `parent`: written here (`whole`), or, by parts, only linked from
        its parent: `units` writes it as a unit of its own."""
        if self.whole:
            write()
        else:
            self.add((parent, ELI.has_part, node))
            self.linked.append(node)

    def subdivision(
        self, node: IRI, parent: IRI, kind: str, ident: str, label: str, position: int
    ) -> None:
        add = self.add
        add((node, RDF.type, ELI.LegalResourceSubdivision))
        add((node, ELI.type_subdivision, SUBDIVISION_TYPES[kind]))
        add((node, ELI.id_local, self.lit(ident)))
        add((node, ELI.is_part_of, parent))
        if self.whole:
            add((parent, ELI.has_part, node))
        add((node, SDO.position, self.lit(position)))
        if label:
            add((node, ELI.number, self.lit(label)))

    def node(self, ident: str) -> IRI:
        return IRI(f"{self.plan_iri}/{segment(ident)}")

    def section(self, plan: IRI, node: IRI, section: Section) -> None:
        self.subdivision(node, plan, "section", section.id, section.label, section.number)
        if section.title:
            self.add((node, DCT.title, self.zh(section.title)))
        self.add((node, FGF.gap, self.lit(section.gap)))
        self.span(node, section.span, section.label + section.title)
        self.paragraphs(node, section.paragraphs)
        for task in section.tasks:
            child = self.node(task.id)
            self.part(node, child, partial(self.task, node, child, task))

    def provision(self, node: IRI, item: Task | Measure | Point | Paragraph, label: str) -> None:
        """What every item that can carry an assignment states, in this order: its text,
        layout, span (over `label` + text), responsibility, deadlines and targets."""
        self.add((node, DCT.description, self.zh(item.text)))
        self.add((node, FGF.gap, self.lit(item.gap)))
        self.span(node, item.span, label + item.text)
        self.responsibility(node, item.responsibility)
        self.deadlines(node, item.deadlines)
        self.targets(node, item.targets)

    def paragraphs(self, parent: IRI, paragraphs: tuple[Paragraph, ...]) -> None:
        for position, paragraph in enumerate(paragraphs, 1):
            node = self.node(paragraph.id)
            self.part(parent, node, partial(self.paragraph, parent, node, paragraph, position))

    def paragraph(self, parent: IRI, node: IRI, paragraph: Paragraph, position: int) -> None:
        self.subdivision(node, parent, "paragraph", paragraph.id, "", position)
        self.provision(node, paragraph, "")

    def point(self, measure: IRI, node: IRI, point: Point) -> None:
        self.subdivision(node, measure, "point", point.id, point.label, point.number)
        self.provision(node, point, point.label)
        self.paragraphs(node, point.paragraphs)

    def task(self, section: IRI, node: IRI, task: Task) -> None:
        add = self.add
        self.subdivision(node, section, "task", task.id, task.label, task.number)
        self.provision(node, task, task.label)
        self.paragraphs(node, task.paragraphs)
        if task.measures_heading is not None:
            heading = IRI(f"{node}/measures_heading")
            add((node, FGF.measuresHeading, heading))
            self.block(heading, task.measures_heading, 1)
        for measure in task.measures:
            child = self.node(measure.id)
            self.part(node, child, partial(self.measure, node, child, measure))

    def measure(self, task: IRI, node: IRI, measure: Measure) -> None:
        self.subdivision(node, task, "measure", measure.id, measure.label, measure.number)
        self.add((node, FGF.numbered, self.lit(measure.numbered)))
        self.provision(node, measure, measure.label)
        self.paragraphs(node, measure.paragraphs)
        for point in measure.points:
            child = self.node(point.id)
            self.part(node, child, partial(self.point, node, child, point))

    def plan(self, plan: Plan) -> None:
        add = self.add
        node = IRI(self.plan_iri)
        expression = IRI(f"{self.plan_iri}/zho")
        add((node, RDF.type, ELI.LegalResource))
        add((node, RDF.type, SDO.Legislation))
        add((node, ELI.type_document, DOCUMENT_TYPE))
        add((node, DCT.identifier, self.lit(plan.id)))
        add((node, DCT.title, self.zh(plan.title)))
        if plan.doc_number is not None:
            add((node, ELI.id_local, self.lit(plan.doc_number)))
            add((node, SDO.legislationIdentifier, self.lit(plan.doc_number)))
        if plan.issued is not None:
            add((node, ELI.date_document, self.lit(plan.issued)))
        if plan.issuer is not None:
            add((node, FGF.issuerName, self.zh(plan.issuer)))
            if plan.issuer_id is not None:
                add((node, ELI.passed_by, self.cited.agent(plan.issuer_id)))
        for prop, text in (
            (FGF.addressees, plan.addressees),
            (FGF.planTitle, plan.plan_title),
            (FGF.preamble, plan.preamble),
            (FGF.closing, plan.closing),
        ):
            if text is not None:
                add((node, prop, self.zh(text)))
        add((node, FGF.tail, self.lit(plan.tail)))
        add((node, FGF.leadByPosition, self.lit(plan.lead_by_position)))
        # The Chinese text (expression) and the plain-text file the spans point into.
        add((node, ELI.is_realized_by, expression))
        add((expression, RDF.type, ELI.LegalExpression))
        add((expression, ELI.realizes, node))
        add((expression, ELI.title, self.zh(plan.title)))
        add((expression, ELI.language, EU_LANGUAGE["ZHO"]))
        add((expression, ELI.is_embodied_by, self.source))
        add((self.source, RDF.type, ELI.Format))
        add((self.source, ELI.embodies, expression))
        add((self.source, ELI.format, IANA_MEDIA_TYPE[_SOURCE_MEDIA_TYPE]))
        for i, block in enumerate(plan.front, 1):
            front = IRI(f"{self.plan_iri}/front_{i}")
            add((node, FGF.frontMatter, front))
            self.block(front, block, i)
        for section in plan.sections:
            child = self.node(section.id)
            self.part(node, child, partial(self.section, node, child, section))
        for i, block in enumerate(plan.back, 1):
            back = IRI(f"{self.plan_iri}/back_{i}")
            add((node, FGF.backMatter, back))
            self.block(back, block, i)
        self.deadlines(node, plan.deadlines)
        for position, resp in enumerate(plan.standing, 1):
            self.standing(node, position, resp)

    def cite(self, plan: Plan) -> None:
        """Notes every registry agent and role the plan cites, as writing it does, without
        writing it: by parts, the agents and roles are described before the rest is written."""
        if plan.issuer is not None and plan.issuer_id is not None:
            self.cited.agent(plan.issuer_id)
        responsibilities = [*plan.standing]
        for item in _provisions(plan):
            if item.responsibility is not None:
                responsibilities.append(item.responsibility)
        for resp in responsibilities:
            for assignment in resp.assignments:
                self.cited.roles.add(assignment.role)
                if assignment.agency_id is not None:
                    self.cited.agent(assignment.agency_id)

    def units(self, plan: Plan) -> Iterator[tuple[IRI, Callable[[], None]]]:
        """By parts (`whole` False): the plan and each of its subdivisions, each with what
        writes it (its own triples and the links to its subdivisions), in writing order."""
        root = IRI(self.plan_iri)
        yield root, partial(self.plan, plan)
        for section in plan.sections:
            node = self.node(section.id)
            yield node, partial(self.section, root, node, section)
            yield from self.paragraph_units(node, section.paragraphs)
            for task in section.tasks:
                task_node = self.node(task.id)
                yield task_node, partial(self.task, node, task_node, task)
                yield from self.paragraph_units(task_node, task.paragraphs)
                for measure in task.measures:
                    measure_node = self.node(measure.id)
                    yield measure_node, partial(self.measure, task_node, measure_node, measure)
                    yield from self.paragraph_units(measure_node, measure.paragraphs)
                    for point in measure.points:
                        point_node = self.node(point.id)
                        yield point_node, partial(self.point, measure_node, point_node, point)
                        yield from self.paragraph_units(point_node, point.paragraphs)

    def paragraph_units(
        self, parent: IRI, paragraphs: tuple[Paragraph, ...]
    ) -> Iterator[tuple[IRI, Callable[[], None]]]:
        for position, paragraph in enumerate(paragraphs, 1):
            node = self.node(paragraph.id)
            yield node, partial(self.paragraph, parent, node, paragraph, position)


def _provisions(plan: Plan) -> Iterator[Task | Measure | Point | Paragraph]:
    for section in plan.sections:
        yield from section.paragraphs
        for task in section.tasks:
            yield task
            yield from task.paragraphs
            for measure in task.measures:
                yield measure
                yield from measure.paragraphs
                for point in measure.points:
                    yield point
                    yield from point.paragraphs


def write_triples(
    plan: Plan,
    registry: Registry | None,
    base: str,
    add: Callable[[Triple], object] | None = None,
) -> tuple[list[Triple], str]:
    """The plan's triples in writing order, duplicates included; and the plan's IRI. `base`
    has been through `check_base`. With `add`, the triples go there instead (the list is empty).
    """
    registry = registry if registry is not None else default_registry()
    triples: list[Triple] = []
    writer = PlanWriter(add or triples.append, plan, registry, base)
    writer.plan(plan)
    writer.cited.describe(writer.add, writer.lit)
    return triples, writer.plan_iri


def _write(plan: Plan, registry: Registry | None, base: str) -> tuple[list[Triple], str]:
    """The plan's triples, duplicates dropped, in writing order; and the plan's IRI. `base`
    has been through `check_base`."""
    triples, iri = write_triples(plan, registry, base)
    return list(dict.fromkeys(triples)), iri


def to_graph(plan: Plan, registry: Registry | None = None, base: str = BASE_IRI) -> Graph:
    """The plan as an RDF graph: every field of the model, IRIs under `base`, no blank nodes.

    `registry` (default: the bundled one) describes the agencies the plan cites: names in
    zh-Hans and en, category, parent body and, for bodies changed since, the change event.
    """
    base = check_base(base)
    triples, iri = _write(plan, registry, base)
    return rdflib_graph(triples, plan_prefixes(iri, base))


def plan_ntriples(plan: Plan, registry: Registry | None = None, base: str = BASE_IRI) -> bytes:
    """The triples of `to_graph(plan)` as canonical N-Triples in writing order, without
    building a graph: what a corpus build streams, plan by plan."""
    triples, _ = _write(plan, registry, check_base(base))
    # Line-based: no subject blocks to group, and the writing order is deterministic already.
    return serialize_rows(ox_rows(triples), ox.RdfFormat.N_TRIPLES)
