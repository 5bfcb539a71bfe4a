"""The posture score: its properties on real reports, and the scores by site and cluster."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.inventory import NodeKind
from advisor.loading import RdfFormat, parse_bytes
from advisor.render import render
from advisor.report import Finding, Report, Severity, Waiver
from advisor.score import penalty, posture_score, scope_scores, score_weights
from advisor.validation import validate
from tests.conftest import SAMPLES, validate_file

CLEAN = SAMPLES / "well-run-two-site-cluster.ttl"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".ttl", ".jsonld"})
UNPROTECTED_VM = """
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/added/vm-{n}> a hv:VirtualMachine ; rdfs:label "ADDED-{n}" ;
    hv:runsOn <https://example.org/added/host> .
<https://example.org/added/host> a hv:HyperVHost ; rdfs:label "ADDED-HOST" .
"""


@cache
def sample_reports() -> tuple[Report, ...]:
    return tuple(validate_file(path) for path in SAMPLE_FILES)


@lru_cache(maxsize=1)
def finding_pool() -> tuple[Finding, ...]:
    """Every finding of the samples: the material the properties draw from."""
    pool = tuple(f for report in sample_reports() for f in report.findings)
    assert {f.severity for f in pool} >= {Severity.VIOLATION, Severity.WARNING}
    return pool


findings_lists = st.lists(st.integers(min_value=0, max_value=10_000), max_size=30).map(
    lambda picks: [finding_pool()[i % len(finding_pool())] for i in picks]
)
system_counts = st.integers(min_value=0, max_value=100_000)


def waived(finding: Finding, *, expired: bool = False) -> Finding:
    waiver = Waiver(reason="accepted risk", accepted_by="ops", expires=dt.date(2030, 1, 1), expired=expired)
    return finding.model_copy(update={"waiver": waiver})


def test_the_clean_sample_scores_100_and_every_other_sample_less() -> None:
    for path, report in zip(SAMPLE_FILES, sample_reports(), strict=True):
        body = json.loads(render(report, "json"))
        assert body["score"] == report.score
        assert body["systems"] == report.systems > 0
        if path == CLEAN:
            assert report.findings == [] and report.score == 100.0
        else:
            assert report.counts()["violation"] > 0 and 0 < report.score < 100, path.name


def test_adding_a_real_violation_lowers_the_score_of_the_real_graph() -> None:
    graphs = [CLEAN.read_bytes()] + [UNPROTECTED_VM.format(n=n).encode() for n in range(3)]
    scores = []
    for count in range(1, len(graphs) + 1):
        report = validate(parse_bytes(b"\n".join(graphs[:count]), RdfFormat.TURTLE), as_of=dt.date(2026, 11, 25))
        scores.append(report.score)
    assert scores[0] == 100.0
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)  # each VM costs something


@settings(max_examples=200, deadline=None)
@given(findings=findings_lists, extra=st.integers(min_value=0, max_value=10_000), systems=system_counts)
def test_adding_a_finding_never_raises_the_score(findings: list[Finding], extra: int, systems: int) -> None:
    added = finding_pool()[extra % len(finding_pool())]
    before, after = posture_score(findings, systems), posture_score([*findings, added], systems)
    assert after <= before
    assert 0 <= after < 100  # a standing finding always shows


@settings(max_examples=200, deadline=None)
@given(findings=findings_lists, extra=st.integers(min_value=0, max_value=10_000), systems=system_counts)
def test_waived_findings_do_not_count_and_expired_waivers_do(findings: list[Finding], extra: int, systems: int) -> None:
    added = finding_pool()[extra % len(finding_pool())]
    assert posture_score([*findings, waived(added)], systems) == posture_score(findings, systems)
    expired = waived(added, expired=True)
    assert posture_score([*findings, expired], systems) == posture_score([*findings, added], systems)
    assert posture_score([waived(f) for f in findings], systems) == 100.0


@settings(max_examples=100, deadline=None)
@given(findings=findings_lists, systems=system_counts)
def test_the_score_is_reproducible_from_the_json_report(findings: list[Finding], systems: int) -> None:
    report = Report(conforms=False, findings=findings, as_of=dt.date(2026, 11, 25), systems=systems)
    body = json.loads(render(report, "json"))
    recomputed = posture_score([Finding.model_validate(f) for f in body["findings"]], body["systems"])
    assert recomputed == body["score"] == report.score


@settings(max_examples=100, deadline=None)
@given(findings=findings_lists, systems=st.integers(min_value=1, max_value=1000))
def test_the_estate_size_normalises_the_score(findings: list[Finding], systems: int) -> None:
    """The same findings weigh less on a larger estate; one violation per system halves the score."""
    assert posture_score(findings, systems * 10) >= posture_score(findings, systems)
    violation = next(f for f in finding_pool() if f.severity is Severity.VIOLATION)
    budget = score_weights().budget / score_weights().weights[Severity.VIOLATION]
    assert posture_score([violation] * int(budget * systems), systems) == 50.0
    assert penalty([violation]) == score_weights().weights[Severity.VIOLATION]


def test_sites_and_clusters_score_their_own_findings_and_systems() -> None:
    for report in sample_reports():
        for kind in (NodeKind.SITE, NodeKind.CLUSTER):
            scopes = scope_scores(report.findings, report.inventory, kind)
            assert [s.id for s in scopes] == [n.id for n in report.inventory.of_kind(kind)]
            for scope in scopes:
                placed = {
                    n.id
                    for n in report.inventory.nodes
                    if n.id == scope.id or (n.site if kind is NodeKind.SITE else n.cluster) == scope.id
                }
                mine = [f for f in report.findings if f.focus_node in placed]
                assert scope.findings == sum(1 for f in mine if not f.waived)
                assert scope.score == posture_score(mine, scope.systems)
    clean = sample_reports()[SAMPLE_FILES.index(CLEAN)]
    assert all(s.score == 100 for s in scope_scores(clean.findings, clean.inventory, NodeKind.SITE))
    mixed = next(r for r in sample_reports() if r.source and "mixed-estate" in r.source)
    sites = scope_scores(mixed.findings, mixed.inventory, NodeKind.SITE)
    assert sites and all(s.systems > 0 and s.score < 100 for s in sites)


def test_every_summary_states_the_score() -> None:
    report = next(r for r in sample_reports() if r.findings and r.inventory.of_kind(NodeKind.SITE))
    shown = f"{report.score:g}"
    assert f"posture score {shown}/100" in render(report, "text").decode()
    markdown = render(report, "markdown").decode()
    assert f"Posture score: **{shown}** / 100" in markdown and "| Site |" in markdown
    html = render(report, "html").decode()
    assert f'<strong class="score-value">{shown}</strong>Posture score' in html
    assert json.loads(render(report, "sarif"))["runs"][0]["properties"]["score"] == [report.score]
    assert f'name="score" value="{shown}"' in render(report, "junit").decode()
