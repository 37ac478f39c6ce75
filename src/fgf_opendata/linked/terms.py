"""The closed namespaces the writer and the reader use, with their terms resolved once.

rdflib's `DefinedNamespace` builds a new `URIRef` on every attribute access (about 1 µs), and
the writer makes some ten thousand per plan. Here each namespace of `vocab` is a plain object
with the same names, made once, typed as the namespace it copies: `FGF.addressees` is the same
IRI as `vocab.FGF.addressees`, a misspelt term is still an error (for mypy and at run time), and
the writer and the reader name every term the same way.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TypeVar, cast

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace

from . import vocab

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
    "uri",
]

_N = TypeVar("_N", bound=type[DefinedNamespace])


def uri(value: str) -> URIRef:
    """An rdflib IRI made without rdflib's check: the writer's IRIs are a checked base and
    `iris.segment`s, and the check (a regex per IRI) cost a fifth of the writer's time."""
    return str.__new__(URIRef, value)


def _resolved(namespace: _N) -> _N:
    """The namespace's terms as plain attributes of one object, typed as the namespace.

    Each term is the namespace's IRI followed by its name, which is what `namespace[name]`
    gives after a membership check and a cached lookup per term: for the 554 terms here those
    cost 4 ms of every process that writes RDF (a test keeps the two equal)."""
    base = str(namespace)
    names = (name for name in namespace.__annotations__ if not name.startswith("_"))
    return cast(_N, SimpleNamespace(**{name: uri(base + name) for name in names}))


CV = _resolved(vocab.CV)
DCAT = _resolved(vocab.DCAT)
DCT = _resolved(vocab.DCT)
ELI = _resolved(vocab.ELI)
FGF = _resolved(vocab.FGF)
FOAF = _resolved(vocab.FOAF)
OA = _resolved(vocab.OA)
ORG = _resolved(vocab.ORG)
PROV = _resolved(vocab.PROV)
QUDT = _resolved(vocab.QUDT)
RDF = _resolved(vocab.RDF)
RDFS = _resolved(vocab.RDFS)
SDO = _resolved(vocab.SDO)
SKOS = _resolved(vocab.SKOS)
TIME = _resolved(vocab.TIME)
XSD = _resolved(vocab.XSD)
