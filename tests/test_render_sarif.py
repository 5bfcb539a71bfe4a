"""SARIF 2.1.0: valid against the OASIS schema, the catalog as rules, each finding located in its file."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from advisor.knowledge import knowledge_base
from advisor.render import render, render_many
from advisor.render.locate import SourceIndex
from advisor.render.sarif import LEVELS, artifact_uri
from advisor.report import Report
from tests.conftest import ROOT
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for

SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@cache
def _validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=FormatChecker())


def _valid(log: dict) -> dict:
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return log


def _sarif(report: Report, **options: object) -> dict:
    return _valid(json.loads(render(report, "sarif", **options)))


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_the_schema_rejects_what_is_not_sarif() -> None:
    assert list(_validator().iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))  # no tool
    assert list(_validator().iter_errors({"version": "2.0.0", "runs": []}))


def test_the_rules_are_the_catalog() -> None:
    catalog = knowledge_base().catalog
    log = _sarif(report_for(INPUTS[0]))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(catalog)
    for descriptor, rule in zip(rules, catalog.values(), strict=True):
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == rule.rationale
        assert rule.remediation in descriptor["help"]["text"]
        assert rule.remediation in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[rule.severity]
        assert descriptor["name"].isidentifier() and descriptor["name"][0].isupper()


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_every_finding_is_a_result_at_the_line_of_its_resource(path: Path) -> None:
    report = report_for(path)
    run = _sarif(report, source_text=path.read_text(encoding="utf-8"))["runs"][0]  # what the CLI passes
    results = run["results"]
    assert len(results) == len(report.findings)
    assert run["artifacts"] == [
        {"location": {"uri": artifact_uri(str(path))}, "mimeType": run["artifacts"][0]["mimeType"]}
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(results, report.findings, strict=True):
        assert result["ruleId"] == finding.rule_id == rules[result["ruleIndex"]]["id"]
        assert result["level"] == LEVELS[finding.severity]
        assert result["message"]["text"] == finding.message
        location = result["locations"][0]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == finding.focus_node
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["index"] == 0
        if finding.focus_node.startswith("_:"):
            continue
        region = physical.get("region")
        if _local_name(finding.focus_node) in path.read_text(encoding="utf-8"):
            assert region is not None, f"{finding.focus_node} is in {path.name} but has no line"
        if region is not None:
            text = lines[region["startLine"] - 1]
            token = text[region["startColumn"] - 1 : region["endColumn"] - 1]
            assert _local_name(finding.focus_node) in token, (token, finding.focus_node)


def test_the_source_text_option_locates_findings_and_the_file_named_is_never_read() -> None:
    path = next(p for p in INPUTS if report_for(p).findings and p.suffix == ".ttl")
    report = report_for(path)
    assert path.is_file() and _local_name(report.findings[0].focus_node) in path.read_text(encoding="utf-8")
    unread = _sarif(report)["runs"][0]["results"]  # the file exists, but no text is given: no lines
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in unread)
    moved = report.model_copy(update={"source": "elsewhere/env.ttl"})
    without = _sarif(moved)["runs"][0]["results"]
    with_text = _sarif(moved, source_text=path.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in without)
    assert any("region" in r["locations"][0]["physicalLocation"] for r in with_text)
    assert with_text[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "elsewhere/env.ttl"


def test_an_input_with_a_uri_is_named_by_it_and_never_by_a_path() -> None:
    """A stored environment: its name looks like a path, its artifact is its API URL in the syntax of the text."""
    path = next(p for p in INPUTS if report_for(p).findings and p.suffix == ".ttl")
    for name in ("/etc/passwd", "../../x", "C:\\x", "file:///x", str(path)):
        report = report_for(path).model_copy(
            update={"source": name, "source_uri": "/v1/environments/e-1", "source_media_type": "text/turtle"}
        )
        run = _sarif(report, source_text=path.read_text(encoding="utf-8"))["runs"][0]
        assert run["artifacts"] == [{"location": {"uri": "/v1/environments/e-1"}, "mimeType": "text/turtle"}]
        assert any("region" in r["locations"][0]["physicalLocation"] for r in run["results"])
        assert all(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "/v1/environments/e-1"
            for r in run["results"]
        )
        unlocated = _sarif(report)["runs"][0]["results"]  # no text given: no lines, whatever the name is
        assert all("region" not in r["locations"][0]["physicalLocation"] for r in unlocated)


def test_a_batch_is_one_run_with_an_artifact_per_file() -> None:
    reports = [report_for(p) for p in INPUTS]
    log = _valid(json.loads(render_many(reports, "sarif")))
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert [a["location"]["uri"] for a in run["artifacts"]] == [artifact_uri(str(p)) for p in INPUTS]
    assert len(run["results"]) == sum(len(r.findings) for r in reports)
    files = [
        run["artifacts"][r["locations"][0]["physicalLocation"]["artifactLocation"]["index"]]["location"]["uri"]
        for r in run["results"]
    ]
    expected = [artifact_uri(str(p)) for p, r in zip(INPUTS, reports, strict=True) for _ in r.findings]
    assert files == expected


def test_waivers_are_suppressions_and_reports_without_a_file_have_no_physical_location() -> None:
    log = _sarif(made_up_report(waived=True))
    results = log["runs"][0]["results"]
    assert results[0]["suppressions"][0]["status"] == "accepted"
    assert "Decommissioned next week" in results[0]["suppressions"][0]["justification"]
    assert "suppressions" not in results[1]
    assert all("physicalLocation" not in r["locations"][0] for r in results)
    assert "artifacts" not in log["runs"][0]


TURTLE = """@prefix ex: <https://example.org/> .
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
# ex:vm1 is described below
ex:hv01 a hv:HyperVHost .
ex:vm2 hv:runsOn ex:vm1 .
  ex:vm1 a hv:VirtualMachine ;
    hv:runsOn ex:hv01 .
