"""Renderers describe rules from the report's own catalog (Report.catalog), and lay out every explanation alike.

A second knowledge base with one extra rule shape (XTR-001) validates a graph; the SARIF, JUnit, Markdown, text
and HTML reports of it must know that rule, although the process-wide knowledge base does not.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from advisor.knowledge import KnowledgeBase, build_knowledge_base, knowledge_base
from advisor.loading import RdfFormat, parse_bytes
from advisor.render import render, render_many
from advisor.render.explanation import BRIEF, REPORT, RULE_VIEW, Kind, parts
from advisor.report import Report
from advisor.validation import validate
from tests.conftest import ROOT
from tests.test_render_common import made_up_report

AS_OF = dt.date(2026, 11, 25)
RULE_ID = "XTR-001"
TITLE = "Virtual machine without an owner"
RATIONALE = "Someone must answer for the restore of every VM."
QUOTATION = "Know who owns each system."
SECTION = "What to back up"
IMPACT = "Nobody decides what to restore first."
REMEDIATION = "Record the owner with rdfs:comment."
REFERENCE = "https://example.org/owners"
EXTRA_SHAPE = f"""
@prefix hv:   <https://w3id.org/hv-advisor/ontology#> .
@prefix hvs:  <https://w3id.org/hv-advisor/shapes#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .

