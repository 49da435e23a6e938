"""Scenario map for authors: a layered layout of the nodes, an inline SVG and a text outline.

Pure: no request, no database. Titles are stored per language in separate documents, so pass
the data of the language to show (``ScenarioVersion.data(locale)``, ``ScenarioDoc.data_en``);
``locale`` picks the interface words and the ``lang`` of the SVG. Rows are the breadth-first
depth from ``start``; edges to the next row are curves, every other edge (back to an earlier
row, within a row, from an unreachable node) detours through a lane right of the graph.
"""

import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.i18n import _, _l, force_locale

BOX_W, BOX_H, COL_GAP = 208, 46, 56
SLOT, CHANNEL_PAD, MARGIN = 15, 12, 24
LANE_GAP, LANE_PITCH, LOOP_GAP = 20, 12, 14
LABEL_CHAR, TITLE_CHAR = 6.1, 6.7  # estimated widths: 10px monospace, 12px sans-serif
TITLE_CHARS = int((BOX_W - 24) / TITLE_CHAR)
TYPE_LABELS = {
    "narrative": _l("Narrative"),
    "decision": _l("Decision"),
    "observation": _l("Observation"),
    "record": _l("Case record"),
    "end": _l("End"),
}
# Box fill, border and text colour per node type (the site's palette, see aula.css :root).
TYPE_COLOURS = {
    "narrative": ("#f5f7fa", "#4a5561", "#1b1f24"),
    "decision": ("#ffffff", "#0b4f8a", "#1b1f24"),
    "observation": ("#e7f0fa", "#0b4f8a", "#1b1f24"),
    "record": ("#fff4d6", "#7a4d00", "#1b1f24"),
    "end": ("#083a66", "#083a66", "#ffffff"),
}
PHASE_COLOURS = {
    "preparation": "#6f42c1",
    "opening": "#0b7285",
    "narrative": "#2b8a3e",
    "probing": "#0b4f8a",
    "pacing": "#d9480f",
    "closing": "#495057",
}
INK, MUTED, EDGE, GATE, DANGER = "#1b1f24", "#4a5561", "#4a5561", "#a11d2b", "#a11d2b"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'
MONO = 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace'


@dataclass(frozen=True)
class Edge:
    """One choice (or a node's ``next``) from ``source`` to ``target``."""

    source: str
    target: str
    choice: str | None  # None: the node's ``next``
    conditional: bool = False
    gate: str | None = None
    text: str = ""


@dataclass
class Node:
    """A node's place: row (its depth; unreachable nodes share a last row) and top-left."""

    id: str
    type: str
    phase: str | None
    title: str
    depth: int | None  # None: unreachable from the start
    row: int = 0
    x: float = 0
    y: float = 0

    @property
    def reachable(self) -> bool:
        """Whether a run can arrive here from the start."""
        return self.depth is not None


@dataclass
class Route:
    """How an edge is drawn: a curve to the next row ("forward"), a detour or a loop.

    Edges leave from a port on the source's bottom and arrive at one on the target's top.
    Slots are the horizontal tracks of the gaps between rows: ``out_slot`` holds the label
    (and a detour's run to its lane) below the source, ``in_slot`` a detour's run back above
    the target.
    """

    edge: Edge
    kind: str
    sx: float = 0
    tx: float = 0
    out_slot: int = 0
    in_slot: int = 0
    label_x: float = 0
    label: tuple[float, float, str] | None = None  # x, y, text-anchor
    path: str = ""


@dataclass
class Graph:
    """A laid-out scenario: nodes by id, rows of ids, routed edges and the drawing's box."""

    start: str | None
    nodes: dict[str, Node]
    rows: list[list[str]]
    routes: list[Route]
    box: tuple[float, float, float, float] = (0, 0, 0, 0)  # min x, min y, width, height

    @property
    def unreachable(self) -> list[str]:
        """Nodes that no path from the start arrives at."""
        return [n for n, node in self.nodes.items() if not node.reachable]


