"""Generate a realistic Hyper-V estate of N virtual machines in the advisor's vocabulary (Turtle).

    python bench/generate.py 10000 --seed 7 --output estate-10k.ttl

The estate has datacenter sites with failover clusters (Cluster Shared Volumes, SMB 3.0 shares on file
servers), branch offices with one standalone host each, lab hosts, applications whose web, middleware and
database VMs depend on each other and on domain controllers, SQL availability groups and Exchange DAGs,
checkpoints, Hyper-V Replica to the other datacenter, backup products, host-level, agent-based and data-only
jobs, repositories on disk, tape and cloud, restore tests, and the recovery facts (recovery point objectives,
job schedules, last successful runs, repositories stated immutable or not).

Most of it is healthy. Every rule of the catalog is broken somewhere, at a low rate that grows with the estate,
and at least once whenever the estate has the parts the rule is about (from about 100 VMs on). The output is the
same for the same N, seed and as-of date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

DEFAULT_AS_OF = dt.date(2026, 11, 25)
NAMESPACE = "https://example.org/estate/"
T = TypeVar("T")

_CITIES = [
    "Frankfurt", "Amsterdam", "Dublin", "Paris", "Madrid", "Milan", "Vienna", "Zurich", "Stockholm", "Warsaw",
    "Prague", "Lisbon", "Brussels", "Copenhagen", "Helsinki", "Oslo", "Budapest", "Athens", "Hamburg", "Lyon",
]
_TOWNS = [
    "Aarhus", "Bergen", "Cork", "Delft", "Essen", "Faro", "Ghent", "Graz", "Haarlem", "Innsbruck", "Kassel",
    "Leuven", "Malmo", "Nantes", "Oulu", "Porto", "Rouen", "Split", "Turku", "Utrecht", "Vigo", "Wels",
]
_CLUSTER_OS = [("WindowsServer2016", 20), ("WindowsServer2019", 35), ("WindowsServer2022", 35),
               ("WindowsServer2025", 5), ("WindowsServer2012R2", 5)]
_BRANCH_OS = ["WindowsServer2012", "WindowsServer2012R2", "WindowsServer2016"]
_GUEST_OS = [("WindowsServer2008R2", 3), ("WindowsServer2012", 3), ("WindowsServer2012R2", 7),
             ("WindowsServer2016", 17), ("WindowsServer2019", 30), ("WindowsServer2022", 27),
             ("WindowsServer2025", 5), ("Linux", 8)]
_SERVER_OS = ["WindowsServer2019", "WindowsServer2022"]
_RELEASE_YEAR = {"WindowsServer2012": 2012, "WindowsServer2012R2": 2013}


@dataclass
class Site:
    id: str
    label: str


@dataclass
class Cluster:
    id: str
    label: str
    site: Site
    os: str
    agent: bool  # protected in-guest by agent-based jobs instead of one host-level job
    hosts: list[Host] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    product: str = "contoso"


@dataclass
class Host:
    id: str
    label: str
    site: Site
    os: str
    kind: str  # cluster | branch | lab
    cluster: Cluster | None = None
    local: Volume | None = None
    excluded: str | None = None
    in_infra_job: bool = True


@dataclass
class Volume:
    id: str
    label: str
    kind: str  # csv | smb | local
    site: Site
    owner: str  # the cluster, host or file server


@dataclass
class Server:
    """A physical server that is not a Hyper-V host: backup or file server."""

    id: str
    label: str
    site: Site
    role: str  # backup | file
    os: str
    vss_agent: bool = True


@dataclass
class Disk:
    id: str
    label: str
    kind: str  # VHDX | VHD | PassThroughDisk | GuestISCSIDisk | VirtualFibreChannelDisk
    size: int | str
    volume: Volume | None
    stored_on: str | None = None  # a wrong target, as a local name, in place of the volume


@dataclass
class Workload:
    id: str
    label: str
    kind: str
    granular: bool | None = None
    datasets: list[DataSet] = field(default_factory=list)


@dataclass
class DataSet:
    id: str
    label: str
    kind: str  # Database | MailboxDatabase | ADDomain
    log_truncation: bool | None = None


@dataclass
class Checkpoint:
    id: str
    label: str
    kind: str
    created: dt.datetime


@dataclass
class Replica:
    id: str
    label: str
    primary: VM
    server: Host
    interval: int
    app_consistent: bool | None


@dataclass
class VM:
    id: str
    label: str
    host: Host
    role: str  # dc | db | mail | file | web | mw | app
    tier: str
    os: str
    vcpu: int
    memory: int | str
    volume: Volume
    integration: bool | None = True
    disks: list[Disk] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    depends: list[VM] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    excluded: str | None = None
    rpo_minutes: int | None = None  # hv:rpoTargetMinutes
    listed: bool = True  # in its agent-protected cluster's job lists
    orphan: bool = False  # the inventory lost its host (no hv:runsOn)
    extra: list[tuple[str, str]] = field(default_factory=list)  # further (predicate, object) as Turtle

    @property
    def cluster(self) -> Cluster | None:
        return self.host.cluster


@dataclass
class Repository:
    id: str
    label: str
    media: str | None
    site: Site | None
    system: str | None  # IRI local name of the server holding it
    immutable: bool | None = None  # hv:immutable


@dataclass
class Job:
    id: str
    label: str
    method: str
    scope: str
    product: str
    app_aware: bool
    protects: list[str] = field(default_factory=list)
    protects_all: list[str] = field(default_factory=list)
    stores: Repository | None = None
    copies: list[Repository] = field(default_factory=list)
    test_date: dt.date | None = None
    test_outcome: str | None = None
    interval_hours: int | None = None  # hv:scheduleIntervalHours
    last_run: dt.datetime | None = None  # hv:lastSuccessfulRunAt


PRODUCTS: dict[str, tuple[str, bool | None, bool | None, bool | None]] = {
    "contoso": ("Contoso Backup 12", True, True, True),
    "fabrikam": ("Fabrikam Protect 9", True, False, True),
    "legacy": ("Northwind Backup 5", False, False, False),
    "agent": ("Contoso Agent 12", True, True, True),
    "unknown": ("Adventure Works Backup 3", None, None, None),  # capabilities not recorded
}


class _Estate:
    """The estate as Python objects, built in a fixed order from one random generator."""

    def __init__(self, n_vms: int, seed: int, as_of: dt.date) -> None:
        if n_vms < 10:
            raise ValueError("an estate needs at least 10 VMs")
        self.n = n_vms
        self.rng = random.Random(seed)
        # The recovery facts draw from their own generator, so that adding them left every other draw as it was.
        self.recovery_rng = random.Random(f"recovery-{seed}")
        self.as_of = as_of
        self.sites: list[Site] = []
        self.dc_sites: list[Site] = []
        self.clusters: list[Cluster] = []
        self.hosts: list[Host] = []
        self.volumes: list[Volume] = []
        self.servers: list[Server] = []
        self.vms: list[VM] = []
        self.datasets: list[DataSet] = []
        self.replicas: list[Replica] = []
        self.repositories: list[Repository] = []
        self.jobs: list[Job] = []
        self.extra_depends: list[tuple[VM, VM]] = []
        self._counter: dict[str, int] = {}

    # ------------------------------------------------------------ helpers

    def next_id(self, prefix: str) -> int:
        self._counter[prefix] = self._counter.get(prefix, 0) + 1
        return self._counter[prefix]

    def weighted(self, choices: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def pick(self, pool: Sequence[T], rate: float, minimum: int = 1) -> list[T]:
        """A random subset of about rate × len(pool) items, at least `minimum` when the pool has them."""
        k = min(len(pool), max(minimum, round(rate * len(pool))))
        return self.rng.sample(list(pool), k)

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))

    # ------------------------------------------------------------ infrastructure

    def build(self) -> _Estate:
        n_cluster_hosts = max(4, math.ceil(self.n * 0.9 / 20))
        n_clusters = max(2, math.ceil(n_cluster_hosts / 8))
        n_dc_sites = min(n_clusters, 2 + self.n // 5000)
        n_branches = max(1, round(self.n / 1000))
        n_labs = max(1, round(self.n / 2000))
        self._sites(n_dc_sites)
        self._clusters(n_clusters, n_cluster_hosts)
        self._standalone_hosts(n_branches, n_labs)
        self._servers_and_shares()
        branch_vms = max(1, min(4, self.n // 20))
        lab_vms = max(2, min(15, self.n // 10))
        n_cluster_vms = self.n - branch_vms * n_branches - lab_vms * n_labs
        self._domain_controllers()
        self._applications(n_cluster_vms - len(self.vms))
        self._branch_vms(branch_vms)
        self._lab_vms(lab_vms)
        self._checkpoints()
        self._replication()
        self._anomalies()
        self._repositories()
        self._jobs()
        self._restore_tests()
        self._recovery()
        return self

    def _sites(self, n_dc_sites: int) -> None:
        for i in range(n_dc_sites):
            city = _CITIES[i % len(_CITIES)] + (f" {i // len(_CITIES) + 1}" if i >= len(_CITIES) else "")
            site = Site(f"site{i + 1}", f"{city} datacenter")
            self.sites.append(site)
            self.dc_sites.append(site)

    def _clusters(self, n_clusters: int, n_hosts: int) -> None:
        per_cluster = [n_hosts // n_clusters + (1 if i < n_hosts % n_clusters else 0) for i in range(n_clusters)]
        for i, size in enumerate(per_cluster):
            site = self.dc_sites[i % len(self.dc_sites)]
            cluster = Cluster(
                id=f"cl{i + 1}",
                label=f"CL-{site.label[:3].upper()}-{i + 1:03d}",
                site=site,
                os=self.weighted(_CLUSTER_OS),
                agent=i % 5 == 1,
            )
            if not cluster.agent and self.rng.random() < 0.15:
                cluster.product = "fabrikam"
            for _ in range(size):
                number = self.next_id("hv")
                host = Host(f"hv{number}", f"HV{number:05d}", site, cluster.os, "cluster", cluster)
                cluster.hosts.append(host)
                self.hosts.append(host)
            for v in range(self.rng.randint(2, 4)):
                volume = Volume(f"{cluster.id}csv{v + 1}", f"{cluster.label} CSV{v + 1}", "csv", site, cluster.id)
                cluster.volumes.append(volume)
                self.volumes.append(volume)
            self.clusters.append(cluster)

    def _standalone_hosts(self, n_branches: int, n_labs: int) -> None:
        for b in range(n_branches):
            town = _TOWNS[b % len(_TOWNS)] + (f" {b // len(_TOWNS) + 1}" if b >= len(_TOWNS) else "")
            site = Site(f"branch{b + 1}", f"{town} branch office")
            self.sites.append(site)
            os_name = _BRANCH_OS[0] if b == 0 else self.rng.choice(_BRANCH_OS)
            self._standalone(site, os_name, "branch")
        for _ in range(n_labs):
            host = self._standalone(self.dc_sites[0], "WindowsServer2022", "lab")
            host.excluded = "Lab host: rebuilt from the deployment scripts, holds no unique data."

    def _standalone(self, site: Site, os_name: str, kind: str) -> Host:
        number = self.next_id("hv")
        host = Host(f"hv{number}", f"HV{number:05d}", site, os_name, kind)
        host.local = Volume(f"hv{number}vol", f"HV{number:05d} D:", "local", site, host.id)
        self.volumes.append(host.local)
        self.hosts.append(host)
        return host

    def _servers_and_shares(self) -> None:
        for i, site in enumerate(self.dc_sites):
            self.servers.append(Server(f"bk{i + 1}", f"BKP{i + 1:02d}", site, "backup", self.rng.choice(_SERVER_OS)))
            files = Server(f"fs{i + 1}", f"FS{i + 1:02d}", site, "file", self.rng.choice(_SERVER_OS))
            self.servers.append(files)
            for share in range(self.rng.randint(1, 2)):
                volume = Volume(f"fs{i + 1}share{share + 1}", f"\\\\{files.label}\\VMS{share + 1}", "smb", site,
                                files.id)
                self.volumes.append(volume)

    # ------------------------------------------------------------ virtual machines

    def _vm(self, host: Host, role: str, tier: str | None = None, os_name: str | None = None) -> VM:
        number = self.next_id("vm")
        tier = tier or self.weighted([("Production", 75), ("Development", 10), ("Test", 15)])
        os_name = os_name or ("WindowsServer2022" if role == "dc" else self.weighted(_GUEST_OS))
        if role in ("db", "mail", "dc", "file") and os_name == "Linux":
            os_name = "WindowsServer2019"
        big = role in ("db", "mail")
        vcpu = self.rng.choice([4, 8, 16] if big else [1, 2, 2, 4, 4, 8])
        memory = self.rng.choice([16384, 32768, 65536] if big else [2048, 4096, 8192, 8192, 16384])
        volume = self._vm_volume(host)
        prefix = {"dc": "DC", "db": "SQL", "mail": "EXC", "file": "FIL", "web": "WEB", "mw": "APP", "app": "SRV"}[role]
        vm = VM(f"vm{number}", f"{prefix}{number:06d}", host, role, tier, os_name, vcpu, memory, volume)
        disk_format = "VHD" if os_name == "WindowsServer2008R2" and self.rng.random() < 0.5 else "VHDX"
        for d in range(1 + self.rng.choice([0, 1, 1, 1, 2, 3])):
            size = self.rng.randint(60, 127) if d == 0 else self.rng.choice([100, 200, 250, 500, 1000, 1500])
            disk_volume = volume if self.rng.random() < 0.8 or host.cluster is None else self.rng.choice(
                host.cluster.volumes)
            vm.disks.append(Disk(f"{vm.id}d{d + 1}", f"{vm.label} disk {d + 1}", disk_format, size, disk_volume))
        self.vms.append(vm)
        return vm

    def _vm_volume(self, host: Host) -> Volume:
        if host.cluster is None:
            assert host.local is not None
            return host.local
        shares = [v for v in self.volumes if v.kind == "smb" and v.site is host.site]
        # In-guest protected clusters, and those whose product lacks remote VSS, keep VMs on their CSVs.
        if shares and not host.cluster.agent and host.cluster.product == "contoso" and self.rng.random() < 0.1:
            return self.rng.choice(shares)
        return self.rng.choice(host.cluster.volumes)

    def _workload(self, vm: VM, kind: str, granular: bool | None, datasets: list[DataSet] = ()) -> Workload:
        names = {"DomainController": "AD DS", "DNSServer": "DNS", "DatabaseServer": "SQL Server",
                 "MailServer": "Exchange", "FileService": "File service", "WebServer": "IIS",
                 "MiddlewareService": "App service"}
        workload = Workload(f"{vm.id}w{len(vm.workloads) + 1}", f"{names[kind]} on {vm.label}", kind, granular,
                            list(datasets))
        vm.workloads.append(workload)
        return workload

    def _dataset(self, kind: str, label: str, log_truncation: bool | None = None) -> DataSet:
        dataset = DataSet(f"ds{self.next_id('ds')}", label, kind, log_truncation)
        self.datasets.append(dataset)
        return dataset

    def _domain_controllers(self) -> None:
        self.domain = self._dataset("ADDomain", "corp.example.com")
        self.dcs_by_site: dict[str, list[VM]] = {}
        for site in self.dc_sites:
            clusters = [c for c in self.clusters if c.site is site]
            for i in range(2):
                cluster = clusters[i % len(clusters)]
                vm = self._vm(self.rng.choice(cluster.hosts), "dc", "Production")
                self._workload(vm, "DomainController", False, [self.domain])
                self._workload(vm, "DNSServer", False)
                self.dcs_by_site.setdefault(site.id, []).append(vm)

    def _applications(self, n_vms: int) -> None:
        remaining = n_vms
        mail_every = 2500 if self.n >= 200 else 0
        while remaining > 0:
            cluster = self.rng.choice(self.clusters)
            if mail_every and remaining >= 3 and self.next_id("app") % max(1, mail_every // 10) == 0:
                remaining -= self._mail_group(cluster)
                continue
            size = min(remaining, self.rng.randint(5, 16))
            remaining -= self._application(cluster, size)

    def _application(self, cluster: Cluster, size: int) -> int:
        dcs = self.dcs_by_site[cluster.site.id]
        tier = self.weighted([("Production", 75), ("Development", 10), ("Test", 15)])
        roles = ["db"] * (2 if size >= 10 else 1) + ["mw"] * (2 if size >= 12 else 1)
        roles += ["file"] * (1 if size >= 8 else 0)
        roles += ["web"] * max(0, math.ceil(size * 0.35))
        roles = (roles + ["app"] * size)[:size]
        vms = [self._vm(self.rng.choice(cluster.hosts), role, tier) for role in roles]
        dbs = [vm for vm in vms if vm.role == "db"]
        mws = [vm for vm in vms if vm.role == "mw"]
        if dbs:
            recovery_full = self.rng.random() < 0.7
            databases = [
                self._dataset("Database", f"{dbs[0].label}/DB{k + 1}", recovery_full)
                for k in range(self.rng.randint(1, 4))
            ]
            for db in dbs:  # two database servers: an availability group with a copy on each
                self._workload(db, "DatabaseServer", True, databases)
                db.depends.append(self.rng.choice(dcs))
        for vm in vms:
            if vm.role == "mw":
                self._workload(vm, "MiddlewareService", False)
                vm.depends.extend(dbs[:1])
            elif vm.role == "web":
                self._workload(vm, "WebServer", False)
                vm.depends.append(self.rng.choice(mws or dbs or dcs))
            elif vm.role == "file":
                self._workload(vm, "FileService", True)
                vm.depends.append(self.rng.choice(dcs))
            elif vm.role == "app":
                vm.depends.append(self.rng.choice(mws or dbs or dcs))
        return len(vms)

    def _mail_group(self, cluster: Cluster) -> int:
        """An Exchange DAG of three servers, each holding a copy of every mailbox database."""
        vms = [self._vm(self.rng.choice(cluster.hosts), "mail", "Production") for _ in range(3)]
        databases = [self._dataset("MailboxDatabase", f"MBX-{vms[0].label}-{k + 1:02d}", False) for k in range(4)]
        for vm in vms:
            self._workload(vm, "MailServer", True, databases)
            vm.depends.append(self.rng.choice(self.dcs_by_site[cluster.site.id]))
        return len(vms)

    def _branch_vms(self, per_host: int) -> None:
        for host in (h for h in self.hosts if h.kind == "branch"):
            for i in range(per_host):
                role = "file" if i == 0 else "app"
                vm = self._vm(host, role, "Production", self.rng.choice(["WindowsServer2012R2", "WindowsServer2016"]))
                if role == "file":
                    self._workload(vm, "FileService", True)

    def _lab_vms(self, per_host: int) -> None:
        self.lab_domain = self._dataset("ADDomain", "lab.example.com")
        for host in (h for h in self.hosts if h.kind == "lab"):
            for i in range(per_host):
                role = "dc" if i == 0 else self.weighted([("db", 2), ("web", 3), ("app", 5)])
                vm = self._vm(host, role, self.rng.choice(["Development", "Test"]))
                if role == "dc":
                    self._workload(vm, "DomainController", False, [self.lab_domain])
                elif role == "db":
                    self._workload(vm, "DatabaseServer", True, [
                        self._dataset("Database", f"{vm.label}/LABDB", False)])
                if self.rng.random() < 0.9:
                    vm.excluded = "Lab VM: rebuilt from templates."

    def _checkpoint(self, vm: VM, kind: str | None = None) -> None:
        created = dt.datetime.combine(self.days_ago(1, 400), dt.time(self.rng.randint(0, 23), 0))
        number = len(vm.checkpoints) + 1
        kind = kind or self.weighted([("ProductionCheckpoint", 3), ("StandardCheckpoint", 1)])
        vm.checkpoints.append(Checkpoint(f"{vm.id}cp{number}", f"{vm.label} before update {number}", kind, created))

    def _checkpoints(self) -> None:
        quiet = [vm for vm in self.vms if vm.role not in ("db", "dc", "mail")]
        for vm in quiet:
            if vm.host.kind == "lab" and self.rng.random() < 0.15:
                self._checkpoint(vm, "StandardCheckpoint")
            elif vm.tier != "Production" and vm.host.kind == "cluster" and self.rng.random() < 0.08:
                for _ in range(self.rng.randint(1, 2)):
                    self._checkpoint(vm)

    # ------------------------------------------------------------ replication

    def _replica(self, vm: VM, server: Host, interval: int = 300, app_consistent: bool | None = None) -> Replica:
        if app_consistent is None:
            app_consistent = bool(vm.workloads)
        replica = Replica(f"{vm.id}rep", f"Replica of {vm.label}", vm, server, interval, app_consistent)
        self.replicas.append(replica)
        return replica

    def _dr_host(self, site: Site) -> Host:
        others = [c for c in self.clusters if c.site is not site]
        return self.rng.choice(self.rng.choice(others).hosts)

    def _replication(self) -> None:
        candidates = [vm for vm in self.vms
                      if vm.host.kind == "cluster" and vm.tier == "Production" and vm.role != "dc"]
        for vm in self.pick(candidates, 0.04):
            self._replica(vm, self._dr_host(vm.host.site))
        for vm in (vm for vm in self.vms if vm.host.kind == "branch" and vm.role == "file"):
            self._replica(vm, self._dr_host(vm.host.site))

    # ------------------------------------------------------------ what goes wrong

    def _anomalies(self) -> None:
        rng, vms = self.rng, self.vms
        host_cluster = [vm for vm in vms if vm.cluster is not None and not vm.cluster.agent]
        agent_cluster = [vm for vm in vms if vm.cluster is not None and vm.cluster.agent and vm.role != "dc"]
        lab = [vm for vm in vms if vm.host.kind == "lab"]
        replicated = {r.primary.id: r for r in self.replicas}
        taken: set[str] = set()

        def free(pool: list[VM]) -> list[VM]:
            return [vm for vm in pool if vm.id not in taken and vm.id not in replicated]

        def take(chosen: list[VM]) -> list[VM]:
            taken.update(vm.id for vm in chosen)
            return chosen

        # STO-003: a file server holding VM files without the File Server VSS Agent Service.
        holding = {vm.volume.owner for vm in vms if vm.volume.kind == "smb"}
        for server in self.pick([s for s in self.servers if s.role == "file" and s.id in holding], 0.2):
            server.vss_agent = False
        # COV-001 and COV-009: new VMs nobody added to the agent jobs of an in-guest protected cluster.
        for vm in take(self.pick(free(agent_cluster), 0.03, 3)):
            vm.listed = False
        unlisted = [vm for vm in agent_cluster if not vm.listed]
        # COV-003: one of them replicated (Replica is not a backup).
        for vm in unlisted[:1]:
            self._replica(vm, self._dr_host(vm.host.site))
        # COV-006, COV-007: a new availability-group secondary on an unprotected VM.
        protected_dbs = [vm for vm in host_cluster if vm.role == "db" and vm.workloads]
        for vm in unlisted[1:2]:
            if protected_dbs:
                primary = rng.choice(protected_dbs)
                databases = primary.workloads[0].datasets
                for database in databases[:1]:
                    database.log_truncation = True
                self._workload(vm, "DatabaseServer", True, databases[:1])
        # COV-002 and COV-008: lab VMs left out of the exclusion, one with checkpoints, one with a data-only job.
        lab_free = [vm for vm in free(lab) if vm.role != "dc"]
        included = take(self.pick(lab_free, 0.05, 2))
        for vm in included:
            vm.excluded = None
        if included:
            if not included[0].checkpoints:
                self._checkpoint(included[0], "StandardCheckpoint")
            self.data_only_vms = included[1:2]
            for vm in self.data_only_vms:
                vm.checkpoints.clear()
        else:
            self.data_only_vms = []
        # COV-009: a production VM that depends on an excluded lab VM.
        excluded_lab = [vm for vm in lab if vm.excluded]
        for vm in self.pick([v for v in host_cluster if v.tier == "Production"], 0.002):
            if excluded_lab:
                self.extra_depends.append((vm, rng.choice(excluded_lab)))
        # COV-010: hosts left out of the infrastructure job.
        for host in self.pick([h for h in self.hosts if h.kind == "cluster"], 0.02):
            host.in_infra_job = False
        # SNP-001, SNP-002: checkpoints on production VMs and on domain controllers and database servers.
        production = [vm for vm in free(host_cluster) if vm.tier == "Production" and vm.role in ("web", "app", "mw")]
        for vm in take(self.pick(production, 0.005)):
            self._checkpoint(vm)
        for vm in take(self.pick([v for v in free(host_cluster) if v.role in ("dc", "db")], 0.01)):
            self._checkpoint(vm)
        # REP-001 .. REP-004
        replicas = [r for r in self.replicas if r.primary.host.kind == "cluster" and r.primary.listed]
        chosen = self.pick(replicas, 0.1, 3)
        if chosen:
            chosen[0].server = chosen[0].primary.host  # REP-001
        for replica in chosen[1:2]:  # REP-002
            replica.server = rng.choice([h for h in self.hosts if h.site is replica.primary.host.site
                                         and h is not replica.primary.host and h.kind == "cluster"])
        with_workload = [r for r in replicas if r.primary.workloads and r not in chosen]
        for replica in self.pick(with_workload, 0.05):  # REP-003
            replica.app_consistent = False
        if not with_workload:
            for vm in take(self.pick([v for v in free(host_cluster) if v.workloads], 0, 1)):
                self._replica(vm, self._dr_host(vm.host.site), app_consistent=False)
        old_branch = [vm for vm in vms if _RELEASE_YEAR.get(vm.host.os) == 2012 and vm.id not in replicated]
        for vm in take(self.pick(free(old_branch), 0.5)):  # REP-004: 15 minutes on a 2012 host
            self._replica(vm, self._dr_host(vm.host.site), interval=900)
        # STO-001: direct disks; most on in-guest protected VMs, some where only host-level jobs run.
        listed_agent = [vm for vm in free(agent_cluster) if vm.listed]
        for vm in take(self.pick(listed_agent, 0.01)) + take(self.pick(free(host_cluster), 0.002)):
            kind, name = rng.choice([("PassThroughDisk", "pass-through"), ("GuestISCSIDisk", "iSCSI"),
                                     ("VirtualFibreChannelDisk", "virtual FC")])
            vm.disks.append(Disk(f"{vm.id}d{len(vm.disks) + 1}", f"{vm.label} {name} LUN", kind, 2000, None))
        # STO-002, STO-004: an old host-level job with a product that supports neither CSV nor remote VSS.
        on_csv = [vm for vm in free(host_cluster) if vm.volume.kind == "csv" and vm.role in ("web", "app")]
        on_smb = [vm for vm in free(host_cluster) if vm.volume.kind == "smb" and vm.role in ("web", "app")]
        self.legacy_vms = take(self.pick(on_csv, 0.003)) + take(self.pick(on_smb, 0.02))
        # MTH-001, MTH-002: backup integration off; a Windows 2000 guest.
        for vm in take(self.pick(free(host_cluster), 0.005)):
            vm.integration = False
        for vm in take(self.pick([v for v in free(host_cluster) if v.role in ("app", "web")], 0.0005)):
            vm.os = "WindowsServer2000"
        # MTH-004: database servers that also got an agent-based job.
        self.double_vms = take(self.pick([vm for vm in free(host_cluster) if vm.role == "db"], 0.03))
        # HST-002: over the 64 vCPU / 1 TB limit of a 2012 or 2012 R2 host.
        old = [vm for vm in free(vms) if _RELEASE_YEAR.get(vm.host.os) and vm.host.kind != "lab"]
        for i, vm in enumerate(take(self.pick(old, 0.01))):
            if i % 2:
                vm.memory = 1_572_864
            else:
                vm.vcpu = 96
        # HST-003: a VHD grown past 2040 GiB.
        vhd = [vm for vm in free(vms) if any(d.kind == "VHD" for d in vm.disks)]
        if not vhd:
            vhd = [vm for vm in free(host_cluster) if len(vm.disks) > 1][:1]
        for vm in take(self.pick(vhd, 0.05)):
            disk = vm.disks[-1]
            disk.kind, disk.size = "VHD", 2500
        self._data_quality(lambda: free(host_cluster), take)

    def _data_quality(self, pool: Callable[[], list[VM]], take: Callable[[list[VM]], list[VM]]) -> None:
        """Inventory mistakes: the kinds of error an export or a hand-edited graph brings in."""
        for vm in take(self.pick(pool(), 0.0005)):  # DQ-001: a misspelt property
            vm.extra.append(("hv:virtualProcesorCount", str(vm.vcpu)))
        for i, vm in enumerate(take(self.pick(pool(), 0.001, 2))):  # DQ-002: sizes written with their unit
            if i % 2:
                vm.disks[0].size = f"{vm.disks[0].size} GB"
            else:
                vm.memory = f"{int(vm.memory) // 1024} GB"
        for vm in take(self.pick([v for v in pool() if v.disks[-1].kind in ("VHD", "VHDX")], 0.0005)):  # DQ-003
            vm.disks[-1].stored_on = vm.host.id
        for vm in take(self.pick(pool(), 0.0005)):  # DQ-004, and COV-001 with it
            vm.orphan = True
        linux = [v for v in pool() if v.os == "Linux"]
        for vm in take(self.pick(linux or pool(), 0.3)):  # DQ-005: not captured for a third of Linux guests
            vm.integration = None
        for vm in take(self.pick([v for v in pool() if v.tier == "Production" and v.role == "web"], 0.0005)):
            vm.extra.append(("hv:dependsOn", "ex:payments-saas"))  # DQ-007 (and COV-009): not described
        on_csv = [vm for vm in pool() if vm.volume.kind == "csv" and vm.role == "app"]
        self.unknown_product_vms = take(self.pick(on_csv, 0.0005))  # DQ-008

    # ------------------------------------------------------------ backup

    def _repositories(self) -> None:
        self.site_repository: dict[str, Repository] = {}
        for i, site in enumerate(self.dc_sites):
            repository = Repository(f"repo{i + 1}", f"{site.label} backup repository", "DiskMedia", site, f"bk{i + 1}")
            self.site_repository[site.id] = repository
            self.repositories.append(repository)
        self.tape = Repository("tape1", "Tape library", "TapeMedia", self.dc_sites[0], "bk1")
        self.cloud = Repository("cloud1", "Cloud archive", "CloudMedia", None, None)
        self.old_nas = Repository("nas-old", "Old NAS", None, None, None)  # DQ-006: nothing recorded about it
        self.repositories += [self.tape, self.cloud, self.old_nas]
        self.branch_repository: dict[str, Repository] = {}
        branch_hosts = [h for h in self.hosts if h.kind == "branch"]
        on_host = self.pick(branch_hosts, 0.2, 0)
        for host in branch_hosts:
            holder = host.id if host in on_host else None  # OFF-002: a USB disk on the branch host itself
            repository = Repository(f"{host.id}repo", f"{host.site.label} NAS", "DiskMedia", host.site, holder)
            self.branch_repository[host.id] = repository
            self.repositories.append(repository)

    def _job(self, label: str, method: str, scope: str, product: str, app_aware: bool) -> Job:
        job = Job(f"job{self.next_id('job')}", label, method, scope, product, app_aware)
        self.jobs.append(job)
        return job

    def _jobs(self) -> None:
        rng = self.rng
        for cluster in self.clusters:
            repository = self.site_repository[cluster.site.id]
            if not cluster.agent:
                job = self._job(f"{cluster.label} nightly", "HostLevel", "FullSystem", cluster.product, True)
                job.protects_all.append(cluster.id)
                job.stores = repository
                job.copies.append(self.cloud if rng.random() < 0.5 else self._other_site_repository(cluster.site))
                continue
            members = [vm for vm in self.vms if vm.cluster is cluster and vm.listed]
            for start in range(0, len(members), 40):
                job = self._job(f"{cluster.label} in-guest {start // 40 + 1}", "AgentBased", "FullSystem", "agent",
                                True)
                job.protects.extend(vm.id for vm in members[start:start + 40])
                job.stores = repository
                job.copies.append(self.tape)
        for host in (h for h in self.hosts if h.kind == "branch"):
            job = self._job(f"{host.site.label} nightly", "HostLevel", "FullSystem", "contoso", False)
            job.protects_all.append(host.id)
            job.stores = self.branch_repository[host.id]
            job.copies.append(self.cloud)
        own_repository = self.pick(self.dc_sites, 0.2)  # OFF-002: the backup server protects itself
        for i, site in enumerate(self.dc_sites):
            job = self._job(f"{site.label} infrastructure", "AgentBased", "FullSystem", "agent", True)
            job.protects.extend(h.id for h in self.hosts if h.site is site and h.kind == "cluster" and h.in_infra_job)
            if i == 0:
                job.protects.extend(h.id for h in self.hosts if h.kind == "branch")
            job.protects.extend(s.id for s in self.servers if s.site is site)
            job.stores = self.site_repository[site.id] if site in own_repository else self._other_site_repository(site)
            job.copies.append(self.cloud)
            data = self._job(f"{site.label} file data", "AgentBased", "DataOnly", "agent", True)
            data.protects.extend(s.id for s in self.servers if s.site is site and s.role == "file")
            data.stores = self.site_repository[site.id]
            data.copies.append(self.tape)
        special = [
            ("Legacy VM backup", "HostLevel", "FullSystem", "legacy", False, self.legacy_vms),
            ("SQL in-guest backup", "AgentBased", "FullSystem", "agent", True, self.double_vms),
            ("Lab data export", "AgentBased", "DataOnly", "agent", True, self.data_only_vms),
            ("Trial host backup", "HostLevel", "FullSystem", "unknown", True, self.unknown_product_vms),
        ]
        for label, method, scope, product, aware, vms in special:
            if vms:
                job = self._job(label, method, scope, product, aware)
                job.protects.extend(vm.id for vm in vms)
                job.stores = self.site_repository[vms[0].host.site.id] if vms[0].host.kind != "branch" else self.cloud
                job.copies.append(self.cloud)
        for job in self.pick([j for j in self.jobs if j.copies and j.stores is not self.cloud], 0.04):  # OFF-001
            job.copies.clear()
        self.jobs[-1].copies.append(self.old_nas)

    def _other_site_repository(self, site: Site) -> Repository:
        index = self.dc_sites.index(site)
        return self.site_repository[self.dc_sites[(index + 1) % len(self.dc_sites)].id]

    def _restore_tests(self) -> None:
        order = self.rng.sample(self.jobs, len(self.jobs))
        n = len(order)
        untested = max(1, round(n * 0.06))
        stale = max(1, round(n * 0.08))
        failed = max(1, round(n * 0.03))
        for i, job in enumerate(order):
            if i < untested:
                continue  # TST-001
            if i < untested + stale:
                job.test_date, job.test_outcome = self.days_ago(120, 400), "Succeeded"  # TST-002
            elif i < untested + stale + failed:
                job.test_date, job.test_outcome = self.days_ago(1, 30), "Failed"  # TST-003
            else:
                job.test_date, job.test_outcome = self.days_ago(1, 85), "Succeeded"


    def _covering(self, vm: VM) -> list[Job]:
        """The jobs that cover a VM (rules.md, "protected"): listed, or every VM on its host or its cluster."""
        scopes = {vm.host.id} | ({vm.cluster.id} if vm.cluster else set())
        return [job for job in self.jobs if vm.id in job.protects or scopes & set(job.protects_all)]

    def _recovery(self) -> None:
        """Objectives, schedules, last runs and immutability: REC-001, RPO-001, RPO-002, IMM-001 and IMM-002."""
        rng = self.recovery_rng
        # Site and branch disk repositories can be deleted by the backup account; the cloud archive's object lock
        # is not recorded (IMM-002 for the jobs that copy there); tape counts as offline whatever is stated.
        for repository in self.repositories:
            if repository.media == "DiskMedia":
                repository.immutable = False
        branch_hosts = [h for h in self.hosts if h.kind == "branch"]
        # Schedules: nightly jobs every 24 hours, the file data every 12, the SQL in-guest job hourly; the branch
        # and legacy jobs' schedules are not recorded (RPO-002 where a covered system has an objective).
        for job in self.jobs:
            if job.label.endswith(" file data"):
                job.interval_hours = 12
            elif job.label == "SQL in-guest backup":
                job.interval_hours = 1
            elif job.product != "legacy" and not any(h.id in job.protects_all for h in branch_hosts):
                job.interval_hours = 24
        # Last successful runs, mostly last night (local time, an hour ahead of UTC, or UTC); a few jobs have failed
        # for days (REC-001) and a few record none.
        zones = [dt.timezone(dt.timedelta(hours=1)), dt.UTC]
        order = rng.sample(self.jobs, len(self.jobs))
        stale = max(1, round(len(order) * 0.05))
        for i, job in enumerate(order):
            if i < stale:
                days = rng.randint(8, 40)
            elif rng.random() < 0.1:
                continue
            else:
                days = rng.randint(0, 1)
            day = self.as_of - dt.timedelta(days=days)
            job.last_run = dt.datetime.combine(day, dt.time(rng.randint(0, 5), rng.choice([0, 15, 30, 45])),
                                               tzinfo=rng.choice(zones))
        # Objectives: a day for most production VMs that state one, an hour for some database servers (the
        # nightly jobs miss it: RPO-001, unless the hourly SQL job covers them), four hours at the branches.
        hourly = {vm_id for job in self.jobs if job.interval_hours == 1 for vm_id in job.protects}
        production = [vm for vm in self.vms if vm.tier == "Production" and vm.host.kind == "cluster"]
        for vm in production:
            if rng.random() < 0.2:
                vm.rpo_minutes = 1440
        databases = [vm for vm in production if vm.role == "db" and vm.id not in hourly
                     and (jobs := self._covering(vm)) and all(job.interval_hours for job in jobs)]
        for vm in rng.sample(databases, min(len(databases), max(1, round(len(databases) * 0.1)))):
            vm.rpo_minutes = 60
        for vm in self.vms:
            if vm.id in hourly:
                vm.rpo_minutes = 60  # met by the hourly job
        branch = [vm for vm in self.vms if vm.host.kind == "branch"]
        for vm in rng.sample(branch, min(len(branch), max(1, round(len(branch) * 0.25)))):
            vm.rpo_minutes = 240


# ---------------------------------------------------------------- Turtle


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return f'"{value.isoformat()}"^^xsd:dateTime'
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"^^xsd:date'
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _subject(subject: str, klass: str, label: str, *pairs: tuple[str, object]) -> str:
    parts = [f"ex:{subject} a hv:{klass}", f"rdfs:label {_literal(label)}"]
    for predicate, value in pairs:
        if value is None:
            continue
        if isinstance(value, list):
            if value:
                parts.append(f"{predicate} " + ", ".join(value))
            continue
        parts.append(f"{predicate} {value}")
    return " ;\n    ".join(parts) + " .\n"


def _ref(local: str | None) -> str | None:
    return f"ex:{local}" if local else None


def _lines(estate: _Estate, seed: int) -> Iterator[str]:
    yield (
        f"# A generated Hyper-V estate: {estate.n} VMs, seed {seed}, as of {estate.as_of.isoformat()}.\n"
        f"# Made by bench/generate.py; every rule of the catalog fires somewhere in it.\n"
        "@prefix hv: <https://w3id.org/hv-advisor/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"@prefix ex: <{NAMESPACE}> .\n\n"
    )
    for site in estate.sites:
        yield _subject(site.id, "Site", site.label)
    for cluster in estate.clusters:
        yield _subject(cluster.id, "Cluster", cluster.label)
    for host in estate.hosts:
        yield _subject(
            host.id, "HyperVHost", host.label,
            ("hv:locatedAt", _ref(host.site.id)),
            ("hv:memberOfCluster", _ref(host.cluster.id if host.cluster else None)),
            ("hv:operatingSystem", f"hv:{host.os}"),
            ("hv:tier", "hv:Production" if host.kind != "lab" else "hv:Test"),
            ("hv:backupExclusionReason", _literal(host.excluded) if host.excluded else None),
        )
    for server in estate.servers:
        yield _subject(
            server.id, "PhysicalServer", server.label,
            ("hv:locatedAt", _ref(server.site.id)),
            ("hv:operatingSystem", f"hv:{server.os}"),
            ("hv:tier", "hv:Production"),
            ("hv:fileServerVssAgentEnabled", _literal(server.vss_agent) if server.role == "file" else None),
        )
    kinds = {"csv": "ClusterSharedVolume", "smb": "SMBShare", "local": "LocalVolume"}
    for volume in estate.volumes:
        owner = {"csv": "hv:usedByCluster", "smb": "hv:hostedBy", "local": "hv:attachedTo"}[volume.kind]
        yield _subject(volume.id, kinds[volume.kind], volume.label, ("hv:locatedAt", _ref(volume.site.id)),
                       (owner, _ref(volume.owner)))
    extra: dict[str, list[VM]] = {}
    for vm, target in estate.extra_depends:
        extra.setdefault(vm.id, []).append(target)
    for vm in estate.vms:
        yield from _vm_lines(vm, extra.get(vm.id, []))
    for dataset in estate.datasets:
        yield _subject(dataset.id, dataset.kind, dataset.label,
                       ("hv:logTruncationRequiresBackup",
                        _literal(dataset.log_truncation) if dataset.log_truncation is not None else None))
    for replica in estate.replicas:
        yield _subject(
            replica.id, "ReplicaRelationship", replica.label,
            ("hv:primaryVM", _ref(replica.primary.id)),
            ("hv:replicaServer", _ref(replica.server.id)),
            ("hv:replicationIntervalSeconds", _literal(replica.interval)),
            ("hv:appConsistentRecoveryPoints",
             _literal(replica.app_consistent) if replica.app_consistent is not None else None),
        )
    for key, (label, csv, smb, aware) in PRODUCTS.items():
        capabilities = (("hv:supportsCSV", csv), ("hv:supportsSMB3RemoteVSS", smb),
                        ("hv:supportsApplicationAwareHostBackup", aware))
        yield _subject(f"product-{key}", "BackupProduct", label,
                       *((p, _literal(v)) for p, v in capabilities if v is not None))
    for repository in estate.repositories:
        media = f"hv:{repository.media}" if repository.media else None
        yield _subject(repository.id, "BackupRepository", repository.label, ("hv:media", media),
                       ("hv:locatedAt", _ref(repository.site.id if repository.site else None)),
                       ("hv:onSystem", _ref(repository.system)),
                       ("hv:immutable", _literal(repository.immutable) if repository.immutable is not None else None))
    for job in estate.jobs:
        yield _subject(
            job.id, "BackupJob", job.label,
            ("hv:method", f"hv:{job.method}"),
            ("hv:scope", f"hv:{job.scope}"),
            ("hv:applicationAware", _literal(job.app_aware)),
            ("hv:usesProduct", f"ex:product-{job.product}"),
            ("hv:protectsAllVMsOn", [f"ex:{x}" for x in job.protects_all]),
            ("hv:protects", [f"ex:{x}" for x in job.protects]),
            ("hv:storesTo", _ref(job.stores.id if job.stores else None)),
            ("hv:copiesTo", [f"ex:{r.id}" for r in job.copies]),
            ("hv:lastRestoreTestDate", _literal(job.test_date) if job.test_date else None),
            ("hv:lastRestoreTestOutcome", f"hv:{job.test_outcome}" if job.test_outcome else None),
            ("hv:scheduleIntervalHours", _literal(job.interval_hours) if job.interval_hours is not None else None),
            ("hv:lastSuccessfulRunAt", _literal(job.last_run) if job.last_run else None),
        )


def _vm_lines(vm: VM, extra_depends: list[VM]) -> Iterator[str]:
    yield _subject(
        vm.id, "VirtualMachine", vm.label,
        ("hv:runsOn", None if vm.orphan else _ref(vm.host.id)),
        ("hv:operatingSystem", f"hv:{vm.os}"),
        ("hv:tier", f"hv:{vm.tier}"),
        ("hv:virtualProcessorCount", _literal(vm.vcpu)),
        ("hv:memoryMB", _literal(vm.memory)),
        ("hv:backupIntegrationEnabled", _literal(vm.integration) if vm.integration is not None else None),
        ("hv:storedOn", _ref(vm.volume.id)),
        ("hv:hasDisk", [f"ex:{d.id}" for d in vm.disks]),
        ("hv:runsWorkload", [f"ex:{w.id}" for w in vm.workloads]),
        ("hv:dependsOn", [f"ex:{d.id}" for d in vm.depends + extra_depends]),
        *vm.extra,
        ("hv:hasCheckpoint", [f"ex:{c.id}" for c in vm.checkpoints]),
        ("hv:backupExclusionReason", _literal(vm.excluded) if vm.excluded else None),
        ("hv:rpoTargetMinutes", _literal(vm.rpo_minutes) if vm.rpo_minutes is not None else None),
    )
    for disk in vm.disks:
        if disk.kind in ("VHD", "VHDX"):
            stored_on = disk.stored_on or (disk.volume.id if disk.volume else None)
            yield _subject(disk.id, "VirtualHardDisk", disk.label, ("hv:diskFormat", f"hv:{disk.kind}"),
                           ("hv:sizeGB", _literal(disk.size)), ("hv:storedOn", _ref(stored_on)))
        else:
            yield _subject(disk.id, disk.kind, disk.label)
    for workload in vm.workloads:
        yield _subject(
            workload.id, workload.kind, workload.label,
            ("hv:requiresGranularRestore", _literal(workload.granular) if workload.granular is not None else None),
            ("hv:hostsCopyOf", [f"ex:{d.id}" for d in workload.datasets]),
        )
    for checkpoint in vm.checkpoints:
        yield _subject(checkpoint.id, "Checkpoint", checkpoint.label, ("hv:checkpointType", f"hv:{checkpoint.kind}"),
                       ("hv:createdAt", _literal(checkpoint.created)))


def generate(n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> str:
    """The Turtle text of an estate of `n_vms` VMs; the same for the same arguments."""
    return "".join(generate_lines(n_vms, seed, as_of))


def generate_lines(n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Iterator[str]:
    """The estate as Turtle, one subject block at a time."""
    estate = _Estate(n_vms, seed, as_of).build()
    yield from _lines(estate, seed)


def write_lines(path: Path, lines: Iterable[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(lines)
    return path


def write_estate(path: Path, n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Path:
    return write_lines(path, generate_lines(n_vms, seed, as_of))


def run(argv: list[str] | None, doc: str, lines: Callable[[int, int, dt.date], Iterator[str]]) -> int:
    """The command line of an estate generator: N VMs, a seed and an as-of date, to a file or standard output."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("vms", type=int, help="number of virtual machines (at least 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(),
                        help=f"date the restore tests and checkpoints are dated against (default {DEFAULT_AS_OF})")
    parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    estate = lines(args.vms, args.seed, dt.date.fromisoformat(args.as_of))
    if args.output:
        write_lines(args.output, estate)
    else:
        sys.stdout.writelines(estate)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, generate_lines)


if __name__ == "__main__":
    sys.exit(main())
