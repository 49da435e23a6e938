"""The scenario map: layout, SVG and outline, for every shipped scenario and small graphs."""

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from flask import render_template_string

from case_simulations import graph
from case_simulations.content_source import PACKAGE_SCENARIOS
from case_simulations.loader import discover, load_scenario
from tests.case_simulations.conftest import references

NS = "{http://www.w3.org/2000/svg}"
SHIPPED = discover(PACKAGE_SCENARIOS)
CASES = [(path, lang) for path in SHIPPED for lang in ("es", "en")]


@pytest.fixture(scope="module")
def docs():
    """Every shipped scenario, loaded once."""
    refs = references()
    return {path: load_scenario(path, refs) for path in SHIPPED}


@pytest.fixture(params=CASES, ids=[f"{p.stem}-{lang}" for p, lang in CASES])
def shipped(request, docs):
    """One shipped scenario's data in one language."""
    path, lang = request.param
    doc = docs[path]
    return (doc.data_en if lang == "en" else doc.data_es), lang


def _choice(cid: str, target: str, **extra) -> dict:
    return {"id": cid, "text": f"Texto de {cid}", "next": target, **extra}


def _mini(**changes) -> dict:
    """A small scenario: a → b (two choices, one conditional, one gated) → end; c unreachable."""
    nodes = {
        "a": {
            "type": "decision",
            "phase": "opening",
            "title": "Inicio",
            "choices": [
                _choice("bien", "b"),
                _choice("si-acaso", "b", when={"revealed": ["f1"]}),
                _choice("mal", "fin", gate="G1"),
            ],
        },
        "b": {"type": "narrative", "title": "Sigue", "next": "fin"},
        "fin": {"type": "end", "title": "Fin"},
        "c": {"type": "decision", "title": "Huérfano", "choices": [_choice("vuelve", "b")]},
    }
    data = {"slug": "mini", "title": "Mini", "start": "a", "nodes": nodes}
    data.update(changes)
    return data


def _parse(svg) -> ET.Element:
    # Our own output, not untrusted input: the stdlib parser is fine here.
    return ET.fromstring(str(svg))  # noqa: S314


def _groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if css_class in g.get("class", "").split()]


def _expected_edges(data: dict) -> Counter:
    edges = Counter()
    for nid, node in data["nodes"].items():
        for choice in node.get("choices", []):
            edges[(nid, choice["next"], choice["id"])] += 1
        if node.get("next"):
            edges[(nid, node["next"], None)] += 1
    return edges


def _box(element: ET.Element) -> tuple[float, float, float, float]:
    """A node's or a label's rectangle as (left, top, right, bottom)."""
    rect = element.find(f"{NS}rect")
    dx, dy = 0.0, 0.0
    if move := re.match(r"translate\(([-\d.]+),([-\d.]+)\)", element.get("transform", "")):
        dx, dy = float(move[1]), float(move[2])
    x, y = dx + float(rect.get("x", 0)), dy + float(rect.get("y", 0))
    return x, y, x + float(rect.get("width")), y + float(rect.get("height"))


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_every_shipped_scenario_draws_one_group_per_node_and_per_edge(shipped):
    data, lang = shipped
    root = _parse(graph.render_svg(data, lang))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == lang
    nodes = _groups(root, "node")
    assert sorted(g.get("data-node") for g in nodes) == sorted(data["nodes"])
    edges = Counter(
        (g.get("data-source"), g.get("data-target"), g.get("data-choice"))
        for g in _groups(root, "edge")
    )
    assert edges == _expected_edges(data)
    assert all(g.find(f"{NS}title") is not None for g in nodes + _groups(root, "edge"))


def test_shipped_maps_have_no_script_style_or_external_reference(shipped):
    data, lang = shipped
    svg = str(graph.render_svg(data, lang))
    root = _parse(svg)
    tags = {element.tag.removeprefix(NS) for element in root.iter()}
    assert not tags & {"script", "style", "foreignObject", "image", "use", "a"}
    for element in root.iter():
        for name, value in element.attrib.items():
            assert name != "style"
            assert not name.startswith("on")
            assert "href" not in name
            assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value)
    assert "style=" not in svg
    assert "<script" not in svg


