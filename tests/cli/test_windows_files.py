"""`advisor validate` reads files as Windows PowerShell 5.1 writes them (tests/windows_files.py).

Each run validates the same estate in Turtle, N-Triples, JSON-LD and RDF/XML, written in one encoding; each
must give the same COV-001 finding (the unprotected WEB01), its label read as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import windows_files as win
from tests.cli.conftest import AS_OF

FILES = {
    "estate.ttl": win.TURTLE,
    "estate.nt": win.N_TRIPLES,
    "estate.jsonld": win.JSON_LD,
    "estate.rdf": win.rdf_xml(None),
}
READABLE = "save it as UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark"


def _write_all(directory: Path, writer: Callable[[str], bytes]) -> None:
    directory.mkdir()
    for name, text in FILES.items():
        (directory / name).write_bytes(writer(text))


def _gaps(stdout: str) -> dict[str, set[tuple[str, str]]]:
    """COV-001 findings by file: (focus node, label)."""
    return {
        Path(entry["file"]).name: {
            (f["focus_node"], f["focus_label"]) for f in entry["findings"] if f["rule_id"] == "COV-001"
        }
        for entry in json.loads(stdout)
    }


@pytest.mark.parametrize(
    "writer", [win.utf8_bom, win.utf16_le, win.utf16_be], ids=["Set-Content-UTF8", "Out-File", "BigEndianUnicode"]
)
def test_every_format_in_each_windows_encoding(cli, tmp_path: Path, writer: Callable[[str], bytes]) -> None:
    _write_all(tmp_path / "estates", writer)
    run = cli("validate", "estates", "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 1, run.stderr
    assert _gaps(run.stdout) == {name: {(win.GAP_NODE, win.WEB_LABEL)} for name in FILES}


def test_rdf_xml_declared_utf16_as_out_file_writes_it(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.rdf").write_bytes(win.utf16_le(win.rdf_xml("UTF-16")))
    run = cli("validate", "estate.rdf", "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 1, run.stderr
    assert {(f["focus_node"], f["focus_label"]) for f in run.json()["findings"] if f["rule_id"] == "COV-001"} == {
        (win.GAP_NODE, win.WEB_LABEL)
    }


def test_json_ld_importing_the_advisor_context(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.jsonld").write_bytes(win.utf8_bom(win.JSON_LD_IMPORT))
    run = cli("validate", "estate.jsonld", "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 1, run.stderr
    assert {f["focus_node"] for f in run.json()["findings"] if f["rule_id"] == "COV-001"} == {win.GAP_NODE}


def test_a_utf32_file_exits_2_naming_the_encoding(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.ttl").write_bytes(win.utf32_le(win.TURTLE))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF)
    assert run.returncode == 2
    assert run.stderr == f"error: estate.ttl: the file is in UTF-32 LE, which is not read: {READABLE}\n"


def test_an_ansi_file_exits_2_saying_where_it_is_not_utf8(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.ttl").write_bytes(win.ansi(win.TURTLE))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF)
    assert run.returncode == 2
    column = win.TURTLE.splitlines()[5].index("–") + 1
    assert run.stderr == (
        "error: estate.ttl: the file is in an 8-bit code page such as Windows-1252, not UTF-8 "
        f"(byte 0x96 at line 6, column {column} is not UTF-8): {READABLE}\n"
    )


def test_a_policy_written_by_out_file_applies(cli, tmp_path: Path) -> None:
    """advisor.toml in UTF-16 LE disables COV-001: the estate's only violation no longer fails the run."""
    (tmp_path / "estate.ttl").write_bytes(win.utf8_bom(win.TURTLE))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 1  # the near miss: without the policy COV-001 fails
    (tmp_path / "advisor.toml").write_bytes(win.utf16_le(win.POLICY))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 0, run.stderr
    assert not any(f["rule_id"] == "COV-001" for f in run.json()["findings"])


def test_a_waiver_file_in_utf32_exits_2_naming_it(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.ttl").write_text(win.TURTLE, encoding="utf-8")
    waivers = tmp_path / "waivers.toml"
    waivers.write_bytes(win.utf32_le('[[waivers]]\nrule = "COV-001"\n'))
    run = cli("validate", "estate.ttl", "--waivers", waivers)
    assert run.returncode == 2
    assert run.stderr == f"error: {waivers}: the file is in UTF-32 LE, which is not read: {READABLE}\n"


def test_a_baseline_report_redirected_with_powershell_is_read(cli, tmp_path: Path) -> None:
    """`advisor validate estate.ttl -f json > baseline.json` in PowerShell 5.1 writes the report in UTF-16 LE."""
    (tmp_path / "estate.ttl").write_text(win.TURTLE, encoding="utf-8")
    report = cli("validate", "estate.ttl", "--as-of", AS_OF, "--format", "json")
    assert report.returncode == 1
    (tmp_path / "baseline.json").write_bytes(win.utf16_le(report.stdout))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF, "--baseline", "baseline.json", "--quiet")
    assert run.returncode == 0, run.stderr  # the finding is in the baseline: nothing new fails
    diff = cli("diff", "baseline.json", "estate.ttl", "--as-of", AS_OF, "--format", "json")
    assert diff.returncode == 0, diff.stderr


def test_a_baseline_in_utf32_exits_2_naming_it(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.ttl").write_text(win.TURTLE, encoding="utf-8")
    (tmp_path / "baseline.json").write_bytes(win.utf32_le('{"findings": []}'))
    run = cli("validate", "estate.ttl", "--as-of", AS_OF, "--baseline", "baseline.json")
    assert run.returncode == 2
    assert run.stderr == f"error: baseline.json: the file is in UTF-32 LE, which is not read: {READABLE}\n"


def test_a_query_file_saved_by_notepad_in_utf16_is_read(cli, tmp_path: Path) -> None:
    (tmp_path / "estate.ttl").write_text(win.TURTLE, encoding="utf-8")
    query = "# VMs by label\nSELECT ?label WHERE { ?vm a hv:VirtualMachine ; rdfs:label ?label } ORDER BY ?label\n"
    (tmp_path / "vms.rq").write_bytes(win.utf16_le(query))
    run = cli("query", "estate.ttl", "@vms.rq", "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1:] == ["SQL01 – Bäckerei", win.WEB_LABEL]
