"""The bounds a SPARQL query runs within and the formats its answer prints in, stated once for
`sparql.run_query`, `results.format_table` and the options of `fgf query` (which reads them
without loading an RDF library)."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "OUTPUT_FORMATS",
    "OutputFormat",
]

DEFAULT_TIMEOUT = 30
"""Seconds a query may run before it is stopped (`fgf query --timeout`)."""

DEFAULT_MAX_ROWS = 10_000
"""Rows of an answer `fgf query` prints at most (`--max-rows`)."""

DEFAULT_MAX_MEMORY = 1 << 30
"""Bytes the query process may allocate beyond the graph it inherits (an ORDER BY over a cross
product must sort every row): past it the query fails with `query-memory`."""

OutputFormat = Literal["table", "csv", "json"]
"""How an answer is printed: an aligned text table, CSV, or JSON."""

OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)
"""The formats, in the order `fgf query --format` lists them."""
