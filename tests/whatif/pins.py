"""Pinned what-ifs: tests/data/whatif/<case>.json, the JSON the command prints for each case below, and
tests/data/whatif/blast-radius-<sample>.json, the blast radius of each sample's validation report.

    .venv/bin/python -m tests.whatif.pins    # write them again

tests/whatif/test_cli.py compares the command's output with these files and never writes them: after a
change to the rules or a sample, run this, read the differences (git diff) against rules.md, "What-if",
and commit only the files whose every difference is right.
"""

from __future__ import annotations

import json
from pathlib import Path

from advisor.loading import format_from_name, parse_file
from advisor.validation import validate
from advisor.whatif.run import what_if_document
from tests.whatif.conftest import AS_OF, ESTATE, ROOT

PINS = ROOT / "tests" / "data" / "whatif"
CASES: dict[str, tuple[Path, list[str]]] = {
    "well-run-lose-ams1": (ROOT / "sample_graphs" / "well-run-two-site-cluster.ttl", ["site:ex:ams1"]),
    "well-run-lose-rtm1-and-cloud": (
        ROOT / "sample_graphs" / "well-run-two-site-cluster.ttl",
        ["site:Rotterdam datacenter (RTM1)", "repository:ex:repo-cloud"],
    ),
    "estate-lose-main": (ESTATE, ["site:Main"]),
    "small-office-lose-office": (ROOT / "sample_graphs" / "small-office.ttl", ["site:Harbour Street office"]),
}


SAMPLES = sorted(p for p in (ROOT / "sample_graphs").iterdir() if p.suffix in (".ttl", ".jsonld"))


def blast_radius_file(sample: Path) -> Path:
    return PINS / f"blast-radius-{sample.stem}.json"


def blast_radius_of(sample: Path) -> list[dict]:
    """The blast radius the validation report of a sample carries (as of the pinned date)."""
    report = validate(parse_file(sample), as_of=AS_OF, blast_radius=True)
    return report.contract()["blast_radius"]


def pinned(case: str) -> dict:
    return json.loads((PINS / f"{case}.json").read_text(encoding="utf-8"))


def compute(case: str) -> dict:
    path, specs = CASES[case]
    return what_if_document(path.read_bytes(), format_from_name(path.name), specs, AS_OF).as_json()


def main() -> None:
    for case in CASES:
        (PINS / f"{case}.json").write_text(json.dumps(compute(case), indent=2, ensure_ascii=False) + "\n")
        print(f"pinned {case}")
    for sample in SAMPLES:
        text = json.dumps(blast_radius_of(sample), indent=2, ensure_ascii=False) + "\n"
        blast_radius_file(sample).write_text(text, encoding="utf-8")
        print(f"pinned the blast radius of {sample.name}")


if __name__ == "__main__":
    main()
