"""What the command line needs to declare its options, and nothing heavier: `advisor --help` imports only this.

Typer reads the option types, defaults and help texts when it builds the commands, so they live here, away from
the pipeline (rdflib, pyoxigraph, pydantic, jinja2). The format names are the registries' keys, in their order:
advisor/render (FORMATS), advisor/render/drift (DRIFT_FORMATS) and advisor/whatif/output (RENDERERS);
tests/cli/test_startup.py checks that they agree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.report import Severity

REPORT_FORMAT_NAMES = ("text", "json", "markdown", "html", "shacl", "shacl-jsonld", "sarif", "junit", "csv")
DRIFT_FORMAT_NAMES = ("text", "json", "markdown", "html")
WHAT_IF_FORMAT_NAMES = ("text", "json", "markdown", "html")

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class FailOn(StrEnum):
    """Which findings (not waived) make the exit status 1."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        from advisor.report import Severity

        if self is FailOn.NEVER:
            return False
        return severity.rank <= Severity(self.value).rank


__all__ = [
    "DRIFT_FORMAT_NAMES",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_OK",
    "REPORT_FORMAT_NAMES",
    "WHAT_IF_FORMAT_NAMES",
    "FailOn",
]
