"""The environment's structure, for the summary and the diagram of a report.

Sites, clusters, hosts, VMs, other servers, storage volumes, backup jobs and repositories, with
their labels, where each stands (site, cluster, host), how they are connected, and whether each
computer system is protected. It is read once per validation from the validation store, after the
engine ran, so renderers never go back to the graph. Every step is one pass over one predicate or
one class, so the cost grows linearly with the graph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from enum import StrEnum

import pyoxigraph as ox
from pydantic import BaseModel, Field

from advisor.namespaces import HV_IRI, HVS_IRI, PREFIXES, RDFS_IRI


class NodeKind(StrEnum):
    SITE = "site"
    CLUSTER = "cluster"
    HOST = "host"
    VM = "vm"
    SERVER = "server"  # a computer system that is neither a Hyper-V host nor a VM
    VOLUME = "volume"
    JOB = "job"
    REPOSITORY = "repository"


class Relation(StrEnum):
    RUNS_ON = "runsOn"  # VM -> host
    ON_VOLUME = "onVolume"  # VM -> volume (the VM or one of its virtual hard disks is stored there)
    PROTECTS = "protects"  # job -> computer system
    PROTECTS_ALL_VMS_ON = "protectsAllVMsOn"  # job -> host or cluster
    STORES_TO = "storesTo"  # job -> repository
    COPIES_TO = "copiesTo"  # job -> repository
    HOSTED_BY = "hostedBy"  # SMB share -> file server
    ON_SYSTEM = "onSystem"  # repository -> computer system


COMPUTER_SYSTEMS = frozenset({NodeKind.HOST, NodeKind.VM, NodeKind.SERVER})


class InventoryNode(BaseModel):
    id: str = Field(description="IRI, or _:id for a blank node: the same key as Finding.focus_node.")
    kind: NodeKind
    label: str
    site: str | None = None
    cluster: str | None = None
    host: str | None = None
    protected: bool | None = Field(None, description="For computer systems: some backup job covers it.")
    excluded: bool | None = Field(None, description="For computer systems: a reason for not backing it up is stated.")


class InventoryEdge(BaseModel):
    source: str
    target: str
    relation: Relation


class Inventory(BaseModel):
    nodes: list[InventoryNode] = Field(default_factory=list)
    edges: list[InventoryEdge] = Field(default_factory=list)

    def of_kind(self, *kinds: NodeKind) -> list[InventoryNode]:
        return [n for n in self.nodes if n.kind in kinds]

    def protection(self) -> dict[str, int]:
        """Computer systems counted as protected, excluded (not protected, with a reason) and unprotected."""
        counts = {"protected": 0, "excluded": 0, "unprotected": 0}
        for node in self.of_kind(*COMPUTER_SYSTEMS):
            counts["protected" if node.protected else "excluded" if node.excluded else "unprotected"] += 1
        return counts


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CLASSES = (  # most specific first: a node takes the first kind whose class it is an instance of
    (NodeKind.SITE, "Site"),
    (NodeKind.CLUSTER, "Cluster"),
    (NodeKind.HOST, "HyperVHost"),
    (NodeKind.VM, "VirtualMachine"),
    (NodeKind.SERVER, "ComputerSystem"),
    (NodeKind.VOLUME, "StorageVolume"),
    (NodeKind.JOB, "BackupJob"),
    (NodeKind.REPOSITORY, "BackupRepository"),
)
_EDGES = (
    (HV_IRI + "runsOn", Relation.RUNS_ON),
    (HVS_IRI + "onVolume", Relation.ON_VOLUME),
    (HV_IRI + "protects", Relation.PROTECTS),
    (HV_IRI + "protectsAllVMsOn", Relation.PROTECTS_ALL_VMS_ON),
    (HV_IRI + "storesTo", Relation.STORES_TO),
    (HV_IRI + "copiesTo", Relation.COPIES_TO),
    (HV_IRI + "hostedBy", Relation.HOSTED_BY),
    (HV_IRI + "onSystem", Relation.ON_SYSTEM),
)
_DERIVED_MARKER = ox.NamedNode(HVS_IRI + "name")


def key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def display_name(node_key: str) -> str:
    """A node's name when it has no label: as findings name it (short name, else last IRI segment)."""
    if node_key.startswith(("http://", "https://", "urn:")):
        for prefix, namespace in PREFIXES.items():
            if node_key.startswith(namespace) and len(node_key) > len(namespace):
                return f"{prefix}:{node_key[len(namespace) :]}"
        return re.split(r"[/#:]", node_key.rstrip("/#"))[-1] or node_key
    return node_key


