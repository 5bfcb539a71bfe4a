"""Edge cases of real exports: documents and values as Windows PowerShell 5.1 and PowerShell 7 write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.importers import InventoryError, Source, is_inventory
from advisor.importers.inputs import Limit, split_arguments
from tests.importers.conftest import HV, import_texts, objects, subjects_of_type

VM = {"Name": "SQL01", "Id": "abc", "VMId": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,
      "ComputerName": "HV01", "MemoryStartup": 4294967296}
VM_IRI = "urn:hv-advisor:vm:abc@hv01"


def test_powershell7_null_document_holds_no_objects() -> None:
    null = b"null\r\n"  # `Get-VMSnapshot | ConvertTo-Json` in PowerShell 7 when there is no checkpoint
    assert is_inventory(Source("get-vmsnapshot.json", null))
    result = import_texts(("get-vmsnapshot.json", null), ("get-vm.json", [VM]))
    assert subjects_of_type(result, "VirtualMachine") == [VM_IRI]
    assert result.warnings == []
    assert subjects_of_type(import_texts(("get-vm.json", b"\xef\xbb\xbfnull")), "VirtualMachine") == []


def _utf16(text: str) -> bytes:
    """As `> file` writes it in Windows PowerShell 5.1: UTF-16 LE with a byte-order mark, CRLF line ends."""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def test_windows_powershell51_value_count_wrapper_is_unwrapped_in_nested_collections() -> None:
    drive = ('{"Path": "D:\\\\VMs\\\\sql01.vhdx", "DiskNumber": null, "ControllerType": 1, "ControllerNumber": 0, '
             '"ControllerLocation": 0, "VMId": "abc", "ComputerName": "HV01", '
             '"VMSnapshotId": "00000000-0000-0000-0000-000000000000"}')
    service = ('{"VMId": "abc", "ComputerName": "HV01", "Name": "Sicherung (Volumeschattenkopie)", "Enabled": false, '
               '"Id": "Microsoft:ABC\\\\5ced1297-4598-4915-a5fc-ad21bb4d02a4", "PrimaryStatusDescription": "OK"}')
    vm = ('[{"Name": "SQL01", "Id": "abc", "VMId": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,\n'
          ' "ComputerName": "HV01",\n'
          f' "HardDrives": {{"value": [{drive}], "Count": 1}},\n'
          f' "VMIntegrationService": {{"value": [{service}], "Count": 1}}}}]\n')
    result = import_texts(("get-vm.json", _utf16(vm)))
    assert result.warnings == []
    assert objects(result, VM_IRI, "hasDisk") == [f"{VM_IRI}/disk/scsi-0-0"]
    assert objects(result, f"{VM_IRI}/disk/scsi-0-0", "diskFormat") == [HV + "VHDX"]
    assert objects(result, VM_IRI, "backupIntegrationEnabled") == ["false"]


def test_windows_powershell51_wrapper_of_cluster_shared_volume_info_is_unwrapped() -> None:
    node = {"Name": "HV01", "NodeName": "HV01", "State": 0, "Cluster": "HVCLU01"}
    info = {"FriendlyVolumeName": "C:\\ClusterStorage\\Volume1"}
    csv = {"Name": "Cluster Disk 1", "OwnerNode": "HV01", "SharedVolumeInfo": {"value": [info], "Count": 1}}
    result = import_texts(("nodes.json", [node]), ("csv.json", [csv]))
    assert subjects_of_type(result, "ClusterSharedVolume") == ["urn:hv-advisor:csv:hvclu01/c:/clusterstorage/volume1"]


def test_export_csv_generic_list_type_name_is_a_truncated_value_warning() -> None:
    header = '"Name","Id","State","Generation","ProcessorCount","ComputerName","HardDrives","VMName","VMId"'
    row = ('"SQL01","abc","Running","2","2","HV01",'
           '"System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.HardDiskDrive]","SQL01","abc"')
    csv = _utf16(f"#TYPE Microsoft.HyperV.PowerShell.VirtualMachine\n{header}\n{row}\n")
    result = import_texts(("get-vm.csv", csv))
    assert subjects_of_type(result, "VirtualMachine") == [VM_IRI]
    [warning] = result.warnings
    assert warning.rule_id == "IMP-001" and warning.about == VM_IRI
    assert warning.text.startswith("get-vm.csv, line 3, VM 'SQL01': HardDrives holds only the type name "
                                   "'System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.HardDiskDrive]'")
    assert "Export-Csv" in warning.text and "Get-VMHardDiskDrive" in warning.text


def test_hosts_given_by_ip_address_keep_the_whole_address() -> None:
    vm = {"Name": "WEB-K", "Id": "abc", "VMId": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,
          "IsClustered": False}
    result = import_texts(("vms.json", [vm | {"ComputerName": "10.0.0.5", "Path": "\\\\10.0.0.9\\VMs\\WEB-K"},
                                        vm | {"ComputerName": "10.0.0.6", "Path": "\\\\10.1.1.9\\VMs\\WEB-K"}]))
    assert subjects_of_type(result, "VirtualMachine") == ["urn:hv-advisor:vm:abc@10.0.0.5",
                                                          "urn:hv-advisor:vm:abc@10.0.0.6"]
    assert subjects_of_type(result, "HyperVHost") == ["urn:hv-advisor:host:10.0.0.5", "urn:hv-advisor:host:10.0.0.6"]
    assert subjects_of_type(result, "PhysicalServer") == ["urn:hv-advisor:host:10.0.0.9",
                                                          "urn:hv-advisor:host:10.1.1.9"]
    assert objects(result, "urn:hv-advisor:host:10.0.0.5", "http://www.w3.org/2000/01/rdf-schema#label") == ["10.0.0.5"]
    assert objects(result, "urn:hv-advisor:host:10.0.0.5", "dnsName") == []  # an address is no DNS name


def _drive(vm_id: str, host: str, path: str) -> dict:
    return {"Path": path, "DiskNumber": None, "ControllerType": 1, "ControllerNumber": 0, "ControllerLocation": 0,
            "VMId": vm_id, "VMName": "SQL01", "ComputerName": host,
            "VMSnapshotId": "00000000-0000-0000-0000-000000000000"}


def _vm(vm_id: str, host: str) -> dict:
    return {"Name": "SQL01", "Id": vm_id, "VMId": vm_id, "State": 2, "ProcessorCount": 2, "Generation": 2,
            "IsClustered": False, "ComputerName": host}


def test_get_vhd_of_the_same_local_path_on_two_hosts_gives_each_disk_its_own_size() -> None:
    local, smb = "D:\\VMs\\SQL01\\SQL01.vhdx", "\\\\FS01\\VMs\\SQL01\\data.vhdx"
    vhds = [{"ComputerName": "HV40", "Path": local, "VhdFormat": 3, "VhdType": 3, "Size": 40 * 1024**3},
            {"ComputerName": "HV41", "Path": local, "VhdFormat": 3, "VhdType": 3, "Size": 127 * 1024**3},
            {"ComputerName": "HV40", "Path": smb, "VhdFormat": 3, "VhdType": 3, "Size": 10 * 1024**3}]
    data = _drive("b", "HV41", smb) | {"ControllerLocation": 1}
    result = import_texts(("vhd.json", vhds), ("vms.json", [_vm("a", "HV40"), _vm("b", "HV41")]),
                          ("drives.json", [_drive("b", "HV41", local), _drive("a", "HV40", local), data]))
    assert objects(result, "urn:hv-advisor:vm:a@hv40/disk/scsi-0-0", "sizeGB") == ["40"]
    assert objects(result, "urn:hv-advisor:vm:b@hv41/disk/scsi-0-0", "sizeGB") == ["127"]
    assert objects(result, "urn:hv-advisor:vm:b@hv41/disk/scsi-0-1", "sizeGB") == ["10"]  # an SMB path: one file


HBA = {"SanName": "SAN-A", "WorldWidePortNameSetA": "C003FFDB0A3C0000", "WorldWidePortNameSetB": "C003FFDB0A3C0001"}


def test_get_vm_nested_fibre_channel_adapters_become_direct_disks() -> None:
    result = import_texts(("get-vm.json", [VM | {"FibreChannelHostBusAdapters": [HBA | {"VMId": "abc"}]}]))
    assert subjects_of_type(result, "VirtualFibreChannelDisk") == [f"{VM_IRI}/fc/san-a"]
    assert objects(result, VM_IRI, "hasDisk") == [f"{VM_IRI}/fc/san-a"]
    assert result.warnings == []
    bare = import_texts(("get-vm.json", [VM | {"FibreChannelHostBusAdapters": {"value": [HBA], "Count": 1}}]))
    assert subjects_of_type(bare, "VirtualFibreChannelDisk") == [f"{VM_IRI}/fc/san-a"]


def test_get_vm_truncated_fibre_channel_adapters_are_a_truncated_value_warning() -> None:
    truncated = VM | {"FibreChannelHostBusAdapters": "Microsoft.HyperV.PowerShell.VMFibreChannelHba"}
    result = import_texts(("get-vm.json", [truncated]))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-001" and warning.about == VM_IRI
    assert "FibreChannelHostBusAdapters holds only the type name" in warning.text
    assert "its virtual Fibre Channel disks" in warning.text and "Get-VMFibreChannelHba" in warning.text
    held = import_texts(("get-vm.json", [truncated]),
                        ("fc.json", HBA | {"VMId": "abc", "ComputerName": "HV01", "Name": "Fibre Channel Adapter"}))
    assert held.warnings == [] and subjects_of_type(held, "VirtualFibreChannelDisk") == [f"{VM_IRI}/fc/san-a"]


def test_one_fibre_channel_adapter_reported_by_two_cluster_nodes_is_one_disk_whatever_the_file_order() -> None:
    nodes = [{"Name": n, "NodeName": n, "State": 0, "Cluster": "HVCLU3"} for n in ("HV31", "HV32")]
    vm = VM | {"IsClustered": True}
    vms = [vm | {"ComputerName": "HV31", "State": 3}, vm | {"ComputerName": "HV32"}]
    vm_iri = "urn:hv-advisor:vm:abc@hvclu3"
    found = []
    for order in (("HV31", "HV32"), ("HV32", "HV31")):
        reports = [(f"fc-{host}.json", HBA | {"VMId": "abc", "ComputerName": host}) for host in order]
        result = import_texts(("nodes.json", nodes), ("vms.json", vms), *reports)
        found.append(subjects_of_type(result, "VirtualFibreChannelDisk"))
        assert objects(result, vm_iri, "hasDisk") == [f"{vm_iri}/fc/san-a"]
    assert found == [[f"{vm_iri}/fc/san-a"]] * 2
    second = HBA | {"WorldWidePortNameSetA": "C003FFDB0A3C0002", "VMId": "abc", "ComputerName": "HV31"}
    two = import_texts(("nodes.json", nodes), ("vms.json", vms),
                       ("fc.json", [HBA | {"VMId": "abc", "ComputerName": "HV31"}, second]))
    assert subjects_of_type(two, "VirtualFibreChannelDisk") == [f"{vm_iri}/fc/san-a-c003ffdb0a3c0000",
                                                                f"{vm_iri}/fc/san-a-c003ffdb0a3c0002"]


CLIXML = ('<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\n'
          '  <Obj RefId="0">\n    <TN RefId="0">\n      <T>Microsoft.HyperV.PowerShell.VirtualMachine</T>\n'
          '    </TN>\n  </Obj>\n</Objs>\n')


def test_clixml_file_in_an_exports_folder_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "get-vm.json").write_text(json.dumps([VM]), encoding="utf-8")
    (folder / "get-vm.xml").write_bytes(_utf16(CLIXML))  # `Get-VM | Export-Clixml` in Windows PowerShell 5.1
    limit = Limit(1_000_000, "max_bytes")
    for argument in (folder, folder / "get-vm.xml"):
        with pytest.raises(InventoryError) as caught:
            split_arguments([str(argument)], limit)
        message = caught.value.message
        assert message.startswith(f"{folder / 'get-vm.xml'}: a CLIXML file (Export-Clixml), which the importer "
                                  "does not read")
        assert "ConvertTo-Json -Depth 4" in message and "no RDF file (" not in message
    (folder / "get-vm.xml").unlink()
    assert split_arguments([str(folder)], limit) == ([], [str(folder)], [folder / "get-vm.json"])
