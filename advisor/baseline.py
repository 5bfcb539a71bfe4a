"""Baselines for CI: the findings of an earlier run (its JSON or SARIF report), so only new ones fail a build.

A finding's identity is its rule id and focus node: a finding whose message changed since the baseline is
still the same finding. The baseline file is read as JSON only (never resolved, never fetched), with the
size limit of the command's other inputs (--max-bytes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from advisor.batch import FileResult
from advisor.encoding import decode_text
from advisor.errors import InputError
from advisor.loading import SizeLimit
from advisor.report import Finding, Severity

Key = tuple[str, str]  # (rule id, focus node)
SARIF_LEVELS = {"error": Severity.VIOLATION, "warning": Severity.WARNING, "note": Severity.INFO}


def key(finding: Finding) -> Key:
    return finding.rule_id, finding.focus_node


@dataclass(frozen=True)
class BaselineFinding:
    """What a baseline keeps of one earlier finding: enough to report it as fixed."""

    rule_id: str
    focus_node: str
    focus_label: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Baseline:
    source: str
    findings: dict[Key, BaselineFinding]

    def __contains__(self, finding: Finding) -> bool:
        return key(finding) in self.findings

    def new(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if key(f) not in self.findings]

    def absent(self, findings: Iterable[Finding]) -> list[BaselineFinding]:
        """The baseline's findings that no longer occur: fixed (or their resource is gone)."""
        present = {key(f) for f in findings}
        return [b for k, b in sorted(self.findings.items()) if k not in present]


def _fail(source: str, where: str, problem: str) -> InputError:
    return InputError(f"{source}: {where or 'the report'}: {problem}; expected the JSON or SARIF report of a run")


def _text(value: object, source: str, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(source, where, "not a non-empty string")
    return value


def _from_report(item: dict, source: str, where: str) -> list[BaselineFinding]:
    findings = item.get("findings")
    if not isinstance(findings, list):
        raise _fail(source, where, "no \"findings\" list")
    read = []
    for index, finding in enumerate(findings):
        at = f"{where}findings[{index}]"
        if not isinstance(finding, dict):
            raise _fail(source, at, "not an object")
        severity = finding.get("severity")
        if severity not in {s.value for s in Severity}:
            raise _fail(source, f"{at}.severity", f"{severity!r} is not violation, warning or info")
        if isinstance(finding.get("waiver"), dict) and not finding["waiver"].get("expired", False):
            continue  # waived then: not a finding that counted
        focus = _text(finding.get("focus_node"), source, f"{at}.focus_node")
        read.append(
            BaselineFinding(
                _text(finding.get("rule_id"), source, f"{at}.rule_id"),
                focus,
                str(finding.get("focus_label") or focus),
                Severity(severity),
                str(finding.get("message") or ""),
            )
        )
    return read


def _from_sarif(log: dict, source: str) -> list[BaselineFinding]:
    runs = log.get("runs")
    if not isinstance(runs, list):
        raise _fail(source, "runs", "not a list")
    read = []
    for r, run in enumerate(runs):
        results = run.get("results", []) if isinstance(run, dict) else None
        if not isinstance(results, list):
            raise _fail(source, f"runs[{r}].results", "not a list")
        for i, result in enumerate(results):
            at = f"runs[{r}].results[{i}]"
            if not isinstance(result, dict):
                raise _fail(source, at, "not an object")
            if result.get("baselineState") == "absent":
                continue  # already fixed in that run
            if any(s.get("status") == "accepted" for s in result.get("suppressions", []) if isinstance(s, dict)):
                continue
            properties = result.get("properties") if isinstance(result.get("properties"), dict) else {}
            logical = (result.get("locations") or [{}])[0].get("logicalLocations") or [{}]
            focus = properties.get("focusNode") or logical[0].get("fullyQualifiedName")
            message = result.get("message") if isinstance(result.get("message"), dict) else {}
            read.append(
                BaselineFinding(
                    _text(result.get("ruleId"), source, f"{at}.ruleId"),
                    _text(focus, source, f"{at}.properties.focusNode"),
                    str(logical[0].get("name") or focus),
                    SARIF_LEVELS.get(str(result.get("level", "warning")), Severity.WARNING),
                    str(message.get("text") or ""),
                )
            )
    return read


def parse_baseline(data: bytes, source: str) -> Baseline:
    """A baseline from the bytes of a JSON report (one, or a batch's list) or a SARIF log."""
    try:
        document = json.loads(decode_text(data, source=f"{source}: the file"))
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source}: not JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            line=error.lineno,
            column=error.colno,
        ) from None
    if isinstance(document, dict) and "runs" in document:
        found = _from_sarif(document, source)
    elif isinstance(document, dict):
        found = _from_report(document, source, "")
    elif isinstance(document, list):
        found = []
        for index, item in enumerate(document):
            if not isinstance(item, dict):
                raise _fail(source, f"[{index}]", "not an object")
            if "error" in item and "findings" not in item:
                continue  # a file the earlier run could not validate
            found += _from_report(item, source, f"[{index}].")
    else:
        raise _fail(source, "the document", "neither an object nor a list")
    return Baseline(source, {(f.rule_id, f.focus_node): f for f in found})


