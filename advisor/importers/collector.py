"""The collector's own format: one versioned JSON document (schema/inventory-<version>.schema.json).

A document that breaks the schema is refused with the schema's own message, the JSON path and the line
of the object at fault; a schema version the importer does not know is refused before that. The
sections hold the same projections as the cmdlets (same property names, enum names, ISO dates), so they
become the same records as raw exports; the collector's own warnings become IMP-004 findings.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

from advisor.importers.documents import InventoryError, Source, parse_json
from advisor.importers.graph import Where
from advisor.importers.hyperv import Estate
from advisor.importers.reading import Reading
from advisor.importers.records import Record, parse_datetime
from advisor.importers.tables import kinds

FORMAT = "hv-advisor-inventory"
SCHEMA_VERSIONS = (1,)
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
MEDIA_TYPE = "application/vnd.hv-advisor.inventory+json"


def schema_file(version: int = SCHEMA_VERSIONS[-1]) -> Path:
    return SCHEMA_DIR / f"inventory-{version}.schema.json"


@cache
def validator(version: int) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_file(version).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def recognises(source: Source, text: str) -> bool:
    head = text.lstrip()[:2048]
    return head.startswith("{") and f'"{FORMAT}"' in head


def _line_of(document: object, path: list) -> int | None:
    """The line of the innermost object on the JSON path (objects remember where they start)."""
    line = getattr(document, "line", None)
    node = document
    for step in path:
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line


def _pointer(path: list) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path) or "(the document)"


def check(source: Source, document: object) -> int:
    """The document's schema version, once the document is known to follow that version's schema."""
    if not isinstance(document, dict):
        raise InventoryError(f"{source.name}: a collector document is a JSON object")
    version = document.get("schemaVersion")
    if version not in SCHEMA_VERSIONS:
        known = ", ".join(map(str, SCHEMA_VERSIONS))
        raise InventoryError(
            f"{source.name}: collector schema version {version!r} is not one this advisor reads ({known}); "
            "use a collector of the same release as the advisor, or upgrade the advisor",
            line=getattr(document, "line", None),
        )
    error = jsonschema.exceptions.best_match(validator(version).iter_errors(document))
    if error is not None:
        path = list(error.absolute_path)
        line = _line_of(document, path)
        where = f"{source.name}, line {line}" if line else source.name
        raise InventoryError(
            f"{where}: {_pointer(path)} breaks the collector schema (inventory-{version}.schema.json): {error.message}",
            line=line,
        )
    return version


def read(source: Source, text: str, reading: Reading) -> None:
    document = parse_json(source, text)
    check(source, document)
    assert isinstance(document, dict)
    collector = document["collector"]
    try:
        collected = parse_datetime(document["collectedAt"])
    except ValueError:
        shown = document["collectedAt"]
        raise InventoryError(f"{source.name}: collectedAt {shown!r} is not an ISO 8601 date") from None
    source_iri = reading.builder.source(source.name, collected, f"{collector['name']} {collector['version']}")
    records = []
    for kind in kinds():
        for index, item in enumerate(document.get(kind.section, []), start=1):
            where = Where(source.name, getattr(item, "line", None), kind.noun, None, index)
            records.append(Record.make(kind, item, where, reading.builder))
    reading.add_records(records)
    for warning in document.get("warnings", []):
        section = f" ({warning['section']})" if warning.get("section") else ""
        reading.builder.warn("collector", Where(source.name, getattr(warning, "line", None)), source_iri,
                             detail=f"{warning['message']}{section}")
    for product, section in document.get("backup", {}).items():
        reading.backup.append((product, section, source.name))


def build_backup(reading: Reading, estate: Estate) -> None:
    """The backup products' sections, after the Hyper-V estate (their jobs protect its VMs and hosts)."""
    from advisor.importers.backup import READERS

    for product, section, name in reading.backup:
        READERS[product](estate, section, name)
