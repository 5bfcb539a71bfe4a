"""`advisor rules`, `advisor explain` and `advisor query`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from advisor.errors import InputError
from advisor.loading import parse_file
from advisor.namespaces import HVS
from advisor.query import query_store, run_query
from advisor.resources import shapes_dir
from tests.conftest import RULE_FIXTURES

COV001_VIOLATION = RULE_FIXTURES / "COV-001" / "violation.ttl"
SYSTEMS = {f"https://example.org/{name}" for name in ("hv01", "hv02", "web01", "sql01", "lab01", "fs01")}


def _rule_ids_in_shape_files() -> list[str]:
    ids = []
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        ids += [str(value) for value in graph.objects(None, HVS.ruleId)]
    return sorted(ids)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_rules_json_lists_every_rule_of_the_shapes(cli) -> None:
    run = cli("rules", "--format", "json")
    assert run.returncode == 0
    rules = run.json()
    assert [r["id"] for r in rules] == _rule_ids_in_shape_files()
    cov = next(r for r in rules if r["id"] == "COV-001")
    assert cov["severity"] == "violation" and cov["category"] == "Coverage"
    assert cov["title"] and cov["quotation"] and cov["remediation"]


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_rules_table_and_markdown_name_every_rule(cli, output_format: str) -> None:
    run = cli("rules", "--format", output_format)
    assert run.returncode == 0
    for rule_id in _rule_ids_in_shape_files():
        assert rule_id in run.stdout
    if output_format == "markdown":
        rows = [line for line in run.stdout.splitlines() if line.startswith("| ")]
        assert len(rows) == len(_rule_ids_in_shape_files()) + 1


def test_explain_prints_the_whole_explanation_with_the_quotation(cli, kb) -> None:
    rule = kb.catalog["COV-001"]
    run = cli("explain", "cov-001")
    assert run.returncode == 0
    text = _words(run.stdout)
    for part in (rule.title, f"“{rule.quotation}”", rule.rationale, rule.impact, rule.remediation, rule.section):
        assert _words(part) in text


def test_explain_json_is_the_catalog_entry(cli, kb) -> None:
    run = cli("explain", "COV-001", "--format", "json")
    assert run.returncode == 0
    assert run.json() == kb.catalog["COV-001"].model_dump(mode="json")


def test_explain_unknown_rule_exits_2_with_a_suggestion(cli) -> None:
    run = cli("explain", "COV-0011")
    assert run.returncode == 2
    assert "no rule 'COV-0011'" in run.stderr and "did you mean" in run.stderr


QUERY = (
    "SELECT ?system ?label WHERE { ?system a/rdfs:subClassOf* hv:ComputerSystem ; rdfs:label ?label } ORDER BY ?label"
)


def test_query_sees_the_class_hierarchy_of_the_ontology(cli) -> None:
    # The data states only hv:VirtualMachine, hv:HyperVHost and hv:PhysicalServer.
    run = cli("query", COV001_VIOLATION, QUERY, "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == ["system", "label"]
    assert {row[0] for row in rows[1:]} == SYSTEMS
    assert [row[1] for row in rows[1:]] == sorted(row[1] for row in rows[1:])


def test_query_json_is_sparql_results_json(cli) -> None:
    run = cli("query", COV001_VIOLATION, QUERY, "--format", "json")
    body = run.json()
    assert body["head"]["vars"] == ["system", "label"]
    bindings = body["results"]["bindings"]
    assert {b["system"]["value"] for b in bindings} == SYSTEMS
    assert all(b["system"]["type"] == "uri" and b["label"]["type"] == "literal" for b in bindings)


def test_query_table_shortens_known_namespaces(cli) -> None:
    run = cli("query", COV001_VIOLATION, "SELECT DISTINCT ?class WHERE { ?x a ?class } ORDER BY ?class")
    assert run.returncode == 0
    assert "hv:VirtualMachine" in run.stdout and "hv:HyperVHost" in run.stdout


def test_query_reads_the_query_from_a_file(cli, tmp_path: Path) -> None:
    query = tmp_path / "systems.rq"
    query.write_text(QUERY, encoding="utf-8")
    run = cli("query", COV001_VIOLATION, f"@{query}", "-f", "csv")
    assert len(run.stdout.strip().splitlines()) == len(SYSTEMS) + 1


def test_construct_prints_turtle(cli) -> None:
    run = cli(
        "query",
        COV001_VIOLATION,
        "CONSTRUCT { ?s a hv:ComputerSystem } WHERE { ?s a/rdfs:subClassOf* hv:ComputerSystem }",
    )
    assert run.returncode == 0
    triples = [q.triple for q in ox.parse(run.stdout, format=ox.RdfFormat.TURTLE)]
    assert {t.subject.value for t in triples} == SYSTEMS


def test_ask(cli) -> None:
    assert cli("query", COV001_VIOLATION, "ASK { ?vm a hv:VirtualMachine }").stdout == "true\n"
    assert cli("query", COV001_VIOLATION, "ASK { ?vm a hv:Cluster }", "-f", "json").json() == {
        "head": {},
        "boolean": True,
    }


def test_derived_facts_on_request(cli) -> None:
    query = "SELECT ?system WHERE { ?system hvs:protectedBy ?job }"
    assert cli("query", COV001_VIOLATION, query, "-f", "json").json()["results"]["bindings"] == []
    derived = cli("query", COV001_VIOLATION, query, "-f", "json", "--derived")
    assert {b["system"]["value"] for b in derived.json()["results"]["bindings"]} == {"https://example.org/sql01"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
            "SERVICE (line 1, column 18) is refused",
        ),
        (
            "select * where {\n service silent <http://127.0.0.1:1/x> { ?s ?p ?o } }",
            "SERVICE (line 2, column 2) is refused",
        ),
        (
            "PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b ex:c }",
            "INSERT (line 2, column 1) is a SPARQL update",
        ),
        ("DELETE WHERE { ?s ?p ?o }", "is a SPARQL update"),
        ("LOAD <http://127.0.0.1:1/x.ttl>", "is a SPARQL update"),
        ("SELECT ?x WHERE {\n  ?x ?y\n}", "syntax error at line 3, column "),
    ],
)
def test_refused_and_malformed_queries(query: str, message: str) -> None:
    store = query_store(parse_file(COV001_VIOLATION))
    with pytest.raises(InputError) as raised:
        run_query(store, query)
    assert message in raised.value.message


@pytest.mark.parametrize(
    "query", ["SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SELECT ?x WHERE {\n  ?x ?y\n}"]
)
def test_refused_and_malformed_queries_exit_2(cli, query: str) -> None:
    run = cli("query", COV001_VIOLATION, query)
    assert run.returncode == 2
    assert run.stderr.startswith("error: ") and ("is refused" in run.stderr or "line 3" in run.stderr)
    assert run.stdout == ""


def test_service_inside_a_string_or_a_name_is_not_refused(cli) -> None:
    query = (
        "PREFIX service: <https://example.org/service#>\n"
        'SELECT ?x WHERE { ?x rdfs:label "SERVICE <x>" ; service:SERVICE ?y }'
    )
    run = cli("query", COV001_VIOLATION, query, "-f", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["results"]["bindings"] == []


def test_query_on_a_missing_file_exits_2(cli, tmp_path: Path) -> None:
    run = cli("query", tmp_path / "absent.ttl", "ASK {}")
    assert run.returncode == 2 and "absent.ttl: no such file" in run.stderr
