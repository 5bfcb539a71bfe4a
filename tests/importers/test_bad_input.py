"""Bad and partial input: truncated values, empty files, unknown kinds and enum values, nothing half-imported."""

from __future__ import annotations

import pytest

from advisor.errors import UnsupportedEncodingError
from advisor.importers import InventoryError, Source
from tests.importers.conftest import DATA, import_inventory, import_texts, objects, sources, subjects_of_type

VM = {"Name": "SQL01", "Id": "abc", "VMId": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,
      "ComputerName": "HV01", "MemoryStartup": 4294967296}
VM_IRI = "urn:hv-advisor:vm:abc@hv01"


def test_depth_truncated_value_the_importer_reads_is_a_warning_naming_file_object_and_property() -> None:
    two_drives = "Microsoft.HyperV.PowerShell.HardDiskDrive Microsoft.HyperV.PowerShell.HardDiskDrive"
    truncated = VM | {"HardDrives": two_drives}
    result = import_texts(("get-vm.json", [truncated]))
    assert subjects_of_type(result, "VirtualMachine") == [VM_IRI]  # the rest of the VM is imported
    [warning] = result.warnings
    assert warning.rule_id == "IMP-001" and warning.about == VM_IRI
    assert warning.text.startswith("get-vm.json, line 2, VM 'SQL01': HardDrives holds only the type name")
    assert "so the importer does not know its virtual hard disks (format, size, where they are stored)" in warning.text
    assert "Get-VM | ConvertTo-Json -Depth 4" in warning.text and "Get-VMHardDiskDrive" in warning.text
    assert "collector/Collect-HvInventory.ps1" in warning.text


def test_depth_truncated_value_is_no_warning_when_another_export_holds_it() -> None:
    truncated = VM | {"HardDrives": "Microsoft.HyperV.PowerShell.HardDiskDrive"}
    drive = {"VMId": "abc", "VMName": "SQL01", "ComputerName": "HV01", "ControllerType": 1, "ControllerNumber": 0,
             "ControllerLocation": 0, "DiskNumber": None, "Path": "D:\\VMs\\sql01.vhdx"}
    result = import_texts(("get-vm.json", [truncated]), ("get-vmharddiskdrive.json", [drive]))
    assert result.warnings == []
    assert objects(result, VM_IRI, "hasDisk") == [f"{VM_IRI}/disk/scsi-0-0"]


def test_depth_truncated_property_the_importer_does_not_read_is_ignored() -> None:
    truncated = VM | {"NetworkAdapters": "Microsoft.HyperV.PowerShell.VMNetworkAdapter", "Uptime": "6.02:21:14",
                      "OperationalStatus": "Ok", "DVDDrives": ["Microsoft.HyperV.PowerShell.DvdDrive"]}
    result = import_texts(("get-vm.json", [truncated]))
    assert result.warnings == []


def test_empty_file_holds_no_objects() -> None:
    result = import_texts(("get-vmdvddrive.json", b""), ("get-vm.json", [VM]), ("nothing.json", "  \r\n"))
    assert subjects_of_type(result, "VirtualMachine") == [VM_IRI]
    assert result.warnings == []
    nothing = import_texts(("get-vm.json", b""))
    assert subjects_of_type(nothing, "VirtualMachine") == []


def test_unknown_document_kind_is_an_error_naming_the_file_line_and_object() -> None:
    services = [{"Name": "Spooler", "Status": 4, "StartType": 2}]
    with pytest.raises(InventoryError) as caught:
        import_texts(("get-vm.json", [VM]), ("get-service.json", services))
    message = caught.value.message
    assert message.startswith("get-service.json, line 2, object 1: unknown document kind: an object with the "
                              "properties Name, Status, StartType")
    assert "Get-VM" in message and "Get-VMHardDiskDrive" in message
    assert caught.value.details["line"] == 2


def test_a_document_that_is_neither_json_nor_csv_is_an_unknown_kind() -> None:
    with pytest.raises(InventoryError, match=r"^notes.txt: unknown document kind: neither JSON"):
        import_texts(("notes.txt", "VMs to back up: SQL01, WEB01"))


