"""The blast radius of the reports: for each site and cluster, what losing it alone leaves unrecoverable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

from advisor.loading import RdfFormat, parse_bytes, parse_file
from advisor.validation import validate
from advisor.whatif import State, Target, what_if
from advisor.whatif.blast import blast_radius
from tests.cli.conftest import cli  # noqa: F401  (the fixture)
from tests.whatif.conftest import AS_OF, ESTATE
from tests.whatif.pins import SAMPLES, blast_radius_file
from tests.whatif.test_properties import PROPERTIES, estates, facts_of

EXPECTED = [
    {"kind": "site", "iri": "https://example.org/whatif/dr", "label": "DR", "unrecoverable_count": 1,
     "unrecoverable": [{"iri": "https://example.org/whatif/lab", "label": "LAB"}]},
    {"kind": "site", "iri": "https://example.org/whatif/main", "label": "Main", "unrecoverable_count": 1,
     "unrecoverable": [{"iri": "https://example.org/whatif/db", "label": "DB"}]},
    {"kind": "cluster", "iri": "https://example.org/whatif/cl1", "label": "CL1", "unrecoverable_count": 0,
     "unrecoverable": []},
]  # fmt: skip


def test_validation_adds_the_blast_radius_when_asked():
    report = validate(parse_file(ESTATE), as_of=AS_OF, blast_radius=True)
    assert report.contract()["blast_radius"] == EXPECTED
    assert (
        validate(parse_file(ESTATE), as_of=AS_OF, engine="reference", blast_radius=True).contract()["blast_radius"]
        == EXPECTED
    )
    plain = validate(parse_file(ESTATE), as_of=AS_OF)
    assert plain.blast_radius is None and "blast_radius" not in plain.contract()


@PROPERTIES
@given(estates())
def test_each_entry_is_the_what_if_of_losing_that_site_or_cluster(estate: tuple[str, set[str]]):
    facts = facts_of(estate[0])
    for entry in blast_radius(facts):
        result = what_if(facts, [Target(entry.kind, entry.iri)], AS_OF)
        assert [s.iri for s in entry.unrecoverable] == [s.iri for s in result.of_state(State.UNRECOVERABLE)]
        assert entry.unrecoverable_count == len(entry.unrecoverable)
    report = validate(parse_bytes(estate[0].encode(), RdfFormat.TURTLE), as_of=AS_OF, blast_radius=True)
    assert report.blast_radius == blast_radius(facts)


def test_json_markdown_and_html_reports_show_it_the_others_do_not(cli, tmp_path: Path):  # noqa: F811
    path = tmp_path / "estate.ttl"
    path.write_bytes(ESTATE.read_bytes())
    body = cli("validate", path, "-f", "json", "--as-of", "2026-11-25").json()
    assert body["blast_radius"] == EXPECTED
    markdown = cli("validate", path, "-f", "markdown", "--as-of", "2026-11-25").stdout
    assert "## Blast radius" in markdown
    assert "| Site | Main | 1 | DB |" in markdown and "| Cluster | CL1 | 0 |  |" in markdown
    page = cli("validate", path, "-f", "html", "--as-of", "2026-11-25").stdout
    assert '<tr><td>Site</td><th scope="row">DR</th><td class="num">1</td><td>LAB</td></tr>' in page
    text = cli("validate", path, "--as-of", "2026-11-25").stdout
    assert "Blast radius" not in text


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_json_report_of_each_sample_has_its_pinned_blast_radius(cli, sample: Path):  # noqa: F811
    run = cli("validate", sample, "--format", "json", "--as-of", "2026-11-25")
    pinned = json.loads(blast_radius_file(sample).read_text(encoding="utf-8"))
    assert run.json()["blast_radius"] == pinned, "if the change is right: .venv/bin/python -m tests.whatif.pins"