@dataclass(frozen=True)
class OutlineEdge:
    """An outgoing edge as the outline table shows it (``choice`` None: the node's next)."""

    choice: str | None
    target: str
    conditional: bool
    gate: str | None


@dataclass(frozen=True)
class OutlineRow:
    """A node and its outgoing edges, in the map's reading order."""

    node: str
    type: str
    type_label: Any  # a lazy string, translated where it is shown
    phase: str | None
    title: str
    reachable: bool
    is_start: bool
    edges: tuple[OutlineEdge, ...]


def edges_of(data: dict) -> list[Edge]:
    """Every choice and ``next`` of every node, in file order (unknown targets left out)."""
    nodes, out = data["nodes"], []
    for nid, node in nodes.items():
        for c in node.get("choices") or []:
            if c.get("next") in nodes:
                when, gate, text = bool(c.get("when")), c.get("gate"), c.get("text") or ""
                out.append(Edge(nid, c["next"], c.get("id"), when, gate, text))
        if node.get("next") in nodes:
            out.append(Edge(nid, node["next"], None))
    return out


def _depths(start: str | None, nodes: dict, edges: list[Edge]) -> dict[str, int]:
    """Breadth-first depth of every node reachable from ``start``."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        succ[edge.source].append(edge.target)
    if start not in nodes:
        return {}
    depth, queue = {start: 0}, deque([start])
    while queue:
        here = queue.popleft()
        for there in succ[here]:
            if there not in depth:
                depth[there] = depth[here] + 1
                queue.append(there)
    return depth


def layout(data: dict) -> Graph:
    """Place the nodes in rows by breadth-first depth from the start and route every edge.

    Unreachable nodes go in a last row of their own. Each gap between rows grows until its
    labels and detour runs fit without overlapping.
    """
    edges = edges_of(data)
    depth = _depths(data.get("start"), data["nodes"], edges)
    nodes = {
        nid: Node(nid, n.get("type", ""), n.get("phase"), n.get("title") or "", depth.get(nid))
        for nid, n in data["nodes"].items()
    }
    rows: list[list[str]] = [[] for _row in range(max(depth.values(), default=-1) + 1)]
    for nid in sorted(depth, key=depth.__getitem__):  # stable: breadth-first order in a row
        rows[depth[nid]].append(nid)
    if lost := [nid for nid in nodes if nid not in depth]:
        rows.append(lost)
    for r, row in enumerate(rows):
        for nid in row:
            nodes[nid].row = r
    routes = [Route(e, _kind(nodes[e.source], nodes[e.target])) for e in edges]
    _order_rows(rows, nodes, routes)
    _place_ports(nodes, routes)
    graph = Graph(data.get("start"), nodes, rows, routes)
    _route(graph)
    return graph


def _kind(source: Node, target: Node) -> str:
    if source is target:
        return "loop"
    if source.reachable and target.row == source.row + 1:
        return "forward"
    return "detour"


def _order_rows(rows: list[list[str]], nodes: dict[str, Node], routes: list[Route]) -> None:
    """Order each row by its parents' mean position (fewer crossings), then centre it."""
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for route in routes:
        if route.kind == "forward":
            parents[route.edge.target].append(route.edge.source)
    for _sweep in range(2):
        for above, row in zip(rows, rows[1:], strict=False):
            pos, here = {n: i for i, n in enumerate(above)}, {n: i for i, n in enumerate(row)}
            means = {n: [pos[p] for p in parents[n] if p in pos] for n in row}
            row.sort(key=lambda n: sum(means[n]) / len(means[n]) if means[n] else here[n])
    widest = max((len(row) for row in rows), default=0)
    for row in rows:
        offset = (widest - len(row)) * (BOX_W + COL_GAP) / 2
        for i, nid in enumerate(row):
            nodes[nid].x = offset + i * (BOX_W + COL_GAP)


