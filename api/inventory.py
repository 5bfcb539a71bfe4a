"""Inventory documents in a request: the collector's file (or one cmdlet export) as the raw body, or several
files and overlays as multipart/form-data. Imported in a validation worker, within the service's limits
(parse_timeout_seconds, max_triples); the graph then goes the way of any uploaded graph (validation,
environments)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from advisor.config import Settings
from advisor.errors import InputError, LimitExceededError
from advisor.importers import InventoryError, Source, import_inventory
from advisor.importers.collector import MEDIA_TYPE, schema_file
from advisor.loading import RdfFormat
from api.deps import service_of
from api.inputs import FILE_FIELD, MULTIPART, GraphInput, media_type_of, read_graph
from api.openapi import EXAMPLES
from api.workers import START_STAGE, Stage

INVENTORY_FIELD = "inventory"
OVERLAY_FIELD = "overlay"
GRAPH_FORM_FILES, GRAPH_FORM_FIELDS = 1, 4  # what api/inputs.py allows a graph upload
INVENTORY_BODY = {
    "anyOf": [{"type": "object"}, {"type": "array"}],
    "description": f"An inventory document: the collector's file ({schema_file().name}, an object) or the JSON of "
    "one cmdlet export (an array, or one object).",
}
UPLOADED = "inventory.json"


def _graph_form_limits(form: FormData) -> None:
    """A graph upload keeps to its own limits (one file, four fields: api/inputs.py), which the form already
    parsed here for an inventory would otherwise skip (Starlette parses a request's form once)."""
    items = form.multi_items()
    files = sum(1 for _, value in items if isinstance(value, UploadFile))
    if files > GRAPH_FORM_FILES:
        raise HTTPException(400, f"Too many files. Maximum number of files is {GRAPH_FORM_FILES}.")
    if len(items) - files > GRAPH_FORM_FIELDS:
        raise HTTPException(400, f"Too many fields. Maximum number of fields is {GRAPH_FORM_FIELDS}.")


async def _form_sources(request: Request, settings: Settings) -> tuple[list[Source], list[Source]] | None:
    most = settings.max_inventory_files
    try:
        form = await request.form(max_files=most, max_fields=most + 4, max_part_size=settings.max_body_bytes)
    except HTTPException as error:
        if error.status_code == 400 and "Too many files" in str(error.detail):
            raise LimitExceededError(
                f"the upload holds more than {most} files, the limit (max_inventory_files)",
                limit="max_inventory_files",
                maximum=most,
            ) from None
        raise
    inventories = [u for u in form.getlist(INVENTORY_FIELD) if isinstance(u, UploadFile)]
    if not inventories:
        _graph_form_limits(form)
        return None
    if form.get(FILE_FIELD) is not None:
        raise InputError(f"the form holds both a graph ({FILE_FIELD!r}) and an inventory ({INVENTORY_FIELD!r}): "
                         "send one of them")
    overlays = [u for u in form.getlist(OVERLAY_FIELD) if isinstance(u, UploadFile)]

    async def source(upload: UploadFile, index: int, default: str) -> Source:
        data = await upload.read()
        await upload.close()
        return Source(upload.filename or f"{default}-{index}", data)

    return (
        [await source(u, i, "inventory") for i, u in enumerate(inventories, start=1)],
        [await source(u, i, "overlay") for i, u in enumerate(overlays, start=1)],
    )


async def read_inventory(request: Request, settings: Settings) -> tuple[list[Source], list[Source]] | None:
    """The inventory documents and overlays of the request, or None when it carries a graph instead."""
    media_type = media_type_of(request)
    if media_type == MEDIA_TYPE:
        data = await request.body()
        if not data.strip():
            raise InputError("the inventory is empty: the request carries no document")
        if data.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1] not in (b"{", b"["):
            raise InventoryError(f"{UPLOADED}: an {MEDIA_TYPE} body is a JSON object (the collector's document) "
                                 "or the JSON array of a cmdlet's export")
        return [Source(UPLOADED, data)], []
    if media_type == MULTIPART:
        return await _form_sources(request, settings)
    return None


