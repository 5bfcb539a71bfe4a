"""Hyper-V and failover-cluster objects -> the hv: vocabulary, once every document has been read.

The records of all inputs are assembled together, because one cmdlet's objects refer to another's:
drives, checkpoints, integration services and replications to VMs (by VMId and host), VMs to clusters
(through the cluster nodes), disk paths to Cluster Shared Volumes. The traps of real exports handled
here: a clustered VM reported by several nodes is one VM; VMs are keyed by id and cluster or host, never by
name; a Replica copy is the replica side of its primary's hv:ReplicaRelationship, not a VM; pass-through
and virtual Fibre Channel disks are direct disks; the backup integration service is found by its GUID.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from advisor.importers import iris
from advisor.importers.documents import as_list
from advisor.importers.graph import GraphBuilder, Origin, Where
from advisor.importers.records import ZERO_GUID, Record
from advisor.importers.tables import disk_formats, integration_components, kind, os_tables

GIB = 1024**3
MIB = 1024**2
DEFAULT_MAXIMUM_MEMORY = 1024**4  # Hyper-V's default MemoryMaximum with dynamic memory: "unlimited"
REPLICA_MODES = {"Replica", "TestReplica", "ExtendedReplica"}
_UNC = re.compile(r"^\\\\([^\\]+)\\([^\\]+)")
_DRIVE = re.compile(r"^([A-Za-z]):\\")
_CLUSTER_STORAGE = re.compile(r"^([A-Za-z]:\\ClusterStorage\\[^\\]+)", re.IGNORECASE)


def _origin(record: Record) -> Origin:
    return Origin(record.where.file, record.where.line)


@dataclass
class Estate:
    """What the records say, indexed for the cross-references between cmdlets."""

    builder: GraphBuilder
    records: dict[str, list[Record]]
    host_cluster: dict[str, str] = field(default_factory=dict)  # host short name -> cluster name
    hosts: dict[str, str] = field(default_factory=dict)  # host short name -> IRI
    csvs: list[tuple[str, str]] = field(default_factory=list)  # (lower path prefix, IRI), longest first
    vms: dict[tuple[str, str], str] = field(default_factory=dict)  # (vm id, scope short name) -> IRI
    vm_names: dict[str, str] = field(default_factory=dict)  # VM IRI -> name
    vm_hosts: dict[str, str] = field(default_factory=dict)  # VM IRI -> short name of its host
    replica_copies: dict[tuple[str, str], Record] = field(default_factory=dict)  # (vm id, host) -> Get-VM record
    vhds: dict[tuple[str, str], Record] = field(default_factory=dict)  # vhd_key -> Get-VHD record
    drives_seen: set[str] = field(default_factory=set)  # VM IRIs with Get-VMHardDiskDrive records
    services_seen: set[str] = field(default_factory=set)  # VM IRIs with Get-VMIntegrationService records

    def of(self, key: str) -> list[Record]:
        return self.records.get(key, [])

    def host_cluster_short(self, vm: str) -> str | None:
        cluster = self.host_cluster.get(self.vm_hosts.get(vm, ""))
        return iris.short_name(cluster) if cluster else None

    # ------------------------------------------------------------ hosts and clusters

    def host(self, name: str, origin: Origin | None = None) -> str:
        short = iris.short_name(name)
        iri = self.hosts.get(short)
        if iri is None:
            iri = self.builder.node(iris.host(name), "HyperVHost", iris.display_name(name), origin)
            self.hosts[short] = iri
        if iris.is_dns_name(name):
            self.builder.add(iri, "dnsName", name.strip().lower())
        return iri

    def cluster(self, name: str, origin: Origin | None = None) -> str:
        iri = self.builder.node(iris.cluster(name), "Cluster", iris.display_name(name), origin)
        if iris.is_dns_name(name):
            self.builder.add(iri, "dnsName", name.strip().lower())
        return iri

    def scope(self, host_name: str, clustered: bool | None) -> str:
        """What keys a VM besides its id: its cluster when it is clustered (or its host is a node), else its host."""
        cluster = self.host_cluster.get(iris.short_name(host_name))
        return cluster if cluster is not None and clustered is not False else host_name

    def vm_for(self, vm_id: str | None, host_name: str | None) -> str | None:
        if not vm_id:
            return None
        if host_name:
            cluster = self.host_cluster.get(iris.short_name(host_name))
            for scope in (cluster, host_name):
                if scope is not None and (vm_id, iris.short_name(scope)) in self.vms:
                    return self.vms[(vm_id, iris.short_name(scope))]
            return None
        matches = [iri for (vid, _), iri in self.vms.items() if vid == vm_id]
        return matches[0] if len(matches) == 1 else None

    # ------------------------------------------------------------ storage

    def vhd_key(self, path: str, host_name: str | None) -> tuple[str, str]:
        """What identifies a disk file: an SMB path is the same file from every host, a path on a Cluster Shared
        Volume the same on every node of its cluster, a local path (D:\\VMs\\...) is a file of its host only."""
        lowered = path.strip().lower()
        if not host_name or _UNC.match(lowered):
            return "", lowered
        cluster = self.host_cluster.get(iris.short_name(host_name))
        on_csv = any(lowered == prefix or lowered.startswith(prefix + "\\") for prefix, _ in self.csvs)
        if cluster is not None and (on_csv or _CLUSTER_STORAGE.match(lowered)):
            return f"cluster:{iris.short_name(cluster)}", lowered
        return iris.short_name(host_name), lowered

    def vhd(self, path: str, host_name: str | None) -> Record | None:
        """The Get-VHD record of a drive's file (one that names no host is taken for any host)."""
        found = self.vhds.get(self.vhd_key(path, host_name)) or self.vhds.get(("", path.strip().lower()))
        if found is None and not host_name:  # a drive that names no host: the one file of that path, if one
            same = [record for (_, lowered), record in self.vhds.items() if lowered == path.strip().lower()]
            found = same[0] if len(same) == 1 else None
        return found

    def volume(self, path: str, host_name: str | None, origin: Origin) -> str | None:
        """The storage volume a file path is on: an SMB share, a CSV (longest prefix), a host's local volume."""
        path = path.strip()
        unc = _UNC.match(path)
        if unc:
            server, share = unc.group(1), unc.group(2)
            iri = self.builder.node(iris.share(server, share), "SMBShare", f"\\\\{server}\\{share}", origin)
            server_iri = self.hosts.get(iris.short_name(server))
            if server_iri is None:
                server_iri = self.builder.node(iris.host(server), "PhysicalServer", iris.display_name(server),
                                               origin)
                if iris.is_dns_name(server):
                    self.builder.add(server_iri, "dnsName", server.lower())
            self.builder.add(iri, "hostedBy", server_iri)
            return iri
        lowered = path.lower()
        for prefix, iri in self.csvs:
            if lowered == prefix or lowered.startswith(prefix + "\\"):
                return iri
        cluster = self.host_cluster.get(iris.short_name(host_name)) if host_name else None
        storage = _CLUSTER_STORAGE.match(path)
        if storage and cluster is not None:
            iri = self.builder.node(iris.csv_volume(cluster, storage.group(1)), "ClusterSharedVolume",
                                    storage.group(1), origin)
            self.builder.add(iri, "usedByCluster", self.cluster(cluster))
            return iri
        drive = _DRIVE.match(path)
        if drive and host_name:
            letter = drive.group(1).upper()
            iri = self.builder.node(iris.local_volume(host_name, letter), "LocalVolume",
                                    f"{letter}: on {iris.display_name(host_name)}", origin)
            self.builder.add(iri, "attachedTo", self.host(host_name))
            return iri
        return None