def _place_ports(nodes: dict[str, Node], routes: list[Route]) -> None:
    """Spread each node's outgoing edges along its bottom and incoming ones along its top.

    Ports follow where the other end lies; detours and loops, which turn right, take the
    rightmost ports.
    """
    outs: dict[str, list[tuple[float, int]]] = {n: [] for n in nodes}
    ins: dict[str, list[tuple[float, int]]] = {n: [] for n in nodes}
    for i, route in enumerate(routes):
        source, target = nodes[route.edge.source], nodes[route.edge.target]
        forward = route.kind == "forward"
        outs[source.id].append((target.x if forward else 1e9 + i, i))
        ins[target.id].append((source.x if forward else 1e9 - i, i))
    for nid, node in nodes.items():
        for k, (_where, i) in enumerate(sorted(outs[nid])):
            routes[i].sx = node.x + (k + 1) * BOX_W / (len(outs[nid]) + 1)
        for k, (_where, i) in enumerate(sorted(ins[nid])):
            routes[i].tx = node.x + (k + 1) * BOX_W / (len(ins[nid]) + 1)


def _label_text(edge: Edge) -> str:
    return f"{edge.choice} · {edge.gate}" if edge.gate else edge.choice or ""


def _label_width(text: str) -> float:
    return len(text) * LABEL_CHAR + 8


def _curve_x(sx: float, tx: float, fraction: float) -> float:
    """Where the curve from ``sx`` down to ``tx`` is at ``fraction`` of its height.

    The curve is a cubic Bézier with both control points at mid-height, so its height at
    ``t`` is 1.5t − 1.5t² + t³ (increasing): bisect for ``t``.
    """
    low, high = 0.0, 1.0
    for _step in range(30):
        t = (low + high) / 2
        low, high = (t, high) if 1.5 * t - 1.5 * t * t + t**3 < fraction else (low, t)
    return sx + (tx - sx) * (3 * t * t - 2 * t**3)


class _Channel:
    """The gap below a row: slots for edge labels and for the runs of detours.

    Runs go right to the lanes: leaving runs take the top slots and arriving ones the bottom
    slots, the rightmost nearest its node, so no run crosses another's vertical drop.
    """

    def __init__(self) -> None:
        self.exits: list[Route] = []
        self.entries: list[Route] = []
        self.labels: list[Route] = []  # forward edges with a label
        self.slots = 0
        self.top = 0.0

    def height(self) -> float:
        return 2 * CHANNEL_PAD + self.slots * SLOT

    def y(self, slot: int) -> float:
        return self.top + CHANNEL_PAD + (slot + 0.5) * SLOT

    def fit(self) -> None:
        """Use the fewest slots that hold every run and label without overlaps."""
        self.exits.sort(key=lambda r: -r.sx)
        self.entries.sort(key=lambda r: -r.tx)
        self.slots = len(self.exits) + len(self.entries) + (1 if self.labels else 0)
        while not self._place_labels():
            self.slots += 1
        for k, route in enumerate(self.exits):
            route.out_slot = k
        for k, route in enumerate(self.entries):
            route.in_slot = self.slots - 1 - k

    def _place_labels(self) -> bool:
        taken: list[list[tuple[float, float]]] = [[] for _slot in range(self.slots)]
        for k, route in enumerate(self.exits):
            taken[k].append((route.sx - 2, float("inf")))
        for k, route in enumerate(self.entries):
            taken[self.slots - 1 - k].append((route.tx - 2, float("inf")))
        middle = (self.slots - 1) / 2
        order = sorted(range(self.slots), key=lambda s: (abs(s - middle), s))
        for route in self.labels:
            half = _label_width(_label_text(route.edge)) / 2 + 3
            for slot in order:
                fraction = (CHANNEL_PAD + (slot + 0.5) * SLOT) / self.height()
                x = _curve_x(route.sx, route.tx, fraction)
                if all(x + half <= a or x - half >= b for a, b in taken[slot]):
                    taken[slot].append((x - half, x + half))
                    route.out_slot, route.label_x = slot, x
                    break
            else:
                return False
        return True


