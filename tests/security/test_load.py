"""A short, bounded run of the load test (bench/load.py): mixed traffic against the real service, no error.

The figures in docs/load-test.md come from the full run; this one only shows the driver and the service
work together under concurrent traffic (no timing is asserted)."""

from __future__ import annotations

from bench.load import MIX, report, run


def test_mixed_traffic_for_a_few_seconds_gives_no_error() -> None:
    result = run(duration=6, clients=4)
    assert result.errors == [], result.errors[:5]
    assert result.failed == []
    for kind in MIX:
        assert result.of(kind.name), f"no {kind.name} request was sent"
    assert result.memory, "the service's memory was not sampled"
    text = report(result, ".venv/bin/python -m bench.load --duration 6 --clients 4")
    assert "**0 errors**" in text
    assert "| validate |" in text and "| sparql |" in text
