"""Several plans -> one package and one graph: a corpus of the genre.

`build_corpus(sources, target)` reads every source (files, or folders of `*.txt`), parses each
into a plan and publishes them together: the same tables as a single plan's package, with every
id prefixed by its plan (`guobanfa-2021-25/task_5`) so that rows of different plans never
collide, agencies shared across plans (one row each), one canonical JSON and one source text per
plan (`plans/<id>.json`, `source/<id>.txt`), and one N-Triples graph per plan
(`linked/plans/<id>.nt`), which together are the corpus graph.

Work is streamed plan by plan: worker processes parse a plan and produce its rows and triples,
the parent appends them to the output files in source order, so neither the corpus nor its graph
is ever held in memory whole. A source that is not a plan of this genre (a `ParseError`, an
undecodable file) is reported and skipped, never half-parsed. Like a single build, the corpus is
written into a folder beside the target and swapped in only once it is complete and its
descriptor passes the Data Package v2 profiles; run `fgf validate` for the full frictionless
gate.

The stages, each a module: `chunks` (one source -> its share of every file, in worker
processes), `cache` (those shares kept on disk by the source's content, so a rebuild parses
only what changed and links a plan's unchanged files instead of writing them), `package` (the build driver: the shares appended into one package, the
files that need every plan, the gates, the swap).
"""

from __future__ import annotations

from .chunks import corpus_schemas
from .package import CorpusResult, Progress, Skipped, build_corpus, expand_sources

__all__ = [
    "CorpusResult",
    "Progress",
    "Skipped",
    "build_corpus",
    "corpus_schemas",
    "expand_sources",
]
