"""The linked-data files of a plan's package: the plan graph as Turtle and compacted JSON-LD
(with its context as a file of its own), and the DCAT catalogue that lists every file of the package.

`build` calls `linked_outputs` once per package. The plan's triples go from the writer
straight into oxigraph, grouped by subject, without an rdflib graph in between: on a plan of
100,000 tasks that graph would not fit in memory.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..agencies import Registry
from ..files import FileSet, overlay
from ..memory import cycle_collection_paused
from ..model import Plan
from ..publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from ..serialize import dumps
from .catalog import catalog_graph
from .iris import check_base, plan_prefixes
from .jsonld import context_document, jsonld_chunks
from .syntax import Groups, grouper, in_order, plain_literal, serialize_turtle
from .writer import write_triples

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
    In memory: `write_linked` writes them into a package's `files.FileSet` instead."""
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
    straight from oxigraph's serializer, the JSON-LD piece by piece from the Turtle read back,
    so neither file is ever whole in memory. `files` may be `into` itself (with the files made
    later mapped to None around it)."""
    base = check_base(base)
    with cycle_collection_paused():
        groups: Groups = {}
        _, iri = write_triples(plan, registry, base, plain_literal, grouper(groups))
        prefixes = plan_prefixes(iri, base)
        with into.writer(PLAN_TURTLE) as out:
            # `in_order` empties the groups as it goes: they are gone when the Turtle is.
            ox.serialize(in_order(groups), out, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
        del groups
        # JSON-LD from the Turtle just written: oxigraph reads it back in the order it was
        # written (that of `in_order`) with the same terms, faster than converting again.
        with into.reader(PLAN_TURTLE) as turtle:
            triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
            into.add(PLAN_JSONLD, jsonld_chunks(triples, prefixes))
    into.add(PLAN_CONTEXT, dumps(context_document(prefixes)).encode("utf-8"))
    listed = overlay(into, files) if files is not into else into
    catalog = catalog_graph(plan, listed, registry=registry, base=base)
    into.add(CATALOG_TURTLE, serialize_turtle(catalog))
