"""The graph an import builds: triples of the public vocabulary, provenance, warnings, and where each
object was read (file and line), kept apart from the triples for reports that point into the input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox

from advisor.importers import iris
from advisor.importers.tables import warning_kinds
from advisor.namespaces import HV_IRI, HVS_IRI, RDF_IRI, RDFS_IRI, XSD_IRI

PROV_IRI = "http://www.w3.org/ns/prov#"
RDF_TYPE = RDF_IRI + "type"
LABEL = RDFS_IRI + "label"


@dataclass(frozen=True)
class Where:
    """An object in an input document, for messages: 'exports/vms.json, line 12, VM SQL01'."""

    file: str
    line: int | None = None
    noun: str = ""
    name: str | None = None
    index: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line:
            parts.append(f"line {self.line}")
        if self.noun:
            what = f"{self.noun} {self.name!r}" if self.name else f"{self.noun} (object {self.index})"
            parts.append(what)
        return ", ".join(parts)


@dataclass(frozen=True)
class InventoryWarning:
    """Something the import could not read, or could not resolve; becomes an IMP-00N finding."""

    kind: str  # a key of mappings/warnings.toml
    where: Where
    subject: str | None  # the IRI of the object concerned, if known when the warning is made
    fields: dict[str, str] = field(default_factory=dict)
    owner: object = None  # the record warned about: the IRI it becomes later, as its `about`

    @property
    def about(self) -> str | None:
        """The IRI of the object concerned; None when it is about the document (no object was made)."""
        return self.subject or getattr(self.owner, "about", None)

    @property
    def rule_id(self) -> str:
        return warning_kinds()[self.kind]["rule"]

    @property
    def text(self) -> str:
        return warning_kinds()[self.kind]["text"].format(where=self.where, **self.fields)


@dataclass(frozen=True)
class Origin:
    """Where an imported object was read."""

    file: str
    line: int | None


def literal(value: object) -> ox.Literal:
    """A typed literal for a Python value (bool, int, float, date, datetime, str)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD_IRI + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD_IRI + "integer"))
    if isinstance(value, float):
        return ox.Literal(format(round(value, 2), "f").rstrip("0").rstrip(".") or "0",
                          datatype=ox.NamedNode(XSD_IRI + "decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(XSD_IRI + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD_IRI + "date"))
    return ox.Literal(str(value))


class GraphBuilder:
    """Collects the import's triples (without duplicates, in insertion order), origins and warnings."""

    def __init__(self) -> None:
        self._triples: dict[ox.Triple, None] = {}
        self.origins: dict[str, Origin] = {}
        self.warnings: list[InventoryWarning] = []
        self.labels: dict[str, str] = {}

    def add(self, subject: str, predicate: str, obj: str | ox.Literal | object) -> None:
        """One triple; `predicate` is an hv: local name or a full IRI; `obj` an IRI string (urn:, http...),
        an hv: individual as 'hv:Name', or a literal value."""
        if isinstance(obj, str) and obj.startswith("hv:"):
            node: ox.NamedNode | ox.Literal = ox.NamedNode(HV_IRI + obj[3:])
        elif isinstance(obj, str) and obj.startswith((iris.PREFIX, "http://", "https://")):
            node = ox.NamedNode(obj)
        elif isinstance(obj, ox.Literal):
            node = obj
        else:
            node = literal(obj)
        full = ":" in predicate and not predicate.startswith("hv:")
        iri = predicate if full else HV_IRI + predicate.removeprefix("hv:")
        self._triples[ox.Triple(ox.NamedNode(subject), ox.NamedNode(iri), node)] = None

    def add_triple(self, triple: ox.Triple) -> None:
        self._triples[triple] = None

    def node(self, iri: str, cls: str, label: str | None, origin: Origin | None = None) -> str:
        """Declare a resource: its class (hv: local name), its label (the first given wins), its origin."""
        self.add(iri, RDF_TYPE, f"hv:{cls}")
        if label and iri not in self.labels:
            self.labels[iri] = label
            self.add(iri, LABEL, label)
        if origin is not None and iri not in self.origins:
            self.origins[iri] = origin
            self.add(iri, PROV_IRI + "wasDerivedFrom", iris.source(origin.file))
        return iri

    def warn(self, kind: str, where: Where, about: str | None = None, owner: object = None, **fields: str) -> None:
        self.warnings.append(InventoryWarning(kind, where, about, fields, owner))

    def source(self, name: str, collected_at: dt.datetime | None, producer: str | None) -> str:
        """Provenance of one input document: its name, when it was collected, what produced it."""
        iri = iris.source(name)
        self.origins.setdefault(iri, Origin(name, None))
        self.add(iri, RDF_TYPE, PROV_IRI + "Entity")
        self.add(iri, LABEL, name)
        if collected_at is not None:
            self.add(iri, PROV_IRI + "generatedAtTime", collected_at)
        if producer:
            self.add(iri, HVS_IRI + "producedBy", producer)
        return iri

    def warnings_as_triples(self) -> None:
        """Each warning as an hvs:ImportWarning node attached to the object it is about, for the IMP rules."""
        counters: dict[str, int] = {}
        for warning in self.warnings:
            source_iri = iris.source(warning.where.file)
            counters[source_iri] = counters.get(source_iri, 0) + 1
            node = iris.warning(source_iri, counters[source_iri])
            about = warning.about or source_iri
            if warning.about is None:
                self.source(warning.where.file, None, None)
            self.add(about, HVS_IRI + "importWarning", node)
            self.add(node, RDF_TYPE, HVS_IRI + "ImportWarning")
            self.add(node, HVS_IRI + "warningRule", warning.rule_id)
            self.add(node, HVS_IRI + "warningText", warning.text)
            self.add(node, HVS_IRI + "inSource", source_iri)

    def triples(self) -> list[ox.Triple]:
        return list(self._triples)
