"""A what-if result as text, JSON, Markdown or one self-contained HTML page."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from advisor.whatif.engine import Named, State, SystemOutcome, WhatIfResult

MEDIA_TYPES = {
    "json": "application/json",
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
}
_STATE_ORDER = (State.UNRECOVERABLE, State.RECOVERABLE, State.EXPOSED, State.UNAFFECTED)
_STATE_TITLES = {
    State.UNRECOVERABLE: "Unrecoverable: lost, with no backup left",
    State.RECOVERABLE: "Recoverable: lost, restored from a surviving repository",
    State.EXPOSED: "Exposed: still running, but every backup is lost",
    State.UNAFFECTED: "Unaffected",
}


def _names(items: tuple[Named, ...] | list[Named]) -> str:
    return ", ".join(n.label for n in items)


def lost_summary(result: WhatIfResult) -> str:
    """What was given as lost: 'site Main, host HV01'."""
    given = [e for e in result.lost if e.because == "given as lost"]
    return ", ".join(f"{e.kind} {e.label}" for e in given) or "nothing"


def counts_sentence(result: WhatIfResult) -> str:
    return ", ".join(f"{len(result.of_state(state))} {state.value}" for state in _STATE_ORDER)


def system_detail(outcome: SystemOutcome) -> str:
    """How a system is restored or failed over, in a few words ('' when there is nothing to say)."""
    parts = []
    if outcome.restore_from:
        parts.append(f"restore from {_names(outcome.restore_from)}")
    if outcome.restore_point_age_hours is not None:
        parts.append(f"newest restore point {outcome.restore_point_age_hours:g} h old")
    if outcome.replica_failover:
        parts.append(f"Replica failover to {_names(outcome.replica_failover)}")
    return "; ".join(parts)


def render_json(result: WhatIfResult) -> str:
    return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"


def render_text(result: WhatIfResult) -> str:
    lines = [f"What if we lose {lost_summary(result)} (as of {result.as_of.isoformat()})", ""]
    lines.append(f"Lost ({len(result.lost)}):")
    width = max((len(e.label) for e in result.lost), default=0)
    lines += [f"  {(e.kind or '-'):<10} {e.label:<{width}}  {e.because}" for e in result.lost]
    lines += ["", f"Systems: {counts_sentence(result)}"]
    for state in _STATE_ORDER[:3]:
        outcomes = result.of_state(state)
        if outcomes:
            lines += ["", f"{_STATE_TITLES[state]} ({len(outcomes)}):"]
            for outcome in outcomes:
                detail = system_detail(outcome)
                lines.append(f"  {outcome.label}" + (f": {detail}" if detail else ""))
    if result.data_sets_lost:
        lines += ["", f"Data sets lost ({len(result.data_sets_lost)}):"]
        lines += [f"  {d.label}" for d in result.data_sets_lost]
    if result.broken_dependencies:
        lines += ["", f"Broken dependencies ({len(result.broken_dependencies)}):"]
        lines += [
            f"  {b.system.label} depends on {b.depends_on.label}: {' -> '.join(n.label for n in b.chain)}"
            for b in result.broken_dependencies
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: WhatIfResult) -> str:
    lines = [f"# What if we lose {_cell(lost_summary(result))}", "", f"As of {result.as_of.isoformat()}."]
    lines += ["", f"**Systems:** {counts_sentence(result)}.", "", f"## Lost ({len(result.lost)})", ""]
    lines += ["| Kind | Element | Why |", "|---|---|---|"]
    lines += [f"| {e.kind or ''} | {_cell(e.label)} | {_cell(e.because)} |" for e in result.lost]
    lines += ["", "## Systems", "", "| System | State | Restore from | Restore point age (h) | Replica failover |"]
    lines.append("|---|---|---|---|---|")
    for outcome in sorted(result.systems, key=lambda o: _STATE_ORDER.index(o.state)):
        age = "" if outcome.restore_point_age_hours is None else f"{outcome.restore_point_age_hours:g}"
        lines.append(
            f"| {_cell(outcome.label)} | {outcome.state.value} | {_cell(_names(outcome.restore_from))} | {age} | "
            f"{_cell(_names(outcome.replica_failover))} |"
        )
    if result.data_sets_lost:
        lines += ["", "## Data sets lost", ""] + [f"- {_cell(d.label)}" for d in result.data_sets_lost]
    if result.broken_dependencies:
        lines += ["", "## Broken dependencies", ""]
        lines += [
            f"- {_cell(b.system.label)} depends on {_cell(b.depends_on.label)}: "
            f"{' → '.join(_cell(n.label) for n in b.chain)}"
            for b in result.broken_dependencies
        ]
    return "\n".join(lines) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}.unrecoverable{color:#a4000f;font-weight:600}.exposed{color:#8a5300;font-weight:600}
.recoverable{color:#005a9e}.unaffected{color:#3b6e22}"""


