"""Bounded fuzzing in every test run; ADVISOR_FUZZ_EXAMPLES raises the number of examples for a longer run."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("ADVISOR_FUZZ_EXAMPLES", "0")) or None


def examples(default: int) -> int:
    """The number of examples a fuzz test runs: `default` in CI, ADVISOR_FUZZ_EXAMPLES when set."""
    return EXAMPLES or default


settings.register_profile(
    "fuzz",
    deadline=None,  # a validation takes what it takes; time limits are the service's business
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
FUZZ = settings.get_profile("fuzz")
