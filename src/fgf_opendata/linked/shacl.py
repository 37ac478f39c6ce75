"""SHACL gates: the project's shapes on the plan graph, DCAT-AP 3.0.1 on the catalogue.

Both run pyshacl offline: inference "none" (every class a shape checks is typed in the data),
`owl:imports` never followed, shapes read from files packaged in `data/`. Results come back as
`Finding`s: a Violation is an "error", a Warning a "warning", an Info an "info". A finding's code
is the fragment of the project shape that produced it (`attribution-role`, `deadline-date`), or
for the DCAT-AP shapes, whose property shapes have no IRI, `dcat-ap-` and the constraint
(`dcat-ap-min-count`, `dcat-ap-class`).

pyshacl (0.40) checks a value node against every member of an `sh:or`, in no set order, and
builds a full result for each member it fails, only to throw them away: on the reference plan
that is two thirds of its time (`fsh:provision-without-attribution` has five members, one a
transitive path). `_validate` runs it with `sh:or` checked member by member, in the list's
order, stopping at the first the node conforms to. The results are the same: a node that
conforms to some member gets none, one that conforms to none gets one, and the members'
own results are never reported (SHACL 1.0, 4.6.3). What it skips is a member that could only
raise an error for a malformed shape; the packaged shapes are checked (tests/test_shacl*.py),
and a differential test compares both ways on the reference and on broken graphs.

Why pyshacl and not a faster engine: docs/shacl-engines.md (pyrudof 0.3.35 misses results
SHACL 1.0 requires, on the same broken graphs).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from importlib import resources
from types import ModuleType
from typing import Any, NoReturn

from rdflib import Graph
from rdflib.term import BNode, Node, URIRef

from ..findings import CATALOGUE, Finding, GraphLocation, Severity
from ..memory import cycle_collection_paused
from ..publication import SHAPES_DATA
from .syntax import prefixed_name
from .vocab import SH

__all__ = [
    "DCAT_AP_FILES",
    "SparqlEngineNeeded",
    "check_catalog",
    "check_linked",
    "check_plan_graph",
    "dcat_ap_shapes",
    "import_pyshacl_without_sparql",
    "plan_shapes",
    "report",
]

DCAT_AP_FILES = ("shapes.ttl", "range.ttl", "shapes-recommended.ttl")
"""The DCAT-AP 3.0.1 files `check_catalog` applies, in `data/dcat-ap/`."""

_SEVERITY: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


def _read(*parts: str) -> str:
    return resources.files("fgf_opendata").joinpath("data", *parts).read_text("utf-8")


def _shapes(*files: tuple[str, ...]) -> Graph:
    """The packaged Turtle files as one graph, read by oxigraph (a third of the time of
    rdflib's parser, the same graph: a test compares them), by rdflib where oxigraph refuses.
    The files' prefixes are bound, as rdflib's parser binds them: pyshacl names a shape's
    path by them in its messages ("dcat:bbox", not the whole IRI)."""
    from .rdfload import load_document, one_graph, to_rdflib

    graph = one_graph()
    for parts in files:
        text = _read(*parts)
        loaded = load_document(text.encode("utf-8"), "turtle")
        if loaded is None:
            graph.parse(data=text, format="turtle")
            continue
        triples, prefixes = loaded
        for prefix, namespace in prefixes.items():
            graph.bind(prefix, namespace, override=False)
        to_rdflib(triples, graph)
    return graph


def plan_shapes() -> Graph:
    """The project's shapes for the plan graph (`publication.SHAPES_DATA`)."""
    return _shapes((SHAPES_DATA,))


def dcat_ap_shapes() -> Graph:
    """DCAT-AP 3.0.1 shapes, range and recommended shapes, as one graph."""
    return _shapes(*(("dcat-ap", name) for name in DCAT_AP_FILES))


def check_plan_graph(graph: Graph) -> tuple[Finding, ...]:
    """Findings of the project's shapes on a plan graph (none when it conforms)."""
    return _validate(graph, plan_shapes(), "")


def check_catalog(graph: Graph) -> tuple[Finding, ...]:
    """Findings of DCAT-AP 3.0.1 (shapes + range + recommended) on a catalogue graph."""
    return _validate(graph, dcat_ap_shapes(), "dcat-ap-")


def check_linked(files: Mapping[str, bytes]) -> tuple[Finding, ...]:
    """Gates 3 to 5 of the design notes on a package's RDF files (path -> bytes).

    The plan graph (`linked/plan.ttl`) against the project's shapes, the catalogue
    (`linked/catalog.ttl`) against DCAT-AP 3.0.1, the JSON-LD against the Turtle (isomorphic),
    and, when `plan.json` is given, the plan read back from the graph against it. The files are
    read with oxigraph, and with rdflib's parsers where oxigraph refuses them (`rdfload`).
    Python's cycle collector is paused meanwhile: the graphs are some hundred thousand objects
    that make no cycles, and its full passes over them were a tenth of the gate's time.
    """
    with cycle_collection_paused():
        return _check_linked(files)


def _check_linked(files: Mapping[str, bytes]) -> tuple[Finding, ...]:
    from ..errors import ExportError
    from ..publication import CATALOG_TURTLE, PLAN_JSON, PLAN_JSONLD, PLAN_TURTLE
    from ..serialize import plan_from_json
    from .rdfload import load, one_graph, same_triples, to_rdflib
    from .reader import from_graph
    from .syntax import bind_prefixes, describe_difference, parse_jsonld, parse_turtle

    parsers = {PLAN_TURTLE: parse_turtle, PLAN_JSONLD: parse_jsonld, CATALOG_TURTLE: parse_turtle}
    findings: list[Finding] = []
    triples: dict[str, Any] = {}  # path -> oxigraph's triples, for the files it reads

    def unreadable(path: str, exc: Exception) -> None:
        message = f"{path} does not parse: {exc}".splitlines()[0][:300]
        findings.append(CATALOGUE["linked-file-unreadable"](path, problem=message))

    def graph_of(path: str) -> Graph:
        """The file as an rdflib graph: from oxigraph's triples, else rdflib's parser."""
        if path in triples:
            graph = one_graph()
            bind_prefixes(graph)
            return to_rdflib(triples[path], graph)
        return parsers[path](files[path])

    graphs: dict[str, Graph] = {}
    for path, syntax in (
        (PLAN_TURTLE, "turtle"),
        (PLAN_JSONLD, "json-ld"),
        (CATALOG_TURTLE, "turtle"),
    ):
        if path not in files:
            findings.append(CATALOGUE["linked-file-missing"](path, path=path))
            continue
        loaded = load(files[path], syntax)
        if loaded is not None:
            triples[path] = loaded
            if path != PLAN_JSONLD:  # the JSON-LD's graph is built only when it differs
                graphs[path] = graph_of(path)
            continue
        try:
            graphs[path] = graph_of(path)
        except Exception as exc:  # noqa: BLE001 - rdflib parsers raise IndexError, ... too
            unreadable(path, exc)
    if PLAN_TURTLE in graphs:
        findings.extend(check_plan_graph(graphs[PLAN_TURTLE]))
        if PLAN_JSONLD in graphs or PLAN_JSONLD in triples:
            difference = ""
            if not (
                PLAN_TURTLE in triples
                and PLAN_JSONLD in triples
                and same_triples(triples[PLAN_TURTLE], triples[PLAN_JSONLD])
            ):
                try:
                    jsonld = graphs.get(PLAN_JSONLD) or parsers[PLAN_JSONLD](files[PLAN_JSONLD])
                except Exception as exc:  # noqa: BLE001 - as above
                    unreadable(PLAN_JSONLD, exc)
                else:
                    difference = describe_difference(graphs[PLAN_TURTLE], jsonld, limit=5)
            if difference:
                message = f"{PLAN_JSONLD} and {PLAN_TURTLE} differ: {difference}"
                findings.append(CATALOGUE["linked-graphs-differ"](PLAN_JSONLD, problem=message))
        if PLAN_JSON in files:
            try:
                same = from_graph(graphs[PLAN_TURTLE]) == plan_from_json(files[PLAN_JSON])
                problem = "" if same else "it describes another plan than plan.json"
            except (ValueError, ExportError) as exc:
                problem = str(exc)
            if problem:
                message = f"the plan cannot be read back from {PLAN_TURTLE}: {problem}"
                findings.append(CATALOGUE["linked-plan-mismatch"](PLAN_TURTLE, problem=message))
    if CATALOG_TURTLE in graphs:
        findings.extend(check_catalog(graphs[CATALOG_TURTLE]))
    return tuple(findings)


# --- pyshacl without rdflib's SPARQL engine, for a process that ends with the gate ------------

_SPARQL_NAMES = {
    "rdflib.plugins.sparql.operators": ("register_custom_function", "unregister_custom_function"),
    "rdflib.plugins.sparql.sparql": ("Query", "Update", "SPARQLError"),
}
"""What pyshacl 0.40 imports from rdflib's SPARQL engine when it is imported: the functions
that register a SHACL-AF function (`sh:SPARQLFunction`, advanced mode only), the classes its
pyoxigraph store wrapper tests queries against, and the error a SHACL-AF function raises."""


class SparqlEngineNeeded(BaseException):
    """pyshacl, imported by `import_pyshacl_without_sparql`, reached for one of the names of
    rdflib's SPARQL engine it was given a stand-in for. A `BaseException`, so that no
    `except Exception` of pyshacl's turns it into a different report: the process fails."""


class _StandIn:
    """In place of one of `_SPARQL_NAMES`: any use (a call, `isinstance`, an attribute)
    raises `SparqlEngineNeeded`."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _needed(self, *args: object, **kwargs: object) -> NoReturn:
        raise SparqlEngineNeeded(f"pyshacl used {self._name}")

    __call__ = _needed
    __instancecheck__ = _needed
    __subclasscheck__ = _needed

    def __getattr__(self, attribute: str) -> NoReturn:
        self._needed()


def import_pyshacl_without_sparql() -> None:
    """Imports pyshacl without rdflib's SPARQL engine (`rdflib.plugins.sparql`), for a process
    that ends once the gate is done: the forked child of `tabular.gates.validate_package`.

    pyshacl imports that engine when it is imported, only to bind the names in `_SPARQL_NAMES`;
    the engine builds its grammar with pyparsing and scans the installed packages' entry points
    at import: 0.08 s of the 0.11 s that `import pyshacl` takes, on the critical path of
    `fgf validate`. The gates use none of those names: no SHACL-AF (`advanced=False`), rdflib
    graphs, no `sh:sparql` in the packaged shapes (which would load the real engine anyway:
    the stand-ins are in `sys.modules` only while pyshacl is imported). pyshacl keeps the
    stand-ins for the rest of the process, and any use of one raises `SparqlEngineNeeded`: the
    child fails and `forked.Pending.result` runs the gate again in the parent, with pyshacl as
    it comes. Does nothing when pyshacl or the engine is imported already."""
    if "pyshacl" in sys.modules or "rdflib.plugins.sparql" in sys.modules:
        return
    stand_ins: dict[str, ModuleType] = {}
    for name, names in _SPARQL_NAMES.items():
        module = stand_ins[name] = ModuleType(name, "a stand-in: see fgf's linked.shacl")
        for attribute in names:
            setattr(module, attribute, _StandIn(f"{name}.{attribute}"))
    sys.modules.update(stand_ins)
    try:
        import pyshacl  # noqa: F401 - imported for the rest of the process
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


@contextmanager
def _quicker_pyshacl() -> Iterator[None]:
    """pyshacl, while the block runs, with some of its hot spots changed and its results not:
    `sh:or` checks members in order and stops at the first the value node conforms to (see the
    module's docstring), and a shape's constraint parameters are looked up in a set rather
    than a list of forty IRIs (two thirds of a million `URIRef.__eq__` calls on the reference
    plan), and the text form of each result (`make_v_result_description`, for the text report
    that `report` throws away; a tenth of the time, mostly for the results of `sh:not` and
    `sh:or` members that are never reported) is left empty. A shape builds each of its
    constraint components once (`_Components`) rather than every time it validates a value
    node of another shape's (pyshacl reads a `sh:in` list and the cardinalities from the shapes
    graph anew each time: a fifth of the time on the reference plan); the components keep
    nothing of an evaluation. A shape's text (`str`, which pyshacl's debug messages ask for
    on every validation, logged or not) is made once per shape, and so is the list of its
    predicates and objects in the shapes graph, which pyshacl searches for constraint
    parameters on every validation (the shapes graph does not change while pyshacl runs:
    no rules, no inference, no `owl:imports`). The report graph is the same. A pyshacl
    without what this replaces is left as it is: slower, as right."""
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
    from pyshacl.shapes_graph import ShapesGraph

    original = OrConstraintComponent.__dict__.get("_evaluate_or_constraint")
    describe = ConstraintComponent.__dict__.get("make_v_result_description")
    own = (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP)  # what pyshacl caches there
    cached = getattr(shape_module, "CONSTRAINT_PARAMS", own)
    text = shape_module.Shape.__dict__.get("__str__")
    pairs = ShapesGraph.__dict__.get("predicate_objects")
    if original is None or describe is None or text is None or pairs is None or cached != own:
        yield
        return
    texts: dict[int, tuple[Any, str]] = {}
    found_pairs: dict[tuple[int, Any], tuple[Any, tuple[Any, ...]]] = {}

    def shape_text(shape: Any) -> str:
        found = texts.get(id(shape))
        if found is None or found[0] is not shape:  # the shape kept: ids stay its
            found = texts[id(shape)] = (shape, text(shape))
        return found[1]

    def predicate_objects(shapes: Any, node: Any) -> Iterator[Any]:
        found = found_pairs.get((id(shapes), node))
        if found is None or found[0] is not shapes:
            found = found_pairs[id(shapes), node] = (shapes, tuple(pairs(shapes, node)))
        return iter(found[1])

    shape_module.Shape.__str__ = shape_text  # type: ignore[method-assign]
    ShapesGraph.predicate_objects = predicate_objects  # type: ignore[method-assign]
    OrConstraintComponent._evaluate_or_constraint = _first_conforming  # type: ignore[method-assign]
    ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]
    shape_module.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        _ListWithSet(ALL_CONSTRAINT_PARAMETERS),
        _Components(CONSTRAINT_PARAMETERS_MAP),
    )
    try:
        yield
    finally:
        OrConstraintComponent._evaluate_or_constraint = original  # type: ignore[method-assign]
        ConstraintComponent.make_v_result_description = describe  # type: ignore[method-assign]
        shape_module.CONSTRAINT_PARAMS = own  # type: ignore[attr-defined]
        shape_module.Shape.__str__ = text  # type: ignore[method-assign]
        ShapesGraph.predicate_objects = pairs  # type: ignore[method-assign]


class _Components(dict[Any, Any]):
    """pyshacl's map of constraint parameter -> constraint component class, each class standing
    in as a `_BuiltOnce` of it (one per class, as `Shape.validate` tells classes apart by
    identity)."""

    def __init__(self, classes: Mapping[Any, Any]) -> None:
        built: dict[tuple[Any, int], Any] = {}
        once = {cls: _BuiltOnce(cls, built) for cls in set(classes.values())}
        super().__init__({parameter: once[cls] for parameter, cls in classes.items()})


class _BuiltOnce:
    """A constraint component class that builds its component once per shape (the components
    hold their parameters, read from the shapes graph, and nothing else). A component that
    fails to build raises again each time, as pyshacl expects."""

    def __init__(self, cls: Any, built: dict[tuple[Any, int], Any]) -> None:
        self._cls, self._built = cls, built

    def __call__(self, shape: Any) -> Any:
        key = (self._cls, id(shape))
        found = self._built.get(key)
        if found is None or found[0] is not shape:
            found = self._built[key] = (shape, self._cls(shape))  # the shape kept: ids stay its
        return found[1]


def _no_description(self: Any, *args: Any, **kwargs: Any) -> str:
    """The text of a result in pyshacl's text report, which `report` does not read."""
    return ""


