"""One test per rule of rules.md, "What-if", on tests/data/whatif/estate.ttl, with the state of every system."""

from __future__ import annotations

from tests.whatif.conftest import lost, states, system

ALL_UNAFFECTED = dict.fromkeys(["APP", "BKP", "DB", "FS1", "H1", "H2", "H3", "LAB", "WEB"], "unaffected")


def expect(**changed: str) -> dict[str, str]:
    return ALL_UNAFFECTED | changed


def restore_from(result, label: str) -> list[str]:
    return [r.label for r in system(result, label).restore_from]


def test_site_loses_what_stands_there_and_what_that_takes(lose):
    result = lose("site:Main")
    assert lost(result) == {
        "Main": "given as lost",
        "H1": "at site Main",
        "H2": "at site Main",
        "FS1": "at site Main",
        "R-MAIN": "at site Main",
        "CL1": "every member host is lost",
        "CSV1": "used by cluster CL1",
        "SHARE1": "hosted by FS1",
        "APP": "on host H1",
        "DB": "on host H2",
    }
    assert states(result) == expect(
        APP="recoverable", DB="unrecoverable", FS1="recoverable", H1="recoverable", H2="recoverable", WEB="exposed"
    )
    assert {e.label: e.kind for e in result.lost}["CL1"] == "cluster"


def test_site_keeps_a_cloud_repository_without_site_and_loses_one_held_by_a_system_there(lose):
    result = lose("site:Main", "site:DR")
    assert "R-CLOUD" not in lost(result)
    assert lost(result)["R-DR"] == "held by BKP"
    assert states(result) == {
        "APP": "unrecoverable",
        "BKP": "recoverable",
        "DB": "unrecoverable",
        "FS1": "recoverable",
        "H1": "recoverable",
        "H2": "recoverable",
        "H3": "recoverable",
        "LAB": "unrecoverable",
        "WEB": "unrecoverable",
    }
    assert restore_from(result, "BKP") == ["R-CLOUD"]


def test_host_loses_its_vms_local_volumes_and_the_repositories_they_hold(lose):
    result = lose("host:H3")
    assert lost(result) == {
        "H3": "given as lost",
        "WEB": "on host H3",
        "LAB": "on host H3",
        "BKP": "on host H3",
        "LV3": "attached to host H3",
        "R-DR": "held by BKP",
    }
    assert states(result) == expect(BKP="recoverable", H3="recoverable", LAB="unrecoverable", WEB="recoverable")
    assert restore_from(result, "WEB") == ["R-MAIN"]
    assert restore_from(result, "H3") == ["R-CLOUD"]


def test_system_that_is_a_host_takes_what_a_host_takes(lose):
    assert lost(lose("system:H3")) == lost(lose("host:H3"))
    assert states(lose("system:H3")) == states(lose("host:H3"))


def test_system_loses_itself_and_the_repositories_it_holds(lose):
    result = lose("system:BKP")
    assert lost(result) == {"BKP": "given as lost", "R-DR": "held by BKP"}
    assert states(result) == expect(BKP="recoverable")
    assert restore_from(result, "BKP") == ["R-CLOUD"]


def test_system_loses_the_smb_shares_it_hosts_and_the_vms_on_them(lose):
    result = lose("system:FS1")
    assert lost(result) == {"FS1": "given as lost", "SHARE1": "hosted by FS1", "DB": "stored on volume SHARE1"}
    assert states(result) == expect(DB="recoverable", FS1="recoverable")
    assert restore_from(result, "DB") == ["R-MAIN"]


def test_cluster_loses_its_member_hosts_and_its_csvs(lose):
    result = lose("cluster:CL1")
    assert lost(result) == {
        "CL1": "given as lost",
        "H1": "member of cluster CL1",
        "H2": "member of cluster CL1",
        "CSV1": "used by cluster CL1",
        "APP": "on host H1",
        "DB": "on host H2",
    }
    assert states(result) == expect(APP="recoverable", DB="recoverable", H1="recoverable", H2="recoverable")
    assert restore_from(result, "APP") == ["R-DR", "R-MAIN"]


def test_closure_cluster_is_lost_once_every_member_host_is(lose):
    result = lose("host:H1", "host:H2")
    assert lost(result)["CL1"] == "every member host is lost"
    assert lost(result)["CSV1"] == "used by cluster CL1"
    assert states(result) == expect(APP="recoverable", DB="recoverable", H1="recoverable", H2="recoverable")


def test_closure_near_miss_one_member_host_lost_keeps_the_cluster(lose):
    result = lose("host:H1")
    assert lost(result) == {"H1": "given as lost", "APP": "on host H1"}
    assert states(result) == expect(APP="recoverable", H1="recoverable")


def test_volume_loses_the_vms_stored_on_it_and_their_repositories(lose):
    result = lose("volume:LV3")
    assert lost(result) == {
        "LV3": "given as lost",
        "BKP": "stored on volume LV3",
        "WEB": "stored on volume LV3",
        "R-DR": "held by BKP",
    }
    assert states(result) == expect(BKP="recoverable", WEB="recoverable")


def test_volume_loses_a_vm_whose_disk_is_stored_on_it(lose):
    result = lose("volume:SHARE1")
    assert lost(result) == {"SHARE1": "given as lost", "DB": "stored on volume SHARE1"}
    assert states(result) == expect(DB="recoverable")
    assert states(lose("volume:SHARE1", "repository:R-MAIN")) == expect(DB="unrecoverable", WEB="exposed")


def test_repository_loses_only_itself(lose):
    result = lose("repository:R-MAIN")
    assert lost(result) == {"R-MAIN": "given as lost"}
    assert states(result) == expect(DB="exposed", WEB="exposed")


