"""docs/import.md says only what the importer does: its examples are run, its tables are the importer's own.

The overlay examples are applied to the example collector document (the cluster HVCLU01 and its Replica
server) and must match everything they name; the table of properties read is mappings/kinds.toml; the
raw-export commands export every cmdlet the importer reads; the IRI examples are what iris.py makes.
"""

from __future__ import annotations

import re

import pytest

from advisor.importers import Source, import_inventory, iris
from advisor.importers.tables import kinds
from tests.conftest import ROOT
from tests.importers.conftest import DATA

DOCS = ROOT / "docs" / "import.md"
ESTATE = DATA / "collector" / "cluster.json"


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def _section(docs: str, title: str) -> str:
    start = docs.index(f"## {title}")
    after = docs.find("\n## ", start + 1)
    return docs[start:] if after < 0 else docs[start:after]


def _block(text: str, language: str) -> str:
    blocks = re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) == 1, f"expected one ```{language} block, found {len(blocks)}"
    return blocks[0]


def _overlay_warnings(name: str, overlay: str) -> list[str]:
    pytest.importorskip("advisor.importers.overlay")
    if not ESTATE.exists():
        pytest.skip(f"{ESTATE.relative_to(ROOT)} is not there")
    result = import_inventory([Source(ESTATE.name, ESTATE.read_bytes())], [Source(name, overlay.encode("utf-8"))])
    return [w.fields.get("detail", w.kind) for w in result.warnings if w.kind.startswith("overlay")]


def test_the_toml_overlay_example_matches_everything_it_names(docs: str) -> None:
    assert _overlay_warnings("site.toml", _block(_section(docs, "3. The overlay"), "toml")) == []


def test_the_rdf_overlay_example_describes_only_imported_iris(docs: str) -> None:
    assert _overlay_warnings("site.ttl", _block(_section(docs, "3. The overlay"), "turtle")) == []


def test_the_table_of_properties_read_is_the_importers(docs: str) -> None:
    rows = re.findall(r"^\| `(Get-\w+)` \| `(\w+)` \| (.*) \|$", _section(docs, "2. The exports"), flags=re.M)
    table = {cmdlet: (section, re.findall(r"`(\w+)`", props)) for cmdlet, section, props in rows}
    assert table == {k.cmdlet: (k.section, list(k.reads)) for k in kinds()}


def test_the_raw_export_commands_export_every_cmdlet_the_importer_reads(docs: str) -> None:
    commands = _block(_section(docs, "2. The exports"), "powershell")
    exported = set(re.findall(r"\b(Get-\w+)\b", commands))
    assert {k.cmdlet for k in kinds()} <= exported
    assert all("ConvertTo-Json -Depth 4" in line for line in commands.splitlines() if "Out-File" in line)


@pytest.mark.parametrize(("made", "shown"), [
    (iris.host("hv01.contoso.local"), "urn:hv-advisor:host:hv01"),
    (iris.cluster("HVCLU01"), "urn:hv-advisor:cluster:hvclu01"),
    (iris.vm("11111111-AAAA-4BBB-8CCC-000000000001", "HVCLU01"),
     "urn:hv-advisor:vm:11111111-aaaa-4bbb-8ccc-000000000001@hvclu01"),
    (iris.disk(iris.vm("x", "HVCLU01"), "SCSI", 0, 1), "@hvclu01/disk/scsi-0-1"),
    (iris.fibre_channel(iris.vm("x", "HV03"), "SAN-A"), "@hv03/fc/san-a"),
    (iris.csv_volume("HVCLU01", "C:\\ClusterStorage\\Volume1\\"),
     "urn:hv-advisor:csv:hvclu01/c:/clusterstorage/volume1"),
    (iris.local_volume("HV01", "D:"), "urn:hv-advisor:volume:hv01/d"),
    (iris.share("FS01.contoso.local", "VMs"), "urn:hv-advisor:share:fs01/vms"),
    (iris.source("C:\\Temp\\Get-VM.json"), "urn:hv-advisor:source:get-vm.json"),
])
def test_the_iri_examples_are_what_the_importer_makes(docs: str, made: str, shown: str) -> None:
    assert made.endswith(shown)
    assert shown in _section(docs, "5. IRI rules")