@dataclass(frozen=True)
class Imported:
    """An import as a worker sends it back: the graph as N-Triples, and what the routes need to know of it."""

    ntriples: bytes
    triples: int
    warnings: int
    origins: dict[str, tuple[str, int | None]]

    def graph(self) -> list[ox.Triple]:
        return [quad.triple for quad in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)]


def import_task(sources: list[Source], overlays: list[Source]) -> Imported:
    """Run in a validation worker: the import, with its time limit and away from the event loop."""
    result = import_inventory(sources, overlays)
    located = {iri: (origin.file, origin.line) for iri, origin in result.origins.items()}
    return Imported(result.serialize(ox.RdfFormat.N_TRIPLES), len(result.triples), len(result.warnings), located)


async def import_request(request: Request, sources: list[Source], overlays: list[Source]) -> Imported:
    """The import in one of the service's validation workers, within parse_timeout_seconds and max_triples."""
    service = service_of(request)
    settings = service.settings
    seconds = settings.parse_timeout_seconds
    stages = {
        START_STAGE: Stage(seconds, "parse_timeout_seconds", f"importing the inventory took longer than {seconds:g} s "
                           "and was stopped")
    }
    imported: Imported = await service.validators.run(
        import_task, sources, overlays, stages=stages, wait=settings.validation_timeout_seconds
    )
    if imported.triples > settings.max_triples:
        raise LimitExceededError(
            f"the imported graph has {imported.triples} triples, more than the limit of {settings.max_triples} "
            "(max_triples)",
            limit="max_triples",
            maximum=settings.max_triples,
        )
    return imported


def as_graph_input(imported: Imported, sources: list[Source]) -> GraphInput:
    """The imported graph as an uploaded N-Triples document, named after the first inventory file."""
    return GraphInput(data=imported.ntriples, format=RdfFormat.N_TRIPLES, source=sources[0].name)


def origins(imported: Imported) -> dict[str, tuple[str, int | None]]:
    return imported.origins


async def read_inventory_graph(request: Request, settings: Settings) -> tuple[GraphInput, Imported] | None:
    """For routes that take a graph: an inventory in the request, imported; None when there is none."""
    found = await read_inventory(request, settings)
    if found is None:
        return None
    imported = await import_request(request, *found)
    return as_graph_input(imported, found[0]), imported


def inventory_example() -> dict:
    """The collector document of the 3-node cluster example, for the OpenAPI document (Swagger UI's "Try it")."""
    return json.loads((EXAMPLES / "inventory.json").read_text(encoding="utf-8"))


def with_inventory(extra: dict) -> dict:
    """A graph route's request body, plus the inventory forms: the collector's document as the raw body, or
    multipart with `inventory` files (any number) and `overlay` files."""
    extra = copy.deepcopy(extra)
    content = extra["requestBody"]["content"]
    content[MEDIA_TYPE] = {
        "schema": INVENTORY_BODY,
        "example": inventory_example(),
    }
    form = content[MULTIPART]["schema"]
    form.pop("required", None)
    form["anyOf"] = [{"required": [FILE_FIELD]}, {"required": [INVENTORY_FIELD]}]
    form["properties"][INVENTORY_FIELD] = {
        "type": "array",
        "items": {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"},
        "description": "Inventory documents (collector files, ConvertTo-Json or Export-Csv of the cmdlets), "
        "imported together as one environment; instead of `file`.",
    }
    form["properties"][OVERLAY_FIELD] = {
        "type": "array",
        "items": {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"},
        "description": "Overlays (TOML, or RDF against the importer's IRIs) applied to the inventory.",
    }
    extra["requestBody"]["description"] += (
        f" Or an inventory: the collector's document as {MEDIA_TYPE}, or `inventory` and `overlay` files in "
        "multipart/form-data (docs/import.md)."
    )
    return extra


async def graph_or_inventory(request: Request, settings: Settings, format_label: str | None) -> GraphInput:
    """The request's graph: an inventory imported, or else an RDF document as api.inputs reads it."""
    found = await read_inventory_graph(request, settings)
    return found[0] if found is not None else await read_graph(request, settings, format_label)