class _ListWithSet(list[Any]):
    """A list whose `in` is a set lookup (pyshacl copies and appends to it with js/advanced)."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _first_conforming(
    self: Any, executor: Any, members: Any, data: Graph, focus_value_nodes: Any, path: Any
) -> tuple[bool, list[Any]]:
    """pyshacl 0.40's `OrConstraintComponent._evaluate_or_constraint`, but for the order of
    the members and the stop at the first conforming one (and no debug log of their results)."""
    from pyshacl.errors import ReportableRuntimeError

    shapes = []
    for member in self.shape.sg.graph.items(members):
        if self.shape.sg.is_filtered_out_shape(member):
            continue
        shape = self.shape.get_other_shape(member)
        if not shape:
            raise ReportableRuntimeError(
                "Shape pointed to by sh:or does not exist or is not a well-formed SHACL Shape."
            )
        shapes.append(shape)
    results: list[Any] = []
    if not shapes:
        return False, results
    for focus, value_nodes in focus_value_nodes.items():
        for value in value_nodes:
            if not any(
                shape.validate(executor, data, focus=value, _evaluation_path=path[:])[0]
                for shape in shapes
            ):
                results.append(self.make_v_result(data, focus, value_node=value))
    return bool(results), results


def report(data: Graph, shapes: Graph, *, quicker: bool = True) -> Graph:
    """pyshacl's validation report of `data` against `shapes`, offline; `quicker` (the
    default) runs pyshacl with `_quicker_pyshacl`, False as it comes."""
    from pyshacl import validate

    with _quicker_pyshacl() if quicker else nullcontext():
        _conforms, graph, _text = validate(
            data,
            shacl_graph=shapes,
            ont_graph=None,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            js=False,
            do_owl_imports=False,
        )
    assert isinstance(graph, Graph)
    return graph


def _validate(data: Graph, shapes: Graph, prefix: str) -> tuple[Finding, ...]:
    return tuple(sorted(_findings(report(data, shapes), data, prefix)))


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
        return prefixed_name(node, prefixes) or f"<{node}>"
    if isinstance(node, BNode):
        return "[]"
    return node.n3()


def _findings(report: Graph, data: Graph, prefix: str) -> Iterable[Finding]:
    for result in report.subjects(SH.resultSeverity, None):
        level = report.value(result, SH.resultSeverity)
        severity: Severity = _SEVERITY.get(level, "error") if level is not None else "error"
        shape = report.value(result, SH.sourceShape)
        component = str(report.value(result, SH.sourceConstraintComponent) or "")
        if isinstance(shape, URIRef) and "#" in shape and not prefix:
            code = shape.rsplit("#", 1)[1]
        else:
            local = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
            code = prefix + _kebab(local or "constraint")
        focus = report.value(result, SH.focusNode)
        path = _short(report.value(result, SH.resultPath), data)
        value = report.value(result, SH.value)
        message = str(report.value(result, SH.resultMessage) or component)
        detail = " ".join(
            part
            for part in (path, f"value {_short(value, data)}" if value not in (None, focus) else "")
            if part
        )
        yield Finding(
            code,
            severity,
            f"{message} ({detail})" if detail else message,
            GraphLocation(str(focus) if focus is not None else ""),
        )
