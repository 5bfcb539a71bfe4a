"""A second shape of estate for the benchmark: deep dependency chains, many checkpoints, many small jobs.

    python bench/generate_dense.py 10000 --seed 1 --output dense-10k.ttl

It starts from bench/generate.py's estate of the same size and seed (so every rule still fires somewhere) and
reshapes it the way a different inventory would look:

- every third VM that may hold checkpoints has three more (SNP-001 and SNP-002 read them, as do the inventory and
  the name derivation): about twice the checkpoints per VM of an estate that keeps them for a day;
- the web, middleware and application VMs of each cluster depend on one another in chains of 12 (each VM on the
  next), on top of their application's dependencies: the dependency derivations walk 8 levels deep;
- the agent-based jobs protect 3 VMs each instead of 40, and every fifth VM of a host-level cluster also has a
  small in-guest job of its own: about ten times the jobs of bench/generate.py's estates.

The output is the same for the same N, seed and as-of date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import DEFAULT_AS_OF, Checkpoint, _Estate, _lines, run, write_lines

CHAIN = 12
JOB_SIZE = 3
CHECKPOINTS = 3
QUIET_ROLES = ("web", "mw", "app", "file")


def _more_checkpoints(estate: _Estate, rng: random.Random) -> None:
    for index, vm in enumerate(vm for vm in estate.vms if vm.role in QUIET_ROLES):
        if index % 3 == 0:
            for _ in range(CHECKPOINTS):
                created = dt.datetime.combine(estate.as_of - dt.timedelta(days=rng.randint(1, 60)),
                                              dt.time(rng.randint(0, 23), 0))
                number = len(vm.checkpoints) + 1
                kind = "StandardCheckpoint" if rng.random() < 0.3 else "ProductionCheckpoint"
                vm.checkpoints.append(Checkpoint(f"{vm.id}cp{number}", f"{vm.label} before change {number}", kind,
                                                 created))


def _chains(estate: _Estate) -> None:
    for cluster in estate.clusters:
        members = [vm for vm in estate.vms if vm.cluster is cluster and vm.role in ("web", "mw", "app")]
        for start in range(0, len(members), CHAIN):
            chain = members[start:start + CHAIN]
            for vm, target in itertools.pairwise(chain):
                if target not in vm.depends:
                    estate.extra_depends.append((vm, target))


def _small_jobs(estate: _Estate) -> None:
    jobs = []
    for job in estate.jobs:
        if job.method != "AgentBased" or len(job.protects) <= JOB_SIZE:
            jobs.append(job)
            continue
        for part, start in enumerate(range(0, len(job.protects), JOB_SIZE)):
            number = estate.next_id("job")
            jobs.append(replace(job, id=job.id if part == 0 else f"job{number}",
                                label=job.label if part == 0 else f"{job.label} part {part + 1}",
                                protects=job.protects[start:start + JOB_SIZE], copies=list(job.copies)))
    estate.jobs[:] = jobs
    for cluster in (c for c in estate.clusters if not c.agent):
        repository = next((j.stores for j in estate.jobs if cluster.id in j.protects_all), None)
        members = [vm for vm in estate.vms if vm.cluster is cluster and vm.role in QUIET_ROLES and not vm.excluded]
        for vm in members[::5]:
            job = estate._job(f"{vm.label} in-guest", "AgentBased", "DataOnly", "agent", True)
            job.protects.append(vm.id)
            job.stores = repository


def build(n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> _Estate:
    estate = _Estate(n_vms, seed, as_of).build()
    rng = random.Random(f"dense-{seed}")
    _more_checkpoints(estate, rng)
    _chains(estate)
    _small_jobs(estate)
    return estate


def generate_lines(n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Iterator[str]:
    yield from _lines(build(n_vms, seed, as_of), seed)


def write_estate(path: Path, n_vms: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Path:
    return write_lines(path, generate_lines(n_vms, seed, as_of))


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, generate_lines)


if __name__ == "__main__":
    sys.exit(main())
