"""The SHACL report the store keeps is built from the Report's graph: the same triples the Turtle format writes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from advisor.render import render
from advisor.render.shacl_terms import shacl_triples
from tests.test_render_common import INPUT_IDS, INPUTS, report_for


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_the_stored_triples_are_what_the_turtle_report_says(path) -> None:
    report = report_for(path)
    stored = Graph().parse(
        data=ox.serialize(shacl_triples(report), format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt"
    )
    written = Graph().parse(data=render(report, "shacl").decode("utf-8"), format="turtle")
    assert len(stored) == len(written) > 0
    assert isomorphic(stored, written)
