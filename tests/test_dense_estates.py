"""The benchmark's second estate shape (bench/generate_dense.py): deterministic, denser, and both engines agree."""

from __future__ import annotations

from functools import lru_cache

import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.report import Report
from advisor.validation import validate
from bench import generate_dense
from bench.generate import DEFAULT_AS_OF, generate

SMALL = 24  # VMs: the reference engine (pySHACL, one query per focus node) stays quick


@lru_cache(maxsize=4)
def _estate(vms: int, seed: int) -> str:
    return "".join(generate_dense.generate_lines(vms, seed))


def _validate(text: str, engine: str = "fast") -> Report:
    return validate(parse_bytes(text.encode("utf-8"), RdfFormat.TURTLE), as_of=DEFAULT_AS_OF, engine=engine)  # type: ignore[arg-type]


def _key(report: Report) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule_id, f.focus_node, f.severity.value, f.message) for f in report.findings)


def test_the_same_seed_gives_the_same_dense_estate() -> None:
    assert "".join(generate_dense.generate_lines(300, 1)) == _estate(300, 1)


def test_the_dense_shape_has_more_jobs_checkpoints_and_dependencies_than_the_standard_one() -> None:
    dense, standard = _estate(300, 1), generate(300, seed=1)
    for marker in (" a hv:BackupJob", " a hv:Checkpoint"):
        assert dense.count(marker) > 2 * standard.count(marker), marker
    assert _dependencies(dense) > 1.5 * _dependencies(standard)


def _dependencies(text: str) -> int:
    """hv:dependsOn edges: the objects listed after the predicate, one line per subject."""
    lines = (line.split("hv:dependsOn", 1)[1] for line in text.splitlines() if "hv:dependsOn" in line)
    return sum(line.count("ex:") for line in lines)


@pytest.mark.parametrize("seed", [1, 2])
def test_both_engines_give_identical_findings_on_a_dense_estate(seed: int) -> None:
    text = _estate(SMALL, seed)
    fast = _validate(text, "fast")
    reference = _validate(text, "reference")
    assert not fast.errors and not reference.errors, (fast.errors, reference.errors)
    assert fast.findings
    assert _key(fast) == _key(reference)
