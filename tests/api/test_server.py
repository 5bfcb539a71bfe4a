"""The real server process, started with the README's command, over a socket; state survives restarts."""

from __future__ import annotations

import contextlib
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from advisor.resources import samples_dir
from advisor.store import slug
from tests.api.conftest import EXAMPLE_TTL, EXAMPLES
from tests.api.graphs import environment
from tests.api.remote import oxigraph_serving
from tests.api.server import serving

pytestmark = pytest.mark.slow
MAX_BODY = 1_000_000
ENV = {"ADVISOR_MAX_BODY_BYTES": str(MAX_BODY)}
TURTLE = {"content-type": "text/turtle"}


def state(client: httpx.Client) -> dict[str, tuple]:
    """What must survive a restart: every environment's metadata and graph, and the findings graphs' size."""
    result = {}
    for env in client.get("/v1/environments").json()["environments"]:
        graph = client.get(env["links"]["self"], headers={"accept": "application/n-triples"}).content
        triples = frozenset(
            str(q.triple) for q in ox.parse(graph, format=ox.RdfFormat.N_TRIPLES) if "_:" not in str(q.triple)
        )
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{env['findings_graph']}> {{ ?s ?p ?o }} }}"
        findings = client.get("/v1/sparql", params={"query": query}).json()["results"]["bindings"][0]["n"]["value"]
        result[env["id"]] = (
            env["name"],
            env["triples"],
            env["created"],
            env["modified"],
            env["counts"],
            triples,
            findings,
        )
    return result


@contextlib.contextmanager
def store_settings(store: str, location: Path) -> Iterator[dict[str, str]]:
    """The settings of the store: none for the embedded one; a remote one started (and stopped) here."""
    if store == "embedded":
        yield {}
        return
    with oxigraph_serving(location) as remote:
        yield remote.env


@pytest.mark.parametrize("store", ["embedded", "remote"])
def test_restart_keeps_exactly_what_was_left(tmp_path: Path, store: str) -> None:
    """The service restarts on its data; on a remote store, the store restarts too (on another port)."""
    data = tmp_path / "data"
    log = tmp_path / "server.log"
    samples = sorted(p for p in samples_dir().iterdir() if p.suffix in (".ttl", ".jsonld", ".nt", ".rdf"))
    with (
        store_settings(store, tmp_path / "oxigraph") as env,
        serving(data, log, {**ENV, **env}) as server,
        server.client() as client,
    ):
        listed = {e["id"] for e in client.get("/v1/environments").json()["environments"]}
        assert listed == {slug(p.stem) for p in samples}  # the samples, loaded on first start
        kept = client.post(
            "/v1/environments", content=EXAMPLE_TTL.read_bytes(), headers=TURTLE, params={"name": "Kept"}
        )
        replaced = client.post(
            "/v1/environments", content=environment(30, tag="-old"), headers=TURTLE, params={"name": "Replaced"}
        )
        deleted = client.post(
            "/v1/environments", files={"file": ("gone.jsonld", (EXAMPLES / "environment.jsonld").read_bytes())}
        )
        assert {kept.status_code, replaced.status_code, deleted.status_code} == {201}
        put = client.put(replaced.json()["links"]["self"], content=environment(45, tag="-new"), headers=TURTLE)
        assert put.status_code == 200
        assert client.delete(deleted.json()["links"]["self"]).status_code == 204
        if samples:
            assert client.delete(f"/v1/environments/{slug(samples[0].stem)}").status_code == 204
        before = state(client)
    assert len(before) == len(samples) + 1
    assert deleted.json()["id"] not in before

    with (
        store_settings(store, tmp_path / "oxigraph") as env,
        serving(data, log, {**ENV, **env}) as server,
        server.client() as client,
    ):
        after = state(client)
        assert after == before
        labels = client.get(put.json()["links"]["findings"]).json()
        assert {f["focus_label"] for f in labels["findings"] if f["rule_id"] == "COV-001"} == {
            f"VM{v}-new" for v in range(0, 45, 10)
        }


def _http(port: int, head: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(head)
    return sock


def test_real_server_over_a_socket(tmp_path: Path) -> None:
    with serving(tmp_path / "data", tmp_path / "server.log", {**ENV, "ADVISOR_LOAD_SAMPLES": "false"}) as server:
        # a plain HTTP/1.1 request, byte for byte
        body = EXAMPLE_TTL.read_bytes()
        sock = _http(
            server.port,
            b"POST /v1/validate?as_of=2026-11-25 HTTP/1.1\r\nHost: advisor\r\nContent-Type: text/turtle\r\n"
            b"Accept: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sock.close()
        head, _, payload = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        assert b"WEB01" in payload

        # a chunked upload with no Content-Length: 413 long before the client has sent it all
        sock = _http(
            server.port,
            b"POST /v1/environments HTTP/1.1\r\nHost: advisor\r\nContent-Type: text/turtle\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        chunk = b"# " + b"x" * 65530 + b"\n"
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sent, total = 0, 50 * MAX_BODY
        answer = b""
        try:
            while sent < total:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(frame)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
        sock.close()
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"code":"limit-exceeded"' in answer
        assert sent < total
        with server.client() as client:
            assert client.get("/v1/environments").json() == {"environments": []}
            assert client.get("/healthz").json() == {"status": "ok"}
