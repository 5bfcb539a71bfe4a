"""What a what-if reads from a graph: its rules (rules.toml) and the facts its queries (queries/*.rq) select.

Everything is read once per graph into plain dictionaries, so that one graph answers many what-ifs (the
blast radius asks one per site and per cluster) without going back to the store.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pyoxigraph as ox

from advisor.inventory import key
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph
from advisor.namespaces import HV_IRI, HVS_IRI, PREFIXES
from advisor.validation import build_store

_HERE = Path(__file__).resolve().parent
_QUERIES = _HERE / "queries"
PROTECTION_DERIVATION = HVS_IRI + "ProtectionDerivation"
_PROTECTED_BY = ox.NamedNode(HVS_IRI + "protectedBy")


@dataclass(frozen=True)
class Kind:
    """A kind of element a what-if can lose."""

    name: str
    accepts: str  # class IRI a node given with this kind must be an instance of
    shows: str  # class IRI whose instances are reported with this kind


@dataclass(frozen=True)
class Step:
    """One rule of what a lost element takes with it."""

    id: str
    rule: str
    because: str
    edges: str  # SPARQL SELECT ?cause ?lost
    needs_all: bool = False


@dataclass(frozen=True)
class Rules:
    kinds: tuple[Kind, ...]
    steps: tuple[Step, ...]

    def kind(self, name: str) -> Kind | None:
        return next((k for k in self.kinds if k.name == name), None)


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The what-if rules, read from rules.toml."""
    data = tomllib.loads((_HERE / "rules.toml").read_text(encoding="utf-8"))
    kinds = tuple(Kind(name, _expand(k["accepts"]), _expand(k["shows"])) for name, k in data["kinds"].items())
    steps = tuple(
        Step(s["id"], s["rule"], s["because"], s["edges"], s.get("needs", "any") == "all") for s in data["steps"]
    )
    return Rules(kinds, steps)


@cache
def query(name: str) -> str:
    return (_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


@dataclass
class Facts:
    """The facts of one graph that what-ifs read."""

    names: dict[str, str] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # step id -> cause -> the nodes it takes
    edges: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    covering: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # system -> jobs
    repositories: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # job -> repositories
    last_runs: dict[str, dt.datetime] = field(default_factory=dict)  # job -> newest successful run (UTC)
    replicas: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # VM -> replica servers
    holders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # data set -> systems
    depends_on: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # system -> targets
    _instances: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def name(self, node: str) -> str:
        return self.names.get(node) or node

    def is_a(self, node: str, class_iri: str) -> bool:
        return class_iri in self.classes.get(node, ())

    def instances(self, class_iri: str) -> list[str]:
        """The instances of a class, by name (sorted once per class: the facts do not change once read)."""
        if class_iri not in self._instances:
            members = (n for n, c in self.classes.items() if class_iri in c)
            self._instances[class_iri] = sorted(members, key=lambda n: (self.name(n), n))
        return self._instances[class_iri]

    def systems(self) -> list[str]:
        return self.instances(HV_IRI + "ComputerSystem")

    def kind_of(self, node: str) -> str | None:
        """How the node is reported: the first kind whose `shows` class it is an instance of."""
        return next((k.name for k in rules().kinds if self.is_a(node, k.shows)), None)


def _select(store: ox.Store, text: str) -> Iterator[tuple[str, ...]]:
    """The rows of a query whose variables are all bound, each value as its key (a literal: its text), one by one."""
    for solution in store.query(text, prefixes=PREFIXES):
        values = tuple(solution)  # in the order of the query's variables, None where unbound
        if None not in values:
            yield tuple(map(key, values))


def _utc(text: str) -> dt.datetime | None:
    """An xsd:dateTime in UTC; a time without a timezone is taken as UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _unlabelled_name(node: str) -> str:
    """A resource without a label is named as hvs:name names it: the last segment of its IRI."""
    return "an unnamed resource" if node.startswith("_:") else re.sub(r"^.*[/#:]", "", node)


def read_facts(store: ox.Store) -> Facts:
    """The facts of a store that holds the data, the ontology and the derived facts."""
    facts = Facts()
    for node, class_iri in _select(store, query("nodes")):
        facts.classes[node].add(class_iri)
    for node, label in _select(store, query("labels")):
        if node in facts.classes and (node not in facts.names or label < facts.names[node]):
            facts.names[node] = label
    for node in facts.classes:
        facts.names.setdefault(node, _unlabelled_name(node))
    for step in rules().steps:
        taken: dict[str, list[str]] = defaultdict(list)
        for cause, lost in _select(store, step.edges):
            taken[cause].append(lost)
        facts.edges[step.id] = taken
    for system, job in _select(store, query("coverage")):
        facts.covering[system].add(job)
    for job, repository in _select(store, query("repositories")):
        facts.repositories[job].add(repository)
    for job, text in _select(store, query("runs")):
        moment = _utc(text)
        if moment is not None and (job not in facts.last_runs or moment > facts.last_runs[job]):
            facts.last_runs[job] = moment
    for vm, server in _select(store, query("replicas")):
        facts.replicas[vm].add(server)
    for dataset, system in _select(store, query("copies")):
        facts.holders[dataset].add(system)
    for system, target in _select(store, query("dependencies")):
        facts.depends_on[system].add(target)
    return facts


def add_protection(store: ox.Store, kb: KnowledgeBase | None = None) -> None:
    """Make hvs:protectedBy exactly what the rules derive from hv: terms (shapes/_derived.ttl).

    Whatever hvs:protectedBy the store holds is dropped first: a triple the input states itself is no
    coverage (coverage follows the "protected" definition only), and the facts the fast engine derived
    in a validation store are derived again, the same.
    """
    derived = []
    for derivation in (kb or knowledge_base()).plan.derivations:
        if derivation.shape == PROTECTION_DERIVATION:
            derived.extend(ox.Quad(t.subject, t.predicate, t.object) for t in store.query(derivation.query))
    for quad in list(store.quads_for_pattern(None, _PROTECTED_BY, None)):
        store.remove(quad)
    store.extend(derived)


def prepared_store(graph: ParsedGraph, as_of: dt.date, kb: KnowledgeBase | None = None) -> ox.Store:
    """The graph with the ontology and the rules' protection facts: all a what-if reads."""
    kb = kb or knowledge_base()
    store = build_store(graph, kb, as_of)
    add_protection(store, kb)
    return store


def graph_facts(graph: ParsedGraph, as_of: dt.date, kb: KnowledgeBase | None = None) -> Facts:
    """The facts of one parsed graph."""
    return read_facts(prepared_store(graph, as_of, kb))
