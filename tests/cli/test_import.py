"""`advisor import`, and `advisor validate` on inventory files and folders, run as the installed command."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.cli.conftest import AS_OF
from tests.importers.conftest import DATA, SQL01, import_folder, triples

RAW_51 = DATA / "raw-5.1"
EXPECTED = json.loads((DATA / "expected-findings.json").read_text(encoding="utf-8"))
TRUNCATED_VM = [{"Name": "SQL01", "Id": "abc", "VMId": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,
                 "ComputerName": "HV01", "HardDrives": "Microsoft.HyperV.PowerShell.HardDiskDrive"}]


def _findings(report: dict) -> list[list[str]]:
    """(rule, focus node, label); a document is labelled with its path as given: its file name here."""
    return sorted([f["rule_id"], f["focus_node"], Path(f["focus_label"]).name] for f in report["findings"])


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A copy of the raw Windows PowerShell 5.1 exports, as an administrator would hand them over."""
    folder = tmp_path / "exports"
    shutil.copytree(RAW_51, folder)
    return folder


def test_import_writes_into_a_target_that_is_no_regular_file_and_never_replaces_it(
    cli, exports: Path, tmp_path: Path
) -> None:
    """`-o /dev/stdout` or a named pipe is written into: renaming a file over it would replace the device."""
    pipe = tmp_path / "graph.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    run = cli("import", exports, "-o", pipe)
    reader.join(timeout=60)
    assert run.returncode == 0, run.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert b"hv-advisor" in received[0] and b"SQL01" in received[0]


def test_a_new_output_file_gets_the_permissions_of_the_umask(cli, exports: Path, tmp_path: Path) -> None:
    target = tmp_path / "estate.ttl"
    umask = os.umask(0o022)
    try:
        run = cli("import", exports, "-o", target)
    finally:
        os.umask(umask)
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_import_writes_the_graph_of_the_folder(cli, exports: Path, tmp_path: Path) -> None:
    run = cli("import", exports, "-o", tmp_path / "estate.ttl")
    assert run.returncode == 0, run.stderr
    assert "Imported 161 triples from 12 file(s), 0 warning(s)." in run.stderr
    written = {str(q.triple) for q in ox.parse(path=str(tmp_path / "estate.ttl"), format=ox.RdfFormat.TURTLE)}
    expected = triples(import_folder(RAW_51))
    labels = "http://www.w3.org/2000/01/rdf-schema#label"  # sources are labelled with the path as given
    assert {t for t in written if labels not in t or "source:" not in t} == {
        t for t in expected if labels not in t or "source:" not in t
    }


@pytest.mark.parametrize(("name", "fmt"), [("json-ld", ox.RdfFormat.JSON_LD), ("n-triples", ox.RdfFormat.N_TRIPLES)])
def test_import_in_other_rdf_formats(cli, exports: Path, name: str, fmt: ox.RdfFormat) -> None:
    run = cli("import", exports / "get-vm.json", exports / "get-clusternode.json", "--format", name)
    assert run.returncode == 0, run.stderr
    parsed = list(ox.parse(run.stdout.encode(), format=fmt))
    assert any(q.subject.value == SQL01 for q in parsed)


def test_import_of_a_bad_document_exits_2_and_writes_nothing(cli, exports: Path, tmp_path: Path) -> None:
    (exports / "get-service.json").write_text('[{"Name": "Spooler", "Status": 4}]', encoding="utf-8")
    target = tmp_path / "estate.ttl"
    run = cli("import", exports, "-o", target)
    assert run.returncode == 2
    assert "get-service.json, line 1, object 1: unknown document kind" in run.stderr
    assert not target.exists() and list(tmp_path.glob(".estate.ttl*")) == []


def test_import_warnings_go_to_standard_error(cli, tmp_path: Path) -> None:
    (tmp_path / "get-vm.json").write_text(json.dumps(TRUNCATED_VM, indent=2), encoding="utf-8")
    run = cli("import", tmp_path / "get-vm.json")
    assert run.returncode == 0
    assert "warning: IMP-001: " in run.stderr and "HardDrives holds only the type name" in run.stderr
    assert "hvs:importWarning" in run.stdout  # and the warning is in the graph


