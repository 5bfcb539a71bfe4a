"""A small inline SVG chart of an environment's posture score and findings by severity over its revisions.

Offline and self-contained: no script, no external font or style sheet. The score is a line on a 0-100
scale; the standing findings of each revision are stacked bars (violations, warnings, info) on a scale of
the largest total. Each revision is a <g class="point"> with its number, score and counts as data
attributes and a <title> a browser shows on hover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

from advisor.report import Severity

if TYPE_CHECKING:
    from advisor.diff import Drift

COLOURS = {Severity.VIOLATION: "#c62828", Severity.WARNING: "#a85d00", Severity.INFO: "#1565c0"}
SCORE_COLOUR = "#2e7d32"


@dataclass(frozen=True)
class TrendPoint:
    """One revision on the chart."""

    number: int
    score: float | None
    counts: dict[str, int]
    created: dt.datetime | None = None


@dataclass(frozen=True)
class History:
    """What a stored environment's report shows of its past: the trend, and the drift since the previous revision."""

    points: list[TrendPoint]  # oldest first
    drift: Drift | None = None  # from the previous revision to the latest, when there are two


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend_svg(points: Sequence[TrendPoint], *, width: int = 480, height: int = 140, label: str = "") -> Markup:
    """The chart of `points` (oldest first); an empty Markup when there is nothing to draw."""
    if not points:
        return Markup("")
    left, right, top, bottom = 34, 10, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(points)
    tallest = max((sum(p.counts.values()) for p in points), default=0) or 1
    title = label or f"Posture score and findings over {len(points)} revision(s)"
    parts = [
        f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#d0d7de"/>',
    ]
    for value in (0, 50, 100):
        y = top + plot_h * (1 - value / 100)
        parts.append(
            f'<text x="{left - 4}" y="{_number(y + 4)}" font-size="10" text-anchor="end" fill="#59636e">{value}</text>'
        )
    line, under = [], len(parts)  # the score line goes under the points
    for index, point in enumerate(points):
        x0 = left + index * step
        centre = x0 + step / 2
        bar_w = max(min(step * 0.5, 24), 2)
        counts = ", ".join(f"{point.counts.get(s.value, 0)} {s.value}" for s in Severity)
        score = "no score" if point.score is None else f"score {_number(point.score)}"
        when = f" ({point.created:%Y-%m-%d})" if point.created else ""
        attributes = (
            f'data-revision="{point.number}" data-score="{"" if point.score is None else _number(point.score)}" '
            + " ".join(f'data-{s.value}="{point.counts.get(s.value, 0)}"' for s in Severity)
        )
        parts.append(f'<g class="point" {attributes}><title>Revision {point.number}{when}: {score}, {counts}</title>')
        base = top + plot_h
        for severity in Severity:
            count = point.counts.get(severity.value, 0)
            if count:
                h = plot_h * 0.6 * count / tallest
                base -= h
                parts.append(
                    f'<rect class="bar {severity.value}" x="{_number(centre - bar_w / 2)}" y="{_number(base)}" '
                    f'width="{_number(bar_w)}" height="{_number(h)}" fill="{COLOURS[severity]}" fill-opacity="0.55"/>'
                )
        if point.score is not None:
            y = top + plot_h * (1 - point.score / 100)
            line.append(f"{_number(centre)},{_number(y)}")
            parts.append(
                f'<circle class="score" cx="{_number(centre)}" cy="{_number(y)}" r="3.5" fill="{SCORE_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{_number(centre)}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#59636e">'
            f"{point.number}</text></g>"
        )
    if len(line) > 1:
        polyline = f'<polyline class="score-line" points="{" ".join(line)}" fill="none" stroke="{SCORE_COLOUR}" '
        parts.insert(under, polyline + 'stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["History", "TrendPoint", "trend_svg"]
