"""Raw cmdlet exports: Windows PowerShell 5.1 and PowerShell 7 forms of the same objects, CSV, and the traps."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from advisor.importers.documents import Source
from tests.importers.conftest import (
    APP01,
    APP01_DR,
    DATA,
    HV,
    SQL01,
    WEB01,
    import_folder,
    import_inventory,
    import_texts,
    objects,
    sources,
    subjects_of_type,
    triples,
)

RAW_51, RAW_7 = DATA / "raw-5.1", DATA / "raw-7"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CMDLET_FILES = sorted(p.name for p in RAW_51.iterdir() if p.stat().st_size)


def test_the_whole_estate_imports_without_warnings() -> None:
    result = import_folder(RAW_51)
    assert [w.text for w in result.warnings] == []
    assert len(subjects_of_type(result, "VirtualMachine")) == 4


@pytest.mark.parametrize("name", CMDLET_FILES)
def test_windows_powershell_5_1_and_powershell_7_give_the_same_graph(name: str) -> None:
    """Each cmdlet's 5.1 export (\\/Date(ms)\\/, numbers, a bare single object, BOMs) in place of its 7 export
    (ISO dates with offsets, -EnumsAsStrings names or numbers, arrays) changes nothing in the graph."""
    only_7 = import_inventory(sources(RAW_7))
    mixed = import_inventory(sources(RAW_7, replace={name: RAW_51 / name}))
    assert not only_7.warnings and not mixed.warnings
    assert triples(mixed) == triples(only_7)


def test_the_same_inventory_gives_the_same_iris_in_any_file_order() -> None:
    forwards = import_inventory(sources(RAW_51))
    backwards = import_inventory(list(reversed(sources(RAW_51))))
    assert triples(forwards) == triples(backwards)


def test_clustered_vm_reported_by_two_nodes_is_one_vm() -> None:
    result = import_folder(RAW_51)
    sql = [vm for vm in subjects_of_type(result, "VirtualMachine") if objects(result, vm, LABEL) == ["SQL01"]]
    assert sql == [SQL01]  # keyed by VMId and cluster, not by the reporting node
    assert objects(result, SQL01, "runsOn") == ["urn:hv-advisor:host:hv01"]  # the node that reports it running


def test_two_vms_with_the_same_name_on_different_hosts_are_two() -> None:
    result = import_folder(RAW_51)
    named = [vm for vm in subjects_of_type(result, "VirtualMachine") if objects(result, vm, LABEL) == ["APP01"]]
    assert named == [APP01, APP01_DR]
    assert objects(result, APP01_DR, "vmId") == ["44444444-aaaa-4bbb-8ccc-000000000004"]


def test_replica_copy_is_the_replica_relationship_of_its_primary_not_a_vm() -> None:
    result = import_folder(RAW_51)
    assert not any(vm.endswith("@hvdr01") and "11111111" in vm for vm in subjects_of_type(result, "VirtualMachine"))
    relationship = f"{SQL01}/replica/simple"
    assert subjects_of_type(result, "ReplicaRelationship") == [relationship]
    assert objects(result, relationship, "primaryVM") == [SQL01]
    assert objects(result, relationship, "replicaServer") == ["urn:hv-advisor:host:hvdr01"]
    assert objects(result, relationship, "replicationIntervalSeconds") == ["300"]
    # Its Replica recovery point is not a checkpoint either.
    assert all("bbbbbbbb" not in c for c in subjects_of_type(result, "Checkpoint"))


def test_replica_copy_without_get_vmreplication_still_finds_its_primary() -> None:
    without = [s for s in sources(RAW_51) if s.name != "get-vmreplication.json"]
    result = import_inventory(without)
    assert objects(result, f"{SQL01}/replica/simple", "replicaServer") == ["urn:hv-advisor:host:hvdr01"]
    assert len(subjects_of_type(result, "VirtualMachine")) == 4


def test_pass_through_disk_is_a_direct_disk() -> None:
    result = import_folder(RAW_51)
    disk = f"{SQL01}/disk/scsi-0-1"
    assert disk in objects(result, SQL01, "hasDisk")
    assert disk in subjects_of_type(result, "PassThroughDisk")
    assert objects(result, disk, "diskFormat") == [] and objects(result, disk, "storedOn") == []


def test_virtual_fibre_channel_adapter_is_a_direct_disk() -> None:
    result = import_folder(RAW_51)
    assert subjects_of_type(result, "VirtualFibreChannelDisk") == [f"{APP01}/fc/san-a"]
    assert f"{APP01}/fc/san-a" in objects(result, APP01, "hasDisk")


def test_vhd_and_vhdx_paths_and_get_vhd_give_format_and_size() -> None:
    result = import_folder(RAW_51)
    web_disk, sql_disk = f"{WEB01}/disk/ide-0-0", f"{SQL01}/disk/scsi-0-0"
    assert objects(result, web_disk, "diskFormat") == [HV + "VHD"]
    assert objects(result, web_disk, "sizeGB") == ["40"]
    assert objects(result, sql_disk, "diskFormat") == [HV + "VHDX"]
    assert objects(result, sql_disk, "sizeGB") == ["127"]
    # No Get-VHD for this one: the format from the extension, no size.
    dr_disk = f"{APP01_DR}/disk/scsi-0-0"
    assert objects(result, dr_disk, "diskFormat") == [HV + "VHDX"] and objects(result, dr_disk, "sizeGB") == []


def test_backup_integration_service_is_found_by_its_id_not_its_localized_name() -> None:
    result = import_folder(RAW_51)
    assert objects(result, WEB01, "backupIntegrationEnabled") == ["false"]  # German names
    assert objects(result, APP01_DR, "backupIntegrationEnabled") == ["true"]  # Chinese names
    assert objects(result, SQL01, "backupIntegrationEnabled") == ["true"]
    renamed = {
        "VMId": "55555555-aaaa-4bbb-8ccc-000000000005", "ComputerName": "HV09", "Name": "Backup",
        "Enabled": False, "PrimaryStatusDescription": "OK",
        "Id": "Microsoft:55555555-AAAA-4BBB-8CCC-000000000005\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47",
    }
    vm = {"Name": "X", "Id": renamed["VMId"], "VMId": renamed["VMId"], "State": 2, "ProcessorCount": 1,
          "Generation": 2, "ComputerName": "HV09"}
    only_named = import_texts(("vm.json", [vm]), ("ic.json", [renamed]))
    assert objects(only_named, "urn:hv-advisor:vm:55555555-aaaa-4bbb-8ccc-000000000005@hv09",
                   "backupIntegrationEnabled") == []  # called "Backup", but its id is the heartbeat's


def test_smb_path_becomes_a_share_hosted_by_that_server() -> None:
    result = import_folder(RAW_51)
    share = "urn:hv-advisor:share:fs01/vms"
    assert objects(result, f"{WEB01}/disk/ide-0-0", "storedOn") == [share]
    assert share in subjects_of_type(result, "SMBShare")
    assert objects(result, share, "hostedBy") == ["urn:hv-advisor:host:fs01"]
    assert objects(result, "urn:hv-advisor:host:fs01", "dnsName") == ["fs01.contoso.local"]


def test_cluster_shared_volume_and_local_volume_paths() -> None:
    result = import_folder(RAW_51)
    csv = "urn:hv-advisor:csv:hvclu01/c:/clusterstorage/volume1"
    assert objects(result, f"{SQL01}/disk/scsi-0-0", "storedOn") == [csv]
    assert objects(result, csv, "usedByCluster") == ["urn:hv-advisor:cluster:hvclu01"]
    assert objects(result, f"{APP01}/disk/scsi-0-0", "storedOn") == ["urn:hv-advisor:volume:hv03/d"]
    assert objects(result, "urn:hv-advisor:volume:hv03/d", "attachedTo") == ["urn:hv-advisor:host:hv03"]


def test_hosts_clusters_and_their_names() -> None:
    result = import_folder(RAW_51)
    assert objects(result, "urn:hv-advisor:host:hv02", "memberOfCluster") == ["urn:hv-advisor:cluster:hvclu01"]
    assert objects(result, "urn:hv-advisor:host:hv02", "operatingSystem") == [HV + "WindowsServer2022"]
    assert objects(result, "urn:hv-advisor:host:hvdr01", "dnsName") == ["hvdr01.contoso.local"]
    assert objects(result, "urn:hv-advisor:host:hv01", "dnsName") == ["hv01.contoso.local"]  # from the replication
    assert objects(result, SQL01, "vmId") == ["11111111-aaaa-4bbb-8ccc-000000000001"]


def test_checkpoints_and_their_dates() -> None:
    result = import_folder(RAW_51)
    checkpoint = f"{WEB01}/checkpoint/aaaaaaaa-0000-4000-8000-000000000001"
    assert objects(result, WEB01, "hasCheckpoint") == [checkpoint]
    assert objects(result, checkpoint, "createdAt") == ["2026-10-01T12:30:00Z"]  # \/Date(ms)\/ and +02:00 agree


def test_provenance_of_every_import_is_in_the_graph() -> None:
    result = import_folder(RAW_51)
    prov = "http://www.w3.org/ns/prov#"
    assert objects(result, SQL01, prov + "wasDerivedFrom") == ["urn:hv-advisor:source:get-vm.json"]
    assert objects(result, "urn:hv-advisor:source:get-vm.json", LABEL) == ["get-vm.json"]
    assert objects(result, "urn:hv-advisor:source:get-vm.json", "https://w3id.org/hv-advisor/shapes#producedBy") == [
        "ConvertTo-Json"
    ]
    assert result.origins[SQL01].file == "get-vm.json" and result.origins[SQL01].line == 2


def test_export_csv_of_get_vm_and_get_vmsnapshot() -> None:
    csv_estate = import_folder(DATA / "cluster-csv")
    json_estate = import_folder(RAW_51)
    assert [w.text for w in csv_estate.warnings] == []
    vms = subjects_of_type(csv_estate, "VirtualMachine")
    assert vms == subjects_of_type(json_estate, "VirtualMachine")
    for vm in vms:
        for prop in ("runsOn", "memoryMB", "virtualProcessorCount", "hasDisk", "hasCheckpoint", "storedOn"):
            assert objects(csv_estate, vm, prop) == objects(json_estate, vm, prop), (vm, prop)
    assert csv_estate.origins[SQL01].line == 3  # after the #TYPE line and the header


def test_semicolon_delimited_csv_from_use_culture() -> None:
    text = '"Name";"Id";"State";"ProcessorCount";"Generation";"ComputerName"\r\n"DC01";"abc";"Running";"2";"2";"HV01"'

    result = import_texts(("vms.csv", text))
    assert subjects_of_type(result, "VirtualMachine") == ["urn:hv-advisor:vm:abc@hv01"]


def test_array_wrapped_as_value_and_count_by_windows_powershell_5_1() -> None:
    vm = {"Name": "DC01", "Id": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2, "ComputerName": "HV01"}
    result = import_texts(("vms.json", {"value": [vm], "Count": 1}))
    assert subjects_of_type(result, "VirtualMachine") == ["urn:hv-advisor:vm:abc@hv01"]


def test_utf16_and_utf8_byte_order_marks_are_read() -> None:
    assert (RAW_51 / "get-vmintegrationservice.json").read_bytes()[:2] == b"\xff\xfe"
    assert (RAW_51 / "get-vm.json").read_bytes()[:3] == b"\xef\xbb\xbf"
    text = '[{"Name": "DC01", "Id": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2, "ComputerName": "HV01"}]'
    for data in (b"\xff\xfe" + text.encode("utf-16-le"), b"\xef\xbb\xbf" + text.encode(), text.encode()):
        result = import_inventory([Source("vms.json", data)])
        assert subjects_of_type(result, "VirtualMachine") == ["urn:hv-advisor:vm:abc@hv01"]


def test_the_cluster_estate_gives_its_expected_graph() -> None:
    """The whole 3-node cluster with its DR host (tests/importers/data/expected-cluster.ttl, reviewed by hand)."""
    expected = {str(q.triple) for q in ox.parse(path=str(DATA / "expected-cluster.ttl"), format=ox.RdfFormat.TURTLE)}
    assert triples(import_folder(RAW_51)) == expected


def test_replica_copy_with_an_id_of_its_own_is_matched_by_name_on_its_primary_server() -> None:
    """Whether a Replica copy keeps its primary's VMId is not documented: a copy with another id still finds its
    primary, by name on the server Get-VMReplication names as primary."""
    primary = {"Name": "SQL01", "Id": "p1", "State": 2, "ProcessorCount": 2, "Generation": 2, "ComputerName": "HV01",
               "ReplicationMode": 1}
    copy = primary | {"Id": "r1", "State": 3, "ComputerName": "HVDR01", "ReplicationMode": 2}
    replication = {"VMName": "SQL01", "VMId": "r1", "ComputerName": "HVDR01", "ReplicationMode": 2,
                   "PrimaryServerName": "hv01.contoso.local", "ReplicaServerName": "hvdr01.contoso.local",
                   "ReplicationFrequencySec": 30}
    result = import_texts(("vms.json", [primary, copy]), ("replication.json", [replication]))
    assert subjects_of_type(result, "VirtualMachine") == ["urn:hv-advisor:vm:p1@hv01"]
    relationship = "urn:hv-advisor:vm:p1@hv01/replica/simple"
    assert objects(result, relationship, "primaryVM") == ["urn:hv-advisor:vm:p1@hv01"]
    assert objects(result, relationship, "replicaServer") == ["urn:hv-advisor:host:hvdr01"]
    assert objects(result, relationship, "replicationIntervalSeconds") == ["30"]


def test_clustered_vms_without_get_clusternode_are_keyed_by_host_with_a_warning() -> None:
    without = [s for s in sources(RAW_51) if s.name != "get-clusternode.json"]
    result = import_inventory(without)
    sql = [vm for vm in subjects_of_type(result, "VirtualMachine") if objects(result, vm, LABEL) == ["SQL01"]]
    assert sql == ["urn:hv-advisor:vm:11111111-aaaa-4bbb-8ccc-000000000001@hv01",
                   "urn:hv-advisor:vm:11111111-aaaa-4bbb-8ccc-000000000001@hv02"]
    texts = [w.text for w in result.warnings if w.rule_id == "IMP-003"]
    assert any("host 'HV01' reports clustered VMs, but no Get-ClusterNode export names its cluster" in t for t in texts)
    assert any("host 'HV02' reports clustered VMs" in t for t in texts)