hvs:{RULE_ID} a sh:NodeShape, hvs:Rule ;
    hvs:ruleId "{RULE_ID}" ;
    hvs:title "{TITLE}" ;
    hvs:category hvs:Coverage ;
    sh:severity sh:Warning ;
    hvs:section hvs:WHAT ;
    hvs:quotation "{QUOTATION}" ;
    hvs:rationale "{RATIONALE}" ;
    hvs:impact "{IMPACT}" ;
    hvs:remediation "{REMEDIATION}" ;
    hvs:reference <{REFERENCE}> ;
    sh:targetClass hv:VirtualMachine ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:prefixes hvs:prefixes ;
        sh:message "{{?label}} has no owner." ;
        sh:select \"\"\"
            SELECT $this ?label WHERE {{
                $this hvs:isA hv:VirtualMachine ; hvs:name ?label .
                FILTER NOT EXISTS {{ $this <http://www.w3.org/2000/01/rdf-schema#comment> ?owner . }}
            }}\"\"\"
    ] .
"""
ENVIRONMENT = """
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" ; hv:backupExclusionReason "rebuilt by script" .
ex:app01 a hv:VirtualMachine ; rdfs:label "APP01" ; hv:runsOn ex:hv01 ; hv:backupExclusionReason "scratch" {owner}.
"""
APP01 = "https://example.org/app01"


@pytest.fixture(scope="module")
def extra_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    shapes = tmp_path_factory.mktemp("extra-shapes")
    (shapes / f"{RULE_ID}.ttl").write_text(EXTRA_SHAPE, encoding="utf-8")
    return build_knowledge_base(extra_shapes=[shapes])


def _report(kb: KnowledgeBase, *, owned: bool = False, source: str = "estate.ttl") -> Report:
    text = ENVIRONMENT.format(owner='; rdfs:comment "owned by ops" ' if owned else "")
    return validate(parse_bytes(text.encode(), RdfFormat.TURTLE, source=source), as_of=AS_OF, kb=kb)


@pytest.fixture(scope="module")
def broken(extra_kb: KnowledgeBase) -> Report:
    """A report with one finding of the extra rule (on APP01)."""
    report = _report(extra_kb)
    assert [(f.rule_id, f.focus_node) for f in report.findings if f.rule_id == RULE_ID] == [(RULE_ID, APP01)]
    return report


def test_the_process_wide_catalog_does_not_know_the_extra_rule(extra_kb: KnowledgeBase, broken: Report) -> None:
    assert RULE_ID not in knowledge_base().catalog
    assert RULE_ID in extra_kb.catalog and broken.catalog == extra_kb.catalog


def _sarif(data: bytes) -> dict:
    return json.loads(data)["runs"][0]


def test_sarif_describes_the_extra_rule_and_points_its_result_at_it(broken: Report) -> None:
    run = _sarif(render(broken, "sarif"))
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(broken.catalog)
    index = [r["id"] for r in rules].index(RULE_ID)
    descriptor = rules[index]
    assert descriptor["shortDescription"] == {"text": TITLE}
    assert descriptor["name"] == "VirtualMachineWithoutAnOwner"
    assert descriptor["fullDescription"] == {"text": RATIONALE}
    assert descriptor["helpUri"] == REFERENCE
    assert descriptor["help"]["text"] == f"{REMEDIATION}\n\nWhy: {RATIONALE}"
    assert descriptor["help"]["markdown"] == (
        f"**{TITLE}** (Coverage, warning)\n\n{RATIONALE}\n\n> “{QUOTATION}” — *{SECTION}*\n\n"
        f"**In a disaster:** {IMPACT}\n\n**Fix:** {REMEDIATION}\n\nReferences: <{REFERENCE}>"
    )
    (result,) = [r for r in run["results"] if r["ruleId"] == RULE_ID]
    assert result["ruleIndex"] == index
    assert result["message"] == {"text": "APP01 has no owner."}
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == APP01


def test_a_sarif_batch_describes_the_rules_of_every_report_once(extra_kb: KnowledgeBase, broken: Report) -> None:
    plain = _report(knowledge_base(), source="plain.ttl")
    run = _sarif(render_many([plain, broken], "sarif"))
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == [*knowledge_base().catalog, RULE_ID]
    (result,) = [r for r in run["results"] if r["ruleId"] == RULE_ID]
    assert result["ruleIndex"] == ids.index(RULE_ID)


def _suite(data: bytes) -> ET.Element:
    suite = ET.fromstring(data).find("testsuite")
    assert suite is not None
    return suite


def test_junit_fails_the_extra_rule_with_its_explanation(broken: Report) -> None:
    suite = _suite(render(broken, "junit"))
    (case,) = [c for c in suite.iter("testcase") if c.get("classname") == RULE_ID]
    assert case.get("name") == "APP01"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "APP01 has no owner."
    assert (failure.text or "").splitlines()[-6:] == [
        "APP01 has no owner.",
        "",
        f"Why: {RATIONALE}",
        f"Paper: “{QUOTATION}”",
        f"In a disaster: {IMPACT}",
        f"Fix: {REMEDIATION}",
    ]
    classnames = [c.get("classname") for c in suite.iter("testcase")]
    assert set(classnames) == set(broken.catalog) and len(classnames) == len(set(classnames))
    assert suite.get("tests") == str(len(broken.catalog))


def test_junit_passes_the_extra_rule_on_a_file_without_its_finding(extra_kb: KnowledgeBase) -> None:
    report = _report(extra_kb, owned=True)
    assert RULE_ID not in {f.rule_id for f in report.findings}
    suite = _suite(render(report, "junit"))
    passing = [c for c in suite.iter("testcase") if c.get("classname") == RULE_ID]
    assert [c.get("name") for c in passing] == [f"{TITLE}: no finding"]
    assert list(passing[0]) == []  # no failure, error or skipped element: a passing case


def test_markdown_lays_out_the_extra_rule_explanation(broken: Report) -> None:
    markdown = render(broken, "markdown").decode()
    heading = next(line for line in markdown.splitlines() if f"{RULE_ID} " in line and line.startswith("###"))
    assert heading.endswith(f"{RULE_ID} {TITLE} — APP01")
    block = markdown[markdown.index(heading) :]
    expected = (
        "APP01 has no owner.\n\n"
        "**Why it matters.** Someone must answer for the restore of every VM.\n\n"
        "> “Know who owns each system.”\n>\n> — *What to back up*\n\n"
        "**In a disaster.** Nobody decides what to restore first.\n\n"
        "**Fix.** Record the owner with rdfs:comment.\n\n"
        f"References: <{REFERENCE}>\n"
    )
    assert expected in block


def test_text_lays_out_the_extra_rule_explanation(broken: Report) -> None:
    text = render(broken, "text").decode()
    lines = text.splitlines()
    start = lines.index(f"  {RULE_ID} {TITLE} — APP01")
    assert lines[start + 1 : start + 6] == [
        "    APP01 has no owner.",
        f"    Why: {RATIONALE}",
        f"    Paper ({SECTION}): “{QUOTATION}”",
        f"    In a disaster: {IMPACT}",
        f"    Fix: {REMEDIATION}",
    ]


def test_html_lays_out_the_extra_rule_explanation(broken: Report) -> None:
    html = render(broken, "html").decode()
    (body,) = [a for a in re.findall(r"<article .*?</article>", html, re.S) if f">{RULE_ID}<" in a]
    assert f'<span class="rule-id">{RULE_ID}</span> {TITLE} — <span class="focus">APP01</span>' in body
    assert (
        f"      <dt>Why it matters</dt><dd>{RATIONALE}</dd>\n"
        f"      <dt>The paper</dt><dd><blockquote><p>“{QUOTATION}”</p><footer>— {SECTION}</footer></blockquote></dd>\n"
        f"      <dt>In a disaster</dt><dd>{IMPACT}</dd>\n"
        f"      <dt>Fix</dt><dd>{REMEDIATION}</dd>\n"
        f"<dt>References</dt><dd><code>{REFERENCE}</code></dd>"
    ) in body


def test_a_report_without_a_catalog_renders_its_findings_and_describes_no_rule() -> None:
    report = made_up_report(source="made-up.ttl")
    assert report.catalog == {}
    run = _sarif(render(report, "sarif"))
    assert run["tool"]["driver"]["rules"] == []
    assert [(r["ruleId"], "ruleIndex" in r) for r in run["results"]] == [("COV-001", False), ("DQ-001", False)]
    suite = _suite(render(report, "junit"))
    assert [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")] == [
        ("COV-001", "WEB01"),
        ("DQ-001", "_:b0"),
    ]
    assert suite.get("tests") == "2" and suite.get("failures") == "2"


def test_the_layout_orders_the_parts_and_opens_a_rule_view_with_the_paper(extra_kb: KnowledgeBase) -> None:
    explanation = extra_kb.catalog[RULE_ID].explanation()
    assert [(p.kind, p.label) for p in parts(explanation)] == [
        (Kind.WHY, "Why it matters"),
        (Kind.PAPER, "The paper"),
        (Kind.DISASTER, "In a disaster"),
        (Kind.FIX, "Fix"),
        (Kind.REFERENCES, "References"),
    ]
    assert parts(explanation, REPORT) == parts(explanation)
    assert [p.label for p in parts(explanation, BRIEF)][:2] == ["Why", "Paper"]
    view = parts(explanation, RULE_VIEW, paper_first=True)
    assert [(p.kind, p.label) for p in view[:2]] == [(Kind.PAPER, "From the paper"), (Kind.WHY, "Why it matters")]
    assert view[-2].label == "What to do" and view[-1].references == (REFERENCE,)
    unquoted = explanation.model_copy(update={"source": explanation.source.model_copy(update={"quotation": None})})
    assert Kind.PAPER not in [p.kind for p in parts(unquoted)]


LABELS = ("Why it matters", "In a disaster", "What to do", "From the paper", "The paper")


def test_the_explanation_labels_are_written_once_in_the_source_tree() -> None:
    sources = [
        p
        for folder in ("advisor", "api", "scripts")
        for p in sorted((ROOT / folder).rglob("*"))
        if p.suffix in {".py", ".j2", ".html"} and p.is_file()
    ]
    holders = {label: [p for p in sources if label in p.read_text(encoding="utf-8")] for label in LABELS}
    assert holders == {label: [ROOT / "advisor" / "render" / "explanation.py"] for label in LABELS}

