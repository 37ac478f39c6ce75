"""pyshacl as the gate runs it (`_quicker_pyshacl`, data and shapes in `rdfload.OneGraphStore`)
against pyshacl as it comes (rdflib's default `Memory` store).

A differential test: the reference plan graph, and broken copies of a small synthetic plan's
graph generated from the shapes file (not listed by hand): for every node shape, its focus node
untyped, and for every IRI path a shape reachable from it names (its property shapes, the
members of its `sh:or`, `sh:not`, `sh:and`, qualified value shapes), the values missing, one
extra, a value of the wrong datatype and a value of the wrong class. Both runs must give the
same results: focus node, result path, constraint component, source shape, value, message.
The default run checks an even sample of at least 50 broken graphs; `-m slow` checks all.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from fgf_opendata.agencies import Registry
from fgf_opendata.linked.rdfload import OneGraphStore, one_graph
from fgf_opendata.linked.shacl import plan_shapes, report
from fgf_opendata.linked.vocab import RDF, SH
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import Plan
from fgf_opendata.synth import build_plan, random_spec

WRONG_CLASS = URIRef("urn:x:Wrong")
WRONG_NODE = URIRef("urn:x:wrong-class")
ANOTHER = URIRef("urn:x:another")
DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")  # no shape expects one
SAMPLE = 52

Result = tuple[str, ...]


def _path(graph: Graph, node: Node | None) -> str:
    """A result path as text, the same for equal paths however their blank nodes are named."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return str(node)
    for kind in ("inversePath", "oneOrMorePath", "zeroOrMorePath", "zeroOrOnePath"):
        inner = graph.value(node, SH[kind])
        if inner is not None:
            return f"{kind}({_path(graph, inner)})"
    if (node, RDF.first, None) in graph:
        return "/".join(_path(graph, part) for part in Collection(graph, node))
    return "?"


def _term(node: Node | None) -> str:
    return "[]" if isinstance(node, BNode) else (node.n3() if node is not None else "")


def results(graph: Graph) -> list[Result]:
    rows = []
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            (
                _term(graph.value(result, SH.focusNode)),
                _path(graph, graph.value(result, SH.resultPath)),
                _term(graph.value(result, SH.sourceConstraintComponent)),
                _term(graph.value(result, SH.sourceShape)),
                _term(graph.value(result, SH.value)),
                str(graph.value(result, SH.resultMessage)),
            )
        )
    return sorted(rows)


def _targets(shapes: Graph, shape: Node, data: Graph) -> list[Node]:
    nodes: set[Node] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        nodes.update(data.subjects(RDF.type, cls))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, predicate))
    return sorted(nodes, key=str)


def _paths(shapes: Graph, shape: Node) -> Iterator[Node]:
    """Every path of `shape` and the shapes it reaches (property shapes, logical members,
    qualified value shapes), each once, in the order of a walk from `shape`."""
    seen: set[Node] = set()
    todo = [shape]
    while todo:
        node = todo.pop(0)
        if node in seen:
            continue
        seen.add(node)
        path = shapes.value(node, SH.path)
        if path is not None:
            yield path
        todo.extend(shapes.objects(node, SH.property))
        todo.extend(shapes.objects(node, SH["not"]))
        todo.extend(shapes.objects(node, SH.qualifiedValueShape))
        for logical in (SH["or"], SH["and"]):
            for members in shapes.objects(node, logical):
                todo.extend(Collection(shapes, members))


Pattern = tuple[Node | None, Node | None, Node | None]


@dataclass(frozen=True)
class Breakage:
    """A named edit of a graph: triples removed (patterns), then triples added."""

    name: str
    remove: tuple[Pattern, ...]
    add: tuple[tuple[Node, Node, Node], ...]

    def apply(self, data: Graph, graph: Graph | None = None) -> Graph:
        """The edit on a copy of `data` in `graph` (an empty one; None: rdflib's default)."""
        graph = Graph(bind_namespaces="none") if graph is None else graph
        graph.addN((s, p, o, graph) for s, p, o in data)
        for pattern in self.remove:
            graph.remove(pattern)
        for triple in self.add:
            graph.add(triple)
        return graph


