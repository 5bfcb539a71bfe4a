"""The fast engine and the reference engine (stock pySHACL) give identical findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import RULE_FIXTURES, SAMPLES, load_expected, validate_file

FILES = sorted(RULE_FIXTURES.glob("*/*.ttl")) + sorted(p for p in SAMPLES.glob("*") if p.suffix in {".ttl", ".jsonld"})


def _as_of(path: Path) -> dt.date:
    if path.parent.parent == RULE_FIXTURES:
        return dt.date.fromisoformat(load_expected(path.parent).get("as_of", "2026-11-25"))
    return dt.date(2026, 11, 25)


def _key(report) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule_id, f.focus_node, f.severity.value, f.message) for f in report.findings)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_engines_agree(path: Path) -> None:
    fast = validate_file(path, engine="fast", as_of=_as_of(path))
    reference = validate_file(path, engine="reference", as_of=_as_of(path))
    assert not fast.errors and not reference.errors
    assert _key(fast) == _key(reference)
