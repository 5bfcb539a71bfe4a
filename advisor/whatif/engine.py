"""The what-if engine: lost elements in, what can still be restored out (rules.md, "What-if").

The closure follows the steps of rules.toml; each system then gets one of four states from the jobs that
cover it and the repositories they write to; data sets and dependencies follow from the states.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum

from advisor.inventory import Inventory
from advisor.namespaces import HV_IRI
from advisor.whatif.facts import Facts, rules

GIVEN = "given as lost"


class State(StrEnum):
    UNRECOVERABLE = "unrecoverable"
    RECOVERABLE = "recoverable"
    EXPOSED = "exposed"
    UNAFFECTED = "unaffected"


@dataclass(frozen=True)
class Named:
    """A resource, by IRI (or _:id) and display name."""

    iri: str
    label: str

    def as_json(self) -> dict:
        return {"iri": self.iri, "label": self.label}


@dataclass(frozen=True)
class Target:
    """A lost element as given: its kind and its node (an IRI or _:id)."""

    kind: str
    node: str


@dataclass(frozen=True)
class LostElement:
    iri: str
    label: str
    kind: str | None
    because: str

    def as_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "kind": self.kind, "because": self.because}


@dataclass(frozen=True)
class SystemOutcome:
    iri: str
    label: str
    state: State
    restore_from: tuple[Named, ...] = ()
    restore_point_age_hours: float | None = None
    replica_failover: tuple[Named, ...] = ()

    def as_json(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "state": self.state.value,
            "restore_from": [r.as_json() for r in self.restore_from],
            "restore_point_age_hours": self.restore_point_age_hours,
            "replica_failover": [r.as_json() for r in self.replica_failover],
        }


@dataclass(frozen=True)
class BrokenDependency:
    system: Named
    depends_on: Named
    chain: tuple[Named, ...]  # from the system to the unrecoverable one, both included

    def as_json(self) -> dict:
        return {
            "system": self.system.as_json(),
            "depends_on": self.depends_on.as_json(),
            "chain": [n.as_json() for n in self.chain],
        }


@dataclass(frozen=True)
class WhatIfResult:
    as_of: dt.date
    lost: tuple[LostElement, ...]
    systems: tuple[SystemOutcome, ...]
    data_sets_lost: tuple[Named, ...]
    broken_dependencies: tuple[BrokenDependency, ...]
    inventory: Inventory | None = field(default=None, compare=False)  # the environment, for the HTML diagram

    def of_state(self, state: State) -> list[SystemOutcome]:
        return [s for s in self.systems if s.state is state]

    @property
    def any_unrecoverable(self) -> bool:
        return any(s.state is State.UNRECOVERABLE for s in self.systems)

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "lost": [e.as_json() for e in self.lost],
            "systems": [s.as_json() for s in self.systems],
            "data_sets_lost": [d.as_json() for d in self.data_sets_lost],
            "broken_dependencies": [b.as_json() for b in self.broken_dependencies],
        }


def close(facts: Facts, targets: list[Target]) -> dict[str, str]:
    """Every lost node with why it is lost: the given nodes, then breadth first what each step takes."""
    steps = rules().steps
    all_causes: dict[str, dict[str, set[str]]] = {}  # needs-all step -> lost candidate -> its causes
    for step in steps:
        if step.needs_all:
            causes: dict[str, set[str]] = defaultdict(set)
            for cause, taken in facts.edges[step.id].items():
                for node in taken:
                    causes[node].add(cause)
            all_causes[step.id] = causes
    because: dict[str, str] = {}
    for target in targets:
        because.setdefault(target.node, GIVEN)
    order = lambda n: (facts.name(n), n)  # noqa: E731
    level = sorted(because, key=order)
    while level:  # breadth first, one level at a time; within a level the earlier step gives the reason
        found: list[str] = []
        for step in steps:
            for cause in level:
                for node in sorted(facts.edges[step.id].get(cause, ()), key=order):
                    if node in because:
                        continue
                    if step.needs_all and not all(c in because for c in all_causes[step.id][node]):
                        continue
                    because[node] = step.because.format(cause=facts.name(cause))
                    found.append(node)
        level = sorted(found, key=order)
    return because


def _age_hours(moment: dt.datetime | None, as_of: dt.date) -> float | None:
    """Hours from the moment to the end of the as-of day (UTC): the restore point's age at worst that day."""
    if moment is None:
        return None
    end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return round(max(0.0, (end_of_day - moment).total_seconds() / 3600), 1)


