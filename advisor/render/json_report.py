"""The JSON report, written fast: byte for byte `json.dumps(report.contract(), indent=2, ensure_ascii=False)`.

`json.dumps` with an indent runs the pure-Python encoder, and `Report.contract()` dumps every finding through
pydantic: at 50k VMs (tens of MB) that takes seconds. Here each finding, blast radius entry and resource is
written straight from its model's fields in the models' key order, strings through the same C escaping
function `json.dumps` uses, and each distinct explanation (every finding of a rule repeats its rule's) is
written once and its text reused. Should a model's fields differ from the ones this module knows, its objects
are dumped through pydantic instead (same bytes, the old speed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring  # the C function json.dumps escapes strings with (ensure_ascii=False)
from typing import Any

from pydantic import BaseModel

from advisor.report import BlastRadius, Explanation, Finding, Report, Resource, Severity, Source, Waiver

_INDENT = "  "
_SEVERITY = {severity: encode_basestring(severity.value) for severity in Severity}

# The serialized fields of each model, in order, with their annotations: what the writers below assume.
_KNOWN_FIELDS: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {
    Finding: (
        ("rule_id", "<class 'str'>"),
        ("severity", "<enum 'Severity'>"),
        ("category", "<class 'str'>"),
        ("focus_node", "<class 'str'>"),
        ("focus_label", "<class 'str'>"),
        ("message", "<class 'str'>"),
        ("explanation", "<class 'advisor.report.Explanation'>"),
        ("path", "str | None"),
        ("value", "str | None"),
        ("waiver", "advisor.report.Waiver | None"),
    ),
    Explanation: (
        ("title", "<class 'str'>"),
        ("rationale", "<class 'str'>"),
        ("source", "<class 'advisor.report.Source'>"),
        ("impact", "<class 'str'>"),
        ("remediation", "<class 'str'>"),
    ),
    Source: (("section", "str | None"), ("quotation", "str | None"), ("references", "list[str]")),
    Waiver: (
        ("reason", "<class 'str'>"),
        ("accepted_by", "<class 'str'>"),
        ("expires", "<class 'datetime.date'>"),
        ("expired", "<class 'bool'>"),
    ),
    BlastRadius: (
        ("kind", "<class 'str'>"),
        ("iri", "<class 'str'>"),
        ("label", "<class 'str'>"),
        ("unrecoverable_count", "<class 'int'>"),
        ("unrecoverable", "list[advisor.report.Resource]"),
    ),
    Resource: (("iri", "<class 'str'>"), ("label", "<class 'str'>")),
}


def _serialized_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(info.annotation)) for name, info in model.model_fields.items() if not info.exclude)


def _custom_serializers(model: type[BaseModel]) -> bool:
    decorators = model.__pydantic_decorators__
    return bool(decorators.field_serializers or decorators.model_serializers)


def models_match() -> bool:
    """Whether every model's serialized fields are the ones the fast writers know (else pydantic dumps them)."""
    return all(
        _serialized_fields(model) == fields and not _custom_serializers(model)
        for model, fields in _KNOWN_FIELDS.items()
    )


FAST = models_match()


