"""The analytics page and its JSON twin: rankings (degree, betweenness, PageRank; per type),
communities (Louvain), brokers, bridges, and the shortest paths between two entities with the
statements along the way. Everything comes from :mod:`graphkb.analytics` (cached per graph version)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
from flask import jsonify, render_template, request

from graphkb import analytics as metrics
from graphkb.errors import ValidationError
from graphkb.model import pick

from ..db import get_store
from ..i18n import ui_lang
from ..params import int_arg, type_arg
from .explore import bp, entity_arg, graph, json_view, node_label, statement_view

__all__ = ["analytics_of_request"]

COMMUNITIES_SHOWN = 12
MEMBERS_SHOWN = 8
BRIDGES_SHOWN = 50


def _entity(G: nx.MultiDiGraph, node: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {"id": node, "type": G.nodes[node].get("type"), "label": node_label(G, node, lang), **extra}


def analytics_of_request(G: nx.MultiDiGraph, lang: str) -> dict[str, Any]:
    """Every section of the page for the query string (``measure``, ``type``, ``limit``, ``from``, ``to``)."""
    args = request.args
    measure = args.get("measure") or "degree"
    if measure not in metrics.MEASURES:
        raise ValidationError(f"must be one of {', '.join(metrics.MEASURES)}", "measure")
    entity_type = type_arg(args, get_store().ontology)
    limit = int_arg(args, "limit", 20, minimum=1, maximum=200)
    source, target = entity_arg(args, "from", G), entity_arg(args, "to", G)
    # the whole page once per graph version and question: even cached measures cost a pass over the graph
    return metrics.cached(G, "analytics-page", _sections, G, lang, measure, entity_type, limit, source, target)


def _sections(
    G: nx.MultiDiGraph,
    lang: str,
    measure: str,
    entity_type: str | None,
    limit: int,
    source: str | None,
    target: str | None,
) -> dict[str, Any]:
    ranking = metrics.rankings(G, measure, entity_type=entity_type, limit=limit)
    groups = metrics.cached(G, "communities", metrics.communities, G)
    communities = []
    groups_of_several = [g for g in groups if len(g) > 1]  # an entity alone is no community worth listing
    for index, group in enumerate(groups_of_several[:COMMUNITIES_SHOWN], start=1):
        members = sorted(group, key=lambda n: (-G.degree(n), n))[:MEMBERS_SHOWN]
        types = Counter(G.nodes[n].get("type") for n in group)
        communities.append(
            {
                "number": index,
                "size": len(group),
                "types": dict(types.most_common()),
                "members": [_entity(G, n, lang) for n in members],
            }
        )
    bridges = metrics.cached(G, "bridges", metrics.bridges, G)
    brokers = metrics.brokers(G, limit=limit, entity_type=entity_type)
    paths = None
    if source and target:
        found = metrics.shortest_paths(G, source, target, limit=5, max_hops=6)
        paths = [[statement_view(G, edge, lang) for edge in path] for path in found]
    return {
        "measure": measure,
        "type": entity_type,
        "limit": limit,
        "rankings": [_entity(G, n, lang, score=score) for n, score in ranking],
        "communities": {"count": len(groups), "alone": len(groups) - len(groups_of_several), "largest": communities},
        "brokers": [_entity(G, n, lang, score=score) for n, score in brokers],
        "bridges": {
            "count": len(bridges),
            "first": [[_entity(G, u, lang), _entity(G, v, lang)] for u, v in bridges[:BRIDGES_SHOWN]],
        },
        "from": _entity(G, source, lang) if source else None,
        "to": _entity(G, target, lang) if target else None,
        "paths": paths,
    }


@bp.get("/analytics")
def analytics():
    G = graph()
    lang = ui_lang()
    data = analytics_of_request(G, lang)
    store = get_store()
    return render_template(
        "explore/analytics.html",
        data=data,
        measures=metrics.MEASURES,
        entity_types=[(name, pick(et.labels, lang)) for name, et in store.ontology.entity_types.items()],
        nodes=G.number_of_nodes(),
        edges=G.number_of_edges(),
    )


@bp.get("/analytics.json")
@json_view
def analytics_json():
    return jsonify(analytics_of_request(graph(), ui_lang()))
