"""The linked-data files of a plan's package: the plan graph as Turtle and compacted JSON-LD
(with its context as a file of its own), and the DCAT catalogue that lists every file of the package.

`build` calls `linked_outputs` once per package. The plan's triples go from the writer
straight into oxigraph's Turtle serializer and into the JSON-LD, subject by subject in
N-Triples order, without rdflib, and without all of them grouped at once: the writer
writes the plan by units (the plan, each subdivision, the agents and roles it cites), and
`syntax.units_in_order` writes each unit only when its subjects come up. On a plan of
100,000 tasks (6.7 million triples) a few units are in memory at a time. `triple_units`
cuts the writer's triples into those units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import chain, starmap

import pyoxigraph as ox

from ..agencies import Registry, default_registry
from ..errors import ExportError
from ..fileset import FileSet, overlay
from ..memory import cycle_collection_paused
from ..model import Plan
from ..publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from ..serialize import dumps
from .catalog import catalog_turtle
from .iris import check_base, plan_prefixes
from .jsonld import NodeWriter, context_document
from .syntax import Add, Row, Triple, Unit, units_in_order
from .writer import PlanWriter

__all__ = ["linked_outputs", "triple_units", "write_linked"]


def linked_outputs(
    plan: Plan,
    registry: Registry | None,
    files: Mapping[str, bytes | None],
    *,
    base: str = BASE_IRI,
) -> dict[str, bytes]:
    """The RDF files of a plan's package: the plan graph as Turtle and JSON-LD, and the DCAT
    catalogue that lists them and `files` (the package's other files, datapackage.json aside)
    with their sizes and sha256 checksums (None: a file made later, listed without).
    In memory: `write_linked` writes them into a package's `fileset.FileSet` instead."""
    made = FileSet()
    write_linked(plan, registry, files, made, base=base)
    return dict(made.items())


def write_linked(
    plan: Plan,
    registry: Registry | None,
    files: Mapping[str, bytes | None],
    into: FileSet,
    *,
    base: str = BASE_IRI,
) -> None:
    """Writes the files of `linked_outputs` into `into`, each as it is made: the Turtle
    through oxigraph's serializer and the JSON-LD beside it (`jsonld.NodeWriter`), node by
    node, from one run of the writer, so neither file is ever whole in memory. `files` may
    be `into` itself (with the files made later mapped to None around it)."""
    base = check_base(base)
    with cycle_collection_paused():
        units, check, iri = triple_units(plan, registry, base)
        prefixes = plan_prefixes(iri, base)
        with into.writer(PLAN_JSONLD) as jsonld, into.writer(PLAN_TURTLE) as turtle:
            document = NodeWriter(jsonld, prefixes)

            def node(subject: str, rows: list[Row]) -> list[ox.Triple]:
                document.node(subject, rows)
                return [triple for _, _, triple in rows]

            triples = chain.from_iterable(starmap(node, units_in_order(units)))
            ox.serialize(triples, turtle, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
            document.close()
        check()
    into.add(PLAN_CONTEXT, dumps(context_document(prefixes)).encode("utf-8"))
    listed = overlay(into, files) if files is not into else into
    into.add(CATALOG_TURTLE, catalog_turtle(plan, listed, registry=registry, base=base))


def triple_units(
    plan: Plan, registry: Registry | None, base: str
) -> tuple[list[Unit], Callable[[], None], str]:
    """The plan's triples by units, so that a unit's triples can be grouped by subject apart
    from the rest: the plan and each subdivision is a unit (its own triples, and `eli:has_part`
    to its subdivisions), whose every subject is its IRI or starts with its IRI and `/`; the
    first unit, whose IRI is "", describes the registry's agents and the roles the plan cites.
    The triples of all units are those of `write_triples`. `check`, once every unit is
    written, raises `ExportError` if a unit cited or linked what the units do not describe
    (a bug). Also the plan's IRI. `base` has been through `check_base`."""
    registry = registry if registry is not None else default_registry()
    writer = PlanWriter(_refuse, plan, registry, base, whole=False)
    writer.cite(plan)
    roles = set(writer.cited.roles)
    described: list[int] = []

    def run(write: Callable[[], None]) -> Callable[[Add], None]:
        def into(add: Add) -> None:
            writer.add = add
            try:
                write()
            finally:
                writer.add = _refuse

        return into

    def cited() -> None:
        writer.cited.describe(writer.add, writer.lit)
        described.append(len(writer.cited.iris))

    units: list[Unit] = [("", run(cited))]
    units.extend((str(node), run(write)) for node, write in writer.units(plan))

    def check() -> None:
        linked = {str(node) for node in writer.linked}
        if (
            described != [len(writer.cited.iris)]
            or writer.cited.roles != roles
            or len(linked) != len(writer.linked)
            or linked != {iri for iri, _ in units[2:]}
        ):
            raise ExportError("the plan's triples by units differ from its triples: a bug")

    return units, check, writer.plan_iri


def _refuse(triple: Triple) -> None:
    raise ExportError(f"a triple written outside a unit: {triple}")
