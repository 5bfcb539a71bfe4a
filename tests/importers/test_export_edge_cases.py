"""Edge cases of real exports: documents and values as Windows PowerShell 5.1 and PowerShell 7 write them."""

from __future__ import annotations

from advisor.importers import Source, is_inventory
from tests.importers.conftest import import_texts, subjects_of_type

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