def load_baseline(path: Path, limit: SizeLimit) -> Baseline:
    """Read a report file of an earlier run, held to the command's input limit (--max-bytes)."""
    try:
        size = path.stat().st_size
        if size > limit.maximum:
            raise limit.error(f"{path}: the report", size, "has")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: the baseline is a directory, not a report file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read the baseline: {error.strerror or error}") from None
    return parse_baseline(data, str(path))


def annotate_sarif(log: dict, baseline: Baseline, findings: Sequence[Finding]) -> dict:
    """Set baselineState on every result (new or unchanged) and add an absent result for each fixed finding."""
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"].get("rules", [])]
    for result in run["results"]:
        focus = result.get("properties", {}).get("focusNode", "")
        result["baselineState"] = "unchanged" if (result["ruleId"], focus) in baseline.findings else "new"
    levels = {severity: level for level, severity in SARIF_LEVELS.items()}
    for fixed in baseline.absent(findings):
        logical = {"name": fixed.focus_label, "fullyQualifiedName": fixed.focus_node, "kind": "resource"}
        result: dict = {
            "ruleId": fixed.rule_id,
            "level": levels[fixed.severity],
            "message": {"text": fixed.message or f"{fixed.rule_id} on {fixed.focus_label}"},
            "locations": [{"logicalLocations": [logical]}],
            "baselineState": "absent",
            "properties": {"focusNode": fixed.focus_node},
        }
        if fixed.rule_id in rules:
            result["ruleIndex"] = rules.index(fixed.rule_id)
        run["results"].append(result)
    run.setdefault("properties", {})["baseline"] = baseline.source
    return log


def only_new(result: FileResult, baseline: Baseline) -> FileResult:
    """The result with the baseline's findings left out: what the exit status is judged on."""
    if result.report is None:
        return result
    return replace(result, report=result.report.model_copy(update={"findings": baseline.new(result.report.findings)}))


def baseline_sentence(baseline: Baseline, findings: Sequence[Finding]) -> str:
    """What the text report says of the baseline: how many findings were in it, how many are new or fixed."""
    standing = [f for f in findings if not f.waived]
    known = sum(1 for f in standing if f in baseline)
    return (
        f"baseline {baseline.source}: {known} finding(s) were in the baseline, {len(standing) - known} new, "
        f"{len(baseline.absent(findings))} fixed; only new findings count toward the exit status"
    )


__all__ = [
    "Baseline",
    "BaselineFinding",
    "annotate_sarif",
    "baseline_sentence",
    "key",
    "load_baseline",
    "only_new",
    "parse_baseline",
]
