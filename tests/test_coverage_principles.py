"""The coverage principles of rules.md that span several rules.

- An unprotected system gets exactly one of COV-001, COV-002, COV-003 and COV-010, the most specific.
- hv:backupExclusionReason suppresses those four for that system only; it is still unprotected for
  COV-009 and COV-004.
- COV-009 names every unprotected system a protected one reaches through hv:dependsOn, each with the
  shortest chain that comes first as text (checked against a brute-force search on random graphs).
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from pathlib import Path

import pytest
from rdflib import Graph

from advisor.namespaces import HV
from advisor.report import Report
from tests.conftest import ROOT, validate_file

DATA = ROOT / "tests" / "data" / "coverage"
EX = "https://example.org/"
EXCLUSIVE = ("COV-001", "COV-002", "COV-003", "COV-010")

_reports: dict[str, Report] = {}


def _report(name: str) -> Report:
    """Validate a graph under tests/data/coverage once for the whole module (fast engine; the
    differential test checks that the reference engine agrees on every rule fixture)."""
    if name not in _reports:
        report = validate_file(DATA / name)
        assert not report.errors, report.errors
        _reports[name] = report
    return _reports[name]


def _exclusive_rules(report: Report, local: str) -> list[str]:
    return sorted(f.rule_id for f in report.findings if f.focus_node == EX + local and f.rule_id in EXCLUSIVE)


@pytest.mark.parametrize(
    ("system", "rule"),
    [
        ("hv01", "COV-010"),
        ("nested01", "COV-010"),
        ("rep01", "COV-003"),
        ("ckp01", "COV-002"),
        ("both01", "COV-003"),
        ("plain01", "COV-001"),
        ("phys01", "COV-001"),
        ("phys02", "COV-001"),
    ],
)
def test_an_unprotected_system_gets_exactly_the_most_specific_rule(system: str, rule: str) -> None:
    assert _exclusive_rules(_report("exclusivity.ttl"), system) == [rule]


def test_a_protected_system_gets_none_of_them() -> None:
    report = _report("exclusivity.ttl")
    for system in ("safe01", "dr01"):
        assert _exclusive_rules(report, system) == []


@pytest.mark.parametrize("name", ["exclusivity.ttl", "exclusion.ttl"])
def test_one_finding_per_rule_and_focus_node(name: str) -> None:
    keys = [(f.rule_id, f.focus_node) for f in _report(name).findings if f.rule_id.startswith("COV-")]
    assert keys, "the graph breaks coverage rules"
    assert len(keys) == len(set(keys))


def test_an_exclusion_reason_suppresses_the_four_rules_for_that_system() -> None:
    report = _report("exclusion.ttl")
    for system in ("hv01", "lab01", "tmp01", "phys01"):
        assert _exclusive_rules(report, system) == [], system


def test_without_the_reasons_the_same_systems_get_their_rule(tmp_path: Path) -> None:
    graph = Graph().parse(DATA / "exclusion.ttl", format="turtle")
    graph.remove((None, HV.backupExclusionReason, None))
    path = tmp_path / "no-reasons.ttl"
    graph.serialize(path, format="turtle")
    report = validate_file(path)
    expected = {"hv01": "COV-010", "lab01": "COV-003", "tmp01": "COV-002", "phys01": "COV-001"}
    assert {system: _exclusive_rules(report, system) for system in expected} == {
        system: [rule] for system, rule in expected.items()
    }


def test_an_excluded_system_is_still_unprotected_for_what_depends_on_it() -> None:
    found = {f.focus_node: f.message for f in _report("exclusion.ttl").findings if f.rule_id == "COV-009"}
    assert sorted(found) == [EX + "app01", EX + "web01"]
    assert "LAB01 (unprotected, excluded from backup) via APP01 → LAB01" in found[EX + "app01"]
    assert "HV01 (unprotected, excluded from backup) via WEB01 → HV01" in found[EX + "web01"]
    assert "LAB01 (unprotected, excluded from backup) via WEB01 → APP01 → LAB01" in found[EX + "web01"]


def test_an_excluded_system_holds_no_backed_up_copy() -> None:
    found = [f for f in _report("exclusion.ttl").findings if f.rule_id == "COV-004"]
    assert [f.focus_node for f in found] == [EX + "scratch"]
    assert "(PHYS01)" in found[0].message


def test_a_dependency_without_an_iri_is_reported_without_a_chain() -> None:
    found = [f for f in _report("blank-node-dependency.ttl").findings if f.rule_id == "COV-009"]
    assert [f.focus_node for f in found] == [EX + "app01"]
    assert found[0].message.startswith(
        "APP01 depends on MW01 (unprotected) via APP01 → MW01; "
        "NAS01 (unprotected) via a chain that cannot be shown (the system has no IRI)."
    )


# COV-009 chains against a brute-force search ------------------------------------------------------

MAX_HOPS = 8


def _random_estate(seed: int) -> tuple[dict[str, list[str]], set[str], set[str]]:
    """Systems named by unique random words, random hv:dependsOn edges (cycles, self-loops and all),
    a chain of twelve systems so that some targets lie farther than MAX_HOPS, random protection."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < 28:
        names.add("".join(rng.choice("ABCDEFGH") for _ in range(rng.randint(1, 3))) + rng.choice(["", "-x", "01"]))
    systems = sorted(names)
    rng.shuffle(systems)
    chain, rest = systems[:12], systems[12:]
    edges: dict[str, list[str]] = {s: [] for s in systems}
    for a, b in itertools.pairwise(chain):
        edges[a].append(b)
    for _ in range(40):
        a, b = rng.choice(systems), rng.choice(rest + chain[:3])
        if b not in edges[a]:
            edges[a].append(b)
    protected = ({s for s in systems if rng.random() < 0.5} | {chain[0], chain[1]}) - set(chain[-3:])
    excluded = {s for s in systems if s not in protected and rng.random() < 0.3}
    return edges, protected, excluded


