"""The overlay: what PowerShell cannot know, written once by the administrator and kept beside the exports.

Either a TOML file (below) that names things by their Hyper-V names, with `*` and `?` patterns (`SQL*`),
or any RDF file written against the importer's IRIs (docs/import.md, "IRI rules"). A name or IRI that
matches nothing imported is an import warning (IMP-003) naming it, never silently ignored.

    [[sites]]                                  # sites, and which hosts and volumes stand there
    name = "Head office"
    hosts = ["HV0?"]
    [[systems]]                                # VMs, hosts and servers, by name pattern
    match = "SQL*"
    host = "HV01"                              # optional: only VMs on this host (or cluster)
    tier = "Production"
    workloads = ["DatabaseServer"]
    requires_granular_restore = true
    rpo_target_minutes = 60
    depends_on = ["DC01"]
    exclusion_reason = "..."
    [[data_sets]]
    name = "Payroll"
    type = "Database"
    copies_on = ["SQL01"]
    log_truncation_requires_backup = true
    [[jobs]]                                   # backup jobs no product export describes, or restore tests
    name = "Nightly host backup"
    protects_all_vms_on = ["HVCLU01"]
    method = "HostLevel"
    scope = "FullSystem"
    application_aware = true
    schedule_interval_hours = 24
    repository = "NAS"
    copies_to = ["Cloud copy"]
    last_restore_test = 2026-11-01
    last_restore_test_outcome = "Succeeded"
    [[repositories]]
    name = "NAS"
    site = "Head office"
    media = "DiskMedia"
    immutable = false
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import tomllib
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.importers import iris
from advisor.importers.documents import InventoryError, Source, decode
from advisor.importers.graph import RDF_TYPE, GraphBuilder, Where
from advisor.importers.tables import os_tables, os_versions
from advisor.namespaces import HV_IRI

SYSTEM_CLASSES = ("VirtualMachine", "HyperVHost", "PhysicalServer")
Workload = Literal["DomainController", "DNSServer", "DatabaseServer", "MailServer", "FileService", "WebServer",
                   "MiddlewareService"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteEntry(_Model):
    name: str = Field(min_length=1)
    hosts: list[str] = Field(default_factory=list, description="Host (or server) name patterns.")
    volumes: list[str] = Field(default_factory=list, description="Storage volume name patterns.")


class SystemEntry(_Model):
    match: str = Field(min_length=1, description="Name pattern of VMs, hosts or servers.")
    host: str | None = Field(None, description="Only VMs running on this host or cluster.")
    tier: Literal["Production", "Development", "Test"] | None = None
    workloads: list[Workload] = Field(default_factory=list)
    requires_granular_restore: bool | None = None
    rpo_target_minutes: int | None = Field(None, ge=0)
    depends_on: list[str] = Field(default_factory=list)
    exclusion_reason: str | None = Field(None, min_length=1)
    operating_system: str | None = Field(None, description="An hv:OperatingSystemVersion, e.g. WindowsServer2019.")


class DataSetEntry(_Model):
    name: str = Field(min_length=1)
    type: Literal["Database", "MailboxDatabase", "ADDomain"] = "Database"
    copies_on: list[str] = Field(default_factory=list, description="Systems whose workloads hold a copy.")
    log_truncation_requires_backup: bool | None = None


class RepositoryEntry(_Model):
    name: str = Field(min_length=1)
    site: str | None = None
    media: Literal["DiskMedia", "TapeMedia", "CloudMedia"] | None = None
    immutable: bool | None = None
    on_system: str | None = None


class JobEntry(_Model):
    name: str = Field(min_length=1)
    protects: list[str] = Field(default_factory=list)
    protects_all_vms_on: list[str] = Field(default_factory=list)
    method: Literal["HostLevel", "AgentBased"] | None = None
    scope: Literal["FullSystem", "DataOnly"] | None = None
    application_aware: bool | None = None
    schedule_interval_hours: float | None = Field(None, gt=0)
    last_successful_run_at: dt.datetime | None = None
    repository: str | None = None
    copies_to: list[str] = Field(default_factory=list)
    last_restore_test: dt.date | None = None
    last_restore_test_outcome: Literal["Succeeded", "Failed"] | None = None


class Overlay(_Model):
    sites: list[SiteEntry] = Field(default_factory=list)
    systems: list[SystemEntry] = Field(default_factory=list)
    data_sets: list[DataSetEntry] = Field(default_factory=list)
    repositories: list[RepositoryEntry] = Field(default_factory=list)
    jobs: list[JobEntry] = Field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unnamed"


class _Resolver:
    """Names -> IRIs of what the import holds, by class; misses become warnings naming them."""

    def __init__(self, builder: GraphBuilder, source: Source, text: str) -> None:
        self.builder, self.source, self.text = builder, source, text
        self.types: dict[str, set[str]] = {}
        self.runs_on: dict[str, str] = {}
        self.clusters: dict[str, str] = {}
        self.workloads: dict[str, list[str]] = {}
        for triple in builder.triples():
            subject, predicate, obj = triple.subject.value, triple.predicate.value, triple.object.value
            if predicate == RDF_TYPE and obj.startswith(HV_IRI):
                self.types.setdefault(subject, set()).add(obj[len(HV_IRI):])
            elif predicate == HV_IRI + "runsOn":
                self.runs_on[subject] = obj
            elif predicate == HV_IRI + "memberOfCluster":
                self.clusters[subject] = obj
            elif predicate == HV_IRI + "runsWorkload":
                self.workloads.setdefault(subject, []).append(obj)

    def line(self, value: str) -> int | None:
        """The line of the overlay where a name is written (TOML keeps no positions)."""
        at = self.text.find(f'"{value}"')
        return self.text.count("\n", 0, at) + 1 if at >= 0 else None

    def find(self, pattern: str, classes: Sequence[str], what: str) -> list[str]:
        wanted = pattern.lower()
        found = sorted(
            iri for iri, label in self.builder.labels.items()
            if fnmatch.fnmatchcase(label.lower(), wanted) and self.types.get(iri, set()) & set(classes)
        )
        if not found:
            self.builder.warn("overlay_unmatched", Where(self.source.name, self.line(pattern)), None,
                              detail=f"the overlay names {what} {pattern!r}, which matches nothing imported, so what "
                              "it says about it is not applied.")
        return found

    def on_host(self, vm: str, host_pattern: str) -> bool:
        host = self.runs_on.get(vm)
        names = [self.builder.labels.get(host or ""), self.builder.labels.get(self.clusters.get(host or "", ""))]
        return any(n and fnmatch.fnmatchcase(n.lower(), host_pattern.lower()) for n in names)


def _read_toml(source: Source, text: str) -> Overlay:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InventoryError(f"{source.name}: not a valid TOML overlay: {error}") from None
    try:
        overlay = Overlay.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc']) or '(top level)'}: {item['msg']}" for item in error.errors()
        )
        raise InventoryError(f"{source.name}: not a valid overlay: {problems}") from None
    _check_operating_systems(source, overlay)
    return overlay


def _check_operating_systems(source: Source, overlay: Overlay) -> None:
    """Refuses an operating_system that is no hv:OperatingSystemVersion term, naming the entry and the value."""
    known = os_versions()
    for number, entry in enumerate(overlay.systems):
        value = entry.operating_system
        if value is None or value in known:
            continue
        guess = next((version for pattern, version in os_tables()[1] if pattern in value.lower()), None)
        hint = f" (did you mean {guess!r}?)" if guess and guess in known else ""
        raise InventoryError(
            f"{source.name}: not a valid overlay: systems.{number}.operating_system (match {entry.match!r}): "
            f"{value!r} is not an operating system the vocabulary knows{hint}; write one of {', '.join(sorted(known))}"
        )


def _apply_toml(builder: GraphBuilder, source: Source, overlay: Overlay, text: str) -> None:
    b, names = builder, _Resolver(builder, source, text)
    sites: dict[str, str] = {}
    for site in overlay.sites:
        iri = b.node(f"{iris.PREFIX}site:{_slug(site.name)}", "Site", site.name)
        sites[site.name.lower()] = iri
        for pattern in site.hosts:
            for system in names.find(pattern, ("HyperVHost", "PhysicalServer"), "the host"):
                b.add(system, "locatedAt", iri)
        for pattern in site.volumes:
            for volume in names.find(pattern, ("ClusterSharedVolume", "SMBShare", "LocalVolume"), "the volume"):
                b.add(volume, "locatedAt", iri)
    for entry in overlay.systems:
        matched = names.find(entry.match, SYSTEM_CLASSES, "the system")
        if entry.host is not None and matched:
            on_host = [s for s in matched if names.on_host(s, entry.host)]
            if not on_host:
                b.warn("overlay_unmatched", Where(source.name, names.line(entry.host)), None,
                       detail=f"the overlay names the host {entry.host!r} for the systems {entry.match!r}, but none "
                       "of them runs on a host or cluster of that name, so what it says about them is not applied.")
            matched = on_host
        for system in matched:
            if entry.tier:
                b.add(system, "tier", f"hv:{entry.tier}")
            for workload in entry.workloads:
                node = b.node(f"{system}/workload/{workload.lower()}", workload,
                              f"{b.labels.get(system, system)} {workload}")
                b.add(system, "runsWorkload", node)
                names.workloads.setdefault(system, []).append(node)
                if entry.requires_granular_restore is not None:
                    b.add(node, "requiresGranularRestore", entry.requires_granular_restore)
            if entry.rpo_target_minutes is not None:
                b.add(system, "rpoTargetMinutes", entry.rpo_target_minutes)
            if entry.exclusion_reason:
                b.add(system, "backupExclusionReason", entry.exclusion_reason)
            if entry.operating_system:
                b.add(system, "operatingSystem", f"hv:{entry.operating_system}")
            for pattern in entry.depends_on:
                for other in names.find(pattern, SYSTEM_CLASSES, "the system"):
                    if other != system:
                        b.add(system, "dependsOn", other)
    for data_set in overlay.data_sets:
        iri = b.node(f"{iris.PREFIX}dataset:{_slug(data_set.name)}", data_set.type, data_set.name)
        if data_set.log_truncation_requires_backup is not None:
            b.add(iri, "logTruncationRequiresBackup", data_set.log_truncation_requires_backup)
        for pattern in data_set.copies_on:
            for system in names.find(pattern, SYSTEM_CLASSES, "the system"):
                workloads = names.workloads.get(system, [])
                if not workloads:
                    workload = b.node(f"{system}/workload/databaseserver", "DatabaseServer",
                                      f"{b.labels.get(system, system)} DatabaseServer")
                    b.add(system, "runsWorkload", workload)
                    workloads = names.workloads.setdefault(system, [workload])
                for workload in workloads:
                    b.add(workload, "hostsCopyOf", iri)
    repositories = _repositories(b, names, overlay, sites)
    for job in overlay.jobs:
        _job(b, names, job, repositories)


def _repositories(b: GraphBuilder, names: _Resolver, overlay: Overlay, sites: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in overlay.repositories:
        existing = [i for i, label in b.labels.items() if label.lower() == entry.name.lower()
                    and "BackupRepository" in names.types.get(i, set())]
        iri = existing[0] if existing else b.node(f"{iris.PREFIX}repository:overlay/{_slug(entry.name)}",
                                                   "BackupRepository", entry.name)
        found[entry.name.lower()] = iri
        if entry.site:
            site = sites.get(entry.site.lower())
            if site is None:
                b.warn("overlay_unmatched", Where(names.source.name, names.line(entry.site)), None,
                       detail=f"the repository {entry.name!r} stands at the site {entry.site!r}, which no [[sites]] "
                       "entry declares, so its site is not applied.")
            else:
                b.add(iri, "locatedAt", site)
        if entry.media:
            b.add(iri, "media", f"hv:{entry.media}")
        if entry.immutable is not None:
            b.add(iri, "immutable", entry.immutable)
        if entry.on_system:
            for system in names.find(entry.on_system, SYSTEM_CLASSES, "the system"):
                b.add(iri, "onSystem", system)
    return found


def _repository(b: GraphBuilder, names: _Resolver, name: str, repositories: dict[str, str]) -> str | None:
    iri = repositories.get(name.lower())
    if iri is None:
        existing = [i for i, label in b.labels.items() if label.lower() == name.lower()
                    and "BackupRepository" in names.types.get(i, set())]
        iri = existing[0] if existing else None
    if iri is None:
        b.warn("overlay_unmatched", Where(names.source.name, names.line(name)), None,
               detail=f"the overlay names the repository {name!r}, which neither the import nor a [[repositories]] "
               "entry holds, so the job's target is not applied.")
    return iri


def _job(b: GraphBuilder, names: _Resolver, job: JobEntry, repositories: dict[str, str]) -> None:
    existing = [i for i, label in b.labels.items() if fnmatch.fnmatchcase(label.lower(), job.name.lower())
                and "BackupJob" in names.types.get(i, set())]
    targets = existing or [b.node(f"{iris.PREFIX}job:overlay/{_slug(job.name)}", "BackupJob", job.name)]
    for iri in targets:
        for pattern in job.protects:
            for system in names.find(pattern, SYSTEM_CLASSES, "the system"):
                b.add(iri, "protects", system)
        for pattern in job.protects_all_vms_on:
            for scope in names.find(pattern, ("HyperVHost", "Cluster"), "the host or cluster"):
                b.add(iri, "protectsAllVMsOn", scope)
        for prop, value in (("method", job.method), ("scope", job.scope)):
            if value:
                b.add(iri, prop, f"hv:{value}")
        if job.application_aware is not None:
            b.add(iri, "applicationAware", job.application_aware)
        if job.schedule_interval_hours is not None:
            hours = job.schedule_interval_hours
            b.add(iri, "scheduleIntervalHours", int(hours) if hours == int(hours) else hours)
        if job.last_successful_run_at is not None:
            b.add(iri, "lastSuccessfulRunAt", job.last_successful_run_at)
        if job.repository:
            repository = _repository(b, names, job.repository, repositories)
            if repository:
                b.add(iri, "storesTo", repository)
        for name in job.copies_to:
            repository = _repository(b, names, name, repositories)
            if repository:
                b.add(iri, "copiesTo", repository)
        if job.last_restore_test is not None:
            b.add(iri, "lastRestoreTestDate", job.last_restore_test)
        if job.last_restore_test_outcome:
            b.add(iri, "lastRestoreTestOutcome", f"hv:{job.last_restore_test_outcome}")


def _apply_rdf(builder: GraphBuilder, source: Source) -> None:
    """Any RDF file against the importer's IRIs: its triples join the graph; an importer IRI it describes
    that the import does not hold is a warning naming it."""
    from advisor.loading import format_from_name, parse_bytes

    graph = parse_bytes(source.data, format_from_name(source.name), source=source.name)
    known = set(builder.labels) | {t.subject.value for t in builder.triples()}
    unknown = sorted({t.subject.value for t in graph.triples if t.subject.value.startswith(iris.PREFIX)
                      and t.subject.value not in known})
    for iri in unknown:
        builder.warn("overlay_unmatched", Where(source.name), None,
                     detail=f"the overlay describes {iri}, which no input holds (see the IRI rules in docs/import.md).")
    for triple in graph.triples:
        builder.add_triple(triple)


def apply_overlays(builder: GraphBuilder, overlays: Sequence[Source]) -> None:
    for source in overlays:
        if source.name.lower().endswith(".toml"):
            text = decode(source)
            _apply_toml(builder, source, _read_toml(source, text), text)
        else:
            _apply_rdf(builder, source)
