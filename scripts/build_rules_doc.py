"""Write docs/rules.md, the rule catalog for readers, from the shapes (the only source of rule text).

Run: .venv/bin/python scripts/build_rules_doc.py  (tests/test_docs.py fails when the file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.knowledge import knowledge_base
from advisor.render.explanation import RULES_DOC, Kind, Part, parts

ROOT = Path(__file__).resolve().parent.parent


def _paragraphs(part: Part) -> list[str]:
    """One part of a rule's explanation, each paragraph followed by a blank line (a line a reference)."""
    if part.kind is Kind.PAPER:
        return [f"> {part.text}", ""]
    if part.kind is Kind.REFERENCES:
        return [line for reference in part.references for line in (f"{part.label}: <{reference}>", "")]
    return [f"**{part.label}.** {part.text}", ""]


def rules_markdown() -> str:
    lines = [
        "# The rule catalog",
        "",
        "Generated from `shapes/` by `scripts/build_rules_doc.py`; `advisor rules` and `GET /v1/rules` show",
        "the same catalog. Each rule below: its severity, category, the paper's section and quotation,",
        "why it matters, what happens in a disaster, and how to fix it.",
        "",
    ]
    for rule in knowledge_base().catalog.values():
        lines += [f"## {rule.id}: {rule.title}", ""]
        facts = f"**{rule.severity.value}** · {rule.category}"
        if rule.section:
            facts += f" · {rule.section}"
        if rule.applies_to:
            facts += f" · applies to {', '.join(rule.applies_to)}"
        lines += [facts, ""]
        for part in parts(rule.explanation(), RULES_DOC, paper_first=True):
            lines += _paragraphs(part)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    (ROOT / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
