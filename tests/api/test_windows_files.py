"""The service reads files as Windows writes them (tests/windows_files.py), as a body or an upload.

A body in an encoding the advisor does not read is a 415 `unsupported-encoding` naming it, and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from advisor.encoding import READABLE
from advisor.loading import RdfFormat
from tests import windows_files as win
from tests.api.conftest import assert_problem, store_state

pytestmark = pytest.mark.anyio
AS_OF = "2026-11-25"
DOCUMENTS = {
    RdfFormat.TURTLE: win.TURTLE,
    RdfFormat.N_TRIPLES: win.N_TRIPLES,
    RdfFormat.JSON_LD: win.JSON_LD,
    RdfFormat.RDF_XML: win.rdf_xml("UTF-16"),
}
WRITERS: dict[str, Callable[[str], bytes]] = {
    "utf-8-bom": win.utf8_bom,
    "utf-16-le": win.utf16_le,
    "utf-16-be": win.utf16_be,
}


def _gap(body: dict) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["focus_node"]) for f in body["findings"] if f["rule_id"] == "COV-001"}


@pytest.mark.parametrize("writer", WRITERS, ids=str)
@pytest.mark.parametrize("fmt", DOCUMENTS, ids=str)
async def test_a_body_in_each_windows_encoding_validates(
    client: httpx.AsyncClient, fmt: RdfFormat, writer: str
) -> None:
    response = await client.post(
        "/v1/validate",
        content=WRITERS[writer](DOCUMENTS[fmt]),
        headers={"content-type": fmt.media_type},
        params={"as_of": AS_OF},
    )
    assert response.status_code == 200, response.text
    assert _gap(response.json()) == {("COV-001", win.GAP_NODE)}
    assert {f["focus_label"] for f in response.json()["findings"]} >= {win.WEB_LABEL}


async def test_an_upload_written_by_out_file_is_stored_with_its_labels(client: httpx.AsyncClient) -> None:
    files = {"file": ("estate.ttl", win.utf16_le(win.TURTLE), "text/turtle")}
    response = await client.post("/v1/environments", files=files, params={"name": "Out-File", "as_of": AS_OF})
    assert response.status_code == 201, response.text
    graph = await client.get(response.json()["links"]["self"], headers={"accept": "application/n-triples"})
    assert f'<{win.GAP_NODE}> <{win.RDFS_LABEL}> "{win.WEB_LABEL}" .' in graph.text


async def test_json_ld_importing_the_advisor_context_validates(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/validate",
        content=win.JSON_LD_IMPORT.encode("utf-8"),
        headers={"content-type": "application/ld+json"},
        params={"as_of": AS_OF},
    )
    assert response.status_code == 200, response.text
    assert _gap(response.json()) == {("COV-001", win.GAP_NODE)}


@pytest.mark.parametrize(
    ("data", "encoding", "said"),
    [
        (win.utf32_le(win.TURTLE), "UTF-32 LE", "is in UTF-32 LE, which is not read"),
        (win.TURTLE.encode("utf-16-le"), "UTF-16 LE without a byte-order mark", "is in UTF-16 LE without a byte-order"),
        (win.ansi(win.TURTLE), "not UTF-8", "is in an 8-bit code page such as Windows-1252, not UTF-8 (byte 0x96 at"),
    ],
    ids=["utf-32", "utf-16-without-mark", "windows-1252"],
)
async def test_an_unreadable_encoding_is_415_naming_it_and_stores_nothing(
    client: httpx.AsyncClient, data: bytes, encoding: str, said: str
) -> None:
    before = await store_state(client)
    for path in ("/v1/validate", "/v1/environments"):
        response = await client.post(path, content=data, headers={"content-type": "text/turtle"})
        body = assert_problem(response, 415, "unsupported-encoding")
        assert body["encoding"] == encoding
        assert body["detail"].startswith(f"the document {said}")
        assert body["detail"].endswith(f"save it as {READABLE}")
    assert await store_state(client) == before