def _outcome(facts: Facts, system: str, lost: dict[str, str], as_of: dt.date) -> SystemOutcome:
    jobs = facts.covering.get(system, set())
    repositories = {r for job in jobs for r in facts.repositories.get(job, ())}
    surviving = {r for r in repositories if r not in lost}
    label = facts.name(system)
    named = lambda nodes: tuple(Named(n, facts.name(n)) for n in sorted(nodes, key=lambda n: (facts.name(n), n)))  # noqa: E731
    if system not in lost:
        exposed = bool(repositories) and not surviving
        return SystemOutcome(system, label, State.EXPOSED if exposed else State.UNAFFECTED)
    failover = named(s for s in facts.replicas.get(system, ()) if s not in lost)
    if not surviving:
        return SystemOutcome(system, label, State.UNRECOVERABLE, replica_failover=failover)
    restoring = [job for job in jobs if any(r in surviving for r in facts.repositories.get(job, ()))]
    runs = [facts.last_runs[job] for job in restoring if job in facts.last_runs]
    age = _age_hours(max(runs) if runs else None, as_of)
    return SystemOutcome(system, label, State.RECOVERABLE, named(surviving), age, failover)


def _broken(facts: Facts, states: dict[str, State]) -> list[BrokenDependency]:
    """Each system that is not unrecoverable, with each unrecoverable one it reaches and one shortest chain."""
    unrecoverable = {s for s, state in states.items() if state is State.UNRECOVERABLE}
    if not unrecoverable:
        return []
    order = lambda n: (facts.name(n), n)  # noqa: E731
    named = lambda n: Named(n, facts.name(n))  # noqa: E731
    broken: list[BrokenDependency] = []
    for system in sorted(states, key=order):
        if system in unrecoverable or not facts.depends_on.get(system):
            continue
        parent: dict[str, str | None] = {system: None}
        queue: deque[str] = deque([system])
        reached: list[str] = []
        while queue:
            node = queue.popleft()
            for target in sorted(facts.depends_on.get(node, ()), key=order):
                if target in parent:
                    continue
                parent[target] = node
                queue.append(target)
                if target in unrecoverable:
                    reached.append(target)
        for target in sorted(reached, key=order):
            chain: list[str] = []
            step: str | None = target
            while step is not None:
                chain.append(step)
                step = parent[step]
            broken.append(BrokenDependency(named(system), named(target), tuple(named(n) for n in reversed(chain))))
    return broken


def unrecoverable(facts: Facts, targets: list[Target]) -> list[str]:
    """Only the systems losing the targets leaves unrecoverable (by name): the blast radius's question."""
    lost = close(facts, targets)
    systems = [n for n in lost if facts.is_a(n, HV_IRI + "ComputerSystem")]
    gone = [
        n
        for n in systems
        if not any(r not in lost for job in facts.covering.get(n, ()) for r in facts.repositories.get(job, ()))
    ]
    return sorted(gone, key=lambda n: (facts.name(n), n))


def what_if(facts: Facts, targets: list[Target], as_of: dt.date) -> WhatIfResult:
    """What losing the targets (with everything they take) does to every system of the graph."""
    lost = close(facts, targets)
    kind_rank = {k.name: i for i, k in enumerate(rules().kinds)}
    given_kind = {t.node: t.kind for t in targets}
    elements = [
        LostElement(node, facts.name(node), given_kind.get(node) or facts.kind_of(node), why)
        for node, why in lost.items()
    ]
    elements.sort(key=lambda e: (kind_rank.get(e.kind or "", len(kind_rank)), e.label, e.iri))
    outcomes = [_outcome(facts, system, lost, as_of) for system in facts.systems()]
    states = {o.iri: o.state for o in outcomes}
    datasets = [
        Named(d, facts.name(d))
        for d, holders in facts.holders.items()
        if holders and all(states.get(h) is State.UNRECOVERABLE for h in holders)
    ]
    datasets.sort(key=lambda n: (n.label, n.iri))
    return WhatIfResult(as_of, tuple(elements), tuple(outcomes), tuple(datasets), tuple(_broken(facts, states)))
