"""bench/query_variants.py: a rule's query written another way, timed and compared on a real store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import query_variants
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_graphs" / "small-office.ttl"
DEFINED = "FILTER NOT EXISTS { ?value rdfs:isDefinedBy <https://w3id.org/hv-advisor/ontology> . }"


def _rewrite(tmp_path: Path, capsys: pytest.CaptureFixture[str], replacement: str) -> list[str]:
    replacements = tmp_path / "replacements.txt"
    replacements.write_text(f"# a comment line is ignored\n{DEFINED} => {replacement}\n", encoding="utf-8")
    query_variants.main(["--runs", "1", "rewrite", str(SAMPLE), str(replacements)])
    return capsys.readouterr().out.splitlines()


def test_an_equivalent_rewrite_keeps_the_solutions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _rewrite(tmp_path, capsys, DEFINED.replace("FILTER NOT EXISTS", "MINUS"))
    assert [line.split(":")[0] for line in lines[:-1]] == ["DQ-001 constraint"]
    assert lines[0].endswith("same solutions") and lines[-1].startswith("total: ")


def test_a_rewrite_that_changes_the_solutions_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _rewrite(tmp_path, capsys, "")  # without the filter every hv: term used is reported
    assert lines[0].startswith("DQ-001 constraint") and lines[0].endswith("DIFFERENT solutions")


def test_derived_facts_in_their_own_graph_give_the_same_solutions_over_the_union(
    capsys: pytest.CaptureFixture[str],
) -> None:
    query_variants.main(["--runs", "1", "derived-graph", str(SAMPLE)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("derivations: ") and lines[-1].startswith("total: one graph ")
    rules = lines[1:-1]
    assert any(line.startswith("COV-001: ") for line in rules)
    assert all("(same solutions)" in line for line in rules)


@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's /proc/self/clear_refs")
def test_memory_steps_name_each_query_of_the_rules_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    query_variants.main(["memory", str(SAMPLE), "--rules", "dq-003, COV-009"])
    lines = capsys.readouterr().out.splitlines()
    kinds = sorted(line.split(":")[0] for line in lines)
    assert kinds == ["COV-009 constraint", "COV-009 target", "DQ-003 constraint", "DQ-003 constraint",
                     "DQ-003 constraint", "DQ-003 target"]
    assert all(line.split(": +")[1].split(" MiB, ")[1].endswith(" rows") for line in lines)