def _route(graph: Graph) -> None:
    """Size the gaps between rows, set the rows' heights, then draw every edge."""
    nodes, routes = graph.nodes, graph.routes
    channels = {r: _Channel() for r in range(-1, len(graph.rows))}
    for route in routes:
        source, target = nodes[route.edge.source], nodes[route.edge.target]
        if route.kind != "forward":
            channels[source.row].exits.append(route)
            channels[target.row - 1].entries.append(route)
        elif route.edge.choice:
            channels[source.row].labels.append(route)
    y = float(MARGIN)
    for r, channel in channels.items():
        for nid in graph.rows[r] if r >= 0 else []:
            nodes[nid].y = y
        y += BOX_H if r >= 0 else 0
        channel.fit()
        channel.top = y
        y += channel.height()
    left = min((n.x for n in nodes.values()), default=0) - 32  # the start marker
    right = max((n.x + BOX_W for n in nodes.values()), default=0)
    for route in routes:
        source, target = nodes[route.edge.source], nodes[route.edge.target]
        text, label_y = _label_text(route.edge), channels[source.row].y(route.out_slot)
        if route.kind == "forward":
            route.path = _curve(route.sx, source.y + BOX_H, route.tx, target.y)
            if text:
                route.label = (route.label_x, label_y, "middle")
                half = _label_width(text) / 2
                left, right = min(left, route.label_x - half), max(right, route.label_x + half)
        elif text:
            route.label = (route.sx + 6, label_y, "start")
            right = max(right, route.sx + 6 + _label_width(text))
    lanes: list[list[tuple[float, float]]] = []
    loops: dict[str, int] = {}
    detours = [r for r in routes if r.kind != "forward"]
    spans = {
        id(r): (
            channels[nodes[r.edge.source].row].y(r.out_slot),
            channels[nodes[r.edge.target].row - 1].y(r.in_slot),
        )
        for r in detours
    }
    lane_base = right + LANE_GAP
    # Short detours take the inner lanes; a lane holds detours whose spans do not overlap.
    for route in sorted(detours, key=lambda r: abs(spans[id(r)][0] - spans[id(r)][1])):
        source, target = nodes[route.edge.source], nodes[route.edge.target]
        y_out, y_in = spans[id(route)]
        if route.kind == "loop":
            loops[source.id] = loops.get(source.id, -1) + 1
            x = source.x + BOX_W + LOOP_GAP + 8 * loops[source.id]
        else:
            x = lane_base + LANE_PITCH * _lane(lanes, min(y_out, y_in) - 4, max(y_out, y_in) + 4)
        right = max(right, x)
        route.path = _orthogonal(
            [
                (route.sx, source.y + BOX_H),
                (route.sx, y_out),
                (x, y_out),
                (x, y_in),
                (route.tx, y_in),
                (route.tx, target.y),
            ]
        )
    graph.box = (left - MARGIN, 0, right - left + 2 * MARGIN, y + MARGIN)


def _lane(lanes: list[list[tuple[float, float]]], low: float, high: float) -> int:
    """The first lane free from ``low`` to ``high`` (a new one if none is), now taken."""
    for k, lane in enumerate(lanes):
        if all(high <= a or low >= b for a, b in lane):
            lane.append((low, high))
            return k
    lanes.append([(low, high)])
    return len(lanes) - 1


def _curve(sx: float, sy: float, tx: float, ty: float) -> str:
    mid = _n((sy + ty) / 2)
    return f"M{_n(sx)},{_n(sy)} C{_n(sx)},{mid} {_n(tx)},{mid} {_n(tx)},{_n(ty)}"


