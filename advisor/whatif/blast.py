"""The blast radius: for each site and each cluster, the systems losing it alone would leave unrecoverable."""

from __future__ import annotations

import pyoxigraph as ox

from advisor.knowledge import KnowledgeBase
from advisor.namespaces import HV_IRI
from advisor.report import BlastRadius, Resource
from advisor.whatif.engine import Target, unrecoverable
from advisor.whatif.facts import Facts, add_protection, read_facts

SCOPES = (("site", HV_IRI + "Site"), ("cluster", HV_IRI + "Cluster"))


def blast_radius(facts: Facts) -> list[BlastRadius]:
    """One entry per site, then per cluster (by name), each with the systems its loss leaves unrecoverable."""
    entries = []
    for kind, class_iri in SCOPES:
        for node in facts.instances(class_iri):
            lost = [Resource(iri=n, label=facts.name(n)) for n in unrecoverable(facts, [Target(kind, node)])]
            entries.append(
                BlastRadius(
                    kind=kind, iri=node, label=facts.name(node), unrecoverable_count=len(lost), unrecoverable=lost
                )
            )
    return entries


def store_blast_radius(store: ox.Store, kb: KnowledgeBase | None = None) -> list[BlastRadius]:
    """The blast radius of a validation store (coverage is the rules' protection facts, derived again)."""
    add_protection(store, kb)
    return blast_radius(read_facts(store))
