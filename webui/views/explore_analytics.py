"""The analytics page and its JSON twin: rankings (degree, betweenness, PageRank; per type),
communities (Louvain), brokers, bridges, and the shortest paths between two entities with the
statements along the way. Everything comes from :mod:`graphkb.analytics` (cached per graph version),
computed in the background (:mod:`webui.background`): on a big graph the page first says it is
being computed, or shows the last graph version's results while the current ones are computed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
from flask import jsonify, render_template, request

from graphkb import analytics as metrics
from graphkb.errors import NotFound, ValidationError
from graphkb.model import pick
from graphkb.projection import projection_of

from ..background import RETRY_AFTER, ask, job_context, mark_json, pending_json
from ..db import get_store
from ..i18n import ui_lang
from ..params import canonical_id, int_arg, type_arg
from .explore import bp, json_view, node_label, statement_view

__all__ = ["analytics_of_request", "Question"]

COMMUNITIES_SHOWN = 12
MEMBERS_SHOWN = 8
BRIDGES_SHOWN = 50

Question = tuple[str, str, str | None, int, str | None, str | None]
"""What the query string asks: (lang, measure, entity type, limit, from, to): a job's key."""


def _entity(G: nx.MultiDiGraph, node: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {"id": node, "type": G.nodes[node].get("type"), "label": node_label(G, node, lang), **extra}


def _entity_id(args, name: str) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    entity_id = canonical_id(raw)
    if entity_id is None:
        raise ValidationError("not an entity id", name)
    return entity_id


def question_of_request(lang: str) -> Question:
    """The page's question from the query string (``measure``, ``type``, ``limit``, ``from``, ``to``);
    bad input is refused here, before anything is computed (an id of no entity: by the computation)."""
    args = request.args
    measure = args.get("measure") or "degree"
    if measure not in metrics.MEASURES:
        raise ValidationError(f"must be one of {', '.join(metrics.MEASURES)}", "measure")
    entity_type = type_arg(args, get_store().ontology)
    limit = int_arg(args, "limit", 20, minimum=1, maximum=200)
    return (lang, measure, entity_type, limit, _entity_id(args, "from"), _entity_id(args, "to"))


def analytics_of(question: Question) -> dict[str, Any]:
    """Every section of the page for ``question``, on the current projection (slow on a big graph:
    run it in the background), with the graph's size and version."""
    G = projection_of(get_store())
    lang, measure, entity_type, limit, source, target = question
    for node in (source, target):
        if node and node not in G:
            raise NotFound(f"no entity {node!r}")
    # the whole page once per graph version and question: even cached measures cost a pass over the graph
    data = metrics.cached(G, "analytics-page", _sections, G, lang, measure, entity_type, limit, source, target)
    return {**data, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def analytics_of_request(lang: str):
    """The background answer (graphkb.jobs.Answer) for the request's question."""
    question = question_of_request(lang)
    return ask(("analytics-page", *question), lambda: analytics_of(question))


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
    lang = ui_lang()
    answer = analytics_of_request(lang)
    store = get_store()
    job = job_context(answer)
    status = {"computing": 202, "failed": 503}.get(answer.state, 200)
    if status == 200:
        data = answer.result()
    else:  # the form, filled in from the question; the sections come when computed
        _, measure, entity_type, limit, source, target = question_of_request(lang)
        data = {
            "measure": measure,
            "type": entity_type,
            "limit": limit,
            "from": {"id": source, "label": source} if source else None,
            "to": {"id": target, "label": target} if target else None,
        }
    html = render_template(
        "explore/analytics.html",
        data=data,
        job=job,
        measures=metrics.MEASURES,
        entity_types=[(name, pick(et.labels, lang)) for name, et in store.ontology.entity_types.items()],
    )
    headers = {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER)} if answer.state != "ready" else {}
    return html, status, headers


@bp.get("/analytics.json")
@json_view
def analytics_json():
    answer = analytics_of_request(ui_lang())
    pending = pending_json(answer)
    if pending is not None:
        return pending
    data = {k: v for k, v in answer.result().items() if k not in ("nodes", "edges")}
    return mark_json(jsonify(data), answer)
