"""Helpers for the importer tests: the fixture folders (tests/importers/data/) and reading the graph back."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from advisor.importers import ImportResult, Source, import_inventory

DATA = Path(__file__).resolve().parent / "data"
HV = "https://w3id.org/hv-advisor/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SQL01 = "urn:hv-advisor:vm:11111111-aaaa-4bbb-8ccc-000000000001@hvclu01"
WEB01 = "urn:hv-advisor:vm:22222222-aaaa-4bbb-8ccc-000000000002@hvclu01"
APP01 = "urn:hv-advisor:vm:33333333-aaaa-4bbb-8ccc-000000000003@hv03"
APP01_DR = "urn:hv-advisor:vm:44444444-aaaa-4bbb-8ccc-000000000004@hvdr01"


def sources(folder: Path, replace: dict[str, Path] | None = None) -> list[Source]:
    """Every file of a fixture folder, by name; `replace` swaps files (by name) for others."""
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}
    files.update(replace or {})
    return [Source(name, path.read_bytes()) for name, path in sorted(files.items())]


def import_folder(folder: Path, **options) -> ImportResult:
    return import_inventory(sources(folder), **options)


def import_texts(*documents: tuple[str, str | bytes | object]) -> ImportResult:
    """Documents given inline as (name, body): text, bytes, or a value written as JSON."""
    items = []
    for name, body in documents:
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body, indent=2)
        items.append(Source(name, body if isinstance(body, bytes) else body.encode("utf-8")))
    return import_inventory(items)


def triples(result: ImportResult) -> set[str]:
    return {str(t) for t in result.triples}


def objects(result: ImportResult, subject: str, predicate: str) -> list[str]:
    """Objects of (subject, hv:predicate or full IRI): IRIs as strings, literals by their value."""
    iri = predicate if ":" in predicate and not predicate.startswith("hv:") else HV + predicate.removeprefix("hv:")
    found = []
    for triple in result.triples:
        if triple.subject.value == subject and triple.predicate.value == iri:
            found.append(triple.object.value)
    return sorted(found)


def subjects_of_type(result: ImportResult, cls: str) -> list[str]:
    typed = (t for t in result.triples if t.predicate.value == RDF_TYPE and t.object.value == HV + cls)
    return sorted(t.subject.value for t in typed)


def turtle(result: ImportResult) -> str:
    return result.serialize(ox.RdfFormat.TURTLE).decode("utf-8")