def _write_estate(path: Path, edges: dict[str, list[str]], protected: set[str], excluded: set[str]) -> None:
    def iri(name: str) -> str:
        return f"<{EX}s/{name}>"

    lines = [
        "@prefix hv: <https://w3id.org/hv-advisor/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    for name, targets in edges.items():
        lines.append(f'{iri(name)} a hv:PhysicalServer ; rdfs:label "{name}" .')
        lines += [f"{iri(name)} hv:dependsOn {iri(t)} ." for t in targets]
        if name in excluded:
            lines.append(f'{iri(name)} hv:backupExclusionReason "test" .')
    lines.append(f"<{EX}job> a hv:BackupJob ; hv:protects {', '.join(iri(p) for p in sorted(protected))} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _distances_from(start: str, edges: dict[str, list[str]]) -> dict[str, int]:
    seen, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        for nxt in edges[node]:
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return seen


def _first_shortest_chain(source: str, target: str, edges: dict[str, list[str]], hops: int) -> str:
    """Every walk of exactly `hops` steps from source to target (all are shortest), the first as text."""
    walks: list[tuple[str, ...]] = []

    def extend(walk: tuple[str, ...]) -> None:
        if len(walk) == hops + 1:
            if walk[-1] == target:
                walks.append(walk)
            return
        for nxt in edges[walk[-1]]:
            extend((*walk, nxt))

    extend((source,))
    return min(" → ".join(walk) for walk in walks)


def _expected_gaps(edges: dict[str, list[str]], protected: set[str], excluded: set[str]) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {}
    for source in sorted(protected):
        gaps = []
        for target, hops in _distances_from(source, edges).items():
            if target in protected or hops == 0:
                continue
            state = " (unprotected, excluded from backup)" if target in excluded else " (unprotected)"
            if hops <= MAX_HOPS:
                via = _first_shortest_chain(source, target, edges, hops)
            else:
                via = f"a chain of more than {MAX_HOPS} hv:dependsOn hops"
            gaps.append(f"{target}{state} via {via}")
        if gaps:
            expected[source] = sorted(gaps)
    return expected


def _reported_gaps(report: Report) -> dict[str, list[str]]:
    reported = {}
    for finding in report.findings:
        if finding.rule_id == "COV-009":
            name = finding.focus_node.rsplit("/", 1)[-1]
            listed = finding.message.removeprefix(f"{name} depends on ").split(". No backup job covers these")[0]
            reported[name] = listed.split("; ")
    return reported


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cov009_names_each_unprotected_system_with_its_first_shortest_chain(seed: int, tmp_path: Path) -> None:
    edges, protected, excluded = _random_estate(seed)
    path = tmp_path / "estate.ttl"
    _write_estate(path, edges, protected, excluded)
    expected = _expected_gaps(edges, protected, excluded)
    assert any(" → " in gap for gaps in expected.values() for gap in gaps)
    assert any("more than" in gap for gaps in expected.values() for gap in gaps)
    report = validate_file(path)
    assert not report.errors, report.errors
    assert _reported_gaps(report) == expected