<https://example.org/vm3> a hv:VirtualMachine .
ex:vm10 a hv:VirtualMachine .
"""
JSON_LD = """{
  "@context": ["https://w3id.org/hv-advisor/context.jsonld", {"ex": "https://example.org/"}],
  "@graph": [
    {"@id": "ex:hv01", "@type": "HyperVHost"},
    {"@id": "ex:vm2", "runsOn": "ex:vm1"},
    {
      "@id": "ex:vm1", "@type": "VirtualMachine"
    },
    {"@id": "https://example.org/vm3", "@type": "VirtualMachine"}
  ]
}
"""
RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:hv="https://w3id.org/hv-advisor/ontology#">
  <hv:VirtualMachine rdf:about="https://example.org/vm2">
    <hv:runsOn rdf:resource="https://example.org/vm1"/>
  </hv:VirtualMachine>
  <hv:VirtualMachine rdf:about="https://example.org/vm1"/>
</rdf:RDF>
"""


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (TURTLE, {"vm1": 6, "vm3": 8, "vm10": 9, "hv01": 4}),
        (JSON_LD, {"vm1": 7, "vm3": 9, "hv01": 4}),
        (RDF_XML, {"vm1": 6, "vm2": 3}),
    ],
    ids=["turtle", "json-ld", "rdf-xml"],
)
def test_the_line_of_a_resource_is_where_it_is_described(text: str, lines: dict[str, int]) -> None:
    index = SourceIndex(text)
    for name, line in lines.items():
        position = index.find("https://example.org/" + name)
        assert position is not None and position.line == line, name
    assert index.find("https://example.org/nowhere") is None
    position = index.find("https://example.org/vm1")
    assert position is not None
    written = text.splitlines()[position.line - 1][position.column - 1 : position.end_column - 1]
    assert written in ("ex:vm1", '"ex:vm1"', '"https://example.org/vm1"')
