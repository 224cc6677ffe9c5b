"""The evidence map as a bipartite graph: practices in a column on the left, outcomes on the right,
one edge per cell (its width grows with the cell's distinct citations; dashed when the cell only
has indirect paths). Built with pyvis like every graph view (see graphkb.viz).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .model import pick
from .schema import Ontology
from .viz_render import OPTIONS, shape_of

__all__ = ["evidence_graph", "ROW_GAP", "COLUMN_GAP", "MAX_ROWS"]

ROW_GAP = 46.0
COLUMN_GAP = 700.0
MAX_ROWS = 250
"""Practices (and outcomes) drawn at most; the matrix and its CSV have all of them."""


def _label(G: nx.MultiDiGraph, node: str, lang: str) -> str:
    attrs = G.nodes[node] if node in G else {}
    return pick({"de": attrs.get("label_de", ""), "en": attrs.get("label_en", "")}, lang) or node


def evidence_graph(G: nx.MultiDiGraph, emap: Any, ontology: Ontology, lang: str) -> dict[str, Any]:
    """vis-network data for an :class:`graphkb.evidence.EvidenceMap` (``practices``, ``outcomes``, ``cells``).

    Both columns are centred on the same middle line, so a short column sits level with a long one.

    >>> from graphkb.evidence import evidence_map
    >>> from graphkb.schema import default_ontology
    >>> G = nx.MultiDiGraph()
    >>> for node, kind in [("p", "Practice"), ("o", "Outcome")]:
    ...     G.add_node(node, type=kind, label_de=node.upper(), label_en="")
    >>> _ = G.add_edge("p", "o", key="s1", id="s1", type="LEADS_TO", qualifiers={}, citations=[])
    >>> data = evidence_graph(G, evidence_map(G, None), default_ontology(), "en")
    >>> [(n["id"], n["label"], n["x"], n["y"]) for n in data["nodes"]]
    [('p', 'P', 0.0, 0.0), ('o', 'O', 700.0, 0.0)]
    >>> [(e["from"], e["to"], e["dashes"]) for e in data["edges"]]
    [('p', 'o', False)]
    """
    from pyvis.network import Network

    practices, outcomes = emap.practices[:MAX_ROWS], emap.outcomes[:MAX_ROWS]
    net = Network(directed=True)
    types = ontology.entity_types
    for column, nodes, kind in ((0, practices, "Practice"), (1, outcomes, "Outcome")):
        top = -(len(nodes) - 1) * ROW_GAP / 2
        etype = types.get(kind)
        for i, node in enumerate(nodes):
            net.add_node(
                node,
                label=_label(G, node, lang)[:60],
                shape=shape_of(kind),
                color=etype.color if etype else "#888888",
                title=_label(G, node, lang),
                x=column * COLUMN_GAP,
                y=round(top + i * ROW_GAP, 1),
                size=12,
                entity_type=kind,
                more=0,
            )
    drawn = set(practices) | set(outcomes)
    for (practice, outcome), cell in sorted(emap.cells.items()):
        if practice in drawn and outcome in drawn:
            net.edges.append(
                {
                    "from": practice,
                    "to": outcome,
                    "id": f"{practice}|{outcome}",
                    "label": str(cell.citations),
                    "title": cell.best_level,
                    "width": 1 + min(cell.citations, 8),
                    "dashes": not cell.direct,
                    "arrows": "to",
                }
            )
    legend = [
        {
            "type": kind,
            "label": pick(types[kind].labels, lang) if kind in types else kind,
            "color": types[kind].color if kind in types else "#888888",
            "shape": shape_of(kind),
            "count": len(nodes),
        }
        for kind, nodes in (("Practice", practices), ("Outcome", outcomes))
    ]
    truncated = len(emap.practices) > MAX_ROWS or len(emap.outcomes) > MAX_ROWS
    options = {**OPTIONS, "edges": {**OPTIONS["edges"], "font": {**OPTIONS["edges"]["font"], "align": "top"}}}
    return {"nodes": net.nodes, "edges": net.edges, "options": options, "legend": legend, "truncated": truncated}
