"""What the backup-product readers share: the product node with its capabilities, and finding the systems a
job names (by name, and host or cluster where the product says it) in the imported estate."""

from __future__ import annotations

from advisor.importers import iris
from advisor.importers.graph import GraphBuilder, Origin, Where
from advisor.importers.hyperv import Estate
from advisor.importers.tables import backup_products


def product(builder: GraphBuilder, key: str, origin: Origin | None) -> str:
    """The product's node (hv:BackupProduct), with the capabilities the vendor states (backup_products.toml)."""
    entry = backup_products()["products"][key]
    iri = builder.node(iris.product(key), "BackupProduct", entry["label"], origin)
    for prop, value in entry["capabilities"].items():
        builder.add(iri, prop, value)
    return iri


def server(estate: Estate, name: str, origin: Origin | None) -> str:
    """A computer a product names (the server holding a repository): a known host, else a physical server."""
    known = estate.hosts.get(iris.short_name(name))
    if known is not None:
        return known
    iri = estate.builder.node(iris.host(name), "PhysicalServer", iris.display_name(name), origin)
    if iris.is_dns_name(name):
        estate.builder.add(iri, "dnsName", name.strip().lower())
    return iri


def vms_named(estate: Estate, name: str, host: str | None = None) -> list[str]:
    """The VMs of that name (on that host or cluster, when given): several when the name is not unique."""
    found = [iri for iri, vm_name in estate.vm_names.items() if vm_name.lower() == name.strip().lower()]
    if host:
        short = iris.short_name(host)
        found = [iri for iri in found if short in (estate.vm_hosts.get(iri), estate.host_cluster_short(iri))]
    return sorted(found)


def system_named(estate: Estate, name: str, host: str | None, where: Where, what: str) -> list[str]:
    """A VM, else a host or server, of that name; none is an IMP-003 warning naming it."""
    vms = vms_named(estate, name, host)
    if vms:
        return vms
    known = estate.hosts.get(iris.short_name(name))
    if known is not None:
        return [known]
    on = f" on {host!r}" if host else ""
    estate.builder.warn("unresolved", where, None, detail=f"{what} names {name!r}{on}, which no imported VM or host "
                        "is, so that part of its coverage is not imported; collect the Hyper-V host it runs on too.")
    return []


def vms_on(estate: Estate, scope: str) -> list[str]:
    """Every imported VM running on a host, or on any node of a cluster."""
    short = iris.short_name(scope)
    return sorted(iri for iri in estate.vm_names if short in (estate.vm_hosts.get(iri), estate.host_cluster_short(iri)))
