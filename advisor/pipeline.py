"""The one pipeline every shell calls: an input in, a Report out (parse, validate, apply the policy).

The CLI (single files and batch workers), the service's validation workers, `advisor query --derived`,
the what-if engine and the benchmarks all go through `run` (or `validation_store`, for the store a
validation would scan). Settings are passed in; nothing here reads the process-wide settings.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from advisor.config import Settings
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph, RdfFormat, SizeLimit, parse_bytes, parse_file
from advisor.policy import Policy, apply_policy
from advisor.report import Report
from advisor.validation import EngineName, build_store, validate

if TYPE_CHECKING:
    from advisor.render import OutputFormat


@dataclass(frozen=True)
class Document:
    """Input bytes in a known RDF syntax, named as the caller names them (a path, an upload's name)."""

    data: bytes
    format: RdfFormat
    source: str | None = None


Input = Path | Document | ParsedGraph  # a local file, bytes, or a graph already made (an inventory import)


@dataclass(frozen=True)
class Extras:
    """What a validation adds to its report beyond the findings, for the report formats that show it."""

    inventory: bool = False  # the environment's structure (HTML, Markdown: summary and diagram)
    blast_radius: bool = False  # what losing each site or cluster alone leaves unrecoverable (JSON, HTML, Markdown)

    @classmethod
    def shown_by(cls, fmt: OutputFormat | None) -> Extras:
        """The extras a report format shows (none for an unknown format)."""
        if fmt is None:
            return cls()
        return cls(inventory=fmt.shows_inventory, blast_radius=fmt.shows_blast_radius)


@dataclass(frozen=True)
class Options:
    """How to validate, and which extras to keep beside the report."""

    as_of: dt.date | None = None  # default: today
    engine: EngineName = "fast"
    policy: Policy = field(default_factory=Policy)
    input_format: RdfFormat | None = None  # for a file whose extension does not tell
    size_limit: SizeLimit | None = None  # the largest input read (default: the setting max_body_bytes)
    extras: Extras = field(default_factory=Extras)
    keep_graph: bool = False  # return the input graph (the service stores it; waivers look up their nodes in it)


@dataclass(frozen=True)
class Outcome:
    """One validation: its report, the input's triples when asked for, and the time each phase took."""

    report: Report
    ntriples: bytes | None = None  # the input graph as N-Triples, when asked for
    seconds: dict[str, float] = field(default_factory=dict)  # parse, the phases of validate and their sum, policy

    @property
    def triples(self) -> list[ox.Triple] | None:
        """The input graph's triples, when asked for."""
        if self.ntriples is None:
            return None
        return [quad.triple for quad in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)]


def parse(source: Input, options: Options, settings: Settings) -> ParsedGraph:
    """The input as a parsed graph, within the settings' limits."""
    if isinstance(source, ParsedGraph):
        return source
    if isinstance(source, Document):
        return parse_bytes(
            source.data, source.format, source=source.source, settings=settings, size_limit=options.size_limit
        )
    return parse_file(source, options.input_format, settings=settings, size_limit=options.size_limit)


def run(source: Input, options: Options, settings: Settings, kb: KnowledgeBase | None = None) -> Outcome:
    """Parse, validate with every rule of the knowledge base, and apply the policy."""
    kb = kb or knowledge_base()
    started = time.perf_counter()
    graph = parse(source, options, settings)
    parsed = time.perf_counter()
    ntriples = graph.ntriples() if options.keep_graph else None  # before validation takes the graph's store
    report = validate(
        graph,
        as_of=options.as_of,
        engine=options.engine,
        parameters=options.policy.rule_parameters(settings, kb),
        kb=kb,
        inventory=options.extras.inventory,
        blast_radius=options.extras.blast_radius,
        threads=settings.engine_threads,
    )
    validated = time.perf_counter()
    report = apply_policy(report, options.policy)
    seconds = {
        "parse": parsed - started,
        **report.phase_seconds,
        "validate": validated - parsed,
        "policy": time.perf_counter() - validated,
    }
    return Outcome(report=report, ntriples=ntriples, seconds=seconds)


def prepare(options: Options, settings: Settings, kb: KnowledgeBase | None = None) -> None:
    """Load the knowledge base and build the engine, so that the first real input pays for neither."""
    run(ParsedGraph(triples=[], format=RdfFormat.N_TRIPLES), options, settings, kb)


def validation_store(
    source: Input, options: Options, settings: Settings, kb: KnowledgeBase | None = None, *, derived: bool = True
) -> ox.Store:
    """The store a validation scans: the data, the ontology and the validation context, with (`derived`) the
    facts every rule shares (hvs:protectedBy, hvs:atSite, ...) as the engine derives them."""
    kb = kb or knowledge_base()
    graph = parse(source, options, settings)
    store = build_store(graph, kb, options.as_of or dt.date.today(), options.policy.rule_parameters(settings, kb))
    if derived:
        for derivation in kb.plan.derivations:
            store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in store.query(derivation.query)])
    return store
