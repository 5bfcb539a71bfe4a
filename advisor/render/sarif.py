"""SARIF 2.1.0: the reports' rule catalog as tool.driver.rules, each finding a result located in its input file.

A result points at the input file and, where the focus node's IRI (or its prefixed name under a
prefix the file declares) is written in the file, at the line and columns where the resource is
described. The text comes only from the `source_text(s)` option: a renderer never opens a file, and
report.source is a name, never read. The artifact URI is report.source_uri where the input has one
(a stored environment's API URL), else a URI reference made from the name.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from advisor import __version__
from advisor.loading import EXTENSIONS
from advisor.render.common import PRODUCT, InputError, catalog_of, file_label
from advisor.render.explanation import BRIEF, Kind, Part, parts
from advisor.render.locate import SourceIndex
from advisor.report import Finding, Report, Rule, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "hvAdvisorFinding/v1"


def _pascal(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title)) or "Rule"


def _help_paragraph(part: Part) -> str:
    if part.kind is Kind.WHY:
        return part.text
    if part.kind is Kind.PAPER:
        return f"> “{part.text}”" + (f" — *{part.section}*" if part.section else "")
    if part.kind is Kind.REFERENCES:
        return f"{part.label}: " + ", ".join(f"<{reference}>" for reference in part.references)
    return f"**{part.label}:** {part.text}"


def _help_markdown(rule: Rule) -> str:
    heading = f"**{rule.title}** ({rule.category}, {rule.severity.value})"
    return "\n\n".join([heading, *(_help_paragraph(part) for part in parts(rule.explanation(), BRIEF))])


def sarif_rule(rule: Rule) -> dict:
    """One reportingDescriptor of tool.driver.rules, read from the catalog."""
    descriptor: dict = {
        "id": rule.id,
        "name": _pascal(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale or rule.title},
        "help": {"text": f"{rule.remediation}\n\n{BRIEF.why}: {rule.rationale}", "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "category": rule.category,
            "tags": [rule.category_id or rule.category],
            "shape": rule.shape,
        },
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    if rule.section:
        descriptor["properties"]["paperSection"] = rule.section
    if rule.quotation:
        descriptor["properties"]["quotation"] = rule.quotation
    return descriptor


def artifact_uri(source: str) -> str:
    """A URI reference for an input path: file:// for an absolute path, else the relative path (computed from
    the name alone: nothing is opened or resolved)."""
    path = Path(source)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _media_type(report: Report) -> str | None:
    if report.source_uri is not None:
        return report.source_media_type
    fmt = EXTENSIONS.get(Path(report.source or "").suffix.lower())
    return fmt.media_type if fmt is not None else None


def _artifact_uri(report: Report) -> str | None:
    if report.source_uri is not None:
        return report.source_uri
    return artifact_uri(report.source) if report.source else None


def _fingerprint(finding: Finding) -> str:
    return hashlib.sha256(f"{finding.rule_id}\n{finding.focus_node}".encode()).hexdigest()


def _origin(report: Report, finding: Finding, artifacts: list[dict]) -> tuple[int, str, int | None] | None:
    """Where an imported inventory described the focus node: (artifact index, URI, line), adding the artifact."""
    origin = report.origins.get(finding.focus_node)
    if origin is None:
        return None
    uri = artifact_uri(origin[0])
    known = next((i for i, a in enumerate(artifacts) if a["location"]["uri"] == uri), None)
    if known is None:
        artifacts.append({"location": {"uri": uri}})
        known = len(artifacts) - 1
    return known, uri, origin[1]


def _result(
    finding: Finding,
    rule_index: dict[str, int],
    artifact: int | None,
    uri: str | None,
    index: SourceIndex | None,
    origin: tuple[int, str, int | None] | None = None,
) -> dict:
    logical = {"name": finding.focus_label, "fullyQualifiedName": finding.focus_node, "kind": "resource"}
    location: dict = {"logicalLocations": [logical]}
    if origin is not None:  # an imported object: the inventory file and the line of its object
        physical_origin: dict = {"artifactLocation": {"uri": origin[1], "index": origin[0]}}
        if origin[2] is not None:
            physical_origin["region"] = {"startLine": origin[2]}
        location["physicalLocation"] = physical_origin
    elif uri is not None:
        physical: dict = {"artifactLocation": {"uri": uri, "index": artifact}}
        position = index.find(finding.focus_node) if index is not None else None
        if position is not None:
            physical["region"] = {
                "startLine": position.line,
                "startColumn": position.column,
                "endColumn": position.end_column,
            }
        location["physicalLocation"] = physical
    properties: dict = {"category": finding.category, "focusNode": finding.focus_node}
    if finding.path:
        properties["path"] = finding.path
    if finding.value is not None:
        properties["value"] = finding.value
    result: dict = {
        "ruleId": finding.rule_id,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message or finding.explanation.title},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding)},
        "properties": properties,
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if finding.waiver is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "rejected" if finding.waiver.expired else "accepted",
                "justification": f"{finding.waiver.reason} (accepted by {finding.waiver.accepted_by}, "
                f"until {finding.waiver.expires.isoformat()})",
            }
        ]
    return result


def sarif_log(
    reports: Sequence[Report],
    source_texts: dict[str, str] | None = None,
    input_errors: Sequence[InputError] = (),
) -> dict:
    """One run holding the results of every report, with one artifact per input file; an input that produced
    no report is an artifact with an error notification that points at it (and the line, when known)."""
    rules = catalog_of(reports)
    rule_index = {rule_id: i for i, rule_id in enumerate(rules)}
    artifacts: list[dict] = []
    results: list[dict] = []
    notifications: list[dict] = []
    for report in reports:
        uri = _artifact_uri(report)
        artifact = None
        index = None
        if uri is not None:
            artifact = len(artifacts)
            entry: dict = {"location": {"uri": uri}}
            media_type = _media_type(report)
            if media_type:
                entry["mimeType"] = media_type
            artifacts.append(entry)
            text = (source_texts or {}).get(report.source or "")
            index = SourceIndex(text) if text is not None else None
        results += [
            _result(f, rule_index, artifact, uri, index, _origin(report, f, artifacts)) for f in report.findings
        ]
        for error in report.errors:
            notification: dict = {
                "level": "error",
                "message": {"text": f"{file_label(report)}: rule {error.rule_id} could not run: {error.message}"},
                "descriptor": {"id": error.rule_id},
            }
            if error.rule_id in rule_index:
                notification["associatedRule"] = {"id": error.rule_id, "index": rule_index[error.rule_id]}
            notifications.append(notification)
    for failed in input_errors:
        uri = artifact_uri(failed.file)
        artifacts.append({"location": {"uri": uri}})
        location: dict = {"artifactLocation": {"uri": uri, "index": len(artifacts) - 1}}
        if failed.line is not None:
            location["region"] = {"startLine": failed.line}
            if failed.column is not None:
                location["region"]["startColumn"] = failed.column
        notifications.append({
            "level": "error",
            "message": {"text": f"{failed.file}: not validated: {failed.message}"},
            "descriptor": {"id": failed.code},
            "locations": [{"physicalLocation": location}],
        })
    run: dict = {
        "tool": {
            "driver": {
                "name": PRODUCT,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [sarif_rule(rule) for rule in rules.values()],
            }
        },
        "invocations": [{"executionSuccessful": not input_errors, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if artifacts:
        run["artifacts"] = artifacts
    if reports:
        run["properties"] = {
            "asOf": sorted({r.as_of.isoformat() for r in reports}),
            "engine": sorted({r.engine for r in reports}),
            "score": [r.score for r in reports],  # the posture score of each report, in the order of the inputs
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif_many(
    reports: Sequence[Report],
    *,
    source_texts: dict[str, str] | None = None,
    input_errors: Sequence[InputError] = (),
) -> bytes:
    log = sarif_log(reports, source_texts, input_errors)
    return (json.dumps(log, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_sarif(report: Report, *, source_text: str | None = None) -> bytes:
    texts = {report.source or "": source_text} if source_text is not None else None
    return render_sarif_many([report], source_texts=texts)
