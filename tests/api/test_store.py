"""The environment store on its own: one transaction per change, snapshots, stale findings, names kept verbatim;
on the embedded store and on a remote one (BOTH_STORES)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from advisor.store import (
    EnvironmentStore,
    GraphUpload,
    OxigraphStore,
    StoreError,
    ValidationSummary,
    open_store,
    store_from_settings,
)
from tests.api.conftest import BOTH_STORES, settings_for
from tests.api.graphs import environment

pytestmark = BOTH_STORES

SUMMARY = ValidationSummary(
    validated_at=dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC),
    as_of=dt.date(2026, 11, 25),
    conforms=True,
    counts={"violation": 0, "warning": 1, "info": 2},
)


def upload(vms: int, tag: str) -> GraphUpload:
    triples = [q.triple for q in ox.parse(environment(vms, tag=tag), format=ox.RdfFormat.TURTLE)]
    blank = ox.BlankNode()
    triples.append(ox.Triple(blank, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(tag)))
    return GraphUpload(triples=triples, findings=[], validation=SUMMARY, source=f"{tag}.ttl")


def kept(change: GraphUpload) -> GraphUpload:
    """The change kept as a revision, as the service's changes are."""
    return dataclasses.replace(change, report_json="{}")


def as_set(triples: list[ox.Triple]) -> set[str]:
    return {str(t) for t in triples if not isinstance(t.subject, ox.BlankNode)}


def opened(data_dir: Path) -> EnvironmentStore:
    """The store a service on `data_dir` opens: the embedded one, or the module's remote one for that directory."""
    return store_from_settings(settings_for(data_dir))


def graph_counter(store: EnvironmentStore, graph: str) -> Callable[[], int]:
    """How many triples `graph` holds, read as /v1/sparql reads: a snapshot of the embedded store's files, or
    a query to the remote store."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    backend = store.backend
    if not isinstance(backend, OxigraphStore):
        return lambda: int(backend.select(query)[0]["n"].value)  # type: ignore[attr-defined]

    def count_in_a_snapshot() -> int:
        with backend.snapshot() as path:
            copy = ox.Store.read_only(path)
            count = int(next(iter(copy.query(query)))["n"].value)  # type: ignore[index,arg-type]
            del copy
        return count

    return count_in_a_snapshot


def test_replace_is_atomic_for_concurrent_readers(tmp_path: Path) -> None:
    store = opened(tmp_path)
    versions = {tag: upload(40, tag) for tag in ("a", "b")}
    expected = [as_set(v.triples) for v in versions.values()]
    created = store.create("Atomic", versions["a"])
    seen: list[set[str]] = []
    snapshot_counts: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(as_set(store.graph(created.id)))

    count = graph_counter(store, created.graph)

    def read_snapshots() -> None:
        while not done.is_set():
            snapshot_counts.append(count())

    readers = [threading.Thread(target=read) for _ in range(2)] + [threading.Thread(target=read_snapshots)]
    for reader in readers:
        reader.start()
    for tag in ["b", "a"] * 5:
        store.replace(created.id, versions[tag])
    done.set()
    for reader in readers:
        reader.join()
    assert seen and snapshot_counts
    assert all(graph in expected for graph in seen)
    assert set(snapshot_counts) == {len(versions["a"].triples)}
    assert store.get(created.id).revision == 11
    store.backend.close()


def test_a_validation_of_an_older_revision_is_not_kept(tmp_path: Path) -> None:
    store = opened(tmp_path)
    created = store.create("Revisions", upload(10, "a"))
    store.replace(created.id, upload(10, "b"))
    later = ValidationSummary(SUMMARY.validated_at, dt.date(2030, 1, 1), False, {"violation": 3})
    assert store.record_findings(created.id, created.revision, [], later) is False
    assert store.get(created.id).validation == SUMMARY
    assert store.record_findings(created.id, created.revision + 1, [], later) is True
    assert store.get(created.id).validation.as_of == dt.date(2030, 1, 1)  # type: ignore[union-attr]
    store.backend.close()


def test_names_are_kept_verbatim_and_cannot_break_out_of_the_update(tmp_path: Path) -> None:
    store = opened(tmp_path)
    other = store.create("Other", upload(10, "other"))
    name = 'x" . } } ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> "\n\\'
    created = store.create(name, upload(10, "named"))
    assert store.get(created.id).name == name
    assert as_set(store.graph(other.id)) == as_set(upload(10, "other").triples)
    assert {e.id for e in store.list()} == {other.id, created.id}
    store.backend.close()


def test_everything_survives_closing_and_reopening(tmp_path: Path) -> None:
    store = opened(tmp_path)
    kept = store.create("Kept", upload(10, "kept"))
    gone = store.create("Gone", upload(10, "gone"))
    store.delete(gone.id)
    store.mark_initialized()
    store.backend.close()
    reopened = opened(tmp_path)  # the remote store: the same oxigraph serve, a new connection
    assert [e.id for e in reopened.list()] == [kept.id]
    assert reopened.get(kept.id) == kept
    assert as_set(reopened.graph(kept.id)) == as_set(upload(10, "kept").triples)
    assert reopened.is_initialized()
    reopened.backend.close()


def test_unused_snapshots_are_removed(tmp_path: Path, store_kind: str) -> None:
    if store_kind == "remote":
        pytest.skip("snapshots are directories beside the embedded store's files; a remote store has none")
    store = open_store(tmp_path)
    snapshots = tmp_path / "store-snapshots"
    with store.backend.snapshot() as first:
        store.create("Change", upload(5, "x"))
        with store.backend.snapshot() as second:
            assert first != second
            assert {p.name for p in snapshots.iterdir()} == {Path(first).name, Path(second).name}
    assert [p.name for p in snapshots.iterdir()] == [Path(second).name]  # the current one stays for reuse
    store.backend.close()
    assert not snapshots.exists()


def test_a_second_opener_is_refused_by_the_embedded_store_and_shares_the_remote_one(
    tmp_path: Path, store_kind: str
) -> None:
    """The embedded store's files belong to one process; replicas share a remote store, and their concurrent
    replaces take turns (its write lock): one whole graph at the end, every revision counted."""
    first = opened(tmp_path)
    created = first.create("Shared", kept(upload(20, "first")))
    if store_kind == "embedded":
        with pytest.raises(StoreError, match="cannot open the store in"):
            opened(tmp_path)
        first.backend.close()
        return
    second = opened(tmp_path)
    versions = [kept(upload(10 + n, f"v{n}")) for n in range(6)]
    stores = [first, second] * 3
    with ThreadPoolExecutor(len(versions)) as pool:
        list(pool.map(lambda pair: pair[0].replace(created.id, pair[1]), zip(stores, versions, strict=True)))
    final = second.get(created.id)
    assert final.revision == 7
    revisions = first.revisions(created.id)
    assert [revision.number for revision in revisions] == list(range(7, 0, -1))
    assert sorted(r.triples for r in revisions[:-1]) == sorted(len(v.triples) for v in versions)  # none lost
    graph = first.graph(created.id)
    assert as_set(graph) in [as_set(v.triples) for v in versions]
    assert final.triples == len(graph)  # the metadata comes from the same replace as the graph
    first.backend.close()
    second.backend.close()