def _indented(value: Any, prefix: str) -> str:
    """`value` as json.dumps writes it nested at `prefix` (its lines after the first indented by it)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)


def _optional(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


class _Writer:
    """Writes reports nested at `prefix` (their top-level keys at prefix + indent) as UTF-8 pieces into `out`.

    Text is encoded piece by piece, so that the mostly ASCII bulk encodes as a copy while the explanations
    (the non-ASCII part) are encoded once each."""

    def __init__(self, prefix: str, out: list[bytes]) -> None:
        self.prefix = prefix
        self.out = out
        self.explanations: dict[tuple, bytes] = {}  # an explanation's fields -> its text, nested in a finding

    def emit(self, text: str) -> None:
        self.out.append(text.encode("utf-8"))

    def report(self, report: Report, file: bool) -> None:
        """One report's members in the order of Report.contract() (`file`: its source first, as in a batch)."""
        inner = "\n" + self.prefix + _INDENT
        head = [f'"file": {_indented(report.source, inner[1:])}'] if file else []
        head += [
            f'"conforms": {_indented(report.conforms, inner[1:])}',
            f'"score": {_indented(report.score, inner[1:])}',
            f'"systems": {_indented(report.systems, inner[1:])}',
        ]
        self.emit("{" + inner + ("," + inner).join(head) + "," + inner + '"findings": ')
        self.sequence(report.findings, self.finding)
        if report.errors:
            self.emit(
                "," + inner + '"errors": ' + _indented([e.model_dump(mode="json") for e in report.errors], inner[1:])
            )
        if report.blast_radius is not None:
            self.emit("," + inner + '"blast_radius": ')
            self.sequence(report.blast_radius, self.blast_entry)
        self.emit("\n" + self.prefix + "}")

    def sequence(self, items: Sequence[Any], write: Callable[[Any, str], None]) -> None:
        """A list of the report's top level: each item written by `write(item, separator)` (by pydantic when
        the models are not the known ones)."""
        if not items:
            self.emit("[]")
            return
        item_prefix = self.prefix + _INDENT * 2
        if not FAST:
            write = self.dumped
        separator = "[\n" + item_prefix
        for item in items:
            write(item, separator)
            separator = ",\n" + item_prefix
        self.emit("\n" + self.prefix + _INDENT + "]")

    def dumped(self, model: BaseModel, separator: str) -> None:
        self.emit(separator + _indented(model.model_dump(mode="json"), self.prefix + _INDENT * 2))

    def finding(self, f: Finding, separator: str) -> None:
        i = "\n" + self.prefix + _INDENT * 3  # report > findings > finding > its keys
        self.emit(
            f'{separator}{{{i}"rule_id": {encode_basestring(f.rule_id)},{i}"severity": {_SEVERITY[f.severity]},'
            f'{i}"category": {encode_basestring(f.category)},{i}"focus_node": {encode_basestring(f.focus_node)},'
            f'{i}"focus_label": {encode_basestring(f.focus_label)},{i}"message": {encode_basestring(f.message)},'
            f'{i}"explanation": '
        )
        self.out.append(self.explanation(f.explanation))
        self.emit(
            f',{i}"path": {_optional(f.path)},{i}"value": {_optional(f.value)},{i}"waiver": {self.waiver(f.waiver)}'
            f"\n{self.prefix}{_INDENT * 2}}}"
        )

    def explanation(self, e: Explanation) -> bytes:
        source = e.source
        key = (
            e.title,
            e.rationale,
            source.section,
            source.quotation,
            tuple(source.references),
            e.impact,
            e.remediation,
        )
        text = self.explanations.get(key)
        if text is None:
            explanation = {
                "title": e.title,
                "rationale": e.rationale,
                "source": {
                    "section": source.section,
                    "quotation": source.quotation,
                    "references": list(source.references),
                },
                "impact": e.impact,
                "remediation": e.remediation,
            }
            text = self.explanations[key] = _indented(explanation, self.prefix + _INDENT * 3).encode("utf-8")
        return text

    def waiver(self, w: Waiver | None) -> str:
        if w is None:
            return "null"
        waiver = {
            "reason": w.reason,
            "accepted_by": w.accepted_by,
            "expires": w.expires.isoformat(),
            "expired": w.expired,
        }
        return _indented(waiver, self.prefix + _INDENT * 3)

    def blast_entry(self, b: BlastRadius, separator: str) -> None:
        i = "\n" + self.prefix + _INDENT * 3  # report > blast_radius > entry > its keys
        self.emit(
            f'{separator}{{{i}"kind": {encode_basestring(b.kind)},{i}"iri": {encode_basestring(b.iri)},'
            f'{i}"label": {encode_basestring(b.label)},{i}"unrecoverable_count": {int.__repr__(b.unrecoverable_count)},'
            f'{i}"unrecoverable": {self.resources(b.unrecoverable)}\n{self.prefix}{_INDENT * 2}}}'
        )

    def resources(self, resources: Sequence[Resource]) -> str:
        """A blast radius entry's list of resources (report > blast_radius > entry > unrecoverable)."""
        if not resources:
            return "[]"
        item = "\n" + self.prefix + _INDENT * 4
        i = item + _INDENT  # a resource's keys
        texts = [
            f'{{{i}"iri": {encode_basestring(r.iri)},{i}"label": {encode_basestring(r.label)}{item}}}'
            for r in resources
        ]
        return f"[{item}{(',' + item).join(texts)}\n{self.prefix}{_INDENT * 3}]"


def render_json(report: Report) -> bytes:
    """One report: `json.dumps(report.contract(), indent=2, ensure_ascii=False) + "\\n"` as UTF-8."""
    out: list[bytes] = []
    _Writer("", out).report(report, file=False)
    out.append(b"\n")
    return b"".join(out)


def render_json_many(reports: Sequence[Report]) -> bytes:
    """Reports of a batch: the list of `{"file": source, **contract}`, as json.dumps writes it, as UTF-8."""
    if not reports:
        return b"[]\n"
    out: list[bytes] = []
    writer = _Writer(_INDENT, out)  # one writer: explanations are shared across the batch's reports
    separator = b"[\n" + _INDENT.encode()
    for report in reports:
        out.append(separator)
        writer.report(report, file=True)
        separator = b",\n" + _INDENT.encode()
    out.append(b"\n]\n")
    return b"".join(out)
