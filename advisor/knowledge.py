"""The knowledge base: ontology, rule vocabulary and shapes, loaded and prepared once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node

from advisor.catalog import Rule, read_catalog
from advisor.engine.plan import ShapePlan, compile_shapes
from advisor.errors import KnowledgeBaseError
from advisor.namespaces import HV_IRI, ONTOLOGY_IRI
from advisor.parameters import Parameter, read_parameters
from advisor.rdf_terms import rdflib_term
from advisor.resources import ontology_file, rule_vocabulary_file, shapes_dir


@dataclass(frozen=True)
class KnowledgeBase:
    ontology: Graph  # hv: ontology and the hvs: rule vocabulary
    shapes: Graph  # every shape file under shapes/
    ontology_triples: tuple[ox.Triple, ...]  # the ontology as Oxigraph triples
    catalog: dict[str, Rule]
    plan: ShapePlan
    defined_terms: frozenset[str]  # every hv: IRI the ontology defines
    parameters: dict[str, Parameter] = field(default_factory=dict)  # rule parameters the shapes name, by key
    ontology_quads: tuple[ox.Quad, ...] = field(init=False, repr=False, compare=False)  # ready to add to a store

    def __post_init__(self) -> None:
        # Built once: every validation adds the ontology to its store, and building a thousand quads in Python
        # took longer than adding them.
        quads = tuple(ox.Quad(t.subject, t.predicate, t.object) for t in self.ontology_triples)
        object.__setattr__(self, "ontology_quads", quads)

    def rule(self, rule_id: str) -> Rule | None:
        return self.catalog.get(rule_id.upper())


def _parse(graph: Graph, path: Path) -> None:
    """Add one bundled Turtle file (read by Oxigraph's parser: a tenth of rdflib's time at start-up); a file that is
    missing or broken is a broken installation. Each file's blank nodes are its own, as rdflib's parser makes them."""
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        blanks: dict[str, BNode] = {}
        for quad in quads:
            graph.add(tuple(_term(term, blanks) for term in (quad.subject, quad.predicate, quad.object)))
    except (SyntaxError, OSError, ValueError) as error:
        reason = " ".join(str(error).split())[:300]
        raise KnowledgeBaseError(
            f"the installation is broken: {path} cannot be read ({type(error).__name__}: {reason}); "
            "reinstall the advisor"
        ) from None


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, blanks: dict[str, BNode]) -> Node:
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode())
    return rdflib_term(term)


def _load_shapes(directories: list[Path]) -> Graph:
    graph = Graph()
    for path in sorted(p for directory in directories for p in directory.rglob("*.ttl")):
        _parse(graph, path)
    return graph


def _to_oxigraph(graph: Graph) -> tuple[ox.Triple, ...]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return tuple(q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def build_knowledge_base(extra_shapes: list[Path] | None = None) -> KnowledgeBase:
    """Load and prepare everything; `extra_shapes` adds directories of shapes (tests, local rules)."""
    try:
        ontology_path, vocabulary_path, shapes_path = ontology_file(), rule_vocabulary_file(), shapes_dir()
    except FileNotFoundError as error:
        raise KnowledgeBaseError(f"the installation is broken: {error}; reinstall the advisor") from None
    ontology = Graph()
    _parse(ontology, ontology_path)
    _parse(ontology, vocabulary_path)
    shapes = _load_shapes([shapes_path, *(extra_shapes or [])])
    defined = frozenset(
        str(s) for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(HV_IRI)
    )
    for term in list(defined):
        ontology.add((URIRef(term), RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)))
    everything = shapes + ontology
    return KnowledgeBase(
        ontology=ontology,
        shapes=shapes,
        ontology_triples=_to_oxigraph(ontology),
        catalog=read_catalog(everything),
        plan=compile_shapes(shapes),
        defined_terms=defined,
        parameters=read_parameters(everything),
    )


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The process-wide knowledge base (prepared on first use)."""
    return build_knowledge_base()
