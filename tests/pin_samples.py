"""Pin the findings of the sample graphs: tests/data/samples/<sample>.expected.json.

    .venv/bin/python -m tests.pin_samples               # every sample in sample_graphs/
    .venv/bin/python -m tests.pin_samples small-office  # one sample, by file name without extension

Each file holds the sorted (rule id, focus node) pairs that validating the sample as of the pinned
date gives, and a hand-written "messages" list (fragments that a finding's message must contain)
that pinning keeps as it is. tests/test_samples.py compares against these files and never writes
them: after a change to a rule or a sample, run this, read the printed differences, check every
added or removed finding against the rule catalog (rules.md), and commit the files only if each
difference is right. A pin records what the rules should say, not merely what they say today.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from advisor.loading import parse_file
from advisor.report import Report
from advisor.validation import validate

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_graphs"
EXPECTED = ROOT / "tests" / "data" / "samples"
AS_OF = dt.date(2026, 11, 25)
SAMPLE_SUFFIXES = (".ttl", ".jsonld")

Pair = tuple[str, str]


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in SAMPLE_SUFFIXES)


def expected_file(sample: Path) -> Path:
    return EXPECTED / f"{sample.stem}.expected.json"


def finding_pairs(report: Report) -> list[Pair]:
    """The sorted (rule id, focus node) pairs of a report."""
    return sorted((f.rule_id, f.focus_node) for f in report.findings)


def validate_sample(sample: Path, as_of: dt.date = AS_OF, engine: str = "fast") -> Report:
    return validate(parse_file(sample), as_of=as_of, engine=engine)  # type: ignore[arg-type]


def read_expected(sample: Path) -> dict:
    """{"sample", "as_of", "findings": [[rule id, focus node], ...], "messages": [...]}.

    "messages" is written by hand and kept across pins: each entry names a finding
    ({"rule_id", "focus_node"}) and fragments its message must contain ("contains").
    """
    return json.loads(expected_file(sample).read_text(encoding="utf-8"))


def expected_pairs(pinned: dict) -> list[Pair]:
    return [(rule_id, focus) for rule_id, focus in pinned["findings"]]


def render_expected(sample: Path, as_of: dt.date, pairs: list[Pair], messages: list[dict]) -> str:
    """The expected file, one finding a line so that a change reads as a small diff."""
    lines = [json.dumps([rule_id, focus], ensure_ascii=False) for rule_id, focus in pairs]
    findings = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    entries = [json.dumps(entry, ensure_ascii=False) for entry in messages]
    message_block = "[\n    " + ",\n    ".join(entries) + "\n  ]" if entries else "[]"
    return (
        "{\n"
        f'  "sample": {json.dumps(sample.name)},\n'
        f'  "as_of": "{as_of.isoformat()}",\n'
        f'  "findings": {findings},\n'
        f'  "messages": {message_block}\n'
        "}\n"
    )


def pin(sample: Path) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """Write the expected file of one sample; returns its pairs, those added and those removed since the last pin."""
    pinned = read_expected(sample) if expected_file(sample).is_file() else {"findings": [], "messages": []}
    previous = expected_pairs(pinned)
    messages = pinned.get("messages", [])
    report = validate_sample(sample)
    if report.errors:
        raise SystemExit(f"{sample.name}: rules failed to run: {[e.model_dump() for e in report.errors]}")
    pairs = finding_pairs(report)
    EXPECTED.mkdir(parents=True, exist_ok=True)
    expected_file(sample).write_text(render_expected(sample, AS_OF, pairs, messages), encoding="utf-8")
    return pairs, sorted(set(pairs) - set(previous)), sorted(set(previous) - set(pairs))


def main(argv: list[str]) -> int:
    wanted = set(argv)
    samples = [p for p in sample_files() if not wanted or p.stem in wanted or p.name in wanted]
    unknown = wanted - {p.stem for p in samples} - {p.name for p in samples}
    if unknown:
        print(f"no such sample: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for sample in samples:
        pairs, added, removed = pin(sample)
        print(f"{sample.name}: {len(pairs)} findings pinned")
        for rule_id, focus in added:
            print(f"  + {rule_id} {focus}")
        for rule_id, focus in removed:
            print(f"  - {rule_id} {focus}")
        for entry in read_expected(sample)["messages"]:
            if (entry["rule_id"], entry["focus_node"]) not in pairs:
                print(f"  ! the message pin for {entry['rule_id']} {entry['focus_node']} names no finding any more")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
