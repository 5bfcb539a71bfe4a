"""Shared fixtures: paths, the knowledge base, and helpers to validate fixture files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import parse_file
from advisor.report import Report
from advisor.validation import validate

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "tests" / "rules"
SAMPLES = ROOT / "sample_graphs"
FIXED_AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base()


def validate_file(path: Path, *, engine: str = "fast", as_of: dt.date = FIXED_AS_OF) -> Report:
    return validate(parse_file(path), as_of=as_of, engine=engine)  # type: ignore[arg-type]


def load_expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))
