"""The namespaces of `vocab` with their terms resolved once, for the reader.

rdflib's `DefinedNamespace` builds a new `URIRef` on every attribute access (about 1 µs), and
reading a plan looks up some ten thousand terms. Here each of rdflib's closed namespaces the
reader uses is a plain object with the same names, made once, typed as the namespace it
copies: `PROV.agent` is the same IRI as `vocab.PROV.agent`, and a misspelt term is still an
error (for mypy and at run time). The project's own namespaces (`names.Vocabulary`) are
resolved once already: they are `vocab`'s.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TypeVar, cast

from rdflib.namespace import DefinedNamespace

from . import vocab
from .vocab import CV, DCAT, ELI, FGF, OA, QUDT, SDO, TIME, XSD, uri

__all__ = [
    "CV",
    "DCAT",
    "DCT",
    "ELI",
    "FGF",
    "FOAF",
    "OA",
    "ORG",
    "PROV",
    "QUDT",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "TIME",
    "XSD",
]

_N = TypeVar("_N", bound=type[DefinedNamespace])


def _resolved(namespace: _N) -> _N:
    """The namespace's terms as plain attributes of one object, typed as the namespace.

    Each term is the namespace's IRI followed by its name, which is what `namespace[name]`
    gives after a membership check and a cached lookup per term, for each of the 455 terms here
    (a test keeps the two equal)."""
    base = str(namespace)
    names = (name for name in namespace.__annotations__ if not name.startswith("_"))
    return cast(_N, SimpleNamespace(**{name: uri(base + name) for name in names}))


DCT = _resolved(vocab.DCT)
FOAF = _resolved(vocab.FOAF)
ORG = _resolved(vocab.ORG)
PROV = _resolved(vocab.PROV)
RDF = _resolved(vocab.RDF)
RDFS = _resolved(vocab.RDFS)
SKOS = _resolved(vocab.SKOS)
