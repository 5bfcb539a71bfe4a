"""Rule parameters come from the ontology and the shapes: names, types, bounds and defaults; policies and
settings set their values by policy key, and nothing in Python names a parameter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from advisor import pipeline
from advisor.config import Settings
from advisor.errors import InputError
from advisor.knowledge import build_knowledge_base, knowledge_base
from advisor.loading import RdfFormat
from advisor.pipeline import Document, Options
from advisor.policy import Policy, PolicyError, load_policy
from tests.conftest import ROOT

LOCAL_RULES = ROOT / "tests" / "data" / "local-parameter"
AS_OF = dt.date(2026, 11, 25)
WIDE_VM = b"""@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
ex:wide a hv:VirtualMachine ; hv:name "WIDE" ; hv:virtualProcessorCount 12 .
"""


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def local_kb():
    return build_knowledge_base(extra_shapes=[LOCAL_RULES])


def _local_messages(kb, policy: Policy = Policy(), settings: Settings | None = None) -> list[str]:
    document = Document(WIDE_VM, RdfFormat.TURTLE, "wide.ttl")
    report = pipeline.run(document, Options(as_of=AS_OF, policy=policy), settings or _settings(), kb).report
    return [f.message for f in report.findings if f.rule_id == "XTR-001" and f.focus_node == "https://example.org/wide"]


def test_the_parameters_are_the_ones_the_ontology_declares() -> None:
    parameters = knowledge_base().parameters
    assert {key: (p.default, p.minimum, p.rules) for key, p in parameters.items()} == {
        "max_restore_test_age_days": (90, 0, ("TST-002",)),
        "max_successful_run_age_days": (7, 0, ("REC-001",)),
    }
    assert parameters["max_restore_test_age_days"].iri == "https://w3id.org/hv-advisor/shapes#maxRestoreTestAgeDays"


def test_a_local_rule_declares_its_own_parameter_and_its_default(local_kb) -> None:
    parameter = local_kb.parameters["max_virtual_processors"]
    assert (parameter.default, parameter.minimum, parameter.rules) == (8, 1, ("XTR-001",))
    assert _local_messages(local_kb) == ["12 virtual processors; the policy allows at most 8."]


def test_a_policy_and_the_settings_set_a_local_parameter(local_kb) -> None:
    lenient = Policy(parameters={"max_virtual_processors": 16})
    assert _local_messages(local_kb, lenient) == []
    strict = _settings(rule_parameters={"max_virtual_processors": 10})
    assert _local_messages(local_kb, settings=strict) == ["12 virtual processors; the policy allows at most 10."]
    assert _local_messages(local_kb, lenient, strict) == []  # the policy wins over the settings


def test_a_value_below_the_declared_bound_or_of_the_wrong_type_is_refused(local_kb) -> None:
    with pytest.raises(InputError, match=r"parameter max_virtual_processors must not be below 1, not 0"):
        _local_messages(local_kb, Policy(parameters={"max_virtual_processors": 0}))
    with pytest.raises(InputError, match=r"parameter max_virtual_processors must be a whole number, not 2\.5"):
        _local_messages(local_kb, Policy(parameters={"max_virtual_processors": 2.5}))


def test_a_policy_file_naming_an_unknown_parameter_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("[parameters]\nmax_restore_age = 30\n", encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(raised.value.message) == (
        f"{path}: [parameters]: unknown parameter 'max_restore_age'; known parameters: "
        "max_restore_test_age_days, max_successful_run_age_days"
    )


def test_a_setting_naming_an_unknown_parameter_stops_the_run() -> None:
    with pytest.raises(InputError, match=r"the settings: unknown parameter 'max_widgets'"):
        Policy().rule_parameters(_settings(rule_parameters={"max_widgets": 3}))


def test_the_older_one_parameter_settings_and_the_json_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Policy().rule_parameters(_settings(max_restore_test_age_days=30)) == {
        "max_restore_test_age_days": 30,
        "max_successful_run_age_days": 7,
    }
    monkeypatch.setenv("ADVISOR_RULE_PARAMETERS", '{"max_successful_run_age_days": 2}')
    assert Policy().rule_parameters(_settings())["max_successful_run_age_days"] == 2


def test_the_policy_guide_lists_every_parameter_with_its_default() -> None:
    guide = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| [A-Z]+-\d+ \| (\d+) \|", guide, flags=re.MULTILINE))
    assert rows == {key: str(p.default) for key, p in knowledge_base().parameters.items()}


def test_the_engine_threads_setting_reaches_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor import validation

    document = Document(WIDE_VM, RdfFormat.TURTLE)
    kb = knowledge_base()
    monkeypatch.setattr(validation, "PARALLEL_FROM_TRIPLES", 0)  # as for a large graph
    pipeline.run(document, Options(as_of=AS_OF), _settings(engine_threads=3))
    assert validation._engines[("fast", id(kb), 3)][1].threads == 3  # type: ignore[attr-defined]
    validation._engines.clear()
    monkeypatch.undo()  # a graph this small runs its rules in one thread, whatever the setting
    pipeline.run(document, Options(as_of=AS_OF), _settings(engine_threads=3))
    assert [key for key in validation._engines if key[0] == "fast"] == [("fast", id(kb), 1)]
