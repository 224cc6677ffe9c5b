"""The practice → outcome evidence map: the matrix page (a cell drills down to its paths with their
quotes and sources), its JSON and CSV, and its bipartite graph. The map comes from
:func:`graphkb.evidence.evidence_map`, computed once per graph version and filter, in the background
(:mod:`webui.background`): on a big graph the page first says it is being computed, or shows the
map of the last graph version while the current one is computed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, jsonify, render_template, request, url_for

from graphkb import analytics
from graphkb import evidence as evidence_maps
from graphkb.errors import NotFound, ValidationError
from graphkb.jobs import Answer
from graphkb.projection import projection_of
from graphkb.viz_evidence import evidence_graph

from ..background import RETRY_AFTER, ask, job_context, mark_json, pending_json
from ..db import get_store
from ..i18n import ui_lang
from ..params import canonical_id
from .explore import bp, graph, json_view, node_label, statement_view

__all__ = ["evidence_of_request", "evidence_of", "MATRIX_ROWS", "MATRIX_COLUMNS"]

MATRIX_ROWS = 150
MATRIX_COLUMNS = 80
ALL_LEVELS = (*evidence_maps.LEVELS, evidence_maps.UNRATED, evidence_maps.COUNTER)


FILTERS = (("city", "City"), ("program", "Program"), ("source", "Source"))


def _filters(args) -> dict[str, Any]:
    """The filters of the query string, checked as far as can be without the graph."""
    levels = [lv for raw in args.getlist("level") for lv in raw.split(",") if lv]
    for level in levels:
        if level not in ALL_LEVELS:
            raise ValidationError(f"unknown evidence level {level[:50]!r}", "level")
    filters: dict[str, Any] = {}
    for name, _ in FILTERS:
        raw = (args.get(name) or "").strip()
        filters[name] = canonical_id(raw) if raw else None
        if raw and filters[name] is None:
            raise ValidationError("not an entity id", name)
    filters["levels"] = tuple(dict.fromkeys(levels)) or None
    return filters


def evidence_of(filters: dict[str, Any]) -> tuple[evidence_maps.EvidenceMap, dict[str, Any]]:
    """The evidence map for ``filters`` on the current projection (cached per graph version; slow on a
    big graph: run it in the background); a filter naming no live entity of its type is refused."""
    G = projection_of(get_store())
    for name, entity_type in FILTERS:
        entity_id = filters[name]
        if entity_id is None:
            continue
        if entity_id not in G:
            raise NotFound(f"no entity {entity_id!r}")
        if G.nodes[entity_id].get("type") != entity_type:
            raise ValidationError(f"must be an entity of type {entity_type}", name)
    ontology = get_store().ontology
    emap = analytics.cached(G, "evidence_map", evidence_maps.evidence_map, G, ontology, **filters)
    return emap, filters


def evidence_of_request() -> Answer:
    """The background answer for the map the query string asks for: its value is (map, filters)."""
    filters = _filters(request.args)
    return ask(("evidence-map", *sorted(filters.items())), lambda: evidence_of(filters))


def _filter_args(filters: dict[str, Any]) -> list[tuple[str, str]]:
    args = [(name, filters[name]) for name in ("city", "program", "source") if filters[name]]
    return args + [("level", lv) for lv in filters["levels"] or ()]


@bp.get("/evidence")
def evidence():
    lang = ui_lang()
    answer = evidence_of_request()
    if answer.state in ("computing", "failed"):
        html = render_template(
            "explore/evidence.html",
            job=job_context(answer),
            filters=_filters(request.args),
            filter_labels={},
            levels=ALL_LEVELS,
            query=urlencode(_filter_args(_filters(request.args))),
        )
        status = 202 if answer.state == "computing" else 503
        return html, status, {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER)}
    emap, filters = answer.result()
    G = graph()  # built by the computation: brought up to date with the latest edits, if any
    practice = request.args.get("practice") or None
    outcome = request.args.get("outcome") or None
    selected = None
    if practice and outcome:
        cell = emap.cells.get((practice, outcome))
        paths = [p.to_dict() for p in cell.paths] if cell else []
        selected = {
            "practice": practice,
            "outcome": outcome,
            "practice_label": node_label(G, practice, lang),
            "outcome_label": node_label(G, outcome, lang),
            "cell": cell,
            "paths": [{**p, "statements": [statement_view(G, s, lang) for s in p["statements"]]} for p in paths],
        }
    base_args = _filter_args(filters)
    query = urlencode(base_args)

    def cell_url(p: str, o: str, endpoint: str = "explore.evidence") -> str:
        return url_for(endpoint, **_args_dict(base_args), practice=p, outcome=o)

    gaps = emap.gaps.practices_without_outcome[:200] + emap.gaps.outcomes_without_practice[:200]
    practices = emap.practices[:MATRIX_ROWS]
    outcomes = emap.outcomes[:MATRIX_COLUMNS]
    html = render_template(
        "explore/evidence.html",
        job=job_context(answer),
        emap=emap,
        practices=practices,
        outcomes=outcomes,
        label={n: node_label(G, n, lang) for n in {*practices, *outcomes, *gaps}},
        filters=filters,
        filter_labels={k: node_label(G, v, lang) for k, v in filters.items() if k != "levels" and v},
        levels=ALL_LEVELS,
        selected=selected,
        cell_url=cell_url,
        query=query,
    )
    return html, 200, {"Cache-Control": "no-store"} if answer.state == "stale" else {}


def _args_dict(args: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in args:
        out.setdefault(name, []).append(value)
    return out


@bp.get("/evidence.json")
@json_view
def evidence_json():
    """The map with counts per cell (``?paths=1``: with every cell's paths, which on a big graph is
    a lot); ``?practice=…&outcome=…``: that one cell with its paths, quotes and sources."""
    answer = evidence_of_request()
    pending = pending_json(answer)
    if pending is not None:
        return pending
    emap, filters = answer.result()
    practice, outcome = request.args.get("practice"), request.args.get("outcome")
    if practice or outcome:
        cell = emap.cells.get((practice or "", outcome or ""))
        if cell is None:
            raise NotFound("no path from this practice to this outcome with these filters")
        one = {"filters": emap.filters, "practice": practice, "outcome": outcome, **cell.to_dict()}
        return mark_json(jsonify(one), answer)
    with_paths = request.args.get("paths", "0") in ("1", "true", "yes")
    return mark_json(jsonify(emap.to_dict(with_paths=with_paths)), answer)


@bp.get("/evidence.csv")
@json_view
def evidence_csv():
    answer = evidence_of_request()
    pending = pending_json(answer)
    if pending is not None:
        return pending
    emap, _ = answer.result()
    response = Response(evidence_maps.csv_text(emap.to_csv_rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="evidence-map.csv"'
    return mark_json(response, answer)


@bp.get("/evidence/graph")
@json_view
def evidence_graph_data():
    """The map as a bipartite vis-network graph (practices left, outcomes right)."""
    answer = evidence_of_request()
    pending = pending_json(answer)
    if pending is not None:
        return pending
    emap, _ = answer.result()
    return mark_json(jsonify(evidence_graph(graph(), emap, get_store().ontology, ui_lang())), answer)
