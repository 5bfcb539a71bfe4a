"""Backup products through the collector's projection: Veeam B&R, Windows Server Backup, System Center DPM."""

from __future__ import annotations

import json

import pytest

from tests.importers.conftest import APP01, APP01_DR, DATA, HV, SQL01, WEB01, import_texts, objects, subjects_of_type

BACKUP = DATA / "collector" / "backup.json"
VEEAM_JOB = "urn:hv-advisor:job:veeam/0b000000-0000-4000-8000-000000000001"
HARDENED = "urn:hv-advisor:repository:veeam/0a000000-0000-4000-8000-000000000001"
AZURE = "urn:hv-advisor:repository:veeam/0a000000-0000-4000-8000-000000000002"


def _document() -> dict:
    return json.loads(BACKUP.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def estate():
    return import_texts(("backup.json", _document()))


def test_the_fixture_imports_without_warnings(estate) -> None:
    assert [w.text for w in estate.warnings] == []


def test_veeam_job_type_schedule_last_success_and_target(estate) -> None:
    assert objects(estate, VEEAM_JOB, "method") == [HV + "HostLevel"]
    assert objects(estate, VEEAM_JOB, "scope") == [HV + "FullSystem"]
    assert objects(estate, VEEAM_JOB, "applicationAware") == ["true"]
    assert objects(estate, VEEAM_JOB, "scheduleIntervalHours") == ["24"]
    assert objects(estate, VEEAM_JOB, "lastSuccessfulRunAt") == ["2026-11-24T23:10:00Z"]
    assert objects(estate, VEEAM_JOB, "storesTo") == [HARDENED]
    assert objects(estate, VEEAM_JOB, "usesProduct") == ["urn:hv-advisor:product:veeam"]
    assert objects(estate, "urn:hv-advisor:product:veeam", "supportsCSV") == ["true"]


def test_veeam_cluster_object_less_an_excluded_vm_lists_the_vms_it_covers(estate) -> None:
    assert objects(estate, VEEAM_JOB, "protects") == sorted([SQL01, APP01])
    assert WEB01 not in objects(estate, VEEAM_JOB, "protects")
    assert objects(estate, VEEAM_JOB, "protectsAllVMsOn") == []


def test_veeam_cluster_object_without_exclusions_is_every_vm_on_it() -> None:
    document = _document()
    document["backup"]["veeam"]["jobs"][0]["Objects"].pop()
    result = import_texts(("backup.json", document))
    assert objects(result, VEEAM_JOB, "protectsAllVMsOn") == ["urn:hv-advisor:cluster:hvclu01"]


def test_veeam_repositories_media_and_immutability(estate) -> None:
    assert objects(estate, HARDENED, "media") == [HV + "DiskMedia"]
    assert objects(estate, HARDENED, "immutable") == ["true"]  # the Hardened Repository, by its type
    assert objects(estate, HARDENED, "onSystem") == ["urn:hv-advisor:host:vbrrepo01"]
    assert objects(estate, AZURE, "media") == [HV + "CloudMedia"] and objects(estate, AZURE, "immutable") == []


def test_veeam_backup_copy_job_is_the_copies_to_of_its_source_job(estate) -> None:
    assert objects(estate, VEEAM_JOB, "copiesTo") == [AZURE]
    assert "urn:hv-advisor:job:veeam/0b000000-0000-4000-8000-000000000003" not in subjects_of_type(estate, "BackupJob")


def test_a_disabled_veeam_job_protects_nothing() -> None:
    document = _document()
    document["backup"]["veeam"]["jobs"][1]["IsScheduleEnabled"] = False
    result = import_texts(("backup.json", document))
    assert objects(result, "urn:hv-advisor:job:veeam/0b000000-0000-4000-8000-000000000002", "protects") == []


def test_an_unknown_veeam_repository_type_is_a_warning() -> None:
    document = _document()
    document["backup"]["veeam"]["repositories"][1]["Type"] = "QuantumDxi"
    result = import_texts(("backup.json", document))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-002" and "Type is 'QuantumDxi', which no table of Veeam repository types" in \
        warning.text


def test_a_veeam_object_no_import_holds_is_a_warning_naming_it() -> None:
    document = _document()
    document["backup"]["veeam"]["jobs"][1]["Objects"][0]["Name"] = "GHOST01"
    result = import_texts(("backup.json", document))
    [warning] = result.warnings
    assert warning.rule_id == "IMP-003" and "Veeam job 'APP01 weekly' names 'GHOST01' on 'HV03'" in warning.text


def test_windows_server_backup_policy_vms_and_the_host_itself(estate) -> None:
    vms, itself = "urn:hv-advisor:job:wsb/hvdr01/vms", "urn:hv-advisor:job:wsb/hvdr01"
    assert objects(estate, vms, "protects") == [APP01_DR]  # APP01 on HVDR01, not the one on HV03
    assert objects(estate, vms, "method") == [HV + "HostLevel"]
    assert objects(estate, itself, "protects") == ["urn:hv-advisor:host:hvdr01"]
    assert objects(estate, itself, "method") == [HV + "AgentBased"] and objects(estate, itself, "scope") == [
        HV + "FullSystem"]
    assert objects(estate, vms, "scheduleIntervalHours") == ["24"]
    assert objects(estate, vms, "lastSuccessfulRunAt") == ["2026-11-24T20:30:00Z"]
    [target] = objects(estate, vms, "storesTo")
    assert objects(estate, target, "onSystem") == ["urn:hv-advisor:host:fs01"]


def test_dpm_protection_group_by_datasource_type(estate) -> None:
    job = "urn:hv-advisor:job:dpm/dpm01/sql%20databases/agentbased-dataonly"
    assert objects(estate, job, "protects") == [SQL01]
    assert objects(estate, job, "scope") == [HV + "DataOnly"] and objects(estate, job, "applicationAware") == ["true"]
    assert objects(estate, job, "storesTo") == ["urn:hv-advisor:repository:dpm/dpm01"]
    assert objects(estate, job, "lastSuccessfulRunAt") == ["2026-11-25T06:00:00Z"]
