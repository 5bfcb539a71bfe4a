"""System Center DPM, as the collector projects Get-DPMProtectionGroup and Get-DPMDatasource (schema
`backup.dpm`). A protection group becomes one job per kind of datasource it holds (method and scope from
backup_products.toml: Hyper-V VMs host-level, SQL, Exchange and volumes agent-based and data only, system
protection agent-based and full), storing to the DPM server's storage pool."""

from __future__ import annotations

from advisor.importers import iris
from advisor.importers.graph import Origin, Where
from advisor.importers.hyperv import Estate
from advisor.importers.products import product, server, system_named
from advisor.importers.records import parse_datetime
from advisor.importers.tables import backup_products

KEY = "dpm"


def _kind(object_type: str) -> dict | None:
    lowered = object_type.lower()
    return next((k for k in backup_products()["dpm"]["datasource_types"] if k["contains"] in lowered), None)


def read(estate: Estate, section: dict, name: str) -> None:
    b = estate.builder
    origin = Origin(name, getattr(section, "line", None))
    software = product(b, KEY, origin)
    dpm_server = section["server"]
    pool = b.node(iris.repository(KEY, dpm_server), "BackupRepository", f"DPM storage pool ({dpm_server})", origin)
    b.add(pool, "media", "hv:DiskMedia")
    b.add(pool, "onSystem", server(estate, dpm_server, origin))
    for group in section.get("protectionGroups", []):
        for source in group.get("Datasources", []):
            where = Where(name, getattr(source, "line", None), "DPM datasource", source.get("Name"))
            kind = _kind(source["ObjectType"])
            if kind is None:
                b.warn("unknown_value", where, None, property="ObjectType", value=repr(source["ObjectType"]),
                       enum="DPM datasource types", unknown="how this datasource is protected")
                continue
            job = b.node(iris.job(KEY, f"{dpm_server}/{group['Name']}/{kind['method']}-{kind['scope']}"), "BackupJob",
                         f"{group['Name']} ({kind['method']}, {kind['scope']})", Origin(name, where.line))
            b.add(job, "usesProduct", software)
            b.add(job, "method", f"hv:{kind['method']}")
            b.add(job, "scope", f"hv:{kind['scope']}")
            b.add(job, "applicationAware", kind["application_aware"])
            b.add(job, "storesTo", pool)
            what = f"DPM group {group['Name']!r}"
            if kind["method"] == "HostLevel":  # a Hyper-V datasource: the VM named Name on the host Computer
                systems = system_named(estate, source["Name"], source["Computer"], where, what)
            else:
                systems = system_named(estate, iris.display_name(source["Computer"]), None, where, what)
            for system in systems:
                b.add(job, "protects", system)
            if source.get("LatestRecoveryPoint"):
                moment = parse_datetime(source["LatestRecoveryPoint"])
                if moment is not None:
                    b.add(job, "lastSuccessfulRunAt", moment)