def _os_from_build(major: int | None, minor: int | None, build: int | None) -> str | None:
    builds, _ = os_tables()
    if major is None or minor is None:
        return None
    return builds.get(f"{major}.{minor}.{build}") or builds.get(f"{major}.{minor}")


def guest_os(name: str | None) -> str | None:
    """hv:operatingSystem of a guest from its OS name (the collector reads it through Data Exchange)."""
    if not name:
        return None
    _, patterns = os_tables()
    lowered = name.lower()
    return next((version for pattern, version in patterns if pattern in lowered), "OtherOS")


# ---------------------------------------------------------------- the passes, in order


def _hosts_and_clusters(estate: Estate) -> None:
    b = estate.builder
    for record in estate.of("cluster_node"):
        name = record.text("Name")
        cluster = record.text("Cluster")
        if name is None:
            continue
        host = estate.host(name, _origin(record))
        record.about = host
        version = _os_from_build(record.integer("MajorVersion"), record.integer("MinorVersion"),
                                 record.integer("BuildNumber"))
        if version:
            b.add(host, "operatingSystem", f"hv:{version}")
        if cluster is None:
            b.warn("unresolved", record.where, host, detail="the node names no cluster (property Cluster), so its "
                   "VMs are keyed by the host instead of the cluster.")
            continue
        estate.host_cluster[iris.short_name(name)] = cluster
        b.add(host, "memberOfCluster", estate.cluster(cluster, _origin(record)))
    for record in estate.of("vm_host"):
        name = record.text("Name")
        if name is None:
            continue
        domain = record.text("FullyQualifiedDomainName")
        full = f"{name}.{domain}" if domain and "." not in name and domain.lower() != name.lower() else name
        record.about = estate.host(full, _origin(record))
        if record.data.get("OsVersion"):
            builds, _ = os_tables()
            parts = str(record.data["OsVersion"]).split(".")
            version = builds.get(".".join(parts[:3])) or builds.get(".".join(parts[:2]))
            if version:
                b.add(record.about, "operatingSystem", f"hv:{version}")


