"""The collector format: its JSON Schema, the importer's checks, and the same estate as the raw exports."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from advisor.importers import InventoryError, import_inventory
from advisor.importers.collector import schema_file
from advisor.importers.documents import Source
from tests.importers.conftest import DATA, SQL01, import_folder, import_texts, objects, triples

COLLECTOR = DATA / "collector"
FIXTURES = sorted(COLLECTOR.glob("*.json"))
PROVENANCE = ("http://www.w3.org/ns/prov#", "https://w3id.org/hv-advisor/shapes#producedBy", "urn:hv-advisor:source:")


def _document(name: str = "cluster.json") -> dict:
    return json.loads((COLLECTOR / name).read_text(encoding="utf-8"))


def _cluster():
    return import_inventory([Source("cluster.json", (COLLECTOR / "cluster.json").read_bytes())])


def _without_provenance(found: set[str]) -> set[str]:
    return {t for t in found if not any(marker in t for marker in PROVENANCE)}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_the_json_schema_validates_every_collector_fixture(path) -> None:
    schema = json.loads(schema_file().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(path.read_text(encoding="utf-8")))


def test_the_collector_file_gives_the_graph_of_the_raw_exports() -> None:
    collected = _cluster()
    raw = import_folder(DATA / "raw-5.1")
    assert collected.warnings == []
    assert _without_provenance(triples(collected)) == _without_provenance(triples(raw))


def test_provenance_names_the_collector_and_when_it_collected() -> None:
    result = _cluster()
    source = "urn:hv-advisor:source:cluster.json"
    assert objects(result, source, "http://www.w3.org/ns/prov#generatedAtTime") == ["2026-11-24T07:00:00Z"]
    assert objects(result, source, "https://w3id.org/hv-advisor/shapes#producedBy") == ["Collect-HvInventory 1.0.0"]
    assert objects(result, SQL01, "http://www.w3.org/ns/prov#wasDerivedFrom") == [source]


def test_a_document_that_breaks_the_schema_is_refused_with_the_schemas_message() -> None:
    document = _document()
    document["vms"][2]["ProcessorCount"] = "four"
    with pytest.raises(InventoryError) as caught:
        import_texts(("inventory.json", document))
    message = caught.value.message
    assert message.startswith("inventory.json, line ")
    assert ".vms[2].ProcessorCount breaks the collector schema (inventory-1.schema.json): 'four' is not of type " \
           "'integer'" in message
    line = caught.value.details["line"]
    text = json.dumps(document, indent=2).splitlines()
    assert '"VMId": "22222222-aaaa-4bbb-8ccc-000000000002"' in text[line]  # the line of the VM's object


def test_an_enum_number_breaks_the_schema_the_collector_writes_names() -> None:
    document = _document()
    document["vms"][0]["State"] = 2
    with pytest.raises(InventoryError, match=r"\.vms\[0\]\.State breaks the collector schema .*2 is not of type"):
        import_texts(("inventory.json", document))


def test_a_missing_required_property_names_it() -> None:
    document = _document()
    del document["hardDiskDrives"][1]["ControllerLocation"]
    with pytest.raises(InventoryError, match=r"\.hardDiskDrives\[1\] breaks .*'ControllerLocation' is a required"):
        import_texts(("inventory.json", document))


def test_an_unknown_section_breaks_the_schema() -> None:
    document = _document() | {"virtualMachines": []}
    with pytest.raises(InventoryError, match=r"Additional properties are not allowed \('virtualMachines' was"):
        import_texts(("inventory.json", document))


def test_an_unknown_schema_version_is_refused() -> None:
    document = _document() | {"schemaVersion": 7}
    with pytest.raises(InventoryError, match=r"^inventory.json: collector schema version 7 is not one this advisor "
                                             r"reads \(1\)"):
        import_texts(("inventory.json", document))


def test_nothing_is_imported_when_the_collector_file_is_refused() -> None:
    document = copy.deepcopy(_document())
    document["snapshots"][0]["Id"] = "not-a-guid"
    raw = [Source(p.name, p.read_bytes()) for p in sorted((DATA / "raw-5.1").iterdir())]
    with pytest.raises(InventoryError, match=r"\.snapshots\[0\]\.Id breaks the collector schema"):
        import_inventory([*raw, Source("inventory.json", json.dumps(document).encode())])


def test_the_collectors_warnings_are_import_warnings_of_their_own() -> None:
    document = _document() | {"warnings": [{"section": "clusterNodes", "message": "Cluster node HV04 is Down; "
                                                                                   "not collected."}]}
    result = import_texts(("inventory.json", document))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-004"
    assert warning.about == "urn:hv-advisor:source:inventory.json"
    assert warning.text.startswith("inventory.json, line ")
    assert warning.text.endswith(": the collector reported: Cluster node HV04 is Down; not collected. (clusterNodes)")
