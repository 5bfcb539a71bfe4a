"""One layout of a rule's explanation: why it matters, the paper, in a disaster, the fix, the references.

Every text-like view of a rule (the text, Markdown, HTML, JUnit and SARIF reports, `advisor explain` and
docs/rules.md) takes its parts from `parts()`, in this order and under these labels, and only formats them
(a colon, bold, a blockquote). The labels are written here once; a view that words a part its own way picks
one of the label sets below rather than writing the word itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from advisor.report import Explanation


class Kind(StrEnum):
    WHY = "why"
    PAPER = "paper"
    DISASTER = "disaster"
    FIX = "fix"
    REFERENCES = "references"


@dataclass(frozen=True)
class Labels:
    """What each part is called."""

    why: str = "Why it matters"
    paper: str = "Paper"
    disaster: str = "In a disaster"
    fix: str = "Fix"
    references: str = "References"


REPORT = Labels(paper="The paper")  # the Markdown and HTML reports
BRIEF = Labels(why="Why")  # a line a part: the text report, JUnit, SARIF's help
RULES_DOC = replace(BRIEF, references="Reference")  # docs/rules.md: a line a reference
RULE_VIEW = Labels(paper="From the paper", fix="What to do")  # `advisor explain`
RULE_VIEW_MARKDOWN = replace(RULE_VIEW, paper="the paper")  # `advisor explain --format markdown`: "— the paper"


@dataclass(frozen=True)
class Part:
    """One labelled part: its text, the paper's section (the paper part) or the references (the references part)."""

    kind: Kind
    label: str
    text: str = ""
    section: str | None = None
    references: tuple[str, ...] = ()


def parts(explanation: Explanation, labels: Labels = REPORT, *, paper_first: bool = False) -> list[Part]:
    """The parts in order: why, the paper (where it is quoted), in a disaster, the fix, the references (if any).

    `paper_first` opens with the paper's quotation, as the views of one rule do."""
    source = explanation.source
    why = Part(Kind.WHY, labels.why, explanation.rationale)
    paper = [Part(Kind.PAPER, labels.paper, source.quotation, source.section)] if source.quotation else []
    rest = [
        Part(Kind.DISASTER, labels.disaster, explanation.impact),
        Part(Kind.FIX, labels.fix, explanation.remediation),
    ]
    if source.references:
        rest.append(Part(Kind.REFERENCES, labels.references, references=tuple(source.references)))
    return [*paper, why, *rest] if paper_first else [why, *paper, *rest]