def test_shipped_maps_have_unique_ids_and_resolve_their_references(shipped):
    data, lang = shipped
    root = _parse(graph.render_svg(data, lang))
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert set(root.get("aria-labelledby").split()) <= set(ids)
    assert root.find(f"{NS}title").get("id") in ids
    markers = {element.get("id") for element in root.iter(f"{NS}marker")}
    for path in root.iter(f"{NS}path"):
        if path.get("marker-end"):
            assert path.get("marker-end")[5:-1] in markers


def test_shipped_maps_keep_boxes_and_labels_apart_inside_the_view_box(shipped):
    data, lang = shipped
    root = _parse(graph.render_svg(data, lang))
    boxes = [_box(g) for g in _groups(root, "node")]
    labels = [_box(g) for g in _groups(root, "edge-label")]
    assert len(labels) == sum(len(n.get("choices", [])) for n in data["nodes"].values())
    everything = boxes + labels
    for i, a in enumerate(everything):
        for b in everything[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    left, top, width, height = (float(v) for v in root.get("viewBox").split())
    assert float(root.get("width")) == pytest.approx(width)
    assert float(root.get("height")) == pytest.approx(height)
    for x0, y0, x1, y1 in everything:
        assert left <= x0 and x1 <= left + width
        assert top <= y0 and y1 <= top + height


def test_shipped_outline_lists_every_node_once_with_its_edges(shipped):
    data, _lang = shipped
    rows = graph.outline(data)
    assert sorted(row.node for row in rows) == sorted(data["nodes"])
    assert rows[0].node == data["start"]
    assert rows[0].is_start
    assert all(row.reachable for row in rows)
    listed = Counter((row.node, e.target, e.choice) for row in rows for e in row.edges)
    assert listed == _expected_edges(data)
    for row in rows:
        node = data["nodes"][row.node]
        conditional = [bool(c.get("when")) for c in node.get("choices", [])]
        assert [e.conditional for e in row.edges if e.choice] == conditional


def test_layout_rows_follow_breadth_first_depth_from_the_start():
    layout = graph.layout(_mini())
    assert [sorted(row) for row in layout.rows] == [["a"], ["b", "fin"], ["c"]]
    assert layout.nodes["fin"].depth == 1
    kinds = {(r.edge.source, r.edge.target): r.kind for r in layout.routes}
    assert kinds[("a", "b")] == "forward"
    assert kinds[("b", "fin")] == "detour"  # same row


def test_unreachable_nodes_go_last_and_are_flagged():
    data = _mini()
    layout = graph.layout(data)
    assert layout.unreachable == ["c"]
    assert layout.rows[-1] == ["c"]
    assert not layout.nodes["c"].reachable
    root = _parse(graph.render_svg(data))
    flagged = [g.get("data-node") for g in _groups(root, "unreachable")]
    assert flagged == ["c"]
    assert "c" in root.find(f"{NS}desc").text
    rows = graph.outline(data)
    assert [(row.node, row.reachable) for row in rows][-1] == ("c", False)


def test_conditional_choices_are_dashed_gates_red_and_ends_rounded():
    root = _parse(graph.render_svg(_mini()))
    edges = {g.get("data-choice"): g for g in _groups(root, "edge")}
    assert "conditional" in edges["si-acaso"].get("class").split()
    assert edges["si-acaso"].find(f"{NS}path").get("stroke-dasharray")
    assert edges["bien"].find(f"{NS}path").get("stroke-dasharray") is None
    assert "gate" in edges["mal"].get("class").split()
    assert edges["mal"].find(f"{NS}path").get("marker-end") == "url(#graph-mini-gate)"
    assert "next" in edges[None].get("class").split()
    end = next(g for g in _groups(root, "node") if g.get("data-node") == "fin")
    assert "node-end" in end.get("class").split()
    assert float(end.find(f"{NS}rect").get("rx")) == graph.BOX_H / 2


def test_self_loops_are_drawn():
    data = _mini()
    data["nodes"]["a"]["choices"].append(_choice("otra-vez", "a"))
    layout = graph.layout(data)
    loop = next(r for r in layout.routes if r.edge.choice == "otra-vez")
    assert loop.kind == "loop"
    assert loop.path.startswith("M")
    assert loop.label is not None


def test_text_is_escaped():
    data = _mini()
    data["title"] = 'Mapa "<i>"'
    data["nodes"]["a"]["title"] = "<b>&"
    data["nodes"]["a"]["choices"][0]["text"] = "</title><script>alert(1)</script>"
    svg = str(graph.render_svg(data))
    assert "<b>" not in svg
    assert "<script>" not in svg
    assert "&lt;b&gt;&amp;" in svg
    root = _parse(svg)
    node = next(g for g in _groups(root, "node") if g.get("data-node") == "a")
    assert node.find(f"{NS}text[@class='node-title']").text == "<b>&"
    assert root.find(f"{NS}title").text == 'Scenario map: Mapa "<i>"'


def test_long_titles_are_shortened_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    data = _mini()
    long_title = "Una pregunta muy larga que no cabe de ninguna manera en la caja del nodo"
    data["nodes"]["a"]["title"] = long_title
    root = _parse(graph.render_svg(data))
    node = next(g for g in _groups(root, "node") if g.get("data-node") == "a")
    shown = node.find(f"{NS}text[@class='node-title']").text
    assert shown.endswith("…")
    assert len(shown) <= graph.TITLE_CHARS
    assert long_title.startswith(shown[:-1])
    assert long_title in node.find(f"{NS}title").text


def test_record_nodes_without_title_show_their_type():
    data = _mini()
    data["nodes"]["b"] = {"type": "record", "next": "fin"}
    root = _parse(graph.render_svg(data, "en"))
    node = next(g for g in _groups(root, "node") if g.get("data-node") == "b")
    assert node.find(f"{NS}text[@class='node-title']").text == "Case record"


def test_id_prefix_keeps_two_maps_on_one_page_apart():
    first = _parse(graph.render_svg(_mini()))
    second = _parse(graph.render_svg(_mini(), id_prefix="otro"))
    ids = {e.get("id") for e in first.iter() if e.get("id")}
    assert ids.isdisjoint({e.get("id") for e in second.iter() if e.get("id")})


def test_graph_macro_renders_the_map_and_the_outline_table(make_app):
    app = make_app()
    app.jinja_env.globals.update(
        scenario_graph_svg=graph.render_svg, scenario_graph_outline=graph.outline
    )
    template = '{% from "case_simulations/_graph.html" import graph %}{{ graph(data, "en") }}'
    with app.test_request_context():
        html = render_template_string(template, data=_mini())
    assert html.count("<svg") == 1
    assert 'class="scenario-graph-scroll"' in html
    assert "<details" in html
    assert html.count('<tr id="outline-mini-') == 4
    assert 'href="#outline-mini-b"' in html
    assert "unreachable from the start" in html
    assert "style=" not in html


def test_render_svg_uses_the_locale_asked_for_in_a_request(make_app):
    data = _mini()
    data["nodes"]["b"] = {"type": "record", "next": "fin"}
    app = make_app()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        root = _parse(graph.render_svg(data, "es"))
    node = next(g for g in _groups(root, "node") if g.get("data-node") == "b")
    assert node.find(f"{NS}text[@class='node-title']").text == "Registro del caso"
    assert root.get("lang") == "es"


def test_trainers_see_the_scenario_map_and_learners_do_not(
    scenario, client, login, trainer, learner
):
    login(learner)
    briefing = client.get(f"/simulaciones/{scenario.slug}").get_data(as_text=True)
    assert "/mapa" not in briefing
    assert client.get(f"/simulaciones/{scenario.slug}/mapa").status_code == 403
    login(trainer)
    assert "/mapa" in client.get(f"/simulaciones/{scenario.slug}").get_data(as_text=True)
    page = client.get(f"/simulaciones/{scenario.slug}/mapa").get_data(as_text=True)
    assert "<svg" in page and "Mapa del escenario" in page
    assert 'class="scenario-outline"' in page