def _cluster_shared_volumes(estate: Estate) -> None:
    b = estate.builder
    found = []
    for record in estate.of("cluster_shared_volume"):
        owner = record.text("OwnerNode")
        cluster = estate.host_cluster.get(iris.short_name(owner)) if owner else None
        cluster = cluster or record.text("Cluster")
        infos = record.raw("SharedVolumeInfo")
        if cluster is None:
            b.warn("unresolved", record.where, None, detail=f"the owner node {owner!r} is in no Get-ClusterNode "
                   "export, so the cluster of this volume is unknown and VM files on it are not matched to it.")
            continue
        for info in as_list(infos):
            path = info.get("FriendlyVolumeName") if isinstance(info, dict) else None
            if not isinstance(path, str):
                continue
            iri = b.node(iris.csv_volume(cluster, path), "ClusterSharedVolume", record.text("Name") or path,
                         _origin(record))
            b.add(iri, "usedByCluster", estate.cluster(cluster))
            found.append((path.rstrip("\\").lower(), iri))
    estate.csvs = sorted(found, key=lambda item: -len(item[0]))


def _vms(estate: Estate) -> None:
    b = estate.builder
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    unclustered: dict[str, Record] = {}  # host -> its first clustered VM, when no cluster node export names the host
    for record in estate.of("vm"):
        vm_id, host = record.guid("VMId"), record.text("ComputerName")
        if vm_id is None or host is None:
            missing = "VMId" if vm_id is None else "ComputerName"
            b.warn("unresolved", record.where, None, detail=f"the VM has no {missing}, so it cannot be keyed "
                   "(VMs are keyed by id and host or cluster, never by name) and is not imported.")
            continue
        mode = record.enum("ReplicationMode", "VMReplicationMode")
        if mode in REPLICA_MODES:
            estate.replica_copies[(vm_id, iris.short_name(host))] = record
            continue
        clustered = record.boolean("IsClustered")
        if clustered and iris.short_name(host) not in estate.host_cluster:
            unclustered.setdefault(iris.short_name(host), record)
        scope = estate.scope(host, clustered)
        groups[(vm_id, iris.short_name(scope))].append(record)
    for short, record in sorted(unclustered.items()):
        host = record.text("ComputerName") or short
        b.warn("unresolved", record.where, estate.host(host), detail=f"host {host!r} reports clustered VMs, but no "
               "Get-ClusterNode export names its cluster: its VMs are keyed by the host, so a VM that several nodes "
               "report counts once per node. Export Get-ClusterNode on a node of the cluster too.")
    for (vm_id, scope), reports in groups.items():
        # A clustered VM reported by several nodes: one VM, on the node that reports it running.
        chosen = sorted(reports, key=lambda r: (r.enum("State", "VMState") != "Running", r.where.file,
                                                r.where.line or 0))[0]
        host = chosen.text("ComputerName") or ""
        iri = b.node(iris.vm(vm_id, scope), "VirtualMachine", chosen.text("Name"), _origin(chosen))
        for record in reports:
            record.about = iri
        estate.vms[(vm_id, scope)] = iri
        estate.vm_names[iri] = chosen.text("Name") or vm_id
        estate.vm_hosts[iri] = iris.short_name(host)
        b.add(iri, "vmId", vm_id)
        b.add(iri, "runsOn", estate.host(host, _origin(chosen)))
        processors = chosen.integer("ProcessorCount")
        if processors is not None:
            b.add(iri, "virtualProcessorCount", processors)
        startup, maximum = chosen.integer("MemoryStartup"), chosen.integer("MemoryMaximum")
        dynamic = chosen.boolean("DynamicMemoryEnabled")
        memory = maximum if dynamic and maximum and maximum != DEFAULT_MAXIMUM_MEMORY else startup
        if memory:
            b.add(iri, "memoryMB", memory // MIB)
        location = chosen.text("ConfigurationLocation") or chosen.text("Path")
        volume = estate.volume(location, host, _origin(chosen)) if location else None
        if volume:
            b.add(iri, "storedOn", volume)
        dns = chosen.text("DnsName")
        if dns:
            b.add(iri, "dnsName", dns.lower())
        version = guest_os(chosen.text("GuestOSName"))
        if version:
            b.add(iri, "operatingSystem", f"hv:{version}")


def _disk_from(estate: Estate, record: Record, vm: str, host: str | None) -> None:
    b = estate.builder
    controller = record.enum("ControllerType", "ControllerType") or "unknown"
    number, location = record.integer("ControllerNumber"), record.integer("ControllerLocation")
    iri = iris.disk(vm, controller, number, location)
    path = record.text("Path")
    if record.data.get("DiskNumber") is not None:
        b.node(iri, "PassThroughDisk", path or f"Physical disk {record.data['DiskNumber']}", _origin(record))
        b.add(vm, "hasDisk", iri)
        return
    name = re.split(r"[\\/]", path)[-1] if path else f"{controller} {number}:{location}"
    b.node(iri, "VirtualHardDisk", name, _origin(record))
    b.add(vm, "hasDisk", iri)
    if not path:
        return
    vhd = estate.vhd(path, host)
    fmt = vhd.enum("VhdFormat", "VhdFormat") if vhd is not None else None
    if fmt not in ("VHD", "VHDX"):
        suffix = path.lower().rsplit(".", 1)[-1]
        fmt = disk_formats().get(suffix)
    if fmt:
        b.add(iri, "diskFormat", f"hv:{fmt}")
    size = vhd.integer("Size") if vhd is not None else None
    if size:
        b.add(iri, "sizeGB", size // GIB if size % GIB == 0 else round(size / GIB, 2))
    volume = estate.volume(path, host, _origin(record))
    if volume:
        b.add(iri, "storedOn", volume)


def _owner(estate: Estate, record: Record) -> tuple[str | None, str | None]:
    """The VM a drive, checkpoint, service or adapter belongs to, with its host; None for a Replica copy's."""
    vm_id, host = record.guid("VMId"), record.text("ComputerName")
    vm = estate.vm_for(vm_id, host)
    if vm is None and vm_id and host and (vm_id, iris.short_name(host)) in estate.replica_copies:
        return None, host  # the replica side: its disks are the primary's copy
    if vm is None:
        name = record.data.get("VMName")
        estate.builder.warn("unresolved", record.where, None, detail=(
            f"its VM {name!r} (VMId {vm_id}) on host {host!r} is in no Get-VM export, so the "
            f"{record.kind.noun} is not imported." if vm_id else
            f"it names no VMId, so the VM it belongs to is unknown and the {record.kind.noun} is not imported."))
    return vm, host


def _disks(estate: Estate) -> None:
    for record in estate.of("vhd"):
        path = record.text("Path")
        if path:
            estate.vhds[estate.vhd_key(path, record.text("ComputerName"))] = record
    for record in estate.of("hard_disk_drive"):
        snapshot = record.guid("VMSnapshotId")
        if snapshot and snapshot != ZERO_GUID:
            continue  # a drive of a checkpoint
        vm, host = _owner(estate, record)
        if vm is None:
            continue
        record.about = vm
        estate.drives_seen.add(vm)
        _disk_from(estate, record, vm, host)
    for record in estate.of("vm"):  # nested HardDrives where no Get-VMHardDiskDrive export says more
        if record.about is None or record.about in estate.drives_seen:
            continue
        drives = record.data.get("HardDrives")
        if drives is None:
            continue
        for index, drive in enumerate(as_list(record.raw("HardDrives")), start=1):
            if isinstance(drive, dict):
                nested = Record.make(kind("hard_disk_drive"), drive, Where(record.where.file, getattr(
                    drive, "line", None) or record.where.line, "hard disk drive", None, index), estate.builder)
                nested.about = record.about
                _disk_from(estate, nested, record.about, record.text("ComputerName"))


def _checkpoints(estate: Estate) -> None:
    b = estate.builder
    policy = {}
    for record in estate.of("vm"):
        if record.about:
            policy[record.about] = record.enum("CheckpointType", "CheckpointType")
    for record in estate.of("snapshot"):
        snapshot_type = record.enum("SnapshotType", "SnapshotType")
        if snapshot_type is not None and snapshot_type.endswith("Replica"):
            continue  # a Replica recovery point on the replica server, not a checkpoint
        vm, _ = _owner(estate, record)
        snapshot_id = record.guid("Id")
        if vm is None or snapshot_id is None:
            continue
        iri = b.node(iris.checkpoint(vm, snapshot_id), "Checkpoint", record.text("Name"), _origin(record))
        record.about = iri
        b.add(vm, "hasCheckpoint", iri)
        created = record.datetime("CreationTime")
        if created is not None:
            b.add(iri, "createdAt", created)
        state = record.enum("State", "VMState")
        if state == "Saved":
            b.add(iri, "checkpointType", "hv:StandardCheckpoint")
        elif policy.get(vm) == "ProductionOnly":
            b.add(iri, "checkpointType", "hv:ProductionCheckpoint")


def _service(estate: Estate, record: Record, vm: str) -> None:
    identifier = record.text("Id") or ""
    guid = identifier.rsplit("\\", 1)[-1].upper()
    if integration_components().get(guid) != "backup":
        return
    enabled = record.boolean("Enabled")
    if enabled is not None:
        estate.builder.add(vm, "backupIntegrationEnabled", enabled)


def _integration_services(estate: Estate) -> None:
    for record in estate.of("integration_service"):
        vm, _ = _owner(estate, record)
        if vm is None:
            continue
        record.about = vm
        estate.services_seen.add(vm)
        _service(estate, record, vm)
    for record in estate.of("vm"):
        if record.about is None or record.about in estate.services_seen or "VMIntegrationService" not in record.data:
            continue
        for item in as_list(record.raw("VMIntegrationService")):
            if isinstance(item, dict):
                _service(estate, Record.make(kind("integration_service"), item, record.where, estate.builder),
                         record.about)


def _fibre_channel(estate: Estate) -> None:
    """Virtual Fibre Channel adapters (Get-VMFibreChannelHba, else Get-VM's nested FibreChannelHostBusAdapters)
    as direct disks, keyed by the SAN they reach: one adapter that several cluster nodes report is one disk."""
    adapters: dict[str, list[Record]] = defaultdict(list)  # VM IRI -> its adapters' records
    for record in estate.of("fibre_channel_hba"):
        vm, _ = _owner(estate, record)
        if vm is None:
            continue
        record.about = vm
        adapters[vm].append(record)
    for record in estate.of("vm"):  # nested adapters where no Get-VMFibreChannelHba export says more
        if record.about is None or record.about in adapters or record.data.get("FibreChannelHostBusAdapters") is None:
            continue
        for index, item in enumerate(as_list(record.raw("FibreChannelHostBusAdapters")), start=1):
            if isinstance(item, dict):
                nested = Record.make(kind("fibre_channel_hba"), item, Where(record.where.file, getattr(
                    item, "line", None) or record.where.line, "virtual Fibre Channel adapter", None, index),
                    estate.builder)
                nested.about = record.about
                adapters[record.about].append(nested)
    for vm, records in adapters.items():
        wwpns: dict[str, set[str]] = defaultdict(set)  # SAN -> the port names its adapters have
        for record in records:
            wwpns[(record.text("SanName") or "").lower()].add((record.text("WorldWidePortNameSetA") or "").lower())
        for number, record in enumerate(records, start=1):
            san, wwpn = record.text("SanName"), (record.text("WorldWidePortNameSetA") or "").lower()
            if san and len(wwpns[san.lower()] - {""}) > 1:  # two adapters on the same SAN: the port tells them apart
                key = f"{san}-{wwpn}" if wwpn else san
            else:
                key = san or wwpn or str(number)
            iri = estate.builder.node(iris.fibre_channel(vm, key), "VirtualFibreChannelDisk",
                                      f"Virtual Fibre Channel ({san or wwpn or number})", _origin(record))
            estate.builder.add(vm, "hasDisk", iri)


def _relationship(estate: Estate, record: Record, vm: str, replica_server: str | None, extended: bool) -> None:
    b = estate.builder
    iri = b.node(iris.replica(vm, extended), "ReplicaRelationship", f"Replica of {estate.vm_names.get(vm, vm)}",
                 _origin(record))
    b.add(iri, "primaryVM", vm)
    if replica_server:
        b.add(iri, "replicaServer", estate.host(replica_server))
    if record.kind.key != "replication":
        return
    frequency = record.integer("ReplicationFrequencySec")
    if frequency is not None:
        b.add(iri, "replicationIntervalSeconds", frequency)
    vss = record.integer("VSSSnapshotFrequencyHour")
    if vss is not None:
        b.add(iri, "appConsistentRecoveryPoints", vss > 0)


def _primary_of(estate: Estate, vm_id: str | None, name: str | None, primary_server: str | None,
                replica_host: str) -> str | None:
    """The primary VM of a Replica copy: the same id on the primary server (or anywhere but the replica
    host), else the one VM of that name on the primary server."""
    if vm_id and primary_server:
        found = estate.vm_for(vm_id, primary_server)
        if found:
            return found
    if vm_id:
        candidates = [iri for (vid, scope), iri in estate.vms.items()
                      if vid == vm_id and scope != iris.short_name(replica_host)]
        if len(candidates) == 1:
            return candidates[0]
    if name:
        named = [iri for iri, n in estate.vm_names.items() if n.lower() == name.lower()]
        if primary_server:
            primary = iris.short_name(primary_server)
            named = [iri for iri in named if primary in (estate.vm_hosts[iri], estate.host_cluster_short(iri))]
        if len(named) == 1:
            return named[0]
    return None


def _replication(estate: Estate) -> None:
    b = estate.builder
    covered: set[str] = set()
    replica_side = []
    for record in estate.of("replication"):
        mode = record.enum("ReplicationMode", "VMReplicationMode")
        extended = record.enum("ReplicationRelationshipType", "VMReplicationRelationshipType") == "Extended"
        if mode == "Primary":
            vm, _ = _owner(estate, record)
            if vm is None:
                continue
            record.about = vm
            primary, host = record.text("PrimaryServerName"), record.text("ComputerName")
            if primary and host and iris.short_name(primary) == iris.short_name(host):
                estate.host(primary)  # its DNS name
            server = record.text("CurrentReplicaServerName") or record.text("ReplicaServerName")
            _relationship(estate, record, vm, server, extended)
            covered.add(iris.replica(vm, extended))
        elif mode in REPLICA_MODES:
            replica_side.append((record, extended))
    for record, extended in replica_side:
        host = record.text("ComputerName") or record.text("ReplicaServerName") or ""
        vm = _primary_of(estate, record.guid("VMId"), record.text("VMName"), record.text("PrimaryServerName"), host)
        if vm is None:
            b.warn("unresolved", record.where, None, detail=f"the primary VM of this Replica copy (on "
                   f"{record.text('PrimaryServerName')!r}) is in no Get-VM export, so the relationship is not "
                   "imported; export Get-VM on the primary server too.")
            continue
        if iris.replica(vm, extended) not in covered:
            _relationship(estate, record, vm, host, extended)
            covered.add(iris.replica(vm, extended))
    for (vm_id, host_short), record in sorted(estate.replica_copies.items()):
        host = record.text("ComputerName") or host_short
        vm = _primary_of(estate, vm_id, record.text("Name"), None, host)
        if vm is None:
            b.warn("unresolved", record.where, None, detail="this VM is a Replica copy (ReplicationMode "
                   f"{record.data.get('ReplicationMode')!r}) whose primary VM is in no Get-VM export: it is not "
                   "counted as a VM needing backup, and its relationship is not imported.")
            continue
        if iris.replica(vm, False) not in covered:
            _relationship(estate, record, vm, host, False)
            covered.add(iris.replica(vm, False))


def build_estate(records: dict[str, list[Record]], builder: GraphBuilder) -> Estate:
    """Every Hyper-V record of the import into the builder's graph."""
    estate = Estate(builder, records)
    _hosts_and_clusters(estate)
    _cluster_shared_volumes(estate)
    _vms(estate)
    _disks(estate)
    _checkpoints(estate)
    _integration_services(estate)
    _fibre_channel(estate)
    _replication(estate)
    return estate
