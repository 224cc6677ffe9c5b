"""Exploring through the API: neighbours, paths, the evidence map, analytics, read-only Cypher.

Views only read parameters and call the domain (the store, :mod:`graphkb.projection`,
:mod:`graphkb.analytics`, :mod:`graphkb.evidence`, :mod:`graphkb.query`); the projection is shared
and only read here. Analytics and the evidence map are computed in the background
(:mod:`webui.background`): within a short wait the answer is 200 (``X-Graph-Stale: true`` when it
is an older graph version's result while the current one is computed), else 202 with
``Retry-After``; a failed computation answers 503 once and is computed again on the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
from flask import Response, jsonify

from graphkb import analytics
from graphkb.projection import projection_of

from ..api_schemas import array_of, ref
from ..background import COMPUTING_RESPONSES, ask, mark_json, pending_json
from ..db import get_store
from ..openapi import JSON, Param
from .api import api, entity_id_of, limit_param

__all__ = ["node_summary"]

_STR = {"type": "string"}
_NODE = {
    "type": "object",
    "properties": {"id": _STR, "type": _STR, "labels": {"type": "object"}},
    "required": ["id", "type", "labels"],
}
_SCORED = {
    "type": "object",
    "properties": {**_NODE["properties"], "score": {"type": "number"}},
    "required": ["id", "type", "labels", "score"],
}
_PATH_EDGE = {
    "type": "object",
    "properties": {
        "id": {"type": ["string", "null"]},
        "subject": _STR,
        "type": {"type": ["string", "null"]},
        "target": _STR,
        "qualifiers": {"type": "object"},
        "citations": array_of(ref("Citation")),
        "forward": {"type": "boolean"},
        "parallel": {"type": "integer"},
    },
    "required": ["subject", "target", "citations"],
}


def node_summary(G: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """Id, type and labels of a projection node, as the API lists entities.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("graz", type="City", label_de="Graz", label_en="Graz")
    >>> node_summary(G, "graz")
    {'id': 'graz', 'type': 'City', 'labels': {'de': 'Graz', 'en': 'Graz'}}
    """
    attrs = G.nodes[node]
    return {
        "id": node,
        "type": attrs.get("type", ""),
        "labels": {"de": attrs.get("label_de", ""), "en": attrs.get("label_en", "")},
    }


def _scored(G: nx.MultiDiGraph, pairs: list[tuple[str, float]]) -> list[dict[str, Any]]:
    return [{**node_summary(G, node), "score": float(score)} for node, score in pairs]


def _graph() -> nx.MultiDiGraph:
    return projection_of(get_store())


def _in_background(key: Hashable, compute: Callable[[nx.MultiDiGraph], Any]) -> Response:
    """``compute(projection)`` (a JSON-able value) answered from the background: 200, 202 or 503."""
    answer = ask(key, lambda: compute(_graph()))
    pending = pending_json(answer)
    if pending is not None:
        return pending
    return mark_json(jsonify(answer.result()), answer)


# --- neighbours and paths -----------------------------------------------------------------------


@api.operation(
    "GET",
    "/entities/<entity_id>/neighbours",
    summary="Live entities within depth hops (either direction) and the statements between them",
    params=(
        Param("depth", "int", default=1, minimum=1, maximum=5),
        Param("relation", "relations", arg="relations", description="relation types to follow (all if none)"),
        Param("type", "types", arg="types", description="entity types to reach (all if none)"),
        Param("limit", "int", default=200, minimum=1, maximum=5000),
    ),
    responses={200: ref("Subgraph")},
    tag="explore",
)
def neighbours(entity_id: str, depth: int, relations: list[str], types: list[str], limit: int):
    canonical = entity_id_of(entity_id)
    found = get_store().neighbours(
        canonical, depth=depth, relation_types=relations or None, entity_types=types or None, limit=limit
    )
    return jsonify(found.to_dict())


@api.operation(
    "GET",
    "/paths",
    summary="The shortest connections between two entities (direction ignored), each a list of statements",
    params=(
        Param("source", "id", required=True, max_length=400),
        Param("target", "id", required=True, max_length=400),
        Param("limit", "int", default=5, minimum=1, maximum=50),
        Param("max_hops", "int", default=6, minimum=1, maximum=10),
    ),
    responses={
        200: {
            "type": "object",
            "properties": {
                "source": _STR,
                "target": _STR,
                "paths": array_of(array_of(_PATH_EDGE)),
                "nodes": {"type": "object", "additionalProperties": _NODE},
            },
            "required": ["source", "target", "paths", "nodes"],
        }
    },
    tag="explore",
)
def paths(source: str, target: str, limit: int, max_hops: int):
    G = _graph()
    found = analytics.shortest_paths(G, source, target, limit=limit, max_hops=max_hops)
    on_paths = {source, target} | {end for path in found for edge in path for end in (edge["subject"], edge["target"])}
    nodes = {node: node_summary(G, node) for node in sorted(on_paths) if node in G}
    return jsonify({"source": source, "target": target, "paths": found, "nodes": nodes})


# --- analytics ----------------------------------------------------------------------------------

_RANKED = {
    "type": "object",
    "properties": {"measure": _STR, "items": array_of(_SCORED)},
    "required": ["items"],
}


@api.operation(
    "GET",
    "/analytics/rankings",
    summary="The most central entities by degree, betweenness or PageRank",
    params=(
        Param("measure", "choice", default="degree", choices=analytics.MEASURES),
        Param("type", "type", arg="entity_type"),
        limit_param(20),
    ),
    responses={200: _RANKED, **COMPUTING_RESPONSES},
    tag="analytics",
)
def rankings(measure: str, entity_type: str | None, limit: int):
    def compute(G: nx.MultiDiGraph) -> dict[str, Any]:
        ranked = analytics.rankings(G, measure, entity_type=entity_type, limit=limit)
        return {"measure": measure, "items": _scored(G, ranked)}

    return _in_background(("api-rankings", measure, entity_type, limit), compute)


@api.operation(
    "GET",
    "/analytics/brokers",
    summary="Entities that link otherwise separate groups (1 − Burt's constraint), highest first",
    params=(Param("type", "type", arg="entity_type"), limit_param(20)),
    responses={200: _RANKED, **COMPUTING_RESPONSES},
    tag="analytics",
)
def brokers(entity_type: str | None, limit: int):
    def compute(G: nx.MultiDiGraph) -> dict[str, Any]:
        return {"items": _scored(G, analytics.brokers(G, limit=limit, entity_type=entity_type))}

    return _in_background(("api-brokers", entity_type, limit), compute)


@api.operation(
    "GET",
    "/analytics/communities",
    summary="Groups of densely connected entities (Louvain), largest first",
    params=(Param("seed", "int", default=1, minimum=0, maximum=2**31 - 1),),
    responses={
        200: {
            "type": "object",
            "properties": {"seed": {"type": "integer"}, "communities": array_of(array_of(_NODE))},
            "required": ["communities"],
        },
        **COMPUTING_RESPONSES,
    },
    tag="analytics",
)
def communities(seed: int):
    def compute(G: nx.MultiDiGraph) -> dict[str, Any]:
        groups = analytics.communities(G, seed=seed)
        return {"seed": seed, "communities": [[node_summary(G, n) for n in sorted(group)] for group in groups]}

    return _in_background(("api-communities", seed), compute)


@api.operation(
    "GET",
    "/analytics/bridges",
    summary="Links whose removal would split the graph",
    params=(
        Param(
            "leaves",
            "choice",
            default="no",
            choices=("no", "yes"),
            description="also links to entities with no other neighbour",
        ),
    ),
    responses={
        200: {
            "type": "object",
            "properties": {"items": array_of({"type": "array", "items": _NODE, "minItems": 2, "maxItems": 2})},
            "required": ["items"],
        },
        **COMPUTING_RESPONSES,
    },
    tag="analytics",
)
def bridges(leaves: str):
    def compute(G: nx.MultiDiGraph) -> dict[str, Any]:
        pairs = analytics.bridges(G, include_leaves=leaves == "yes")
        return {"items": [[node_summary(G, u), node_summary(G, v)] for u, v in pairs]}

    return _in_background(("api-bridges", leaves), compute)


# --- the evidence map ---------------------------------------------------------------------------


@api.operation(
    "GET",
    "/evidence",
    summary="The practice → outcome evidence map: direct and indirect links, their citations, the gaps",
    params=(
        Param("city", "id", max_length=400, description="only practices this city implements"),
        Param("program", "id", max_length=400, description="only practices of this programme"),
        Param("source", "id", max_length=400, description="only links this source supports"),
        Param("level", "levels", arg="levels", description="only links of these evidence levels"),
        Param("max_hops", "int", default=3, minimum=1, maximum=5),
        Param("paths", "choice", default="yes", choices=("yes", "no"), arg="with_paths", description="no: counts only"),
    ),
    responses={
        200: {
            "type": "object",
            "properties": {
                "practices": array_of({"type": "object"}),
                "outcomes": array_of({"type": "object"}),
                "cells": array_of({"type": "object", "required": ["practice", "outcome"]}),
                "gaps": {"type": "object"},
            },
            "required": ["practices", "outcomes", "cells", "gaps"],
        },
        **COMPUTING_RESPONSES,
    },
    tag="explore",
)
def evidence(
    city: str | None, program: str | None, source: str | None, levels: list[str], max_hops: int, with_paths: str
):
    from graphkb.evidence import evidence_map  # helper A's module; imported when asked for

    def compute(G: nx.MultiDiGraph) -> dict[str, Any]:
        found = analytics.cached(
            G,
            "evidence_map",
            evidence_map,
            G,
            get_store().ontology,
            city=city,
            program=program,
            source=source,
            levels=tuple(levels) or None,
            **({} if max_hops == 3 else {"max_hops": max_hops}),  # as the page asks: one cached map for both
        )
        return found.to_dict(with_paths=with_paths == "yes")

    key = ("api-evidence", city, program, source, tuple(levels), max_hops, with_paths)
    return _in_background(key, compute)


# --- read-only Cypher ---------------------------------------------------------------------------


@api.operation(
    "GET",
    "/query",
    summary="Run a read-only Cypher query (native on Neo4j, a subset on the embedded store)",
    params=(
        Param("q", "raw", required=True, max_length=10_000, description="the Cypher query"),
        Param("params", "json", max_length=10_000, description="query parameters ($name), as a JSON object"),
        Param("limit", "int", default=1000, minimum=1, maximum=1000, description="at most this many rows"),
    ),
    responses={
        200: {
            "type": "object",
            "properties": {
                "columns": array_of(_STR),
                "rows": array_of({"type": "array"}),
                "truncated": {"type": "boolean"},
                "elapsed_ms": {"type": "number"},
                "graph": {"type": "object"},
                "engine": _STR,
            },
            "required": ["columns", "rows", "truncated"],
        },
        422: ("The query ran into the time limit (query_timeout)", ref("Error")),
    },
    tag="query",
)
def query(q: str, params: dict[str, Any] | None, limit: int):
    from graphkb.query import QueryTimeout, run_query  # helper B's module

    try:
        result = run_query(get_store(), q, params=params or {}, row_limit=limit)
    except QueryTimeout as exc:
        response = jsonify({**exc.to_dict(), "field": "q"})
        response.status_code = 422
        return response
    return Response(result.to_json(), mimetype=JSON)