def test_state_unrecoverable_lost_with_every_repository_of_every_covering_job(lose):
    result = lose("site:Main")
    db = system(result, "DB")
    assert db.state.value == "unrecoverable"
    assert db.restore_from == () and db.restore_point_age_hours is None


def test_state_unrecoverable_when_lost_and_no_job_covers_it_checkpoints_do_not_count(lose):
    result = lose("system:LAB")
    assert states(result) == expect(LAB="unrecoverable")


def test_state_recoverable_with_the_surviving_repositories_and_the_newest_restore_point(lose):
    result = lose("site:Main")
    app, host = system(result, "APP"), system(result, "H1")
    assert [r.label for r in app.restore_from] == ["R-DR"]
    assert app.restore_point_age_hours == 26.0  # 2026-11-24T22:00Z to the end of 2026-11-25
    assert host.restore_point_age_hours == 132.0  # a time without a timezone is UTC
    assert system(lose("host:H3"), "WEB").restore_point_age_hours is None  # no hv:lastSuccessfulRunAt


def test_state_exposed_running_with_every_backup_lost(lose):
    result = lose("repository:R-MAIN", "repository:R-DR")
    assert states(result) == expect(APP="exposed", DB="exposed", WEB="exposed")


def test_state_exposed_near_miss_a_job_without_repository_exposes_nothing(lose):
    result = lose("repository:R-MAIN", "repository:R-CLOUD", "repository:R-DR")
    assert states(result)["LAB"] == "unaffected"  # JOB-LAB covers it and has no repository
    assert states(result) == {
        "APP": "exposed",
        "BKP": "exposed",
        "DB": "exposed",
        "FS1": "exposed",
        "H1": "exposed",
        "H2": "exposed",
        "H3": "exposed",
        "LAB": "unaffected",
        "WEB": "exposed",
    }


def test_coverage_follows_the_protected_definition_whatever_hvs_protected_by_the_input_states(estate):
    """An hvs:protectedBy triple stated in the input neither switches the derived coverage off nor adds
    coverage of its own: H3 is still covered by no job, and every other system by its hv: jobs."""
    from advisor.loading import RdfFormat, parse_bytes
    from advisor.whatif import document_prefixes, graph_facts, resolve_all, what_if
    from tests.whatif.conftest import AS_OF, ESTATE

    stated = ESTATE.read_bytes() + (
        b"\n<https://example.org/h3> <https://w3id.org/hv-advisor/shapes#protectedBy> <https://example.org/job-web> .\n"
    )
    facts = graph_facts(parse_bytes(stated, RdfFormat.TURTLE), AS_OF)
    assert facts.covering == estate.covering
    prefixes = document_prefixes(ESTATE.read_bytes(), RdfFormat.TURTLE)
    for specs in (["site:Main"], ["site:DR"], ["repository:R-MAIN", "repository:R-DR"]):
        with_triple = what_if(facts, resolve_all(facts, specs, prefixes), AS_OF)
        without = what_if(estate, resolve_all(estate, specs, prefixes), AS_OF)
        assert states(with_triple) == states(without), specs


def test_state_unaffected_when_losing_nothing_that_matters(lose):
    assert states(lose("volume:CSV1")) == expect(APP="recoverable")
    assert states(lose("repository:R-CLOUD")) == expect(
        BKP="exposed", FS1="exposed", H1="exposed", H2="exposed", H3="exposed"
    )


def test_replica_is_a_failover_option_not_a_recovery(lose):
    db = system(lose("site:Main"), "DB")
    assert db.state.value == "unrecoverable"
    assert [s.label for s in db.replica_failover] == ["H3"]


def test_replica_near_miss_no_failover_when_the_replica_server_is_lost_too(lose):
    db = system(lose("site:Main", "host:H3"), "DB")
    assert db.state.value == "unrecoverable" and db.replica_failover == ()
    assert system(lose("host:H3"), "DB").replica_failover == ()  # not lost: no failover to speak of


def test_data_set_lost_when_every_holder_is_unrecoverable(lose):
    result = lose("site:Main")
    assert [d.label for d in result.data_sets_lost] == ["ERP database"]  # the log database is on APP too


def test_data_set_near_miss_a_recoverable_holder_keeps_it(lose):
    result = lose("cluster:CL1")
    assert result.data_sets_lost == ()
    everything = lose("site:Main", "site:DR")
    assert [d.label for d in everything.data_sets_lost] == ["ERP database", "Log database"]  # never the orphan


def test_broken_dependencies_with_one_shortest_chain(lose):
    result = lose("site:Main")
    assert [(b.system.label, b.depends_on.label, [n.label for n in b.chain]) for b in result.broken_dependencies] == [
        ("APP", "DB", ["APP", "DB"]),
        ("WEB", "DB", ["WEB", "APP", "DB"]),
    ]


def test_broken_dependencies_near_miss_an_unrecoverable_dependent_is_not_listed(lose):
    assert lose("site:Main", "site:DR").broken_dependencies == ()
    assert lose("host:H3").broken_dependencies == ()  # LAB is unrecoverable, nothing depends on it


def test_json_contract(lose):
    body = lose("site:Main").as_json()
    assert set(body) == {"as_of", "lost", "systems", "data_sets_lost", "broken_dependencies"}
    assert set(body["lost"][0]) == {"iri", "label", "kind", "because"}
    assert set(body["systems"][0]) == {
        "iri",
        "label",
        "state",
        "restore_from",
        "restore_point_age_hours",
        "replica_failover",
    }
    assert set(body["broken_dependencies"][0]) == {"system", "depends_on", "chain"}
    assert body["lost"][0] == {
        "iri": "https://example.org/whatif/main",
        "label": "Main",
        "kind": "site",
        "because": "given as lost",
    }
