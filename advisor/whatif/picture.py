"""The what-if's diagram: the report's layout of the environment, lost parts greyed, systems marked by state.

The layout is the HTML report's (advisor/render/diagram.py); this module only decides each box's look
and draws the boxes as one SVG.
"""

from __future__ import annotations

import html

from advisor.inventory import Inventory
from advisor.render.diagram import DEFAULT_MAX_NODES, Diagram, layout
from advisor.render.html import fit
from advisor.whatif.engine import State, WhatIfResult

LEGEND = (
    ("lost", "lost"),
    ("unrecoverable", "unrecoverable: lost, no backup left"),
    ("recoverable", "recoverable from a surviving repository"),
    ("exposed", "exposed: running, every backup lost"),
)


def box_classes(node_id: str | None, lost: set[str], states: dict[str, State]) -> list[str]:
    """How a box looks: greyed when its resource is lost, outlined by the state of a system."""
    if node_id is None:
        return []
    classes = ["lost"] if node_id in lost else []
    state = states.get(node_id)
    if state is not None and state is not State.UNAFFECTED:
        classes.append(state.value)
    return classes


def _legend() -> str:
    items = "".join(
        f'<li><svg class="whatif" width="28" height="16" aria-hidden="true">'
        f'<rect class="{cls}" x="2" y="2" width="24" height="12"/></svg>{html.escape(text)}</li>'
        for cls, text in LEGEND
    )
    return f'<ul class="legend" aria-label="Legend">{items}</ul>'


def diagram_svg(result: WhatIfResult, max_nodes: int = DEFAULT_MAX_NODES) -> str:
    """The SVG of the environment with the what-if drawn on it; '' when the estate is too large to draw."""
    inventory = result.inventory or Inventory()
    drawn = layout(inventory, {}, max_nodes) if inventory.nodes else None
    if not isinstance(drawn, Diagram):
        return ""
    lost = {e.iri for e in result.lost}
    states = {s.iri: s.state for s in result.systems}
    parts = [
        f'<svg class="whatif" role="img" aria-label="The environment, with what is lost greyed" '
        f'viewBox="0 0 {drawn.width:.0f} {drawn.height:.0f}" width="{drawn.width:.0f}" height="{drawn.height:.0f}">'
    ]
    for box in drawn.boxes:
        node_id = box.node.id if box.node is not None else None
        classes = box_classes(node_id, lost, states) + (["container"] if box.container else [])
        title = box.label + (f" — {states[node_id].value}" if node_id in states else "")
        title += " (lost)" if node_id in lost else ""
        cls = " ".join(classes)
        parts.append(
            f'<g><title>{html.escape(title)}</title><rect class="{cls}" x="{box.x:.1f}" y="{box.y:.1f}" '
            f'width="{box.w:.1f}" height="{box.h:.1f}" rx="4"/>'
            f'<text class="{cls}" x="{box.x + 6:.1f}" y="{box.y + 16:.1f}">'
            f"{html.escape(fit(box.label, box.w - 12))}</text></g>"
        )
    parts.append("</svg>")
    return _legend() + "".join(parts)
