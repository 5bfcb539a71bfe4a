"""The inventory a validation reads from its store: kinds, labels, containment, edges, protection."""

from __future__ import annotations

import pytest
from rdflib import Graph

from advisor.catalog import read_catalog
from advisor.engine.fast import FastEngine
from advisor.engine.plan import compile_shapes
from advisor.inventory import Inventory, NodeKind, Relation, build_inventory
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import RdfFormat, parse_bytes
from advisor.resources import shapes_dir
from advisor.validation import build_store, validate
from tests.conftest import FIXED_AS_OF
from tests.test_render_common import INPUTS, report_for

ESTATE = b"""
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:hq a hv:Site ; rdfs:label "Headquarters" .
ex:dr a hv:Site ; rdfs:label "DR site" .
ex:cl01 a hv:Cluster ; rdfs:label "CL01" .
ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" ; hv:memberOfCluster ex:cl01 ; hv:locatedAt ex:hq .
ex:hv02 a hv:HyperVHost ; rdfs:label "HV02" ; hv:memberOfCluster ex:cl01 ; hv:locatedAt ex:hq .
ex:hv03 a hv:HyperVHost ; rdfs:label "HV03" ; hv:locatedAt ex:dr .
ex:csv1 a hv:ClusterSharedVolume ; rdfs:label "CSV1" ; hv:usedByCluster ex:cl01 ; hv:locatedAt ex:hq .
ex:local3 a hv:LocalVolume ; rdfs:label "HV03 D:" ; hv:attachedTo ex:hv03 ; hv:locatedAt ex:dr .
ex:fs01 a hv:PhysicalServer ; rdfs:label "FS01" ; hv:locatedAt ex:hq .
ex:share a hv:SMBShare ; rdfs:label "VM share" ; hv:hostedBy ex:fs01 ; hv:locatedAt ex:hq .
ex:sql01 a hv:VirtualMachine ; rdfs:label "SQL01" ; hv:runsOn ex:hv01 ; hv:hasDisk ex:sql01-d .
ex:sql01-d a hv:VirtualHardDisk ; hv:storedOn ex:csv1 .
ex:web01 a hv:VirtualMachine ; rdfs:label "WEB01", "A second label" ; hv:runsOn ex:hv02 ; hv:storedOn ex:share .
ex:app01 a hv:VirtualMachine ; hv:runsOn ex:hv03 ; hv:storedOn ex:local3 .
ex:lab01 a hv:VirtualMachine ; rdfs:label "LAB01" ; hv:runsOn ex:hv03 ; hv:backupExclusionReason "Scratch" .
ex:repo1 a hv:BackupRepository ; rdfs:label "Disk repo" ; hv:onSystem ex:fs01 ; hv:media hv:DiskMedia .
ex:repo2 a hv:BackupRepository ; rdfs:label "Tape" ; hv:locatedAt ex:dr ; hv:media hv:TapeMedia .
ex:job1 a hv:BackupJob ; rdfs:label "Nightly cluster" ; hv:protectsAllVMsOn ex:cl01 ;
    hv:storesTo ex:repo1 ; hv:copiesTo ex:repo2 .
ex:job2 a hv:BackupJob ; rdfs:label "File server" ; hv:protects ex:fs01, ex:hv03 ; hv:storesTo ex:repo1 .
"""
EX = "https://example.org/"


def _inventory(engine: str) -> Inventory:
    graph = parse_bytes(ESTATE, RdfFormat.TURTLE, source="estate.ttl")
    return validate(graph, as_of=FIXED_AS_OF, engine=engine).inventory  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return _inventory("fast")


def test_every_resource_has_its_kind_and_label(inventory: Inventory) -> None:
    kinds = {n.id.removeprefix(EX): n.kind for n in inventory.nodes}
    assert kinds == {
        "hq": NodeKind.SITE,
        "dr": NodeKind.SITE,
        "cl01": NodeKind.CLUSTER,
        "hv01": NodeKind.HOST,
        "hv02": NodeKind.HOST,
        "hv03": NodeKind.HOST,
        "sql01": NodeKind.VM,
        "web01": NodeKind.VM,
        "app01": NodeKind.VM,
        "lab01": NodeKind.VM,
        "fs01": NodeKind.SERVER,
        "csv1": NodeKind.VOLUME,
        "local3": NodeKind.VOLUME,
        "share": NodeKind.VOLUME,
        "repo1": NodeKind.REPOSITORY,
        "repo2": NodeKind.REPOSITORY,
        "job1": NodeKind.JOB,
        "job2": NodeKind.JOB,
    }
    labels = {n.id.removeprefix(EX): n.label for n in inventory.nodes}
    assert labels["web01"] == "A second label"  # the first label in order, as findings name it
    assert labels["app01"] == "app01"  # no label: the last segment of the IRI


