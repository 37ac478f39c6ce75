"""SHACL gates: the project's shapes on the plan graph, DCAT-AP 3.0.1 on the catalogue.

Both run pyshacl offline: inference "none" (every class a shape checks is typed in the data),
`owl:imports` never followed, shapes read from files packaged in `data/`. Results come back as
`Finding`s: a Violation is an "error", a Warning a "warning", an Info an "info". A finding's code
is the fragment of the project shape that produced it (`attribution-role`, `deadline-date`), or
for the DCAT-AP shapes, whose property shapes have no IRI, `dcat-ap-` and the constraint
(`dcat-ap-min-count`, `dcat-ap-class`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib import resources

from rdflib import Graph
from rdflib.term import BNode, Node, URIRef

from ..findings import CATALOGUE, Finding, Severity
from .syntax import prefixed_name
from .vocab import SH

__all__ = [
    "DCAT_AP_FILES",
    "check_catalog",
    "check_linked",
    "check_plan_graph",
    "dcat_ap_shapes",
    "plan_shapes",
]

DCAT_AP_FILES = ("shapes.ttl", "range.ttl", "shapes-recommended.ttl")
"""The DCAT-AP 3.0.1 files `check_catalog` applies, in `data/dcat-ap/`."""

_SEVERITY: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


def _read(*parts: str) -> str:
    return resources.files("fgf_opendata").joinpath("data", *parts).read_text("utf-8")


def plan_shapes() -> Graph:
    """The project's shapes for the plan graph (`data/fgf-shapes.ttl`)."""
    return Graph(bind_namespaces="none").parse(data=_read("fgf-shapes.ttl"), format="turtle")


def dcat_ap_shapes() -> Graph:
    """DCAT-AP 3.0.1 shapes, range and recommended shapes, as one graph."""
    graph = Graph(bind_namespaces="none")
    for name in DCAT_AP_FILES:
        graph.parse(data=_read("dcat-ap", name), format="turtle")
    return graph


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
    and, when `plan.json` is given, the plan read back from the graph against it.
    """
    from ..errors import ExportError
    from ..publication import CATALOG_TURTLE, PLAN_JSONLD, PLAN_TURTLE
    from ..serialize import plan_from_json
    from .reader import from_graph
    from .syntax import describe_difference, parse_jsonld, parse_turtle

    findings: list[Finding] = []
    graphs: dict[str, Graph] = {}
    for path, parse in (
        (PLAN_TURTLE, parse_turtle),
        (PLAN_JSONLD, parse_jsonld),
        (CATALOG_TURTLE, parse_turtle),
    ):
        if path not in files:
            findings.append(CATALOGUE["linked-file-missing"](path, path=path))
            continue
        try:
            graphs[path] = parse(files[path])
        except Exception as exc:  # noqa: BLE001 - rdflib parsers raise IndexError, ... too
            message = f"{path} does not parse: {exc}".splitlines()[0][:300]
            findings.append(CATALOGUE["linked-file-unreadable"](path, problem=message))
    if PLAN_TURTLE in graphs:
        findings.extend(check_plan_graph(graphs[PLAN_TURTLE]))
        if PLAN_JSONLD in graphs:
            difference = describe_difference(graphs[PLAN_TURTLE], graphs[PLAN_JSONLD], limit=5)
            if difference:
                message = f"{PLAN_JSONLD} and {PLAN_TURTLE} differ: {difference}"
                findings.append(CATALOGUE["linked-graphs-differ"](PLAN_JSONLD, problem=message))
        if "plan.json" in files:
            try:
                same = from_graph(graphs[PLAN_TURTLE]) == plan_from_json(files["plan.json"])
                problem = "" if same else "it describes another plan than plan.json"
            except (ValueError, ExportError) as exc:
                problem = str(exc)
            if problem:
                message = f"the plan cannot be read back from {PLAN_TURTLE}: {problem}"
                findings.append(CATALOGUE["linked-plan-mismatch"](PLAN_TURTLE, problem=message))
    if CATALOG_TURTLE in graphs:
        findings.extend(check_catalog(graphs[CATALOG_TURTLE]))
    return tuple(findings)


def _validate(data: Graph, shapes: Graph, prefix: str) -> tuple[Finding, ...]:
    from pyshacl import validate

    _conforms, report, _text = validate(
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
    assert isinstance(report, Graph)
    return tuple(sorted(_findings(report, data, prefix)))


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
            str(focus) if focus is not None else "",
        )
