"""`advisor what-if` as a subprocess: formats, exit statuses, pinned outputs, usage errors with close matches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the fixture)
from tests.whatif.conftest import ESTATE
from tests.whatif.pins import CASES, pinned

AS_OF = "2026-11-25"


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return Path(shutil.copy(ESTATE, tmp_path / "estate.ttl"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_output_is_pinned(cli, case: str):  # noqa: F811
    path, specs = CASES[case]
    run = cli("what-if", path, *[f"--lose={spec}" for spec in specs], "--format", "json", "--as-of", AS_OF)
    assert run.json() == pinned(case)
    unrecoverable = any(s["state"] == "unrecoverable" for s in pinned(case)["systems"])
    assert run.returncode == (1 if unrecoverable else 0), run.stderr


def test_exit_0_when_nothing_would_be_unrecoverable(cli, estate: Path):  # noqa: F811
    run = cli("what-if", estate, "--lose", "repository:R-MAIN", "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert "Systems: 0 unrecoverable, 0 recoverable, 2 exposed, 7 unaffected" in run.stdout


def test_text_names_what_is_lost_and_why(cli, estate: Path):  # noqa: F811
    run = cli("what-if", estate, "--lose", "site:Main", "--as-of", AS_OF)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "What if we lose site Main (as of 2026-11-25)"
    assert "  cluster    CL1     every member host is lost" in lines
    assert "  DB: Replica failover to H3" in lines
    assert "  APP: restore from R-DR; newest restore point 26 h old" in lines
    assert "  WEB depends on DB: WEB -> APP -> DB" in lines
    assert "  ERP database" in lines


def test_full_and_prefixed_iris_and_labels_name_the_same_node(cli, estate: Path):  # noqa: F811
    outputs = [
        cli("what-if", estate, "--lose", spec, "--format", "json", "--as-of", AS_OF).json()
        for spec in (
            "host:H3",
            "host:ex:h3",
            "host:https://example.org/whatif/h3",
            "host:<https://example.org/whatif/h3>",
        )
    ]
    assert all(output == outputs[0] for output in outputs)
    assert outputs[0]["lost"][0]["iri"] == "https://example.org/whatif/h3"


def test_markdown_and_html(cli, estate: Path):  # noqa: F811
    markdown = cli("what-if", estate, "--lose", "site:Main", "--format", "markdown", "--as-of", AS_OF).stdout
    assert markdown.startswith("# What if we lose site Main\n")
    assert "| DB | unrecoverable |  |  | H3 |" in markdown
    assert "- WEB depends on DB: WEB → APP → DB" in markdown
    page = cli("what-if", estate, "--lose", "site:Main", "--format", "html", "--as-of", AS_OF).stdout
    assert page.startswith("<!DOCTYPE html>") and '<td class="unrecoverable">unrecoverable</td>' in page
    # the diagram: lost parts greyed, systems outlined by their state, what survives as it is
    assert '<g><title>DB — unrecoverable (lost)</title><rect class="lost unrecoverable"' in page
    assert '<g><title>WEB — exposed</title><rect class="exposed"' in page
    assert '<g><title>R-MAIN (lost)</title><rect class="lost"' in page
    assert '<g><title>R-CLOUD</title><rect class=""' in page
    assert "<svg" not in markdown


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "sit:Main",
            "error: 'sit:Main' is not KIND:NODE with KIND one of site, cluster, host, volume, repository, "
            "system; did you mean site or host?",
        ),
        ("Main", "error: 'Main' is not KIND:NODE with KIND one of site, cluster, host, volume, repository, system"),
        ("site:Mian", "error: no site 'Mian' in the graph; did you mean 'Main'?"),
        ("host:H4", "error: no host 'H4' in the graph; did you mean 'H1', 'H2', 'H3'?"),
        ("site:H3", "error: H3 (https://example.org/whatif/h3) is a host, not a site: lose it as host:H3"),
        ("system:ex:nothing", "error: no system 'ex:nothing' in the graph"),
    ],
)
def test_unknown_kind_or_node_is_a_usage_error_with_close_matches(cli, estate: Path, spec: str, message: str):  # noqa: F811
    run = cli("what-if", estate, "--lose", spec)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == message


def test_bad_input_is_exit_2(cli, tmp_path: Path):  # noqa: F811
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n")
    run = cli("what-if", broken, "--lose", "site:x")
    assert run.returncode == 2 and "broken.ttl" in run.stderr and "line 2" in run.stderr
    assert cli("what-if", tmp_path / "absent.ttl", "--lose", "site:x").returncode == 2
    assert "--as-of must be a date" in cli("what-if", ESTATE, "--lose", "site:Main", "--as-of", "soon").stderr
    bad_format = cli("what-if", ESTATE, "--lose", "site:Main", "-f", "pdf")
    assert (bad_format.returncode, bad_format.stderr) == (
        2,
        "error: --format must be one of text, json, markdown, html, not 'pdf'\n",
    )
    assert cli("what-if", ESTATE).returncode == 2  # --lose is required


def test_json_document_keys(cli, estate: Path):  # noqa: F811
    body = cli("what-if", estate, "--lose", "site:Main", "-f", "json", "--as-of", AS_OF).json()
    assert list(body) == ["as_of", "lost", "systems", "data_sets_lost", "broken_dependencies"]
    assert (
        json.dumps(body["broken_dependencies"][0]["chain"][0])
        == '{"iri": "https://example.org/whatif/app", "label": "APP"}'
    )
