"""Small, varied environment graphs for the command-line tests, each with the COV-001 findings it must give.

Every environment has one or two hosts (sometimes in a cluster), a few VMs, sometimes physical servers,
and zero to two backup jobs that protect systems directly, every VM on a host, or every VM in the cluster.
Some systems carry an exclusion reason. The generator works out which VMs and physical servers are not
protected and not excluded: exactly the COV-001 findings (rules.md). Files are written as Turtle,
N-Triples or JSON-LD so that a directory run meets every extension.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

PREFIXES = (
    "@prefix hv: <https://w3id.org/hv-advisor/ontology#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


@dataclass
class Environment:
    name: str
    lines: list[str] = field(default_factory=list)
    cov001: set[str] = field(default_factory=set)  # IRIs COV-001 must report

    def turtle(self) -> str:
        return PREFIXES + "\n".join(self.lines) + "\n"


def generate(seed: int) -> Environment:
    rng = random.Random(seed)
    base = f"https://example.org/env{seed}/"
    env = Environment(name=f"env{seed:03d}")

    def node(local: str) -> str:
        return f"<{base}{local}>"

    clustered = rng.random() < 0.5
    hosts = [f"hv{i}" for i in range(1, rng.randint(1, 2) + 1)]
    if clustered:
        env.lines.append(f'{node("cluster")} a hv:Cluster ; rdfs:label "CL-{seed}" .')
    for host in hosts:
        membership = f" ; hv:memberOfCluster {node('cluster')}" if clustered else ""
        env.lines.append(f'{node(host)} a hv:HyperVHost ; rdfs:label "{host.upper()}-{seed}"{membership} .')

    vms = {f"vm{i}": rng.choice(hosts) for i in range(1, rng.randint(1, 6) + 1)}
    servers = [f"srv{i}" for i in range(1, rng.randint(0, 2) + 1)]
    excluded = {s for s in [*vms, *servers] if rng.random() < 0.15}
    for vm, host in vms.items():
        extra = ' ; hv:backupExclusionReason "Rebuilt from the pipeline"' if vm in excluded else ""
        env.lines.append(
            f'{node(vm)} a hv:VirtualMachine ; rdfs:label "{vm.upper()}-{seed}" ; hv:runsOn {node(host)}{extra} .'
        )
    for server in servers:
        extra = ' ; hv:backupExclusionReason "Decommissioned next month"' if server in excluded else ""
        env.lines.append(f'{node(server)} a hv:PhysicalServer ; rdfs:label "{server.upper()}-{seed}"{extra} .')

    protected: set[str] = set()
    for j in range(rng.randint(0, 2)):
        kind = rng.choice(["direct", "host", "cluster" if clustered else "host"])
        job = node(f"job{j}")
        if kind == "direct":
            chosen = rng.sample([*vms, *servers], k=rng.randint(0, len(vms) + len(servers)))
            protected.update(chosen)
            targets = ", ".join(node(c) for c in chosen)
            statement = f" ; hv:protects {targets}" if chosen else ""
        elif kind == "host":
            host = rng.choice(hosts)
            protected.update(vm for vm, on in vms.items() if on == host)
            statement = f" ; hv:protectsAllVMsOn {node(host)}"
        else:
            protected.update(vms)
            statement = f" ; hv:protectsAllVMsOn {node('cluster')}"
        env.lines.append(f'{job} a hv:BackupJob ; rdfs:label "Job {j}-{seed}"{statement} .')

    env.cov001 = {f"{base}{s}" for s in [*vms, *servers] if s not in protected and s not in excluded}
    return env


def write(env: Environment, folder: Path, form: str) -> Path:
    """Write as `ttl`, `nt` or `jsonld`; returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{env.name}.{form}"
    if form == "ttl":
        path.write_text(env.turtle(), encoding="utf-8")
        return path
    quads = ox.parse(env.turtle(), format=ox.RdfFormat.TURTLE)
    target = ox.RdfFormat.N_TRIPLES if form == "nt" else ox.RdfFormat.JSON_LD
    path.write_bytes(ox.serialize((q.triple for q in quads), format=target))
    return path


def write_many(root: Path, count: int) -> dict[Path, set[str]]:
    """`count` environments in nested folders, in all three formats; each path with its COV-001 IRIs."""
    truth = {}
    for seed in range(count):
        folder = root / f"region{seed % 3}" / ("branch" if seed % 2 else "datacenter")
        form = ("ttl", "nt", "ttl", "jsonld")[seed % 4]
        env = generate(seed)
        truth[write(env, folder, form)] = env.cov001
    return truth
