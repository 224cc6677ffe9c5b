"""The practice → outcome evidence map: the matrix page (a cell drills down to its paths with their
quotes and sources), its JSON and CSV, and its bipartite graph. The map comes from
:func:`graphkb.evidence.evidence_map`, computed once per graph version and filter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import networkx as nx
from flask import Response, jsonify, render_template, request, url_for

from graphkb import analytics
from graphkb import evidence as evidence_maps
from graphkb.errors import NotFound, ValidationError
from graphkb.viz_evidence import evidence_graph

from ..db import get_store
from ..i18n import ui_lang
from .explore import bp, entity_arg, graph, json_view, node_label, statement_view

__all__ = ["evidence_of_request", "MATRIX_ROWS", "MATRIX_COLUMNS"]

MATRIX_ROWS = 150
MATRIX_COLUMNS = 80
ALL_LEVELS = (*evidence_maps.LEVELS, evidence_maps.UNRATED, evidence_maps.COUNTER)


def _filters(args, G: nx.MultiDiGraph) -> dict[str, Any]:
    levels = [lv for raw in args.getlist("level") for lv in raw.split(",") if lv]
    for level in levels:
        if level not in ALL_LEVELS:
            raise ValidationError(f"unknown evidence level {level[:50]!r}", "level")
    return {
        "city": entity_arg(args, "city", G, "City"),
        "program": entity_arg(args, "program", G, "Program"),
        "source": entity_arg(args, "source", G, "Source"),
        "levels": tuple(dict.fromkeys(levels)) or None,
    }


def evidence_of_request(G: nx.MultiDiGraph) -> tuple[evidence_maps.EvidenceMap, dict[str, Any]]:
    """The evidence map the query string asks for (cached per graph version), and its filters."""
    filters = _filters(request.args, G)
    ontology = get_store().ontology
    emap = analytics.cached(G, "evidence_map", evidence_maps.evidence_map, G, ontology, **filters)
    return emap, filters


def _filter_args(filters: dict[str, Any]) -> list[tuple[str, str]]:
    args = [(name, filters[name]) for name in ("city", "program", "source") if filters[name]]
    return args + [("level", lv) for lv in filters["levels"] or ()]


@bp.get("/evidence")
def evidence():
    G = graph()
    lang = ui_lang()
    emap, filters = evidence_of_request(G)
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
    return render_template(
        "explore/evidence.html",
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
    G = graph()
    emap, filters = evidence_of_request(G)
    practice, outcome = request.args.get("practice"), request.args.get("outcome")
    if practice or outcome:
        cell = emap.cells.get((practice or "", outcome or ""))
        if cell is None:
            raise NotFound("no path from this practice to this outcome with these filters")
        return jsonify({"filters": emap.filters, "practice": practice, "outcome": outcome, **cell.to_dict()})
    with_paths = request.args.get("paths", "0") in ("1", "true", "yes")
    return jsonify(emap.to_dict(with_paths=with_paths))


@bp.get("/evidence.csv")
@json_view
def evidence_csv():
    emap, _ = evidence_of_request(graph())
    response = Response(evidence_maps.csv_text(emap.to_csv_rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="evidence-map.csv"'
    return response


@bp.get("/evidence/graph")
@json_view
def evidence_graph_data():
    """The map as a bipartite vis-network graph (practices left, outcomes right)."""
    G = graph()
    emap, _ = evidence_of_request(G)
    return jsonify(evidence_graph(G, emap, get_store().ontology, ui_lang()))
