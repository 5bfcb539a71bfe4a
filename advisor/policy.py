"""Policy: which rules run, at which severity, with which parameters, and which findings are waived.

A policy is a TOML file, given with `--policy` or found as `advisor.toml` in the working directory:

    [rules]
    disable = ["SNP-001"]                    # findings of these rules are not reported
    severity = { TST-001 = "info" }          # severity overrides

    [parameters]
    max_restore_test_age_days = 30           # TST-002
    max_successful_run_age_days = 2          # REC-001

    [[waivers]]                              # also allowed alone in a waiver file (--waivers)
    rule = "COV-001"
    focus_node = "https://example.org/lab01"
    reason = "Lab machine, rebuilt from the pipeline every week"
    accepted_by = "J. Smith"
    expires = 2027-03-31                     # valid through this day

A waived finding stays in the report with its waiver and counts towards no failure; once the
as-of date is past `expires`, the finding counts again and carries the expired waiver.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from advisor.catalog import Rule
from advisor.config import Settings, parameter_settings
from advisor.encoding import decode_text
from advisor.errors import InputError
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.parameters import resolve
from advisor.report import Report, Severity, Waiver, conforms, sort_findings
from advisor.validation import RuleParameters

DEFAULT_POLICY_FILE = "advisor.toml"


class PolicyError(InputError):
    """A policy or waiver file that cannot be read or does not follow the format."""

    code = "invalid-policy"
    title = "Invalid policy"


def _rule_id(value: str) -> str:
    return value.strip().upper()


class WaiverEntry(BaseModel):
    """An accepted risk: one rule on one focus node, with a reason, an owner and an expiry date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1, description="Rule id, such as COV-001.")
    focus_node: str = Field(min_length=1, description="Full IRI of the resource the finding is about.")
    reason: str = Field(min_length=1)
    accepted_by: str = Field(min_length=1)
    expires: dt.date = Field(description="Last day the waiver is valid.")
    origin: str = Field("", exclude=True, description="Where the waiver was read, for messages.")

    @field_validator("rule")
    @classmethod
    def _upper_rule(cls, value: str) -> str:
        return _rule_id(value)

    def expired(self, as_of: dt.date) -> bool:
        return as_of > self.expires

    def describe(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        return f"waiver for {self.rule} on {self.focus_node}{where}"


class RulesSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    disable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)

    @field_validator("disable")
    @classmethod
    def _upper_disable(cls, value: list[str]) -> list[str]:
        return [_rule_id(v) for v in value]

    @field_validator("severity")
    @classmethod
    def _upper_severity(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        return {_rule_id(k): v for k, v in value.items()}


class Policy(BaseModel):
    """A whole policy: rule switches and severities, rule parameters, waivers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: RulesSection = Field(default_factory=RulesSection)
    parameters: dict[str, int | float | bool] = Field(
        default_factory=dict, description="Values of rule parameters by policy key (the ontology declares them)."
    )
    waivers: list[WaiverEntry] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, exclude=True, description="Files the policy was read from.")

    @property
    def disabled(self) -> frozenset[str]:
        return frozenset(self.rules.disable)

    def rule_parameters(self, settings: Settings, kb: KnowledgeBase | None = None) -> RuleParameters:
        """The rule parameters for validation: the ontology's defaults, overridden by the settings, then by this
        policy (a setting that names no parameter of the knowledge base is an InputError)."""
        kb = kb or knowledge_base()
        try:
            layers = ("the settings", parameter_settings(settings)), ("the policy", self.parameters)
            return resolve(kb.parameters, *layers)
        except ValueError as error:
            raise InputError(str(error)) from None

    def waiver_for(self, rule_id: str, focus_node: str, as_of: dt.date) -> WaiverEntry | None:
        """The waiver covering this finding: a valid one if any, else the latest expired one."""
        matches = [w for w in self.waivers if w.rule == rule_id and w.focus_node == focus_node]
        if not matches:
            return None
        return max(matches, key=lambda w: (not w.expired(as_of), w.expires))

    def problems(self, catalog: dict[str, Rule]) -> list[str]:
        """Warnings about rule ids the catalog does not know (the policy still applies to the rest)."""
        warnings = []
        for rule_id in self.rules.disable:
            if rule_id not in catalog:
                warnings.append(f"the policy disables {rule_id}, which is not a rule{_suggest(rule_id, catalog)}")
        for rule_id in self.rules.severity:
            if rule_id not in catalog:
                warnings.append(
                    f"the policy sets the severity of {rule_id}, which is not a rule{_suggest(rule_id, catalog)}"
                )
        for waiver in self.waivers:
            if waiver.rule not in catalog:
                warnings.append(
                    f"{waiver.describe()}: {waiver.rule} is not a rule{_suggest(waiver.rule, catalog)}; "
                    "the waiver waives nothing"
                )
        return warnings


def _suggest(rule_id: str, catalog: dict[str, Rule]) -> str:
    close = difflib.get_close_matches(rule_id, list(catalog), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# ---------------------------------------------------------------- reading


def _read_toml(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(f"{path}: no such file") from None
    except OSError as error:
        raise PolicyError(f"{path}: cannot read: {error.strerror}") from None
    try:
        return tomllib.loads(decode_text(data, source=f"{path}: the file"))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None


def _describe_validation_error(path: Path, error: ValidationError) -> PolicyError:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"{where}: {item['msg']}")
    return PolicyError(f"{path}: " + "; ".join(problems))


def _with_origin(waivers: Iterable[WaiverEntry], path: Path) -> list[WaiverEntry]:
    return [w.model_copy(update={"origin": f"{path}, waiver {i}"}) for i, w in enumerate(waivers, start=1)]


def load_policy(path: Path, kb: KnowledgeBase | None = None) -> Policy:
    """A policy file; its parameters are checked against the knowledge base's (names, types, bounds)."""
    data = _read_toml(path)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        raise _describe_validation_error(path, error) from None
    try:
        resolve((kb or knowledge_base()).parameters, ("[parameters]", policy.parameters))
    except ValueError as error:
        raise PolicyError(f"{path}: {error}") from None
    return policy.model_copy(update={"waivers": _with_origin(policy.waivers, path), "sources": [str(path)]})


class _WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    waivers: list[WaiverEntry] = Field(default_factory=list)


def load_waivers(path: Path) -> list[WaiverEntry]:
    """A file holding only `[[waivers]]` tables."""
    data = _read_toml(path)
    try:
        waivers = _WaiverFile.model_validate(data).waivers
    except ValidationError as error:
        raise _describe_validation_error(path, error) from None
    return _with_origin(waivers, path)


def resolve_policy(
    explicit: Path | None, *, use_default: bool = True, waiver_files: Sequence[Path] = (), cwd: Path | None = None
) -> Policy:
    """The policy in force: `explicit`, else advisor.toml in `cwd` (unless turned off), plus waiver files."""
    policy = Policy()
    if explicit is not None:
        policy = load_policy(explicit)
    elif use_default:
        default = cwd / DEFAULT_POLICY_FILE if cwd is not None else Path(DEFAULT_POLICY_FILE)
        if default.is_file():
            policy = load_policy(default)
    extra = [w for path in waiver_files for w in load_waivers(path)]
    if not extra:
        return policy
    return policy.model_copy(
        update={"waivers": [*policy.waivers, *extra], "sources": [*policy.sources, *map(str, waiver_files)]}
    )


def service_policy(settings: Settings) -> Policy:
    """The policy the service applies to every validation: its settings' policy file, if any."""
    return load_policy(settings.policy_file) if settings.policy_file is not None else Policy()


# ---------------------------------------------------------------- applying


def apply_policy(report: Report, policy: Policy) -> Report:
    """The report as the policy sees it: disabled rules removed, severities overridden, waivers attached."""
    if not (policy.disabled or policy.rules.severity or policy.waivers):
        return report
    findings = []
    for finding in report.findings:
        if finding.rule_id in policy.disabled:
            continue
        update: dict = {}
        if finding.rule_id in policy.rules.severity:
            update["severity"] = policy.rules.severity[finding.rule_id]
        waiver = policy.waiver_for(finding.rule_id, finding.focus_node, report.as_of)
        if waiver is not None:
            update["waiver"] = Waiver(
                reason=waiver.reason,
                accepted_by=waiver.accepted_by,
                expires=waiver.expires,
                expired=waiver.expired(report.as_of),
            )
        findings.append(finding.model_copy(update=update) if update else finding)
    findings = sort_findings(findings)
    errors = [e for e in report.errors if e.rule_id not in policy.disabled]
    return report.model_copy(update={"findings": findings, "errors": errors, "conforms": conforms(findings)})


def waiver_nodes_in(policy: Policy, triples: Iterable[ox.Triple]) -> frozenset[str]:
    """The waivers' focus nodes that occur in the graph (as subject or object)."""
    wanted = {w.focus_node for w in policy.waivers}
    if not wanted:
        return frozenset()
    found = set()
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value in wanted:
                found.add(term.value)
    return frozenset(found)
