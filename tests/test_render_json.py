"""The JSON report is byte for byte `json.dumps(report.contract(), indent=2, ensure_ascii=False)` plus a newline."""

from __future__ import annotations

import json
from functools import cache

import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.render import json_report, render, render_many
from advisor.report import BlastRadius, Report, Resource, RuleError
from advisor.validation import validate
from bench.generate import DEFAULT_AS_OF, generate
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for


def _contract_one(report: Report) -> bytes:
    return (json.dumps(report.contract(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _contract_many(reports: list[Report]) -> bytes:
    items = [{"file": r.source, **r.contract()} for r in reports]
    return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@cache
def _generated_estate() -> Report:
    """A generated estate where every rule fires, with the blast radius the JSON report shows."""
    graph = parse_bytes(generate(120, seed=3).encode("utf-8"), RdfFormat.TURTLE)
    return validate(graph, as_of=DEFAULT_AS_OF, blast_radius=True)


def _odd_report() -> Report:
    """Waivers, non-ASCII and control characters, rule errors, an empty and a full blast radius entry."""
    report = made_up_report('Zürich "DC" \\ \t\x01 \u2028 —', waived=True, source="odd ✓.ttl")
    report.errors = [RuleError(rule_id="DQ-009", message="failed: ünïcode\n")]
    report.systems = 7
    resources = [Resource(iri="https://example.org/vm/ä", label="VM ä"), Resource(iri="_:b1", label="")]
    report.blast_radius = [
        BlastRadius(kind="site", iri="https://example.org/s", label="S", unrecoverable_count=0, unrecoverable=[]),
        BlastRadius(
            kind="cluster", iri="https://example.org/c", label="C", unrecoverable_count=2, unrecoverable=resources
        ),
    ]
    return report


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_every_input_renders_as_its_contract(path) -> None:
    report = report_for(path)
    assert render(report, "json") == _contract_one(report)


def test_a_generated_estate_with_its_blast_radius_renders_as_its_contract() -> None:
    report = _generated_estate()
    assert report.blast_radius and any(b.unrecoverable for b in report.blast_radius)
    assert len({f.rule_id for f in report.findings}) > 20
    assert render(report, "json") == _contract_one(report)


@pytest.mark.parametrize(
    "report", [_odd_report(), made_up_report(), made_up_report().model_copy(update={"findings": []})]
)
def test_odd_reports_render_as_their_contract(report: Report) -> None:
    assert render(report, "json") == _contract_one(report)


def test_a_batch_renders_as_its_contract() -> None:
    reports = [report_for(p) for p in INPUTS[:4]] + [_odd_report(), _generated_estate()]
    assert render_many(reports, "json") == _contract_many(reports)
    assert render_many([], "json") == _contract_many([])


def test_the_fast_writers_know_the_models() -> None:
    assert json_report.models_match(), "a report model changed: teach advisor/render/json_report.py its fields"


def test_models_the_writers_do_not_know_are_dumped_by_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_report, "FAST", False)
    reports = [_odd_report(), _generated_estate()]
    assert render(reports[1], "json") == _contract_one(reports[1])
    assert render_many(reports, "json") == _contract_many(reports)
