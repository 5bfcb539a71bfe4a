"""Turn raw engine results into explained findings: one per (rule, focus node), labelled and worded."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from functools import lru_cache

from advisor.catalog import Rule
from advisor.engine.results import EngineOutput, RawResult
from advisor.namespaces import HV_IRI, PREFIXES
from advisor.report import Finding, RuleError, Severity, Term, sort_findings

_PLACEHOLDER = re.compile(r"\{[?$](this|value|path)\}")


def short_name(iri: str) -> str:
    """hv:runsOn for an IRI in a known namespace, else the IRI itself."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


UNNAMED = "an unnamed resource"  # how the rules' name fallbacks, too, word a node without a name


def display(key: str | None, labels: dict[str, str]) -> str:
    """How a node is named in a message: its label, else its short name or local name."""
    if key is None:
        return ""
    if key in labels:
        return labels[key]
    if key.startswith(("http://", "https://", "urn:")):
        name = short_name(key)
        return name if name != key else re.split(r"[/#:]", key.rstrip("/#"))[-1] or key
    if key.startswith("_:"):
        return UNNAMED  # a blank node's id is made up by whoever parsed the graph: it names nothing to a reader
    return key


@lru_cache(maxsize=4096)  # the same misspelt terms come back in every validation of an estate
def closest_term(term: str, defined: frozenset[str]) -> str | None:
    """The defined hv: term closest to an unknown one (case-insensitive), for a did-you-mean."""
    if not term.startswith(HV_IRI):
        return None
    names = {iri[len(HV_IRI):].lower(): iri for iri in defined}
    matches = difflib.get_close_matches(term[len(HV_IRI):].lower(), list(names), n=1, cutoff=0.6)
    return names[matches[0]] if matches else None


def _display_value(value: Term | None, labels: dict[str, str]) -> str:
    """How a value is named in a message: a literal by its text as it is, a node like a focus node."""
    if value is not None and value.kind == "literal":
        return value.value
    return display(value.key if value is not None else None, labels)


def _word(result: RawResult, labels: dict[str, str], did_you_mean: bool, defined: frozenset[str]) -> str:
    substitutions = {
        "this": display(result.focus, labels),
        "value": _display_value(result.value, labels),
        "path": short_name(result.path) if result.path else "",
    }
    message = _PLACEHOLDER.sub(lambda m: substitutions[m.group(1)], result.message)
    if did_you_mean and result.value_key:
        suggestion = closest_term(result.value_key, defined)
        hint = f" (did you mean {short_name(suggestion)}?)" if suggestion else " (no similar term is defined)"
        message = message[:-1] + hint + "." if message.endswith(".") else message + hint
    return message


def _result_order(result: RawResult) -> tuple[str, tuple[str, ...]]:
    """Which result of a (rule, focus) group names the finding's path and value: the first by path, then value."""
    return (result.path or "", result.value.order if result.value is not None else ())


def build_findings(
    output: EngineOutput, catalog: dict[str, Rule], did_you_mean_rules: frozenset[str], defined: frozenset[str]
) -> tuple[list[Finding], list[RuleError]]:
    grouped: dict[tuple[str, str], list[RawResult]] = defaultdict(list)
    for result in output.results:
        grouped[(result.rule_id, result.focus)].append(result)
    findings = []
    for (rule_id, focus), results in grouped.items():
        rule = catalog[rule_id]
        messages = sorted({_word(r, output.labels, rule_id in did_you_mean_rules, defined) for r in results})
        first = min(results, key=_result_order)
        value = first.value if first.value_key != focus else None
        findings.append(
            Finding(
                rule_id=rule_id,
                severity=Severity(first.severity),
                category=rule.category,
                focus_node=focus,
                focus_label=display(focus, output.labels),
                message=" ".join(messages),
                explanation=rule.explanation(),
                path=short_name(first.path) if first.path else None,
                value=value.key if value is not None else None,
                value_term=value,
            )
        )
    errors = [RuleError(rule_id=rule_id, message=message) for rule_id, message in output.errors]
    return sort_findings(findings), errors