def test_validate_a_folder_of_raw_5_1_exports_gives_the_pinned_findings(cli, exports: Path) -> None:
    run = cli("validate", exports, "--as-of", AS_OF, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert _findings(run.json()) == EXPECTED


def test_validate_the_collector_file_gives_the_same_findings(cli) -> None:
    run = cli("validate", DATA / "collector" / "cluster.json", "--as-of", AS_OF, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert _findings(run.json()) == EXPECTED


def test_findings_name_vms_and_hosts_by_their_hyper_v_names(cli, exports: Path) -> None:
    run = cli("validate", exports, "--as-of", AS_OF)
    assert "COV-003 " in run.stdout and "— SQL01" in run.stdout and "— HV01" in run.stdout


def test_sarif_points_at_the_inventory_file_and_line_of_the_object(cli, exports: Path) -> None:
    run = cli("validate", exports, "--as-of", AS_OF, "--format", "sarif")
    log = run.json()["runs"][0]
    [result] = [r for r in log["results"] if r["ruleId"] == "COV-003"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("exports/get-vm.json")
    line = location["region"]["startLine"]
    text = (exports / "get-vm.json").read_text(encoding="utf-8-sig").splitlines()
    assert text[line - 1].strip() == "{" and '"Name":  "SQL01"' in text[line]


@pytest.mark.parametrize("fmt", ["json", "sarif", "csv", "junit", "markdown", "html", "text"])
def test_import_warnings_are_findings_in_every_report_format(cli, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "get-vm.json").write_text(json.dumps(TRUNCATED_VM, indent=2), encoding="utf-8")
    run = cli("validate", tmp_path / "get-vm.json", "--as-of", AS_OF, "--format", fmt)
    assert run.returncode in (0, 1), run.stderr
    assert "IMP-001" in run.stdout
    assert "HardDrives holds only the type name" in run.stdout


def test_validate_with_rdf_graphs_and_inventories_together(cli, exports: Path, gap_file: Path) -> None:
    run = cli("validate", gap_file, exports, "--as-of", AS_OF, "--format", "json")
    reports = run.json()
    assert [Path(r["file"]).name for r in reports] == ["gap.ttl", "exports"]
    assert _findings(reports[1]) == EXPECTED


def test_validate_an_inventory_folder_with_a_bad_file_reports_it_and_exits_2(cli, exports: Path) -> None:
    (exports / "broken.json").write_text("[{", encoding="utf-8")
    run = cli("validate", exports, "--as-of", AS_OF)
    assert run.returncode == 2
    assert "broken.json: not valid JSON at line 1" in run.stderr


EXPECTED_WITH_OVERLAY = json.loads((DATA / "expected-findings-overlay.json").read_text(encoding="utf-8"))


def test_validate_with_an_overlay_gives_the_pinned_findings(cli, exports: Path) -> None:
    run = cli("validate", exports, "--overlay", DATA / "site.toml", "--as-of", AS_OF, "--format", "json")
    assert run.returncode == 1, run.stderr  # STO-001: the direct disks stay out of host-level backups
    assert _findings(run.json()) == EXPECTED_WITH_OVERLAY


def test_the_collector_file_with_the_overlay_gives_the_same_findings(cli) -> None:
    collector = DATA / "collector" / "cluster.json"
    run = cli("validate", collector, "--overlay", DATA / "site.toml", "--as-of", AS_OF, "--format", "json")
    assert _findings(run.json()) == EXPECTED_WITH_OVERLAY


def test_import_with_an_overlay_names_its_unknown_names(cli, exports: Path) -> None:
    run = cli("import", exports, "--overlay", DATA / "site.toml")
    assert run.returncode == 0
    assert "warning: IMP-003: " in run.stderr and "the overlay names the system 'DC*'" in run.stderr


def test_an_overlay_operating_system_that_is_no_vocabulary_term_exits_2_naming_entry_and_value(
        cli, exports: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "os.toml"
    overlay.write_bytes(b'[[systems]]\r\nmatch = "sqlreport"\r\noperating_system = "Windows Server 2019"\r\n')
    target = tmp_path / "estate.ttl"
    run = cli("import", exports, "--overlay", overlay, "-o", target)
    assert run.returncode == 2 and not target.exists()
    assert "systems.0.operating_system (match 'sqlreport'): 'Windows Server 2019' is not" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_inventory_file_over_max_bytes_is_refused_naming_the_option(cli, exports: Path, tmp_path: Path) -> None:
    target = tmp_path / "estate.ttl"
    run = cli("import", exports, "--max-bytes", "1000", "-o", target)
    assert run.returncode == 2 and not target.exists()
    assert "more than the limit of 1000 (--max-bytes)" in run.stderr
    run = cli("validate", exports, "--max-bytes", "1000", "--as-of", AS_OF)
    assert run.returncode == 2 and "more than the limit of 1000 (--max-bytes)" in run.stderr


def test_the_cluster_with_get_vm_and_get_vmsnapshot_as_csv_gives_the_same_findings(cli) -> None:
    run = cli("validate", DATA / "cluster-csv", "--as-of", AS_OF, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert _findings(run.json()) == EXPECTED
    overlay = DATA / "site.toml"
    with_overlay = cli("validate", DATA / "cluster-csv", "--overlay", overlay, "--as-of", AS_OF, "-f", "json")
    assert _findings(with_overlay.json()) == EXPECTED_WITH_OVERLAY
