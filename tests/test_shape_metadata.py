"""Rule metadata is data, and this checks it: every field present, ids well formed and unique,
every rule of the catalog implemented, quotations really from the paper."""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import SH

from advisor.namespaces import HVS
from tests.conftest import ROOT

RULES_MD = ROOT.parent / "shared" / "design" / "rules.md"
PAPER = ROOT.parent / "shared" / "paper" / "protecting-hyperv-2012-backup-best-practices.txt"
ID_PATTERN = re.compile(r"^(COV|SNP|REP|STO|MTH|HST|OFF|TST|REC|RPO|IMM|DQ|IMP)-\d{3}$")
REQUIRED_TEXT = ("title", "rationale", "impact", "remediation")


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"-\s*\n\s*", "", text).replace("-", "")  # hyphens, also those breaking words across lines
    return re.sub(r"\s+", " ", text).strip().lower()


def test_rule_ids_are_well_formed_and_each_file_holds_its_rule(kb) -> None:
    for rule_id, rule in kb.catalog.items():
        assert ID_PATTERN.match(rule_id), rule_id
        assert rule.shape == str(HVS[rule_id])
        assert (ROOT / "shapes" / f"{rule_id}.ttl").is_file(), f"{rule_id} must live in shapes/{rule_id}.ttl"


def test_every_rule_carries_its_metadata(kb) -> None:
    problems = []
    for rule_id, rule in kb.catalog.items():
        for field in REQUIRED_TEXT:
            if len(getattr(rule, field).strip()) < 10:
                problems.append(f"{rule_id}: {field} missing or too short")
        if not rule.category:
            problems.append(f"{rule_id}: no category")
        if not rule.message:
            problems.append(f"{rule_id}: no sh:message")
        if not rule_id.startswith(("DQ-", "IMP-")) and not (rule.section and rule.quotation):  # not paper rules
            problems.append(f"{rule_id}: no paper section and quotation")
    assert not problems, problems


def test_messages_name_the_resource(kb) -> None:
    for rule_id, rule in kb.catalog.items():
        assert re.search(r"\{[?$][A-Za-z]+\}", rule.message), f"{rule_id}: the message names nothing"
        assert "{$this}" not in rule.message or not kb.shapes.value(HVS[rule_id], SH.sparql), (
            f"{rule_id}: SPARQL messages must name the focus by a projected label, not {{$this}}"
        )


def test_catalog_implements_every_rule_of_rules_md(kb) -> None:
    if not RULES_MD.is_file():
        pytest.skip("the design contract rules.md is not beside the checkout")
    table = re.findall(r"^\| ((?:COV|SNP|REP|STO|MTH|HST|OFF|TST|REC|RPO|IMM)-\d{3}) \| (violation|warning|info) \|",
                       RULES_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(table) == 37
    missing = [rule_id for rule_id, _ in table if rule_id not in kb.catalog]
    assert not missing, f"rules of rules.md without a shape: {missing}"
    wrong = [(r, s, kb.catalog[r].severity.value) for r, s in table if kb.catalog[r].severity.value != s]
    assert not wrong, f"severity differs from rules.md: {wrong}"


def test_quotations_are_verbatim_from_the_paper(kb) -> None:
    if not PAPER.is_file():
        pytest.skip("the paper is not beside the checkout")
    paper = _normalise(PAPER.read_text(encoding="utf-8"))
    for rule_id, rule in kb.catalog.items():
        if rule.quotation:
            quote = _normalise(rule.quotation).strip(" .\"'…").replace("...", "…")
            pieces = [p.strip(" .") for p in quote.split("…") if p.strip(" .")]
            for piece in pieces:
                assert piece in paper, f"{rule_id}: quotation not found in the paper: {piece!r}"


def test_data_quality_rules_exist(kb) -> None:
    dq = [r for r in kb.catalog if r.startswith("DQ-")]
    assert len(dq) >= 4