PICTURE_CSS = """svg.whatif rect{fill:#fff;stroke:#8a8a8a}svg.whatif rect.container{fill:#f6f7f9}
svg.whatif rect.lost{fill:#d9d9d9;stroke:#6b6b6b;stroke-dasharray:4 3}svg.whatif text{font-size:12px;fill:#1b1b1b}
svg.whatif text.lost{fill:#5c5c5c}svg.whatif rect.unrecoverable{stroke:#a4000f;stroke-width:3}
svg.whatif rect.recoverable{stroke:#005a9e;stroke-width:2}svg.whatif rect.exposed{stroke:#8a5300;stroke-width:3}
ul.legend{list-style:none;padding:0;display:flex;gap:1.2rem;flex-wrap:wrap}
ul.legend svg{vertical-align:middle;margin-right:.3rem}"""


def render_html(result: WhatIfResult) -> str:
    e = html.escape
    title = f"What if we lose {lost_summary(result)}"
    rows = "".join(
        f"<tr><td>{e(x.kind or '')}</td><td>{e(x.label)}</td><td>{e(x.because)}</td></tr>" for x in result.lost
    )
    systems = "".join(
        f'<tr><td>{e(o.label)}</td><td class="{o.state.value}">{o.state.value}</td>'
        f"<td>{e(_names(o.restore_from))}</td>"
        f"<td>{'' if o.restore_point_age_hours is None else f'{o.restore_point_age_hours:g}'}</td>"
        f"<td>{e(_names(o.replica_failover))}</td></tr>"
        for o in sorted(result.systems, key=lambda o: _STATE_ORDER.index(o.state))
    )
    parts = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>',
        f"<style>{_CSS}\n{PICTURE_CSS}</style></head><body><h1>{e(title)}</h1>",
        f"<p>As of {result.as_of.isoformat()}. Systems: {e(counts_sentence(result))}.</p>",
        f"<h2>Lost ({len(result.lost)})</h2><table><tr><th>Kind</th><th>Element</th><th>Why</th></tr>{rows}</table>",
        "<h2>Systems</h2><table><tr><th>System</th><th>State</th><th>Restore from</th>"
        f"<th>Restore point age (h)</th><th>Replica failover</th></tr>{systems}</table>",
    ]
    if result.data_sets_lost:
        items = "".join(f"<li>{e(d.label)}</li>" for d in result.data_sets_lost)
        parts.append(f"<h2>Data sets lost</h2><ul>{items}</ul>")
    if result.broken_dependencies:
        items = "".join(
            f"<li>{e(b.system.label)} depends on {e(b.depends_on.label)}: "
            f"{' → '.join(e(n.label) for n in b.chain)}</li>"
            for b in result.broken_dependencies
        )
        parts.append(f"<h2>Broken dependencies</h2><ul>{items}</ul>")
    if result.inventory is not None and result.inventory.nodes:
        from advisor.whatif.picture import diagram_svg  # the report's layout, only for this page

        picture = diagram_svg(result)
        parts.append("<h2>Environment</h2>" + (picture or "<p>The estate is too large to draw.</p>"))
    parts.append("</body></html>\n")
    return "".join(parts)


RENDERERS: dict[str, Callable[[WhatIfResult], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}


def render(result: WhatIfResult, fmt: str) -> str:
    return RENDERERS[fmt](result)