def test_invalid_json_names_file_line_and_column() -> None:
    with pytest.raises(InventoryError, match=r"^get-vm.json: not valid JSON at line 2, column 1"):
        import_texts(("get-vm.json", '[{"Name": "SQL01",\n]'))


def test_unknown_enum_number_is_a_warning_naming_file_object_and_property() -> None:
    critical = VM | {"State": 32783}  # RunningCritical or Hibernated, depending on the module version
    result = import_texts(("get-vm.json", [critical]))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-002" and warning.about == VM_IRI
    assert warning.text.startswith("get-vm.json, line 2, VM 'SQL01': State is 32783, which no table of VMState knows")
    assert "-EnumsAsStrings" in warning.text


def test_unknown_enum_name_is_a_warning_too() -> None:
    replica = VM | {"ReplicationMode": "Sideways"}
    result = import_texts(("get-vm.json", [replica]))
    assert [w.rule_id for w in result.warnings] == ["IMP-002"]
    assert "ReplicationMode is 'Sideways'" in result.warnings[0].text
    assert subjects_of_type(result, "VirtualMachine") == [VM_IRI]  # not taken for a Replica copy


def test_unreadable_date_is_a_warning() -> None:
    snapshot = {"Name": "before", "Id": "s1", "VMId": "abc", "VMName": "SQL01", "ComputerName": "HV01",
                "SnapshotType": 0, "CreationTime": "yesterday"}
    result = import_texts(("get-vm.json", [VM]), ("get-vmsnapshot.json", snapshot))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-002" and "CreationTime is 'yesterday'" in warning.text
    assert objects(result, f"{VM_IRI}/checkpoint/s1", "createdAt") == []


def test_never_date_0001_01_01_is_unknown_not_a_warning() -> None:
    snapshot = {"Name": "before", "Id": "s1", "VMId": "abc", "ComputerName": "HV01", "SnapshotType": 0,
                "CreationTime": "/Date(-62135596800000)/"}  # \\/ is the JSON escape of /
    result = import_texts(("get-vm.json", [VM]), ("get-vmsnapshot.json", [snapshot]))
    assert result.warnings == [] and objects(result, f"{VM_IRI}/checkpoint/s1", "createdAt") == []


def test_object_of_a_vm_no_export_holds_is_an_unresolved_warning() -> None:
    drive = {"VMId": "zzz", "VMName": "GHOST", "ComputerName": "HV01", "ControllerType": 1, "ControllerNumber": 0,
             "ControllerLocation": 0, "DiskNumber": None, "Path": "D:\\VMs\\ghost.vhdx"}
    result = import_texts(("get-vm.json", [VM]), ("get-vmharddiskdrive.json", [drive]))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-003"
    assert "its VM 'GHOST' (VMId zzz) on host 'HV01' is in no Get-VM export" in warning.text
    assert warning.about is None  # about the document: no object was made


def test_an_error_in_one_document_imports_nothing() -> None:
    good = sources(DATA / "raw-5.1")
    with pytest.raises(InventoryError):
        import_inventory([*good, Source("broken.json", b"[{]")])


def test_text_that_is_not_utf8_is_refused_naming_the_file() -> None:
    with pytest.raises(UnsupportedEncodingError, match=r"^get-vm.json\b.*an 8-bit code page"):
        import_texts(("get-vm.json", '[{"Name": "Büro"}]'.encode("cp1252")))


def test_csv_whose_columns_are_no_cmdlets_is_an_unknown_kind_even_without_rows() -> None:
    with pytest.raises(InventoryError, match=r"^services.csv: unknown document kind: a CSV file with the columns "
                                             r"Name, Status, StartType"):
        import_texts(("services.csv", '"Name","Status","StartType"\r\n'))
    header_only = import_texts(("vms.csv", '"Name","Id","State","ProcessorCount","Generation","ComputerName"\r\n'))
    assert subjects_of_type(header_only, "VirtualMachine") == []
