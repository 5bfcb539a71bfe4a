"""HTML report: one self-contained page (inline CSS, SVG and a little script; nothing fetched).

A summary (counts by severity and category, systems protected or not), a diagram of the environment
(advisor.render.diagram) with each resource in the colour of its worst finding, and every finding with
its explanation, the paper's quotation and the remediation. Jinja2 escapes every value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from advisor import __version__
from advisor.inventory import COMPUTER_SYSTEMS, NodeKind
from advisor.render.common import (
    PRODUCT,
    SEVERITY_PLURALS,
    SEVERITY_TITLES,
    counts_by_category,
    counts_sentence,
    file_label,
    verdict,
    worst_by_node,
)
from advisor.render.diagram import DEFAULT_MAX_NODES, KIND_NAMES, PAD, Box, Diagram, Omitted, layout
from advisor.render.explanation import REPORT, Part, parts
from advisor.render.trend import History, trend_svg
from advisor.report import Finding, Report, Severity
from advisor.score import scope_scores

TEMPLATES = Path(__file__).resolve().parent / "templates"
_CHAR_WIDTH = 6.8  # average width of a 12px sans-serif character, for cutting labels to their box


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class FindingView:
    anchor: str
    finding: Finding
    explanation: list[Part]  # the finding's explanation, laid out (advisor.render.explanation)


@dataclass(frozen=True)
class SystemRow:
    kind: str
    total: int
    protected: int
    unprotected: int
    excluded: int


def fit(label: str, width: float) -> str:
    """The label cut to what a box of this width shows, with an ellipsis when cut."""
    room = max(int(width / _CHAR_WIDTH), 4)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _label_room(box: Box) -> float:
    """The width a box leaves for its label: less its dot, its kind name and its link to the findings."""
    if box.node is None:
        return box.w - 2 * PAD
    if not box.container:
        return box.w - 20 - PAD
    return box.w - 22 - PAD - (len(KIND_NAMES[box.node.kind]) + 1) * _CHAR_WIDTH - (28 if box.anchor else 0)


def _box_title(box: Box, findings: list[FindingView]) -> str:
    if box.node is None:
        return box.title or box.label
    parts = [f"{KIND_NAMES[box.node.kind]} {box.node.label}"]
    if findings:
        worst = box.severity.value if box.severity else "waived only"
        parts.append(f"{len(findings)} finding(s), worst: {worst}")
    else:
        parts.append("no finding")
    if box.node.kind in COMPUTER_SYSTEMS:
        parts.append("protected" if box.node.protected else "excluded" if box.node.excluded else "not protected")
    return " — ".join(parts)


def _systems(report: Report) -> list[SystemRow]:
    rows = []
    for kind, name in ((NodeKind.VM, "VMs"), (NodeKind.HOST, "Hyper-V hosts"), (NodeKind.SERVER, "Other servers")):
        nodes = report.inventory.of_kind(kind)
        if nodes:
            protected = sum(1 for n in nodes if n.protected)
            excluded = sum(1 for n in nodes if not n.protected and n.excluded)
            rows.append(SystemRow(name, len(nodes), protected, len(nodes) - protected - excluded, excluded))
    return rows


def _section(report: Report, index: int, max_nodes: int, numbered: bool) -> dict:
    prefix = f"r{index + 1}"
    views = [FindingView(f"{prefix}-f{i + 1}", f, parts(f.explanation, REPORT)) for i, f in enumerate(report.findings)]
    by_node: dict[str, list[FindingView]] = defaultdict(list)
    for view in views:
        by_node[view.finding.focus_node].append(view)
    worst = worst_by_node(report.findings)
    drawn = layout(report.inventory, worst, max_nodes) if report.inventory.nodes else None
    diagram = drawn if isinstance(drawn, Diagram) else None
    placed: dict[str, int] = {}  # node id -> index of its box, for the script that lights up a box's lines
    for position, box in enumerate(diagram.boxes if diagram else []):
        node_findings = by_node.get(box.node.id, []) if box.node is not None else []
        box.title = _box_title(box, node_findings)
        box.anchor = node_findings[0].anchor if node_findings else None
        box.short = fit(box.label, _label_room(box))
        if box.node is not None:
            placed[box.node.id] = position
    systems = report.inventory.of_kind(*COMPUTER_SYSTEMS)
    return {
        "id": prefix,
        "report": report,
        "file": file_label(report, index if numbered else None),
        "verdict": verdict(report),
        "counts": report.counts(),
        "counts_sentence": counts_sentence(report),
        "score": f"{report.score:g}",
        "scopes": [
            (title, scope)
            for title, kind in (("Site", NodeKind.SITE), ("Cluster", NodeKind.CLUSTER))
            for scope in scope_scores(report.findings, report.inventory, kind)
        ],
        "waived": sum(1 for f in report.findings if f.waived),
        "categories": counts_by_category(report),
        "systems": _systems(report),
        "unprotected": [n for n in systems if not n.protected and not n.excluded],
        "blast_radius": report.blast_radius or [],
        "diagram": diagram,
        "omitted": drawn if isinstance(drawn, Omitted) else None,
        "placed": placed,
        "groups": [(s, [v for v in views if v.finding.severity is s]) for s in Severity],
        "findings": views,
    }


def _render(reports: Sequence[Report], *, title: str, max_nodes: int, history: History | None = None) -> bytes:
    template = _environment().get_template("report.html.j2")
    html = template.render(
        title=title,
        history=history if len(reports) == 1 else None,
        trend=trend_svg(history.points) if history is not None and len(reports) == 1 else "",
        product=PRODUCT,
        version=__version__,
        sections=[_section(report, i, max_nodes, len(reports) > 1) for i, report in enumerate(reports)],
        batch=len(reports) > 1,
        severities=list(Severity),
        severity_titles=SEVERITY_TITLES,
        severity_plurals=SEVERITY_PLURALS,
        kind_names={k.value: v for k, v in KIND_NAMES.items()},
    )
    return html.encode("utf-8")


def render_html(
    report: Report,
    *,
    source_text: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    history: History | None = None,
) -> bytes:
    """One report; `history` (a stored environment's revisions) adds its trend and what changed since the last."""
    return _render([report], title=f"Backup report: {file_label(report)}", max_nodes=max_nodes, history=history)


def render_html_many(
    reports: Sequence[Report], *, source_texts: dict[str, str] | None = None, max_nodes: int = DEFAULT_MAX_NODES
) -> bytes:
    return _render(reports, title=f"Backup report: {len(reports)} file(s)", max_nodes=max_nodes)
