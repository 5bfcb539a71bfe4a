"""The trend chart: one point per revision, the score on a 0-100 scale, the findings as stacked bars."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from advisor.render.html import render_html
from advisor.render.trend import History, TrendPoint, trend_svg
from tests.conftest import SAMPLES, validate_file

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [
    TrendPoint(1, 40.0, {"violation": 6, "warning": 2, "info": 0}, dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
    TrendPoint(2, 100.0, {"violation": 0, "warning": 0, "info": 0}),
    TrendPoint(3, 62.5, {"violation": 2, "warning": 1, "info": 1}),
]


def parsed(points: list[TrendPoint], **options: object) -> ET.Element:
    return ET.fromstring(str(trend_svg(points, **options)))


def test_each_revision_is_a_point_with_its_score_and_counts() -> None:
    svg = parsed(POINTS)
    groups = svg.findall(f"{SVG}g")
    assert [g.get("data-revision") for g in groups] == ["1", "2", "3"]
    assert [g.get("data-score") for g in groups] == ["40", "100", "62.5"]
    assert [g.get("data-violation") for g in groups] == ["6", "0", "2"]
    assert groups[0].find(f"{SVG}title").text == "Revision 1 (2026-11-01): score 40, 6 violation, 2 warning, 0 info"
    ys = [float(g.find(f"{SVG}circle").get("cy")) for g in groups]
    assert ys[1] < ys[2] < ys[0]  # a higher score is drawn higher
    line = svg.find(f"{SVG}polyline").get("points").split()
    assert [float(p.split(",")[1]) for p in line] == ys


def test_the_bars_stack_the_severities_on_the_largest_total() -> None:
    groups = parsed(POINTS).findall(f"{SVG}g")
    heights = [{r.get("class"): float(r.get("height")) for r in g.findall(f"{SVG}rect")} for g in groups]
    assert heights[1] == {}  # a clean revision has no bar
    assert set(heights[0]) == {"bar violation", "bar warning"}
    assert abs(heights[0]["bar violation"] - 3 * heights[0]["bar warning"]) < 0.2  # one decimal in the SVG
    total_first, total_third = sum(heights[0].values()), sum(heights[2].values())
    assert abs(total_first / total_third - 8 / 4) < 0.01


def test_labels_are_escaped_and_nothing_is_fetched_or_run() -> None:
    text = str(trend_svg(POINTS, label='<script>alert("x")</script>'))
    assert "<script" not in text and "&lt;script&gt;" in text
    assert not re.search(r"\b(href|src)=", text)
    assert str(trend_svg([])) == ""
    one = parsed([POINTS[0]])
    assert one.find(f"{SVG}polyline") is None and len(one.findall(f"{SVG}g")) == 1


def test_the_html_report_shows_the_history_only_when_there_are_revisions() -> None:
    report = validate_file(SAMPLES / "small-office.ttl")
    assert 'id="r1-history"' not in render_html(report).decode()
    assert 'id="r1-history"' not in render_html(report, history=History([])).decode()  # a store from before
    page = render_html(report, history=History(POINTS)).decode()
    assert 'id="r1-history"' in page and page.count('<g class="point"') == 3
    assert "This is the environment's first revision" in page  # no drift given