def _orthogonal(points: list[tuple[float, float]], radius: float = 6) -> str:
    """An SVG path through ``points`` (horizontal and vertical steps) with rounded corners."""
    d = f"M{_n(points[0][0])},{_n(points[0][1])}"
    for (ax, ay), (px, py), (bx, by) in zip(points, points[1:], points[2:], strict=False):
        r1 = min(radius, (abs(px - ax) + abs(py - ay)) / 2)
        r2 = min(radius, (abs(bx - px) + abs(by - py)) / 2)
        p1 = (px - _sign(px - ax) * r1, py - _sign(py - ay) * r1)
        p2 = (px + _sign(bx - px) * r2, py + _sign(by - py) * r2)
        d += f" L{_n(p1[0])},{_n(p1[1])} Q{_n(px)},{_n(py)} {_n(p2[0])},{_n(p2[1])}"
    return d + f" L{_n(points[-1][0])},{_n(points[-1][1])}"


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, at a word end when one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit - 10:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—–") + "…"


# -- drawing ----------------------------------------------------------------------------------


def _tag(name: str, content: Markup | str = "", /, **attrs: Any) -> Markup:
    """An element; attribute values and text are escaped, ``None`` values left out.

    Attribute names are given in Python: ``class_`` for class, ``_`` for ``-``.
    """
    attributes = Markup("").join(
        Markup(' {}="{}"').format(
            key.rstrip("_").replace("_", "-"),
            _n(value) if isinstance(value, int | float) else value,
        )
        for key, value in attrs.items()
        if value is not None
    )
    return Markup("<{}{}>{}</{}>").format(name, attributes, content, name)


def render_svg(data: dict, locale: str = "es", *, id_prefix: str | None = None) -> Markup:
    """The scenario map as an inline ``<svg>``: no script, no style attribute, text escaped.

    :param data: normalised scenario data in the language to show.
    :param locale: language of the interface words (legend, descriptions) and of ``lang``.
    :param id_prefix: prefix of the ids inside the SVG (default: from the slug); give one per
        map when a page shows the same scenario twice.
    """
    graph = layout(data)
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", str(data.get("slug") or "scenario"))
    prefix = id_prefix or f"graph-{slug}"
    x, y, width, height = graph.box
    with force_locale(locale):
        legend, legend_w, legend_h = _legend(prefix, x + MARGIN, width - 2 * MARGIN)
        title = _("Scenario map: %(title)s", title=data.get("title") or slug)
        desc = _(
            "Nodes: %(nodes)d. Connections: %(edges)d. Dashed arrows are conditional "
            "choices; red arrows trip a gate.",
            nodes=len(graph.nodes),
            edges=len(graph.routes),
        )
        if graph.unreachable:
            ids = ", ".join(graph.unreachable)
            desc += " " + _("Unreachable from the start: %(ids)s.", ids=ids)
        edges = Markup("").join(_edge_svg(route, prefix) for route in graph.routes)
        nodes = Markup("").join(_node_svg(n, n.id == graph.start) for n in graph.nodes.values())
    labels = Markup("").join(_label_svg(route) for route in graph.routes if route.label)
    width = max(width, legend_w + 2 * MARGIN)
    y, height = y - legend_h, height + legend_h
    arrows = _marker(f"{prefix}-arrow", EDGE) + _marker(f"{prefix}-gate", GATE)
    body = [
        _tag("title", title, id=f"{prefix}-title"),
        _tag("desc", desc, id=f"{prefix}-desc"),
        _tag("defs", arrows),
        legend,
        _tag("g", edges, class_="edges"),
        _tag("g", nodes, class_="nodes"),
        _tag("g", labels, class_="edge-labels"),
    ]
    return _tag(
        "svg",
        Markup("").join(body),
        xmlns="http://www.w3.org/2000/svg",
        class_="scenario-graph-svg",
        viewBox=f"{_n(x)} {_n(y)} {_n(width)} {_n(height)}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{prefix}-title {prefix}-desc",
        lang=locale,
        font_family=FONT,
        font_size=12,
    )


def _marker(marker_id: str, colour: str) -> Markup:
    return _tag(
        "marker",
        _tag("path", d="M0,0 L10,5 L0,10 z", fill=colour),
        id=marker_id,
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=8,
        markerHeight=8,
        markerUnits="userSpaceOnUse",
        orient="auto",
    )


