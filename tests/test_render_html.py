"""HTML: one self-contained page with a summary, a diagram and every finding; opened in a real browser."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advisor.inventory import Inventory, InventoryEdge, InventoryNode, NodeKind, Relation
from advisor.render import render, render_many
from advisor.report import Report
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for

CHROMIUM = Path("/usr/bin/chromium")
VIOLATION_RGB = (0xC6, 0x28, 0x28)


class _Page(HTMLParser):
    """What a test needs from a page: link targets, element ids, findings, diagram boxes, text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.svgs = 0
        self.boxes: list[int] = []  # data-node boxes per svg
        self.articles: dict[str, list[str]] = {}
        self._article: str | None = None
        self._depth = 0
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        for name in ("href", "src", "xlink:href", "action", "srcset", "poster", "data"):
            if values.get(name) is not None:
                self.urls.append(values[name] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "svg":
            self.svgs += 1
            self.boxes.append(0)
        if tag == "g" and "data-node" in values and self.boxes:
            self.boxes[-1] += 1
        if tag == "article" and "finding" in (values.get("class") or ""):
            self._article = values["id"] or ""
            self.articles[self._article] = []
            self._depth = 0
        elif self._article is not None:
            self._depth += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if self._article is not None:
            if self._depth == 0 and tag == "article":
                self._article = None
            else:
                self._depth -= 1
        self._in_style = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._article is not None:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._article is not None:
            self.articles[self._article].append(data)
        if self._in_style:
            self.styles.append(data)


VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


def _page(html: str) -> _Page:
    page = _Page()
    # void elements have no end tag: write them self-closed so the article depth count stays right
    page.feed(re.sub(rf"<({'|'.join(VOID)})(\s[^>]*)?(?<!/)>", r"<\1\2/>", html))
    return page


def _text(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _check_self_contained(page: _Page) -> None:
    assert all(url.startswith("#") for url in page.urls), [u for u in page.urls if not u.startswith("#")]
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css


def _check_findings(page: _Page, reports: list[Report]) -> None:
    findings = [f for report in reports for f in report.findings]
    assert len(page.articles) == len(findings)
    for text, finding in zip(page.articles.values(), findings, strict=True):
        shown = _text(text)
        assert finding.rule_id in shown
        assert " ".join(finding.focus_label.split()) in shown
        assert " ".join(finding.explanation.remediation.split()) in shown
        if finding.explanation.source.quotation:
            assert " ".join(finding.explanation.source.quotation.split()) in shown


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_page_is_self_contained_and_shows_every_finding_and_the_diagram(path: Path) -> None:
    report = report_for(path)
    page = _page(render(report, "html").decode("utf-8"))
    _check_self_contained(page)
    _check_findings(page, [report])
    if report.inventory.nodes:
        assert page.svgs == 1
        assert page.boxes == [len(report.inventory.nodes)]  # every resource drawn once
    boxes_link_to_findings = re.findall(r'<a href="#([^"]+)"', render(report, "html").decode("utf-8"))
    assert set(boxes_link_to_findings) <= page.ids


def test_labels_are_escaped() -> None:
    report = made_up_report("<script>alert('x')</script> & <b>")
    html = render(report, "html").decode("utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert html.count("<script>") == 1  # the page's own


def _estate(hosts: int, vms_per_host: int) -> Inventory:
    nodes = [InventoryNode(id="urn:site", kind=NodeKind.SITE, label="Site")]
    edges = []
    for h in range(hosts):
        host = f"urn:host{h}"
        nodes.append(InventoryNode(id=host, kind=NodeKind.HOST, label=f"HV{h:04}", site="urn:site", protected=False))
        for v in range(vms_per_host):
            vm = f"urn:vm{h}-{v}"
            nodes.append(InventoryNode(id=vm, kind=NodeKind.VM, label=f"VM{h}-{v}", site="urn:site", host=host))
            edges.append(InventoryEdge(source=vm, target=host, relation=Relation.RUNS_ON))
    return Inventory(nodes=nodes, edges=edges)


def test_a_large_estate_draws_vms_as_counts_and_a_huge_one_is_not_drawn() -> None:
    base = made_up_report()
    large = base.model_copy(update={"inventory": _estate(hosts=20, vms_per_host=30)})
    html = render(large, "html").decode("utf-8")
    page = _page(html)
    assert page.svgs == 1 and page.boxes == [21]  # the site and its hosts; VMs are counted per host
    assert html.count(">30 VMs<") == 20
    assert "drawn as one box" in html
    huge = base.model_copy(update={"inventory": _estate(hosts=1300, vms_per_host=1)})
    html = render(huge, "html").decode("utf-8")
    assert _page(html).svgs == 0
    assert "too many to draw" in html
    _check_findings(_page(html), [huge])  # the findings are never capped


def test_a_batch_has_an_overview_and_a_section_per_file() -> None:
    reports = [report_for(p) for p in INPUTS]
    page = _page(render_many(reports, "html").decode("utf-8"))
    _check_self_contained(page)
    _check_findings(page, reports)
    assert {f"r{i + 1}" for i in range(len(reports))} <= page.ids
    assert page.svgs == sum(1 for r in reports if r.inventory.nodes)


# ---------------------------------------------------------------- in a real browser


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        position += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6)
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(chunks)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line[i] for i in range(stride) if channels == 3 or i % 4 != 3))
        previous = line
    return width, height, rows


@pytest.mark.browser
def test_the_browser_shows_the_diagram_and_every_finding(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("the Debian package chromium is not installed (scripts/test installs it)")
    reports = [report_for(p) for p in INPUTS]
    target = tmp_path / "report.html"
    target.write_bytes(render_many(reports, "html"))
    dom = _chromium(tmp_path, "--dump-dom", target.as_uri()).stdout
    page = _page(dom)
    assert page.svgs == sum(1 for r in reports if r.inventory.nodes) > 0
    assert page.boxes == [len(r.inventory.nodes) for r in reports if r.inventory.nodes]
    _check_findings(page, reports)


@pytest.mark.browser
def test_the_screenshot_shows_the_colours_of_the_findings(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("the Debian package chromium is not installed (scripts/test installs it)")
    report = next(
        report_for(p)
        for p in INPUTS
        if report_for(p).inventory.nodes and any(f.severity.value == "violation" for f in report_for(p).findings)
    )
    target = tmp_path / "report.html"
    target.write_bytes(render(report, "html"))
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1024,768", target.as_uri())
    width, height, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1024, 768)
    pixels = {row[i : i + 3] for row in rows for i in range(0, len(row), 3)}
    assert len(pixels) > 50  # a rendered page, not a blank one
    assert bytes(VIOLATION_RGB) in pixels
