"""Windows Server Backup, as the collector projects Get-WBPolicy (with Get-WBVirtualMachine, Get-WBVolume,
Get-WBSystemState, Get-WBBareMetalRecovery, Get-WBBackupTarget, Get-WBSchedule) and Get-WBSummary
(schema `backup.windowsServerBackup`, one item per computer).

One policy can hold two kinds of backup, so it becomes up to two jobs: the VMs it backs up from the host
(host-level, full system, application-aware through the VSS writer of Hyper-V), and the computer itself
(agent-based: full system with bare-metal recovery or system state, else data only)."""

from __future__ import annotations

import re

from advisor.importers import iris
from advisor.importers.documents import as_list
from advisor.importers.graph import Origin, Where
from advisor.importers.hyperv import Estate
from advisor.importers.products import product, server, system_named
from advisor.importers.records import parse_datetime

KEY = "wsb"
_UNC_SERVER = re.compile(r"^\\\\([^\\]+)\\")


def _job(estate: Estate, iri: str, label: str, item: dict, origin: Origin, software: str, repository: str | None):
    b = estate.builder
    b.node(iri, "BackupJob", label, origin)
    b.add(iri, "usesProduct", software)
    times = item.get("ScheduleTimes") or []
    if times:
        hours = 24 / len(times)
        b.add(iri, "scheduleIntervalHours", int(hours) if hours.is_integer() else round(hours, 2))
    if item.get("LastSuccessfulBackupTime"):
        moment = parse_datetime(item["LastSuccessfulBackupTime"])
        if moment is not None:
            b.add(iri, "lastSuccessfulRunAt", moment)
    if repository:
        b.add(iri, "storesTo", repository)
    return iri


def read(estate: Estate, section: object, name: str) -> None:
    b = estate.builder
    for item in as_list(section):
        computer = item["ComputerName"]
        where = Where(name, getattr(item, "line", None), "Windows Server Backup policy", computer)
        origin = Origin(name, where.line)
        software = product(b, KEY, origin)
        host = server(estate, computer, origin)
        repository = None
        target = item.get("TargetPath") or item.get("TargetLabel")
        if target:
            repository = b.node(iris.repository(KEY, f"{computer}/{target}"), "BackupRepository",
                                f"{item.get('TargetLabel') or target} ({computer})", origin)
            b.add(repository, "media", "hv:DiskMedia")
            unc = _UNC_SERVER.match(item.get("TargetPath") or "")
            b.add(repository, "onSystem", server(estate, unc.group(1), origin) if unc else host)
        machines = item.get("VirtualMachines") or []
        if machines:
            job = _job(estate, iris.job(KEY, f"{computer}/vms"), f"Windows Server Backup of VMs on {computer}",
                       item, origin, software, repository)
            b.add(job, "method", "hv:HostLevel")
            b.add(job, "scope", "hv:FullSystem")
            b.add(job, "applicationAware", True)
            for vm_name in machines:
                for vm in system_named(estate, vm_name, computer, where, f"the backup policy of {computer}"):
                    b.add(job, "protects", vm)
        if item.get("BareMetalRecovery") or item.get("SystemState") or item.get("Volumes"):
            job = _job(estate, iris.job(KEY, computer), f"Windows Server Backup of {computer}", item, origin,
                       software, repository)
            b.add(job, "method", "hv:AgentBased")
            full = item.get("BareMetalRecovery") or item.get("SystemState")
            b.add(job, "scope", "hv:FullSystem" if full else "hv:DataOnly")
            b.add(job, "protects", host)
