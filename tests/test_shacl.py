"""SHACL gates: the project's shapes on the plan graph, DCAT-AP 3.0.1 on the catalogue."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT
from fgf_opendata.agencies import Registry
from fgf_opendata.findings import Finding
from fgf_opendata.linked.catalog import catalog_graph
from fgf_opendata.linked.outputs import linked_outputs
from fgf_opendata.linked.shacl import (
    DCAT_AP_FILES,
    check_catalog,
    check_linked,
    check_plan_graph,
    dcat_ap_shapes,
    plan_shapes,
)
from fgf_opendata.linked.syntax import parse_turtle, serialize_turtle
from fgf_opendata.linked.vocab import (
    DCAT,
    DCT,
    ELI,
    EU_LANGUAGE,
    FGF,
    OA,
    PROV,
    RDF,
    SDO,
    SH,
    SKOS,
    TIME,
    XSD,
)
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import Plan
from fgf_opendata.publication import BASE_IRI as DEFAULT_BASE
from fgf_opendata.serialize import plan_to_json

PLAN = f"{DEFAULT_BASE}/doc/cn/guobanfa/2021/25"
DATASET = URIRef(f"{DEFAULT_BASE}/dataset/guobanfa-2021-25")


@pytest.fixture(scope="module")
def plan_graph(reference_plan: Plan, registry: Registry) -> Graph:
    return to_graph(reference_plan, registry)


@pytest.fixture(scope="module")
def catalog(reference_plan: Plan, registry: Registry) -> Graph:
    files = {
        "agencies.csv": b"id,name_zh\ngosc,\xe5\x9b\xbd\n",
        "tasks.csv": b"id\ntask_1\n",
        "plan.json": b"{}\n",
        "source/guobanfa-2021-25.txt": "国务院办公厅\n".encode(),
        "linked/plan.ttl": b"",
        "linked/plan.jsonld": b"{}",
    }
    graph = catalog_graph(reference_plan, files, registry=registry)
    return parse_turtle(serialize_turtle(graph))  # what a harvester reads


def copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def errors(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.code, f.where) for f in findings if f.severity == "error"]


def test_the_reference_graph_conforms(plan_graph: Graph) -> None:
    assert check_plan_graph(plan_graph) == ()


def _drop_attributions(graph: Graph) -> str:
    measure = URIRef(PLAN + "/task_5__meas_2")
    graph.remove((measure, PROV.qualifiedAttribution, None))
    return str(measure)


def _role_outside_scheme(graph: Graph) -> str:
    node = URIRef(PLAN + "/task_5__meas_2/resp_1")
    graph.set((node, DCAT.hadRole, URIRef(f"{DEFAULT_BASE}/def/role/boss")))
    return str(node)


def _two_agents(graph: Graph) -> str:
    node = URIRef(PLAN + "/task_5__meas_2/resp_1")
    graph.add((node, PROV.agent, URIRef(f"{DEFAULT_BASE}/agency/mof")))
    return str(node)


def _measure_in_two_tasks(graph: Graph) -> str:
    measure = URIRef(PLAN + "/task_5__meas_2")
    graph.add((measure, ELI.is_part_of, URIRef(PLAN + "/task_6")))
    return str(measure)


def _measure_under_a_section(graph: Graph) -> str:
    measure = URIRef(PLAN + "/task_5__meas_2")
    graph.set((measure, ELI.is_part_of, URIRef(PLAN + "/sec_1")))
    return str(measure)


def _bad_id_local(graph: Graph) -> str:
    task = URIRef(PLAN + "/task_5")
    graph.set((task, ELI.id_local, Literal("任务五")))
    return str(task)


def _duplicate_id_local(graph: Graph) -> str:
    graph.set((URIRef(PLAN + "/task_6"), ELI.id_local, Literal("task_5")))
    return "task_5"


def _deadline_without_date(graph: Graph) -> str:
    deadline = next(iter(graph.objects(URIRef(PLAN + "/task_12__meas_1"), FGF.hasDeadline)))
    graph.remove((deadline, TIME.inXSDDate, None))
    return str(deadline)


def _deadline_with_a_string_date(graph: Graph) -> str:
    deadline = next(iter(graph.objects(URIRef(PLAN + "/task_12__meas_1"), FGF.hasDeadline)))
    graph.set((deadline, TIME.inXSDDate, Literal("2021-12-31")))
    return str(deadline)


def _target_without_value(graph: Graph) -> str:
    target = next(iter(graph.objects(None, FGF.hasTarget)))
    for prop in (SDO.value, SDO.minValue, SDO.maxValue):
        graph.remove((target, prop, None))
    return str(target)


def _target_with_two_units(graph: Graph) -> str:
    target = next(iter(graph.objects(None, FGF.hasTarget)))
    graph.add((target, SDO.unitCode, Literal("MON")))  # no target of the plan counts months
    return str(target)


def _agency_without_english_label(graph: Graph) -> str:
    agency = URIRef(f"{DEFAULT_BASE}/agency/mof")
    for label in list(graph.objects(agency, SKOS.prefLabel)):
        if label.language == "en":  # type: ignore[attr-defined]
            graph.remove((agency, SKOS.prefLabel, label))
    return str(agency)


def _untyped_registry_agent(graph: Graph) -> str:
    agency = URIRef(f"{DEFAULT_BASE}/agency/mof")
    graph.remove((agency, RDF.type, None))
    return str(agency)


def _span_ending_before_it_starts(graph: Graph) -> str:
    selector = URIRef(PLAN + "/task_5/span/position")
    graph.set((selector, OA.start, Literal(10**6, datatype=XSD.nonNegativeInteger)))
    return str(selector)


@pytest.mark.parametrize(
    ("break_graph", "code"),
    [
        (_drop_attributions, "provision-without-attribution"),
        (_role_outside_scheme, "attribution-role"),
        (_two_agents, "attribution-agent"),
        (_measure_in_two_tasks, "subdivision-part-of"),
        (_measure_under_a_section, "measure-part-of-task"),
        (_bad_id_local, "id-local"),
        (_duplicate_id_local, "id-local-unique"),
        (_deadline_without_date, "deadline-date"),
        (_deadline_with_a_string_date, "deadline-date"),
        (_target_without_value, "target-value"),
        (_target_with_two_units, "target-unit"),
        (_agency_without_english_label, "agency-english-label"),
        (_untyped_registry_agent, "named-agent-typed"),
        (_span_ending_before_it_starts, "selector-start"),
    ],
)
def test_a_broken_plan_graph_is_caught(
    plan_graph: Graph, break_graph: Callable[[Graph], str], code: str
) -> None:
    graph = copy(plan_graph)
    where = break_graph(graph)
    found = errors(check_plan_graph(graph))
    assert (code, where) in found, found


def test_findings_carry_a_readable_message(plan_graph: Graph) -> None:
    graph = copy(plan_graph)
    _role_outside_scheme(graph)
    (finding,) = check_plan_graph(graph)
    assert finding.severity == "error"
    assert "role scheme" in finding.message
    assert "dcat:hadRole" in finding.message
    assert "def/role/boss" in finding.message


# --- the catalogue ------------------------------------------------------------------------------

EXPECTED_WARNINGS = {
    ("http://publications.europa.eu/resource/authority/country/CHN", "dcat:bbox"),
    ("http://publications.europa.eu/resource/authority/country/CHN", "dcat:centroid"),
    (f"{DEFAULT_BASE}/catalog", "dct:issued"),
    (f"{DEFAULT_BASE}/catalog", "dct:modified"),
    (f"{DEFAULT_BASE}/publisher", "dct:type"),
}
"""Recommended properties the catalogue leaves out: no honest value without a clock or an
invented geometry (DCAT-AP recommends them; they are Warnings, not Violations)."""


def test_the_catalogue_conforms_to_dcat_ap(catalog: Graph) -> None:
    findings = check_catalog(catalog)
    assert errors(findings) == []
    warnings = {(f.where, f.message.rsplit("(", 1)[1].rstrip(")")) for f in findings}
    assert warnings == EXPECTED_WARNINGS
    assert {f.code for f in findings} == {"dcat-ap-min-count"}


def test_the_catalogue_lists_a_distribution_per_file(catalog: Graph) -> None:
    distributions = set(catalog.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 7  # six files and datapackage.json
    for node in distributions:
        assert catalog.value(node, DCAT.accessURL) is not None
        assert catalog.value(node, DCT.format) is not None
        assert catalog.value(node, DCT.conformsTo) is not None or "source" in str(node)


def _untyped_language(graph: Graph) -> tuple[str, str]:
    graph.remove((EU_LANGUAGE["ZHO"], RDF.type, None))
    return "dcat-ap-class", str(DATASET)


def _dataset_without_title(graph: Graph) -> tuple[str, str]:
    graph.remove((DATASET, DCT.title, None))
    return "dcat-ap-min-count", str(DATASET)


def _size_as_a_string(graph: Graph) -> tuple[str, str]:
    node = URIRef(f"{DATASET}/dist/tasks-csv")
    graph.set((node, DCAT.byteSize, Literal("11")))
    return "dcat-ap-datatype", str(node)


def _distribution_without_access_url(graph: Graph) -> tuple[str, str]:
    node = URIRef(f"{DATASET}/dist/tasks-csv")
    graph.remove((node, DCAT.accessURL, None))
    return "dcat-ap-min-count", str(node)


@pytest.mark.parametrize(
    "break_graph",
    [
        _untyped_language,
        _dataset_without_title,
        _size_as_a_string,
        _distribution_without_access_url,
    ],
)
def test_a_broken_catalogue_is_caught(
    catalog: Graph, break_graph: Callable[[Graph], tuple[str, str]]
) -> None:
    graph = copy(catalog)
    expected = break_graph(graph)
    assert expected in errors(check_catalog(graph))


# sha256 of the upstream files, SEMICeu/DCAT-AP at 7c531da7f154794da620fd0e57a3e8afe0286c0f,
# releases/3.0.1/html/shacl/ (shapes_recommended.ttl there): the packaged copies are byte-exact.
DCAT_AP_SHA256 = {
    "shapes.ttl": "7fe9815e0f32b10f5cbce74fa6ccd0290aae3ef9e5080fb84e2d8093eb984d1d",
    "range.ttl": "24d3bfd0fa17a3d0e877c9ebb91c8174124e5038538e1bf081b2cb679ad0f1b2",
    "shapes-recommended.ttl": "9afbf23f1f56d10d6839259684934137e20506a9aedce0249b619bbc593b9abd",
}


def test_dcat_ap_files_are_the_reference_copies() -> None:
    packaged = ROOT / "src" / "fgf_opendata" / "data" / "dcat-ap"
    assert set(DCAT_AP_FILES) == set(DCAT_AP_SHA256)
    readme = (packaged / "README.md").read_text(encoding="utf-8")
    for name in DCAT_AP_FILES:
        digest = hashlib.sha256((packaged / name).read_bytes()).hexdigest()
        assert digest == DCAT_AP_SHA256[name], name
        assert f"| `{name}` |" in readme, name
        assert f"| `{digest[:16]}` |" in readme, name
    assert (
        "DCAT-AP 3.0.1, © European Union, CC-BY 4.0, https://github.com/SEMICeu/DCAT-AP" in readme
    )


def test_the_shapes_are_the_graphs_rdflib_reads() -> None:
    # `_shapes` reads them with oxigraph; rdflib's parser is the reference.
    from rdflib.compare import isomorphic

    data = ROOT / "src" / "fgf_opendata" / "data"
    by_rdflib = Graph().parse(data / "fgf-shapes.ttl", format="turtle")
    assert isomorphic(plan_shapes(), by_rdflib)
    dcat = Graph()
    for name in DCAT_AP_FILES:
        dcat.parse(data / "dcat-ap" / name, format="turtle")
    assert isomorphic(dcat_ap_shapes(), dcat)
    assert len(dcat_ap_shapes()) == len(dcat) > 1000


def test_shapes_never_import() -> None:
    shapes = dcat_ap_shapes()
    assert (None, URIRef("http://www.w3.org/2002/07/owl#imports"), None) not in shapes
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) > 10


def test_check_linked_runs_every_rdf_gate(reference_plan: Plan, registry: Registry) -> None:
    plan_json = plan_to_json(reference_plan).encode()
    files = {"plan.json": plan_json, "tasks.csv": b"id\n"}
    files.update(linked_outputs(reference_plan, registry, files))
    findings = check_linked(files)
    assert errors(findings) == []
    assert {f.severity for f in findings} == {"warning"}  # the catalogue's recommended ones

    tampered = dict(files)
    tampered["linked/plan.jsonld"] = files["linked/plan.jsonld"].replace("牵头".encode(), b"x", 1)
    other = reference_plan.model_copy(update={"tail": "\n\n"})
    tampered["plan.json"] = plan_to_json(other).encode()
    del tampered["linked/catalog.ttl"]
    codes = {code for code, _ in errors(check_linked(tampered))}
    assert codes == {"linked-graphs-differ", "linked-plan-mismatch", "linked-file-missing"}
    assert errors(check_linked({**files, "linked/plan.ttl": b"@prefix x"})) == [
        ("linked-file-unreadable", "linked/plan.ttl")
    ]