def breakages(data: Graph, shapes: Graph) -> Iterator[Breakage]:
    """Ways to break `data`, generated from `shapes` (see the module's docstring)."""
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        focus_nodes = _targets(shapes, shape, data)
        if not focus_nodes:
            continue
        focus = focus_nodes[len(focus_nodes) // 2]
        name = str(shape).rsplit("#", 1)[-1]
        if shapes.value(shape, SH["class"]) is not None:
            yield Breakage(
                f"{name}: focus of the wrong class",
                ((focus, RDF.type, None),),
                ((focus, RDF.type, WRONG_CLASS),),
            )
        for path in _paths(shapes, shape):
            yield from _broken_values(data, name, focus, path, shapes)


def _broken_values(
    data: Graph, name: str, focus: Node, path: Node, shapes: Graph
) -> Iterator[Breakage]:
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        yield Breakage(f"{name}: ^{inverse} extra", (), ((ANOTHER, inverse, focus),))
        return
    if not isinstance(path, URIRef):
        return  # a transitive or sequence path: broken by breaking the IRI paths it follows
    values = sorted(data.objects(focus, path), key=str)
    label = f"{name}: {path}"
    all_values = ((focus, path, None),)
    yield Breakage(f"{label} missing", all_values, ())
    first = values[0] if values else None
    if isinstance(first, Literal):
        with warnings.catch_warnings():  # "false0" is an ill-typed boolean, as intended
            warnings.simplefilter("ignore")
            extra = Literal(f"{first}0", lang=first.language, datatype=first.datatype)
        yield Breakage(f"{label} extra", (), ((focus, path, extra),))
    else:
        other = URIRef(f"{first or focus}-extra")
        added = ((focus, path, other), (other, RDF.type, WRONG_CLASS))
        yield Breakage(f"{label} extra", (), added)
    wrong = Literal("P1D", datatype=DURATION)
    yield Breakage(f"{label} wrong datatype", all_values, ((focus, path, wrong),))
    added = ((focus, path, WRONG_NODE), (WRONG_NODE, RDF.type, WRONG_CLASS))
    yield Breakage(f"{label} wrong class", all_values, added)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    shapes = plan_shapes()
    assert isinstance(shapes.store, OneGraphStore)
    return shapes


def _in_memory(graph: Graph) -> Graph:
    """A copy of `graph` in rdflib's default store, its prefixes with it."""
    copy = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


def _in_one_graph(graph: Graph) -> Graph:
    copy = one_graph()
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


@pytest.fixture(scope="module")
def small_graph(registry: Registry) -> Graph:
    # Seed 1 at a tenth of the reference's size reaches every shape's targets (asserted below).
    plan = build_plan(random_spec(random.Random(1), registry, size=0.1), registry)
    return to_graph(plan, registry)


def test_the_breakages_reach_every_shape(small_graph: Graph, shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert all(_targets(shapes, shape, small_graph) for shape in node_shapes)
    broken = list(breakages(small_graph, shapes))
    assert len(broken) >= 200
    assert {b.name.split(":")[0] for b in broken} == {
        str(shape).rsplit("#", 1)[-1] for shape in node_shapes
    }


def test_the_reference_graph_alike(reference_plan: Plan, registry: Registry, shapes: Graph) -> None:
    graph = to_graph(reference_plan, registry)
    quick = results(report(_in_one_graph(graph), shapes))
    assert quick == results(report(graph, _in_memory(shapes), quicker=False)) == []


def test_the_broken_graphs_alike(small_graph: Graph, shapes: Graph) -> None:
    broken = list(breakages(small_graph, shapes))
    _assert_alike(small_graph, broken[:: len(broken) // SAMPLE][:SAMPLE], shapes)


@pytest.mark.slow
def test_every_broken_graph_alike(small_graph: Graph, shapes: Graph) -> None:
    _assert_alike(small_graph, list(breakages(small_graph, shapes)), shapes)


def _assert_alike(data: Graph, broken: list[Breakage], shapes: Graph) -> None:
    assert len(broken) >= 50
    violated = 0
    as_it_comes = _in_memory(shapes)
    for breakage in broken:
        graph = breakage.apply(data)
        quick = results(report(breakage.apply(data, one_graph()), shapes))
        plain = results(report(graph, as_it_comes, quicker=False))
        assert quick == plain, breakage.name
        violated += bool(plain)
    # Most breakages violate a shape: the comparison is not between two empty reports.
    assert violated >= 0.6 * len(broken)


def test_pyshacl_is_restored_after_a_run(small_graph: Graph, shapes: Graph) -> None:
    import pyshacl.shape
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
    from pyshacl.shapes_graph import ShapesGraph

    before = OrConstraintComponent._evaluate_or_constraint
    describe = ConstraintComponent.make_v_result_description
    text, pairs = pyshacl.shape.Shape.__str__, ShapesGraph.predicate_objects
    report(small_graph, shapes)
    assert OrConstraintComponent._evaluate_or_constraint is before
    assert ConstraintComponent.make_v_result_description is describe
    assert pyshacl.shape.Shape.__str__ is text
    assert ShapesGraph.predicate_objects is pairs
    assert type(pyshacl.shape.CONSTRAINT_PARAMS[0]) is list  # type: ignore[attr-defined]
    assert type(pyshacl.shape.CONSTRAINT_PARAMS[1]) is dict  # type: ignore[attr-defined]


def test_a_shape_builds_each_constraint_component_once(
    small_graph: Graph, shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyshacl as it comes builds a shape's components for every value node it validates
    # against the shape (the `sh:in` of a role: once per attribution); the gate, once a shape.
    from pyshacl.constraints.core.other_constraints import InConstraintComponent

    built: list[int] = []
    init = InConstraintComponent.__init__

    def counted(self: InConstraintComponent, shape: object) -> None:
        built.append(id(shape))
        init(self, shape)  # type: ignore[arg-type]

    monkeypatch.setattr(InConstraintComponent, "__init__", counted)
    report(_in_one_graph(small_graph), shapes)
    assert built
    assert len(built) == len(set(built))
    built.clear()
    report(small_graph, _in_memory(shapes), quicker=False)
    assert len(built) > len(set(built))


# --- pyshacl imported without rdflib's SPARQL engine (the forked child of `fgf validate`) -------

_LEAN_RESULTS = """
import json, random, sys
sys.path.insert(0, sys.argv[1])
from fgf_opendata.linked.shacl import import_pyshacl_without_sparql
import_pyshacl_without_sparql()
import pyshacl, test_shacl_quicker as t
from fgf_opendata.agencies import default_registry
from fgf_opendata.linked.rdfload import one_graph
from fgf_opendata.synth import build_plan, random_spec
registry = default_registry()
data = t.to_graph(build_plan(t.random_spec(random.Random(1), registry, size=0.1), registry), registry)
shapes = t.plan_shapes()
broken = list(t.breakages(data, shapes))
found = [t.results(t.report(b.apply(data, one_graph()), shapes)) for b in broken[int(sys.argv[2]):]]
engine = sorted(m for m in sys.modules if m.startswith("rdflib.plugins.sparql") or m == "pyparsing")
print(json.dumps({"engine": engine, "found": found}))
"""


def _lean_results(skip: int) -> dict[str, Any]:
    """`results` of the gate's pyshacl, imported by `import_pyshacl_without_sparql` in a fresh
    interpreter, on the broken graphs from the `skip`-th on; and the SPARQL modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _LEAN_RESULTS, str(Path(__file__).parent), str(skip)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_pyshacl_without_the_sparql_engine_finds_the_same(
    small_graph: Graph, shapes: Graph
) -> None:
    # The child of `fgf validate` imports pyshacl with stand-ins for the names it takes from
    # rdflib's SPARQL engine (`import_pyshacl_without_sparql`); on broken graphs the gate's
    # pyshacl so imported must report what pyshacl as it comes (imported here) reports.
    _assert_lean_alike(small_graph, shapes, SAMPLE)


@pytest.mark.slow
def test_pyshacl_without_the_sparql_engine_finds_the_same_on_every_broken_graph(
    small_graph: Graph, shapes: Graph
) -> None:
    _assert_lean_alike(small_graph, shapes, len(list(breakages(small_graph, shapes))))


def _assert_lean_alike(data: Graph, shapes: Graph, count: int) -> None:
    """The last `count` broken graphs, by the lean pyshacl and by pyshacl as it comes."""
    broken = list(breakages(data, shapes))[-count:]
    lean = _lean_results(len(list(breakages(data, shapes))) - count)
    assert lean["engine"] == []  # neither the engine nor pyparsing was imported
    assert len(lean["found"]) == len(broken) == count
    as_it_comes = _in_memory(shapes)
    for breakage, found in zip(broken, lean["found"], strict=True):
        plain = results(report(breakage.apply(data), as_it_comes, quicker=False))
        assert [tuple(r) for r in found] == plain, breakage.name
    assert sum(bool(found) for found in lean["found"]) >= 0.6 * count


_STAND_INS = """
import sys
from fgf_opendata.linked.shacl import SparqlEngineNeeded, import_pyshacl_without_sparql
import_pyshacl_without_sparql()
from pyshacl import graph_abstraction, validate
from rdflib import Graph
print("rdflib.plugins.sparql" in sys.modules)
try:
    graph_abstraction.register_custom_function("urn:x:f", print)
except SparqlEngineNeeded:
    print("needed")
shapes = Graph().parse(data='''
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:shape> a sh:NodeShape ; sh:targetNode <urn:x:a> ;
    sh:sparql [ sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ?p ?o } }" ] .
''', format="turtle")
conforms, _, _ = validate(Graph(), shacl_graph=shapes)
print(conforms, "rdflib.plugins.sparql" in sys.modules)
"""


def test_the_stand_ins_refuse_and_the_engine_still_loads_when_needed() -> None:
    # A stand-in, used, raises (the forked child then fails and the parent runs the gate with
    # pyshacl as it comes); a shape with `sh:sparql` loads the real engine as usual.
    done = subprocess.run(
        [sys.executable, "-c", _STAND_INS], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["False", "needed", "False", "True"]
