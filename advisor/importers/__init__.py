"""Importers: inventory documents (the collector's file, raw cmdlet exports) -> triples of the hv: vocabulary.

One registry, like the renderers': each importer says whether it recognises a document by its content
and reads it into the shared `Reading`. `import_inventory` reads every document first and only then
assembles the graph, so an error in any document leaves nothing half-imported. Import warnings (what
could not be read or resolved) are kept with the result and, as hvs:ImportWarning nodes, in the graph,
where the IMP rules turn them into findings of every report format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from advisor.errors import InputError
from advisor.importers import cmdlets, collector
from advisor.importers.documents import InventoryError, Source, decode
from advisor.importers.graph import InventoryWarning, Origin
from advisor.importers.hyperv import build_estate
from advisor.importers.reading import Reading


@dataclass(frozen=True)
class Importer:
    name: str
    description: str
    recognises: Callable[[Source, str], bool]
    read: Callable[[Source, str, Reading], None]


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.name] = importer


register(Importer("collector", "the collector's inventory document (collector/Collect-HvInventory.ps1)",
                  collector.recognises, collector.read))
register(Importer("powershell-json", "ConvertTo-Json of Hyper-V and failover-cluster cmdlets (5.1 and 7)",
                  cmdlets.recognises_json, cmdlets.read_json))
register(Importer("powershell-csv", "Export-Csv of Get-VM and Get-VMSnapshot", cmdlets.recognises_csv,
                  cmdlets.read_csv))


@dataclass(frozen=True)
class ImportResult:
    """The graph of an import, its warnings, and where each object was read."""

    triples: list[ox.Triple]
    warnings: list[InventoryWarning]
    origins: dict[str, Origin]
    labels: dict[str, str]

    def serialize(self, fmt: ox.RdfFormat) -> bytes:
        prefixes = {"hv": "https://w3id.org/hv-advisor/ontology#", "hvs": "https://w3id.org/hv-advisor/shapes#",
                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "prov": "http://www.w3.org/ns/prov#",
                    "xsd": "http://www.w3.org/2001/XMLSchema#"}
        options = {"prefixes": prefixes} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else {}
        return ox.serialize(self.triples, format=fmt, **options)


def importer_for(source: Source, text: str) -> Importer:
    for importer in IMPORTERS.values():
        if importer.recognises(source, text):
            return importer
    raise InventoryError(
        f"{source.name}: unknown document kind: neither JSON (ConvertTo-Json or the collector format) nor CSV "
        "(Export-Csv)"
    )


def is_inventory(source: Source) -> bool:
    """Whether a document is an inventory rather than an RDF graph: empty, `null`, CSV, or JSON without @context."""
    try:
        text = decode(source)
    except InputError:  # not text the importers read: left to the RDF loader, which says why
        return False
    stripped = text.lstrip()
    if not stripped or cmdlets.is_null_document(stripped):
        return True
    if stripped[0] in "{[":
        head = stripped[:4096]
        return '"@context"' not in head and '"@graph"' not in head and '"@id"' not in head
    return cmdlets.recognises_csv(source, text)


def read_into(reading: Reading, sources: Sequence[Source]) -> None:
    for source in sources:
        text = decode(source)
        if not text.strip():  # a cmdlet that returned nothing writes an empty file
            reading.builder.source(source.name, None, None)
            continue
        importer_for(source, text).read(source, text, reading)


def import_inventory(sources: Sequence[Source], overlays: Sequence[Source] = ()) -> ImportResult:
    """Every document read, then assembled into one graph; raises InventoryError (nothing imported)."""
    reading = Reading()
    read_into(reading, sources)
    estate = build_estate(reading.records, reading.builder)
    collector.build_backup(reading, estate)
    if overlays:
        from advisor.importers.overlay import apply_overlays

        apply_overlays(reading.builder, overlays)
    builder = reading.builder
    builder.warnings_as_triples()
    return ImportResult(builder.triples(), list(builder.warnings), dict(builder.origins), dict(builder.labels))


__all__ = ["IMPORTERS", "ImportResult", "Importer", "InventoryError", "Source", "import_inventory", "is_inventory"]
