"""The linked-data files of a plan's package: the plan graph as Turtle and compacted JSON-LD
(with its context as a file of its own), and the DCAT catalogue that lists every file of the package.

`build` calls `linked_outputs` once per package. The plan's triples go from the writer
straight into oxigraph's Turtle serializer and into the JSON-LD, subject by subject in
N-Triples order, without an rdflib graph, and without all of them grouped at once: the writer
writes the plan by units (the plan, each subdivision, the agents and roles it cites), and
`syntax.units_in_order` writes each unit only when its subjects come up. On a plan of
100,000 tasks (4.8 million triples) a few units are in memory at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, starmap

import pyoxigraph as ox

from ..agencies import Registry
from ..fileset import FileSet, overlay
from ..memory import cycle_collection_paused
from ..model import Plan
from ..publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from ..serialize import dumps
from .catalog import catalog_graph
from .iris import check_base, plan_prefixes
from .jsonld import NodeWriter, context_document
from .syntax import Row, plain_literal, serialize_turtle, units_in_order
from .writer import triple_units

__all__ = ["linked_outputs", "write_linked"]


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
        units, check, iri = triple_units(plan, registry, base, plain_literal)
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
    catalog = catalog_graph(plan, listed, registry=registry, base=base)
    into.add(CATALOG_TURTLE, serialize_turtle(catalog))
