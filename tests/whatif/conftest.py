"""The small estate of the what-if rules, read once with the real loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.whatif import Facts, WhatIfResult, document_prefixes, graph_facts, resolve_all, what_if

ROOT = Path(__file__).resolve().parents[2]
ESTATE = ROOT / "tests" / "data" / "whatif" / "estate.ttl"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def estate() -> Facts:
    return graph_facts(parse_bytes(ESTATE.read_bytes(), RdfFormat.TURTLE), AS_OF)


@pytest.fixture(scope="session")
def lose(estate: Facts):
    """What-if of the estate losing the elements named as KIND:NODE."""
    prefixes = document_prefixes(ESTATE.read_bytes(), RdfFormat.TURTLE)

    def run(*specs: str) -> WhatIfResult:
        return what_if(estate, resolve_all(estate, list(specs), prefixes), AS_OF)

    return run


def states(result: WhatIfResult) -> dict[str, str]:
    """Each system's state, by label."""
    return {s.label: s.state.value for s in result.systems}


def lost(result: WhatIfResult) -> dict[str, str]:
    """Each lost element's reason, by label."""
    return {e.label: e.because for e in result.lost}


def system(result: WhatIfResult, label: str):
    return next(s for s in result.systems if s.label == label)
