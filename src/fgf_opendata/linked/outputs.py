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
from ..memory import cycle_collection_paused
from ..model import Plan
from ..publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from ..serialize import dumps
from .catalog import catalog_graph
from .iris import check_base, plan_prefixes
from .jsonld import context_document, jsonld_chunks
from .syntax import Groups, grouper, in_order, plain_literal, serialize_rows, serialize_turtle
from .writer import write_triples

__all__ = ["linked_outputs"]


def linked_outputs(
    plan: Plan,
    registry: Registry | None,
    files: Mapping[str, bytes | None],
    *,
    base: str = BASE_IRI,
) -> dict[str, bytes]:
    """The RDF files of a plan's package: the plan graph as Turtle and JSON-LD, and the DCAT
    catalogue that lists them and `files` (the package's other files, datapackage.json aside)
    with their sizes and sha256 checksums (None: a file made later, listed without)."""
    base = check_base(base)
    with cycle_collection_paused():
        groups: Groups = {}
        _, iri = write_triples(plan, registry, base, plain_literal, grouper(groups))
        turtle = serialize_rows(in_order(groups), ox.RdfFormat.TURTLE, plan_prefixes(iri, base))
        # JSON-LD from the Turtle just written: oxigraph reads it back in the order it was
        # written (that of `in_order`) with the same terms, faster than converting again.
        prefixes = plan_prefixes(iri, base)
        jsonld = b"".join(jsonld_chunks(ox.parse(turtle, format=ox.RdfFormat.TURTLE), prefixes))
    outputs = {
        PLAN_TURTLE: turtle,
        PLAN_JSONLD: jsonld,
        PLAN_CONTEXT: dumps(context_document(prefixes)).encode("utf-8"),
    }
    catalog = catalog_graph(plan, {**files, **outputs}, registry=registry, base=base)
    outputs[CATALOG_TURTLE] = serialize_turtle(catalog)
    return outputs
