"""The renderer registry, and the inputs every renderer test uses.

The inputs are the sample environments in sample_graphs/ (picked up as they are added) and every
rule's violation fixture; each is validated once per test process and its Report shared.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.render import FORMATS, format_for_media_type, get_format, render, render_many
from advisor.report import Explanation, Finding, Report, Severity, Source, Waiver, conforms
from tests.conftest import FIXED_AS_OF, RULE_FIXTURES, SAMPLES, load_expected, validate_file

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.suffix in {".ttl", ".jsonld"})
FIXTURE_FILES = sorted(RULE_FIXTURES.glob("*/violation.ttl"))
INPUTS = SAMPLE_FILES + FIXTURE_FILES
INPUT_IDS = [p.name if p.parent == SAMPLES else p.parent.name for p in INPUTS]


def _as_of(path: Path) -> dt.date:
    if path.parent.parent == RULE_FIXTURES:
        return dt.date.fromisoformat(load_expected(path.parent).get("as_of", FIXED_AS_OF.isoformat()))
    return FIXED_AS_OF


@cache
def report_for(path: Path, engine: str = "fast") -> Report:
    return validate_file(path, engine=engine, as_of=_as_of(path))


def all_reports() -> list[Report]:
    return [report_for(path) for path in INPUTS]


def made_up_report(label: str = "WEB01", *, waived: bool = False, source: str | None = None) -> Report:
    """A report built by hand, for what no input graph holds (odd labels, waivers)."""
    explanation = Explanation(
        title="System not backed up",
        rationale="Why it matters.",
        source=Source(section="What to back up", quotation="All unique data is backed up."),
        impact="Nothing to restore.",
        remediation="Add it to a job.",
    )
    waiver = (
        Waiver(reason="Decommissioned next week", accepted_by="ops", expires=dt.date(2027, 1, 1)) if waived else None
    )
    findings = [
        Finding(
            rule_id="COV-001",
            severity=Severity.VIOLATION,
            category="Coverage",
            focus_node="https://example.org/odd",
            focus_label=label,
            message=f"{label} is not covered by any backup job.",
            explanation=explanation,
            waiver=waiver,
        ),
        Finding(
            rule_id="DQ-001",
            severity=Severity.INFO,
            category="Data quality",
            focus_node="_:b0",
            focus_label="_:b0",
            message="A note about a blank node.",
            explanation=explanation,
            path="hv:runsOn",
            value="https://example.org/hv01",
        ),
    ]
    return Report(conforms=conforms(findings), findings=findings, as_of=FIXED_AS_OF, source=source)


def test_inputs_are_there_and_some_have_findings() -> None:
    assert FIXTURE_FILES, "no rule fixtures found"
    assert sum(len(r.findings) for r in all_reports()) > len(INPUTS) // 2


MEDIA_TYPES = {
    "text": "text/plain",
    "json": "application/json",
    "markdown": "text/markdown",
    "html": "text/html",
    "shacl": "text/turtle",
    "shacl-jsonld": "application/ld+json",
    "sarif": "application/sarif+json",
    "junit": "application/xml",
    "csv": "text/csv",
}


def test_every_format_is_registered_with_its_media_type() -> None:
    assert {name: fmt.media_type for name, fmt in FORMATS.items()} == MEDIA_TYPES
    for name, media_type in MEDIA_TYPES.items():
        assert format_for_media_type(f"{media_type}; charset=utf-8") is FORMATS[name]
        assert FORMATS[name].extension.startswith(".")
    assert format_for_media_type("image/png") is None
    with pytest.raises(InputError):
        get_format("pdf")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_one_and_several_reports(name: str) -> None:
    reports = all_reports()[:3]
    one = render(reports[0], name, source_text=None)
    several = render_many(reports, name)
    assert one and several
    one.decode("utf-8")
    several.decode("utf-8")


def test_the_json_contract_does_not_carry_the_inventory() -> None:
    report = next(r for r in all_reports() if r.inventory.nodes)
    body = json.loads(render(report, "json"))
    assert set(body) == {"conforms", "score", "systems", "findings"} | ({"errors"} if report.errors else set())
    assert "inventory" not in report.model_dump()
