"""One what-if from a document: parse it, read its facts, resolve the lost elements, answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from advisor.config import Settings
from advisor.errors import InputError
from advisor.inventory import build_inventory
from advisor.knowledge import knowledge_base
from advisor.loading import ParsedGraph, RdfFormat, SizeLimit, parse_bytes
from advisor.whatif.engine import WhatIfResult, what_if
from advisor.whatif.facts import prepared_store, read_facts
from advisor.whatif.select import document_prefixes, resolve_all


def what_if_graph(
    graph: ParsedGraph,
    specs: list[str],
    as_of: dt.date,
    prefixes: dict[str, str] | None = None,
    *,
    inventory: bool = False,
) -> WhatIfResult:
    """The what-if of a parsed graph losing the elements `specs` names (`KIND:NODE` each); `inventory` adds the
    environment's structure, for the HTML page's diagram."""
    if not specs:
        raise InputError("name at least one lost element as KIND:NODE (for example site:ex:main)")
    kb = knowledge_base()
    store = prepared_store(graph, as_of, kb)
    facts = read_facts(store)
    result = what_if(facts, resolve_all(facts, specs, prefixes), as_of)
    if inventory:
        result = replace(result, inventory=build_inventory(store, (d.query for d in kb.plan.derivations)))
    return result


def what_if_document(
    data: bytes,
    fmt: RdfFormat,
    specs: list[str],
    as_of: dt.date,
    source: str | None = None,
    *,
    settings: Settings | None = None,
    on_parsed: Callable[[], None] | None = None,
    size_limit: SizeLimit | None = None,
    inventory: bool = False,
) -> WhatIfResult:
    """The what-if of a document (parsed safely, offline, within the settings' limits); prefixed NODEs may use
    the document's prefixes. `on_parsed` is called between parsing and the what-if (a worker's next stage)."""
    if not specs:
        raise InputError("name at least one lost element as KIND:NODE (for example site:ex:main)")
    graph = parse_bytes(data, fmt, source=source, settings=settings, size_limit=size_limit)
    if on_parsed is not None:
        on_parsed()
    return what_if_graph(graph, specs, as_of, document_prefixes(data, fmt), inventory=inventory)