def ensure_derived(store: ox.Store, derivations: Iterable[str]) -> None:
    """Add the derived facts (protectedBy, atSite, onVolume, ...) unless the engine left them in the store.

    The fast engine derives them in the validation store itself; the reference engine derives them on
    its own copy of the graph. hvs:name is derived for every typed resource, and the ontology always
    has some, so its presence tells whether the derivations ran.
    """
    if next(iter(store.quads_for_pattern(None, _DERIVED_MARKER, None)), None) is not None:
        return
    for query in derivations:
        triples = list(store.query(query))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def _pairs(store: ox.Store, predicate: str) -> Iterable[tuple[str, str]]:
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
        if not isinstance(quad.object, ox.Literal):
            yield key(quad.subject), key(quad.object)


def _subjects(store: ox.Store, predicate: str) -> set[str]:
    return {key(q.subject) for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None)}


def _first(values: dict[str, list[str]], node: str, allowed: dict[str, object]) -> str | None:
    candidates = sorted(v for v in values.get(node, ()) if v in allowed)
    return candidates[0] if candidates else None


def _kinds(store: ox.Store) -> dict[str, NodeKind]:
    kinds: dict[str, NodeKind] = {}
    for kind, name in _CLASSES:
        query = f"SELECT DISTINCT ?x WHERE {{ ?x <{HVS_IRI}isA> <{HV_IRI}{name}> }}"
        for solution in store.query(query):
            kinds.setdefault(key(solution["x"]), kind)
    return kinds


def _labels(store: ox.Store, wanted: dict[str, NodeKind]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDFS_IRI + "label"), None):
        node = key(quad.subject)
        if node in wanted and isinstance(quad.object, ox.Literal):
            text = quad.object.value
            if node not in labels or text < labels[node]:
                labels[node] = text
    return labels


def build_inventory(store: ox.Store, derivations: Iterable[str] = ()) -> Inventory:
    """The inventory of one validation store (data, ontology and derived facts)."""
    ensure_derived(store, derivations)
    kinds = _kinds(store)
    labels = _labels(store, kinds)
    relation = defaultdict(list)
    for predicate in ("runsOn", "memberOfCluster", "usedByCluster", "attachedTo"):
        for subject, obj in _pairs(store, HV_IRI + predicate):
            relation[predicate, subject].append(obj)
    sites: dict[str, list[str]] = defaultdict(list)
    for subject, obj in _pairs(store, HVS_IRI + "atSite"):
        sites[subject].append(obj)
    protected = _subjects(store, HVS_IRI + "protectedBy")
    excluded = _subjects(store, HV_IRI + "backupExclusionReason")
    of = {kind: {n: k for n, k in kinds.items() if k is kind} for kind in NodeKind}

    def related(predicate: str, node: str, kind: NodeKind) -> str | None:
        candidates = sorted(v for v in relation.get((predicate, node), ()) if v in of[kind])
        return candidates[0] if candidates else None

    nodes: dict[str, InventoryNode] = {}
    for node, kind in kinds.items():
        item = InventoryNode.model_construct(id=node, kind=kind, label=labels.get(node) or display_name(node))
        item.site = _first(sites, node, of[NodeKind.SITE])
        if kind is NodeKind.VM:
            item.host = related("runsOn", node, NodeKind.HOST)
        elif kind is NodeKind.HOST:
            item.cluster = related("memberOfCluster", node, NodeKind.CLUSTER)
        elif kind is NodeKind.VOLUME:
            item.cluster = related("usedByCluster", node, NodeKind.CLUSTER)
            item.host = related("attachedTo", node, NodeKind.HOST)
        if kind in COMPUTER_SYSTEMS:
            item.protected = node in protected
            item.excluded = node in excluded
        nodes[node] = item
    for item in nodes.values():
        if item.kind is NodeKind.VM and item.host is not None:
            item.cluster = nodes[item.host].cluster
    _place_clusters(nodes)
    edges = [
        InventoryEdge.model_construct(source=source, target=target, relation=rel)
        for predicate, rel in _EDGES
        for source, target in _pairs(store, predicate)
        if source in nodes and target in nodes
    ]
    order = {kind: index for index, kind in enumerate(NodeKind)}
    return Inventory(
        nodes=sorted(nodes.values(), key=lambda n: (order[n.kind], n.label, n.id)),
        edges=sorted(edges, key=lambda e: (e.relation, e.source, e.target)),
    )


def _place_clusters(nodes: dict[str, InventoryNode]) -> None:
    """A cluster stands at the site where most of its hosts stand (the first such site on a tie)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for item in nodes.values():
        if item.kind is NodeKind.HOST and item.cluster is not None and item.site is not None:
            votes[item.cluster][item.site] += 1
    for cluster, counter in votes.items():
        best = max(counter.values())
        nodes[cluster].site = min(site for site, count in counter.items() if count == best)
