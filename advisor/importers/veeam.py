"""Veeam Backup & Replication, as the collector projects Get-VBRJob, Get-VBRJobObject, Get-VBRBackupRepository
and Get-VBRRestorePoint (schema `backup.veeam`): jobs with what they include, type, schedule, last success and
target; repositories with media and immutability; backup copy jobs as the hv:copiesTo of their source jobs."""

from __future__ import annotations

from advisor.importers import iris
from advisor.importers.graph import Origin, Where
from advisor.importers.hyperv import Estate
from advisor.importers.products import product, server, system_named, vms_on
from advisor.importers.records import ZERO_GUID, parse_datetime
from advisor.importers.tables import backup_products

KEY = "veeam"


def _where(name: str, item: dict, noun: str) -> Where:
    return Where(name, getattr(item, "line", None), noun, item.get("Name"))


def _repositories(estate: Estate, section: dict, name: str) -> dict[str, str]:
    b, types = estate.builder, backup_products()["veeam"]["repository_types"]
    found = {}
    for item in section.get("repositories", []):
        where = _where(name, item, "Veeam repository")
        iri = b.node(iris.repository(KEY, item["Id"]), "BackupRepository", item["Name"], Origin(name, where.line))
        found[item["Id"].lower()] = iri
        entry = types.get(item["Type"])
        if entry is None:
            b.warn("unknown_value", where, iri, property="Type", value=repr(item["Type"]),
                   enum="Veeam repository types", unknown="its media and whether it is immutable")
            entry = {}
        if "media" in entry:
            b.add(iri, "media", f"hv:{entry['media']}")
        immutable = item.get("Immutable")
        if immutable is None and entry.get("immutable"):
            immutable = True
        if immutable is not None:
            b.add(iri, "immutable", immutable)
        if item.get("Host"):
            b.add(iri, "onSystem", server(estate, item["Host"], Origin(name, where.line)))
    return found


def _coverage(estate: Estate, job: str, item: dict, name: str) -> None:
    """What a job includes: VMs, or every VM of a host or cluster (less the excluded ones, then listed one by one)."""
    b = estate.builder
    objects = item.get("Objects", [])
    excluded = set()
    for obj in objects:
        if not obj.get("Include", True):
            excluded.update(system_named(estate, obj["Name"], obj.get("Host"), _where(name, obj, "Veeam object"),
                                         f"the exclusion of Veeam job {item['Name']!r}"))
    for obj in objects:
        if not obj.get("Include", True):
            continue
        where = _where(name, obj, "Veeam object")
        if obj["Type"] in ("Host", "Cluster"):
            scope = estate.hosts.get(iris.short_name(obj["Name"])) if obj["Type"] == "Host" else None
            if obj["Type"] == "Cluster":
                known = iris.cluster(obj["Name"])
                scope = known if known in estate.builder.labels else None
            if scope is None:
                b.warn("unresolved", where, job, detail=f"Veeam job {item['Name']!r} includes the "
                       f"{obj['Type'].lower()} {obj['Name']!r}, which is not imported, so what it covers is unknown.")
            elif excluded:
                for vm in vms_on(estate, obj["Name"]):
                    if vm not in excluded:
                        b.add(job, "protects", vm)
            else:
                b.add(job, "protectsAllVMsOn", scope)
        else:
            for system in system_named(estate, obj["Name"], obj.get("Host"), where, f"Veeam job {item['Name']!r}"):
                if system not in excluded:
                    b.add(job, "protects", system)


def read(estate: Estate, section: dict, name: str) -> None:
    b = estate.builder
    origin = Origin(name, getattr(section, "line", None))
    software = product(b, KEY, origin)
    repositories = _repositories(estate, section, name)
    job_types = backup_products()["veeam"]["job_types"]
    jobs: dict[str, str] = {}
    copies: list[dict] = []
    for item in section.get("jobs", []):
        if item["JobType"] == "BackupCopy":
            copies.append(item)
            continue
        where = _where(name, item, "Veeam job")
        iri = b.node(iris.job(KEY, item["Id"]), "BackupJob", item["Name"], Origin(name, where.line))
        jobs[item["Id"].lower()] = iri
        b.add(iri, "usesProduct", software)
        kind = job_types[item["JobType"]]
        b.add(iri, "method", f"hv:{kind['method']}")
        b.add(iri, "scope", f"hv:{kind['scope']}")
        if item.get("ApplicationAware") is not None:
            b.add(iri, "applicationAware", item["ApplicationAware"])
        hours = item.get("ScheduleIntervalHours")
        if hours is not None:
            b.add(iri, "scheduleIntervalHours", int(hours) if float(hours).is_integer() else float(hours))
        if item.get("LastSuccessfulRunAt"):
            moment = parse_datetime(item["LastSuccessfulRunAt"])
            if moment is not None:
                b.add(iri, "lastSuccessfulRunAt", moment)
        target = (item.get("TargetRepositoryId") or "").lower()
        if target and target != ZERO_GUID and target in repositories:
            b.add(iri, "storesTo", repositories[target])
        if item.get("IsScheduleEnabled") is False:
            continue  # a disabled job protects nothing
        _coverage(estate, iri, item, name)
    for item in copies:  # a backup copy job: an offsite copy of its source jobs' backups
        target = (item.get("TargetRepositoryId") or "").lower()
        if target not in repositories or item.get("IsScheduleEnabled") is False:
            continue
        for source in item.get("SourceJobIds", []):
            if source.lower() in jobs:
                b.add(jobs[source.lower()], "copiesTo", repositories[target])
