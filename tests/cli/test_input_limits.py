"""The command line's input limit: 2 GiB by default, `--max-bytes` to change it; every limit names its setting.

Local files a user names are not hostile uploads: a 40 MB estate that the service (10 MiB, max_body_bytes)
refuses reads with the CLI's default settings.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import AS_OF, CLEAN_TTL, run_cli

NOTES = "Owner: line of business. Restore order: after the domain controllers. " * 285  # ~20 KB per VM


def _large_estate(path: Path, vms: int) -> set[str]:
    """An estate whose VMs carry long notes (Hyper-V's Notes field); every third VM has no backup job.

    Returns the VMs COV-001 must report."""
    unprotected = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("@prefix hv: <https://w3id.org/hv-advisor/ontology#> .\n@prefix ex: <https://example.org/big/> .\n")
        out.write("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        out.write('ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" .\nex:job a hv:BackupJob ; rdfs:label "Nightly" .\n')
        for number in range(vms):
            vm = f"ex:vm{number}"
            out.write(f'{vm} a hv:VirtualMachine ; rdfs:label "VM{number}" ; hv:runsOn ex:hv01 ;\n')
            out.write(f'    rdfs:comment "{NOTES}" .\n')
            if number % 3:
                out.write(f"ex:job hv:protects {vm} .\n")
            else:
                unprotected.add(f"https://example.org/big/vm{number}")
    return unprotected


def test_validate_reads_a_40_mb_file_with_the_default_settings(cli, tmp_path: Path) -> None:
    path = tmp_path / "estate.ttl"
    unprotected = _large_estate(path, vms=2_000)
    assert path.stat().st_size > 40_000_000
    run = cli("validate", path, "--as-of", AS_OF, "--format", "json", "--quiet")
    assert run.returncode == 1, run.stderr
    findings = run.json()["findings"]  # type: ignore[index]
    assert {f["focus_node"] for f in findings if f["rule_id"] == "COV-001"} == unprotected


def test_max_bytes_refuses_a_larger_file_and_names_the_option(cli, tmp_path: Path) -> None:
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    size = path.stat().st_size
    run = cli("validate", path, "--as-of", AS_OF, "--max-bytes", size - 1)
    assert run.returncode == 2
    assert run.stderr == (
        f"error: {path}: the file is {size} bytes, more than the limit of {size - 1} bytes; raise it with --max-bytes\n"
    )


def test_max_bytes_of_the_file_size_reads_it(cli, tmp_path: Path) -> None:
    """The near miss: a limit equal to the size lets the file through."""
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    run = cli("validate", path, "--as-of", AS_OF, "--max-bytes", path.stat().st_size)
    assert run.returncode == 0, run.stderr


def test_query_takes_max_bytes_too(cli, tmp_path: Path) -> None:
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    run = cli("query", path, "ASK { ?s ?p ?o }", "--max-bytes", 10)
    assert run.returncode == 2
    assert run.stderr.startswith("error: clean.ttl: the file is ")
    assert run.stderr.endswith("more than the limit of 10 bytes; raise it with --max-bytes\n")


def test_a_limit_from_the_settings_names_the_setting_and_its_variable(tmp_path: Path) -> None:
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    (tmp_path / "advisor.env").write_text("ADVISOR_MAX_TRIPLES=3\n", encoding="utf-8")
    run = run_cli("validate", path, "--as-of", AS_OF, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == (
        f"error: {path}: the graph has more than 3 triples; "
        "raise it with the setting max_triples (ADVISOR_MAX_TRIPLES)\n"
    )


def test_what_if_and_diff_take_max_bytes(cli, tmp_path: Path) -> None:
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    size = path.stat().st_size
    said = f"error: clean.ttl: the file is {size} bytes, more than the limit of 10 bytes; raise it with --max-bytes\n"
    what_if = cli("what-if", path, "--lose", "host:HV01", "--as-of", AS_OF, "--max-bytes", 10)
    assert (what_if.returncode, what_if.stderr) == (2, said)
    diff = cli("diff", path, path, "--as-of", AS_OF, "--max-bytes", 10)
    assert (diff.returncode, diff.stderr) == (2, said)
    assert cli("diff", path, path, "--as-of", AS_OF, "--max-bytes", size).returncode == 0  # the near miss
