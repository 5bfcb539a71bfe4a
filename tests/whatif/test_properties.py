"""Properties of what-ifs on generated estates (hypothesis): what the rules of rules.md, "What-if", imply."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.loading import RdfFormat, parse_bytes
from advisor.whatif import Facts, State, Target, graph_facts, what_if

AS_OF = dt.date(2026, 11, 25)
EX = "https://example.org/gen/"
PROPERTIES = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
PREFIXES = """@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/gen/> .
"""


@st.composite
def estates(draw: st.DrawFn) -> tuple[str, set[str]]:
    """An estate in Turtle, with its cloud repositories that stand at no site. It has sites, clusters, hosts,
    volumes, VMs, repositories (at a site, on a system, in the cloud without a site), jobs covering systems
    directly or by host or cluster, and dependencies."""
    lines = [PREFIXES]
    sites = [f"s{i}" for i in range(draw(st.integers(1, 3)))]
    lines += [f"ex:{s} a hv:Site ." for s in sites]
    clusters = [f"c{i}" for i in range(draw(st.integers(0, 2)))]
    lines += [f"ex:{c} a hv:Cluster ." for c in clusters]
    hosts = [f"h{i}" for i in range(draw(st.integers(1, 4)))]
    for host in hosts:
        facts = [f"ex:{host} a hv:HyperVHost"]
        if draw(st.booleans()):
            facts.append(f"hv:locatedAt ex:{draw(st.sampled_from(sites))}")
        if clusters and draw(st.booleans()):
            facts.append(f"hv:memberOfCluster ex:{draw(st.sampled_from(clusters))}")
        lines.append(" ; ".join(facts) + " .")
    volumes = []
    for i, cluster in enumerate(clusters):
        volumes.append(f"csv{i}")
        lines.append(f"ex:csv{i} a hv:ClusterSharedVolume ; hv:usedByCluster ex:{cluster} .")
    for i, host in enumerate(hosts):
        if draw(st.booleans()):
            volumes.append(f"lv{i}")
            lines.append(f"ex:lv{i} a hv:LocalVolume ; hv:attachedTo ex:{host} .")
    vms = [f"vm{i}" for i in range(draw(st.integers(1, 8)))]
    for vm in vms:
        facts = [f"ex:{vm} a hv:VirtualMachine", f"hv:runsOn ex:{draw(st.sampled_from(hosts))}"]
        if volumes and draw(st.booleans()):
            facts.append(f"hv:storedOn ex:{draw(st.sampled_from(volumes))}")
        lines.append(" ; ".join(facts) + " .")
    systems = hosts + vms
    for _ in range(draw(st.integers(0, 6))):
        source, target = draw(st.sampled_from(systems)), draw(st.sampled_from(systems))
        lines.append(f"ex:{source} hv:dependsOn ex:{target} .")
    repositories = [f"r{i}" for i in range(draw(st.integers(1, 4)))]
    cloud = set()
    for repository in repositories:
        where = draw(st.sampled_from(["site", "system", "cloud"]))
        facts = [f"ex:{repository} a hv:BackupRepository"]
        if where == "site":
            facts.append(f"hv:locatedAt ex:{draw(st.sampled_from(sites))}")
        elif where == "system":
            facts.append(f"hv:onSystem ex:{draw(st.sampled_from(systems))}")
        else:
            facts.append("hv:media hv:CloudMedia")
            cloud.add(EX + repository)
        lines.append(" ; ".join(facts) + " .")
    for i in range(draw(st.integers(0, 5))):
        facts = [f"ex:j{i} a hv:BackupJob"]
        covered = draw(st.lists(st.sampled_from(systems), max_size=3, unique=True))
        facts += [f"hv:protects ex:{s}" for s in covered]
        if draw(st.booleans()):
            facts.append(f"hv:protectsAllVMsOn ex:{draw(st.sampled_from(hosts + clusters))}")
        for predicate in ("storesTo", "copiesTo"):
            if draw(st.booleans()):
                facts.append(f"hv:{predicate} ex:{draw(st.sampled_from(repositories))}")
        lines.append(" ; ".join(facts) + " .")
    return "\n".join(lines) + "\n", cloud


def facts_of(turtle: str) -> Facts:
    return graph_facts(parse_bytes(turtle.encode(), RdfFormat.TURTLE), AS_OF)


def losable(facts: Facts) -> list[Target]:
    """Every element of the estate that a what-if can lose, as a target of its kind."""
    return [Target(facts.kind_of(node), node) for node in sorted(facts.classes) if facts.kind_of(node)]


@PROPERTIES
@given(estates())
def test_losing_nothing_leaves_every_system_unaffected(estate: tuple[str, set[str]]):
    facts = facts_of(estate[0])
    result = what_if(facts, [], AS_OF)
    assert result.systems and {s.state for s in result.systems} == {State.UNAFFECTED}
    assert result.lost == () and result.data_sets_lost == () and result.broken_dependencies == ()


@PROPERTIES
@given(estates(), st.data())
def test_losing_more_never_makes_an_unrecoverable_system_recoverable(estate: tuple[str, set[str]], data: st.DataObject):
    facts = facts_of(estate[0])
    candidates = losable(facts)
    fewer = data.draw(st.lists(st.sampled_from(candidates), max_size=3, unique=True))
    more = fewer + data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True))
    before = {s.iri: s.state for s in what_if(facts, fewer, AS_OF).systems}
    for larger in (more, candidates):  # a few more, and everything
        after = {s.iri: s.state for s in what_if(facts, larger, AS_OF).systems}
        for iri, state in before.items():
            if state is State.UNRECOVERABLE:
                assert after[iri] is State.UNRECOVERABLE, iri


@PROPERTIES
@given(estates(), st.data())
def test_a_system_backed_up_to_a_cloud_repository_without_site_survives_losing_sites(
    estate: tuple[str, set[str]], data: st.DataObject
):
    turtle, cloud = estate
    facts = facts_of(turtle)
    sites = [t for t in losable(facts) if t.kind == "site"]
    lost_sites = data.draw(st.lists(st.sampled_from(sites), min_size=1, unique=True))
    result = what_if(facts, lost_sites, AS_OF)
    for outcome in result.systems:
        jobs = facts.covering.get(outcome.iri, set())
        if any(facts.repositories.get(job, set()) & cloud for job in jobs):
            assert outcome.state is not State.UNRECOVERABLE, outcome.iri