def _edge_svg(route: Route, prefix: str) -> Markup:
    edge = route.edge
    tooltip = f"{edge.choice}: " if edge.choice else ""
    tooltip += f"{edge.source} → {edge.target}"
    tooltip += f" — {shorten(edge.text, 120)}" if edge.text else ""
    tooltip += f" ({_('conditional')})" if edge.conditional else ""
    tooltip += " " + _("(trips gate %(gate)s)", gate=edge.gate) if edge.gate else ""
    classes = ["edge", route.kind]
    classes += ["conditional"] if edge.conditional else []
    classes += ["gate"] if edge.gate else []
    classes += [] if edge.choice else ["next"]
    path = _tag(
        "path",
        d=route.path,
        fill="none",
        stroke=GATE if edge.gate else EDGE,
        stroke_width=1.4,
        stroke_dasharray="5 3" if edge.conditional else None,
        marker_end=f"url(#{prefix}-{'gate' if edge.gate else 'arrow'})",
    )
    return _tag(
        "g",
        _tag("title", tooltip) + path,
        class_=" ".join(classes),
        data_source=edge.source,
        data_target=edge.target,
        data_choice=edge.choice,
    )


def _label_svg(route: Route) -> Markup:
    x, y, anchor = route.label
    text = _label_text(route.edge)
    width = _label_width(text)
    box = _tag(
        "rect",
        x=x - width / 2 if anchor == "middle" else x,
        y=y - 7,
        width=width,
        height=14,
        rx=3,
        fill="#ffffff",
        fill_opacity=0.92,
    )
    ink = GATE if route.edge.gate else INK
    label = _tag(
        "text",
        text,
        x=x if anchor == "middle" else x + 4,
        y=y + 3.5,
        text_anchor=anchor,
        font_family=MONO,
        font_size=10,
        fill=ink,
    )
    classes = "edge-label gate" if route.edge.gate else "edge-label"
    return _tag("g", box + label, class_=classes, data_choice=route.edge.choice)


def _node_svg(node: Node, is_start: bool) -> Markup:
    fill, stroke, ink = TYPE_COLOURS.get(node.type, TYPE_COLOURS["narrative"])
    kind = str(TYPE_LABELS.get(node.type, node.type))
    corner, corner_ink = node.phase or "", "#c9d1da" if node.type == "end" else MUTED
    if not node.reachable:
        fill, stroke, corner, corner_ink = "#fde8ea", DANGER, _("unreachable"), DANGER
    pad = 18 if node.type == "end" else 14
    parts = [
        _tag(
            "rect",
            width=BOX_W,
            height=BOX_H,
            rx=BOX_H / 2 if node.type == "end" else 4,
            fill=fill,
            stroke=stroke,
            stroke_width=3 if is_start else 1.5,
            stroke_dasharray=None if node.reachable else "5 3",
        ),
        _tag(
            "text",
            shorten(node.id, 18),
            class_="node-id",
            x=pad,
            y=18,
            fill=ink,
            font_family=MONO,
            font_size=11,
            font_weight=700,
        ),
        _tag(
            "text",
            shorten(node.title or kind, TITLE_CHARS),
            class_="node-title",
            x=pad,
            y=36,
            fill=ink,
        ),
    ]
    if corner:
        at = {"x": BOX_W - 8, "y": 18, "text_anchor": "end", "font_size": 10}
        parts.append(_tag("text", corner, class_="node-phase", fill=corner_ink, **at))
    if node.phase:
        band = {"x": 4, "y": 6, "width": 4, "height": BOX_H - 12, "rx": 2}
        colour = PHASE_COLOURS.get(node.phase, MUTED)
        parts.append(_tag("rect", class_="phase-band", fill=colour, **band))
    if is_start:
        cy = BOX_H / 2
        parts.append(_tag("circle", cx=-24, cy=cy, r=5, fill=INK))
        line = f"M-19,{_n(cy)} L0,{_n(cy)}"
        parts.append(_tag("path", class_="start-marker", d=line, stroke=INK, stroke_width=1.6))
    notes = [kind, *([node.phase] if node.phase else []), *([_("start")] if is_start else [])]
    notes += [] if node.reachable else [_("unreachable from the start")]
    tooltip = f"{node.id} — {node.title or kind} ({'; '.join(notes)})"
    classes = ["node", f"node-{node.type}"]
    classes += [f"phase-{node.phase}"] if node.phase else []
    classes += ["start"] if is_start else []
    classes += [] if node.reachable else ["unreachable"]
    return _tag(
        "g",
        _tag("title", tooltip) + Markup("").join(parts),
        class_=" ".join(classes),
        data_node=node.id,
        transform=f"translate({_n(node.x)},{_n(node.y)})",
    )


