"""What-if: if we lose this site, host, cluster, volume, repository or system, what can we still restore?

`graph_facts(graph, as_of)` reads a graph once; `what_if(facts, targets, as_of)` answers one what-if;
`resolve(facts, "site:Main")` turns what a user names into a target. The rules are data (rules.toml,
queries/*.rq); rules.md, "What-if", is their contract.
"""

from advisor.whatif.engine import (
    BrokenDependency,
    LostElement,
    Named,
    State,
    SystemOutcome,
    Target,
    WhatIfResult,
    what_if,
)
from advisor.whatif.facts import Facts, graph_facts, prepared_store, read_facts
from advisor.whatif.select import UnknownElementError, document_prefixes, resolve, resolve_all

__all__ = [
    "BrokenDependency",
    "Facts",
    "LostElement",
    "Named",
    "State",
    "SystemOutcome",
    "Target",
    "UnknownElementError",
    "WhatIfResult",
    "document_prefixes",
    "graph_facts",
    "prepared_store",
    "read_facts",
    "resolve",
    "resolve_all",
    "what_if",
]
