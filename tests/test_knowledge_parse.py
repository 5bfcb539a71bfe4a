"""The knowledge base's Turtle files, read with Oxigraph's parser, are the graphs rdflib's parser reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from advisor import knowledge
from advisor.errors import KnowledgeBaseError
from advisor.resources import ontology_file, rule_vocabulary_file, shapes_dir

FILES = [ontology_file(), rule_vocabulary_file(), *sorted(shapes_dir().rglob("*.ttl"))]


def _both(path: Path) -> tuple[Graph, Graph]:
    by_rdflib, by_oxigraph = Graph(), Graph()
    by_rdflib.parse(path, format="turtle")
    knowledge._parse(by_oxigraph, path)
    return by_rdflib, by_oxigraph


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_bundled_file_reads_as_rdflib_reads_it(path: Path) -> None:
    by_rdflib, by_oxigraph = _both(path)
    assert len(by_oxigraph) == len(by_rdflib) > 0
    # rdflib compares literals by their text, datatype and language: a lexical form changed would show here
    grounded = {triple for triple in by_rdflib if not any(isinstance(term, BNode) for term in triple)}
    assert grounded == {triple for triple in by_oxigraph if not any(isinstance(term, BNode) for term in triple)}
    assert isomorphic(by_rdflib, by_oxigraph)


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text("_:b <urn:example:p> [ <urn:example:q> 1 ] .\n", encoding="utf-8")
    graph = Graph()
    for name in ("one.ttl", "two.ttl"):
        knowledge._parse(graph, tmp_path / name)
    assert len(set(graph.subjects())) == 4


def test_a_broken_file_names_itself_and_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:example:s> <urn:example:p> 1 .\n<urn:example:s> a [ .\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as raised:
        knowledge._parse(Graph(), broken)
    assert str(raised.value).startswith(f"the installation is broken: {broken} cannot be read (SyntaxError: ")
    assert "line 2" in str(raised.value) and str(raised.value).endswith("reinstall the advisor")
