"""Environment graphs generated for tests: as large as needed, each VM named so findings can be checked."""

from __future__ import annotations

PREFIXES = """@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/generated/> .
"""


def environment(vms: int, *, unprotected_every: int = 10, tag: str = "") -> bytes:
    """One cluster of hosts with `vms` VMs, a cluster-wide job, and every `unprotected_every`-th VM on a
    standalone host that no job covers (so COV-001 fires for exactly those)."""
    lines = [
        PREFIXES,
        'ex:site a hv:Site ; rdfs:label "Site" .',
        'ex:cluster a hv:Cluster ; rdfs:label "CL" .',
        'ex:lonely a hv:HyperVHost ; rdfs:label "LONELY" ; hv:locatedAt ex:site .',
        'ex:repo a hv:BackupRepository ; rdfs:label "Repository" ; hv:locatedAt ex:site .',
        'ex:job a hv:BackupJob ; rdfs:label "Cluster job" ; hv:protectsAllVMsOn ex:cluster ; hv:storesTo ex:repo .',
    ]
    hosts = max(1, vms // 20)
    for h in range(hosts):
        lines.append(f'ex:h{h} a hv:HyperVHost ; rdfs:label "H{h}{tag}" ; hv:memberOfCluster ex:cluster .')
    for v in range(vms):
        host = "ex:lonely" if v % unprotected_every == 0 else f"ex:h{v % hosts}"
        label, memory = f"VM{v}{tag}", 1024 + v
        lines.append(f'ex:vm{v} a hv:VirtualMachine ; rdfs:label "{label}" ; hv:runsOn {host} ; hv:memoryMB {memory} .')
    return ("\n".join(lines) + "\n").encode("utf-8")


def unprotected(vms: int, *, unprotected_every: int = 10, tag: str = "") -> set[str]:
    """Labels of the VMs `environment` leaves without a job."""
    return {f"VM{v}{tag}" for v in range(vms) if v % unprotected_every == 0}


def plain(triples: int) -> bytes:
    """N-Triples outside the advisor's vocabulary: no rule applies, so the work is parsing and loading, in
    proportion to the size (about a second per 50,000 triples on a developer machine)."""
    lines = (
        f'<https://example.org/plain/s{i}> <https://example.org/plain/p{i % 7}> "value number {i}" .\n'
        for i in range(triples)
    )
    return "".join(lines).encode("utf-8")
