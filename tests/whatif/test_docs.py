"""docs/what-if.md shows real output: each worked example is what the command prints today."""

from __future__ import annotations

import pytest

from advisor.loading import format_from_name
from advisor.whatif.output import render_text
from advisor.whatif.run import what_if_document
from tests.whatif.conftest import AS_OF, ESTATE, ROOT

DOC = ROOT / "docs" / "what-if.md"
EXAMPLES = [
    (ROOT / "sample_graphs" / "well-run-two-site-cluster.ttl", ["site:ex:ams1"]),
    (ROOT / "sample_graphs" / "small-office.ttl", ["site:Harbour Street office"]),
    (ESTATE, ["site:Main"]),
]


@pytest.mark.parametrize(("path", "specs"), EXAMPLES, ids=lambda value: getattr(value, "stem", None))
def test_worked_example_is_current(path, specs):
    result = what_if_document(path.read_bytes(), format_from_name(path.name), specs, AS_OF)
    shown = "".join(f"    {line}".rstrip() + "\n" for line in render_text(result).splitlines())
    assert shown in DOC.read_text(encoding="utf-8"), f"regenerate the example of {path.name} in docs/what-if.md"
