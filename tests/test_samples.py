"""The sample environments in sample_graphs/ give exactly the findings pinned for them.

The pins live in tests/data/samples/<sample>.expected.json (validated as of their "as_of" date) and
are regenerated, after review, with `.venv/bin/python -m tests.pin_samples` (see that module). These
tests only compare.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.loading import parse_file
from advisor.namespaces import CONTEXT_IRI, RDF_IRI, RDFS_IRI
from advisor.report import Report, Severity
from tests.pin_samples import (
    EXPECTED,
    ROOT,
    SAMPLES,
    expected_file,
    expected_pairs,
    finding_pairs,
    read_expected,
    sample_files,
    validate_sample,
)

SAMPLE_FILES = sample_files()
IDS = [p.stem for p in SAMPLE_FILES]
CLEAN_SAMPLE = SAMPLES / "well-run-two-site-cluster.ttl"
RDF_TYPE = RDF_IRI + "type"
RDFS_LABEL = RDFS_IRI + "label"

_reports: dict[Path, Report] = {}


def _report(sample: Path) -> Report:
    """One validation per sample for the whole module, as of the pinned date."""
    if sample not in _reports:
        as_of = dt.date.fromisoformat(read_expected(sample)["as_of"])
        _reports[sample] = validate_sample(sample, as_of=as_of)
    return _reports[sample]


def test_the_four_kinds_of_sample_are_there() -> None:
    names = {p.name for p in SAMPLE_FILES}
    assert {
        "small-office.ttl",
        "well-run-two-site-cluster.ttl",
        "mixed-estate-smb-replica-dag.ttl",
        "branch-office.jsonld",
    } <= names


def test_every_sample_has_pinned_findings_and_every_pin_a_sample() -> None:
    missing = [p.name for p in SAMPLE_FILES if not expected_file(p).is_file()]
    orphans = sorted(
        p.name for p in EXPECTED.glob("*.expected.json") if p.name.removesuffix(".expected.json") not in IDS
    )
    assert not missing, f"samples without tests/data/samples/<name>.expected.json: {missing}"
    assert not orphans, f"pins without a sample: {orphans}"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=IDS)
def test_sample_gives_exactly_its_pinned_findings(sample: Path) -> None:
    report = _report(sample)
    assert not report.errors, report.errors
    assert finding_pairs(report) == expected_pairs(read_expected(sample)), (
        "findings differ from the pin; if the change is right, run `.venv/bin/python -m tests.pin_samples`"
    )


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=IDS)
def test_pinned_messages_name_the_right_resources(sample: Path) -> None:
    findings = {(f.rule_id, f.focus_node): f for f in _report(sample).findings}
    for entry in read_expected(sample)["messages"]:
        finding = findings.get((entry["rule_id"], entry["focus_node"]))
        assert finding is not None, f"no {entry['rule_id']} finding on {entry['focus_node']}"
        for fragment in entry["contains"]:
            assert fragment in finding.message, f"{fragment!r} not in {finding.message!r}"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=IDS)
def test_every_message_names_its_resource_by_label(sample: Path) -> None:
    unnamed = [
        (f.rule_id, f.focus_label, f.message) for f in _report(sample).findings if f.focus_label not in f.message
    ]
    assert not unnamed


def test_well_run_sample_has_no_violation_and_no_warning() -> None:
    report = _report(CLEAN_SAMPLE)
    loud = [(f.rule_id, f.focus_label, f.message) for f in report.findings if f.severity is not Severity.INFO]
    assert report.conforms
    assert not loud


def test_samples_with_problems_do_show_them() -> None:
    """The other samples exist to teach findings: each has violations and warnings."""
    for sample in SAMPLE_FILES:
        if sample == CLEAN_SAMPLE:
            continue
        severities = {f.severity for f in _report(sample).findings}
        assert {Severity.VIOLATION, Severity.WARNING} <= severities, sample.name


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=IDS)
def test_every_resource_in_a_sample_is_labelled(sample: Path) -> None:
    triples = parse_file(sample).triples
    typed = {t.subject for t in triples if t.predicate.value == RDF_TYPE}
    labelled = {t.subject for t in triples if t.predicate.value == RDFS_LABEL}
    assert sorted(str(s) for s in typed - labelled) == []


def test_json_ld_sample_names_the_advisor_context() -> None:
    document = json.loads((SAMPLES / "branch-office.jsonld").read_text(encoding="utf-8"))
    assert document["@context"][0] == CONTEXT_IRI


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=IDS)
def test_cli_gives_the_pinned_findings(sample: Path) -> None:
    """`advisor validate FILE --format json`, as a user runs it: the same findings, and exit 1 on violations."""
    as_of = read_expected(sample)["as_of"]
    result = _advisor("validate", str(sample), "--as-of", as_of, "--format", "json")
    assert result.returncode == (0 if sample == CLEAN_SAMPLE else 1), result.stderr
    report = json.loads(result.stdout)
    pairs = sorted((f["rule_id"], f["focus_node"]) for f in report["findings"])
    assert pairs == expected_pairs(read_expected(sample))


def _advisor(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in a child process."""
    command = [sys.executable, "-m", "advisor.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
