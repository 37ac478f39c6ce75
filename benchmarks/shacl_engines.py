"""pyshacl against pyrudof on the five cases of docs/shacl-engines.md, and on the broken graphs
of tests/test_shacl_quicker.py. pyrudof is no dependency: `pip install pyrudof` first.

    python3 benchmarks/shacl_engines.py [--broken]

Prints, for each case, the constraint components of the results each engine gives, and what
SHACL 1.0 requires; with --broken, every broken graph on which the engines differ.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:start ;
    sh:lessThanOrEquals ex:end ] .
ex:D a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:date ;
    sh:datatype xsd:date ] .
ex:O a sh:NodeShape ; sh:targetObjectsOf ex:agent ; sh:property [ sh:path ex:name ;
    sh:minCount 1 ] .
ex:Q a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:parent ;
    sh:qualifiedValueShape [ sh:path ex:kind ; sh:hasValue ex:task ] ;
    sh:qualifiedMinCount 1 ] .
"""
_PREFIXES = "@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."
# name -> (data, the components SHACL 1.0 requires)
CASES = {
    "lessThanOrEquals, incomparable literals (§4.5.4)": (
        (
            'ex:a a ex:C ; ex:start "P1D"^^xsd:duration ; ex:end 5 ; '
            'ex:date "2020-01-01"^^xsd:date ; ex:parent ex:t . ex:t ex:kind ex:task .'
        ),
        ["LessThanOrEquals"],
    ),
    "lessThanOrEquals, an IRI (§4.5.4)": (
        (
            'ex:a a ex:C ; ex:start ex:x ; ex:end 5 ; ex:date "2020-01-01"^^xsd:date ; '
            "ex:parent ex:t . ex:t ex:kind ex:task ."
        ),
        ["LessThanOrEquals"],
    ),
    "datatype, an ill-formed xsd:date (§4.1.2)": (
        (
            'ex:a a ex:C ; ex:start 1 ; ex:end 5 ; ex:date "2020-11-300"^^xsd:date ; '
            "ex:parent ex:t . ex:t ex:kind ex:task ."
        ),
        ["Datatype"],
    ),
    "targetObjectsOf, a literal focus node (§2.1.3.4)": ('ex:b ex:agent "x" .', ["MinCount"]),
    "qualifiedValueShape, a literal value node (§4.7.3)": (
        'ex:a a ex:C ; ex:start 1 ; ex:end 5 ; ex:date "2020-01-01"^^xsd:date ; ex:parent "t" .',
        ["QualifiedMinCount"],
    ),
}


def _pyshacl(data: str, shapes: str) -> list[str]:
    from pyshacl import validate
    from rdflib import Graph
    from rdflib.namespace import SH

    _, report, _ = validate(
        Graph().parse(data=data, format="turtle"),
        shacl_graph=Graph().parse(data=shapes, format="turtle"),
        inference="none",
    )
    return sorted(
        str(report.value(r, SH.sourceConstraintComponent)).split("#")[1]
        for r in report.subjects(SH.resultSeverity, None)
    )


def _pyrudof(data: str, shapes: str) -> list[str]:
    import pyrudof  # type: ignore[import-not-found]

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data)
    rudof.read_shacl(shapes)
    return sorted(
        str(e.constraint_component).split("#")[1] for e in rudof.validate_shacl().violations
    )


def _short(components: list[str]) -> list[str]:
    return [c.removesuffix("ConstraintComponent") for c in components]


def cases() -> None:
    for name, (data, required) in CASES.items():
        text = f"{_PREFIXES} {data}"
        print(name)
        print(f"  SHACL 1.0: {required}")
        print(f"  pyshacl:   {_short(_pyshacl(text, SHAPES))}")
        print(f"  pyrudof:   {_short(_pyrudof(text, SHAPES))}")


def broken() -> None:
    """The broken graphs of the differential test, each engine's results as a multiset."""
    import pyrudof
    from rdflib import BNode

    sys.path.insert(0, str(ROOT / "tests"))
    import test_shacl_quicker as quicker  # type: ignore[import-not-found]
    from fgf_opendata.agencies import default_registry
    from fgf_opendata.linked.shacl import plan_shapes, report
    from fgf_opendata.linked.vocab import SH
    from fgf_opendata.linked.writer import to_graph
    from fgf_opendata.synth import build_plan, random_spec

    registry = default_registry()
    small = to_graph(
        build_plan(random_spec(random.Random(1), registry, size=0.1), registry), registry
    )
    shapes = plan_shapes()
    text = (ROOT / "src" / "fgf_opendata" / "data" / "fgf-shapes.ttl").read_text("utf-8")

    def lexical(value: str) -> str:
        return value[1 : value.rindex('"')] if value.startswith('"') else value

    def by_pyshacl(graph: object) -> Counter[tuple[str, ...]]:
        found = report(graph, shapes)  # type: ignore[arg-type]
        rows: Counter[tuple[str, ...]] = Counter()
        for r in found.subjects(SH.resultSeverity, None):
            shape, value = found.value(r, SH.sourceShape), found.value(r, SH.value)
            path = found.value(r, SH.resultPath)
            rows[
                (
                    str(found.value(r, SH.focusNode)),
                    "" if path is None else str(path) if str(path).startswith("http") else "(path)",
                    str(found.value(r, SH.sourceConstraintComponent)),
                    "[]" if isinstance(shape, BNode) else str(shape),
                    "" if value is None else str(value),
                )
            ] += 1
        return rows

    def by_pyrudof(graph: object) -> Counter[tuple[str, ...]]:
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(graph.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)  # type: ignore[attr-defined]
        rudof.read_shacl(text)
        rows: Counter[tuple[str, ...]] = Counter()
        for e in rudof.validate_shacl().violations:
            shape, path = str(e.source_shape), str(e.path or "")
            rows[
                (
                    lexical(str(e.focus_node)),
                    path if not path or path.startswith("http") else "(path)",
                    str(e.constraint_component),
                    shape if shape.startswith("http") else "[]",
                    lexical(str(e.value or "")),
                )
            ] += 1
        return rows

    graphs = list(quicker.breakages(small, shapes))
    differ = 0
    for breakage in graphs:
        graph = breakage.apply(small)
        ours, theirs = by_pyshacl(graph), by_pyrudof(graph)
        if ours != theirs:
            differ += 1
            print(breakage.name)
            for row in sorted(set(ours) | set(theirs)):
                if ours[row] != theirs[row]:
                    print(f"  pyshacl {ours[row]} pyrudof {theirs[row]}: {row}")
    print(f"{differ} of {len(graphs)} broken graphs differ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broken", action="store_true", help="also the broken graphs")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # rdflib warns about the ill-formed literals, as meant
    logging.disable(logging.CRITICAL)
    cases()
    if args.broken:
        broken()
    return 0


if __name__ == "__main__":
    sys.exit(main())
