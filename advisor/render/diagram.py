"""A deterministic layout of the environment for the HTML report's diagram.

Sites are stacked top to bottom; in each site, clusters hold their hosts and hosts their VMs, laid
out left to right and wrapped in rows (a flow layout); other servers stand beside them, and the
site's storage volumes and backup repositories stand in a column of their own on the right. Backup jobs, which
stand nowhere, have a band of their own at the bottom; whatever has no site is in a "No site stated"
band. Every box carries the worst standing finding of its resource. The same inventory always gives
the same picture. Above `max_nodes` resources the VMs of each host are drawn as one box; with more than
COLLAPSED_FACTOR times `max_nodes` other resources, there is no diagram (the report says so).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from advisor.inventory import COMPUTER_SYSTEMS, Inventory, InventoryNode, NodeKind, Relation
from advisor.report import Severity

PAD, GAP, HEADER = 8, 8, 24
LEAF_HEIGHT = 26
LEAF_WIDTH = {NodeKind.VM: 150, NodeKind.SERVER: 170, NodeKind.VOLUME: 200, NodeKind.REPOSITORY: 200}
JOB_WIDTH = 200
MAX_INNER = {"host": 2 * 150 + GAP, "cluster": 980, "site": 980, "storage": 200, "band": 1180}
DEFAULT_MAX_NODES = 400
COLLAPSED_FACTOR = 3  # with VMs drawn as counts, up to this many times max_nodes other resources are drawn
DRAWN_EDGES = frozenset(Relation) - {Relation.RUNS_ON}  # a VM already stands inside its host
KIND_NAMES = {
    NodeKind.SITE: "Site",
    NodeKind.CLUSTER: "Cluster",
    NodeKind.HOST: "Hyper-V host",
    NodeKind.VM: "VM",
    NodeKind.SERVER: "Server",
    NodeKind.VOLUME: "Storage volume",
    NodeKind.JOB: "Backup job",
    NodeKind.REPOSITORY: "Backup repository",
}


@dataclass
class Box:
    """A drawn rectangle: a resource (node set), a group of resources, or a count of collapsed VMs."""

    label: str
    kind: str  # a NodeKind value, or "group" / "collapsed"
    node: InventoryNode | None = None
    severity: Severity | None = None
    children: list[Box] = field(default_factory=list)
    container: bool = False
    side: bool = False  # stands to the right of its siblings' rows, not in them
    max_inner: float = 0.0
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    title: str = ""
    short: str = ""  # the label as drawn, cut to the box
    anchor: str | None = None  # id of the element the box links to (its first finding)

    @property
    def unprotected(self) -> bool:
        return self.node is not None and self.node.kind in COMPUTER_SYSTEMS and not self.node.protected


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    relation: Relation
    source: str
    target: str


@dataclass
class Diagram:
    boxes: list[Box]  # in drawing order: containers before what they contain
    lines: list[Line]
    width: float
    height: float
    collapsed: bool  # VMs were drawn per host as counts
    counts: dict[str, int]  # resources per kind


@dataclass(frozen=True)
class Omitted:
    """No diagram: the environment has more resources than a readable drawing holds."""

    nodes: int
    max_nodes: int


def _leaf(node: InventoryNode, worst: dict[str, Severity]) -> Box:
    width = JOB_WIDTH if node.kind is NodeKind.JOB else LEAF_WIDTH.get(node.kind, 170)
    return Box(label=node.label, kind=node.kind.value, node=node, severity=worst.get(node.id), w=width, h=LEAF_HEIGHT)


def _container(label: str, kind: str, max_inner: float, node: InventoryNode | None = None, **extra) -> Box:
    return Box(label=label, kind=kind, node=node, container=True, max_inner=max_inner, **extra)


def _measure(box: Box) -> None:
    """Size a container from its children, placing them in rows (child positions relative to the box)."""
    if not box.container:
        return
    for child in box.children:
        _measure(child)
    x = y = row_height = width = 0.0
    for child in (c for c in box.children if not c.side):
        if x > 0 and x + child.w > box.max_inner:
            y += row_height + GAP
            x = row_height = 0.0
        child.x, child.y = x, y
        x += child.w + GAP
        row_height = max(row_height, child.h)
        width = max(width, x - GAP)
    height = y + row_height
    for child in (c for c in box.children if c.side):
        child.x, child.y = width + GAP if width else 0.0, 0.0
        width = child.x + child.w
        height = max(height, child.h)
    label_width = min(len(box.label), 40) * 7.2 + 2 * PAD
    if box.node is not None:  # room for the dot, the kind name and the link to the findings
        label_width += 22 + (len(KIND_NAMES[box.node.kind]) + 1) * 7.2 + 28
    box.w = max(width + 2 * PAD, label_width, 120.0)
    box.h = HEADER + (height + PAD if box.children else 4)


def _place(box: Box, left: float, top: float, out: list[Box]) -> None:
    box.x, box.y = left + box.x, top + box.y
    out.append(box)
    for child in box.children:
        _place(child, box.x + PAD, box.y + HEADER, out)


def _collapsed(host: InventoryNode, vms: list[InventoryNode], worst: dict[str, Severity]) -> Box:
    severities = [worst[vm.id] for vm in vms if vm.id in worst]
    counted = Counter(s.value for s in severities)
    detail = ", ".join(f"{counted[s.value]} with a {s.value}" for s in Severity if counted[s.value])
    return Box(
        label=f"{len(vms)} VMs",
        kind="collapsed",
        severity=min(severities, key=lambda s: s.rank) if severities else None,
        w=LEAF_WIDTH[NodeKind.VM],
        h=LEAF_HEIGHT,
        title=f"{len(vms)} VMs on {host.label}" + (f": {detail}" if detail else ": no finding"),
    )


def _site_band(
    site: InventoryNode | None,
    members: dict[NodeKind, list[InventoryNode]],
    vms_of: dict[str, list[InventoryNode]],
    hosts_of: dict[str, list[InventoryNode]],
    worst: dict[str, Severity],
    collapse: bool,
) -> Box:
    def host_box(host: InventoryNode) -> Box:
        box = _container(host.label, host.kind.value, MAX_INNER["host"], host, severity=worst.get(host.id))
        vms = vms_of.get(host.id, [])
        if collapse and vms:
            box.children = [_collapsed(host, vms, worst)]
        else:
            box.children = [_leaf(vm, worst) for vm in vms]
        return box

    if site is None:
        band = _container("No site stated", "group", MAX_INNER["site"])
    else:
        band = _container(site.label, site.kind.value, MAX_INNER["site"], site, severity=worst.get(site.id))
    for cluster in members.get(NodeKind.CLUSTER, []):
        box = _container(
            cluster.label, cluster.kind.value, MAX_INNER["cluster"], cluster, severity=worst.get(cluster.id)
        )
        box.children = [host_box(h) for h in hosts_of.get(cluster.id, [])]
        band.children.append(box)
    band.children += [host_box(h) for h in members.get(NodeKind.HOST, [])]
    if not collapse or not members.get(NodeKind.HOST):
        band.children += [_leaf(vm, worst) for vm in members.get(NodeKind.VM, [])]  # VMs with no host known
    elif members.get(NodeKind.VM):
        band.children.append(Box(label=f"{len(members[NodeKind.VM])} VMs, host unknown", kind="collapsed", w=180, h=26))
    band.children += [_leaf(server, worst) for server in members.get(NodeKind.SERVER, [])]
    storage = members.get(NodeKind.VOLUME, []) + members.get(NodeKind.REPOSITORY, [])
    if storage:
        column = _container("Storage", "group", MAX_INNER["storage"], side=True)
        column.children = [_leaf(item, worst) for item in storage]
        band.children.append(column)
    return band


def layout(inventory: Inventory, worst: dict[str, Severity], max_nodes: int = DEFAULT_MAX_NODES) -> Diagram | Omitted:
    """Lay the inventory out; `worst` is the worst standing severity by node id."""
    vm_count = sum(1 for n in inventory.nodes if n.kind is NodeKind.VM)
    total = len(inventory.nodes)
    collapse = total > max_nodes
    if collapse and total - vm_count > COLLAPSED_FACTOR * max_nodes:
        return Omitted(nodes=total, max_nodes=COLLAPSED_FACTOR * max_nodes)
    nodes = {n.id: n for n in inventory.nodes}
    by_site: dict[str | None, dict[NodeKind, list[InventoryNode]]] = defaultdict(lambda: defaultdict(list))
    hosts_of: dict[str, list[InventoryNode]] = defaultdict(list)
    vms_of: dict[str, list[InventoryNode]] = defaultdict(list)
    for node in inventory.nodes:  # already in (kind, label, id) order
        if node.kind is NodeKind.VM and node.host in nodes:
            vms_of[node.host].append(node)
        elif node.kind is NodeKind.HOST and node.cluster in nodes:
            hosts_of[node.cluster].append(node)
        elif node.kind not in (NodeKind.SITE, NodeKind.JOB):
            by_site[node.site if node.site in nodes else None][node.kind].append(node)
    bands = [
        _site_band(site, by_site.get(site.id, {}), vms_of, hosts_of, worst, collapse)
        for site in inventory.nodes
        if site.kind is NodeKind.SITE
    ]
    if None in by_site:
        bands.append(_site_band(None, by_site[None], vms_of, hosts_of, worst, collapse))
    jobs = [n for n in inventory.nodes if n.kind is NodeKind.JOB]
    if jobs:
        band = _container("Backup jobs", "group", MAX_INNER["band"])
        band.children = [_leaf(job, worst) for job in jobs]
        bands.append(band)
    boxes: list[Box] = []
    top = 0.0
    width = 0.0
    for band in bands:
        _measure(band)
        _place(band, 0.0, top, boxes)
        top += band.h + 2 * GAP
        width = max(width, band.w)
    lines = _lines(inventory, boxes)
    counts = Counter(n.kind.value for n in inventory.nodes)
    return Diagram(boxes, lines, width, max(top - 2 * GAP, 0.0), collapse, dict(counts))


def _lines(inventory: Inventory, boxes: list[Box]) -> list[Line]:
    placed = {b.node.id: b for b in boxes if b.node is not None}
    lines = []
    for edge in inventory.edges:
        if edge.relation not in DRAWN_EDGES:
            continue
        source, target = placed.get(edge.source), placed.get(edge.target)
        if source is None or target is None:
            continue
        x1, x2 = _facing_sides(source, target)
        lines.append(
            Line(
                x1,
                source.y + min(source.h, HEADER) / 2,
                x2,
                target.y + min(target.h, HEADER) / 2,
                edge.relation,
                edge.source,
                edge.target,
            )
        )
    return lines


def _facing_sides(source: Box, target: Box) -> tuple[float, float]:
    """The x of the sides of two boxes that face each other (their centres when they overlap in x)."""
    if source.x + source.w <= target.x:
        return source.x + source.w, target.x
    if target.x + target.w <= source.x:
        return source.x, target.x + target.w
    return source.x + source.w / 2, target.x + target.w / 2