def test_containment_follows_sites_clusters_and_hosts(inventory: Inventory) -> None:
    nodes = {n.id.removeprefix(EX): n for n in inventory.nodes}

    def where(name: str) -> tuple:
        node = nodes[name]
        return tuple(v.removeprefix(EX) if v else None for v in (node.site, node.cluster, node.host))

    assert where("sql01") == ("hq", "cl01", "hv01")  # a VM stands at its host's site, in its host's cluster
    assert where("app01") == ("dr", None, "hv03")
    assert where("hv02") == ("hq", "cl01", None)
    assert where("cl01") == ("hq", None, None)  # where its hosts stand
    assert where("csv1") == ("hq", "cl01", None)
    assert where("local3") == ("dr", None, "hv03")
    assert where("repo1") == ("hq", None, None)  # the site of the server it is on
    assert where("job1") == (None, None, None)


def test_edges_hold_every_relationship(inventory: Inventory) -> None:
    edges = {(e.source.removeprefix(EX), e.relation, e.target.removeprefix(EX)) for e in inventory.edges}
    assert {
        ("sql01", Relation.RUNS_ON, "hv01"),
        ("sql01", Relation.ON_VOLUME, "csv1"),  # through its virtual hard disk
        ("web01", Relation.ON_VOLUME, "share"),
        ("job1", Relation.PROTECTS_ALL_VMS_ON, "cl01"),
        ("job2", Relation.PROTECTS, "fs01"),
        ("job1", Relation.STORES_TO, "repo1"),
        ("job1", Relation.COPIES_TO, "repo2"),
        ("share", Relation.HOSTED_BY, "fs01"),
        ("repo1", Relation.ON_SYSTEM, "fs01"),
    } <= edges
    node_ids = {n.id for n in inventory.nodes}
    assert all(e.source in node_ids and e.target in node_ids for e in inventory.edges)
    assert not any(e.target.endswith("sql01-d") for e in inventory.edges)  # disks are not drawn


def test_protection_of_every_computer_system(inventory: Inventory) -> None:
    systems = {n.id.removeprefix(EX): (n.protected, n.excluded) for n in inventory.nodes if n.protected is not None}
    assert systems == {
        "sql01": (True, False),  # through the cluster-wide job
        "web01": (True, False),
        "app01": (False, False),
        "lab01": (False, True),
        "hv01": (False, False),  # a job on a host's VMs does not protect the host
        "hv02": (False, False),
        "hv03": (True, False),
        "fs01": (True, False),
    }
    assert inventory.protection() == {"protected": 4, "excluded": 1, "unprotected": 3}


def _small_knowledge_base() -> KnowledgeBase:
    """The real ontology and derivations with one rule, so that stock pySHACL runs in seconds."""
    full = knowledge_base()
    shapes = Graph()
    for name in ("_prefixes.ttl", "_derived.ttl", "COV-001.ttl"):
        shapes.parse(shapes_dir() / name, format="turtle")
    return KnowledgeBase(
        ontology=full.ontology,
        shapes=shapes,
        ontology_triples=full.ontology_triples,
        catalog=read_catalog(shapes + full.ontology),
        plan=compile_shapes(shapes),
        defined_terms=full.defined_terms,
    )


def test_the_inventory_is_the_same_whether_or_not_the_engine_left_derived_facts() -> None:
    kb = knowledge_base()
    graph = parse_bytes(ESTATE, RdfFormat.TURTLE)
    derivations = [d.query for d in kb.plan.derivations]
    untouched = build_store(graph, kb, FIXED_AS_OF)  # as the reference engine leaves it
    derived = build_store(graph, kb, FIXED_AS_OF)
    FastEngine(kb.plan).run(derived)  # the fast engine derives in the store itself
    before = len(derived)
    assert build_inventory(untouched, derivations) == build_inventory(derived, derivations)
    assert len(derived) == before  # nothing derived twice


@pytest.mark.slow
def test_both_engines_give_the_same_inventory() -> None:
    kb = _small_knowledge_base()
    graph = parse_bytes(ESTATE, RdfFormat.TURTLE, source="estate.ttl")
    fast = validate(graph, as_of=FIXED_AS_OF, engine="fast", kb=kb)
    reference = validate(graph, as_of=FIXED_AS_OF, engine="reference", kb=kb)
    assert [f.focus_node for f in fast.findings] == [f.focus_node for f in reference.findings]
    assert reference.inventory == fast.inventory
    assert len(fast.inventory.nodes) == 18


def test_every_focus_node_of_a_drawn_kind_is_in_the_inventory() -> None:
    for path in INPUTS:
        report = report_for(path)
        ids = {n.id for n in report.inventory.nodes}
        coverage = [f for f in report.findings if f.rule_id in ("COV-001", "COV-010")]
        assert all(f.focus_node in ids for f in coverage), path
