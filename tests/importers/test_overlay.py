"""The overlay: sites, tiers, workloads, data sets, dependencies, exclusions, RPO, jobs and repositories, by
Hyper-V names and patterns (TOML) or against the importer's IRIs (RDF); unknown names are warnings."""

from __future__ import annotations

import pytest

from advisor.importers import InventoryError, import_inventory
from advisor.importers.documents import Source
from tests.importers.conftest import APP01, APP01_DR, DATA, HV, SQL01, WEB01, objects, sources

RAW_51 = DATA / "raw-5.1"
SITE = DATA / "site.toml"
HEAD_OFFICE, DR_SITE = "urn:hv-advisor:site:head-office", "urn:hv-advisor:site:dr-site"
JOB = "urn:hv-advisor:job:overlay/nightly-host-backup"


def _with(*overlays: Source):
    return import_inventory(sources(RAW_51), overlays)


def _toml(text: str) -> Source:
    return Source("site.toml", text.encode("utf-8"))


@pytest.fixture(scope="module")
def estate():
    return _with(Source("site.toml", SITE.read_bytes()))


def test_hosts_and_volumes_stand_at_their_sites(estate) -> None:
    for host in ("hv01", "hv02", "hv03", "fs01"):
        assert objects(estate, f"urn:hv-advisor:host:{host}", "locatedAt") == [HEAD_OFFICE]
    assert objects(estate, "urn:hv-advisor:host:hvdr01", "locatedAt") == [DR_SITE]
    assert objects(estate, "urn:hv-advisor:csv:hvclu01/c:/clusterstorage/volume1", "locatedAt") == [HEAD_OFFICE]
    assert objects(estate, HEAD_OFFICE, "http://www.w3.org/2000/01/rdf-schema#label") == ["Head office"]


def test_a_name_pattern_gives_tier_and_workload(estate) -> None:
    assert objects(estate, SQL01, "tier") == [HV + "Production"]
    [workload] = objects(estate, SQL01, "runsWorkload")
    assert workload == f"{SQL01}/workload/databaseserver"
    assert objects(estate, workload, "requiresGranularRestore") == ["true"]
    assert objects(estate, workload, "hostsCopyOf") == ["urn:hv-advisor:dataset:orders"]


def test_rpo_targets_by_pattern() -> None:
    result = _with(_toml('[[systems]]\nmatch = "*01"\nrpo_target_minutes = 60\n'))
    assert objects(result, SQL01, "rpoTargetMinutes") == ["60"] and objects(result, WEB01, "rpoTargetMinutes") == ["60"]
    assert objects(result, "urn:hv-advisor:host:hv01", "rpoTargetMinutes") == ["60"]


def test_dependencies_by_name(estate) -> None:
    assert objects(estate, WEB01, "dependsOn") == [SQL01]


def test_host_tells_apart_two_vms_of_the_same_name(estate) -> None:
    assert objects(estate, APP01_DR, "backupExclusionReason") == ["Standby copy, rebuilt from the template"]
    assert objects(estate, APP01, "backupExclusionReason") == []


def test_jobs_and_repositories(estate) -> None:
    assert objects(estate, JOB, "protectsAllVMsOn") == ["urn:hv-advisor:cluster:hvclu01", "urn:hv-advisor:host:hv03"]
    assert objects(estate, JOB, "scheduleIntervalHours") == ["24"]
    assert objects(estate, JOB, "lastSuccessfulRunAt") == ["2026-11-24T22:00:00Z"]
    assert objects(estate, JOB, "storesTo") == ["urn:hv-advisor:repository:overlay/nas"]
    assert objects(estate, JOB, "copiesTo") == ["urn:hv-advisor:repository:overlay/cloud-copy"]
    assert objects(estate, JOB, "lastRestoreTestOutcome") == [HV + "Succeeded"]
    assert objects(estate, "urn:hv-advisor:repository:overlay/cloud-copy", "immutable") == ["true"]
    assert objects(estate, "urn:hv-advisor:repository:overlay/nas", "locatedAt") == [HEAD_OFFICE]


def test_unknown_names_in_the_overlay_are_warnings_that_name_them(estate) -> None:
    [warning] = estate.warnings
    assert warning.rule_id == "IMP-003"
    assert warning.text == ("site.toml, line 29: the overlay names the system 'DC*', which matches nothing imported, "
                            "so what it says about it is not applied.")


def test_an_unknown_site_of_a_repository_is_a_warning() -> None:
    result = _with(_toml('[[repositories]]\nname = "Tape"\nsite = "Bunker"\nmedia = "TapeMedia"\n'))
    assert [w.text for w in result.warnings] == [
        "site.toml, line 3: the repository 'Tape' stands at the site 'Bunker', which no [[sites]] entry declares, "
        "so its site is not applied."
    ]


def test_an_invalid_overlay_names_the_key_at_fault() -> None:
    with pytest.raises(InventoryError, match=r"^site.toml: not a valid overlay: systems\.0\.tier: Input should be "
                                             r"'Production', 'Development' or 'Test'"):
        _with(_toml('[[systems]]\nmatch = "SQL*"\ntier = "Gold"\n'))
    with pytest.raises(InventoryError, match=r"systems\.0\.teir: Extra inputs are not permitted"):
        _with(_toml('[[systems]]\nmatch = "SQL*"\nteir = "Production"\n'))


def test_an_rdf_overlay_against_the_importers_iris() -> None:
    result = _with(Source("site-overlay.ttl", (DATA / "site-overlay.ttl").read_bytes()))
    assert objects(result, WEB01, "tier") == [HV + "Test"]
    assert objects(result, APP01_DR, "backupExclusionReason") == ["Standby copy"]
    [warning] = result.warnings
    assert warning.rule_id == "IMP-003"
    assert "urn:hv-advisor:vm:99999999-aaaa-4bbb-8ccc-000000000009@hv01, which no input holds" in warning.text


def test_an_operating_system_that_is_no_vocabulary_term_refuses_the_overlay_naming_entry_and_value() -> None:
    with pytest.raises(InventoryError) as caught:
        _with(_toml('[[systems]]\r\nmatch = "sqlreport"\r\noperating_system = "Windows Server 2019"\r\n'))
    message = caught.value.message
    assert message.startswith("site.toml: not a valid overlay: systems.0.operating_system (match 'sqlreport'): "
                              "'Windows Server 2019' is not an operating system the vocabulary knows (did you mean "
                              "'WindowsServer2019'?)")
    with pytest.raises(InventoryError, match=r"'Windows2019' is not an operating system"):
        _with(_toml('[[systems]]\nmatch = "SQL01"\noperating_system = "Windows2019"\n'))
    result = _with(_toml('[[systems]]\nmatch = "SQL01"\noperating_system = "WindowsServer2019"\n'))
    assert objects(result, SQL01, "operatingSystem") == [HV + "WindowsServer2019"]


def test_a_host_filter_that_matches_nothing_is_a_warning_naming_it() -> None:
    result = _with(_toml('[[systems]]\nmatch = "SQL01"\nhost = "HV99"\ntier = "Production"\n'))
    assert objects(result, SQL01, "tier") == []
    assert [w.text for w in result.warnings] == [
        "site.toml, line 3: the overlay names the host 'HV99' for the systems 'SQL01', but none of them runs on a "
        "host or cluster of that name, so what it says about them is not applied."
    ]
    assert [w.rule_id for w in result.warnings] == ["IMP-003"]
