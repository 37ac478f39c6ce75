"""The plan as RDF: IRIs, vocabularies, round trips through the graph, Turtle and JSON-LD."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from conftest import NETWORK_GUARD, ROOT
from fgf_opendata.agencies import CATEGORIES, Registry
from fgf_opendata.errors import ExportError
from fgf_opendata.linked.iris import canonical_decimal, plan_iri
from fgf_opendata.linked.outputs import linked_outputs
from fgf_opendata.linked.reader import from_graph
from fgf_opendata.linked.syntax import (
    describe_difference,
    jsonld_context,
    parse_jsonld,
    parse_turtle,
    serialize_jsonld,
    serialize_turtle,
)
from fgf_opendata.linked.vocab import (
    BLOCK_KINDS,
    CV,
    DCAT,
    DCT,
    ELI,
    FGF,
    OA,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    ROLE_LABELS,
    ROLES,
    SDO,
    SKOS,
    SPDX,
    SUBDIVISION_TYPES,
    TIME,
    XSD,
    agency_category,
)
from fgf_opendata.linked.writer import to_graph
from fgf_opendata.model import (
    BlockKind,
    Plan,
    Section,
    Span,
    Target,
    Task,
)
from fgf_opendata.publication import BASE_IRI as DEFAULT_BASE
from strategies import any_plans

PLAN = f"{DEFAULT_BASE}/doc/cn/guobanfa/2021/25"
DATA = ROOT / "src" / "fgf_opendata" / "data"


@pytest.fixture(scope="module")
def graph(reference_plan: Plan, registry: Registry) -> Graph:
    return to_graph(reference_plan, registry)


def subdivisions(graph: Graph, kind: str) -> set[URIRef]:
    return {
        s
        for s in graph.subjects(ELI.type_subdivision, SUBDIVISION_TYPES[kind])
        if isinstance(s, URIRef)
    }


# --- the reference plan ------------------------------------------------------------------------


def test_reference_round_trips_through_the_graph(reference_plan: Plan, graph: Graph) -> None:
    assert from_graph(graph) == reference_plan


def test_reference_counts(graph: Graph) -> None:
    assert len(subdivisions(graph, "section")) == 5
    assert len(subdivisions(graph, "task")) == 25
    assert len(subdivisions(graph, "measure")) == 73
    assert len(set(graph.subjects(RDF.type, PROV.Attribution))) == 383
    assert len(set(graph.objects(None, PROV.qualifiedAttribution))) == 383


def test_every_named_agency_is_an_organisation_with_an_english_label(
    reference_plan: Plan, graph: Graph, registry: Registry
) -> None:
    cited = {
        a.agency_id
        for s in reference_plan.sections
        for t in s.tasks
        for node in (t, *t.measures)
        for a in (node.responsibility.assignments if node.responsibility else ())
    }
    organisations = {i for i in cited if i and registry.get(i).kind == "organisation"}  # type: ignore[union-attr]
    assert len(organisations) > 30
    for agency_id in organisations:
        node = URIRef(f"{DEFAULT_BASE}/agency/{agency_id}")
        for cls in (ORG.Organization, PROV.Agent, URIRef("http://xmlns.com/foaf/0.1/Agent")):
            assert (node, RDF.type, cls) in graph, (agency_id, cls)
        # A people's organisation (中国残联) is an organisation but not a public one.
        public = registry.get(agency_id).category not in ("other", "party-central")  # type: ignore[union-attr]
        assert ((node, RDF.type, CV.PublicOrganisation) in graph) == public, agency_id
        english = [o for o in graph.objects(node, SKOS.prefLabel) if o.language == "en"]  # type: ignore[attr-defined]
        assert len(english) == 1, agency_id
        assert (node, ORG.classification, None) in graph
    # Every agent of an attribution is a registry body or collective in the reference plan.
    foaf_group = URIRef("http://xmlns.com/foaf/0.1/Group")
    for agent in set(graph.objects(None, PROV.agent)):
        assert (agent, RDF.type, PROV.Agent) in graph
        assert graph.value(agent, DCT.identifier) is not None, agent
        kinds = {(agent, RDF.type, c) in graph for c in (ORG.Organization, foaf_group)}
        assert kinds == {True, False}, agent


def test_every_deadline_is_an_instant_with_a_date(graph: Graph) -> None:
    deadlines = set(graph.objects(None, FGF.hasDeadline))
    assert len(deadlines) == 26  # 25 in tasks and measures, 1 in the closing paragraph
    for node in deadlines:
        assert (node, RDF.type, TIME.Instant) in graph
        dates = list(graph.objects(node, TIME.inXSDDate))
        assert len(dates) == 1
        assert dates[0].datatype == XSD.date


def test_iris_follow_the_scheme(reference_plan: Plan, graph: Graph) -> None:
    assert plan_iri(reference_plan) == PLAN
    for path, cls in [
        ("", ELI.LegalResource),
        ("/zho", ELI.LegalExpression),
        ("/sec_1", ELI.LegalResourceSubdivision),
        ("/task_5", ELI.LegalResourceSubdivision),
        ("/task_5__meas_2", ELI.LegalResourceSubdivision),
        ("/task_5__meas_2/resp_1", PROV.Attribution),
        ("/deadline_1", TIME.Instant),
        ("/front_3", FGF.Block),
        ("/back_1", FGF.Block),
        ("/task_5/span", OA.SpecificResource),
        ("/task_5/span/position", OA.TextPositionSelector),
        ("/task_5/span/quote", OA.TextQuoteSelector),
        ("/task_5__meas_2/responsibility", FGF.ResponsibilityStatement),
    ]:
        assert (URIRef(PLAN + path), RDF.type, cls) in graph, path
    assert (URIRef(f"{DEFAULT_BASE}/agency/gosc"), RDF.type, ORG.Organization) in graph
    collective = URIRef(f"{DEFAULT_BASE}/agent-group/all-localities")
    assert (collective, RDF.type, FGF.CollectiveAgent) in graph
    assert (collective, RDF.type, ORG.Organization) not in graph
    lead = URIRef(f"{DEFAULT_BASE}/def/role/lead")
    assert ROLES["lead"] == lead
    assert {(lead, RDF.type, c) in graph for c in (SKOS.Concept, DCAT.Role, PROV.Role)} == {True}
    target = next(iter(graph.objects(None, FGF.hasTarget)))
    assert str(target).rsplit("/", 1)[1] == "target_1"
    headings = set(graph.objects(None, FGF.measuresHeading))
    assert all(str(h).endswith("/measures_heading") for h in headings)


def test_no_blank_nodes_and_ascii_iris(graph: Graph) -> None:
    for triple in graph:
        for term in triple:
            assert not isinstance(term, BNode), triple
            if isinstance(term, URIRef):
                assert term.isascii(), term
                assert " " not in term, term


def test_subdivision_properties(graph: Graph) -> None:
    task = URIRef(PLAN + "/task_3")
    assert graph.value(task, ELI.number) == Literal("（三）")
    assert graph.value(task, SDO.position) == Literal(3)
    assert graph.value(task, ELI.id_local) == Literal("task_3")
    assert graph.value(task, ELI.is_part_of) == URIRef(PLAN + "/sec_1")
    assert (URIRef(PLAN + "/sec_1"), ELI.has_part, task) in graph
    description = graph.value(task, DCT.description)
    assert description.language == "zh-hans"  # type: ignore[union-attr]
    # The unnumbered measure has no printed number, only its ordinal.
    unnumbered = URIRef(PLAN + "/task_24__meas_1")
    assert graph.value(unnumbered, ELI.number) is None
    assert graph.value(unnumbered, FGF.numbered) == Literal(False)
    assert graph.value(unnumbered, SDO.position) == Literal(1)


def test_attribution_shape_of_the_data(graph: Graph) -> None:
    measure = URIRef(PLAN + "/task_5__meas_2")
    first = URIRef(PLAN + "/task_5__meas_2/resp_1")
    gosc = URIRef(f"{DEFAULT_BASE}/agency/gosc")
    assert graph.value(first, PROV.agent) == gosc
    assert graph.value(first, DCAT.hadRole) == ROLES["lead"]
    assert graph.value(first, FGF.citedName) == Literal("国务院办公厅", lang="zh-Hans")
    assert (measure, PROV.wasAttributedTo, gosc) in graph
    assert graph.value(gosc, SKOS.prefLabel) is not None
    assert (gosc, ORG.classification, agency_category("general-office")) in graph


def test_targets_and_baselines(graph: Graph) -> None:
    targets = {graph.value(t, RDFS.label): t for t in graph.objects(None, FGF.hasTarget)}
    within = targets[Literal("20个工作日以内", lang="zh-Hans")]
    assert graph.value(within, SDO.maxValue) == Literal("20.0", datatype=XSD.decimal)
    assert graph.value(within, SDO.unitCode) == Literal("E49")
    assert graph.value(within, SDO.unitText) == Literal("个工作日")
    cut = targets[Literal("由45天压减为20天", lang="zh-Hans")]
    assert graph.value(cut, SDO.value) == Literal("20.0", datatype=XSD.decimal)
    baseline = graph.value(cut, FGF.baseline)
    assert graph.value(baseline, SDO.value) == Literal("45.0", datatype=XSD.decimal)
    percent = targets[Literal("60%以上", lang="zh-Hans")]
    assert graph.value(percent, SDO.minValue) is not None
    assert graph.value(percent, URIRef("http://qudt.org/schema/qudt/unit")) == URIRef(
        "http://qudt.org/vocab/unit/PERCENT"
    )


def test_dissolved_body_keeps_its_iri_and_links_its_successor(graph: Graph) -> None:
    cbirc = URIRef(f"{DEFAULT_BASE}/agency/cbirc")
    nfra = URIRef(f"{DEFAULT_BASE}/agency/nfra")
    assert (None, PROV.agent, cbirc) in graph  # the 2021 body is the agent of record
    event = graph.value(cbirc, ORG.changedBy)
    assert (event, RDF.type, ORG.ChangeEvent) in graph
    assert graph.value(event, ORG.originalOrganization) == cbirc
    assert graph.value(event, ORG.resultingOrganization) == nfra
    assert (nfra, RDF.type, ORG.Organization) in graph
    assert (None, PROV.agent, nfra) not in graph


def test_deadline_precision(graph: Graph) -> None:
    by_label = {graph.value(d, RDFS.label): d for d in graph.objects(None, FGF.hasDeadline)}
    year = by_label[Literal("2021年底前", lang="zh-Hans")]
    assert graph.value(year, TIME.inXSDgYear) == Literal("2021", datatype=XSD.gYear)
    month = by_label[Literal("2021年11月底前", lang="zh-Hans")]
    assert graph.value(month, TIME.inXSDgYearMonth) == Literal("2021-11", datatype=XSD.gYearMonth)
    assert graph.value(month, TIME.inXSDDate) == Literal(dt.date(2021, 11, 30))


def test_spans_point_into_the_source(graph: Graph, reference_text: str) -> None:
    for resource in set(graph.objects(None, PROV.wasDerivedFrom)):
        selectors = list(graph.objects(resource, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        start = graph.value(position, OA.start).toPython()  # type: ignore[union-attr]
        end = graph.value(position, OA.end).toPython()  # type: ignore[union-attr]
        assert reference_text[start:end] == str(graph.value(quote, OA.exact)), resource


# --- serialisations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "read"),
    [(serialize_turtle, parse_turtle), (serialize_jsonld, parse_jsonld)],
    ids=["turtle", "jsonld"],
)
def test_serialisations_parse_back_to_the_same_graph_and_plan(
    write: Callable[[Graph], bytes],
    read: Callable[[bytes], Graph],
    graph: Graph,
    reference_plan: Plan,
) -> None:
    data = write(graph)
    assert b"_:" not in data
    again = read(data)
    difference = describe_difference(graph, again)
    assert not difference, difference
    assert from_graph(again) == reference_plan
    assert write(again) == data


def test_rdflib_reads_our_turtle_like_its_own(graph: Graph) -> None:
    ours = Graph().parse(data=serialize_turtle(graph), format="turtle")
    theirs = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    difference = describe_difference(theirs, ours)
    assert not difference, difference


def test_jsonld_is_compacted_sorted_and_embeds_its_context(graph: Graph) -> None:
    document = json.loads(serialize_jsonld(graph))
    context = document["@context"]
    assert context == {p: str(ns) for p, ns in sorted(graph.namespaces()) if p}  # nothing remote

    def full(name: str) -> str:
        prefix, _, local = name.partition(":")
        return context[prefix] + local if prefix in context else name

    nodes = document["@graph"]
    ids = [full(node["@id"]) for node in nodes]
    assert ids == sorted(ids, key=lambda iri: f"<{iri}>")  # N-Triples order
    assert len(ids) == len(set(ids)) == len(set(graph.subjects()))
    task = next(n for n in nodes if full(n["@id"]) == PLAN + "/task_5")
    assert full(task["eli:type_subdivision"]["@id"]) == str(SUBDIVISION_TYPES["task"])
    assert task["schema:position"] == 5  # an xsd:integer is a JSON number
    assert full(task["@type"]) == str(ELI.LegalResourceSubdivision)


def test_packaged_context_has_the_project_prefixes() -> None:
    packaged = json.loads((DATA / "context.jsonld").read_text(encoding="utf-8"))
    assert jsonld_context() == packaged["@context"] == dict(PREFIXES)


def test_parse_jsonld_refuses_a_remote_context() -> None:
    document = {"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x"}
    with pytest.raises(ExportError, match="remote context"):
        parse_jsonld(json.dumps(document))
    nested = {"@context": [{"@import": "https://example.org/c.jsonld"}], "@id": "urn:x"}
    with pytest.raises(ExportError, match="remote context"):
        parse_jsonld(json.dumps(nested))


@pytest.mark.parametrize(
    ("value", "lexical"),
    [
        ("60", "60.0"),
        ("60.0", "60.0"),
        ("60.00", "60.0"),
        ("0.50", "0.5"),
        ("1E+2", "100.0"),
        ("-0", "0.0"),
        ("-1.25", "-1.25"),
        ("0.001", "0.001"),
        # More digits than the default context's 28: nothing may be rounded away.
        (
            "6.7238107145001517804417385388E-27",
            "0.0000000000000000000000000067238107145001517804417385388",
        ),
    ],
)
def test_decimals_have_one_lexical_form(value: str, lexical: str) -> None:
    assert canonical_decimal(Decimal(value)) == lexical
    literal = Literal(lexical, datatype=XSD.decimal)
    assert (
        str(parse_turtle(_one_triple(literal)).value(URIRef("urn:s"), URIRef("urn:p"))) == lexical
    )


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_decimal_keeps_its_value(value: Decimal) -> None:
    lexical = canonical_decimal(value)
    assert Decimal(lexical) == value
    assert canonical_decimal(Decimal(lexical)) == lexical


def _one_triple(literal: Literal) -> bytes:
    graph = Graph()
    graph.add((URIRef("urn:s"), URIRef("urn:p"), literal))
    return serialize_turtle(graph)


def test_bytes_are_deterministic_across_processes() -> None:
    script = textwrap.dedent(
        """
        import hashlib, sys
        if sys.argv[1] == "hide-orjson":
            sys.modules["orjson"] = None
        from pathlib import Path
        from fgf_opendata.tabular.descriptor import data_files
        from fgf_opendata.parsing import parse_plan
        from fgf_opendata.agencies import default_registry
        from fgf_opendata.linked.outputs import linked_outputs
        text = Path(sys.argv[2]).read_text(encoding="utf-8")
        registry = default_registry()
        plan = parse_plan(text, registry=registry)
        outputs = linked_outputs(plan, registry, data_files(plan, registry, text))
        for name in sorted(outputs):
            print(name, hashlib.sha256(outputs[name]).hexdigest())
        """
    )
    source = str(ROOT / "sources" / "guobanfa-2021-25.txt")
    runs = []
    for seed, mode in (("1", "plain"), ("2", "plain"), ("3", "hide-orjson")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run(
            [sys.executable, "-c", script, mode, source],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        runs.append(done.stdout)
    assert runs[0].count("\n") == 4  # plan.ttl, plan.jsonld, context.jsonld, catalog.ttl
    assert runs[0] == runs[1] == runs[2]


def test_building_and_validating_make_no_network_access(tmp_path: Path) -> None:
    """Serialising and parsing JSON-LD, the catalogue and SHACL, under an audit hook."""
    script = NETWORK_GUARD + textwrap.dedent(
        """
        from pathlib import Path
        from fgf_opendata.agencies import default_registry
        from fgf_opendata.tabular.descriptor import data_files
        from fgf_opendata.parsing import parse_plan
        from fgf_opendata.linked.outputs import linked_outputs
        from fgf_opendata.linked.shacl import check_catalog, check_plan_graph
        from fgf_opendata.linked.syntax import parse_jsonld, parse_turtle

        if sys.argv[1] == "control":
            # rdflib fetches a remote context: the guard must catch it.
            from rdflib import Graph
            Graph().parse(data='{"@context": "http://example.org/c.jsonld", "@id": "urn:x"}',
                          format="json-ld")
            sys.exit(0)
        text = Path(sys.argv[2]).read_text(encoding="utf-8")
        registry = default_registry()
        plan = parse_plan(text, registry=registry)
        outputs = linked_outputs(plan, registry, data_files(plan, registry, text))
        graph = parse_jsonld(outputs["linked/plan.jsonld"])
        assert not [f for f in check_plan_graph(graph) if f.severity == "error"]
        catalog = parse_turtle(outputs["linked/catalog.ttl"])
        assert not [f for f in check_catalog(catalog) if f.severity == "error"]
        print("ok")
        """
    )
    source = str(ROOT / "sources" / "guobanfa-2021-25.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    results = {
        mode: subprocess.run(
            [sys.executable, "-c", script, mode, source],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            cwd=tmp_path,
        )
        for mode in ("control", "build")
    }
    assert results["control"].returncode == 99, results["control"].stderr
    assert results["build"].returncode == 0, results["build"].stderr
    assert results["build"].stdout.strip() == "ok"


def test_the_readers_terms_are_the_vocabularys() -> None:
    # `linked.terms` makes each term of rdflib's namespaces from the namespace's IRI and its
    # name, without asking the namespace: the same IRIs, as rdflib IRIs, and no term more or
    # less; the project's own namespaces are `vocab`'s.
    from rdflib.namespace import DefinedNamespace

    from fgf_opendata.linked import terms, vocab

    assert len(terms.__all__) == 16
    for name in terms.__all__:
        namespace, resolved = getattr(vocab, name), getattr(terms, name)
        if not isinstance(namespace, type) or not issubclass(namespace, DefinedNamespace):
            assert resolved is namespace, name
            continue
        declared = [term for term in namespace.__annotations__ if not term.startswith("_")]
        assert sorted(vars(resolved)) == sorted(declared), name
        for term, value in vars(resolved).items():
            assert type(value) is URIRef, (name, term)
            assert value == namespace[term], (name, term)


def test_importing_the_package_does_not_import_rdflib() -> None:
    code = (
        "import sys, fgf_opendata, fgf_opendata.cli, fgf_opendata.build;"
        "print(sorted(m for m in ('rdflib', 'pyshacl') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"


# --- package outputs ---------------------------------------------------------------------------


def test_linked_outputs_list_every_file_with_size_and_checksum(
    reference_plan: Plan, registry: Registry
) -> None:
    files = {"tasks.csv": b"id\ntask_1\n", "plan.json": b"{}\n", "source/x.txt": "原文".encode()}
    outputs = linked_outputs(reference_plan, registry, files)
    assert sorted(outputs) == [
        "linked/catalog.ttl",
        "linked/context.jsonld",
        "linked/plan.jsonld",
        "linked/plan.ttl",
    ]
    catalog = parse_turtle(outputs["linked/catalog.ttl"])
    published = {**files, **{k: v for k, v in outputs.items() if k != "linked/catalog.ttl"}}
    dataset = URIRef(f"{DEFAULT_BASE}/dataset/guobanfa-2021-25")
    distributions = set(catalog.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(published) + 1  # and datapackage.json
    for path, data in published.items():
        download = URIRef(f"{DEFAULT_BASE}/package/guobanfa-2021-25/{path}")
        (node,) = set(catalog.subjects(DCAT.downloadURL, download))
        assert catalog.value(node, DCAT.byteSize) == Literal(
            len(data), datatype=XSD.nonNegativeInteger
        )
        checksum = catalog.value(node, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert catalog.value(node, DCT.license) is not None
        assert catalog.value(node, DCAT.mediaType) is not None
    assert (dataset, PROV.wasDerivedFrom, URIRef(PLAN)) in catalog


def test_two_paths_with_one_distribution_iri_are_refused(
    reference_plan: Plan, registry: Registry
) -> None:
    with pytest.raises(ExportError, match="share a distribution IRI"):
        linked_outputs(reference_plan, registry, {"a-b.csv": b"", "a/b.csv": b""})


# --- base, fallbacks, errors -------------------------------------------------------------------


def test_the_base_is_configurable(reference_plan: Plan, registry: Registry) -> None:
    base = "https://data.example.org/fgf"
    graph = to_graph(reference_plan, registry, base=base)
    data_iris = {
        str(t)
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and "/fgf-opendata/" in t and "/def/" not in t
    }
    assert data_iris == set()
    assert (URIRef(f"{base}/doc/cn/guobanfa/2021/25"), RDF.type, ELI.LegalResource) in graph
    assert from_graph(graph, base=base) == reference_plan
    with pytest.raises(ExportError, match="expected one plan"):
        from_graph(graph)  # not under the default base
    with pytest.raises(ExportError, match="not an ASCII"):
        to_graph(reference_plan, registry, base="https://例子.cn/x")


def test_a_plan_without_doc_number_uses_its_id(reference_plan: Plan, registry: Registry) -> None:
    plan = reference_plan.model_copy(update={"doc_number": None, "id": "plan-2021-07-11"})
    assert plan_iri(plan) == f"{DEFAULT_BASE}/doc/plan-2021-07-11"
    assert from_graph(to_graph(plan, registry)) == plan


def test_from_graph_reports_missing_data(reference_plan: Plan, graph: Graph) -> None:
    with pytest.raises(ExportError, match="expected one plan"):
        from_graph(Graph())
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    broken.remove((URIRef(PLAN + "/task_5"), DCT.description, None))
    with pytest.raises(ExportError, match="task_5"):
        from_graph(broken)
    broken.add((URIRef(PLAN + "/task_5"), DCT.description, Literal("x")))
    target = next(iter(broken.objects(None, FGF.hasTarget)))
    for prop in (SDO.value, SDO.minValue, SDO.maxValue):
        broken.remove((target, prop, None))
    broken.add((target, SDO.value, Literal("many", datatype=XSD.decimal)))
    with pytest.raises(ExportError, match="valid plan"):
        from_graph(broken)
    broken.set((target, SDO.value, Literal("1.0", datatype=XSD.decimal)))
    broken.add((target, SDO.maxValue, Literal("2.0", datatype=XSD.decimal)))
    with pytest.raises(ExportError, match="one of schema:value"):
        from_graph(broken)


# --- the vocabulary ------------------------------------------------------------------------------


def test_namespaces_are_closed() -> None:
    with pytest.raises(AttributeError):
        _ = FGF.hasDeadlines  # a typo is an error, not a new IRI
    with pytest.raises(AttributeError):
        _ = ELI.is_part  # the external namespaces too
    assert FGF.hasDeadline == URIRef("https://w3id.org/fgf-opendata/def/hasDeadline")


def test_fgf_ttl_defines_exactly_the_closed_namespace() -> None:
    vocabulary = Graph().parse(DATA / "fgf.ttl")
    namespace = str(FGF._NS)
    defined = {
        str(s)[len(namespace) :] for s in vocabulary.subjects(RDFS.isDefinedBy, URIRef(namespace))
    }
    assert defined == set(FGF.__annotations__)
    for term in defined:
        node = URIRef(namespace + term)
        assert vocabulary.value(node, RDFS.label) is not None, term
        assert vocabulary.value(node, RDFS.comment) is not None, term


def _concepts(vocabulary: Graph, scheme: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for concept in vocabulary.subjects(SKOS.inScheme, URIRef(scheme)):
        labels = {o.language: str(o) for o in vocabulary.objects(concept, SKOS.prefLabel)}  # type: ignore[attr-defined]
        out[str(concept).rsplit("/", 1)[1]] = labels
    return out


def test_fgf_ttl_code_lists_match_the_code() -> None:
    vocabulary = Graph().parse(DATA / "fgf.ttl")
    roles = _concepts(vocabulary, "https://w3id.org/fgf-opendata/def/role")
    assert {k: (v["zh-Hans"], v["en"]) for k, v in roles.items()} == dict(ROLE_LABELS)
    for role, iri in ROLES.items():
        for cls in (SKOS.Concept, DCAT.Role, PROV.Role):
            assert (iri, RDF.type, cls) in vocabulary, role
    categories = _concepts(vocabulary, "https://w3id.org/fgf-opendata/def/agency-category")
    assert set(categories) == set(CATEGORIES)
    blocks = _concepts(vocabulary, "https://w3id.org/fgf-opendata/def/block-kind")
    assert set(blocks) == set(get_args(BlockKind)) == set(BLOCK_KINDS)
    kinds = _concepts(vocabulary, "https://w3id.org/fgf-opendata/def/subdivision-type")
    assert set(kinds) == set(SUBDIVISION_TYPES)
    for labels in (*roles.values(), *categories.values(), *blocks.values(), *kinds.values()):
        assert set(labels) == {"en", "zh-Hans"}


# --- hypothesis: every field survives ------------------------------------------------------------

# `strategies.any_plans`: any plan the model admits, not only what the parser produces.


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_any_plan_round_trips_through_the_graph(plan: Plan) -> None:
    graph = to_graph(plan)
    assert from_graph(graph) == plan
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_any_plan_survives_turtle_and_jsonld(plan: Plan) -> None:
    graph = to_graph(plan)

    for write, read in ((serialize_turtle, parse_turtle), (serialize_jsonld, parse_jsonld)):
        again = read(write(graph))
        difference = describe_difference(graph, again)
        assert not difference, difference
        assert from_graph(again) == plan


def test_decimal_values_come_back_equal() -> None:
    values: dict[str, Any] = {"60": "60", "60.0": "60.0", "0.5": "0.50", "7": "7E0"}
    for a, b in values.items():
        target = Target(
            text="x", value=Decimal(b), unit="DAY", unit_text="天", comparator="=",
            baseline=Decimal(a), span=Span(line=1, start=0, end=1),
        )  # fmt: skip
        task = Task(
            id="task_1", number=1, label="", text="", responsibility=None,
            targets=(target,), span=Span(line=1, start=0, end=0),
        )  # fmt: skip
        plan = Plan(
            id="p", doc_number=None, title="", issuer=None, issued=None, addressees=None,
            plan_title=None, preamble=None, closing=None, front=(),
            sections=(Section(id="sec_1", number=1, label="", title="", tasks=(task,),
                              span=Span(line=1, start=0, end=0)),),
        )  # fmt: skip
        back = from_graph(parse_turtle(serialize_turtle(to_graph(plan))))
        value = back.sections[0].tasks[0].targets[0]
        assert value.value == Decimal(b)
        assert value.baseline == Decimal(a)


def test_streamed_ntriples_equal_the_graph(reference_plan, registry) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from fgf_opendata.linked.writer import plan_ntriples, to_graph

    streamed = Graph().parse(data=plan_ntriples(reference_plan, registry), format="nt")
    assert isomorphic(streamed, to_graph(reference_plan, registry))


@settings(max_examples=300, deadline=None)
@given(
    st.text() | st.booleans() | st.integers() | st.dates(),
    st.sampled_from([{}, {"lang": "zh-hans"}, {"lang": "en"}, {"datatype": XSD.gYear}]),
)
def test_the_writers_oxigraph_literals_equal_rdflibs(value: object, extra: dict[str, Any]) -> None:
    from fgf_opendata.linked.syntax import _ox_literal, _ox_term

    if extra and not isinstance(value, str):
        value = str(value)
    assert _ox_literal(value, **extra) == _ox_term(Literal(value, **extra))
