"""A short, bounded run of the load test (bench/load.py): mixed traffic against the real service, no error.

The figures in docs/load-test.md come from the full run; this one only shows the driver and the service
work together under concurrent traffic (no timing is asserted)."""

from __future__ import annotations

from bench.load import MIX, replica_section, report, run


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


def test_two_replicas_on_one_remote_store_give_no_error() -> None:
    result = run(duration=4, clients=4, replica_count=2)
    assert result.errors == [], result.errors[:5]
    for kind in MIX:
        assert result.of(kind.name), f"no {kind.name} request was sent"
    assert "**0 errors**" in replica_section(result, ".venv/bin/python -m bench.load --replicas 2", 2)