def _legend(prefix: str, left: float, width: float) -> tuple[Markup, float, float]:
    """The key to shapes, colours and lines: one row per group, wrapped at ``width``.

    Returns the markup (drawn above y = 0), its width and its height.
    """
    swatch = {"y": -11, "width": 26, "height": 14, "rx": 3, "stroke_width": 1.5}
    types = []
    for kind in ("narrative", "observation", "decision", "record", "end"):
        fill, stroke, _ink = TYPE_COLOURS[kind]
        rx = 7 if kind == "end" else 3
        types.append((_tag("rect", **{**swatch, "rx": rx}, fill=fill, stroke=stroke), kind))
    types = [(mark, str(TYPE_LABELS[kind])) for mark, kind in types]
    start = {**swatch, "fill": "#ffffff", "stroke": "#0b4f8a", "stroke_width": 3}
    lost = {**swatch, "fill": "#fde8ea", "stroke": DANGER, "stroke_dasharray": "5 3"}
    types += [(_tag("rect", **start), _("start"))]
    types += [(_tag("rect", **lost), _("unreachable from the start"))]
    phases = [
        (_tag("rect", x=20, y=-11, width=4, height=14, rx=2, fill=colour), phase)
        for phase, colour in PHASE_COLOURS.items()
    ]
    lines = []
    for name, dash, colour, marker in (
        (_("choice"), None, EDGE, "arrow"),
        (_("conditional choice"), "5 3", EDGE, "arrow"),
        (_("trips a gate"), None, GATE, "gate"),
    ):
        line = {"d": "M0,-4 L24,-4", "fill": "none", "stroke": colour, "stroke_width": 1.4}
        line.update(stroke_dasharray=dash, marker_end=f"url(#{prefix}-{marker})")
        lines.append((_tag("path", **line), name))
    parts, y, widest = [], 0.0, 0.0
    for group in (types, phases, lines):
        x = 0.0
        for mark, text in group:
            wide = 34 + len(text) * 6.4 + 18
            if x and x + wide > max(width, 560):
                x, y = 0.0, y + 22
            label = _tag("text", text, x=34, y=0, font_size=11, fill=INK)
            at = f"translate({_n(left + x)},{_n(y + 18)})"
            parts.append(_tag("g", mark + label, class_="legend-item", transform=at))
            x += wide
            widest = max(widest, x)
        y += 22
    height = y + 4
    at = f"translate(0,{_n(-height)})"
    return _tag("g", Markup("").join(parts), class_="legend", transform=at), widest, height


# -- text alternative -------------------------------------------------------------------------


def outline(data: dict) -> list[OutlineRow]:
    """Every node with its outgoing edges, in the map's reading order (unreachable last)."""
    graph = layout(data)
    outgoing: dict[str, list[OutlineEdge]] = {n: [] for n in graph.nodes}
    for route in graph.routes:
        e = route.edge
        outgoing[e.source].append(OutlineEdge(e.choice, e.target, e.conditional, e.gate))
    rows = []
    for nid in (nid for row in graph.rows for nid in row):
        node = graph.nodes[nid]
        kind = TYPE_LABELS.get(node.type, node.type)
        rows.append(
            OutlineRow(
                nid,
                node.type,
                kind,
                node.phase,
                node.title,
                node.reachable,
                nid == graph.start,
                tuple(outgoing[nid]),
            )
        )
    return rows
