"""Two service processes on different ports sharing one remote store (a real `oxigraph serve`) are one
service: a write through one is read through the other at once, concurrent replaces through both end
with one whole graph, and the samples of a new store are loaded once, not once per replica."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from advisor.resources import samples_dir
from advisor.store import METADATA_GRAPH_IRI, SERVICE_IRI, slug
from tests.api.conftest import EXAMPLE_TTL
from tests.api.graphs import environment
from tests.api.remote import OxigraphServer, oxigraph_serving
from tests.api.server import Server

pytestmark = pytest.mark.slow
TURTLE = {"content-type": "text/turtle"}
NT = {"accept": "application/n-triples"}


def triples(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> frozenset[str]:
    return frozenset(str(quad.triple) for quad in ox.parse(data, format=fmt))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_serving(tmp_path_factory.mktemp("store") / "oxigraph") as server:
        yield server


@pytest.fixture(scope="module")
def replicas(store: OxigraphServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Two replicas started at the same moment on a new store, samples on (the default)."""
    base = tmp_path_factory.mktemp("replicas")
    env = {**store.env, "ADVISOR_MAX_CONCURRENT_VALIDATIONS": "1", "ADVISOR_MAX_CONCURRENT_QUERIES": "1"}
    pair = (Server(base / "a", base / "a.log", env), Server(base / "b", base / "b.log", env))
    try:
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(server.start) for server in pair]:
                started.result()
        yield pair
    finally:
        for server in pair:
            if server.process is not None:
                server.stop()


def test_the_samples_of_a_new_store_are_loaded_once(replicas: tuple[Server, Server], store: OxigraphServer) -> None:
    expected = {slug(p.stem) for p in samples_dir().iterdir() if p.suffix in (".ttl", ".jsonld", ".nt", ".rdf")}
    for server in replicas:
        with server.client() as client:
            assert {e["id"] for e in client.get("/v1/environments").json()["environments"]} == expected
    query = f"""PREFIX svc: <{SERVICE_IRI}>
        SELECT ?id (COUNT(DISTINCT ?env) AS ?environments) (COUNT(DISTINCT ?rev) AS ?revisions) WHERE {{
          GRAPH <{METADATA_GRAPH_IRI}> {{ ?env a svc:Environment ; svc:id ?id ; svc:revision 1 .
                                          OPTIONAL {{ ?rev a svc:Revision ; svc:environment ?env }} }}
        }} GROUP BY ?id"""
    rows = httpx.post(f"{store.url}/query", data={"query": query}, headers={"accept": "application/json"}).json()
    counted = {
        r["id"]["value"]: (r["environments"]["value"], r["revisions"]["value"]) for r in rows["results"]["bindings"]
    }
    assert counted == dict.fromkeys(expected, ("1", "1"))  # each created once: one description, one revision
    claims = f"SELECT ?who WHERE {{ GRAPH <{METADATA_GRAPH_IRI}> {{ ?store <{SERVICE_IRI}initializedBy> ?who }} }}"
    claimed = httpx.post(f"{store.url}/query", data={"query": claims}, headers={"accept": "application/json"}).json()
    assert len(claimed["results"]["bindings"]) == 1
    logs = "".join(server.log.read_text(errors="replace") for server in replicas)
    assert "not loaded" not in logs and "exists already" not in logs


def test_a_write_through_one_replica_is_read_through_the_other(replicas: tuple[Server, Server]) -> None:
    a, b = replicas
    with a.client() as one, b.client() as other:
        created = one.post("/v1/environments", content=EXAMPLE_TTL.read_bytes(), headers=TURTLE).json()
        seen = other.get(created["links"]["self"], headers=NT)
        assert seen.status_code == 200
        assert triples(seen.content, ox.RdfFormat.N_TRIPLES) == triples(EXAMPLE_TTL.read_bytes())
        assert other.get(created["links"]["findings"]).json() == one.get(created["links"]["findings"]).json()
        replaced = other.put(created["links"]["self"], content=environment(20, tag="-b"), headers=TURTLE)
        assert replaced.status_code == 200
        after = one.get(created["links"]["self"], headers=NT)
        assert triples(after.content, ox.RdfFormat.N_TRIPLES) == triples(environment(20, tag="-b"))
        query = f"ASK {{ GRAPH <{created['graph']}> {{ ?s ?p ?o }} }}"
        assert other.delete(created["links"]["self"]).status_code == 204
        assert one.get(created["links"]["self"]).status_code == 404
        assert one.get("/v1/sparql", params={"query": query}).json()["boolean"] is False


def test_concurrent_replaces_through_both_replicas_end_with_one_whole_graph(replicas: tuple[Server, Server]) -> None:
    a, b = replicas
    graphs = {tag: environment(30, tag=tag) for tag in ("-a", "-b", "-c")}
    expected = {triples(data) for data in graphs.values()}
    with a.client() as one, b.client() as other:
        created = one.post("/v1/environments", content=graphs["-a"], headers=TURTLE).json()
        url = created["links"]["self"]
        stop = threading.Event()
        seen: list[frozenset[str]] = []

        def writer(client: httpx.Client, order: list[str]) -> None:
            for tag in order * 3:
                assert client.put(url, content=graphs[tag], headers=TURTLE).status_code == 200

        def reader(client: httpx.Client) -> None:
            while not stop.is_set():
                seen.append(triples(client.get(url, headers=NT).content, ox.RdfFormat.N_TRIPLES))

        readers = [threading.Thread(target=reader, args=(c,)) for c in (one, other)]
        for thread in readers:
            thread.start()
        with ThreadPoolExecutor(2) as pool:
            for done in [pool.submit(writer, one, ["-b", "-c"]), pool.submit(writer, other, ["-c", "-a"])]:
                done.result()
        stop.set()
        for thread in readers:
            thread.join()
        mixed = [graph for graph in seen if graph not in expected]
        assert seen and not mixed, f"{len(mixed)} reads saw a mix of graphs"
        finals = [triples(c.get(url, headers=NT).content, ox.RdfFormat.N_TRIPLES) for c in (one, other)]
        assert finals[0] == finals[1] and finals[0] in expected
        summaries = [next(e for e in c.get("/v1/environments").json()["environments"] if e["id"] == created["id"])
                     for c in (one, other)]  # fmt: skip
        assert summaries[0] == summaries[1] and summaries[0]["triples"] == len(finals[0])


def test_a_replica_restarted_on_the_store_loads_nothing_again(replicas: tuple[Server, Server], tmp_path: Path) -> None:
    a, _ = replicas
    with a.client() as client:
        before = sorted(e["id"] for e in client.get("/v1/environments").json()["environments"])
    third = Server(tmp_path / "c", tmp_path / "c.log", a.env)
    third.start()
    try:
        with third.client() as client:
            assert sorted(e["id"] for e in client.get("/v1/environments").json()["environments"]) == before
    finally:
        third.stop()
