"""Write docs/rules.md, the rule catalog for readers, from the shapes (the only source of rule text).

Run: .venv/bin/python scripts/build_rules_doc.py  (tests/test_docs.py fails when the file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.knowledge import knowledge_base

ROOT = Path(__file__).resolve().parent.parent


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
        if rule.quotation:
            lines += [f"> {rule.quotation}", ""]
        lines += [f"**Why.** {rule.rationale}", "", f"**In a disaster.** {rule.impact}", ""]
        lines += [f"**Fix.** {rule.remediation}", ""]
        for reference in rule.references:
            lines += [f"Reference: <{reference}>", ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    (ROOT / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
