"""The agents and roles a plan cites: their IRIs as the plan's triples cite them, and what the
plan's graph says of them (`writer`).

An agency of the registry is described once, whatever cites it (the issuer, any number of
attributions), with the bodies it belongs to or became, followed through the registry; a role is
described from the project's role scheme when the plan cites it. Both are the registry's and the
vocabulary's, not the plan's: they are written after the plan's own triples, as one unit of
`outputs.triple_units`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ..agencies import Registry
from ..model import Agency, Role
from .iris import agent_iri
from .names import (
    CV,
    DCAT,
    DCT,
    EN,
    FGF,
    FOAF,
    IRI,
    ORG,
    PROV,
    RDF,
    ROLE_LABELS,
    ROLE_SCHEME,
    ROLES,
    SDO,
    SKOS,
    XSD,
    ZH,
    agency_category,
)
from .syntax import Add

__all__ = ["CitedAgents"]


class CitedAgents:
    """The registry agents and roles one plan cites, gathered as its triples are written."""

    def __init__(self, registry: Registry, base: str) -> None:
        self.registry = registry
        self.base = base
        self.iris: dict[str, IRI] = {}
        """Agency id -> its IRI, for every agency cited so far."""
        self.roles: set[Role] = set()
        """The roles cited so far."""

    def agent(self, agency_id: str) -> IRI:
        """The IRI of a registry agency, noted as cited."""
        node = self.iris.get(agency_id)
        if node is None:
            node = self.iris[agency_id] = IRI(agent_iri(agency_id, self.registry, self.base))
        return node

    def describe(self, add: Add, lit: Callable[..., Any]) -> None:
        """The triples of the roles, then of the agencies, cited so far."""
        self.describe_roles(add, lit)
        self.describe_agencies(add, lit)

    def describe_roles(self, add: Add, lit: Callable[..., Any]) -> None:
        zh, en = partial(lit, lang=ZH), partial(lit, lang=EN)
        add((ROLE_SCHEME, RDF.type, SKOS.ConceptScheme))
        add((ROLE_SCHEME, DCT.title, en("Roles in a responsibility line")))
        add((ROLE_SCHEME, DCT.title, zh("责任分工角色")))
        for role, concept in ROLES.items():
            if role not in self.roles:
                continue  # the scheme in full is in data/fgf.ttl; a plan describes what it cites
            label_zh, label_en = ROLE_LABELS[role]
            add((concept, RDF.type, SKOS.Concept))
            add((concept, RDF.type, DCAT.Role))
            add((concept, RDF.type, PROV.Role))
            add((concept, SKOS.inScheme, ROLE_SCHEME))
            add((concept, SKOS.notation, lit(role)))
            add((concept, SKOS.prefLabel, zh(label_zh)))
            add((concept, SKOS.prefLabel, en(label_en)))

    def describe_agencies(self, add: Add, lit: Callable[..., Any]) -> None:
        """Describes every registry agent cited, with the bodies they belong to or became."""
        pending = sorted(self.iris)
        seen: set[str] = set()
        while pending:
            agency_id = pending.pop()
            if agency_id in seen:
                continue
            seen.add(agency_id)
            agency = self.registry.get(agency_id)
            node = self.agent(agency_id)
            add((node, RDF.type, PROV.Agent))
            add((node, RDF.type, FOAF.Agent))
            add((node, DCT.identifier, lit(agency_id)))
            if agency is None:
                continue
            self.describe_agency(add, lit, node, agency)
            pending.extend(i for i in (agency.parent_id, agency.successor_id) if i is not None)

    def describe_agency(self, add: Add, lit: Callable[..., Any], node: IRI, agency: Agency) -> None:
        zh, en = partial(lit, lang=ZH), partial(lit, lang=EN)
        if agency.kind == "collective":
            add((node, RDF.type, FOAF.Group))
            add((node, RDF.type, FGF.CollectiveAgent))
        else:
            add((node, RDF.type, ORG.Organization))
            if agency.category not in ("party-central", "other"):
                add((node, RDF.type, CV.PublicOrganisation))
        add((node, SKOS.prefLabel, zh(agency.full_name_zh)))
        add((node, SKOS.prefLabel, en(agency.name_en)))
        add((node, FOAF.name, zh(agency.name_zh)))
        add((node, FOAF.name, en(agency.name_en)))
        for alias in dict.fromkeys((agency.name_zh, *agency.aliases)):
            if alias != agency.full_name_zh:
                add((node, SKOS.altLabel, zh(alias)))
        if agency.abbreviation_en:
            add((node, SKOS.altLabel, en(agency.abbreviation_en)))
        add((node, ORG.classification, agency_category(agency.category)))
        if agency.parent_id is not None and agency.kind == "organisation":
            add((node, ORG.subOrganizationOf, self.agent(agency.parent_id)))
        if agency.wikidata:
            add((node, SDO.sameAs, IRI(f"http://www.wikidata.org/entity/{agency.wikidata}")))
        if agency.successor_id is not None:
            # The 2021 body stays the agent of record; the reform is an event between bodies.
            event = IRI(f"{node}/change")
            successor = self.agent(agency.successor_id)
            add((node, ORG.changedBy, event))
            add((event, RDF.type, ORG.ChangeEvent))
            add((event, RDF.type, PROV.Activity))
            add((event, ORG.originalOrganization, node))
            add((event, ORG.resultingOrganization, successor))
            add((successor, ORG.resultedFrom, event))
            if agency.dissolved is not None:
                add((event, DCT.date, lit(f"{agency.dissolved:04d}", datatype=XSD.gYear)))
