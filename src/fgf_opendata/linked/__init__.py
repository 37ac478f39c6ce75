"""Linked data: a plan as RDF, its DCAT catalogue, SHACL gates and SPARQL queries.

The stages, each importing only those listed before it:

- `names`: the closed namespaces, the project's own terms and code lists, language tags, as
  plain IRIs (`IRI`), for the writer: the build never imports rdflib.
- `vocab`: the same namespaces, code lists and constants as rdflib terms, for reading graphs.
- `terms`: rdflib's own namespaces with their terms resolved once, for the reader.
- `iris`: the base IRI check and every IRI a plan's graph uses; canonical decimals.
- `syntax`: the oxigraph bridge: Turtle, JSON-LD and N-Triples out and in, graph differences.
- `writer`: Plan -> triples (`to_graph`, `plan_ntriples`).
- `reader`: triples -> Plan (`from_graph`), the writer's inverse.
- `catalog`: the DCAT catalogue of a package and its schema.org twin.
- `outputs`: the package's RDF files (`linked_outputs`), for `build`.
- `shacl`: the SHACL gates on those files.
- `bounds`: a query's default time, row and memory limits and its output formats (no rdflib).
- `guard`: what a query may read, refused before it runs (SERVICE, FROM, GRAPH); `QueryError`.
- `results`: the answer to a query (`QueryTable`) and how it is printed (`format_table`).
- `sparql`: one query over one graph within a time, row and memory limit (`run_query`).
- `query`: what `fgf query` reads: the query (text, file or example) and the graph.
"""
