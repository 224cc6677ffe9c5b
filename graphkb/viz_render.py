"""How a graph view looks: vis-network nodes and edges built with pyvis (``pyvis.network.Network``),
coloured and shaped by entity type, labelled in the UI language, with a legend.

pyvis's own HTML template is not used (it loads scripts from other hosts); its node and edge
dictionaries go to the app's own page as JSON (see webui/static/js/explore.js).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from .layout import SPACING, stable_angle
from .model import pick
from .schema import Ontology

if TYPE_CHECKING:
    from .viz import View

__all__ = ["SHAPES", "OPTIONS", "MAX_NODES", "shape_of", "render"]

MAX_NODES = 500
"""The most entity nodes the server sends for one view (vis-network stays responsive; see bench/)."""
SHAPES = {
    "City": "square",
    "SocialSpace": "hexagon",
    "Program": "star",
    "Organization": "dot",
    "ProviderAlliance": "triangle",
    "Role": "triangleDown",
    "Person": "diamond",
    "Principle": "diamond",
    "Practice": "square",
    "Outcome": "star",
    "Lesson": "triangle",
    "Event": "triangleDown",
    "Critique": "hexagon",
    "Source": "dot",
}
OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},  # its own pre-layout is slow and positions are given
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "color": {"color": "#9aa3ad", "highlight": "#37414b", "hover": "#37414b"},
        "font": {"size": 11, "align": "middle", "color": "#4b5560", "strokeWidth": 3},
        "smooth": False,  # straight lines draw fastest; curved ones cost a support point each
        "width": 1,
    },
}


def shape_of(entity_type: str) -> str:
    """The vis-network shape an entity type is drawn with.

    >>> shape_of("City"), shape_of("NoSuchType")
    ('square', 'dot')
    """
    return SHAPES.get(entity_type, "dot")


def render(
    G: nx.MultiDiGraph,
    view: View,
    ontology: Ontology,
    lang: str,
    *,
    texts: Callable[[str, int], str] | None = None,
    only_nodes: Iterable[str] | None = None,
    only_edges: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The view as vis-network data (built with pyvis): nodes, edges, options and a legend.

    Labels are in ``lang`` with the other language as fallback. ``texts(kind, n)`` words the
    "+N more" labels and tooltips in the UI language (``kind`` is ``more`` or ``hidden``).
    ``only_nodes``/``only_edges`` restrict the output to those (an expansion's delta).
    """
    from pyvis.network import Network  # heavy (Jinja, IPython hooks): only where a view is drawn

    texts = texts or (lambda kind, n: f"+{n}" if kind == "more" else f"{n} more")
    keep_nodes = set(only_nodes) if only_nodes is not None else None
    keep_edges = set(only_edges) if only_edges is not None else None
    net = Network(directed=True)
    legend: dict[str, int] = {}
    for node in view.nodes:
        attrs = G.nodes[node]
        etype = attrs.get("type", "")
        legend[etype] = legend.get(etype, 0) + 1
        if keep_nodes is not None and node not in keep_nodes:
            continue
        label = pick({"de": attrs.get("label_de", ""), "en": attrs.get("label_en", "")}, lang) or node
        kind = ontology.entity_types.get(etype)
        hidden = view.more.get(node, 0)
        title = f"{label}\n{pick(kind.labels, lang) if kind else etype}"
        if hidden:
            title += f"\n{texts('hidden', hidden)}"
        x, y = view.positions[node]
        degree = _degree(G, node)
        net.add_node(
            node,
            label=label[:60],
            shape=shape_of(etype),
            color=kind.color if kind else "#888888",
            title=title,
            x=x,
            y=y,
            size=min(12 + 3 * degree.bit_length(), 34),
            entity_type=etype,
            more=hidden,
            via=view.via.get(node),
        )
    for anchor, rest in view.pending.items():
        if rest > 0 and (keep_nodes is None or f"more:{anchor}" in keep_nodes):
            ax, ay = view.positions[anchor]
            angle = stable_angle(f"more:{anchor}")
            net.add_node(
                f"more:{anchor}",
                label=texts("more", rest),
                shape="box",
                color="#eef1f4",
                title=texts("hidden", rest),
                x=round(ax + SPACING * 0.7 * math.cos(angle), 1),
                y=round(ay + SPACING * 0.7 * math.sin(angle), 1),
                more_of=anchor,
                via=anchor,
                remaining=rest,
            )
    for subject, target, key, attrs in view.edges:
        if keep_edges is not None and key not in keep_edges:
            continue
        relation = ontology.relation_types.get(attrs.get("type", ""))
        label = pick(relation.labels, lang) if relation else attrs.get("type", "")
        # pyvis's add_edge scans its node list for both ends on every call (O(n) each); the
        # ends are known to be there, so its Edge is appended directly, as add_edge would.
        net.edges.append(_edge(subject, target, id=key, label=label, relation=attrs.get("type")))
    for anchor, rest in view.pending.items():
        if rest > 0 and (keep_edges is None or f"more:{anchor}" in keep_edges):
            net.edges.append(_edge(anchor, f"more:{anchor}", id=f"more:{anchor}", dashes=True, arrows=""))
    types = ontology.entity_types
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": OPTIONS,
        "legend": [
            {
                "type": name,
                "label": pick(types[name].labels, lang) if name in types else name,
                "color": types[name].color if name in types else "#888888",
                "shape": shape_of(name),
                "count": count,
            }
            for name, count in sorted(legend.items(), key=lambda item: (-item[1], item[0]))
        ],
        "truncated": view.truncated,
        "limit": MAX_NODES,
        "graph_version": G.graph.get("graph_version"),
    }


def _edge(subject: str, target: str, **options: Any) -> dict:
    from pyvis.edge import Edge

    return Edge(subject, target, directed=True, **options).options


def _degree(G: nx.MultiDiGraph, node: str) -> int:
    return len(G._succ[node]) + len(G._pred[node])
