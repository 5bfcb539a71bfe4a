"""A real remote SPARQL 1.1 store for the tests: `oxigraph serve` (the `oxigraph` package) on a free port,
started by bench/oxigraph_server.py, with its log beside its directory and a query time limit of its own."""

from __future__ import annotations

from pathlib import Path

from bench.oxigraph_server import START_TIMEOUT, OxigraphServer, free_port, oxigraph_binary

__all__ = ["START_TIMEOUT", "OxigraphServer", "RemoteStores", "free_port", "oxigraph_binary", "oxigraph_serving"]

QUERY_TIMEOUT_SECONDS = 5  # the store's own limit: a test's runaway query stops there too


def oxigraph_serving(location: Path) -> OxigraphServer:
    """A test's store on `location`, to use in a `with` statement: its log at `location`.log, its queries
    stopped after QUERY_TIMEOUT_SECONDS."""
    log = location.parent / f"{location.name}.log"
    return OxigraphServer(location, log=log, query_timeout_seconds=QUERY_TIMEOUT_SECONDS)


class RemoteStores:
    """One `oxigraph serve` per data directory a test names (a fresh store each, kept across restarts of
    the service on that directory), all stopped at the end of the session."""

    def __init__(self) -> None:
        self.servers: dict[Path, OxigraphServer] = {}

    def for_data_dir(self, data_dir: Path) -> OxigraphServer:
        key = data_dir.resolve()
        if key not in self.servers:
            server = oxigraph_serving(key.parent / f"{key.name}-oxigraph")
            server.start()
            self.servers[key] = server
        return self.servers[key]

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
