"""The linked-data files of a plan's package: the plan graph as Turtle and compacted JSON-LD
(with its context as a file of its own), and the DCAT catalogue that lists every file of the package.

`build` calls `linked_outputs` once per package. The plan's triples go from the writer
straight into oxigraph, grouped by subject, without an rdflib graph in between: on a plan of
100,000 tasks that graph would not fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import pyoxigraph as ox

from ..agencies import Registry
from ..fileset import FileSet, overlay
from ..memory import cycle_collection_paused
from ..model import Plan
from ..publication import BASE_IRI, CATALOG_TURTLE, PLAN_CONTEXT, PLAN_JSONLD, PLAN_TURTLE
from ..serialize import dumps
from .catalog import catalog_graph
from .iris import check_base, plan_prefixes
from .jsonld import context_document, jsonld_chunks
from .syntax import Groups, Triple, grouper, in_order, plain_literal, serialize_turtle
from .writer import write_triples

__all__ = ["linked_outputs", "write_linked"]

_TRIPLES_AT_ONCE = 2_500_000
"""About how many of a plan's triples are grouped in memory at once (some 120 bytes each, 300
MB): a bigger plan's Turtle is written in parts by subject (`_plan_rows`), each part one more
run of the writer (3.5 s for 100,000 tasks)."""
_TRIPLES_PER_NODE = 68
"""About how many triples a section, task or measure brings, its assignments, spans and
deadlines included (68 in benchmarks/scale.py's plans, 121 in the reference plan's)."""


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
    straight from oxigraph's serializer, the JSON-LD piece by piece from the Turtle read back,
    so neither file is ever whole in memory. `files` may be `into` itself (with the files made
    later mapped to None around it)."""
    base = check_base(base)
    with cycle_collection_paused():
        parts = 1 + _nodes(plan) * _TRIPLES_PER_NODE // _TRIPLES_AT_ONCE
        rows, iri = _plan_rows(plan, registry, base, parts)
        prefixes = plan_prefixes(iri, base)
        with into.writer(PLAN_TURTLE) as out:
            ox.serialize(rows, out, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
        # JSON-LD from the Turtle just written: oxigraph reads it back in the order it was
        # written (that of `in_order`) with the same terms, faster than converting again.
        with into.reader(PLAN_TURTLE) as turtle:
            triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
            into.add(PLAN_JSONLD, jsonld_chunks(triples, prefixes))
    into.add(PLAN_CONTEXT, dumps(context_document(prefixes)).encode("utf-8"))
    listed = overlay(into, files) if files is not into else into
    catalog = catalog_graph(plan, listed, registry=registry, base=base)
    into.add(CATALOG_TURTLE, serialize_turtle(catalog))


def _keeper(
    add: Callable[[Triple], None], low: str | None, high: str | None
) -> Callable[[Triple], None]:
    """An `add` that keeps the triples whose subject's N-Triples form is in [low, high)."""

    def keep(triple: Triple) -> None:
        key = f"<{triple[0]}>"
        if (low is None or low <= key) and (high is None or key < high):
            add(triple)

    return keep


def _nodes(plan: Plan) -> int:
    return sum(1 + len(s.tasks) + sum(len(t.measures) for t in s.tasks) for s in plan.sections)


def _plan_rows(
    plan: Plan, registry: Registry | None, base: str, parts: int
) -> tuple[Iterator[ox.Triple], str]:
    """The plan's triples in N-Triples order (`syntax.in_order`), and the plan's IRI.

    Grouped by subject, the triples of a plan of 100,000 tasks take 550 MB, more than the plan
    itself. With `parts` above 1 the writer runs once for the subjects, which are cut into
    `parts` ranges of their N-Triples order, and once more for each range, keeping only its
    subjects' triples: a few seconds more, and a `parts`-th of the memory. The subjects are IRIs
    (the writer makes no blank nodes), whose N-Triples form is `<iri>`."""
    if parts <= 1:
        groups: Groups = {}
        _, iri = write_triples(plan, registry, base, plain_literal, grouper(groups))
        return in_order(groups), iri
    subjects: set[object] = set()
    _, iri = write_triples(plan, registry, base, plain_literal, lambda t: subjects.add(t[0]))
    keys = sorted(f"<{subject}>" for subject in subjects)
    subjects.clear()
    cuts = [keys[len(keys) * k // parts] for k in range(1, parts)]
    keys.clear()

    def rows() -> Iterator[ox.Triple]:
        for low, high in zip([None, *cuts], [*cuts, None], strict=True):
            groups: Groups = {}
            write_triples(plan, registry, base, plain_literal, _keeper(grouper(groups), low, high))
            yield from in_order(groups)

    return rows(), iri
